#!/bin/sh
# spec_compiled.sh - the spec suite (the 2.0 core scripts, SIMD's and the threads proposal's) with every
# module compiled to native code (`weft wast --compile -O 0`: the compiler's quickest level;
# what is checked is the translation, not the optimiser). Compiled modules are cached in
# $BUILD/cache, so a second run costs little. Under the sanitizers every 3rd script runs.
# Needs a C compiler ($CC or cc); without one it says so and passes.
dir=$(dirname "$0")
BUILD=${BUILD:-build}
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
    echo "spec_compiled: skipped: no C compiler (${CC:-cc}) for the compiled tier"
    exit 0
fi
case "$BUILD" in /*) ;; *) BUILD="$(cd "$dir/../.." && pwd)/$BUILD" ;; esac
export WEFT_CACHE_DIR="$BUILD/cache"
sample=1
[ -n "${SANITIZE:-}" ] && sample=3
st=0
WAST_FLAGS="--compile -O 0" SPEC_CACHE=core-compiled SPEC_SAMPLE=$sample sh "$dir/spec.sh" || st=1
WAST_FLAGS="--compile -O 0" SPEC_CACHE=simd-compiled SPEC_SET=simd SPEC_SAMPLE=$sample sh "$dir/spec.sh" || st=1
WAST_FLAGS="--compile -O 0" SPEC_CACHE=threads-compiled SPEC_SET=threads sh "$dir/spec.sh" || st=1
exit $st
