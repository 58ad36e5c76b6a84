;; cancel_blocked.wat - threads blocked in WASI calls are ended promptly when the program
;; ends. The main thread spawns 4 threads: even ones sleep 60 s in poll_oneoff, odd ones
;; read stdin (a pipe that stays open, so the read never returns by itself). Once every
;; thread has announced itself (and 10 ms more, to let them reach the call), the main
;; thread ends the program, by the number of arguments it was given (argc counts the
;; program name):
;;   argc 1: proc_exit(7)      argc 2: _start returns (status 0)     argc 3: a trap
;; The harness checks the status and that the run takes far less than the 60 s sleep.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))

  ;; a relative clock subscription of `ns` on the monotonic clock at `at`
  (func $sleep (param $at i32) (param $ns i64)
    (i64.store (local.get $at) (i64.const 0))
    (i32.store8 offset=8 (local.get $at) (i32.const 0))
    (i32.store offset=16 (local.get $at) (i32.const 1))
    (i64.store offset=24 (local.get $at) (local.get $ns))
    (i64.store offset=32 (local.get $at) (i64.const 0))
    (i32.store16 offset=40 (local.get $at) (i32.const 0))
    (drop (call $poll (local.get $at) (i32.add (local.get $at) (i32.const 64)) (i32.const 1)
                      (i32.add (local.get $at) (i32.const 96)))))

  ;; thread `arg`: announce, then block until the program ends; getting past the blocking
  ;; call is a failure (the harness sees the 60 s or a hang)
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $at i32)
    (local.set $at (i32.add (i32.const 1024) (i32.mul (local.get $arg) (i32.const 256))))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (if (i32.and (local.get $arg) (i32.const 1))
      (then
        ;; iovec {at+128, 16} at at+112, nread at at+120
        (i32.store offset=112 (local.get $at) (i32.add (local.get $at) (i32.const 128)))
        (i32.store offset=116 (local.get $at) (i32.const 16))
        (drop (call $read (i32.const 0) (i32.add (local.get $at) (i32.const 112)) (i32.const 1)
                          (i32.add (local.get $at) (i32.const 120)))))
      (else (call $sleep (local.get $at) (i64.const 60000000000))))
    (unreachable))

  (func (export "_start")
    (local $i i32) (local $argc i32)
    (drop (call $args_sizes (i32.const 8) (i32.const 12)))
    (local.set $argc (i32.load (i32.const 8)))
    (loop $spawn_all
      (if (i32.lt_s (call $spawn (local.get $i)) (i32.const 1)) (then (unreachable)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spawn_all (i32.lt_u (local.get $i) (i32.const 4))))
    ;; wait until the 4 have announced themselves, then 10 ms more
    (loop $wait
      (if (i32.lt_u (i32.atomic.load (i32.const 0)) (i32.const 4))
        (then (call $sleep (i32.const 512) (i64.const 1000000)) (br $wait))))
    (call $sleep (i32.const 512) (i64.const 10000000))
    (if (i32.eq (local.get $argc) (i32.const 1)) (then (call $exit (i32.const 7))))
    (if (i32.eq (local.get $argc) (i32.const 3)) (then (unreachable)))))
