;; Exports for the compiled tier's command-line tests: arithmetic, a named trap three calls
;; deep, runaway recursion, memory and a multi-value result.
(module
  (memory (export "memory") 1)
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func $divide (param i32) (result i32)
    (i32.div_s (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32) (call $divide (local.get 0)))
  (func (export "outer") (param i32) (result i32) (call $middle (local.get 0)))
  (func $runaway (export "runaway") (param i64) (result i64)
    (i64.add (call $runaway (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func (export "poke") (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (i32.load (local.get 0)))
  (func (export "swap") (param f64 i64) (result i64 f64)
    (local.get 1) (local.get 0))
  (func (export "sum") (param i32) (result i64) (local i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $next)))
    (local.get 1))
)
