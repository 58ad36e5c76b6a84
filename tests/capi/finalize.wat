;; finalize: something to instantiate many times.
(module
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "f") (result i32) (global.get 0)))
