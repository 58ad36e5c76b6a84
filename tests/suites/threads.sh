#!/bin/sh
# Threads: WAT guests on wasi-threads run by `weft run`: atomics under contention, 100,000
# wait/notify hand-offs, wait timeouts, a trap and a proc_exit in a thread while main is
# blocked, shared-memory growth seen across threads, spawning past --max-threads.
# Every run has a timeout: a lost wake-up or a thread that outlives the program fails here.
set -u
. "$(dirname "$0")/../suite_lib.sh"
OUT="$BUILD/threads"
mkdir -p "$OUT"

# run NAME EXPECTED_STATUS STDERR_PATTERN [weft run options...]
run() {
    name=$1 want=$2 pattern=$3
    shift 3
    wasm="$OUT/$name.wasm"
    if ! wat2wasm --enable-threads "$ROOT/tests/threads/$name.wat" -o "$wasm"; then
        echo "FAIL $name: wat2wasm"
        fail=$((fail + 1))
        return
    fi
    timeout 60 "$WEFT" run "$@" "$wasm" >"$OUT/$name.out" 2>"$OUT/$name.err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $name: exit status $got, expected $want"
        sed 's/^/    /' "$OUT/$name.err" | head -5
        fail=$((fail + 1))
    elif [ -n "$pattern" ] && ! grep -q "$pattern" "$OUT/$name.err"; then
        echo "FAIL $name: stderr lacks '$pattern'"
        sed 's/^/    /' "$OUT/$name.err" | head -5
        fail=$((fail + 1))
    else
        echo "ok   $name (status $got)"
        pass=$((pass + 1))
    fi
}

run atomic_counter 0 ""
run pingpong 0 ""
run wait_timeout 0 ""
run grow_shared 0 ""
run spawn_limit 0 "" --max-threads 8
# ending a program from another thread, repeated to shake out races
i=0
while [ $i -lt 10 ]; do
    run trap_in_thread 134 "unreachable"
    run exit_in_thread 42 ""
    i=$((i + 1))
done

# The seeds' programs built with the guest kit (make guest-examples): each verifies its own
# result and prints "ok"; run with 1, 2 and 4 threads, plus the kit's own stress test.
if make -s -C "$ROOT" BUILD="$BUILD" guest-examples >"$OUT/examples.log" 2>&1; then
    for ex in parallel_sum mutex_counter bounded_buffer parallel_sort matmul; do
        for t in 1 2 4; do
            timeout 120 "$WEFT" run "$BUILD/examples/$ex.wasm" $t >"$OUT/$ex.$t.out" 2>&1
            got=$?
            if [ $got -eq 0 ] && grep -q " ok$" "$OUT/$ex.$t.out"; then
                echo "ok   $ex with $t threads"
                pass=$((pass + 1))
            else
                echo "FAIL $ex with $t threads: status $got"
                sed 's/^/    /' "$OUT/$ex.$t.out" | head -5
                fail=$((fail + 1))
            fi
        done
    done
    for t in 2 8; do
        if timeout 120 "$WEFT" run "$BUILD/guest/kit_test.wasm" $t >"$OUT/kit_test.out" 2>&1; then
            echo "ok   guest kit test with $t threads"
            pass=$((pass + 1))
        else
            echo "FAIL guest kit test with $t threads"
            tail -5 "$OUT/kit_test.out" | sed 's/^/    /'
            fail=$((fail + 1))
        fi
    done
else
    echo "FAIL make guest-examples (see $OUT/examples.log)"
    tail -5 "$OUT/examples.log" | sed 's/^/    /'
    fail=$((fail + 1))
fi

echo "threads: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
