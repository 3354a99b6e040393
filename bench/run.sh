#!/usr/bin/env bash
# Times rlhf4j's bundled GPT (train step, generation with/without KV cache) and its PyTorch-eager
# twin with the same shapes and threads, then prints both and their ratios. See bench/README.md.
#
#   bench/run.sh [--threads N] [--out DIR] [--seed S] [--profile]
#
# --profile also runs both sides' profilers (3 training steps, one cached generation) and prints
# the ops that take the time; traces and summaries go to DIR.
#
# Environment: PYTHON (default /usr/bin/python3, which must have torch), TWIN_BLAS_DIR (a folder
# holding the libblas.so.3 the twin should load, e.g. /usr/lib/x86_64-linux-gnu/openblas-openmp).
set -euo pipefail

cd "$(dirname "$0")/.."

THREADS=$(nproc 2>/dev/null || echo 1)
OUT=runs/bench
SEED=42
PROFILE=false
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --profile) PROFILE=true; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# ---- is anything else using the CPUs? (on a shared machine another process makes every figure
# meaningless: OpenMP threads that lose their core stall the whole op.) Before each run we look at
# the load; during it we compare the machine's busy CPU time with the run's own.
busy_jiffies() { local a b c d e f g h; read -r _ a b c d e f g h _ < /proc/stat; echo $((a+b+c+f+g+h)) $((a+b+c+d+e+f+g+h)); }
check_idle() {
  [ -r /proc/stat ] || return 0
  local b1 t1 b2 t2 busy
  read -r b1 t1 < <(busy_jiffies); sleep 2; read -r b2 t2 < <(busy_jiffies)
  busy=$(( 100 * (b2 - b1) / (t2 - t1 > 0 ? t2 - t1 : 1) ))
  if [ "$busy" -gt 15 ]; then
    echo "WARNING: the CPUs are ${busy}% busy before the $1 run; figures will be noisy." >&2
    echo "$1: CPUs ${busy}% busy before the run" >> "$OUT/warnings.txt"
  fi
}
# timed NAME CMD...: runs CMD and warns if other processes used more than 0.15 cores meanwhile.
timed() {
  local name=$1; shift
  if [ ! -r /proc/stat ]; then "$@"; return; fi
  local hz b1 b2 w1 w2 tf
  hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
  tf=$(mktemp)
  read -r b1 _ < <(busy_jiffies); w1=$(date +%s%N)
  { TIMEFORMAT='%U %S'; time "$@" 2>&3; } 3>&2 2>"$tf"
  read -r b2 _ < <(busy_jiffies); w2=$(date +%s%N)
  "$PY" - "$name" "$hz" "$b1" "$b2" "$w1" "$w2" "$tf" "$OUT/warnings.txt" <<'PYEOF'
import sys
name, hz, b1, b2, w1, w2, tf, warn = sys.argv[1:]
own = sum(float(x) for x in open(tf).read().split()[-2:])
wall = (int(w2) - int(w1)) / 1e9
others = ((int(b2) - int(b1)) / float(hz) - own) / wall
print(f"   [{name}: {wall:.0f} s wall, other processes used {max(others, 0):.2f} cores on average]")
if others > 0.15:
    msg = f"{name}: other processes used {others:.2f} cores on average during the run"
    print("WARNING: " + msg + "; figures are unreliable.", file=sys.stderr)
    open(warn, "a").write(msg + "\n")
PYEOF
  rm -f "$tf"
}
rm -f "$OUT/warnings.txt"

# ---- rlhf4j
echo "== rlhf4j (Java) with $THREADS threads"
check_idle rlhf4j
timed rlhf4j java -Xmx2g -cp "target/classes:target/lib/*" dev.rlhf4j.bench.LmBenchmark \
  --threads "$THREADS" --out "$OUT" --seed "$SEED" --profile "$PROFILE"
VOCAB=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"]["vocab_size"])' "$OUT/rlhf4j.json")

# ---- PyTorch eager twin
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "run.sh: $PY cannot import torch (Debian: apt install python3-torch); skipping the twin" >&2
  exit 1
fi
# Debian's python3-torch is built with BLAS_INFO=generic: it uses whatever libblas.so.3 resolves
# to, and the reference (netlib) BLAS is ~40x slower than OpenBLAS on our matrix products.
TWIN_ARGS=()
if [ "$PROFILE" = true ]; then TWIN_ARGS+=(--profile); fi
if [ -n "${TWIN_BLAS_DIR:-}" ]; then
  export LD_LIBRARY_PATH="$TWIN_BLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
BLAS=$("$PY" -c 'import torch
print(" ".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and "/" in l})))')
if [ -z "${TWIN_BLAS_DIR:-}" ] && ! echo "$BLAS" | grep -qi 'openblas\|mkl\|blis'; then
  for d in /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/x86_64-linux-gnu/openblas-pthread \
           /usr/lib/aarch64-linux-gnu/openblas-openmp /usr/lib/aarch64-linux-gnu/openblas-pthread; do
    if [ -f "$d/libblas.so.3" ]; then
      export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      BLAS="$d/libblas.so.3"
      break
    fi
  done
fi
if ! echo "$BLAS" | grep -qi 'openblas\|mkl\|blis'; then
  echo "WARNING: PyTorch would use the reference BLAS ($BLAS): its figures are not representative." >&2
  echo "         Install an optimised one (apt install libopenblas0-openmp) or set TWIN_BLAS_DIR." >&2
  echo "         Running the twin with fewer steps to keep this short." >&2
  echo "twin: reference BLAS ($BLAS)" >> "$OUT/warnings.txt"
  TWIN_ARGS+=(--warmup 1 --steps 3 --runs 1)
fi
echo "== PyTorch eager twin with $THREADS threads (BLAS: $BLAS)"
check_idle twin
timed twin "$PY" bench/torch_twin.py --threads "$THREADS" --vocab "$VOCAB" --seed "$SEED" \
  --out "$OUT/pytorch.json" "${TWIN_ARGS[@]}" > /dev/null

# ---- comparison
"$PY" - "$OUT" <<'EOF'
import json, os, sys
out = sys.argv[1]
j = json.load(open(os.path.join(out, "rlhf4j.json")))
p = json.load(open(os.path.join(out, "pytorch.json")))
jt, pt, jg, pg = j["train"], p["train"], j["generate"], p["generate"]

rows = []  # metric, rlhf4j, pytorch, ratio, target, verdict
noisy = os.path.exists(os.path.join(out, "warnings.txt"))
mark = " (unreliable: see warnings)" if noisy else ""
def time_row(name, a, b, target=None):
    r = a / b
    verdict = "" if target is None else ("PASS" if r <= target else "MISS") + mark
    rows.append((name, f"{a:.1f}", f"{b:.1f}", f"{r:.2f}", "" if target is None else f"<= {target:.2f}", verdict))
def rate_row(name, a, b):
    rows.append((name, f"{a:.0f}", f"{b:.0f}", f"{a / b:.2f}", "", ""))

time_row("train step, ms (median)", jt["ms_median"], pt["ms_median"], 0.8)
time_row("train step, ms (fastest)", jt["ms_min"], pt["ms_min"])
time_row("  forward + loss, ms", jt["forward_ms_median"], pt["forward_ms_median"])
time_row("  backward, ms", jt["backward_ms_median"], pt["backward_ms_median"])
time_row("  clip + AdamW, ms", jt["optimizer_ms_median"], pt["optimizer_ms_median"])
rate_row("generate tok/s, KV cache", jg["cached"]["tokens_per_s"], pg["cached"]["tokens_per_s"])
rate_row("generate tok/s, no cache", jg["uncached"]["tokens_per_s"], pg["uncached"]["tokens_per_s"])
ks_j, ks_p = jg["kv_speedup"], pg["kv_speedup"]
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
summary = {
    "train_step_ratio": jt["ms_median"] / pt["ms_median"],
    "generate_cached_ratio": jg["cached"]["tokens_per_s"] / pg["cached"]["tokens_per_s"],
    "generate_uncached_ratio": jg["uncached"]["tokens_per_s"] / pg["uncached"]["tokens_per_s"],
    "kv_speedup_rlhf4j": ks_j, "kv_speedup_pytorch": ks_p,
    "targets": {"train_step_ratio_max": 0.8, "kv_speedup_min": 3.0},
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
