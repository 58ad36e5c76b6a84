;; memory_import: reads a memory the host made.
(module
  (import "env" "mem" (memory 2 2))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0))))
