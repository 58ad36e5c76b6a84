#!/bin/sh
# compiled.sh - the compiled tier from the command line: `weft compile` writes an artifact
# that `weft run` runs without a compiler, damaged, truncated or foreign artifacts are refused
# with one line and never loaded, the cache (`--compile`, `weft cache clean`, several
# processes compiling one module at once), the same answers and trap messages as the
# interpreter, runaway recursion as a trap, and a clear error when there is no C compiler.
# Needs a C compiler ($CC or cc): without one it checks only that error and passes.
set -u
. "$(dirname "$0")/../suite_lib.sh"
OUT="$BUILD/compiled"
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
CACHE="$OUT/cache"


wasm="$OUT/basics.wasm"
wat2wasm "$ROOT/tests/compiled/basics.wat" -o "$wasm" || { echo "compiled: 0 passed, 1 failed"; exit 1; }

# Without a compiler: a clear one-line error, and the interpreter still runs everything.
out=$(CC=/nonexistent/cc "$WEFT" compile "$wasm" -o "$OUT/none.cwasm" 2>&1)
st=$?
case "$out" in *"no C compiler found"*) [ $st -eq 1 ] && ok "no compiler: clear error" || bad "no compiler: status $st" ;;
*) bad "no compiler: got [$out]" ;; esac
check "no compiler: interpreter runs" "42" "$(CC=/nonexistent/cc "$WEFT" run --invoke add "$wasm" 40 2 2>&1)"

if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
    echo "compiled: no C compiler (${CC:-cc}): compiled-code checks skipped"
    echo "compiled: $pass passed, $fail failed"
    [ $fail -eq 0 ]
    exit
fi

# weft compile, then the artifact runs like the module, with no compiler needed.
"$WEFT" compile --opt-level 1 "$wasm" >"$OUT/compile.log" 2>&1 && [ -f "$OUT/basics.cwasm" ] &&
    ok "weft compile writes FILE.cwasm" || bad "weft compile: $(cat "$OUT/compile.log")"
art="$OUT/basics.cwasm"
check "artifact: add" "42" "$(CC=/nonexistent/cc "$WEFT" run --invoke add "$art" 40 2 2>&1)"
check "artifact: memory" "305419896" "$("$WEFT" run --invoke poke "$art" 65532 0x12345678 2>&1)"
check "artifact: multi-value" "$(printf '7\n2.5')" "$("$WEFT" run --invoke swap "$art" 2.5 7 2>&1)"
check "artifact: loop" "500000500000" "$("$WEFT" run --invoke sum "$art" 1000000 2>&1)"
"$WEFT" run --invoke poke "$art" 65533 1 >/dev/null 2>"$OUT/oob.err"
check "artifact: out of bounds is a trap (134)" "134" "$?"

# The same trap message, function and offset from both tiers.
"$WEFT" run --invoke outer "$wasm" 0 >/dev/null 2>"$OUT/trap.interp"
"$WEFT" run --invoke outer "$art" 0 >/dev/null 2>"$OUT/trap.native"
check "trap: same report in both tiers" "$(cat "$OUT/trap.interp")" "$(cat "$OUT/trap.native")"
grep -q "integer divide by zero" "$OUT/trap.native" && ok "trap: names the reason" ||
    bad "trap: $(cat "$OUT/trap.native")"
"$WEFT" run --invoke runaway "$art" 0 >/dev/null 2>"$OUT/runaway.err"
st=$?
if [ $st -eq 134 ] && grep -q "call stack exhausted" "$OUT/runaway.err"; then
    ok "runaway recursion: a trap, not a crash"
else
    bad "runaway recursion: status $st: $(head -c 300 "$OUT/runaway.err")"
fi

# Damaged, truncated and foreign artifacts: refused in one line with status 1.
refuse() {
    name=$1 pattern=$2 file=$3
    msg=$("$WEFT" run --invoke add "$file" 1 2 2>&1)
    st=$?
    lines=$(printf '%s\n' "$msg" | wc -l)
    case "$msg" in
    *"$pattern"*) if [ $st -eq 1 ] && [ "$lines" -eq 1 ]; then ok "$name"; else bad "$name: status $st, $lines lines"; fi ;;
    *) bad "$name: got [$msg]" ;;
    esac
}
size=$(wc -c <"$art")
head -c $((size / 2)) "$art" >"$OUT/half.cwasm"
refuse "truncated artifact refused" "truncated artifact" "$OUT/half.cwasm"
head -c 100 "$art" >"$OUT/head.cwasm"
refuse "artifact cut in its header refused" "truncated artifact" "$OUT/head.cwasm"
python3 - "$art" "$OUT" <<'PY'
import hashlib, sys
art, out = sys.argv[1], sys.argv[2]
b = bytearray(open(art, "rb").read())
flip = bytearray(b); flip[len(b) // 2] ^= 0x40
open(out + "/flipped.cwasm", "wb").write(flip)
# another weft version, with a valid checksum: refused for the version, not as damage
old = bytearray(b); old[24:56] = b"0.0.1".ljust(32, b"\0")
old[-32:] = hashlib.sha256(bytes(old[:-32])).digest()
open(out + "/oldversion.cwasm", "wb").write(old)
PY
refuse "damaged artifact refused" "damaged artifact" "$OUT/flipped.cwasm"
refuse "artifact of another weft version refused" "weft 0.0.1" "$OUT/oldversion.cwasm"

# The cache: the first run compiles and stores, the second loads the stored artifact.
check "cache: first run" "42" "$("$WEFT" run --compile --opt-level 1 --cache-dir "$CACHE" --invoke add "$wasm" 40 2 2>&1)"
n=$(ls "$CACHE"/*.cwasm 2>/dev/null | wc -l)
check "cache: one artifact stored" "1" "$n"
before=$(ls -l --time-style=full-iso "$CACHE")
check "cache: second run" "42" "$("$WEFT" run --compile --opt-level 1 --cache-dir "$CACHE" --invoke add "$wasm" 40 2 2>&1)"
check "cache: second run reuses it" "$before" "$(ls -l --time-style=full-iso "$CACHE")"
# four processes compiling the same module into an empty cache at once
rm -rf "$CACHE"
for i in 1 2 3 4; do
    "$WEFT" run --compile --opt-level 0 --cache-dir "$CACHE" --invoke sum "$wasm" 100 >"$OUT/par$i.out" 2>&1 &
done
wait
good=0
for i in 1 2 3 4; do [ "$(cat "$OUT/par$i.out")" = "5050" ] && good=$((good + 1)); done
check "cache: 4 concurrent compiles all run" "4" "$good"
check "cache: one complete artifact after them" "1" "$(ls "$CACHE" | grep -c '\.cwasm$')"
out=$("$WEFT" cache clean --cache-dir "$CACHE" 2>&1)
case "$out" in *"removed 1 artifacts"*) ok "weft cache clean" ;; *) bad "weft cache clean: $out" ;; esac
check "cache: empty after clean" "0" "$(ls "$CACHE" | grep -c '\.cwasm$')"

echo "compiled: $pass passed, $fail failed"
[ $fail -eq 0 ]
