;; sum.wat - the shared_sum worker's guest: sums a chunk of i32 values in the shared memory
;; every worker imports, adds its partial sum to the shared total at address 0 with an atomic
;; add, and returns it.
(module
  (import "env" "memory" (memory 16 16 shared))
  (func (export "sum") (param $start i32) (param $count i32) (result i64)
    (local $s i64) (local $p i32) (local $end i32)
    (local.set $p (i32.add (i32.const 64) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_s (i32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (drop (i64.atomic.rmw.add (i32.const 0) (local.get $s)))
    (local.get $s)))
