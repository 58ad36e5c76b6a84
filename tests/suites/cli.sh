#!/bin/sh
# cli.sh - what `weft run` shows and accepts: a trap's backtrace (one named frame per call,
# innermost first, in the interpreter and on compiled code; file:line for a guest built with
# -g when libdwarf.so.1 is installed), --max-call-depth, --env KEY (weft's own variable),
# `weft FILE.wasm ARGS` and `--` as short forms of `weft run`, the clear error for a text
# module, guest exit statuses outside 0..125 refused as wasmtime refuses them, and a guest
# whose 64-bit memory grows to 4.5 GiB and is touched in every page (both tiers).
#
# Environment: BUILD (default build), WEFT (default $BUILD/weft), WASI_CC (default clang).
# Needs wat2wasm, wasm-objdump (wabt) and clang for wasm32-wasi; the compiled-tier checks need a C compiler.
set -u
. "$(dirname "$0")/../suite_lib.sh"
WASI_CC=${WASI_CC:-clang}
SRC="$ROOT/tests/cli"
OUT="$BUILD/cli"
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
# has NAME TEXT FILE: FILE contains the line TEXT (fixed string)
has() { if grep -qxF -- "$2" "$3"; then ok "$1"; else bad "$1: no line [$2] in: $(cat "$3")"; fi; }

wat2wasm "$SRC/trap3.wat" -o "$OUT/trap3.wasm" --debug-names &&
    $WASI_CC --target=wasm32-wasi --sysroot=/usr -O0 -g "$SRC/trap_g.c" -o "$OUT/trap_g.wasm" &&
    $WASI_CC --target=wasm32-wasi --sysroot=/usr -O2 "$SRC/status.c" -o "$OUT/status.wasm" ||
    { echo "cli: cannot build the guests"; echo "cli: 0 passed, 1 failed"; exit 1; }

# ---- backtraces ------------------------------------------------------------------------------
# where each frame must be: the division, and the calls (from wasm-objdump's disassembly)
at() { wasm-objdump -d "$OUT/trap3.wasm" | grep -F "| $1" | sed 's/^ *0*\([0-9a-f]*\):.*/0x\1/'; }
div=$(at "i32.div_s")
want="0 $div inner;1 $(at "call 0 <inner>") middle;2 $(at "call 1 <middle>") outer;"
want="${want}3 $(at "call 2 <outer>") <wasm function 4>;"
tiers="interp"
command -v "${CC:-cc}" >/dev/null 2>&1 && tiers="interp compiled"
for tier in $tiers; do
    opt=""
    [ "$tier" = compiled ] && opt="--compile --opt-level 1 --cache-dir $OUT/cache"
    "$WEFT" run $opt "$OUT/trap3.wasm" 2>"$OUT/trap3.$tier" >/dev/null
    check "$tier: a trap exits with 134" 134 $?
    has "$tier: trap line" "trap: integer divide by zero (in function inner at offset $div)" \
        "$OUT/trap3.$tier"
    frames=$(sed -n '/^wasm backtrace:$/,$p' "$OUT/trap3.$tier" | sed 1d |
             sed 's/^ *\([0-9]*\): *\(0x[0-9a-f]*\) - \(.*\)$/\1 \2 \3/' | tr '\n' ';')
    check "$tier: 3 named frames under _start" "$want" "$frames"

    "$WEFT" run $opt "$OUT/trap_g.wasm" 2>"$OUT/trap_g.$tier" >/dev/null
    if ldconfig -p 2>/dev/null | grep -q 'libdwarf\.so\.1 '; then
        lines=$(grep -n '/\* DIVIDE_LINE\|/\* MIDDLE_LINE' "$SRC/trap_g.c" | cut -d: -f1 |
                tr '\n' ' ')
        set -- $lines
        got=$(grep -A1 ' - \(divide\|middle\)$' "$OUT/trap_g.$tier" | grep ' at ' |
              sed 's/^ *at //' | tr '\n' ' ')
        check "$tier: -g guest: file:line of divide and middle" \
            "$SRC/trap_g.c:$1:14 $SRC/trap_g.c:$2:12 " "$got"
    else
        echo "skip $tier: file:line (no libdwarf.so.1; tests/setup.sh installs libdwarf-dev)"
    fi

    # --max-call-depth: the recursion stops there, and the backtrace has one frame a level
    "$WEFT" run $opt --max-call-depth 50 --invoke recurse "$OUT/trap3.wasm" 0 2>"$OUT/deep.$tier"
    check "$tier: --max-call-depth: a trap" 134 $?
    has "$tier: --max-call-depth: call stack exhausted" \
        "$(head -n 1 "$OUT/deep.$tier" | grep '^trap: call stack exhausted')" "$OUT/deep.$tier"
    n=$(grep -c ' - recurse$' "$OUT/deep.$tier")
    [ "$n" -ge 49 ] && [ "$n" -le 51 ] && ok "$tier: --max-call-depth 50: $n frames" ||
        bad "$tier: --max-call-depth 50: $n frames of recurse"
done
"$WEFT" run --max-call-depth 0 "$OUT/trap3.wasm" 2>/dev/null
check "--max-call-depth 0 is a usage error" 2 $?

# ---- the environment -------------------------------------------------------------------------
check "no --env: unset" "1 - (unset)" "$(GREETING=hi "$WEFT" run "$OUT/status.wasm")"
check "--env KEY passes weft's own" "1 - hi" \
    "$(GREETING=hi "$WEFT" run --env GREETING "$OUT/status.wasm")"
check "--env KEY unset in weft: unset" "1 - (unset)" \
    "$(env -u GREETING "$WEFT" run --env GREETING "$OUT/status.wasm")"
check "--env KEY=VALUE wins" "1 - yo" \
    "$(GREETING=hi "$WEFT" run --env GREETING=yo "$OUT/status.wasm")"

# ---- short forms -----------------------------------------------------------------------------
check "weft FILE ARGS" "2 a (unset)" "$("$WEFT" "$OUT/status.wasm" a)"
check "weft OPTIONS FILE ARGS" "2 b x" "$("$WEFT" --env GREETING=x "$OUT/status.wasm" b)"
check "weft run -- FILE ARGS" "3 --env (unset)" "$("$WEFT" run -- "$OUT/status.wasm" --env 0)"
check "weft -- FILE ARGS" "2 c (unset)" "$("$WEFT" -- "$OUT/status.wasm" c)"
"$WEFT" "$OUT/missing.wasm" 2>"$OUT/missing.err"
check "weft MISSING.wasm: status 1" 1 $?
has "weft MISSING.wasm: says so" "weft: $OUT/missing.wasm: No such file or directory" \
    "$OUT/missing.err"
"$WEFT" frobnicate 2>/dev/null
check "an unknown command is still a usage error" 2 $?

# ---- text modules ----------------------------------------------------------------------------
cp "$SRC/trap3.wat" "$OUT/text.wasm"
for f in "$SRC/trap3.wat" "$OUT/text.wasm"; do
    for cmd in run validate compile; do
        "$WEFT" $cmd "$f" >/dev/null 2>"$OUT/wat.err"
        st=$?
        has "$cmd $(basename "$f"): status $st, text format refused" \
            "weft: $f: the WebAssembly text format is not supported; convert it to a binary module with wat2wasm" \
            "$OUT/wat.err"
        check "$cmd $(basename "$f"): status 1" 1 $st
    done
done

# ---- exit statuses ---------------------------------------------------------------------------
for s in 0 7 125; do
    "$WEFT" run "$OUT/status.wasm" x "$s" >/dev/null 2>"$OUT/status.err"
    check "exit status $s passed on" "$s" $?
done
for s in 126 255 -1; do
    "$WEFT" run "$OUT/status.wasm" x "$s" >/dev/null 2>"$OUT/status.err"
    st=$?
    case "$s" in -1) shown=-1 ;; *) shown=$s ;; esac
    check "exit status $s refused: status 1" 1 $st
    has "exit status $s refused: message" \
        "weft: $OUT/status.wasm: exit with invalid exit status $shown, outside of [0..125]" \
        "$OUT/status.err"
done

# ---- a 64-bit memory past 4 GiB -------------------------------------------------------------
# 73,728 pages (4.5 GiB), one byte written and read back in each: the sum is the formula's
# only if no page aliases another and no address wraps at 4 GiB
if wat2wasm --enable-memory64 "$SRC/big64.wat" -o "$OUT/big64.wasm"; then
    want=$(awk 'BEGIN { s = 0; for (i = 0; i < 73728; i++) s += i % 128 + 1; print s }')
    for tier in $tiers; do
        opt=""
        [ "$tier" = compiled ] && opt="--compile --opt-level 1 --cache-dir $OUT/cache"
        got=$("$WEFT" run $opt --invoke touch "$OUT/big64.wasm" 73728 2>"$OUT/big64.err")
        if [ "$got" = -1 ]; then
            echo "cli: $tier: the host refused a 4.5 GiB memory; not checked"
        else
            check "$tier: 4.5 GiB of a 64-bit memory written and read back" "$want" "$got"
        fi
    done
else
    bad "wat2wasm --enable-memory64 big64.wat"
fi

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
