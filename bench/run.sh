#!/usr/bin/env bash
# Times rlhf4j's bundled GPT (train step, generation with/without KV cache) and its PyTorch-eager
# twin with the same shapes and threads, then prints both and their ratios. See bench/README.md.
#
#   bench/run.sh [--threads N] [--out DIR] [--seed S] [--profile] [--rounds N]
#   bench/run.sh --ppo [run_ppo.sh options]     (one PPO iteration instead: see bench/run_ppo.sh)
#
# --profile also runs both sides' profilers (3 training steps, one cached generation) and prints
# the ops that take the time; traces and summaries go to DIR.
# --rounds N runs the two sides N times, alternating (Java, twin, Java, twin, ...), and reports each
#           ratio as the median of the N per-round ratios (this VM's speed drifts by 10-20% between runs).
#
# Environment: PYTHON (default /usr/bin/python3, which must have torch), TWIN_BLAS_DIR (a folder
# holding the libblas.so.3 the twin should load, e.g. /usr/lib/x86_64-linux-gnu/openblas-openmp).
set -euo pipefail

cd "$(dirname "$0")/.."

for a in "$@"; do
  if [ "$a" = --ppo ]; then
    args=()
    for b in "$@"; do [ "$b" = --ppo ] || args+=("$b"); done
    exec bench/run_ppo.sh "${args[@]}"
  fi
done

THREADS=$(nproc 2>/dev/null || echo 1)
OUT=runs/bench
SEED=42
PROFILE=false
ROUNDS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --profile) PROFILE=true; shift ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
PY=${PYTHON:-/usr/bin/python3}
mkdir -p "$OUT"

# ---- build if needed
if [ ! -f target/rlhf4j.jar ] || [ ! -d target/lib ] \
    || [ ! -f target/classes/dev/rlhf4j/bench/LmBenchmark.class ]; then
  echo "== building (./mvnw -q -B -DskipTests package)"
  ./mvnw -q -B -DskipTests package
fi

WARNINGS=$OUT/warnings.txt
# shellcheck source=bench/lib.sh
. bench/lib.sh
rm -f "$OUT/warnings.txt"

if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "run.sh: $PY cannot import torch (Debian: apt install python3-torch); skipping the twin" >&2
  TWIN=false
else
  TWIN=true
  TWIN_ARGS=()
  if [ "$PROFILE" = true ]; then TWIN_ARGS+=(--profile); fi
  twin_blas
  if [ "$TWIN_REFERENCE_BLAS" = true ]; then TWIN_ARGS+=(--warmup 1 --steps 3 --runs 1); fi
fi
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  [ "$ROUNDS" -gt 1 ] && echo "== round $ROUND of $ROUNDS"
  # ---- rlhf4j
  echo "== rlhf4j (Java) with $THREADS threads ($(java_env malloc_note); $JAVA_HEAP)"
  check_idle rlhf4j
  timed rlhf4j java_env java $JAVA_HEAP -cp "target/classes:target/lib/*" dev.rlhf4j.bench.LmBenchmark \
    --threads "$THREADS" --out "$OUT" --seed "$SEED" --profile "$PROFILE"
  VOCAB=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"]["vocab_size"])' "$OUT/rlhf4j.json")

  [ "$TWIN" = true ] || exit 1
  # ---- PyTorch eager twin
  echo "== PyTorch eager twin with $THREADS threads (BLAS: $BLAS; $(twin_env malloc_note))"
  check_idle twin
  timed twin twin_env "$PY" bench/torch_twin.py --threads "$THREADS" --vocab "$VOCAB" --seed "$SEED" \
    --out "$OUT/pytorch.json" "${TWIN_ARGS[@]}" > /dev/null
  if [ "$ROUNDS" -gt 1 ]; then
    cp "$OUT/rlhf4j.json" "$OUT/rlhf4j.round$ROUND.json"
    cp "$OUT/pytorch.json" "$OUT/pytorch.round$ROUND.json"
  fi
done

# ---- comparison
"$PY" - "$OUT" "$ROUNDS" <<'EOF'
import json, os, statistics, sys
out, n_rounds = sys.argv[1], int(sys.argv[2])
j = json.load(open(os.path.join(out, "rlhf4j.json")))
p = json.load(open(os.path.join(out, "pytorch.json")))
if n_rounds > 1:  # every round's pair; figures are medians over rounds, ratios the median of per-round ratios
    pairs = [(json.load(open(os.path.join(out, f"rlhf4j.round{r}.json"))),
              json.load(open(os.path.join(out, f"pytorch.round{r}.json")))) for r in range(1, n_rounds + 1)]
else:
    pairs = [(j, p)]
jt, pt, jg, pg = j["train"], p["train"], j["generate"], p["generate"]
per_round = {}
def fig(path):
    """(rlhf4j, PyTorch, ratio) for one figure, e.g. ("train", "ms_median"): medians over the rounds."""
    def get(d):
        for k in path:
            d = d[k]
        return d
    per = [(get(a), get(b)) for a, b in pairs]
    rs = [x / y for x, y in per]
    per_round[".".join(path)] = rs
    return statistics.median(x for x, _ in per), statistics.median(y for _, y in per), statistics.median(rs)

rows = []  # metric, rlhf4j, pytorch, ratio, target, verdict
noisy = os.path.exists(os.path.join(out, "warnings.txt"))
mark = " (unreliable: see warnings)" if noisy else ""
ratios = {}
def time_row(name, key, target=None):
    a, b, r = fig(("train", key))
    ratios["train." + key] = r
    verdict = "" if target is None else ("PASS" if r <= target else "MISS") + mark
    rows.append((name, f"{a:.1f}", f"{b:.1f}", f"{r:.2f}", "" if target is None else f"<= {target:.2f}", verdict))
def rate_row(name, mode, target=None):
    a, b, r = fig(("generate", mode, "tokens_per_s"))
    ratios["generate." + mode] = r
    verdict = "" if target is None else ("PASS" if r >= target else "MISS") + mark
    rows.append((name, f"{a:.0f}", f"{b:.0f}", f"{r:.2f}", "" if target is None else f">= {target:.2f}", verdict))

# the goals of the speed work (bench/README.md): the train step at most 0.8x PyTorch eager's time, at its
# median and at its fastest step, and cached generation at least 1.25x PyTorch eager's rate
time_row("train step, ms (median)", "ms_median", 0.8)
time_row("train step, ms (fastest)", "ms_min", 0.8)
time_row("  forward + loss, ms", "forward_ms_median")
time_row("  backward, ms", "backward_ms_median")
time_row("  clip + AdamW, ms", "optimizer_ms_median")
rate_row("generate tok/s, KV cache", "cached", 1.25)
rate_row("generate tok/s, no cache", "uncached")
ks_j = statistics.median(a["generate"]["kv_speedup"] for a, _ in pairs)
ks_p = statistics.median(b["generate"]["kv_speedup"] for _, b in pairs)
rows.append(("KV-cache speed-up (x)", f"{ks_j:.2f}", f"{ks_p:.2f}", "", ">= 3.00 (rlhf4j)",
             ("PASS" if ks_j >= 3 else "MISS") + mark))

head = ("metric", "rlhf4j", "PyTorch eager", "ratio", "target", "")
w = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
fmt = lambda r: "  ".join((r[0].ljust(w[0]),) + tuple(c.rjust(w[i]) for i, c in enumerate(r) if 0 < i < 5)
                          + (r[5],)).rstrip()
print()
print(f"rlhf4j:        {j['engine']}, {j['threads']} threads")
print(f"PyTorch eager: {p['engine']}, {p['threads']} threads, BLAS {p.get('blas', '?').split(', ')[0]}")
print(f"model: {j['model']['n_layer']} layers, width {j['model']['n_embd']}, vocab {j['model']['vocab_size']}, "
      f"{j['model']['parameters']:,} params; train B={jt['batch']} T={jt['seq_len']}; generate B={jg['batch']}, "
      f"{jg['prompt_len']}-token prompts, <= {jg['max_new_tokens']} new tokens")
print("ratio = rlhf4j / PyTorch (times: lower is better for rlhf4j; tok/s: higher is better)")
print()
print(fmt(head))
print(fmt(tuple("-" * x for x in w[:5]) + ("",)))
for r in rows:
    print(fmt(r))
c = j.get("compute")
if c:
    verdict = "PASS" if c["share_of_peak_median"] >= 0.30 and c["share_of_peak_fastest"] >= 0.30 else "MISS"
    print(f"\nrlhf4j train step: {c['gflops_median']:.1f} GFLOP/s (median step), {c['gflops_fastest']:.1f} (fastest) = "
          f"{100 * c['share_of_peak_median']:.0f}% / {100 * c['share_of_peak_fastest']:.0f}% of this machine's matmul peak "
          f"({c['peak_gflops']:.1f} GFLOP/s, 1024^3, same threads); target >= 30%: {verdict}")
if n_rounds > 1:
    print(f"\n{n_rounds} rounds, alternating: figures = medians over rounds of each side's figure; "
          "ratio = median of the per-round ratios")
    for key, rs in per_round.items():
        print(f"per-round ratios, {key}: " + ", ".join(f"{x:.2f}" for x in rs))
summary = {
    "train_step_ratio": ratios["train.ms_median"],
    "train_step_fastest_ratio": ratios["train.ms_min"],
    "generate_cached_ratio": ratios["generate.cached"],
    "generate_uncached_ratio": ratios["generate.uncached"],
    "kv_speedup_rlhf4j": ks_j, "kv_speedup_pytorch": ks_p,
    "targets": {"train_step_ratio_max": 0.8, "train_step_fastest_ratio_max": 0.8,
                "generate_cached_ratio_min": 1.25, "kv_speedup_min": 3.0},
    "rounds": n_rounds, "per_round_ratios": per_round, "reliable": not noisy,
}
with open(os.path.join(out, "comparison.json"), "w") as f:
    json.dump(summary, f, indent=2)
for key, label in (("train_profile", "training step"), ("generate_profile", "cached generation")):
    prof = p.get(key)
    if prof:
        print(f"\nPyTorch eager {label}, profile of {prof['reps']} reps: {prof['wall_ms_per_rep']:.1f} ms wall/rep")
        print(f"{'op':36s} {'self ms':>10s} {'calls':>10s}")
        for op in prof["top"]:
            print(f"{op['name'][:36]:36s} {op['self_ms_per_rep']:10.2f} {op['calls_per_rep']:10.1f}")
warn = os.path.join(out, "warnings.txt")
if os.path.exists(warn):
    print("\nwarnings:\n" + open(warn).read().rstrip())
print(f"\nwrote {out}/rlhf4j.json, {out}/pytorch.json, {out}/comparison.json")
EOF
