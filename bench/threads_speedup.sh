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
# what two cores give: two copies of a pure computation at once against one alone (well
# over 1.00x means the machine's second CPU is not free, and no speed-up below means much)
cc -O1 -o "$OUT/spin" "$ROOT/bench/threads/spin.c" || exit 1
alone=$(timed "$OUT/spin")
both=$(timed sh -c "'$OUT/spin' & '$OUT/spin'; wait")
awk -v a="$alone" -v b="$both" 'BEGIN { if (a != "FAIL" && b != "FAIL")
    printf "machine check: two independent computations at once take %.2fx the time of " \
           "one alone (1.00x on two free cores)\n", b / a }'
echo

echo "1. threaded examples, 1 vs 2 threads (speed-up = 1-thread time / 2-thread time, per unit"
echo "   of work: mutex_counter does its M increments per thread, so 2 threads do twice the work):"
echo "   the interpreter at the examples' default work, then compiled code (weft run --compile,"
echo "   warm cache) and the same C built natively (cc -O2, pthreads) at a larger work (column"
echo "   'work') so that start-up does not decide the ratio; native shows what the machine allows"
CACHE="$OUT/cache"
printf "%-15s %7s %7s %7s | %9s %7s %7s %7s | %7s %7s %7s\n" program interp1 interp2 x \
    work comp1 comp2 x native1 native2 x
for spec in parallel_sum:128 matmul:1152 parallel_sort:8000000 mutex_counter:2000000 \
    bounded_buffer:200000; do
    ex=${spec%%:*}
    work=${spec#*:}
    wasm="$BUILD/examples/$ex.wasm"
    if [ ! -f "$wasm" ]; then
        printf "%-15s (not built: make examples)\n" "$ex"
        continue
    fi
    nat="$OUT/$ex.native"
    cc -O2 -I"$ROOT/examples" -o "$nat" "$ROOT/examples/$ex.c" -lpthread -lm || nat=
    one=$(timed "$WEFT" run "$wasm" 1)
    two=$(timed "$WEFT" run "$wasm" 2)
    "$WEFT" run --compile --cache-dir "$CACHE" "$wasm" 1 1 >/dev/null 2>&1 # warms the cache
    cone=$(timed "$WEFT" run --compile --cache-dir "$CACHE" "$wasm" 1 "$work")
    ctwo=$(timed "$WEFT" run --compile --cache-dir "$CACHE" "$wasm" 2 "$work")
    none=FAIL ntwo=FAIL
    if [ -n "$nat" ]; then
        none=$(timed "$nat" 1 "$work")
        ntwo=$(timed "$nat" 2 "$work")
    fi
    k=1
    [ "$ex" = mutex_counter ] && k=2
    per() { awk -v t="$1" -v k="$k" 'BEGIN { print (t == "FAIL") ? t : k * t }'; }
    printf "%-15s %7s %7s %7s | %9s %7s %7s %7s | %7s %7s %7s\n" "$ex" "$one" "$two" \
        "$(ratio "$(per "$one")" "$two")" "$work" "$cone" "$ctwo" "$(ratio "$(per "$cone")" "$ctwo")" \
        "$none" "$ntwo" "$(ratio "$(per "$none")" "$ntwo")"
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
