# suite_lib.sh - sourced by tests/suites/*.sh (`. "$(dirname "$0")/../suite_lib.sh"`): ROOT,
# BUILD and WEFT as absolute paths (BUILD default build, WEFT default $BUILD/weft), and the
# tallies every suite ends with: ok NAME, bad WHY, check NAME EXPECTED ACTUAL.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
WEFT=${WEFT:-$BUILD/weft}
case "$WEFT" in /*) ;; *) WEFT="$ROOT/$WEFT" ;; esac
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$2], got [$3]"; fi; }
