;; run with --max-threads 8: spawning 20 threads that stay blocked gives 8 positive, unique,
;; increasing ids and then negative results; the program carries on and ends cleanly.
;; addr 0: release word, 4: parked count, 8..: ids
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1)))
    (block $go
      (loop $w
        (br_if $go (i32.atomic.load (i32.const 0)))
        (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
        (br $w))))
  (func (export "_start") (local $i i32) (local $tid i32) (local $ok i32) (local $last i32) (local $v i32)
    (loop $s
      (local.set $tid (call $spawn (i32.const 0)))
      (if (i32.gt_s (local.get $tid) (i32.const 0))
        (then
          (if (i32.le_s (local.get $tid) (local.get $last)) (then (call $exit (i32.const 1))))
          (local.set $last (local.get $tid))
          (local.set $ok (i32.add (local.get $ok) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $s (i32.lt_u (local.get $i) (i32.const 20))))
    (if (i32.ne (local.get $ok) (i32.const 8)) (then (call $exit (i32.add (i32.const 100) (local.get $ok)))))
    ;; wait until all 8 are parked, then release them
    (block $parked
      (loop $w
        (local.set $v (i32.atomic.load (i32.const 4)))
        (br_if $parked (i32.eq (local.get $v) (i32.const 8)))
        (drop (memory.atomic.wait32 (i32.const 4) (local.get $v) (i64.const -1)))
        (br $w)))
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const -1)))
    (call $exit (i32.const 0))))
