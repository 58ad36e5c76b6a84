;; 4 threads hammer shared counters with every RMW flavour; main waits for them and checks.
;; addr 0: i32 add counter, 8: i64 add counter, 16: cmpxchg counter, 24: threads done,
;; 32: i32 sub counter (starts 0, ends -N*ITER), 40: xchg/or/and/xor scratch
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (global $threads i32 (i32.const 4))
  (global $iter i32 (i32.const 20000))
  (func $work (local $i i32) (local $old i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 3)))
      (drop (i32.atomic.rmw.sub (i32.const 32) (i32.const 1)))
      ;; increment through a compare-and-swap loop
      (block $done
        (loop $cas
          (local.set $old (i32.atomic.load (i32.const 16)))
          (br_if $done (i32.eq (local.get $old)
            (i32.atomic.rmw.cmpxchg (i32.const 16) (local.get $old)
              (i32.add (local.get $old) (i32.const 1)))))
          (br $cas)))
      ;; narrow RMWs on distinct bytes must not disturb each other
      (drop (i32.atomic.rmw8.add_u (i32.const 44) (i32.const 1)))
      (drop (i32.atomic.rmw16.add_u (i32.const 46) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (global.get $iter)))))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $work)
    (drop (i32.atomic.rmw.add (i32.const 24) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 24) (i32.const 1))))
  (func (export "_start") (local $i i32) (local $done i32)
    (loop $s
      (if (i32.le_s (call $spawn (local.get $i)) (i32.const 0)) (then (call $exit (i32.const 10))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $s (i32.lt_u (local.get $i) (global.get $threads))))
    ;; wait until every thread is done
    (block $all
      (loop $w
        (local.set $done (i32.atomic.load (i32.const 24)))
        (br_if $all (i32.eq (local.get $done) (global.get $threads)))
        (drop (memory.atomic.wait32 (i32.const 24) (local.get $done) (i64.const -1)))
        (br $w)))
    (if (i32.ne (i32.atomic.load (i32.const 0)) (i32.mul (global.get $threads) (global.get $iter)))
      (then (call $exit (i32.const 1))))
    (if (i64.ne (i64.atomic.load (i32.const 8))
                (i64.mul (i64.const 3) (i64.extend_i32_u (i32.mul (global.get $threads) (global.get $iter)))))
      (then (call $exit (i32.const 2))))
    (if (i32.ne (i32.atomic.load (i32.const 16)) (i32.mul (global.get $threads) (global.get $iter)))
      (then (call $exit (i32.const 3))))
    (if (i32.ne (i32.atomic.load (i32.const 32)) (i32.sub (i32.const 0) (i32.mul (global.get $threads) (global.get $iter))))
      (then (call $exit (i32.const 4))))
    ;; 80000 mod 256 = 128 and mod 65536 = 14464; the byte at 45 (between them) stays 0
    (if (i32.ne (i32.atomic.load8_u (i32.const 44)) (i32.and (i32.mul (global.get $threads) (global.get $iter)) (i32.const 255)))
      (then (call $exit (i32.const 5))))
    (if (i32.ne (i32.atomic.load8_u (i32.const 45)) (i32.const 0)) (then (call $exit (i32.const 6))))
    (if (i32.ne (i32.atomic.load16_u (i32.const 46)) (i32.and (i32.mul (global.get $threads) (global.get $iter)) (i32.const 65535)))
      (then (call $exit (i32.const 7))))
    (call $exit (i32.const 0))))
