#!/bin/sh
# capi.sh - the standard C API (include/wasm.h): the programs of tests/capi/, each written
# against wasm.h (and weft_wasm.h for what wasm.h cannot say), each checking its own
# results and printing `N passed, M failed`. Every program is built warning-free
# (-Wall -Wextra -pedantic -Werror) as C11 with gcc and clang and as C++ with g++, linked
# with $BUILD/libweft.a and run (the gcc build on both tiers). Under SANITIZE=asan or tsan only the gcc build runs, with
# the run's sanitizer (make check-sanitize). Also: wasm.h and weft_wasm.h alone build
# warning-free as C99, GNU C99 and C++11 too; every wasm_* and weft_wasm_* function
# the library defines is called by some program here.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SANITIZE=${SANITIZE:-}
OUT="$BUILD/capi"
LIB="$BUILD/libweft.a"
pass=0
fail=0

case "$SANITIZE" in
asan|1) SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
tsan)   SAN="-fsanitize=thread"
        TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}"; export TSAN_OPTIONS ;;
*)      SAN="" ;;
esac

ok()   { echo "ok   $1"; pass=$((pass + 1)); }
bad()  { echo "FAIL $1"; fail=$((fail + 1)); }
finish() { echo "capi: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

mkdir -p "$OUT"
if [ ! -f "$LIB" ] || ! command -v wat2wasm >/dev/null 2>&1; then
    bad "needs $LIB (make) and wat2wasm (make setup)"
    finish
fi

# The guests.
for wat in "$ROOT"/tests/capi/*.wat; do
    name=$(basename "$wat" .wat)
    wat2wasm --enable-threads "$wat" -o "$OUT/$name.wasm" 2>"$OUT/$name.wat.log" ||
        bad "wat2wasm $name: $(head -n 1 "$OUT/$name.wat.log")"
done

# compile LABEL OUTPUT COMPILER ARGS...: build one program, quietly unless it fails.
compile() {
    label=$1 out=$2
    shift 2
    if "$@" -o "$out" >"$out.log" 2>&1; then
        return 0
    fi
    bad "$label does not build warning-free"
    head -n 15 "$out.log" | sed 's/^/    /'
    return 1
}

# run LABEL BINARY [VAR=VALUE...]: run a program in the guests' directory, with those
# variables in its environment; it must exit 0 and end with `N passed, 0 failed`.
run() {
    label=$1 prog=$2
    shift 2
    res=$(cd "$OUT" && env CAPI_WASM_DIR="$OUT" "$@" timeout 300 "$prog" 2>&1)
    status=$?
    last=$(printf '%s\n' "$res" | tail -n 1)
    if [ "$status" -eq 0 ] && printf '%s\n' "$last" | grep -q '^[0-9][0-9]* passed, 0 failed$'; then
        ok "$label ($last)"
    else
        bad "$label (status $status)"
        printf '%s\n' "$res" | tail -n 15 | sed 's/^/    /'
    fi
}

WARN="-Wall -Wextra -pedantic -Werror"
INC="-I$ROOT/include"
LIBS="$LIB -lpthread -lm -ldl"
for src in "$ROOT"/tests/capi/*.c; do
    name=$(basename "$src" .c)
    if compile "$name (gcc)" "$OUT/$name" gcc -std=c11 $WARN $INC -O1 -g $SAN "$src" $LIBS; then
        run "$name (gcc)" "$OUT/$name"
        # the same program on the compiled tier (an engine of wasm_engine_new takes the
        # tier from WEFT_TIER); TSan cannot see into the uninstrumented generated code
        [ "$SANITIZE" = tsan ] ||
            run "$name (gcc, compiled tier)" "$OUT/$name" \
                WEFT_TIER=compiled WEFT_OPT_LEVEL=0 WEFT_CACHE_DIR="$OUT/cache"
    fi
    [ -n "$SAN" ] && continue
    if command -v clang >/dev/null 2>&1 &&
       compile "$name (clang)" "$OUT/$name-clang" clang -std=c11 $WARN $INC -O1 "$src" $LIBS; then
        run "$name (clang)" "$OUT/$name-clang"
    fi
    if command -v g++ >/dev/null 2>&1 &&
       compile "$name (g++)" "$OUT/$name-cxx" g++ -x c++ $WARN $INC -O1 "$src" -x none $LIBS; then
        run "$name (g++)" "$OUT/$name-cxx"
    fi
done

# The headers alone, in the language modes an embedder may hold them to: C99 and GNU C99
# (where a C11 static assertion draws a -pedantic warning), C11, C++11 and later.
if [ -z "$SAN" ]; then
    printf '#include <wasm.h>\n#include <weft_wasm.h>\nint main(void) { return 0; }\n' \
        >"$OUT/headers.c"
    hdr_fail=""
    for mode in "gcc -std=c99" "gcc -std=gnu99" "gcc -std=c11" "clang -std=c99" \
                "clang -std=gnu99" "g++ -x c++ -std=c++11" "clang++ -x c++ -std=c++11" \
                "g++ -x c++ -std=c++17"; do
        command -v "${mode%% *}" >/dev/null 2>&1 || continue
        $mode $WARN $INC -fsyntax-only "$OUT/headers.c" >"$OUT/headers.log" 2>&1 ||
            hdr_fail="$hdr_fail [$mode: $(grep -m 1 -E 'error|warning' "$OUT/headers.log")]"
    done
    if [ -z "$hdr_fail" ]; then
        ok "wasm.h and weft_wasm.h alone build warning-free as C99, GNU C99, C11 and C++11/17"
    else
        bad "the headers alone do not build warning-free:$hdr_fail"
    fi
fi

# Every function of the API the library defines is called by some program.
missing=""
for fn in $(nm --defined-only "$LIB" 2>/dev/null | awk '$2 == "T" {print $3}' |
            grep -E '^(wasm_|weft_wasm_)' | sort -u); do
    grep -q -w "$fn" "$ROOT"/tests/capi/*.c "$ROOT"/tests/capi/check.h || missing="$missing $fn"
done
if [ -z "$missing" ]; then
    ok "every wasm_* and weft_wasm_* function is exercised"
else
    bad "functions no program calls:$missing"
fi

finish
