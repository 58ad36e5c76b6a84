;; loop.wat - guests for `weft run --fuel` and `--timeout` (tests/suites/stop.sh):
;; spin(n) counts to n in a loop without calls; forever never ends; forever_calling never
;; ends either, each turn calling tick, which checks for interrupts on entry (so the compiled
;; tier's loop does not check itself: nat_cgen.c, cg_loop_calls); _start sleeps 60 s in
;; poll_oneoff when given an argument, else spins to a million.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $spin (export "spin") (param $n i32) (result i32)
    (local $i i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func (export "forever") (loop $l (br $l)))
  (func $tick (result i32) (call $spin (i32.const 1)))
  (func (export "forever_calling") (loop $l (drop (call $tick)) (br $l)))
  (func (export "_start")
    (drop (call $args_sizes (i32.const 200) (i32.const 204)))
    (if (i32.gt_u (i32.load (i32.const 200)) (i32.const 1))
      (then
        ;; one relative clock subscription of 60 s on the monotonic clock
        (i64.store (i32.const 0) (i64.const 0))
        (i32.store8 (i32.const 8) (i32.const 0))
        (i32.store (i32.const 16) (i32.const 1))
        (i64.store (i32.const 24) (i64.const 60000000000))
        (i64.store (i32.const 32) (i64.const 0))
        (i32.store16 (i32.const 40) (i32.const 0))
        (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 96))))
      (else (drop (call $spin (i32.const 1000000)))))))
