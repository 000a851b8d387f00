#!/usr/bin/env bash
# Group 4: a fresh process. Wall time and peak memory (max RSS) of a program that smooths an 8 MB
# double[] into an 8 MB result, each case in new processes, the cases interleaved round by round
# (so that a slower moment of the machine costs every case alike), medians reported:
#   - the bare JVM: the same class path, a main that prints one line;
#   - the program without its stage (builds the input, sums it, prints): what any run of it costs,
#     so that a hit's own cost is the hit less this, and the stage's the plain run less this;
#   - Java without memoization, and the memoized program with memogen disabled;
#   - Java with memogen: a miss (empty store) and a hit (the store the miss left);
#   - the floor of a hit: the input hashed once by a hash cheaper than XXH3 and the result mapped from a
#     plain file (or read into a direct buffer: the faster on JDK 25) and copied, in the program's own
#     class (no store, no checks): what no memoizer on the JVM can go under with this program;
#   - the same pipeline in Python (numpy) without its stage, without memoization and with
#     joblib.Memory, miss and hit.
# Twice: a cheap stage (10 smoothing passes) and an expensive one (1000 passes); the cheap stage also
# with the benchmark module's dependency jars (61 on `e53b37e`) behind the runtime jar on the class path,
# the program without its stage and a hit, and a hit with the runtime jar after them (as a project that
# declares memogen last has it), from a store that runs with those class paths used before (DEPS=0 leaves
# them out). Then the classes a
# memogen hit loads (-Xlog:class+load), all and memogen's own. Then a second program, Java only
# (FreshWords; WORDS=0 leaves it out): a 1.2 MB text split into a List<String> of 180,000 words,
# bare JVM, without its stage, without memoization, miss and hit. For each JDK in $JDKS.
#
# The Java class path is the benchmark module's classes and the runtime jar, as a user's program
# has it (not the 40 MB shaded JMH jar, whose opening would count for every case).
#
# Needs: the runtime jar and benchmark classes (mvn -q -B -DskipTests package -pl runtime,processor,benchmarks-jmh -am),
# GNU time, and Debian's Python with joblib and numpy:
#   apt-get update && apt-get install -y time python3-joblib python3-numpy
# Not part of CI (no Debian mirror there).
#
# usage: benchmarks/fresh-process.sh [RUNS]   (writes $FRESH_OUT, default benchmarks/results/fresh-process.md)
#        JDKS="/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64" picks the JDKs (default: java on PATH)
#        PASSES=10 runs the cheap stage only (default: "10 1000"); PASSES= WORDS=1 the word list only
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
RUNTIME=$(ls runtime/target/memogen-runtime-*.jar 2>/dev/null | grep -v -e sources -e javadoc -e tests | head -1 || true)
CLASSES=benchmarks-jmh/target/classes
PY=/usr/bin/python3
OUT="${FRESH_OUT:-benchmarks/results/fresh-process.md}"
JDKS="${JDKS:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
[ -n "$RUNTIME" ] && [ -f "$CLASSES/dev/memogen/benchmarks/SignalsMemo.class" ] || {
  echo "build first: mvn -q -B -DskipTests package -pl runtime,processor,benchmarks-jmh -am" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
"$PY" -c 'import joblib, numpy' || { echo "needs apt-get install -y python3-joblib python3-numpy" >&2; exit 1; }
CP="$CLASSES:$RUNTIME"
# The benchmark module's dependency jars (JMH, hash4j, the peers' jars: 61 on `e53b37e`, two of them with a
# Class-Path manifest), for the cheap stage's cases with a class path as long as a real project's
# (DEPS=0 leaves them out). The program loads none of their classes.
if [ "${DEPS:-1}" = 0 ]; then
  DEPS=
else
  mvn -q -o -B dependency:build-classpath -pl benchmarks-jmh -Dmdep.outputFile="$WORK/deps.txt" > /dev/null 2>&1 \
    || mvn -q -B dependency:build-classpath -pl benchmarks-jmh -Dmdep.outputFile="$WORK/deps.txt" > /dev/null
  DEPS=$(tr ':' '\n' < "$WORK/deps.txt" | grep -v 'memogen-runtime' | paste -sd: -)
  DEP_COUNT=$(tr ':' '\n' <<< "$DEPS" | grep -c .)
fi
MAIN=dev.memogen.benchmarks.FreshProcess
WORDS_MAIN=dev.memogen.benchmarks.FreshWords

# once NAME PREP CMD...: runs PREP, then CMD under /usr/bin/time (for the peak memory); appends
# "NAME wall_us max_rss_kb" to $WORK/times. The wall time is bash's clock in microseconds around it
# (GNU time's own counts in 10 ms steps, too coarse beside a 40 ms JVM).
once() {
  local name="$1" prep="$2"; shift 2
  eval "$prep"
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$WORK/t" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
  local t1=$EPOCHREALTIME
  grep -q -e checksum -e hello "$WORK/out" || { echo "$name printed:" >&2; cat "$WORK/out" >&2; exit 1; }
  echo "$name $(( 10#${t1/[.,]/} - 10#${t0/[.,]/} )) $(tail -1 "$WORK/t")" >> "$WORK/times"
}

# table: medians of $WORK/times, in the order the cases first appear, with the ratio to the bare JVM
table() {
  "$PY" - "$WORK/times" <<'PYEOF'
import statistics, sys
labels = {
    "bare-jvm": "bare JVM, prints one line",
    "input": "java, the program without its stage (input built and summed)",
    "plain": "java, no memoization",
    "disabled": "java + memogen, disabled (memogen.disable=true)",
    "miss": "java + memogen, first run (miss)",
    "hit": "java + memogen, second run (hit)",
    "input-deps": "java, the program without its stage, dependency jars on the class path",
    "hit-deps": "java + memogen, hit, dependency jars on the class path",
    "hit-deps-last": "java + memogen, hit, the runtime jar after the dependency jars",
    "floor": "the floor of a hit: the input hashed once, the result mapped from a file and copied (no store)",
    "floor-read": "the same floor, the file read into a direct buffer instead of mapped",
    "py-input": "python + numpy, the program without its stage",
    "py-plain": "python + numpy, no memoization",
    "py-miss": "python + joblib.Memory, first run (miss)",
    "py-hit": "python + joblib.Memory, second run (hit)",
}
walls, rss = {}, {}
for line in open(sys.argv[1]):
    name, wall, kb = line.split()
    walls.setdefault(name, []).append(float(wall))
    rss[name] = max(rss.get(name, 0), int(kb))
med = {name: statistics.median(w) / 1000 for name, w in walls.items()}  # ms
bare = med["bare-jvm"]
for name in walls:
    print(f"| {labels.get(name, name)} | {med[name]:.0f} | {med[name] / bare:.2f} | {rss[name] // 1024} |")
print()
line = (f"Besides the program itself (its run without the stage): the stage costs {med['plain'] - med['input']:.0f} ms "
        f"computed, memogen's hit {med['hit'] - med['input']:.0f} ms")
if "floor" in med:
    line += f" (the floor {min(med['floor'], med['floor-read']) - med['input']:.0f} ms, the faster of its two)"
if "py-hit" in med:
    line += (f"; in Python the stage {med['py-plain'] - med['py-input']:.0f} ms, "
             f"joblib's hit {med['py-hit'] - med['py-input']:.0f} ms")
print(line + ".")
if "hit-deps" in med:
    print()
    print(f"With the dependency jars on the class path: the program {med['input-deps']:.0f} ms, memogen's hit "
          f"{med['hit-deps'] - med['input-deps']:.0f} ms beyond it, "
          f"{med['hit-deps-last'] - med['input-deps']:.0f} ms with the runtime jar after them.")
PYEOF
}

# report WHAT: a case group's heading and table (the JDK's $version, the medians of $WORK/times)
report() {
  echo "### 4. A fresh process: $1"
  echo
  echo "$version; medians of $RUNS interleaved runs."
  echo
  echo "| program | wall time (ms) | / bare JVM | peak memory, max RSS (MiB) |"
  echo "|---|---:|---:|---:|"
  table
  echo
}

mkdir -p "$(dirname "$OUT")"
: > "$OUT.tmp"
for jdk in $JDKS; do
  JAVA="$jdk/bin/java"
  version=$("$JAVA" -version 2>&1 | head -1)
  for passes in ${PASSES-10 1000}; do
    : > "$WORK/times"
    "$JAVA" -cp "$CP" "$MAIN" floor-write "$passes" "$WORK/floor.bin" > /dev/null
    if [ -n "$DEPS" ] && [ "$passes" = 10 ]; then
      # A store of its own, which a run with each of these class paths has used (as a rerun finds it);
      # the rounds' misses empty the other.
      rm -rf "$WORK/memogen-deps"
      for cp in "$CP:$DEPS" "$CLASSES:$DEPS:$RUNTIME"; do
        "$JAVA" -Dmemogen.dir="$WORK/memogen-deps" -cp "$cp" "$MAIN" memo "$passes" > /dev/null
      done
    fi
    for ((r = 0; r < RUNS; r++)); do
      once bare-jvm ":" "$JAVA" -cp "$CP" "$MAIN" hello
      once input ":" "$JAVA" -cp "$CP" "$MAIN" input "$passes"
      once floor ":" "$JAVA" -cp "$CP" "$MAIN" floor "$passes" "$WORK/floor.bin"
      once floor-read ":" "$JAVA" -cp "$CP" "$MAIN" floor-read "$passes" "$WORK/floor.bin"
      once plain ":" "$JAVA" -cp "$CP" "$MAIN" plain "$passes"
      once disabled ":" "$JAVA" -Dmemogen.disable=true -Dmemogen.dir="$WORK/memogen" -cp "$CP" "$MAIN" memo "$passes"
      once miss "rm -rf $WORK/memogen" "$JAVA" -Dmemogen.dir="$WORK/memogen" -cp "$CP" "$MAIN" memo "$passes"
      once hit ":" "$JAVA" -Dmemogen.dir="$WORK/memogen" -cp "$CP" "$MAIN" memo "$passes"
      if [ -n "$DEPS" ] && [ "$passes" = 10 ]; then
        once input-deps ":" "$JAVA" -cp "$CP:$DEPS" "$MAIN" input "$passes"
        once hit-deps ":" "$JAVA" -Dmemogen.dir="$WORK/memogen-deps" -cp "$CP:$DEPS" "$MAIN" memo "$passes"
        once hit-deps-last ":" "$JAVA" -Dmemogen.dir="$WORK/memogen-deps" -cp "$CLASSES:$DEPS:$RUNTIME" "$MAIN" memo "$passes"
      fi
      once py-input ":" "$PY" benchmarks/fresh_process.py input "$WORK/joblib" "$passes"
      once py-plain ":" "$PY" benchmarks/fresh_process.py plain "$WORK/joblib" "$passes"
      once py-miss "rm -rf $WORK/joblib" "$PY" benchmarks/fresh_process.py memo "$WORK/joblib" "$passes"
      once py-hit ":" "$PY" benchmarks/fresh_process.py memo "$WORK/joblib" "$passes"
    done
    "$JAVA" -Xlog:class+load:file="$WORK/classes.txt" -Dmemogen.dir="$WORK/memogen" -cp "$CP" "$MAIN" memo "$passes" > /dev/null
    all=$(wc -l < "$WORK/classes.txt")
    ours=$(grep -c ' dev\.memogen\.internal\.\| dev\.memogen\.[A-Z]' "$WORK/classes.txt" || true)
    {
      report "8 MB double[] in, 8 MB double[] out, $passes smoothing passes"
      [ -n "$DEPS" ] && [ "$passes" = 10 ] && echo "The dependency jars: the benchmark module's, $DEP_COUNT jars." && echo
      echo "Classes loaded by a memogen hit: $all ($ours of them memogen's runtime)."
      echo
    } | tee -a "$OUT.tmp"
  done
  if [ "${WORDS:-1}" = 1 ]; then # the word-list program: a 1.2 MB text in, a List<String> of 180,000 out
    : > "$WORK/times"
    for ((r = 0; r < RUNS; r++)); do
      once bare-jvm ":" "$JAVA" -cp "$CP" "$WORDS_MAIN" hello
      once input ":" "$JAVA" -cp "$CP" "$WORDS_MAIN" input
      once plain ":" "$JAVA" -cp "$CP" "$WORDS_MAIN" plain
      once miss "rm -rf $WORK/words" "$JAVA" -Dmemogen.dir="$WORK/words" -cp "$CP" "$WORDS_MAIN" memo
      once hit ":" "$JAVA" -Dmemogen.dir="$WORK/words" -cp "$CP" "$WORDS_MAIN" memo
    done
    report "a 1.2 MB text in, a List<String> of 180,000 words out" | tee -a "$OUT.tmp"
  fi
done
echo "Python: $("$PY" --version 2>&1), joblib $("$PY" -c 'import joblib; print(joblib.__version__)'), numpy $("$PY" -c 'import numpy; print(numpy.__version__)')." | tee -a "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
