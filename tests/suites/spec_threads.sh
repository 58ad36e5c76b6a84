#!/bin/sh
# The threads proposal's spec scripts (atomics, shared memories, their imports and exports).
exec env SPEC_SET=threads sh "$(dirname "$0")/spec.sh"
