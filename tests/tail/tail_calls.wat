;; tail_calls.wat - deep tail recursion that must run in constant space
;; (tests/suites/tail_calls.sh).
;; Every entry point counts n down to 0 through a million or more calls; the engine's frame
;; limit (10,000 by default) would stop any of them if a tail call kept its caller's frame.
;; (return_call_ref's own million-deep recursion is in the 3.0 spec script return_call_ref,
;; which tests/suites/spec_funcref.sh runs: Debian's wat2wasm cannot write it.)
(module
  (type $i2i (func (param i64) (result i64)))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $even_ind $odd_ind)

  ;; A leaf without tail calls: in the compiled tier it is native code that the interpreted
  ;; tail-calling functions reach, and that calls back into them.
  (func $leaf (param $n i64) (result i64) (i64.add (local.get $n) (i64.const 1000)))

  ;; direct mutual recursion: return_call
  (func $even (export "even") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (return_call $leaf (i64.const 1)))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd (export "odd") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (return_call $leaf (i64.const 0)))
      (else (return_call $even (i64.sub (local.get $n) (i64.const 1))))))

  ;; through the table: return_call_indirect
  (func $even_ind (export "even_indirect") (type $i2i)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (return_call_indirect $t (type $i2i) (i64.sub (local.get 0) (i64.const 1))
                                  (i32.const 1)))))
  (func $odd_ind (type $i2i)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (return_call_indirect $t (type $i2i) (i64.sub (local.get 0) (i64.const 1))
                                  (i32.const 0)))))

  ;; a function without tail calls calling into the recursion, then adding to its result
  (func (export "outer") (param $n i64) (result i64)
    (i64.add (call $even (local.get $n)) (i64.const 5)))

  ;; the control: the same recursion with plain calls must exhaust the frame limit
  (func $even_plain (export "even_plain") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else (call $odd_plain (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd_plain (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 0))
      (else (call $even_plain (i64.sub (local.get $n) (i64.const 1))))))
)
