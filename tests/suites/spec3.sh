#!/bin/sh
# spec3.sh - the WebAssembly 3.0 spec scripts (../shared/spec-testsuite-3.0, converted already):
# every script of core/ (230) and legacy-eh/ (4) must pass with 0 failures (assertions on
# text modules are skipped), through tests/suites/spec.sh.
#   interpreter     every script; under the sanitizers every SPEC3_SAN_SAMPLE-th (default 3rd)
#   compiled tier   (`--compile -O 0`, modules cached in $BUILD/cache) every
#                   SPEC3_COMPILED_SAMPLE-th core script (default 4th; 12th under the
#                   sanitizers) and the legacy-eh ones: the C compiler, not weft, takes the
#                   time, and every script passes compiled when all are run
#                   (SPEC3_COMPILED_SAMPLE=1). Skipped without a C compiler.
# The samples are deterministic (every Nth file in name order), so a failure reproduces.
# Without the 3.0 suite it says so and passes.
set -u
. "$(dirname "$0")/../suite_lib.sh"
dir=$(dirname "$0")
export BUILD WEFT
suite=${SPEC3_DIR:-$ROOT/../shared/spec-testsuite-3.0}
if [ ! -d "$suite/core" ]; then
    echo "spec3: skipped: no 3.0 spec suite at $suite"
    exit 0
fi
interp_sample=1
compiled_sample=${SPEC3_COMPILED_SAMPLE:-4}
if [ -n "${SANITIZE:-}" ]; then
    interp_sample=${SPEC3_SAN_SAMPLE:-3}
    compiled_sample=${SPEC3_COMPILED_SAMPLE:-12}
fi
# run WHAT ENV...: one spec.sh run, counted
run() {
    what=$1
    shift
    echo "--- $what"
    if env "$@" sh "$dir/spec.sh"; then ok "$what"; else bad "$what"; fi
}
run "interpreter, core (every ${interp_sample})" SPEC_SET=core3 SPEC_SAMPLE=$interp_sample
run "interpreter, legacy-eh" SPEC_SET=legacy-eh
if command -v "${CC:-cc}" >/dev/null 2>&1; then
    export WEFT_CACHE_DIR="$BUILD/cache"
    run "compiled tier, core (every ${compiled_sample})" SPEC_SET=core3 \
        SPEC_CACHE=core3-compiled SPEC_SAMPLE="$compiled_sample" WAST_FLAGS="--compile -O 0"
    run "compiled tier, legacy-eh" SPEC_SET=legacy-eh SPEC_CACHE=legacy-eh-compiled \
        WAST_FLAGS="--compile -O 0"
else
    echo "spec3: compiled tier skipped: no C compiler (${CC:-cc})"
fi
echo "spec3: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
