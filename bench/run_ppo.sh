#!/usr/bin/env bash
# Times one PPO iteration of rlhf4j's PpoTrainer (bundled small model, PpoConfig's defaults) and its
# PyTorch-eager twin with the same shapes and threads, then prints both and their ratios per phase.
# See bench/README.md.
#
#   bench/run_ppo.sh [--threads N] [--out DIR] [--seed S] [--warmup N] [--iterations N] [--profile]
#                    [--rounds N] [--soak N]           (also bench/run.sh --ppo ...)
#
# --profile also profiles one iteration on both sides and prints the ops that take the time.
# --rounds N runs the two sides N times, alternating (Java, twin, Java, twin, ...), and reports each
#           phase's ratio as the median of the N per-round ratios: on a machine whose speed drifts,
#           a ratio from one pair of runs can be off by 2x.
# --soak N  also runs N PPO iterations of the Java side alone (PpoSoak: NDManager array counts and
#           VmRSS after each one) in a JVM with a fixed, pre-touched heap, so RSS shows native memory.
#
# Environment: PYTHON (default /usr/bin/python3, which must have torch), TWIN_BLAS_DIR (a folder
# holding the libblas.so.3 the twin should load, e.g. /usr/lib/x86_64-linux-gnu/openblas-openmp).
set -euo pipefail

cd "$(dirname "$0")/.."

THREADS=$(nproc 2>/dev/null || echo 1)
OUT=runs/bench
SEED=42
WARMUP=2
ITERATIONS=7
PROFILE=false
SOAK=0
ROUNDS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --iterations) ITERATIONS=$2; shift 2 ;;
    --profile) PROFILE=true; shift ;;
    --soak) SOAK=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_ppo.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
PY=${PYTHON:-/usr/bin/python3}
mkdir -p "$OUT"

# ---- build if needed
if [ ! -f target/rlhf4j.jar ] || [ ! -d target/lib ] \
    || [ ! -f target/classes/dev/rlhf4j/bench/PpoBenchmark.class ]; then
  echo "== building (./mvnw -q -B -DskipTests package)"
  ./mvnw -q -B -DskipTests package
fi

WARNINGS=$OUT/warnings-ppo.txt
# shellcheck source=bench/lib.sh
. bench/lib.sh
rm -f "$WARNINGS"
JAVA_THREADS=(-Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads="$THREADS")

if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "run_ppo.sh: $PY cannot import torch (Debian: apt install python3-torch); skipping the twin" >&2
  TWIN=false
else
  TWIN=true
fi
TWIN_ARGS=(--warmup "$WARMUP" --iterations "$ITERATIONS")
if [ "$PROFILE" = true ]; then TWIN_ARGS+=(--profile); fi
if [ "$TWIN" = true ]; then
  twin_blas
  if [ "$TWIN_REFERENCE_BLAS" = true ]; then TWIN_ARGS+=(--warmup 1 --iterations 2); fi
fi
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  [ "$ROUNDS" -gt 1 ] && echo "== round $ROUND of $ROUNDS"
  # ---- rlhf4j
  echo "== rlhf4j (Java) PPO iteration with $THREADS threads ($(java_env malloc_note); $JAVA_HEAP)"
  check_idle rlhf4j
  timed rlhf4j java_env java $JAVA_HEAP "${JAVA_THREADS[@]}" -cp "target/classes:target/lib/*" dev.rlhf4j.bench.PpoBenchmark \
    --threads "$THREADS" --out "$OUT" --seed "$SEED" --warmup "$WARMUP" --iterations "$ITERATIONS" --profile "$PROFILE"
  [ "$TWIN" = true ] || exit 1
  # ---- PyTorch eager twin
  echo "== PyTorch eager twin of the PPO iteration with $THREADS threads (BLAS: $BLAS; $(twin_env malloc_note))"
  check_idle twin
  timed twin twin_env "$PY" bench/ppo_twin.py --threads "$THREADS" --seed "$SEED" --out "$OUT/pytorch-ppo.json" \
    "${TWIN_ARGS[@]}"
  if [ "$ROUNDS" -gt 1 ]; then
    cp "$OUT/rlhf4j-ppo.json" "$OUT/rlhf4j-ppo.round$ROUND.json"
    cp "$OUT/pytorch-ppo.json" "$OUT/pytorch-ppo.round$ROUND.json"
  fi
done

# ---- comparison
"$PY" - "$OUT" "$WARNINGS" "$ROUNDS" <<'EOF'
import json, os, statistics, sys
out, warn, n_rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
j = json.load(open(os.path.join(out, "rlhf4j-ppo.json")))
p = json.load(open(os.path.join(out, "pytorch-ppo.json")))
if n_rounds > 1:  # every round's pair; figures are medians over rounds, ratios the median of per-round ratios
    pairs = [(json.load(open(os.path.join(out, f"rlhf4j-ppo.round{r}.json"))),
              json.load(open(os.path.join(out, f"pytorch-ppo.round{r}.json")))) for r in range(1, n_rounds + 1)]
else:
    pairs = [(j, p)]
def phase(key, stat):
    """(rlhf4j ms, PyTorch ms, ratio, per-round ratios) for one phase over the rounds."""
    per = [(a["phases"][key][stat], b["phases"][key][stat]) for a, b in pairs]
    rs = [x / y if y > 0 else float("nan") for x, y in per]
    return (statistics.median(x for x, _ in per), statistics.median(y for _, y in per), statistics.median(rs), rs)
TARGET = 0.8
noisy = os.path.exists(warn)
mark = " (unreliable: see warnings)" if noisy else ""
rows = []
ratios = {}
per_round = {}
for key, label in (("rollout", "rollout (generate 32 tokens, KV cache)"), ("score", "score (reward model)"),
                   ("forward_pass", "forward_pass (reference; twin: + policy)"),
                   ("optimize_step", "optimize_step (GAE + 16 minibatch steps)"), ("other", "other (KL ctl, metrics)"),
                   ("total", "total, ms (median)")):
    a, b, r, rs = phase(key, "ms_median")
    ratios[key] = r
    per_round[key] = rs
    target = key != "other"
    verdict = ("PASS" if r <= TARGET else "MISS") + mark if target else ""
    rows.append((label, f"{a:.1f}", f"{b:.1f}", f"{r:.2f}", f"<= {TARGET:.2f}" if target else "", verdict))
a, b, r, rs = phase("total", "ms_min")
per_round["total_fastest"] = rs
ratios["total_fastest"] = r
rows.append(("total, ms (fastest)", f"{a:.1f}", f"{b:.1f}", f"{r:.2f}", f"<= {TARGET:.2f}",
             ("PASS" if r <= TARGET else "MISS") + mark))
head = ("phase", "rlhf4j", "PyTorch eager", "ratio", "target", "")
w = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
fmt = lambda r: "  ".join((r[0].ljust(w[0]),) + tuple(c.rjust(w[i]) for i, c in enumerate(r) if 0 < i < 5)
                          + (r[5],)).rstrip()
jw, pw = j["work"], p["work"]
print()
print(f"rlhf4j:        {j['engine']}, {j['threads']} threads")
print(f"PyTorch eager: {p['engine']}, {p['threads']} threads, BLAS {p.get('blas', '?').split(', ')[0]}")
print(f"model: {j['model']['checkpoint']}, {j['model']['n_layer']} layers, width {j['model']['n_embd']}, "
      f"vocab {j['model']['vocab_size']}, {j['model']['parameters']:,} params (policy, reference and reward model)")
print(f"iteration: {jw['batch']} prompts of {jw['prompt_len']} tokens, {jw['new_tokens']} new tokens each "
      f"(mean {jw['response_tokens_mean']:.1f} vs {pw['response_tokens_mean']:.1f}), reward model on "
      f"[{jw['batch']}, {jw['score_len_mean']:.1f}] vs [{pw['batch']}, {pw['score_len_mean']:.1f}], "
      f"{jw['ppo_epochs']} epochs x {jw['optimizer_steps'] // jw['ppo_epochs']} minibatches of {jw['mini_batch']}; "
      f"median of {jw['iterations']} after {jw['warmup']} warm-up")
print("ratio = rlhf4j / PyTorch (times: lower is better for rlhf4j)")
if n_rounds > 1:
    print(f"{n_rounds} rounds, alternating: ms = median over rounds of each side's figure; ratio = median of the "
          "per-round ratios")
print()
print(fmt(head))
print(fmt(tuple("-" * x for x in w[:5]) + ("",)))
for r in rows:
    print(fmt(r))
if n_rounds > 1:
    print()
    for key, rs in per_round.items():
        print(f"per-round ratios, {key}: " + ", ".join(f"{x:.2f}" for x in rs))
summary = {"ratios": ratios, "target_max": TARGET, "reliable": not noisy, "rounds": n_rounds,
           "per_round_ratios": per_round}
with open(os.path.join(out, "comparison-ppo.json"), "w") as f:
    json.dump(summary, f, indent=2)
for side, d in (("rlhf4j", j), ("PyTorch eager", p)):
    prof = d.get("profile")
    if prof:
        print(f"\n{side}, one PPO iteration profiled: {prof['wall_ms_per_rep']:.1f} ms wall")
        print(f"{'op':36s} {'self ms':>10s} {'calls':>10s}")
        for op in prof["top"]:
            print(f"{op['name'][:36]:36s} {op['self_ms_per_rep']:10.2f} {op['calls_per_rep']:10.1f}")
if noisy:
    print("\nwarnings:\n" + open(warn).read().rstrip())
print(f"\nwrote {out}/rlhf4j-ppo.json, {out}/pytorch-ppo.json, {out}/comparison-ppo.json")
EOF

# ---- soak (Java only)
if [ "$SOAK" -gt 0 ]; then
  echo
  echo "== rlhf4j PPO soak: $SOAK iterations with $THREADS threads"
  check_idle soak
  # a fixed heap, touched at start-up: RSS then moves with native memory, not with the heap filling up
  timed soak java_env java -Xms512m -Xmx512m -XX:+AlwaysPreTouch "${JAVA_THREADS[@]}" -cp "target/classes:target/lib/*" \
    dev.rlhf4j.bench.PpoSoak --threads "$THREADS" --out "$OUT" --seed "$SEED" --iterations "$SOAK" --progress 50
  if [ -f "$WARNINGS" ] && grep -q '^soak: other processes' "$WARNINGS"; then
    echo "WARNING: the soak ran on a busy machine: its times are unreliable (its counts and RSS are not)." >&2
  fi
fi
