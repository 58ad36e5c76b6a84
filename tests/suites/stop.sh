#!/bin/sh
# stop.sh - `weft run --fuel N` and `--timeout DURATION`, in both tiers: fuel stops a loop
# without calls at the same instruction every run and in both tiers (the same trap report),
# enough fuel lets the program finish, a timeout stops an endless loop and a guest blocked
# in poll_oneoff long before their end, both exit like other traps (134), bad values are
# usage errors (2) with a message, and `weft help run` lists both. The compiled tier's
# checks are skipped, with a message, when there is no C compiler.
set -u
. "$(dirname "$0")/../suite_lib.sh"
OUT="$BUILD/stop"
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1

now_ms() { date +%s%3N; }

wasm="$OUT/loop.wasm"
wat2wasm "$ROOT/tests/stop/loop.wat" -o "$wasm" || { echo "stop: 0 passed, 1 failed"; exit 1; }

# Bad values: usage errors naming the option.
for bad_fuel in abc -1 12x ""; do
    out=$("$WEFT" run --fuel "$bad_fuel" "$wasm" 2>&1)
    st=$?
    case "$out" in *"--fuel"*"number of instructions"*) check "--fuel '$bad_fuel': usage error" 2 $st ;;
    *) bad "--fuel '$bad_fuel': got [$out] ($st)" ;; esac
done
for bad_time in 5 0s 3x -1s ms 1e30h; do
    out=$("$WEFT" run --timeout "$bad_time" "$wasm" 2>&1)
    st=$?
    case "$out" in *"--timeout"*"duration"*) check "--timeout '$bad_time': usage error" 2 $st ;;
    *) bad "--timeout '$bad_time': got [$out] ($st)" ;; esac
done
help=$("$WEFT" help run 2>&1)
case "$help" in *"--fuel N"*"--timeout DURATION"*) ok "weft help run lists both" ;;
*) bad "weft help run: $help" ;; esac

tiers="interp"
if command -v "${CC:-cc}" >/dev/null 2>&1; then
    tiers="interp compiled"
else
    echo "stop: no C compiler (${CC:-cc}): compiled-tier checks skipped"
fi

for tier in $tiers; do
    set --
    [ "$tier" = compiled ] && set -- --compile --opt-level 1 --cache-dir "$OUT/cache"
    # fuel: out of fuel, the same report every run, and enough fuel lets it finish
    "$WEFT" run "$@" --fuel 5000 "$wasm" >/dev/null 2>"$OUT/fuel1.$tier"
    check "$tier: --fuel 5000 stops _start (134)" 134 $?
    grep -q "^trap: out of fuel" "$OUT/fuel1.$tier" && ok "$tier: trap: out of fuel" ||
        bad "$tier: $(cat "$OUT/fuel1.$tier")"
    "$WEFT" run "$@" --fuel 5000 "$wasm" >/dev/null 2>"$OUT/fuel2.$tier"
    check "$tier: the same point every run" "$(cat "$OUT/fuel1.$tier")" "$(cat "$OUT/fuel2.$tier")"
    "$WEFT" run "$@" --fuel 100000000 "$wasm" >/dev/null 2>&1
    check "$tier: enough fuel, it finishes" 0 $?
    check "$tier: --invoke within its fuel" 100 "$("$WEFT" run "$@" --fuel 1000 --invoke spin "$wasm" 100 2>&1)"
    "$WEFT" run "$@" --fuel 1000 --invoke spin "$wasm" 1000 >/dev/null 2>&1
    check "$tier: --invoke past its fuel" 134 $?
    # timeout: an endless loop, and a guest asleep in poll_oneoff for 60 s
    t0=$(now_ms)
    "$WEFT" run "$@" --timeout 300ms --invoke forever "$wasm" >/dev/null 2>"$OUT/loop.$tier"
    st=$?
    t=$(($(now_ms) - t0))
    check "$tier: --timeout 300ms stops an endless loop (134)" 134 $st
    grep -q "^trap: interrupted" "$OUT/loop.$tier" && ok "$tier: trap: interrupted" ||
        bad "$tier: $(cat "$OUT/loop.$tier")"
    [ $t -ge 300 ] && [ $t -lt 20000 ] && ok "$tier: after ${t} ms" || bad "$tier: loop stopped after $t ms"
    # a loop that leaves the interrupt check to the function it calls each turn
    "$WEFT" run "$@" --timeout 300ms --invoke forever_calling "$wasm" >/dev/null 2>"$OUT/call.$tier"
    check "$tier: --timeout stops a loop whose callee checks (134)" 134 $?
    grep -q "^trap: interrupted" "$OUT/call.$tier" && ok "$tier: that loop: trap: interrupted" ||
        bad "$tier: $(cat "$OUT/call.$tier")"
    t0=$(now_ms)
    "$WEFT" run "$@" --timeout 0.5s "$wasm" sleep >/dev/null 2>"$OUT/poll.$tier"
    st=$?
    t=$(($(now_ms) - t0))
    check "$tier: --timeout 0.5s stops poll_oneoff (134)" 134 $st
    [ $t -ge 500 ] && [ $t -lt 20000 ] && ok "$tier: poll_oneoff stopped after ${t} ms" ||
        bad "$tier: poll_oneoff stopped after $t ms"
    "$WEFT" run "$@" --timeout 1m --fuel 100000000 "$wasm" >/dev/null 2>&1
    check "$tier: a timeout not reached changes nothing" 0 $?
done
if [ "$tiers" = "interp compiled" ]; then
    check "both tiers stop at the same instruction" "$(cat "$OUT/fuel1.interp")" "$(cat "$OUT/fuel1.compiled")"
fi
echo "stop: $pass passed, $fail failed"
[ $fail -eq 0 ]
