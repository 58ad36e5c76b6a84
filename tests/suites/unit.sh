#!/bin/sh
# unit.sh - run every unit test program in $BUILD/tests/ (built from tests/unit/*.c), or
# the ones named in UNIT_ONLY (space-separated).
BUILD=${BUILD:-build}
dir="$BUILD/tests"
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 600"
passed=0
failed=0
for t in "$dir"/*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    if [ -n "${UNIT_ONLY:-}" ]; then
        case " $UNIT_ONLY " in *" $name "*) ;; *) continue ;; esac
    fi
    out=$($limit "$t" 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name (status $status)"
        printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
    fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
