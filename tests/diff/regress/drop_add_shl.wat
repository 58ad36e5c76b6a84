;; expect: 11
;; a dropped (g + 5) was taken for the base of the following x + (y << 2): weft gave 109
(module
  (global $g (mut i32) (i32.const 100))
  (func (export "run") (result i64) (local $x i32) (local $y i32)
    (local.set $x (i32.const 7))
    (local.set $y (i32.const 1))
    (drop (i32.add (global.get $g) (i32.const 5)))
    (i64.extend_i32_s (i32.add (local.get $x) (i32.shl (local.get $y) (i32.const 2))))))
