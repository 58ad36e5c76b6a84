#!/bin/sh
# threads_speedup.sh - what threads buy, measured side by side in one run:
#   1. the threaded examples (make examples) with 1 and 2 threads: the speed-up on this machine
#   2. atomics under contention: weft vs the same program in native C, 1 and 2 threads
#   3. wait/notify hand-offs (100,000): weft vs native futex vs Node's Atomics.wait/notify
# Every figure is the median of RUNS runs (default 5) of the whole process.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
WEFT=${WEFT:-$BUILD/weft}
RUNS=${RUNS:-5}
OUT="$BUILD/bench/threads"
mkdir -p "$OUT"

# median seconds of RUNS runs of a command; prints FAIL if any run fails
timed() {
    i=0
    : >"$OUT/times"
    while [ $i -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        if ! "$@" >/dev/null 2>"$OUT/last.err"; then
            echo FAIL
            return
        fi
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000)) >>"$OUT/times"
        i=$((i + 1))
    done
    sort -n "$OUT/times" | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1e6}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "FAIL" || b == "FAIL" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

[ -x "$WEFT" ] || { echo "threads_speedup: $WEFT not built (run make)"; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "median of $RUNS runs, whole process, seconds"
echo

echo "1. threaded examples, 1 vs 2 threads (speed-up = 1-thread time / 2-thread time, per unit"
echo "   of work: mutex_counter does its M increments per thread, so 2 threads do twice the work),"
echo "   in the interpreter and on compiled code (weft run --compile, from a warm cache)"
CACHE="$OUT/cache"
printf "%-16s %10s %10s %10s   %10s %10s %10s\n" program "1 thread" "2 threads" speed-up \
    "compiled 1" "2" speed-up
for ex in parallel_sum matmul parallel_sort mutex_counter bounded_buffer; do
    wasm="$BUILD/examples/$ex.wasm"
    if [ ! -f "$wasm" ]; then
        printf "%-16s (not built: make examples)\n" "$ex"
        continue
    fi
    one=$(timed "$WEFT" run "$wasm" 1)
    two=$(timed "$WEFT" run "$wasm" 2)
    "$WEFT" run --compile --cache-dir "$CACHE" "$wasm" 1 >/dev/null 2>&1 # warms the cache
    cone=$(timed "$WEFT" run --compile --cache-dir "$CACHE" "$wasm" 1)
    ctwo=$(timed "$WEFT" run --compile --cache-dir "$CACHE" "$wasm" 2)
    per_unit=$one
    cper_unit=$cone
    if [ "$ex" = mutex_counter ]; then
        per_unit=$(awk -v t="$one" 'BEGIN { print (t == "FAIL") ? t : 2 * t }')
        cper_unit=$(awk -v t="$cone" 'BEGIN { print (t == "FAIL") ? t : 2 * t }')
    fi
    printf "%-16s %10s %10s %10s   %10s %10s %10s\n" "$ex" "$one" "$two" \
        "$(ratio "$per_unit" "$two")" "$cone" "$ctwo" "$(ratio "$cper_unit" "$ctwo")"
done
echo

cc -O2 -o "$OUT/contention_native" "$ROOT/bench/threads/contention_native.c" -lpthread || exit 1
cc -O2 -o "$OUT/pingpong_native" "$ROOT/bench/threads/pingpong_native.c" -lpthread || exit 1
wat2wasm --enable-threads "$ROOT/bench/threads/contention.wat" -o "$OUT/contention.wasm" || exit 1
wat2wasm --enable-threads "$ROOT/tests/threads/pingpong.wat" -o "$OUT/pingpong.wasm" || exit 1

echo "2. atomics under contention: 20,000,000 i32.atomic.rmw.add on one word, shared by T threads"
printf "%-16s %10s %10s %10s\n" threads weft native weft/native
for t in 1 2; do
    w=$(timed "$WEFT" run "$OUT/contention.wasm" $t)
    n=$(timed "$OUT/contention_native" $t)
    printf "%-16s %10s %10s %10s\n" "T=$t" "$w" "$n" "$(ratio "$w" "$n")"
done
echo

echo "3. wait/notify: 100,000 hand-offs between two threads"
w=$(timed "$WEFT" run "$OUT/pingpong.wasm")
n=$(timed "$OUT/pingpong_native")
if command -v node >/dev/null 2>&1; then
    j=$(timed node "$ROOT/bench/threads/pingpong_node.mjs")
else
    j=FAIL
fi
printf "%-16s %10s %10s %10s %12s %12s\n" "" weft native node weft/native weft/node
printf "%-16s %10s %10s %10s %12s %12s\n" "hand-offs" "$w" "$n" "$j" "$(ratio "$w" "$n")" "$(ratio "$w" "$j")"
awk -v s="$w" 'BEGIN { if (s != "FAIL") printf "weft: %.1f us per hand-off\n", s * 1e6 / 100000 }'
