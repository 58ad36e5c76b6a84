;; hello: one host import, one export that calls it twice.
(module
  (import "host" "greet" (func $greet))
  (func (export "run")
    call $greet
    call $greet))
