;; fd_race.wat - the guest side of fd_race.c: open, read at offset 0 and close one file of
;; the preopen (descriptor 3) through the WASI imports. Memory: the path at 0, the opened
;; descriptor at 16, 4 bytes read at 32, the byte count at 40, and at 1024 an array of
;; 1024 iovecs: the first for the 4 bytes at 32, the others empty. Checking that many
;; iovecs takes a while between taking the descriptor and the host read: the window
;; fd_race.c aims a concurrent close at.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread"
    (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "a.txt")
  (func $init
    (local $i i32)
    (i32.store (i32.const 1024) (i32.const 32))
    (i32.store (i32.const 1028) (i32.const 4))
    (local.set $i (i32.const 1))
    (loop $more
      (i32.store (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 3))) (i32.const 36))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 1024)))))
  (start $init)
  ;; open() -> errno; the descriptor lands at 16 (rights: read and seek)
  (func (export "open") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 0)
                     (i64.const 6) (i64.const 0) (i32.const 0) (i32.const 16)))
  (func (export "fd") (result i32) (i32.load (i32.const 16)))
  ;; read(fd) -> errno; up to 4 bytes at 32
  (func (export "read") (param i32) (result i32)
    (i32.store (i32.const 32) (i32.const 0))
    (call $fd_pread (local.get 0) (i32.const 1024) (i32.const 1024) (i64.const 0) (i32.const 40)))
  (func (export "close") (param i32) (result i32) (call $fd_close (local.get 0))))
