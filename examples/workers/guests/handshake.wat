;; handshake.wat - the atomics_handshake guest: ping-pong with the host over the shared
;; memory it imports. Word 0 is whose turn it is (1: the guest's, 0: the host's), word 4
;; counts the guest's moves, word 8 counts the times the guest was woken by a notify. Every
;; 100th round the guest pauses 2 ms (a timed wait on word 12, which nobody notifies) before
;; handing the turn back, so that the host is really asleep then.
(module
  (import "env" "memory" (memory 1 1 shared))
  (func (export "play") (param $rounds i32) (result i32) (local $i i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $rounds)))
        ;; wait for our turn (re-check after every wake-up)
        (block $mine
          (loop $wait
            (br_if $mine (i32.eq (i32.atomic.load (i32.const 0)) (i32.const 1)))
            (if (i32.eqz (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
              (then (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))))
            (br $wait)))
        (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
        (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 100)))
          (then (drop (memory.atomic.wait32 (i32.const 12) (i32.const 0) (i64.const 2000000)))))
        (i32.atomic.store (i32.const 0) (i32.const 0))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))
    (i32.atomic.load (i32.const 4))))
