;; expect: 42
;; The compiled tier translated a multi-memory instruction (through exec_memx) in unreachable
;; code, where the validator's operand stack is polymorphic: "operand stack underflow".
(module
  (memory $m0 1)
  (memory $m1 1 1)
  (func (export "run") (result i64) (local $i i32)
    (block $c5
      (block $c4
        (br_table $c4 $c5 $c4 (local.get $i))
        (memory.copy $m1 $m0)
        (memory.fill $m1)
        (drop (i32.load $m1 offset=4))
        (drop (memory.grow $m1))))
    (i64.const 42)))
