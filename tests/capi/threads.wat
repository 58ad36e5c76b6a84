;; threads: each thread adds its id to a shared counter with an atomic add, and reports
;; through a host function, reading its id from an imported global.
(module
  (import "env" "mem" (memory 1 1 shared))
  (import "env" "id" (global $id i32))
  (import "env" "report" (func $report (param i32)))
  (func (export "run") (param $reps i32)
    (local $i i32)
    (loop $again
      (drop (i32.atomic.rmw.add (i32.const 0) (global.get $id)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $reps))))
    (call $report (global.get $id))))
