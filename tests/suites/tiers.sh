#!/bin/sh
# tiers.sh - the unit, threads, WASI, official WASI test suite and workers suites again,
# with every engine on the compiled tier (WEFT_TIER=compiled makes engines that leave the
# tier at its default compile their modules; WEFT_OPT_LEVEL=1 keeps the compiles short).
# Modules are cached in $BUILD/cache. Under the sanitizers the workers suite alone runs so
# (a sample: the others are long). Needs a C compiler ($CC or cc); without one it says so
# and passes.
dir=$(dirname "$0")
BUILD=${BUILD:-build}
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
    echo "tiers: skipped: no C compiler (${CC:-cc}) for the compiled tier"
    exit 0
fi
case "$BUILD" in /*) ;; *) BUILD="$(cd "$dir/../.." && pwd)/$BUILD" ;; esac
export BUILD WEFT_TIER=compiled WEFT_OPT_LEVEL=1 WEFT_CACHE_DIR="$BUILD/cache"
suites="unit threads wasi wasi_testsuite workers"
[ -n "${SANITIZE:-}" ] && suites="workers"
passed=0
failed=0
# the unit tests that run wasm code (the others only load, or run none)
export UNIT_ONLY="test_embed test_interp test_superops test_worker test_worker_atomics test_worker_pool
                 test_limits test_backtrace"
for s in $suites; do
    echo "--- $s on the compiled tier"
    if sh "$dir/$s.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "tiers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
