;; hostref: host references (externref) through parameters, results, a global, a table
;; and a host function; funcrefs through a table.
(module
  (import "host" "echo" (func $echo (param externref) (result externref)))
  (global $g (export "g") (mut externref) (ref.null extern))
  (table $t (export "t") 4 externref)
  (table $ft (export "ft") 2 funcref)
  (func (export "set_g") (param externref) (global.set $g (local.get 0)))
  (func (export "get_g") (result externref) (global.get $g))
  (func (export "set_t") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "get_t") (param i32) (result externref) (table.get $t (local.get 0)))
  (func (export "echo") (param externref) (result externref) (call $echo (local.get 0)))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "get_ft") (param i32) (result funcref) (table.get $ft (local.get 0))))
