#!/bin/sh
# fuzz.sh - the command line against broken modules: truncations and bit flips of the WASI
# hello program and of a sample of the spec suite's modules ($BUILD/spec/*/*.wasm, or a
# few scripts converted here) go to `weft validate` and `weft run`. Whatever the input,
# weft must answer with a status, never die of a signal or hang.
#
# Judging a status (from `timeout`): 124 is a timeout, above 128 a signal, except 134, the
# status weft gives a trapping guest. Under SANITIZE a sanitizer report on stderr fails too
# (ASan and UBSan exit with status 1, not a signal).
#
# Timeouts: `validate` must always finish, so a timeout fails. `run` executes the mutant, and
# a flipped bit can turn a program into a correct infinite loop (a br_if into a br, a loop
# bound into garbage); no mutation scheme short of not flipping code bits rules that out. So
# for `run` a timeout is allowed and only counted; signals and sanitizer reports still fail.
# Mutations are deterministic (a fixed LCG seed), so a failure reproduces.
#
# Environment: BUILD (default build), WEFT (default $BUILD/weft), SANITIZE, WASI_CC.
# Prints "N passed, M failed" last; exits 1 when anything failed.

BUILD=${BUILD:-build}
WEFT=${WEFT:-$BUILD/weft}
WASI_CC=${WASI_CC:-clang}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

pass=0
fail=0
timeouts=0
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}

if [ ! -x "$WEFT" ]; then
    bad "no weft binary at $WEFT"
    echo "$pass passed, $fail failed"
    exit 1
fi

# A deterministic LCG: rand sets $r to a number in [0, 2^31).
rng=20240601
rand() {
    rng=$(((rng * 1103515245 + 12345) % 2147483648))
    r=$((rng / 16))
}

# flip FILE OFFSET BIT: invert one bit in place.
flip() {
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n')
    [ -n "$b" ] || return 0
    printf "\\$(printf %03o $((b ^ (1 << $3))))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# judge MODE FILE STATUS: one verdict for one command on one mutant.
judge() {
    mode=$1
    file=$2
    st=$3
    if [ -n "$SANITIZE" ] && grep -q -e "Sanitizer" -e "runtime error" "$T/err"; then
        bad "$mode $file: sanitizer report: $(grep -m 2 -e Sanitizer -e 'runtime error' "$T/err")"
    elif [ "$st" -eq 124 ] && [ "$mode" = run ]; then
        timeouts=$((timeouts + 1))
        pass=$((pass + 1))
    elif [ "$st" -eq 124 ]; then
        bad "$mode $file: timed out"
    elif [ "$st" -gt 128 ] && [ "$st" -ne 134 ]; then
        bad "$mode $file: killed by signal $((st - 128)); stderr: $(head -c 300 "$T/err")"
    else
        pass=$((pass + 1))
    fi
}

# try FILE: validate and run one mutant.
try() {
    timeout 10 "$WEFT" validate "$1" >/dev/null 2>"$T/err" </dev/null
    judge validate "$1" $?
    timeout 10 "$WEFT" run "$1" >/dev/null 2>"$T/err" </dev/null
    judge run "$1" $?
}

# mutate SRC NTRUNC NFLIP: NTRUNC truncations and NFLIP files with 1-3 flipped bits.
mutate() {
    src=$1
    name=$(basename "$src" .wasm)
    size=$(wc -c <"$src" | tr -d ' ')
    [ "$size" -gt 0 ] || return 0
    i=0
    while [ $i -lt "$2" ]; do
        rand
        out=$T/$name.trunc$i.wasm
        head -c $((r % size)) "$src" >"$out"
        try "$out"
        rm -f "$out"
        i=$((i + 1))
    done
    i=0
    while [ $i -lt "$3" ]; do
        out=$T/$name.flip$i.wasm
        cp "$src" "$out"
        rand
        n=$((1 + r % 3))
        while [ "$n" -gt 0 ]; do
            rand
            off=$((r % size))
            rand
            flip "$out" "$off" $((r % 8))
            n=$((n - 1))
        done
        try "$out"
        rm -f "$out"
        i=$((i + 1))
    done
}

# ---- the hello program ----------------------------------------------------------------------
hello=$BUILD/wasi/hello.wasm
if [ ! -f "$hello" ]; then
    mkdir -p "$BUILD/wasi"
    $WASI_CC --target=wasm32-wasi --sysroot=/usr -O2 -o "$hello" "$SRC/wasi/hello.c" 2>"$T/err" ||
        bad "cannot compile tests/wasi/hello.c: $(head -n 2 "$T/err")"
fi
if [ -f "$hello" ]; then
    try "$hello"
    mutate "$hello" 60 90
fi

# ---- a sample of the spec suite's modules ---------------------------------------------------
# From the spec suite's cache ($BUILD/spec/NAME/*.wasm, left by spec.sh); when there is none
# yet (this suite runs first on a fresh tree), a few scripts are converted here.
SPECSRC=${SPECSRC:-$SRC/../../shared/spec-testsuite}
find "$BUILD/spec" -name '*.wasm' 2>/dev/null | sort >"$T/all"
if [ ! -s "$T/all" ] && command -v wast2json >/dev/null 2>&1 && [ -d "$SPECSRC" ]; then
    for w in call br_table memory data elem global imports bulk table_copy memory_grow \
        binary names; do
        [ -f "$SPECSRC/$w.wast" ] || continue
        mkdir -p "$T/spec/$w"
        wast2json --enable-threads "$SPECSRC/$w.wast" -o "$T/spec/$w/$w.json" >/dev/null 2>&1
    done
    find "$T/spec" -name '*.wasm' | sort >"$T/all"
fi
# Every k-th file, so that the sample of about 50 spans the scripts whatever their number.
total=$(wc -l <"$T/all" | tr -d ' ')
step=$((total / 50 + 1))
awk -v s="$step" 'NR % s == 0' "$T/all" >"$T/sample"
while read -r f; do
    mutate "$f" 1 2
done <"$T/sample"

[ "$timeouts" -eq 0 ] || echo "note: $timeouts runs of mutants timed out (allowed for run)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
