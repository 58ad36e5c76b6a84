;; trap: wasm traps at known places, and a host function that traps.
(module
  (import "host" "abort" (func $abort))
  (func $inner (param i32) (result i32)
    (i32.div_u (i32.const 10) (local.get 0)))
  (func (export "divide") (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "unreachable") unreachable)
  (func (export "host_abort") (call $abort))
  (func $deep (export "deep") (param i32) (result i32)
    (call $deep (i32.add (local.get 0) (i32.const 1)))))
