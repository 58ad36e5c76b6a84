;; main and one thread pass a turn back and forth 100,000 times with wait32/notify.
;; A lost wake-up would hang (the test runs under a timeout). addr 0: turn, 4: moves.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func $play (param $me i32) (local $i i32) (local $t i32)
    (loop $round
      ;; wait for my turn
      (block $mine
        (loop $w
          (local.set $t (i32.atomic.load (i32.const 0)))
          (br_if $mine (i32.eq (local.get $t) (local.get $me)))
          (drop (memory.atomic.wait32 (i32.const 0) (local.get $t) (i64.const -1)))
          (br $w)))
      (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
      (i32.atomic.store (i32.const 0) (i32.sub (i32.const 1) (local.get $me)))
      (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $i) (i32.const 50000)))))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $play (i32.const 1)))
  (func (export "_start") (local $t i32)
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 10))))
    (call $play (i32.const 0))
    ;; wait for the partner's last move (turn back to 0 after 100,000 moves)
    (block $end
      (loop $w
        (br_if $end (i32.eq (i32.atomic.load (i32.const 4)) (i32.const 100000)))
        (local.set $t (i32.atomic.load (i32.const 0)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $t) (i64.const 1000000)))
        (br $w)))
    (call $exit (i32.ne (i32.atomic.load (i32.const 0)) (i32.const 0)))))
