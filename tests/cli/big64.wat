;; big64.wat - a 64-bit memory grown past 4 GiB and touched everywhere: one byte written in
;; every 64 KiB page of 4.5 GiB (the wasm page), then read back and summed. `touch` returns the sum (or -1 if
;; the host refused the memory), so a page that aliased another, or a store that wrapped at
;; 4 GiB, changes the answer.
(module
  (memory i64 1)
  (func (export "touch") (param $pages i64) (result i64)
    (local $a i64) (local $end i64) (local $sum i64)
    (if (i64.eq (memory.grow (i64.sub (local.get $pages) (i64.const 1))) (i64.const -1))
      (then (return (i64.const -1))))
    (local.set $end (i64.mul (local.get $pages) (i64.const 65536)))
    ;; write: the byte at each page is its page number's low 7 bits + 1
    (loop $w
      (i64.store8 (local.get $a) (i64.add (i64.and (i64.shr_u (local.get $a) (i64.const 16)) (i64.const 127)) (i64.const 1)))
      (local.set $a (i64.add (local.get $a) (i64.const 65536)))
      (br_if $w (i64.lt_u (local.get $a) (local.get $end))))
    (local.set $a (i64.const 0))
    (loop $r
      (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $a))))
      (local.set $a (i64.add (local.get $a) (i64.const 65536)))
      (br_if $r (i64.lt_u (local.get $a) (local.get $end))))
    (local.get $sum)))
