# Helpers shared by bench/run.sh and bench/run_ppo.sh (sourced, not run). They expect PY (the
# Python with torch) and WARNINGS (the file unreliable runs are listed in) to be set.

# ---- glibc's malloc settings for the Java side, as ./rlhf4j sets them (core.NativeMemory; a value
# already in the environment wins). java_env CMD... runs CMD with them; the twin runs without them
# unless TWIN_MALLOC=1 (to see what the same settings give PyTorch eager).
java_env() {
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}" MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}" \
    MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}" "$@"
}
malloc_note() {
  if [ -n "${MALLOC_ARENA_MAX:-}${MALLOC_MMAP_THRESHOLD_:-}${MALLOC_TRIM_THRESHOLD_:-}" ]; then
    echo "malloc: MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-} MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-} MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-}"
  else
    echo "malloc: glibc defaults"
  fi
}
# The Java side's collector and heap: the kernel's serial collector and initial heap (kernel/KernelSpec).
# With G1 and a heap that grows during the run, each iteration page-faulted in 1,800-4,400 fresh heap
# pages (16 MB); with the serial collector, about 400. Without -Xms64m the JVM starts with a 1/64-of-RAM
# heap whose young generation (128 MB here) faults in page by page the first time through: the
# benchmark's first generations ran at 60% speed (bench/README.md, "The heap's first pass").
JAVA_HEAP="-XX:+UseSerialGC -Xms64m -Xmx2g"
twin_env() {
  if [ "${TWIN_MALLOC:-0}" = 1 ]; then java_env "$@"; else "$@"; fi
}

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
    echo "$1: CPUs ${busy}% busy before the run" >> "$WARNINGS"
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
  "$PY" - "$name" "$hz" "$b1" "$b2" "$w1" "$w2" "$tf" "$WARNINGS" <<'PYEOF'
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

# twin_blas: points the twin at an optimised BLAS and sets BLAS (what it will load) and
# TWIN_REFERENCE_BLAS (true when only the slow reference BLAS was found). Debian's python3-torch is
# built with BLAS_INFO=generic: it uses whatever libblas.so.3 resolves to, and the reference (netlib)
# BLAS is ~40x slower than OpenBLAS on our matrix products.
twin_blas() {
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
  TWIN_REFERENCE_BLAS=false
  if ! echo "$BLAS" | grep -qi 'openblas\|mkl\|blis'; then
    echo "WARNING: PyTorch would use the reference BLAS ($BLAS): its figures are not representative." >&2
    echo "         Install an optimised one (apt install libopenblas0-openmp) or set TWIN_BLAS_DIR." >&2
    echo "         Running the twin with fewer steps to keep this short." >&2
    echo "twin: reference BLAS ($BLAS)" >> "$WARNINGS"
    TWIN_REFERENCE_BLAS=true
  fi
}
