#!/bin/sh
# wasi.sh - the WASI suite: C guests from tests/wasi/ compiled with clang for wasm32-wasi
# (Debian's wasi-libc), run with `weft run`, checked for their stdout, stderr and exit status.
# When node is present the portable guests also run under node's node:wasi
# (tests/wasi/run_node.mjs) and weft must match its stdout and status byte for byte.
# Then the filesystem (fs_io against node, fs_calls, the sandbox's escapes), the command
# line's options and messages, and tests/wasi/host/fd_race.c (descriptors shared by
# threads; a host program on the embedding API, built with CC like the library).
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

# proc_exit: the guest's status becomes weft's, after its buffered output is flushed (up to
# 125: larger ones are refused, as wasmtime refuses them; cli.sh checks that).
if w=$(guest exit_status) && [ -n "$w" ]; then
    for code in 7 0 1 42 125; do
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
    PIPE=1
    run_weft "$T/empty" "$w"
    PIPE=
    if grep -q FAIL "$T/out" || ! grep -q "^errors: ok" "$T/out"; then
        bad "errors: $(grep -v ': ok' "$T/out" | tr '\n' ';')"
    else
        check errors 0 ""
    fi
fi

# stdio_kind: each standard stream reports what it is. Redirected files are regular files
# that seek (stdin is read from offset 6 after a seek), pipes are of unknown type and do
# not seek, and a terminal (through `script`, when installed) is a character device that
# isatty() recognises.
if w=$(guest stdio_kind) && [ -n "$w" ]; then
    printf '0123456789abc\n' >"$T/kind.in"
    printf '0: isatty=0 type=file seeks=1\n1: isatty=0 type=file seeks=1\n2: isatty=0 type=file seeks=1\nstdin at 6: 6789abc\n' >"$T/kind_file.out"
    "$WEFT" run "$w" <"$T/kind.in" >"$T/out" 2>"$T/err"
    status=$?
    cp "$T/err" "$T/out"
    check "stdio_kind (files)" 0 "$T/kind_file.out"
    printf '0: isatty=0 type=unknown seeks=0\n1: isatty=0 type=unknown seeks=0\n2: isatty=0 type=unknown seeks=0\n' >"$T/kind_pipe.out"
    cat "$T/kind.in" | "$WEFT" run "$w" 2>&1 | cat >"$T/out"
    status=0
    : >"$T/err"
    check "stdio_kind (pipes)" 0 "$T/kind_pipe.out"
    if command -v script >/dev/null 2>&1; then
        script -qc "\"$WEFT\" run \"$w\"" /dev/null </dev/null 2>&1 | tr -d '\r' >"$T/out"
        if grep -q '^0: isatty=1 type=chardev seeks=0' "$T/out" &&
            grep -q '^2: isatty=1 type=chardev seeks=0' "$T/out"; then
            ok
        else
            bad "stdio_kind (terminal): $(head -c 300 "$T/out")"
        fi
    fi
fi

# stdout alone given to a socket through the embedding API (tests/wasi/host/stdio_socket.c)
# is below, with the host programs.

# ---- the filesystem --------------------------------------------------------------------------
# fs_io: file work in the preopen /sandbox, stdin, args, environment and a chosen status;
# node:wasi must agree byte for byte. Each runtime gets its own copy of the directory.
if w=$(guest fs_io) && [ -n "$w" ]; then
    for d in fsw fsn; do
        mkdir -p "$T/$d" && printf 'kept\n' >"$T/$d/keep.txt"
    done
    printf 'first line of stdin\nsecond\n' >"$T/fs.in"
    run_weft "$T/fs.in" --dir "$T/fsw::/sandbox" --env FS_IO=on "$w" 5 one "two words"
    if ! grep -q "^0 failures; exiting with 5" "$T/out"; then
        bad "fs_io: $(grep -e FAIL -e failures "$T/out" | tr '\n' ';')"
    else
        check fs_io 5 ""
    fi
    if [ -n "$HAVE_NODE" ]; then
        cp "$T/out" "$T/wout"
        run_node "$T/fs.in" --dir "$T/fsn::/sandbox" --env FS_IO=on "$w" 5 one "two words"
        if [ "$nstatus" != 5 ] || ! cmp -s "$T/wout" "$T/nout"; then
            bad "node fs_io: status $nstatus; diff: $(diff "$T/wout" "$T/nout" | head -n 6 | tr '\n' ';')"
        else
            ok
        fi
    fi
    # the guest cleaned up after itself: only keep.txt is left, untouched
    if [ "$(ls -A "$T/fsw")" != keep.txt ] || [ "$(cat "$T/fsw/keep.txt")" != kept ]; then
        bad "fs_io: the sandbox holds $(ls -A "$T/fsw" | tr '\n' ' ')"
    else
        ok
    fi
fi

# fs_calls: each filesystem call through the raw imports, with weft's errno.
if w=$(guest fs_calls) && [ -n "$w" ]; then
    mkdir -p "$T/calls"
    printf 'xyz\n' >"$T/xyz.in"
    PIPE=1
    run_weft "$T/xyz.in" --dir "$T/calls::/work" "$w"
    PIPE=
    if ! grep -q "^fs_calls: ok" "$T/out"; then
        bad "fs_calls: $(grep FAIL "$T/out" | head -n 8 | tr '\n' ';')"
    else
        check fs_calls 0 ""
    fi
fi

# says_ok NAME: the last run of guest NAME printed "NAME: ok" (tests/wasi/expect.h) and
# exited with 0; else its FAIL lines.
says_ok() {
    if ! grep -q "^$1: ok" "$T/out"; then
        bad "$1: $(grep FAIL "$T/out" | head -n 8 | tr '\n' ';')"
    else
        check "$1" 0 ""
    fi
}

# dir_write: a directory opened with write rights is EISDIR; read-only still opens.
if w=$(guest dir_write) && [ -n "$w" ]; then
    mkdir -p "$T/dw/sub"
    run_weft "$T/empty" --dir "$T/dw::/box" "$w"
    says_ok dir_write
fi

# symlink_slash: path_symlink to "name/" is ENOENT and creates nothing.
if w=$(guest symlink_slash) && [ -n "$w" ]; then
    mkdir -p "$T/sl"
    run_weft "$T/empty" --dir "$T/sl::/box" "$w"
    says_ok symlink_slash
    [ -z "$(ls -A "$T/sl")" ] || bad "symlink_slash: left $(ls -A "$T/sl" | tr '\n' ' ')"
fi

# not_socket: sock_* on a pipe, a file, a directory is ENOTSOCK; on a closed one EBADF.
if w=$(guest not_socket) && [ -n "$w" ]; then
    mkdir -p "$T/ns"
    PIPE=1
    run_weft "$T/empty" --dir "$T/ns::/box" "$w"
    PIPE=
    says_ok not_socket
fi

# unstable.wat: a module on the older wasi_unstable names (whence, filestat, subscription).
if command -v wat2wasm >/dev/null 2>&1; then
    if ! wat2wasm "$SRC/unstable.wat" -o "$OUT/unstable.wasm" 2>"$T/cc.err"; then
        bad "build unstable.wat: $(head -n 3 "$T/cc.err")"
    else
        mkdir -p "$T/un"
        printf '0123456789' >"$T/un/ten.txt"
        printf 'unstable: ok\n' >"$T/unstable.out"
        run_weft "$T/empty" --dir "$T/un" "$OUT/unstable.wasm"
        check "wasi_unstable" 0 "$T/unstable.out"
    fi
fi

# sandbox: every escape fails with ENOTCAPABLE (or ELOOP) and nothing outside the preopen
# is read, written, created or removed. The secret's access time is set in the past: if a
# read through weft had happened, it would have moved (checked only where reading a
# control file moves its access time, i.e. the filesystem keeps access times).
snapshot() { # the state of a tree: names, types, sizes, modification times, contents
    (cd "$1" && find . -printf '%p %y %s %T@ %l\n' | sort && find . -type f -exec cksum {} + | sort)
}
if w=$(guest sandbox) && [ -n "$w" ]; then
    R=$T/root
    mkdir -p "$R/box/sub" "$R/outside/deeper"
    printf 'TOPSECRET\n' >"$R/outside/secret.txt"
    printf 'victim\n' >"$R/outside/victim.txt"
    printf 'control\n' >"$R/outside/deeper/control.txt"
    printf 'inside\n' >"$R/box/keep.txt"
    printf 'inner\n' >"$R/box/sub/inner.txt"
    ln -s .. "$R/box/sub/up"
    ln -s ../.. "$R/box/sub/upup"
    ln -s sub "$R/box/s"
    ln -s "$R/outside" "$R/box/out_abs"
    ln -s ../outside "$R/box/out_rel"
    ln -s ../outside/secret.txt "$R/box/secret_link"
    ln -s chain2 "$R/box/chain1"
    ln -s chain3 "$R/box/chain2"
    ln -s ../outside/secret.txt "$R/box/chain3"
    ln -s good2 "$R/box/good1"
    ln -s sub/inner.txt "$R/box/good2"
    ln -s loop2 "$R/box/loop1"
    ln -s loop1 "$R/box/loop2"
    touch -a -d 2001-01-01 "$R/outside/secret.txt" "$R/outside/deeper/control.txt"
    snapshot "$R/outside" >"$T/before"
    atime_before=$(stat -c %X "$R/outside/secret.txt")
    run_weft "$T/empty" --dir "$R/box::/box" "$w"
    if ! grep -q "^sandbox: ok" "$T/out"; then
        bad "sandbox: $(grep -e FAIL -e LEAK "$T/out" | head -n 8 | tr '\n' ';')"
    else
        check sandbox 0 ""
    fi
    snapshot "$R/outside" >"$T/after"
    if ! cmp -s "$T/before" "$T/after"; then
        bad "sandbox: outside changed: $(diff "$T/before" "$T/after" | head -n 4 | tr '\n' ';')"
    elif grep -q TOPSECRET "$T/out" "$T/err"; then
        bad "sandbox: the secret leaked into the output"
    else
        ok
    fi
    cat "$R/outside/deeper/control.txt" >/dev/null
    if [ "$(stat -c %X "$R/outside/deeper/control.txt")" != "$atime_before" ] &&
        [ "$(stat -c %X "$R/outside/secret.txt")" != "$atime_before" ]; then
        bad "sandbox: the secret was read (its access time moved)"
    else
        ok
    fi
    # the inside is as it was, but for what the guest made and removed itself
    if [ "$(cat "$R/box/keep.txt")" != inside ] || [ -e "$R/box/made" ] || [ -e "$R/box/hard" ] ||
        [ -e "$R/box/stolen" ] || [ -e "$R/box/abs" ]; then
        bad "sandbox: the preopen was changed: $(ls -A "$R/box" | tr '\n' ' ')"
    else
        ok
    fi
fi

# ---- the command line -------------------------------------------------------------------------
# cli_expect NAME STATUS PATTERN: the last run's status and a line of its stderr.
cli_expect() {
    if [ "$status" != "$2" ]; then
        bad "cli $1: status $status, expected $2; stderr: $(head -c 300 "$T/err")"
    elif ! grep -q -e "$3" "$T/err"; then
        bad "cli $1: stderr lacks '$3': $(head -c 300 "$T/err")"
    else
        ok
    fi
}
run_weft "$T/empty" "$T/no-such-file.wasm"
cli_expect "missing file" 1 "no-such-file.wasm: No such file or directory"
printf 'hello\n' >"$T/text.wasm"
run_weft "$T/empty" "$T/text.wasm"
cli_expect "not wasm" 1 "text.wasm: not a WebAssembly module"
if command -v wat2wasm >/dev/null 2>&1; then
    printf '(module (import "env" "missing" (func (param i32 i64) (result f32))) (func (export "_start")))' >"$T/imp.wat"
    wat2wasm "$T/imp.wat" -o "$T/imp.wasm"
    run_weft "$T/empty" "$T/imp.wasm"
    cli_expect "missing import" 1 'unknown import: "env" "missing" (func (i32 i64)->f32)'
    printf '(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32))) (func (export "_start")))' >"$T/imp2.wat"
    wat2wasm "$T/imp2.wat" -o "$T/imp2.wasm"
    run_weft "$T/empty" "$T/imp2.wasm"
    cli_expect "wrongly typed import" 1 'incompatible import type for "wasi_snapshot_preview1" "fd_write"'
fi
if w=$(guest hello) && [ -n "$w" ]; then
    run_weft "$T/empty" --dir "$T/no-such-dir" "$w"
    cli_expect "--dir missing" 1 "cannot open directory .*no-such-dir"
    run_weft "$T/empty" --dir "::guest" "$w"
    cli_expect "--dir empty host" 2 "must be HOST or HOST::GUEST"
    run_weft "$T/empty" --dir "$T/fsw" --dir "$T/calls::/b" "$w"
    check "--dir twice" 0 "$T/hello.out"
fi
if w=$(guest args_env) && [ -n "$w" ]; then
    printf 'argc=1\nWEFT_TEST=from the host\n' >"$T/inherit.out"
    WEFT_TEST="from the host" run_weft "$T/empty" --inherit-env "$w"
    check "--inherit-env" 0 "$T/inherit.out"
    printf 'argc=1\nWEFT_TEST=given\n' >"$T/override.out"
    WEFT_TEST="from the host" run_weft "$T/empty" --inherit-env --env WEFT_TEST=given "$w"
    check "--env overrides --inherit-env" 0 "$T/override.out"
    printf 'argc=1\nWEFT_TEST=(unset)\n' >"$T/noinherit.out"
    WEFT_TEST="from the host" run_weft "$T/empty" "$w"
    check "no environment without --inherit-env" 0 "$T/noinherit.out"
fi
"$WEFT" --version >"$T/out" 2>&1
if grep -q "^weft [0-9]" "$T/out"; then ok; else bad "--version: $(head -c 100 "$T/out")"; fi
"$WEFT" help >"$T/help" 2>&1
"$WEFT" run --help >"$T/runhelp" 2>&1
for opt in --dir --env --inherit-env --invoke --max-threads --max-memory; do
    if grep -q -e "^  $opt" "$T/help" && grep -q -e "^  $opt" "$T/runhelp"; then
        ok
    else
        bad "help: $opt is not listed by weft help and weft run --help"
    fi
done

# ---- threads blocked in WASI calls ----------------------------------------------------------
# cancel_blocked.wat: 4 threads blocked in poll_oneoff (60 s) and in fd_read on a stdin pipe
# that stays open; the main thread ends the program by proc_exit, by returning and by a
# trap. Each way, CANCEL_ROUNDS times (a stress test under ThreadSanitizer), the program
# must end with its status well before the sleep would: within 5 s (sanitizers included).
CANCEL_ROUNDS=${CANCEL_ROUNDS:-10}
if command -v wat2wasm >/dev/null 2>&1; then
    if ! wat2wasm --enable-threads "$SRC/cancel_blocked.wat" -o "$OUT/cancel_blocked.wasm" 2>"$T/cc.err"; then
        bad "build cancel_blocked.wat: $(head -n 3 "$T/cc.err")"
    else
        mkfifo "$T/fifo"
        exec 3<>"$T/fifo" # a writer that never writes: reads of stdin block until the end
        for way in "exit 7" "return 0" "trap 134"; do
            set -- $way
            case $1 in exit) extra= ;; return) extra=r ;; trap) extra="r t" ;; esac
            slow=0 wrong=
            i=0
            while [ $i -lt "$CANCEL_ROUNDS" ]; do
                start=$(date +%s%N)
                timeout 60 "$WEFT" run "$OUT/cancel_blocked.wasm" $extra <"$T/fifo" >"$T/out" 2>"$T/err"
                status=$?
                ms=$((($(date +%s%N) - start) / 1000000))
                [ "$ms" -gt 5000 ] && slow=$ms
                [ "$status" != "$2" ] && wrong="status $status: $(head -c 200 "$T/err")"
                if [ -n "$SANITIZE" ] && grep -q -e Sanitizer -e "runtime error" "$T/err"; then
                    wrong="sanitizer: $(grep -m 1 -e Sanitizer -e 'runtime error' "$T/err")"
                fi
                i=$((i + 1))
            done
            if [ -n "$wrong" ]; then
                bad "cancel_blocked ($1): $wrong"
            elif [ "$slow" -gt 0 ]; then
                bad "cancel_blocked ($1): a run took $slow ms"
            else
                ok
            fi
        done
        exec 3>&-
    fi
fi

# ---- descriptors shared by threads ------------------------------------------------------------
# fd_race (a host program on the embedding API): a close racing reads never lets a read
# reach a reused host descriptor. Built like the library (sanitizers included).
if command -v wat2wasm >/dev/null 2>&1 && [ -f "$BUILD/libweft.a" ]; then
    case "$SANITIZE" in
    asan) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
    tsan) san="-fsanitize=thread" ;;
    *) san= ;;
    esac
    HOST=$SRC/host
    mkdir -p "$T/race"
    printf 'AAAA\n' >"$T/race/a.txt"
    printf 'CCCC\n' >"$T/race/c.txt"
    if ! wat2wasm "$HOST/fd_race.wat" -o "$OUT/fd_race.wasm" 2>"$T/cc.err" ||
        ! ${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -g $san -I"$SRC/../../include" -o "$OUT/fd_race" \
            "$HOST/fd_race.c" "$BUILD/libweft.a" -lpthread -lm 2>"$T/cc.err"; then
        bad "build fd_race: $(head -n 3 "$T/cc.err")"
    else
        "$OUT/fd_race" "$OUT/fd_race.wasm" "$T/race" >"$T/out" 2>"$T/err"
        status=$?
        check fd_race 0 ""
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
