#!/bin/sh
# run_all.sh - run every tests/suites/*.sh in name order and count the suites that pass.
# Environment: BUILD (build directory, default build), SANITIZE=1 for the sanitizer run.
# Each suite gets BUILD, SANITIZE and WEFT=$BUILD/weft. The last line of output is
# `N passed, M failed` (suites); the status is non-zero when any suite failed.

cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
WEFT="$BUILD/weft"
export BUILD WEFT
export SANITIZE="${SANITIZE:-}"

passed=0
failed=0
failed_names=""
for suite in tests/suites/*.sh; do
    [ -f "$suite" ] || continue
    name=$(basename "$suite" .sh)
    echo "=== $name"
    if sh "$suite"; then
        passed=$((passed + 1))
        echo "=== $name: ok"
    else
        failed=$((failed + 1))
        failed_names="$failed_names $name"
        echo "=== $name: FAILED"
    fi
done
[ -n "$failed_names" ] && echo "failed suites:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
