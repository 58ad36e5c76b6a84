;; collatz.wat - the pool_tasks guest, written to the guest convention: each message is a
;; 4-byte little-endian number n; the guest posts back 4 bytes: the Collatz steps of n.
(module
  (import "weft" "post_message" (func $post (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func $steps (param $n i64) (result i32) (local $k i32)
    (block $done
      (loop $next
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (if (i64.eqz (i64.and (local.get $n) (i64.const 1)))
          (then (local.set $n (i64.shr_u (local.get $n) (i64.const 1))))
          (else (local.set $n (i64.add (i64.mul (local.get $n) (i64.const 3)) (i64.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $k))
  (func (export "on_message") (param $p i32) (param $len i32)
    (if (i32.ne (local.get $len) (i32.const 4)) (then unreachable))
    (i32.store (i32.const 2048) (call $steps (i64.load32_u (local.get $p))))
    (call $post (i32.const 2048) (i32.const 4))))
