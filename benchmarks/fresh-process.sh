#!/usr/bin/env bash
# Group 4: a fresh process. Wall time and peak memory (max RSS) of a program that smooths an 8 MB
# double[] into an 8 MB result: Java without memoization, Java with memogen on its first run (miss)
# and its second (hit), and the same pipeline in Python (numpy) with joblib.Memory, miss and hit.
# Each case runs RUNS times in new processes (median wall time, largest max RSS).
#
# Needs: the benchmark jar (mvn -q -B -DskipTests package -pl runtime,processor,benchmarks-jmh -am),
# GNU time, and Debian's Python with joblib and numpy:
#   apt-get update && apt-get install -y time python3-joblib python3-numpy
# Not part of CI (no Debian mirror there).
#
# usage: benchmarks/fresh-process.sh [RUNS]   (writes $FRESH_OUT, default benchmarks/results/fresh-process.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
JAR=benchmarks-jmh/target/memogen-benchmarks.jar
PY=/usr/bin/python3
OUT="${FRESH_OUT:-benchmarks/results/fresh-process.md}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
[ -f "$JAR" ] || { echo "build the jar first: mvn -q -B -DskipTests package -pl runtime,processor,benchmarks-jmh -am" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
"$PY" -c 'import joblib, numpy' || { echo "needs apt-get install -y python3-joblib python3-numpy" >&2; exit 1; }

# measure NAME PREP CMD...: runs PREP then CMD under /usr/bin/time, RUNS times; appends "NAME median_s max_rss_mib"
measure() {
  local name="$1" prep="$2"; shift 2
  local walls=() rss=0
  for ((r = 0; r < RUNS; r++)); do
    eval "$prep"
    /usr/bin/time -f '%e %M' -o "$WORK/t" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
    read -r wall kb < <(tail -1 "$WORK/t")
    walls+=("$wall")
    (( kb > rss )) && rss=$kb
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s|%s|%s|%s\n' "$name" "$median" "$((rss / 1024))" "$(head -1 "$WORK/out")" | tee -a "$WORK/results"
}

JAVA=(java -Dmemogen.dir="$WORK/memogen" -cp "$JAR" dev.memogen.benchmarks.FreshProcess)
measure "java, no memoization" ":" "${JAVA[@]}" plain
measure "java + memogen, first run (miss)" "rm -rf $WORK/memogen" "${JAVA[@]}" memo
measure "java + memogen, second run (hit)" ":" "${JAVA[@]}" memo
measure "python + numpy, no memoization" ":" "$PY" benchmarks/fresh_process.py plain "$WORK/joblib"
measure "python + joblib.Memory, first run (miss)" "rm -rf $WORK/joblib" "$PY" benchmarks/fresh_process.py memo "$WORK/joblib"
measure "python + joblib.Memory, second run (hit)" ":" "$PY" benchmarks/fresh_process.py memo "$WORK/joblib"

mkdir -p "$(dirname "$OUT")"
{
  echo "### 4. A fresh process: 8 MB double[] in, 8 MB double[] out (median of $RUNS runs)"
  echo
  echo "| program | wall time (s) | peak memory, max RSS (MiB) |"
  echo "|---|---:|---:|"
  while IFS='|' read -r name wall rss _; do echo "| $name | $wall | $rss |"; done < "$WORK/results"
  echo
  echo "Java: $(java -version 2>&1 | head -1); Python: $("$PY" --version 2>&1), joblib $("$PY" -c 'import joblib; print(joblib.__version__)'), numpy $("$PY" -c 'import numpy; print(numpy.__version__)')."
  echo
} > "$OUT"
cat "$OUT"
