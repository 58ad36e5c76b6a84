#!/bin/sh
# run.sh - weft against native code and node, side by side (what `make bench` runs).
#
# Builds every bench/programs/*.c twice, natively (gcc -O2) and for wasm32-wasi (clang -O2
# against wasi-libc), runs each RUNS times natively, under weft and under node (node:wasi,
# when node is installed), checks that every engine printed the native build's checksum,
# and prints the median whole-process times with the ratios weft/native and weft/node and
# their geometric means. Then the SIMD programs (bench/simd/*.c), each built for wasm with
# and without -msimd128, weft running both. Then the start-up costs: translating a
# generated ~10 MB module and the memory each extra thread (store + instance over a shared
# memory) costs.
#
# Environment: BUILD (default build; weft and libweft.a must be built there), RUNS (default
# 5), ONLY (space-separated program names to run a subset), NATIVE_CC (gcc), WASI_CC (clang).

BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
NATIVE_CC=${NATIVE_CC:-gcc}
WASI_CC=${WASI_CC:-clang}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WEFT=$(cd "$BUILD" && pwd)/weft
OUT=$BUILD/bench
NODE_RUNNER=$ROOT/tests/wasi/run_node.mjs
mkdir -p "$OUT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

have_node=0
command -v node >/dev/null 2>&1 && [ -f "$NODE_RUNNER" ] && have_node=1

die() {
    echo "bench: $*" >&2
    exit 1
}
[ -x "$WEFT" ] || die "no $WEFT: run make BUILD=$BUILD first"

now_ns() { date +%s%N; }

# time_runs NAME CMD...: runs CMD RUNS times with stdout to $T/NAME.out; prints the median
# wall time in milliseconds, or "fail" if any run failed.
time_runs() {
    name=$1
    shift
    : >"$T/$name.times"
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(now_ns)
        "$@" >"$T/$name.out" 2>"$T/$name.err" || { echo fail; return; }
        t1=$(now_ns)
        echo $(((t1 - t0) / 1000)) >>"$T/$name.times"
        i=$((i + 1))
    done
    sort -n "$T/$name.times" | awk '{v[NR] = $1} END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

# ---- build --------------------------------------------------------------------------------
progs=""
for c in "$ROOT"/bench/programs/*.c; do
    p=$(basename "$c" .c)
    if [ -n "$ONLY" ]; then
        case " $ONLY " in *" $p "*) ;; *) continue ;; esac
    fi
    if [ ! -f "$OUT/$p.native" ] || [ "$c" -nt "$OUT/$p.native" ]; then
        $NATIVE_CC -O2 -o "$OUT/$p.native" "$c" -lm || die "native build of $p failed"
    fi
    if [ ! -f "$OUT/$p.wasm" ] || [ "$c" -nt "$OUT/$p.wasm" ]; then
        $WASI_CC --target=wasm32-wasi --sysroot=/usr -O2 -o "$OUT/$p.wasm" "$c" ||
            die "wasm build of $p failed"
    fi
    progs="$progs $p"
done

# ---- run ----------------------------------------------------------------------------------
# The compiled tier's column runs from a warm cache (the compile is timed on its own below).
CACHE="$OUT/cache"
have_cc=0
command -v "${CC:-cc}" >/dev/null 2>&1 && have_cc=1
echo "median of $RUNS runs, whole-process wall time in ms; ratios are each engine's time over native's"
printf '%-10s %9s %9s %9s %9s %9s %9s %9s %s\n' program native interp compiled node \
    interp/n comp/n comp/node check
: >"$T/ratios"
status=0
for p in $progs; do
    nat=$(time_runs native "$OUT/$p.native")
    cp "$T/native.out" "$T/expected"
    wt=$(time_runs weft "$WEFT" run "$OUT/$p.wasm")
    check=ok
    [ "$wt" != fail ] && cmp -s "$T/weft.out" "$T/expected" || check="INTERP-MISMATCH"
    ct=-
    if [ $have_cc = 1 ]; then
        "$WEFT" run --compile --cache-dir "$CACHE" "$OUT/$p.wasm" >/dev/null 2>"$T/compile.err" ||
            check="$check COMPILE-FAILED"
        ct=$(time_runs comp "$WEFT" run --compile --cache-dir "$CACHE" "$OUT/$p.wasm")
        [ "$ct" != fail ] && cmp -s "$T/comp.out" "$T/expected" || check="$check COMPILED-MISMATCH"
    fi
    nd=-
    if [ $have_node = 1 ]; then
        nd=$(time_runs node node --no-warnings "$NODE_RUNNER" "$OUT/$p.wasm")
        [ "$nd" != fail ] && cmp -s "$T/node.out" "$T/expected" || check="$check NODE-MISMATCH"
    fi
    [ "$check" = ok ] || status=1
    echo "$p $nat $wt $ct $nd" >>"$T/ratios"
    awk -v p="$p" -v n="$nat" -v w="$wt" -v c="$ct" -v d="$nd" -v k="$check" '
    function r(a, b) { return (a + 0 > 0 && b + 0 > 0) ? sprintf("%.2fx", a / b) : "-" }
    BEGIN { printf "%-10s %9s %9s %9s %9s %9s %9s %9s %s\n", p, n, w, c, d, r(w, n), r(c, n), r(c, d), k }'
done
awk '
function add(k, a, b) { if (a > 0 && b > 0) { s[k] += log(a / b); n[k]++ } }
function g(k) { return n[k] ? sprintf("%.2fx", exp(s[k] / n[k])) : "-" }
{ add("wn", $3, $2); add("cn", $4, $2); add("cd", $4, $5)
  if ($2 > 0 && $3 > 0 && $3 / $2 > wi) { wi = $3 / $2; wip = $1 }
  if ($2 > 0 && $4 > 0 && $4 / $2 > wc) { wc = $4 / $2; wcp = $1 } }
END {
    printf "%-10s %9s %9s %9s %9s %9s %9s %9s\n", "geomean", "", "", "", "", g("wn"), g("cn"), g("cd")
    if (n["wn"]) printf "slowest relative to native: interpreter %s at %.2fx", wip, wi
    if (n["cn"]) printf ", compiled %s at %.2fx", wcp, wc
    printf "\n" }' "$T/ratios"

# The compiled tier's costs: compiling the largest bench program (-O2, two compiler
# processes), and a run whose code comes from the cache.
if [ $have_cc = 1 ]; then
    largest=$(ls -S "$OUT"/*.wasm 2>/dev/null | grep -v big.wasm | head -n 1)
    lp=$(basename "$largest" .wasm)
    t0=$(now_ns)
    "$WEFT" compile --jobs 2 -o "$T/largest.cwasm" "$largest" >/dev/null 2>&1 || status=1
    t1=$(now_ns)
    echo "compiled tier: compiling $lp ($(wc -c <"$largest") bytes) with -j2: $(((t1 - t0) / 1000000)) ms"
    printf 'int main(void) { return 0; }\n' >"$T/empty.c"
    $WASI_CC --target=wasm32-wasi --sysroot=/usr -O2 -o "$T/empty.wasm" "$T/empty.c" || status=1
    "$WEFT" run --compile --cache-dir "$CACHE" "$T/empty.wasm" || status=1
    echo "compiled tier: start-up of an empty C program from the cache (weft run --compile):" \
        "$(time_runs empty "$WEFT" run --compile --cache-dir "$CACHE" "$T/empty.wasm") ms;" \
        "interpreter: $(time_runs empty "$WEFT" run "$T/empty.wasm") ms"
fi

# ---- SIMD ---------------------------------------------------------------------------------
# bench/simd/*.c built for wasm32 twice with clang -O3, with and without -msimd128 (clang
# auto-vectorises their loops), and natively; weft runs both builds, node the SIMD one.
echo
echo "SIMD programs (wasm built with clang -O3, with and without -msimd128), median ms:"
printf '%-11s %8s %8s %8s %8s %8s %8s %11s %11s %11s %s\n' program native interp \
    interp-v comp comp-v node-v 'interp s/v' 'comp s/v' 'comp-v/nat' check
for c in "$ROOT"/bench/simd/*.c; do
    p=$(basename "$c" .c)
    if [ -n "$ONLY" ]; then
        case " $ONLY " in *" $p "*) ;; *) continue ;; esac
    fi
    if [ ! -f "$OUT/$p.native" ] || [ "$c" -nt "$OUT/$p.native" ]; then
        $NATIVE_CC -O2 -o "$OUT/$p.native" "$c" -lm || die "native build of $p failed"
    fi
    for kind in simd scalar; do
        flags="-O3"
        [ $kind = simd ] && flags="-O3 -msimd128"
        if [ ! -f "$OUT/$p.$kind.wasm" ] || [ "$c" -nt "$OUT/$p.$kind.wasm" ]; then
            # shellcheck disable=SC2086 # flags is a list
            $WASI_CC --target=wasm32-wasi --sysroot=/usr $flags -o "$OUT/$p.$kind.wasm" "$c" ||
                die "wasm build of $p ($kind) failed"
        fi
    done
    nat=$(time_runs native "$OUT/$p.native")
    cp "$T/native.out" "$T/expected"
    check=ok
    ws=$(time_runs weft "$WEFT" run "$OUT/$p.scalar.wasm")
    [ "$ws" != fail ] && cmp -s "$T/weft.out" "$T/expected" || check="WEFT-MISMATCH"
    wv=$(time_runs weft "$WEFT" run "$OUT/$p.simd.wasm")
    [ "$wv" != fail ] && cmp -s "$T/weft.out" "$T/expected" || check="WEFT-SIMD-MISMATCH"
    cs=- cv=-
    if [ $have_cc = 1 ]; then
        for kind in scalar simd; do
            "$WEFT" run --compile --cache-dir "$CACHE" "$OUT/$p.$kind.wasm" >/dev/null 2>&1 ||
                check="$check COMPILE-FAILED"
        done
        cs=$(time_runs comp "$WEFT" run --compile --cache-dir "$CACHE" "$OUT/$p.scalar.wasm")
        [ "$cs" != fail ] && cmp -s "$T/comp.out" "$T/expected" || check="$check COMPILED-MISMATCH"
        cv=$(time_runs comp "$WEFT" run --compile --cache-dir "$CACHE" "$OUT/$p.simd.wasm")
        [ "$cv" != fail ] && cmp -s "$T/comp.out" "$T/expected" || check="$check COMPILED-SIMD-MISMATCH"
    fi
    nd=-
    if [ $have_node = 1 ]; then
        nd=$(time_runs node node --no-warnings "$NODE_RUNNER" "$OUT/$p.simd.wasm")
        [ "$nd" != fail ] && cmp -s "$T/node.out" "$T/expected" || check="$check NODE-MISMATCH"
    fi
    [ "$check" = ok ] || status=1
    awk -v p="$p" -v n="$nat" -v s="$ws" -v v="$wv" -v cs="$cs" -v cv="$cv" -v d="$nd" -v c="$check" '
    function r(a, b) { return (a + 0 > 0 && b + 0 > 0) ? sprintf("%.2fx", a / b) : "-" }
    BEGIN { printf "%-11s %8s %8s %8s %8s %8s %8s %11s %11s %11s %s\n", p, n, s, v, cs, cv, d,
                   r(s, v), r(cs, cv), r(cv, n), c }'
done

# ---- start-up -----------------------------------------------------------------------------
LIB=$(cd "$BUILD" && pwd)/libweft.a
$NATIVE_CC -O2 -o "$OUT/gen_big" "$ROOT/bench/tools/gen_big.c" || die "gen_big build failed"
$NATIVE_CC -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/include" -o "$OUT/startup" \
    "$ROOT/bench/tools/startup.c" "$LIB" -lpthread -lm || die "startup build failed"
wat2wasm --enable-threads "$ROOT/bench/tools/thread_guest.wat" -o "$OUT/thread_guest.wasm" ||
    die "wat2wasm failed"
[ -f "$OUT/big.wasm" ] || "$OUT/gen_big" "$OUT/big.wasm" 10 >/dev/null || die "gen_big failed"
"$OUT/startup" "$OUT/big.wasm" "$OUT/thread_guest.wasm" 200 >"$T/startup" || die "startup failed"
awk -F': ' '{ v[$1] = $2 } END {
    printf "\nstart-up: a %.1f MB module (generated by bench/tools/gen_big.c), best of 5:\n", v["module_bytes"] / 1048576
    printf "  decode + validate %s ms, translate %s ms, weft_module_new in all %s ms\n", v["validate_ms"], v["translate_ms"], v["load_ms"]
    printf "memory per thread (store + instance over a shared memory, after running code): %s KB\n", v["thread_kb"] }' "$T/startup"
if [ $have_cc = 1 ]; then
    t0=$(now_ns)
    "$WEFT" compile --jobs 2 -o "$T/big.cwasm" "$OUT/big.wasm" >/dev/null 2>&1 || status=1
    t1=$(now_ns)
    echo "compiled tier: compiling that module (-O2, -j2): $(((t1 - t0) / 1000000)) ms"
fi
exit $status
