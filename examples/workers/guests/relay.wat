;; relay.wat - the relay example's guest (both workers run it).
;; Through the host: the guest convention; a message is a 4-byte number n, the reply n + 1.
;; Through shared memory (imported): a one-slot mailbox at words 0 (full flag) and 4 (value);
;; `produce(count)` puts 1..count into it one at a time, `consume(count)` takes count values
;; and returns their sum. Each side sleeps in memory.atomic.wait32 until the other acts.
(module
  (import "weft" "post_message" (func $post (param i32 i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "on_message") (param $p i32) (param $len i32)
    (i32.store (i32.const 2048) (i32.add (i32.load (local.get $p)) (i32.const 1)))
    (call $post (i32.const 2048) (i32.const 4)))
  (func (export "produce") (param $count i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (block $empty
          (loop $wait
            (br_if $empty (i32.eqz (i32.atomic.load (i32.const 0))))
            (drop (memory.atomic.wait32 (i32.const 0) (i32.const 1) (i64.const -1)))
            (br $wait)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (i32.atomic.store (i32.const 4) (local.get $i))
        (i32.atomic.store (i32.const 0) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func (export "consume") (param $count i32) (result i64) (local $i i32) (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (block $full
          (loop $wait
            (br_if $full (i32.eq (i32.atomic.load (i32.const 0)) (i32.const 1)))
            (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
            (br $wait)))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.atomic.load (i32.const 4)))))
        (i32.atomic.store (i32.const 0) (i32.const 0))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s)))
