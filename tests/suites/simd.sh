#!/bin/sh
# simd.sh - C programs using SIMD (tests/simd/*.c: wasm_simd128.h intrinsics, and loops that
# clang auto-vectorises) built three ways: natively (NATIVE_CC, scalar), for wasm32-wasi with
# -O3 -msimd128, and for wasm32-wasi without SIMD. Every wasm build must print what the
# native one prints, under weft and (when installed) under node; the SIMD builds must really
# contain SIMD instructions.
# Environment: BUILD, WEFT, NATIVE_CC (default cc), WASI_CC (default clang).
# Prints "N passed, M failed" last.

BUILD=${BUILD:-build}
WEFT=${WEFT:-$BUILD/weft}
NATIVE_CC=${NATIVE_CC:-cc}
WASI_CC=${WASI_CC:-clang}
SRC=$(cd "$(dirname "$0")/../simd" && pwd)
NODE_RUNNER=$(cd "$(dirname "$0")/../wasi" && pwd)/run_node.mjs
OUT=$BUILD/simd
mkdir -p "$OUT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-simd.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
have_node=
command -v node >/dev/null 2>&1 && have_node=1

for c in "$SRC"/*.c; do
    name=$(basename "$c" .c)
    if ! $NATIVE_CC -std=c11 -O2 -o "$OUT/$name.native" "$c" -lm 2>"$T/cc.err"; then
        bad "native build of $name: $(head -n 3 "$T/cc.err")"
        continue
    fi
    "$OUT/$name.native" >"$T/want" || { bad "native $name exited with $?"; continue; }
    for kind in simd scalar; do
        wasm=$OUT/$name.$kind.wasm
        flags="-O3"
        [ "$kind" = simd ] && flags="-O3 -msimd128"
        # shellcheck disable=SC2086 # flags is a list
        if ! $WASI_CC --target=wasm32-wasi --sysroot=/usr $flags -o "$wasm" "$c" 2>"$T/cc.err"; then
            bad "wasm build of $name ($kind): $(head -n 3 "$T/cc.err")"
            continue
        fi
        if [ "$kind" = simd ] && command -v wasm2wat >/dev/null 2>&1; then
            n=$(wasm2wat "$wasm" | grep -cE '(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|v128)\.')
            if [ "$n" -gt 0 ]; then ok; else bad "$name.$kind.wasm has no SIMD instruction"; fi
        fi
        if "$WEFT" run "$wasm" >"$T/got" 2>"$T/err" && cmp -s "$T/want" "$T/got"; then
            ok
        else
            bad "$name ($kind) under weft differs from native: $(diff "$T/want" "$T/got" | head -n 4)"
        fi
        if [ -n "$have_node" ]; then
            if node --no-warnings "$NODE_RUNNER" "$wasm" >"$T/node" 2>&1 &&
                cmp -s "$T/want" "$T/node"; then
                ok
            else
                bad "$name ($kind) under node differs from native: $(diff "$T/want" "$T/node" | head -n 4)"
            fi
        fi
    done
done

# v128 through control flow (tests/simd/control.wat): export, argument (- for none), output
if command -v wat2wasm >/dev/null 2>&1 && wat2wasm "$SRC/control.wat" -o "$OUT/control.wasm"; then
    while read -r fn arg want; do
        [ "$arg" = - ] && arg=
        # shellcheck disable=SC2086 # arg is empty or one word
        got=$("$WEFT" run --invoke "$fn" "$OUT/control.wasm" $arg 2>&1)
        if [ "$got" = "$want" ]; then ok; else bad "control $fn $arg: got $got, want $want"; fi
    done <<'CASES'
sel 1 i32x4:0x00000001,0x00000002,0x00000003,0x00000004
sel 0 i32x4:0x00000005,0x00000006,0x00000007,0x00000008
selt 0 i32x4:0x00000005,0x00000006,0x00000007,0x00000008
selt 1 i32x4:0x00000001,0x00000002,0x00000003,0x00000004
drop - 9
blk 1 i32x4:0x0000000a,0x00000014,0x0000001e,0x00000028
blk 0 i32x4:0x00000032,0x0000003c,0x00000046,0x00000050
tbl 0 101
tbl 1 1
tbl 7 1
loop 5 15
teeswap - 44
CASES
else
    bad "control.wat: wat2wasm failed or missing"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
