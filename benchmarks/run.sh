#!/usr/bin/env bash
# Runs every benchmark of benchmarks/README.md and renders its tables and chart.
#
#   benchmarks/run.sh short   # every benchmark, fewer sizes and iterations: under 10 minutes on 2 cores
#   benchmarks/run.sh full    # the published numbers: benchmarks/results/*.json, benchmarks/tables.md, benchmarks/chart.png
#
# short writes to benchmarks-jmh/target/benchmark-results/short/ (results, tables.md, chart.png).
# SKIP_BUILD=1 reuses the jar; SKIP_FRESH=1 skips the whole-process script (it needs Debian's
# python3-joblib, python3-numpy and time packages, see benchmarks/fresh-process.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-short}"
JAR=benchmarks-jmh/target/memogen-benchmarks.jar
case "$MODE" in
  short) RESULTS=benchmarks-jmh/target/benchmark-results/short; OUT=$RESULTS ;;
  full) RESULTS=benchmarks/results; OUT=benchmarks ;;
  *) echo "usage: $0 short|full" >&2; exit 2 ;;
esac
start=$(date +%s)
if [ -z "${SKIP_BUILD:-}" ]; then
  # The benchmark module's generated wrappers come from the processor being built: compile them
  # anew, since Maven does not recompile a module whose own sources did not change when only its
  # annotation processor did.
  rm -rf benchmarks-jmh/target/classes benchmarks-jmh/target/generated-sources
  mvn -q -B -DskipTests package -pl runtime,processor,benchmarks-jmh -am
fi
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json

# jmh NAME ARGS...: one JMH run into $RESULTS/NAME.json; waits while another JMH holds /tmp/jmh.lock.
jmh() {
  local name="$1"; shift
  while true; do
    if java -jar "$JAR" "$@" -rf json -rff "$RESULTS/$name.json" 2>&1 | tee "$RESULTS/$name.log" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)'; then :; fi
    if grep -q 'Unable to acquire the JMH lock' "$RESULTS/$name.log"; then
      echo "another JMH run holds /tmp/jmh.lock; retrying in 30 s" >&2
      sleep 30
      continue
    fi
    [ -s "$RESULTS/$name.json" ] || { echo "JMH run $name produced no results; see $RESULTS/$name.log" >&2; exit 1; }
    return
  done
}

if [ "$MODE" = short ]; then
  Q=(-wi 1 -w 500ms -i 2 -r 500ms)
  jmh hot-hit HotHitBenchmark -wi 2 -w 1s -i 3 -r 1s -prof gc
  jmh argument-hashing ArgumentHashingBenchmark -p size=1024,67108864 "${Q[@]}"
  jmh persistent-tier PersistentTierBenchmark "${Q[@]}"
  jmh miss-overhead MissOverheadBenchmark "${Q[@]}" -prof gc
  jmh fingerprint-cold 'FingerprintBenchmark.coldFirstCall' -f 3
  jmh fingerprint-warm 'FingerprintBenchmark.warm' "${Q[@]}"
  jmh store-scale StoreScaleBenchmark -p entries=1000,100000 -wi 2 -w 500ms -i 5 -r 500ms
  FRESH_RUNS=1
else
  jmh hot-hit HotHitBenchmark -f 2 -prof gc
  jmh argument-hashing ArgumentHashingBenchmark -f 2 -wi 2 -i 3
  jmh persistent-tier PersistentTierBenchmark -f 2 -prof gc
  jmh miss-overhead MissOverheadBenchmark -prof gc
  jmh fingerprint FingerprintBenchmark
  jmh store-scale StoreScaleBenchmark
  FRESH_RUNS=5
fi

if [ -z "${SKIP_FRESH:-}" ]; then
  if /usr/bin/python3 -c 'import joblib, numpy' 2>/dev/null && [ -x /usr/bin/time ]; then
    FRESH_OUT="$RESULTS/fresh-process.md" benchmarks/fresh-process.sh "$FRESH_RUNS"
  else
    echo "skipping the whole-process benchmark: apt-get install -y time python3-joblib python3-numpy" >&2
  fi
fi

java -Djava.awt.headless=true -cp "$JAR" dev.memogen.benchmarks.report.BenchmarkReport "$RESULTS" "$OUT" > /dev/null
echo "tables: $OUT/tables.md  chart: $OUT/chart.png  ($(( $(date +%s) - start )) s)"
