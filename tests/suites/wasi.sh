#!/bin/sh
# wasi.sh - the WASI suite: C guests from tests/wasi/ compiled with clang for wasm32-wasi
# (Debian's wasi-libc), run with `weft run`, checked for their stdout, stderr and exit status.
# When node is present the portable guests also run under node's node:wasi
# (tests/wasi/run_node.mjs) and weft must match its stdout and status byte for byte.
#
# Environment: BUILD (default build), WEFT (default $BUILD/weft), SANITIZE (set when weft is
# built with sanitizers: their reports on stderr count as failures), WASI_CC (default clang).
# Prints "N passed, M failed" last; exits 1 when anything failed.

BUILD=${BUILD:-build}
WEFT=${WEFT:-$BUILD/weft}
WASI_CC=${WASI_CC:-clang}
SRC=$(cd "$(dirname "$0")/../wasi" && pwd)
OUT=$BUILD/wasi
mkdir -p "$OUT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-wasi.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}

# ---- build the guests ----------------------------------------------------------------------
for c in "$SRC"/*.c; do
    name=$(basename "$c" .c)
    wasm=$OUT/$name.wasm
    if [ ! -f "$wasm" ] || [ "$c" -nt "$wasm" ]; then
        if ! $WASI_CC --target=wasm32-wasi --sysroot=/usr -O2 -o "$wasm" "$c" 2>"$T/cc.err"; then
            bad "compile $name: $(head -n 3 "$T/cc.err")"
            rm -f "$wasm"
        fi
    fi
done

# ---- runners ------------------------------------------------------------------------------
# Each runs a guest with stdin from the file $1 (redirected, or through a pipe when PIPE is
# set), leaving stdout in $T/out, stderr in $T/err and the status in $status. (node reads
# a large piped stdin in non-blocking mode and fails with EAGAIN, so the comparisons feed
# files unless a case needs a pipe.)
PIPE=
run_weft() {
    input=$1
    shift
    if [ -n "$PIPE" ]; then
        cat "$input" | "$WEFT" run "$@" >"$T/out" 2>"$T/err"
    else
        "$WEFT" run "$@" <"$input" >"$T/out" 2>"$T/err"
    fi
    status=$?
}

HAVE_NODE=
if command -v node >/dev/null 2>&1 &&
    node --no-warnings -e "import('node:wasi').then(() => process.exit(0), () => process.exit(1))" 2>/dev/null; then
    HAVE_NODE=1
fi

run_node() {
    input=$1
    shift
    if [ -n "$PIPE" ]; then
        cat "$input" | node --no-warnings "$SRC/run_node.mjs" "$@" >"$T/nout" 2>"$T/nerr"
    else
        node --no-warnings "$SRC/run_node.mjs" "$@" <"$input" >"$T/nout" 2>"$T/nerr"
    fi
    nstatus=$?
}

# check NAME WANT_STATUS WANT_STDOUT_FILE [STDERR_PATTERN]: judge the last run_weft.
check() {
    name=$1
    want_status=$2
    want_out=$3
    err_pat=$4
    if [ -n "$SANITIZE" ] && grep -q -e "Sanitizer" -e "runtime error" "$T/err"; then
        bad "$name: sanitizer report: $(grep -m 2 -e Sanitizer -e 'runtime error' "$T/err")"
    elif [ "$status" != "$want_status" ]; then
        bad "$name: exit status $status, expected $want_status; stderr: $(head -c 300 "$T/err")"
    elif [ -n "$want_out" ] && ! cmp -s "$T/out" "$want_out"; then
        bad "$name: stdout differs from $want_out: $(head -c 200 "$T/out")"
    elif [ -n "$err_pat" ] && ! grep -q -e "$err_pat" "$T/err"; then
        bad "$name: stderr lacks '$err_pat': $(head -c 300 "$T/err")"
    else
        ok
    fi
}

# compare_node NAME INPUT ARGS...: the same guest under node must give weft's stdout and
# status (weft's run is the one just checked: $T/out and $status).
compare_node() {
    name=$1
    shift
    [ -n "$HAVE_NODE" ] || return 0
    cp "$T/out" "$T/wout"
    wstatus=$status
    run_node "$@"
    if [ "$nstatus" != "$wstatus" ]; then
        bad "node $name: status weft $wstatus, node $nstatus; node stderr: $(head -c 200 "$T/nerr")"
    elif ! cmp -s "$T/wout" "$T/nout"; then
        bad "node $name: stdout differs: weft '$(head -c 100 "$T/wout")' node '$(head -c 100 "$T/nout")'"
    else
        ok
    fi
}

# guest NAME: its wasm path, or empty (and a failure) when it did not compile.
guest() {
    if [ -f "$OUT/$1.wasm" ]; then
        echo "$OUT/$1.wasm"
    fi
}

if [ ! -x "$WEFT" ]; then
    bad "no weft binary at $WEFT"
    echo "$pass passed, $fail failed"
    exit 1
fi

: >"$T/empty"
printf 'hello\n' >"$T/hello.out"

# ---- the cases ----------------------------------------------------------------------------
# hello: fd_write to stdout, status 0.
if w=$(guest hello) && [ -n "$w" ]; then
    run_weft "$T/empty" "$w"
    check hello 0 "$T/hello.out"
    compare_node hello "$T/empty" "$w"
fi

# args and environment: argv[1..], one variable given with --env.
if w=$(guest args_env) && [ -n "$w" ]; then
    printf 'argc=3\nargv[1]=a\nargv[2]=b c\nWEFT_TEST=forty two\n' >"$T/args.out"
    run_weft "$T/empty" --env "WEFT_TEST=forty two" "$w" a "b c"
    check args_env 0 "$T/args.out"
    compare_node args_env "$T/empty" --env "WEFT_TEST=forty two" "$w" a "b c"
    printf 'argc=1\nWEFT_TEST=(unset)\n' >"$T/noargs.out"
    run_weft "$T/empty" "$w"
    check args_env_none 0 "$T/noargs.out"
    compare_node args_env_none "$T/empty" "$w"
fi

# proc_exit: the guest's status becomes weft's, after its buffered output is flushed.
if w=$(guest exit_status) && [ -n "$w" ]; then
    for code in 7 0 1 42 255; do
        printf 'exiting with %s\n' "$code" >"$T/exit.out"
        if [ "$code" = 7 ]; then
            run_weft "$T/empty" "$w"
        else
            run_weft "$T/empty" "$w" "$code"
        fi
        check "exit_$code" "$code" "$T/exit.out"
        if [ "$code" = 7 ]; then
            compare_node "exit_$code" "$T/empty" "$w"
        else
            compare_node "exit_$code" "$T/empty" "$w" "$code"
        fi
    done
fi

# stdin: small input, empty input, and input larger than the guest's buffer.
if w=$(guest echo_stdin) && [ -n "$w" ]; then
    printf 'one line\nand another\n' >"$T/in1"
    i=0
    while [ $i -lt 3000 ]; do
        echo "line $i of a longer input that crosses several 4 KiB reads"
        i=$((i + 1))
    done >"$T/in2"
    for input in "$T/in1" "$T/empty" "$T/in2"; do
        n=$(wc -c <"$input" | tr -d ' ')
        run_weft "$input" "$w"
        check "echo_stdin ($n bytes)" 0 "$input" "^$n bytes"
        compare_node "echo_stdin ($n bytes)" "$input" "$w"
        PIPE=1
        run_weft "$input" "$w"
        check "echo_stdin ($n bytes, piped)" 0 "$input" "^$n bytes"
        PIPE=
    done
fi

# a trap: status 134, "trap:" on stderr, and the output written before it kept.
if w=$(guest trap) && [ -n "$w" ]; then
    printf 'before trap\n' >"$T/trap.out"
    run_weft "$T/empty" "$w"
    check trap 134 "$T/trap.out" "trap:"
    compare_node trap "$T/empty" "$w"
fi

# stdout's reader goes away: the guest sees EPIPE and exits 3; weft is not killed by SIGPIPE.
if w=$(guest closed_pipe) && [ -n "$w" ]; then
    ("$WEFT" run "$w" 2>"$T/err" </dev/null; echo $? >"$T/status") | head -n 1 >"$T/out"
    status=$(cat "$T/status")
    printf 'line 0\n' >"$T/pipe.out"
    check closed_pipe 3 "$T/pipe.out" "write failed: EPIPE"
fi

# clocks, randomness, sleep, fdstat, preopens, close: every line "ok". stdin is a pipe, which
# no runtime lets seek.
if w=$(guest misc) && [ -n "$w" ]; then
    PIPE=1
    run_weft "$T/empty" "$w"
    if grep -q FAIL "$T/out" || ! grep -q "^close it twice: ok" "$T/out"; then
        bad "misc: $(grep -v ': ok' "$T/out" | tr '\n' ';')"
    else
        check misc 0 ""
    fi
    compare_node misc "$T/empty" "$w"
    PIPE=
fi

# weft's errno for bad pointers and descriptors (not compared: runtimes differ).
if w=$(guest errors) && [ -n "$w" ]; then
    run_weft "$T/empty" "$w"
    if grep -q FAIL "$T/out" || ! grep -q "^errors: ok" "$T/out"; then
        bad "errors: $(grep -v ': ok' "$T/out" | tr '\n' ';')"
    else
        check errors 0 ""
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
