#!/bin/sh
# tail_calls.sh - tail calls run in constant space in every tier: mutual recursion a million
# calls deep through return_call and return_call_indirect (tests/tail/tail_calls.wat), also
# entered from a function without tail calls and ending in one, under the interpreter, the
# compiled tier (where tail-calling functions run in the interpreter and call native code)
# and tiered execution; and the control, the same recursion with plain calls, must exhaust
# the frame limit. Needs wat2wasm; the compiled checks need a C compiler.
set -u
. "$(dirname "$0")/../suite_lib.sh"
OUT="$BUILD/tail_calls"
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1

wasm="$OUT/tail_calls.wasm"
wat2wasm --enable-tail-call "$ROOT/tests/tail/tail_calls.wat" -o "$wasm" ||
    { echo "tail_calls: 0 passed, 1 failed"; exit 1; }
tiers="interp"
command -v "${CC:-cc}" >/dev/null 2>&1 && tiers="interp compiled tiered"
for tier in $tiers; do
    case $tier in
    interp) flags="" ;;
    compiled) flags="--compile --cache-dir $OUT/cache" ;;
    tiered) flags="--tiered --cache-dir $OUT/cache" ;;
    esac
    # shellcheck disable=SC2086 # flags is a list of options
    run() { "$WEFT" run $flags --invoke "$1" "$wasm" "$2" 2>&1; }
    check "$tier: even 1000000 (return_call, ends in a leaf)" 1001 "$(run even 1000000)"
    check "$tier: odd 1000000" 1000 "$(run odd 1000000)"
    check "$tier: even 1000001" 1000 "$(run even 1000001)"
    check "$tier: even_indirect 1000000 (return_call_indirect)" 1 "$(run even_indirect 1000000)"
    check "$tier: even_indirect 1000001" 0 "$(run even_indirect 1000001)"
    check "$tier: outer 1000000 (called from a function without tail calls)" 1006 \
        "$(run outer 1000000)"
    out=$(run even_plain 1000000)
    case "$out" in
    *"call stack exhausted"*) ok "$tier: plain calls 1000000 deep exhaust the frame limit" ;;
    *) bad "$tier: plain calls: expected a call stack exhausted trap, got [$out]" ;;
    esac
done
echo "tail_calls: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
