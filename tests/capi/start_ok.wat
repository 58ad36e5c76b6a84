;; start_ok: a start function that records that it ran, through a host import.
(module
  (import "host" "started" (func $started (param i32)))
  (func $start (call $started (i32.const 7)))
  (start $start))
