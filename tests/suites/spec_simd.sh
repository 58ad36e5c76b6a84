#!/bin/sh
# The fixed-width SIMD spec scripts (the 57 simd_*.wast at the top of the testsuite), with
# each file's counts.
exec env SPEC_SET=simd SPEC_PER_FILE=1 sh "$(dirname "$0")/spec.sh"
