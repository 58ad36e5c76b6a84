#!/bin/sh
# diff.sh - differential execution: random valid modules (tests/diff/gen.py, seeded) run on
# weft and on node, and what their export `run` returns must be the same; then the reduced
# reproducers of bugs found so (tests/diff/regress/*.wat, each with node's answer on its first
# line, or the answer worked out by hand where node cannot run it) must give that answer.
# Some seeds use tail calls and exceptions (node runs them) or a second memory (node 20
# cannot: those compare the interpreter with the compiled tier, within the compiled tier's
# budget below; see tests/diff/gen.py).
#
# Environment: BUILD (default build), WEFT (default $BUILD/weft), DIFF_SEEDS (default 1..600;
# numbers and ranges a..b, separated by commas or spaces, e.g. DIFF_SEEDS=1000..5000).
# A failing module is kept as $BUILD/diff/fail-SEED.wat (tests/diff/reduce.py shrinks it).
# Skipped (status 0) when node is not installed. Prints "diff: N passed, M failed" last.

BUILD=${BUILD:-build}
WEFT=${WEFT:-$BUILD/weft}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SEEDS=${DIFF_SEEDS:-1..600}

if ! command -v node >/dev/null 2>&1; then
    echo "diff: skipped: node is not installed (it is the reference engine)"
    exit 0
fi
for tool in python3 wat2wasm; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "FAIL: $tool is not installed"
        echo "diff: 0 passed, 1 failed"
        exit 1
    fi
done
if [ ! -x "$WEFT" ]; then
    echo "FAIL: no weft binary at $WEFT"
    echo "diff: 0 passed, 1 failed"
    exit 1
fi

OUT=$BUILD/diff
mkdir -p "$OUT" && rm -f "$OUT"/fail-*.wat
# DIFF_COMPILED: how many cases also run under the compiled tier (-1: all; needs a C compiler)
compiled=${DIFF_COMPILED:-200}
# under the sanitizers a sample: the compiles, not weft, take the time
[ -n "${SANITIZE:-}" ] && [ -z "${DIFF_COMPILED:-}" ] && compiled=60
command -v "${CC:-cc}" >/dev/null 2>&1 || compiled=0
timeout 900 python3 "$SRC/diff/diff.py" --weft "$WEFT" --out "$OUT" --regress "$SRC/diff/regress" --compiled "$compiled" $SEEDS
st=$?
if [ $st -eq 124 ]; then
    echo "FAIL: timed out"
    echo "diff: 0 passed, 1 failed"
fi
rm -rf "$OUT/work"
exit $st
