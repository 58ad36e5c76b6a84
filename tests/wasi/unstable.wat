;; unstable.wat - a module importing the older "wasi_unstable" names (WASI snapshot 0), run
;; with a preopen (descriptor 3) holding ten.txt, 10 bytes. It checks the three places where
;; snapshot 0's ABI differs from preview1: fd_seek's whence numbering (cur 0, end 1, set 2),
;; the 56-byte filestat with a 32-bit nlink, and the clock subscription's extra `identifier`
;; field (the clock id sits at offset 24, the subscription is 56 bytes). Prints
;; "unstable: ok"; on a failed check it exits with the check's number.
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: the file name; 16: "unstable: ok\n"; 32: iovec; 40: result slots
  (data (i32.const 0) "ten.txt")
  (data (i32.const 16) "unstable: ok\n")

  ;; exit with `code` unless `ok`
  (func $check (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (local.get $code)))))

  ;; seek fd by `delta` from snapshot-0 `whence`; the new offset
  (func $seek (param $fd i32) (param $delta i64) (param $whence i32) (result i64)
    (call $check (i32.eqz (call $fd_seek (local.get $fd) (local.get $delta) (local.get $whence)
                                         (i32.const 40))) (i32.const 10))
    (i64.load (i32.const 40)))

  (func (export "_start")
    (local $fd i32)
    ;; open ten.txt (read, seek, tell, filestat_get rights)
    (call $check (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 7)
                                           (i32.const 0) (i64.const 0x200026) (i64.const 0)
                                           (i32.const 0) (i32.const 48))) (i32.const 1))
    (local.set $fd (i32.load (i32.const 48)))
    ;; whence: 2 is SET, 1 is END, 0 is CUR
    (call $check (i64.eq (call $seek (local.get $fd) (i64.const 3) (i32.const 2)) (i64.const 3))
                 (i32.const 2))
    (call $check (i64.eq (call $seek (local.get $fd) (i64.const -2) (i32.const 1)) (i64.const 8))
                 (i32.const 3))
    (call $check (i64.eq (call $seek (local.get $fd) (i64.const 1) (i32.const 0)) (i64.const 9))
                 (i32.const 4))
    ;; filestat at 256, a sentinel just past its 56 bytes
    (i64.store (i32.const 312) (i64.const 0x5a5a5a5a5a5a5a5a))
    (call $check (i32.eqz (call $fd_filestat_get (local.get $fd) (i32.const 256))) (i32.const 5))
    (call $check (i32.eq (i32.load8_u (i32.const 272)) (i32.const 4)) (i32.const 6)) ;; regular
    (call $check (i32.eq (i32.load (i32.const 276)) (i32.const 1)) (i32.const 7))     ;; nlink
    (call $check (i64.eq (i64.load (i32.const 280)) (i64.const 10)) (i32.const 8))    ;; size
    (call $check (i64.ne (i64.load (i32.const 296)) (i64.const 0)) (i32.const 9))     ;; mtim
    (call $check (i64.eq (i64.load (i32.const 312)) (i64.const 0x5a5a5a5a5a5a5a5a))
                 (i32.const 11))
    (call $check (i32.eqz (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0)
                                                   (i32.const 7) (i32.const 256))) (i32.const 12))
    (call $check (i64.eq (i64.load (i32.const 280)) (i64.const 10)) (i32.const 13))
    (call $check (i64.eq (i64.load (i32.const 312)) (i64.const 0x5a5a5a5a5a5a5a5a))
                 (i32.const 14))
    ;; one 1 ms monotonic clock at 512: userdata 77, identifier 0xdead (read as the clock id
    ;; by a preview1 layout, which would answer EINVAL), id 1 @24, timeout @32, flags @48
    (i64.store (i32.const 512) (i64.const 77))
    (i32.store8 (i32.const 520) (i32.const 0))
    (i64.store (i32.const 528) (i64.const 0xdead))
    (i32.store (i32.const 536) (i32.const 1))
    (i64.store (i32.const 544) (i64.const 1000000))
    (i64.store (i32.const 552) (i64.const 0))
    (i32.store16 (i32.const 560) (i32.const 0))
    (call $check (i32.eqz (call $poll_oneoff (i32.const 512) (i32.const 640) (i32.const 1)
                                             (i32.const 40))) (i32.const 15))
    (call $check (i32.eq (i32.load (i32.const 40)) (i32.const 1)) (i32.const 16))
    (call $check (i64.eq (i64.load (i32.const 640)) (i64.const 77)) (i32.const 17))
    (call $check (i32.eqz (i32.load16_u (i32.const 648))) (i32.const 18))  ;; no error
    (call $check (i32.eqz (i32.load8_u (i32.const 650))) (i32.const 19))   ;; a clock event
    ;; all good
    (i32.store (i32.const 32) (i32.const 16))
    (i32.store (i32.const 36) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))))
