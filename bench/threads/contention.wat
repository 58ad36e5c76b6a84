;; Atomics under contention: T threads (argv[1], 1..8) each add 1 to one shared counter
;; 20,000,000/T times with i32.atomic.rmw.add, so the total work is the same for every T.
;; Exits 0 when the counter is exactly 20,000,000.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (global $total i32 (i32.const 20000000))
  ;; addr 0: counter, 64: threads done, 128: per-thread share, 256..: argv buffers
  (func $work (local $i i32) (local $n i32)
    (local.set $n (i32.load (i32.const 128)))
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $work)
    (drop (i32.atomic.rmw.add (i32.const 64) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 64) (i32.const 1))))
  (func (export "_start") (local $t i32) (local $i i32) (local $d i32)
    ;; argv pointers at 256, strings at 512; T = first digit of argv[1], default 1
    (drop (call $args_get (i32.const 256) (i32.const 512)))
    (local.set $t (i32.sub (i32.load8_u (i32.load (i32.const 260))) (i32.const 48)))
    (if (i32.or (i32.lt_s (local.get $t) (i32.const 1)) (i32.gt_s (local.get $t) (i32.const 8)))
      (then (local.set $t (i32.const 1))))
    (i32.store (i32.const 128) (i32.div_u (global.get $total) (local.get $t)))
    ;; T-1 helpers, and the main thread works too
    (local.set $i (i32.const 1))
    (block $spawned
      (loop $s
        (br_if $spawned (i32.ge_u (local.get $i) (local.get $t)))
        (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 10))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $s)))
    (call $work)
    (block $all
      (loop $w
        (local.set $d (i32.atomic.load (i32.const 64)))
        (br_if $all (i32.eq (local.get $d) (i32.sub (local.get $t) (i32.const 1))))
        (drop (memory.atomic.wait32 (i32.const 64) (local.get $d) (i64.const -1)))
        (br $w)))
    (call $exit (i32.ne (i32.atomic.load (i32.const 0)) (global.get $total)))))
