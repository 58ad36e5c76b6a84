;; main grows the shared memory; a thread sees the new size and writes into the new page;
;; main reads the value back. addr 0: phase word.
(module
  (import "env" "memory" (memory 1 4 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func $wait_phase (param $want i32) (local $v i32)
    (block $ok
      (loop $w
        (local.set $v (i32.atomic.load (i32.const 0)))
        (br_if $ok (i32.eq (local.get $v) (local.get $want)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $v) (i64.const -1)))
        (br $w))))
  (func $set_phase (param $p i32)
    (i32.atomic.store (i32.const 0) (local.get $p))
    (drop (memory.atomic.notify (i32.const 0) (i32.const -1))))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $wait_phase (i32.const 1))
    ;; the memory has grown to 3 pages in the other thread
    (if (i32.ne (memory.size) (i32.const 3)) (then (call $exit (i32.const 20))))
    (i32.atomic.store (i32.const 131072) (i32.const 0xC0FFEE))
    (call $set_phase (i32.const 2)))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 10))))
    (if (i32.ne (memory.grow (i32.const 2)) (i32.const 1)) (then (call $exit (i32.const 11))))
    ;; past the maximum: -1, and the size is unchanged
    (if (i32.ne (memory.grow (i32.const 2)) (i32.const -1)) (then (call $exit (i32.const 12))))
    (call $set_phase (i32.const 1))
    (call $wait_phase (i32.const 2))
    (if (i32.ne (i32.atomic.load (i32.const 131072)) (i32.const 0xC0FFEE)) (then (call $exit (i32.const 13))))
    (call $exit (i32.const 0))))
