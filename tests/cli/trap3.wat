;; A trap three calls deep: _start -> outer -> middle -> inner, which divides by zero.
;; `weft run` must print the trap, then one frame per function, innermost first, by name.
(module
  (func $inner (param i32) (result i32)
    (i32.div_s (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32)
    (i32.add (i32.const 1) (call $inner (local.get 0))))
  (func $outer (param i32) (result i32)
    (call $middle (local.get 0)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
  (func (export "_start") (drop (call $outer (i32.const 0)))))
