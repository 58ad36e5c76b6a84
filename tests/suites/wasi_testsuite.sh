#!/bin/sh
# wasi_testsuite.sh - the official WASI test suite's prebuilt C, AssemblyScript and
# wasi-threads programs (../shared/wasi-testsuite, or WASI_TESTSUITE), run under weft by
# tests/wasi_testsuite.py: each in a temporary copy of its folder, checked for its exit
# status and stdout as its .json says.
#
# Environment: BUILD (default build), WEFT (default $BUILD/weft), SANITIZE (sanitizer
# reports on stderr count as failures), WASI_TESTSUITE. Prints "N passed, M failed" last.

BUILD=${BUILD:-build}
WEFT=${WEFT:-$BUILD/weft}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SUITE=${WASI_TESTSUITE:-$HERE/../../shared/wasi-testsuite}

if [ ! -x "$WEFT" ]; then
    echo "FAIL: no weft binary at $WEFT"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ ! -d "$SUITE/c" ]; then
    echo "FAIL: no WASI test suite at $SUITE (set WASI_TESTSUITE)"
    echo "0 passed, 1 failed"
    exit 1
fi
exec python3 "$HERE/wasi_testsuite.py" "$WEFT" "$SUITE" c assemblyscript wasi-threads
