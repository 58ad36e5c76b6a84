;; table: a funcref table filled by an element segment, called indirectly.
(module
  (type $unary (func (param i32) (result i32)))
  (table $tab (export "tab") 3 8 funcref)
  (func $double (export "double") (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "size") (result i32) (table.size 0))
  (elem (table $tab) (i32.const 0) func $double $square))
