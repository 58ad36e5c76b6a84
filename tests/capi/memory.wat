;; memory: an exported memory with data, loads, stores, size and grow; and an imported one.
(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "weft")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "pages") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
