;; thread_guest.wat - what one wasi-thread looks like to the engine: a module instance of its
;; own (globals, a table, a stack pointer) over a memory shared with the other threads.
;; bench/tools/startup.c instantiates it many times to measure the memory each thread costs.
(module
  (import "env" "memory" (memory 1 16 shared))
  (global $sp (mut i32) (i32.const 65536))
  (global $count (mut i64) (i64.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $fib $bump $fib $bump)
  (type $t (func (param i32) (result i32)))
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $bump (param $n i32) (result i32)
    (global.set $count (i64.add (global.get $count) (i64.extend_i32_u (local.get $n))))
    (i32.atomic.rmw.add (i32.const 64) (local.get $n)))
  ;; work: a little of everything a thread does: calls, an indirect call, an atomic
  (func (export "work") (param $n i32) (result i32)
    (i32.add (call_indirect (type $t) (local.get $n) (i32.const 0))
             (call_indirect (type $t) (local.get $n) (i32.const 1)))))
