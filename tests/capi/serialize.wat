;; serialize: a module worth carrying around: a memory, data and a function.
(module
  (memory (export "mem") 1)
  (data (i32.const 0) "\2a")
  (func (export "answer") (result i32) (i32.load8_u (i32.const 0))))
