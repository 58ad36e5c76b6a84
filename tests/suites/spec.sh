#!/bin/sh
# spec.sh - the official spec test scripts, converted by `wast2json --enable-threads` and
# run by `weft wast --counts`, two files at a time.
#   default          every top-level non-SIMD ../shared/spec-testsuite/*.wast
#   SPEC_SET=threads ../shared/spec-testsuite/proposals/threads/*.wast, validated with
#                    reference types off (their baseline is WebAssembly 1.0)
#   SPEC_SET=simd    the 57 top-level simd_*.wast (fixed-width SIMD); SPEC_PER_FILE=1 also
#                    prints every file's counts
#   SPEC_SET=core3   the WebAssembly 3.0 core scripts, already converted, in
#                    ../shared/spec-testsuite-3.0/core/NAME/NAME.json (SPEC3_DIR to move it);
#                    run by tests/suites/spec3.sh. Those listed in
#                    tests/spec3_expected_failures.txt may fail (XFAIL; none is now); any
#                    other failing script fails the run; a listed one that passes is reported
#                    (XPASS: take it off the list).
#   SPEC_SET=legacy-eh  the same for ../shared/spec-testsuite-3.0/legacy-eh/NAME/NAME.json
#   WAST_FLAGS       more options for `weft wast` (e.g. --compile -O 0)
#   SPEC_SAMPLE=N    run every Nth file only (the slowest sanitizer runs)
#   SPEC_CACHE=NAME  keep the converted scripts and results under $BUILD/spec/NAME
# Converted scripts are cached in $BUILD/spec/ and converted again only when the .wast is
# newer. Prints a line per failing file, the summed counts per assertion kind and the total;
# fails if any assertion failed or any file could not be run.

root=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$root/$BUILD" ;; esac
WEFT=${WEFT:-$BUILD/weft}
case "$WEFT" in /*) ;; *) WEFT="$root/$WEFT" ;; esac
export BUILD WEFT

# Worker mode: convert (if needed) and run one script; the results go to CACHE/NAME.out
# and CACHE/NAME.status.
if [ "$1" = "--one" ]; then
    wast=$2 cache=$3
    name=$(basename "$wast" .wast)
    dir="$cache/$name"
    json="$dir/$name.json"
    case "$wast" in *.json) name=$(basename "$wast" .json) json=$wast ;; esac
    if [ "$json" = "$wast" ]; then
        :   # converted already (SPEC_SET=core3, legacy-eh)
    elif [ ! -f "$json" ] || [ "$wast" -nt "$json" ]; then
        rm -rf "$dir" && mkdir -p "$dir"
        if ! wast2json --enable-threads "$wast" -o "$json" >"$cache/$name.out" 2>&1; then
            rm -f "$json"
            echo "wast2json failed" >>"$cache/$name.out"
            echo 1 >"$cache/$name.status"
            exit 0
        fi
    fi
    limit=""
    command -v timeout >/dev/null 2>&1 && limit="timeout 600"
    # shellcheck disable=SC2086 # WAST_FLAGS is a list of options
    $limit "$WEFT" wast --counts ${WAST_FLAGS:-} "$json" >"$cache/$name.out" 2>&1
    echo $? >"$cache/$name.status"
    exit 0
fi

spec=${SPEC_DIR:-$root/../shared/spec-testsuite}
# The 2022 scripts are WebAssembly 2.0's: where 3.0 made valid what they refuse (several
# memories, memory indices and 64-bit offsets in the encoding, global.get of a defined global
# in a constant expression), they run with those off.
v2_flags="--disable multi-memory --disable memory64 --disable extended-const"
if [ "${SPEC_SET:-}" = "threads" ]; then
    src="$spec/proposals/threads"
    cache="$BUILD/spec/${SPEC_CACHE:-threads}"
    # the proposal's scripts are written against WebAssembly 1.0 + threads: one table at most
    WAST_FLAGS="--disable reference-types $v2_flags ${WAST_FLAGS:-}"
    export WAST_FLAGS
elif [ "${SPEC_SET:-}" = "simd" ]; then
    src="$spec"
    cache="$BUILD/spec/${SPEC_CACHE:-simd}"
    WAST_FLAGS="$v2_flags ${WAST_FLAGS:-}"
    export WAST_FLAGS
elif [ "${SPEC_SET:-}" = "core3" ] || [ "${SPEC_SET:-}" = "legacy-eh" ]; then
    part=core
    [ "$SPEC_SET" = legacy-eh ] && part=legacy-eh
    src="${SPEC3_DIR:-$root/../shared/spec-testsuite-3.0}/$part"
    cache="$BUILD/spec/${SPEC_CACHE:-$SPEC_SET}"
    xfail="$root/tests/spec3_expected_failures.txt"
else
    src="$spec"
    cache="$BUILD/spec/${SPEC_CACHE:-core}"
    WAST_FLAGS="$v2_flags ${WAST_FLAGS:-}"
    export WAST_FLAGS
fi
if [ ! -d "$src" ]; then
    echo "spec: no spec test suite at $src (expected the official testsuite checked out there)"
    exit 1
fi
converted=no   # the 3.0 scripts come converted (NAME/NAME.json)
case "${SPEC_SET:-}" in core3 | legacy-eh) converted=yes ;; esac
if [ "$converted" = no ]; then
    command -v wast2json >/dev/null 2>&1 || { echo "spec: wast2json not found (run: make setup)"; exit 1; }
fi
[ -x "$WEFT" ] || { echo "spec: $WEFT not built"; exit 1; }
mkdir -p "$cache" || exit 1

list="$cache/files.txt"
: >"$list"
k=0
if [ "$converted" = yes ]; then
    pattern="$src/*/*.json"
else
    pattern="$src/*.wast"
fi
for f in $pattern; do
    [ -f "$f" ] || continue
    case "${SPEC_SET:-}:$(basename "$f")" in
    core3:* | legacy-eh:*) [ "$(basename "$(dirname "$f")").json" = "$(basename "$f")" ] || continue ;;
    simd:simd*) ;;
    simd:*) continue ;;
    *:simd*) continue ;;
    esac
    k=$((k + 1))
    [ $((k % ${SPEC_SAMPLE:-1})) -eq 0 ] || continue
    echo "$f" >>"$list"
done
nfiles=$(wc -l <"$list" | tr -d ' ')
if [ "$nfiles" -eq 0 ]; then
    echo "spec: no .wast files in $src"
    exit 1
fi

jobs=${SPEC_JOBS:-2}
xargs -P "$jobs" -I{} sh "$0" --one {} "$cache" <"$list"

# Sum the `counts` lines, report each failing file.
bad_files=0
xfail_files=0
while read -r f; do
    name=$(basename "$(basename "$f" .wast)" .json)
    out="$cache/$name.out"
    status=$(cat "$cache/$name.status" 2>/dev/null || echo "?")
    last=$(tail -n 1 "$out" 2>/dev/null)
    listed=no
    [ -n "${xfail:-}" ] && grep -qx "$name" "$xfail" 2>/dev/null && listed=yes
    if [ "$status" = 0 ]; then
        [ "$listed" = yes ] && echo "XPASS $name: passes now, take it off $(basename "$xfail")"
        continue
    fi
    if [ "$listed" = yes ]; then
        xfail_files=$((xfail_files + 1))
        [ -n "${SPEC_SHOW_XFAIL:-}" ] && echo "XFAIL $name: $last"
        continue
    fi
    bad_files=$((bad_files + 1))
    case "$last" in
    *" passed, "*" failed, "*" skipped") echo "FAIL $name.wast: $last" ;;
    *) echo "FAIL $name.wast: weft exited with status $status: $last" ;;
    esac
    grep -v '^counts \|passed' "$out" | head -n "${SPEC_SHOW:-5}" | sed 's/^/    /'
done <"$list"

if [ -n "${SPEC_PER_FILE:-}" ]; then
    while read -r f; do
        name=$(basename "$(basename "$f" .wast)" .json)
        printf '  %-44s %s\n' "$name.wast" "$(tail -n 1 "$cache/$name.out" 2>/dev/null)"
    done <"$list"
fi

while read -r f; do
    name=$(basename "$(basename "$f" .wast)" .json)
    grep '^counts ' "$cache/$name.out" 2>/dev/null
done <"$list" | awk -v files="$nfiles" -v bad="$bad_files" -v xfail="$xfail_files" '
{
    for (i = 2; i <= NF; i++) {
        split($i, kv, "=")
        if (!(kv[1] in sum)) order[n++] = kv[1]
        sum[kv[1]] += kv[2]
    }
}
END {
    passed = 0
    for (i = 0; i < n; i++) {
        k = order[i]
        if (k == "failed" || k == "skipped" || k ~ /^skipped_/) continue
        if (k == "other" && sum[k] == 0) continue
        printf "  %-24s %d\n", k, sum[k]
        passed += sum[k]
    }
    for (i = 0; i < n; i++)
        if (order[i] ~ /^skipped_/) printf "  %-24s %d\n", order[i], sum[order[i]]
    printf "spec: %d files, %d failing", files, bad
    if (xfail > 0) printf " (and %d expected to fail)", xfail
    printf "; %d passed, %d failed, %d skipped\n", passed, sum["failed"], sum["skipped"]
}'
[ "$bad_files" -eq 0 ]
