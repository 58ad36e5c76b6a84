#!/bin/sh
# eh_guests.sh - C and C++ guests whose control flow is WebAssembly exception handling,
# built here with the guest kit on clang 19 and compared with their native builds:
#   sjlj.c          setjmp/longjmp error recovery, 20,000 rounds (weft-cc --sjlj; gcc)
#   sjlj.c threads  the same loop in 4 threads at once, each with its own handlers; also
#                   built with clang 14, whose lowering calls an older runtime interface
#   exceptions.cpp  C++ throw/catch across frames, rethrow, catch (...), destructors during
#                   unwinding, 20,000 rounds (guest/weft-c++; g++), and in 4 threads at once
# Each must print exactly what the native program prints, under `weft run`, `weft run
# --compile` and, when node 20+ is installed, node (guest/tools/node_threads.mjs). An
# uncaught C++ exception ends the run like a trap (134, "uncaught exception") in both
# tiers, and setjmp.h without --sjlj is a compile error that names the flag.
# The tools come from tests/setup.sh; without them (and without root to install them) the
# suite says which packages are missing and skips.
set -u
. "$(dirname "$0")/../suite_lib.sh"
OUT="$BUILD/eh_guests"
SRC="$ROOT/tests/eh_guests"
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
export WEFT_GUEST_BUILD="$BUILD/guest"

missing_packages() {
    m=""
    command -v clang-19 >/dev/null 2>&1 || m="$m clang-19"
    command -v wasm-ld-19 >/dev/null 2>&1 || m="$m lld-19"
    [ -f /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a ] || m="$m libclang-rt-19-dev-wasm32"
    [ -f /usr/lib/llvm-19/lib/wasm32-wasi/libc++.a ] || m="$m libc++-19-dev-wasm32"
    [ -f /usr/lib/llvm-19/lib/wasm32-wasi/libc++abi.a ] || m="$m libc++abi-19-dev-wasm32"
    [ -f /usr/lib/wasm32-wasi/libc.a ] || m="$m wasi-libc"
    command -v g++ >/dev/null 2>&1 || m="$m g++"
    echo "$m"
}
if [ -n "$(missing_packages)" ]; then
    sh "$ROOT/tests/setup.sh" >&2
    if [ -n "$(missing_packages)" ]; then
        echo "eh_guests: skipped: missing packages:$(missing_packages) (tests/setup.sh installs them as root)"
        exit 0
    fi
fi

# build NAME COMMAND...: runs a compiler, failing the check with its output
build() {
    name=$1
    shift
    if "$@" >"$OUT/$name.build" 2>&1; then return 0; fi
    bad "$name: build failed: $(head -5 "$OUT/$name.build")"
    return 1
}

# compare NAME WASM ARGS...: the native program NAME's output against the module's in each
# of $tiers (ARGS are plain words, split on purpose)
# shellcheck disable=SC2086
compare() {
    name=$1 wasm=$2
    shift 2
    args="$*"
    "$OUT/$name" $args >"$OUT/$name.expect" 2>&1
    st=$?
    if [ $st -ne 0 ] || [ ! -s "$OUT/$name.expect" ]; then
        bad "$name: the native build failed ($st): $(head -3 "$OUT/$name.expect")"
        return
    fi
    for tier in $tiers; do
        case $tier in
        interp) set -- "$WEFT" run "$wasm" ;;
        compiled)
            # ThreadSanitizer cannot see the compiled code's atomics (the generated shared
            # object is not instrumented) but does see its memset and memcpy (memory.fill,
            # memory.copy): a threaded guest there reports races that are not
            if [ "${SANITIZE:-}" = tsan ] && [ "${name%threads*}" != "$name" ]; then
                echo "skip $name (compiled): under TSan (uninstrumented generated code)"
                continue
            fi
            set -- "$WEFT" run --compile --opt-level 1 --cache-dir "$OUT/cache" "$wasm" ;;
        node) [ -n "$node" ] || continue
              set -- node "$ROOT/guest/tools/node_threads.mjs" "$wasm" ;;
        esac
        timeout 300 "$@" $args >"$OUT/$name.$tier" 2>"$OUT/$name.$tier.err"
        st=$?
        if [ $st -ne 0 ]; then
            bad "$name ($tier): exit status $st: $(head -3 "$OUT/$name.$tier.err")"
        elif cmp -s "$OUT/$name.expect" "$OUT/$name.$tier"; then
            ok "$name ($tier): $(tail -n 1 "$OUT/$name.expect")"
        else
            bad "$name ($tier): output differs from native: $(diff "$OUT/$name.expect" "$OUT/$name.$tier" | head -5)"
        fi
    done
}

node=""
if command -v node >/dev/null 2>&1; then
    v=$(node --version 2>/dev/null | sed 's/^v\([0-9]*\).*/\1/')
    case "$v" in ''|*[!0-9]*) ;; *) [ "$v" -ge 20 ] && node=node ;; esac
fi
if [ -n "${SANITIZE:-}" ]; then
    node="" # node checks the modules, not weft: once, in the plain run, is enough
elif [ -z "$node" ]; then
    echo "eh_guests: node 20 or later not found: node comparisons skipped"
fi

tiers="interp compiled node"
CC_NATIVE=${CC_NATIVE:-gcc}
CXX_NATIVE=${CXX_NATIVE:-g++}

# setjmp/longjmp, one thread and four
if build sjlj "$CC_NATIVE" -O2 -Wall -Wextra -o "$OUT/sjlj" "$SRC/sjlj.c" &&
   build sjlj.wasm "$ROOT/guest/weft-cc" --sjlj -O2 -Wall -Wextra "$SRC/sjlj.c" -o "$OUT/sjlj.wasm"; then
    compare sjlj "$OUT/sjlj.wasm" 20000
fi
if build sjlj_threads "$CC_NATIVE" -O2 -Wall -Wextra -pthread -DWITH_THREADS -o "$OUT/sjlj_threads" "$SRC/sjlj.c" &&
   build sjlj_threads.wasm "$ROOT/guest/weft-cc" --sjlj -O2 -Wall -Wextra -DWITH_THREADS "$SRC/sjlj.c" \
       -o "$OUT/sjlj_threads.wasm"; then
    compare sjlj_threads "$OUT/sjlj_threads.wasm" 4 5000
fi
# clang 14 (Debian's default) lowers setjmp to the older interface, which sjlj.c has too
if command -v clang-14 >/dev/null 2>&1 &&
   build sjlj_threads_14.wasm env WEFT_EH_CLANG=clang-14 "$ROOT/guest/weft-cc" --sjlj -O2 -DWITH_THREADS \
       "$SRC/sjlj.c" -o "$OUT/sjlj_threads_14.wasm"; then
    if wasm-objdump -x "$OUT/sjlj_threads_14.wasm" 2>/dev/null | grep -q saveSetjmp; then
        cp "$OUT/sjlj_threads" "$OUT/sjlj_threads_14"
        tiers=interp # the interface is the runtime's, not a tier's
        compare sjlj_threads_14 "$OUT/sjlj_threads_14.wasm" 4 5000
        tiers="interp compiled node"
    else
        bad "clang 14's module does not use saveSetjmp: not the interface this checks"
    fi
fi

# C++ exceptions
if build exceptions "$CXX_NATIVE" -O2 -Wall -Wextra -o "$OUT/exceptions" "$SRC/exceptions.cpp" &&
   build exceptions.wasm "$ROOT/guest/weft-c++" -O2 -Wall -Wextra "$SRC/exceptions.cpp" -o "$OUT/exceptions.wasm"; then
    compare exceptions "$OUT/exceptions.wasm" 20000
fi
if build exceptions_threads "$CXX_NATIVE" -O2 -Wall -Wextra -pthread -DWITH_THREADS -o "$OUT/exceptions_threads" \
       "$SRC/exceptions.cpp" &&
   build exceptions_threads.wasm "$ROOT/guest/weft-c++" -O2 -Wall -Wextra -DWITH_THREADS "$SRC/exceptions.cpp" \
       -o "$OUT/exceptions_threads.wasm"; then
    compare exceptions_threads "$OUT/exceptions_threads.wasm" 4 5000
fi

# An exception no clause catches ends the program like a trap, after its earlier output.
cat >"$OUT/uncaught.cpp" <<'EOF'
#include <cstdio>
struct Oops { int depth; };
static void dive(int d) { if (d == 3) throw Oops{d}; dive(d + 1); }
int main() { std::printf("before\n"); std::fflush(stdout); dive(0); std::printf("after\n"); }
EOF
if build uncaught.wasm "$ROOT/guest/weft-c++" -O2 "$OUT/uncaught.cpp" -o "$OUT/uncaught.wasm"; then
    for tier in interp compiled; do
        set -- "$OUT/uncaught.wasm"
        [ $tier = compiled ] && set -- --compile --opt-level 1 --cache-dir "$OUT/cache" "$@"
        out=$("$WEFT" run "$@" 2>"$OUT/uncaught.$tier.err")
        st=$?
        check "uncaught C++ exception ($tier): status" 134 $st
        check "uncaught C++ exception ($tier): output before it" before "$out"
        grep -q "uncaught exception" "$OUT/uncaught.$tier.err" && ok "uncaught C++ exception ($tier): reported" ||
            bad "uncaught C++ exception ($tier): $(head -2 "$OUT/uncaught.$tier.err")"
    done
fi

# setjmp.h without --sjlj: a compile error that says what to do
printf '#include <setjmp.h>\nint main(void) { return 0; }\n' >"$OUT/nosjlj.c"
if "$ROOT/guest/weft-cc" -c "$OUT/nosjlj.c" -o "$OUT/nosjlj.o" >"$OUT/nosjlj.err" 2>&1; then
    bad "setjmp.h without --sjlj compiled"
else
    grep -q "weft-cc --sjlj" "$OUT/nosjlj.err" && ok "setjmp.h without --sjlj: error names --sjlj" ||
        bad "setjmp.h without --sjlj: $(head -2 "$OUT/nosjlj.err")"
fi

echo "eh_guests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
