#!/bin/sh
# spec_funcref.sh - the WebAssembly 3.0 spec scripts of tail calls, extended constant
# expressions and typed function references (../shared/spec-testsuite-3.0/core), under the
# interpreter and with every module compiled (`--compile -O 0`, cached in $BUILD/cache): each
# must pass with 0 failures (text-module assertions are skipped). Without the 3.0 suite it
# says so and passes; without a C compiler the compiled run is skipped. Under the
# sanitizers the compiled run is left out (the interpreter's covers the same code paths).
set -u
. "$(dirname "$0")/../suite_lib.sh"
SUITE=${SPEC30_DIR:-$ROOT/../shared/spec-testsuite-3.0}/core
if [ ! -d "$SUITE" ]; then
    echo "spec_funcref: skipped: no 3.0 spec suite at $SUITE"
    exit 0
fi
scripts="return_call return_call_indirect return_call_ref call_ref br_on_null br_on_non_null
ref_as_non_null local_init global data elem ref ref_func ref_is_null select table-sub type
unreached-valid unreached-invalid func call_indirect br_table binary linking table"
modes="interp"
command -v "${CC:-cc}" >/dev/null 2>&1 && [ -z "${SANITIZE:-}" ] && modes="interp compiled"
for mode in $modes; do
    flags=""
    [ "$mode" = compiled ] && flags="--compile -O 0 --cache-dir $BUILD/cache"
    for s in $scripts; do
        # shellcheck disable=SC2086 # flags is a list of options
        last=$(cd "$SUITE/$s" && "$WEFT" wast $flags "$s.json" 2>&1 | tail -1)
        case "$last" in
        *" passed, 0 failed"*) echo "ok   $mode $s: $last"; pass=$((pass + 1)) ;;
        *) echo "FAIL $mode $s: $last"; fail=$((fail + 1)) ;;
        esac
    done
done
echo "spec_funcref: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
