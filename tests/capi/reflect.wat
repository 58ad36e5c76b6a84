;; reflect: imports and exports of every kind (one memory: the import side has none), for wasm_module_imports/exports.
(module
  (import "in" "f" (func (param i32 f64) (result i64)))
  (import "in" "g" (global (mut f32)))
  (import "in" "t" (table 1 funcref))
  (func (export "f") (param externref funcref) (result f32 f64) (f32.const 1) (f64.const 2))
  (global (export "g") i64 (i64.const 0))
  (table (export "t") 2 externref)
  (memory (export "m") 1 3))
