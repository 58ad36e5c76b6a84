/*
 * fuzz_load.c - an in-process fuzzer for loading: mutated modules go through
 * weft_module_validate and weft_module_new, and those that load are instantiated (imports
 * satisfied by stubs) and freed. It checks that nothing crashes, leaks or hangs (the
 * sanitizer run catches memory errors and leaks), that every error is a decode, validation
 * or resource error, and that validate and load agree.
 *
 *   fuzz_load [-n ITERATIONS] [-s SEED] [FILE.wasm ...]
 *
 * The seeds are the valid modules below (written in the text format, kept here as comments
 * and assembled with wat2wasm) plus any files given. The run is deterministic: the same seed
 * gives the same inputs, so a failure printed with its iteration number can be replayed.
 * Prints "N passed, M failed" last.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft.h"

/*
 * (module
 *   (type $t0 (func (param i32 i32) (result i32)))
 *   (type $t1 (func))
 *   (import "env" "add" (func $add (type $t0)))
 *   (import "env" "g" (global $g i32))
 *   (import "env" "mem" (memory 1 2))
 *   (import "env" "tab" (table 2 funcref))
 *   (global $counter (mut i32) (i32.const 0))
 *   (global $k i64 (i64.const 42))
 *   (func $fib (param $n i32) (result i32)
 *     (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
 *       (then (local.get $n))
 *       (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
 *                      (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
 *   (func $sum (param $p i32) (param $n i32) (result i32) (local $s i32)
 *     (block $done
 *       (loop $next
 *         (br_if $done (i32.eqz (local.get $n)))
 *         (local.set $s (i32.add (local.get $s) (i32.load offset=4 align=2 (local.get $p))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 4)))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br $next)))
 *     (local.get $s))
 *   (func $switch (param i32) (result i32)
 *     (block $c (block $b (block $a
 *       (br_table $a $b $c (local.get 0)))
 *       (return (i32.const 10)))
 *       (return (i32.const 20)))
 *     (global.set $counter (i32.add (global.get $counter) (global.get $g)))
 *     (call_indirect (type $t0) (i32.const 1) (i32.const 2) (local.get 0)))
 *   (func $mem (param i32)
 *     (i64.store8 (local.get 0) (global.get $k))
 *     (i32.store16 offset=2 (local.get 0) (i32.const 0x1234))
 *     (drop (memory.grow (i32.const 1)))
 *     (drop (select (memory.size) (i32.const 1) (local.get 0)))
 *     (f32.store (i32.const 8) (f32.demote_f64 (f64.const 1.5)))
 *     (drop (i32.trunc_f32_s (f32.load (i32.const 8))))
 *     (if (i32.eqz (local.get 0)) (then unreachable))
 *     (nop))
 *   (table $own 4 funcref)
 *   (export "fib" (func $fib))
 *   (export "sum" (func $sum))
 *   (export "switch" (func $switch))
 *   (export "mem" (func $mem))
 *   (export "counter" (global $counter))
 *   (export "table" (table $own))
 *   (elem (i32.const 0) $add $fib)
 *   (elem (table $own) (i32.const 1) func $sum)
 *   (data (i32.const 16) "hello, fuzz\00\01\02\03")
 *   (data (i32.const 100) "\ff\fe"))
 */
static const uint8_t seed_mvp[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60, 0x02, 0x7f, 0x7f, 0x01,
    0x7f, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x02, 0x2c, 0x04,
    0x03, 0x65, 0x6e, 0x76, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67,
    0x03, 0x7f, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02, 0x03,
    0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x02, 0x03, 0x05, 0x04, 0x02, 0x00,
    0x02, 0x03, 0x04, 0x04, 0x01, 0x70, 0x00, 0x04, 0x06, 0x0b, 0x02, 0x7f, 0x01, 0x41, 0x00, 0x0b,
    0x7e, 0x00, 0x42, 0x2a, 0x0b, 0x07, 0x2e, 0x06, 0x03, 0x66, 0x69, 0x62, 0x00, 0x01, 0x03, 0x73,
    0x75, 0x6d, 0x00, 0x02, 0x06, 0x73, 0x77, 0x69, 0x74, 0x63, 0x68, 0x00, 0x03, 0x03, 0x6d, 0x65,
    0x6d, 0x00, 0x04, 0x07, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x03, 0x01, 0x05, 0x74, 0x61,
    0x62, 0x6c, 0x65, 0x01, 0x01, 0x09, 0x10, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x01, 0x02,
    0x01, 0x41, 0x01, 0x0b, 0x00, 0x01, 0x02, 0x0a, 0xb0, 0x01, 0x04, 0x1c, 0x00, 0x20, 0x00, 0x41,
    0x02, 0x49, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x01, 0x20, 0x00,
    0x41, 0x02, 0x6b, 0x10, 0x01, 0x6a, 0x0b, 0x0b, 0x2b, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40,
    0x20, 0x01, 0x45, 0x0d, 0x01, 0x20, 0x02, 0x20, 0x00, 0x28, 0x01, 0x04, 0x6a, 0x21, 0x02, 0x20,
    0x00, 0x41, 0x04, 0x6a, 0x21, 0x00, 0x20, 0x01, 0x41, 0x01, 0x6b, 0x21, 0x01, 0x0c, 0x00, 0x0b,
    0x0b, 0x20, 0x02, 0x0b, 0x28, 0x00, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0x00, 0x0e, 0x02,
    0x00, 0x01, 0x02, 0x0b, 0x41, 0x0a, 0x0f, 0x0b, 0x41, 0x14, 0x0f, 0x0b, 0x23, 0x01, 0x23, 0x00,
    0x6a, 0x24, 0x01, 0x41, 0x01, 0x41, 0x02, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b, 0x3c, 0x00, 0x20,
    0x00, 0x23, 0x02, 0x3c, 0x00, 0x00, 0x20, 0x00, 0x41, 0xb4, 0x24, 0x3b, 0x01, 0x02, 0x41, 0x01,
    0x40, 0x00, 0x1a, 0x3f, 0x00, 0x41, 0x01, 0x20, 0x00, 0x1b, 0x1a, 0x41, 0x08, 0x44, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0xb6, 0x38, 0x02, 0x00, 0x41, 0x08, 0x2a, 0x02, 0x00, 0xa8,
    0x1a, 0x20, 0x00, 0x45, 0x04, 0x40, 0x00, 0x0b, 0x01, 0x0b, 0x0b, 0x1d, 0x02, 0x00, 0x41, 0x10,
    0x0b, 0x0f, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x00, 0x01, 0x02,
    0x03, 0x00, 0x41, 0xe4, 0x00, 0x0b, 0x02, 0xff, 0xfe, 0x00, 0x62, 0x04, 0x6e, 0x61, 0x6d, 0x65,
    0x01, 0x1d, 0x05, 0x00, 0x03, 0x61, 0x64, 0x64, 0x01, 0x03, 0x66, 0x69, 0x62, 0x02, 0x03, 0x73,
    0x75, 0x6d, 0x03, 0x06, 0x73, 0x77, 0x69, 0x74, 0x63, 0x68, 0x04, 0x03, 0x6d, 0x65, 0x6d, 0x02,
    0x17, 0x05, 0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x6e, 0x02, 0x03, 0x00, 0x01, 0x70, 0x01, 0x01,
    0x6e, 0x02, 0x01, 0x73, 0x03, 0x00, 0x04, 0x00, 0x04, 0x09, 0x02, 0x00, 0x02, 0x74, 0x30, 0x01,
    0x02, 0x74, 0x31, 0x05, 0x06, 0x01, 0x01, 0x03, 0x6f, 0x77, 0x6e, 0x07, 0x10, 0x03, 0x00, 0x01,
    0x67, 0x01, 0x07, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x02, 0x01, 0x6b,
};

/*
 * (module
 *   (type (func (param i32) (result i32 i32)))
 *   (memory $m 1)
 *   (table $t 3 10 funcref)
 *   (table $e 1 externref)
 *   (data $p "passive segment bytes")
 *   (elem $pe func $f $g)
 *   (elem declare func $h)
 *   (func $f (param i32) (result i32 i32) (local.get 0) (i32.const 1))
 *   (func $g (param i32) (result i32 i32) (i32.const 2) (local.get 0))
 *   (func $h (result funcref) (ref.func $h))
 *   (func (export "run") (param $x i32) (result i32)
 *     (memory.init $p (i32.const 0) (i32.const 2) (i32.const 5))
 *     (data.drop $p)
 *     (memory.copy (i32.const 10) (i32.const 0) (i32.const 5))
 *     (memory.fill (i32.const 20) (i32.const 0xaa) (i32.const 8))
 *     (table.init $t $pe (i32.const 0) (i32.const 0) (i32.const 2))
 *     (elem.drop $pe)
 *     (table.copy $t $t (i32.const 1) (i32.const 0) (i32.const 1))
 *     (drop (table.grow $t (ref.null func) (i32.const 1)))
 *     (table.set $t (i32.const 2) (call $h))
 *     (drop (ref.is_null (table.get $t (i32.const 2))))
 *     (table.fill $e (i32.const 0) (ref.null extern) (i32.const 1))
 *     (drop (table.size $t))
 *     (local.get $x)
 *     (block (param i32) (result i32 i32)
 *       (call $f))
 *     (i32.add)
 *     (i32.extend8_s)
 *     (i64.extend_i32_u)
 *     (i64.extend32_s)
 *     (i32.wrap_i64)
 *     (f32.convert_i32_s)
 *     (i32.trunc_sat_f32_u)
 *     (select (result i32) (local.get $x) (i32.const 3))))
 */
static const uint8_t seed_bulk[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60, 0x01, 0x7f, 0x02, 0x7f,
    0x7f, 0x60, 0x00, 0x01, 0x70, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x05, 0x04, 0x00, 0x00, 0x01,
    0x02, 0x04, 0x08, 0x02, 0x70, 0x01, 0x03, 0x0a, 0x6f, 0x00, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x03, 0x09, 0x0a, 0x02, 0x01, 0x00, 0x02, 0x00,
    0x01, 0x03, 0x00, 0x01, 0x02, 0x0c, 0x01, 0x01, 0x0a, 0x86, 0x01, 0x04, 0x06, 0x00, 0x20, 0x00,
    0x41, 0x01, 0x0b, 0x06, 0x00, 0x41, 0x02, 0x20, 0x00, 0x0b, 0x04, 0x00, 0xd2, 0x02, 0x0b, 0x71,
    0x00, 0x41, 0x00, 0x41, 0x02, 0x41, 0x05, 0xfc, 0x08, 0x00, 0x00, 0xfc, 0x09, 0x00, 0x41, 0x0a,
    0x41, 0x00, 0x41, 0x05, 0xfc, 0x0a, 0x00, 0x00, 0x41, 0x14, 0x41, 0xaa, 0x01, 0x41, 0x08, 0xfc,
    0x0b, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x02, 0xfc, 0x0c, 0x00, 0x00, 0xfc, 0x0d, 0x00, 0x41,
    0x01, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0e, 0x00, 0x00, 0xd0, 0x70, 0x41, 0x01, 0xfc, 0x0f, 0x00,
    0x1a, 0x41, 0x02, 0x10, 0x02, 0x26, 0x00, 0x41, 0x02, 0x25, 0x00, 0xd1, 0x1a, 0x41, 0x00, 0xd0,
    0x6f, 0x41, 0x01, 0xfc, 0x11, 0x01, 0xfc, 0x10, 0x00, 0x1a, 0x20, 0x00, 0x02, 0x00, 0x10, 0x00,
    0x0b, 0x6a, 0xc0, 0xad, 0xc4, 0xa7, 0xb2, 0xfc, 0x01, 0x20, 0x00, 0x41, 0x03, 0x1c, 0x01, 0x7f,
    0x0b, 0x0b, 0x18, 0x01, 0x01, 0x15, 0x70, 0x61, 0x73, 0x73, 0x69, 0x76, 0x65, 0x20, 0x73, 0x65,
    0x67, 0x6d, 0x65, 0x6e, 0x74, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73, 0x00, 0x3b, 0x04, 0x6e, 0x61,
    0x6d, 0x65, 0x01, 0x0a, 0x03, 0x00, 0x01, 0x66, 0x01, 0x01, 0x67, 0x02, 0x01, 0x68, 0x02, 0x0c,
    0x04, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x01, 0x00, 0x01, 0x78, 0x05, 0x07, 0x02, 0x00,
    0x01, 0x74, 0x01, 0x01, 0x65, 0x06, 0x04, 0x01, 0x00, 0x01, 0x6d, 0x08, 0x05, 0x01, 0x00, 0x02,
    0x70, 0x65, 0x09, 0x04, 0x01, 0x00, 0x01, 0x70,
};

/*
 * (module
 *   (func $i64ops (param i64 i64) (result i64)
 *     (i64.rotl (i64.xor (i64.mul (local.get 0) (local.get 1))
 *                        (i64.div_u (local.get 0) (i64.or (local.get 1) (i64.const 1))))
 *               (i64.popcnt (i64.clz (local.get 0)))))
 *   (func $fops (param f64 f32) (result f64) (local f64)
 *     (local.tee 2 (f64.sqrt (f64.abs (local.get 0))))
 *     (f64.promote_f32 (f32.copysign (f32.nearest (local.get 1)) (f32.const -0.0)))
 *     (f64.min)
 *     (f64.reinterpret_i64 (i64.reinterpret_f64 (f64.const nan:0x8000000000001)))
 *     (f64.max)
 *     (f64.add (local.get 2)))
 *   (func $cmp (param i32 i32) (result i32)
 *     (i32.and (i32.ge_s (local.get 0) (local.get 1))
 *              (i32.ne (i32.rem_u (local.get 0) (i32.const 7)) (i32.ctz (local.get 1)))))
 *   (func $loop (param i32) (result i32)
 *     (loop $l (result i32)
 *       (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))
 *       (br_if $l (local.get 0))
 *       (i32.const 9)))
 *   (func (export "go") (result i32)
 *     (drop (call $i64ops (i64.const -1) (i64.const 3)))
 *     (drop (call $fops (f64.const -4) (f32.const 2.5)))
 *     (call $cmp (i32.const 5) (call $loop (i32.const 1000))))
 *   (func $s (drop (i32.const 0)))
 *   (start $s)
 *   (export "i64ops" (func $i64ops)))
 */
static const uint8_t seed_numeric[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1f, 0x06, 0x60, 0x02, 0x7e, 0x7e, 0x01,
    0x7e, 0x60, 0x02, 0x7c, 0x7d, 0x01, 0x7c, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x07, 0x06, 0x00, 0x01, 0x02, 0x03,
    0x04, 0x05, 0x07, 0x0f, 0x02, 0x02, 0x67, 0x6f, 0x00, 0x04, 0x06, 0x69, 0x36, 0x34, 0x6f, 0x70,
    0x73, 0x00, 0x00, 0x08, 0x01, 0x05, 0x0a, 0x8b, 0x01, 0x06, 0x15, 0x00, 0x20, 0x00, 0x20, 0x01,
    0x7e, 0x20, 0x00, 0x20, 0x01, 0x42, 0x01, 0x84, 0x80, 0x85, 0x20, 0x00, 0x79, 0x7b, 0x89, 0x0b,
    0x24, 0x01, 0x01, 0x7c, 0x20, 0x00, 0x99, 0x9f, 0x22, 0x02, 0x20, 0x01, 0x90, 0x43, 0x00, 0x00,
    0x00, 0x80, 0x98, 0xbb, 0xa4, 0x44, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x7f, 0xbd, 0xbf,
    0xa5, 0x20, 0x02, 0xa0, 0x0b, 0x11, 0x00, 0x20, 0x00, 0x20, 0x01, 0x4e, 0x20, 0x00, 0x41, 0x07,
    0x70, 0x20, 0x01, 0x68, 0x47, 0x71, 0x0b, 0x12, 0x00, 0x03, 0x7f, 0x20, 0x00, 0x41, 0x01, 0x76,
    0x21, 0x00, 0x20, 0x00, 0x0d, 0x00, 0x41, 0x09, 0x0b, 0x0b, 0x23, 0x00, 0x42, 0x7f, 0x42, 0x03,
    0x10, 0x00, 0x1a, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xc0, 0x43, 0x00, 0x00, 0x20,
    0x40, 0x10, 0x01, 0x1a, 0x41, 0x05, 0x41, 0xe8, 0x07, 0x10, 0x03, 0x10, 0x02, 0x0b, 0x05, 0x00,
    0x41, 0x00, 0x1a, 0x0b, 0x00, 0x33, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x1d, 0x05, 0x00, 0x06,
    0x69, 0x36, 0x34, 0x6f, 0x70, 0x73, 0x01, 0x04, 0x66, 0x6f, 0x70, 0x73, 0x02, 0x03, 0x63, 0x6d,
    0x70, 0x03, 0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x05, 0x01, 0x73, 0x02, 0x0d, 0x06, 0x00, 0x00, 0x01,
    0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00,
};

/*
 * (module
 *   (memory $m 1 4 shared)
 *   (global $lock (mut i32) (i32.const 0))
 *   (func (export "atomics") (param $p i32) (result i32)
 *     (i32.atomic.store (local.get $p) (i32.const 1))
 *     (drop (i32.atomic.rmw.add (local.get $p) (i32.const 2)))
 *     (drop (i64.atomic.rmw.cmpxchg (i32.const 8) (i64.const 0) (i64.const 5)))
 *     (drop (i32.atomic.rmw8.xchg_u (i32.const 3) (i32.const 7)))
 *     (drop (memory.atomic.notify (local.get $p) (i32.const 1)))
 *     (drop (memory.atomic.wait32 (i32.const 64) (i32.const 1) (i64.const 0)))
 *     (atomic.fence)
 *     (i32.atomic.load (local.get $p))))
 */
static const uint8_t seed_threads[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x03, 0x02, 0x01, 0x00, 0x05, 0x04, 0x01, 0x03, 0x01, 0x04, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41,
    0x00, 0x0b, 0x07, 0x0b, 0x01, 0x07, 0x61, 0x74, 0x6f, 0x6d, 0x69, 0x63, 0x73, 0x00, 0x00, 0x0a,
    0x47, 0x01, 0x45, 0x00, 0x20, 0x00, 0x41, 0x01, 0xfe, 0x17, 0x02, 0x00, 0x20, 0x00, 0x41, 0x02,
    0xfe, 0x1e, 0x02, 0x00, 0x1a, 0x41, 0x08, 0x42, 0x00, 0x42, 0x05, 0xfe, 0x49, 0x03, 0x00, 0x1a,
    0x41, 0x03, 0x41, 0x07, 0xfe, 0x43, 0x00, 0x00, 0x1a, 0x20, 0x00, 0x41, 0x01, 0xfe, 0x00, 0x02,
    0x00, 0x1a, 0x41, 0xc0, 0x00, 0x41, 0x01, 0x42, 0x00, 0xfe, 0x01, 0x02, 0x00, 0x1a, 0xfe, 0x03,
    0x00, 0x20, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x0b,
};

/*
 * (module $named
 *   (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 8) "hi\n")
 *   (data (i32.const 0) "\08\00\00\00\03\00\00\00")
 *   (func $main (export "_start") (local $unused i64)
 *     (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20))))
 *   (func $helper (param $a f32) (result f32) (f32.neg (local.get $a))))
 */
static const uint8_t seed_names[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11, 0x03, 0x60, 0x04, 0x7f, 0x7f, 0x7f,
    0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7d, 0x01, 0x7d, 0x02, 0x23, 0x01, 0x16, 0x77,
    0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65,
    0x76, 0x69, 0x65, 0x77, 0x31, 0x08, 0x66, 0x64, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65, 0x00, 0x00,
    0x03, 0x03, 0x02, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, 0x6d, 0x65,
    0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x01, 0x0a,
    0x17, 0x02, 0x0f, 0x01, 0x01, 0x7e, 0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0x41, 0x14, 0x10, 0x00,
    0x1a, 0x0b, 0x05, 0x00, 0x20, 0x00, 0x8c, 0x0b, 0x0b, 0x16, 0x02, 0x00, 0x41, 0x08, 0x0b, 0x03,
    0x68, 0x69, 0x0a, 0x00, 0x41, 0x00, 0x0b, 0x08, 0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x00, 0x3c, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x06, 0x05, 0x6e, 0x61, 0x6d, 0x65, 0x64, 0x01,
    0x19, 0x03, 0x00, 0x08, 0x66, 0x64, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65, 0x01, 0x04, 0x6d, 0x61,
    0x69, 0x6e, 0x02, 0x06, 0x68, 0x65, 0x6c, 0x70, 0x65, 0x72, 0x02, 0x12, 0x03, 0x00, 0x00, 0x01,
    0x01, 0x00, 0x06, 0x75, 0x6e, 0x75, 0x73, 0x65, 0x64, 0x02, 0x01, 0x00, 0x01, 0x61,
};
static const struct {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    bool needs_threads;
} builtin_seeds[] = {
    {"mvp", seed_mvp, sizeof seed_mvp, false},
    {"bulk", seed_bulk, sizeof seed_bulk, false},
    {"numeric", seed_numeric, sizeof seed_numeric, false},
    {"threads", seed_threads, sizeof seed_threads, true},
    {"names", seed_names, sizeof seed_names, false},
};

#define NBUILTIN (sizeof builtin_seeds / sizeof builtin_seeds[0])
#define MAX_SEEDS 256

typedef struct seed {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    bool must_load;
    uint8_t *owned; /* read from a file: ours to free */
} seed;

typedef struct fuzz {
    weft_engine *engine;
    uint64_t rng;
    int passed, failed;
    int loaded, instantiated; /* how deep the inputs got, to see the fuzzer is useful */
} fuzz;

/* ------------------------------------------------------------------------------------------ */
/* xorshift64*: small, deterministic, good enough to pick mutations. */

static uint64_t fz_next(fuzz *f)
{
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return f->rng * 0x2545F4914F6CDD1Dull;
}

/* Uniform-ish in [0, n); n > 0. */
static size_t fz_below(fuzz *f, size_t n)
{
    return (size_t)(fz_next(f) % n);
}

/* A byte that decoders find interesting more often than a random one. */
static uint8_t fz_byte(fuzz *f)
{
    static const uint8_t special[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x41, 0x0b, 0x70, 0x6f};
    if (fz_below(f, 2))
        return special[fz_below(f, sizeof special)];
    return (uint8_t)fz_next(f);
}

/* ------------------------------------------------------------------------------------------ */
/* Mutations. Each takes a buffer of capacity `cap` holding *len bytes. */

enum { MUT_TRUNCATE, MUT_FLIP, MUT_REPLACE, MUT_INSERT, MUT_DELETE, MUT_BIGLEB, MUT_SPLICE,
       MUT_RANDOM, MUT_COUNT };
static const char *const mut_names[] = {"truncate", "bit flip", "byte replace", "byte insert",
                                        "delete", "big LEB", "splice", "random"};

static void fz_insert(uint8_t *buf, size_t *len, size_t cap, size_t at, const uint8_t *src,
                      size_t n)
{
    if (*len + n > cap)
        n = cap - *len;
    memmove(buf + at + n, buf + at, *len - at);
    memcpy(buf + at, src, n);
    *len += n;
}

static void fz_mutate(fuzz *f, int kind, uint8_t *buf, size_t *len, size_t cap,
                      const seed *other)
{
    size_t n = 1 + fz_below(f, 4);
    switch (kind) {
    case MUT_TRUNCATE:
        *len = *len ? fz_below(f, *len) : 0;
        break;
    case MUT_FLIP:
        for (size_t i = 0; i < n && *len; i++)
            buf[fz_below(f, *len)] ^= (uint8_t)(1u << fz_below(f, 8));
        break;
    case MUT_REPLACE:
        for (size_t i = 0; i < n && *len; i++)
            buf[fz_below(f, *len)] = fz_byte(f);
        break;
    case MUT_INSERT:
        for (size_t i = 0; i < n; i++) {
            uint8_t b = fz_byte(f);
            fz_insert(buf, len, cap, fz_below(f, *len + 1), &b, 1);
        }
        break;
    case MUT_DELETE:
        if (*len) {
            size_t at = fz_below(f, *len), k = 1 + fz_below(f, 16);
            if (k > *len - at)
                k = *len - at;
            memmove(buf + at, buf + at + k, *len - at - k);
            *len -= k;
        }
        break;
    case MUT_BIGLEB: {
        /* A huge count or size where the decoder expects a small one. */
        static const uint8_t big[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
        size_t at = fz_below(f, *len + 1);
        if (at < *len && fz_below(f, 2)) {
            memmove(buf + at, buf + at + 1, *len - at - 1); /* replace one byte */
            (*len)--;
        }
        fz_insert(buf, len, cap, at, big, sizeof big);
        break;
    }
    case MUT_SPLICE: {
        /* Our head, the other seed's tail: sections that do not belong together. */
        size_t cut = *len ? fz_below(f, *len) : 0, from = fz_below(f, other->len + 1);
        size_t k = other->len - from;
        if (cut + k > cap)
            k = cap - cut;
        memcpy(buf + cut, other->bytes + from, k);
        *len = cut + k;
        break;
    }
    default: { /* MUT_RANDOM: noise, half the time behind a valid header */
        static const uint8_t header[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
        size_t k = fz_below(f, cap < 256 ? cap : 256), at = 0;
        if (fz_below(f, 2) && k >= sizeof header) {
            memcpy(buf, header, sizeof header);
            at = sizeof header;
        }
        for (; at < k; at++)
            buf[at] = fz_byte(f);
        *len = k;
        break;
    }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Instantiation with stubs */

/* Every import is satisfied by a stub: a host function that returns zeros (null for
 * references). env carries the number of results. */
static weft_error *fz_stub(weft_caller *caller, void *env, const weft_val *args,
                           weft_val *results)
{
    (void)caller;
    (void)args;
    for (uintptr_t i = 0; i < (uintptr_t)env; i++)
        memset(&results[i].of, 0, sizeof results[i].of);
    return NULL;
}

/* Does the (already loaded, so well-formed) module have a start section? Its function
 * would run at instantiation, and a mutated body may loop forever: such modules are loaded
 * and freed but not instantiated. */
static bool fz_has_start(const uint8_t *b, size_t len)
{
    size_t p = 8;
    while (p < len) {
        uint8_t id = b[p++];
        uint64_t size = 0;
        for (unsigned shift = 0; p < len && shift < 35; shift += 7) {
            uint8_t c = b[p++];
            size |= (uint64_t)(c & 0x7f) << shift;
            if (!(c & 0x80))
                break;
        }
        if (id == 8)
            return true;
        if (size > len - p)
            break;
        p += (size_t)size;
    }
    return false;
}

/* A zero value of a type, for global imports. */
static weft_val fz_zero(uint8_t type)
{
    weft_val v;
    memset(&v, 0, sizeof v);
    v.type = type;
    return v;
}

/* Build the imports; false when one cannot be made (a limit the engine refuses): then the
 * module is not instantiated, which is fine for a fuzzer. Memories made here are listed in
 * mems so that the caller drops its references. */
static bool fz_imports(fuzz *f, weft_store *store, weft_module *m, weft_extern *ext,
                       weft_memory **mems, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        weft_import_desc d;
        weft_error *e = NULL;
        weft_module_import(m, i, &d);
        ext[i].kind = d.kind;
        switch (d.kind) {
        case WEFT_EXTERN_FUNC:
            ext[i].of.func = weft_func_new(store, d.functype, fz_stub,
                                           (void *)(uintptr_t)weft_functype_nresults(d.functype),
                                           NULL);
            if (!ext[i].of.func)
                return false;
            break;
        case WEFT_EXTERN_MEMORY:
            e = weft_memory_new(f->engine, d.min, d.max, d.has_max, d.shared, &mems[i]);
            ext[i].of.memory = mems[i];
            break;
        case WEFT_EXTERN_TABLE:
            if (d.min > 100000 || (d.has_max && d.max > UINT32_MAX))
                return false;
            e = weft_table_new(store, d.table_reftype, (uint32_t)d.min, (uint32_t)d.max,
                               d.has_max, &ext[i].of.table);
            break;
        case WEFT_EXTERN_GLOBAL:
            ext[i].of.global = weft_global_new(store, d.global_type, d.global_mutable,
                                               fz_zero(d.global_type));
            if (!ext[i].of.global)
                return false;
            break;
        case WEFT_EXTERN_TAG: /* a module importing a tag is only loaded */
            return false;
        }
        if (e) {
            weft_error_free(e);
            return false;
        }
    }
    return true;
}

static void fz_instantiate(fuzz *f, weft_module *m, const uint8_t *bytes, size_t len)
{
    if (fz_has_start(bytes, len))
        return;
    uint32_t n = weft_module_import_count(m);
    weft_store *store = weft_store_new(f->engine);
    weft_extern *ext = calloc(n ? n : 1, sizeof *ext);
    weft_memory **mems = calloc(n ? n : 1, sizeof *mems);
    if (store && ext && mems && fz_imports(f, store, m, ext, mems, n)) {
        weft_instance *inst = NULL;
        weft_error *e = weft_instance_new(store, m, ext, n, &inst);
        f->instantiated += e == NULL;
        weft_error_free(e); /* a trap from a segment out of bounds is a fine outcome */
    }
    for (uint32_t i = 0; mems && i < n; i++)
        if (mems[i])
            weft_memory_free(mems[i]);
    free(mems);
    free(ext);
    weft_store_free(store);
}

/* ------------------------------------------------------------------------------------------ */
/* One input */

static bool fz_error_ok(const weft_error *e)
{
    weft_error_kind k = weft_error_kind_of(e);
    const char *msg = weft_error_message(e);
    return (k == WEFT_ERR_DECODE || k == WEFT_ERR_VALIDATE || k == WEFT_ERR_RESOURCE) &&
           msg && msg[0];
}

/* Feed one input; returns NULL when all is well, else what went wrong. */
static const char *fz_one(fuzz *f, const uint8_t *bytes, size_t len, bool must_load)
{
    const char *problem = NULL;
    weft_error *ev = weft_module_validate(f->engine, bytes, len);
    weft_module *m = NULL;
    weft_error *el = weft_module_new(f->engine, bytes, len, &m);
    if (ev && !fz_error_ok(ev))
        problem = "validate returned an error of the wrong kind or without a message";
    else if (el && !fz_error_ok(el))
        problem = "module_new returned an error of the wrong kind or without a message";
    else if (!ev && el && weft_error_kind_of(el) != WEFT_ERR_RESOURCE)
        problem = "validate accepted what module_new rejected";
    else if (ev && !el)
        problem = "module_new accepted what validate rejected";
    else if (el && m)
        problem = "module_new returned both an error and a module";
    else if (!el && !m)
        problem = "module_new returned neither an error nor a module";
    else if (must_load && el)
        problem = "a seed module failed to load";
    if (must_load && el)
        fprintf(stderr, "  (%s)\n", weft_error_message(el));
    if (m) {
        f->loaded++;
        fz_instantiate(f, m, bytes, len);
        weft_module_free(m);
    }
    weft_error_free(ev);
    weft_error_free(el);
    return problem;
}

static void fz_report(fuzz *f, const char *problem, const char *what, long iter)
{
    if (!problem) {
        f->passed++;
        return;
    }
    f->failed++;
    fprintf(stderr, "FAIL: %s (input %ld, %s)\n", problem, iter, what);
}

/* ------------------------------------------------------------------------------------------ */

static uint8_t *fz_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    uint8_t *buf = NULL;
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

int main(int argc, char **argv)
{
    long iters = 20000;
    uint64_t seedval = 0x5eedf00dcafe1234ull;
    int opt;
    while ((opt = getopt(argc, argv, "n:s:")) != -1) {
        if (opt == 'n')
            iters = strtol(optarg, NULL, 0);
        else if (opt == 's')
            seedval = strtoull(optarg, NULL, 0);
        else {
            fprintf(stderr, "usage: %s [-n ITERATIONS] [-s SEED] [FILE.wasm ...]\n", argv[0]);
            return 2;
        }
    }
    /* A hang is a failure too: the alarm's default action ends the process with a signal. */
    alarm(600);

    weft_config cfg = {0};
    cfg.max_memory_bytes = 16u << 20; /* mutated limits must not commit gigabytes */
    fuzz f = {weft_engine_new(&cfg), seedval ? seedval : 1, 0, 0, 0, 0};
    if (!f.engine) {
        fprintf(stderr, "cannot create an engine\n0 passed, 1 failed\n");
        return 1;
    }
    bool threads = strstr(weft_features(), "threads") != NULL;

    seed seeds[MAX_SEEDS];
    size_t nseeds = 0;
    for (size_t i = 0; i < NBUILTIN; i++) {
        seeds[nseeds].name = builtin_seeds[i].name;
        seeds[nseeds].bytes = builtin_seeds[i].bytes;
        seeds[nseeds].len = builtin_seeds[i].len;
        seeds[nseeds].owned = NULL;
        seeds[nseeds++].must_load = !builtin_seeds[i].needs_threads || threads;
    }
    for (int i = optind; i < argc && nseeds < MAX_SEEDS; i++) {
        size_t len;
        uint8_t *b = fz_read_file(argv[i], &len);
        if (!b) {
            fprintf(stderr, "FAIL: cannot read %s\n", argv[i]);
            f.failed++;
            continue;
        }
        seeds[nseeds++] = (seed){argv[i], b, len, false, b};
    }

    /* The seeds themselves, then the mutants. */
    for (size_t i = 0; i < nseeds; i++)
        fz_report(&f, fz_one(&f, seeds[i].bytes, seeds[i].len, seeds[i].must_load),
                  seeds[i].name, -1);

    size_t cap = 64;
    for (size_t i = 0; i < nseeds; i++)
        if (seeds[i].len + 64 > cap)
            cap = seeds[i].len + 64;
    uint8_t *buf = malloc(cap);
    char what[200];
    for (long it = 0; buf && it < iters; it++) {
        const seed *s = &seeds[fz_below(&f, nseeds)];
        const seed *other = &seeds[fz_below(&f, nseeds)];
        size_t len = s->len;
        memcpy(buf, s->bytes, len);
        int kind = (int)fz_below(&f, MUT_COUNT);
        fz_mutate(&f, kind, buf, &len, cap, other);
        /* Now and then a second mutation on top. */
        if (kind != MUT_RANDOM && fz_below(&f, 4) == 0)
            fz_mutate(&f, (int)fz_below(&f, MUT_RANDOM), buf, &len, cap, other);
        snprintf(what, sizeof what, "%s of %s", mut_names[kind], s->name);
        fz_report(&f, fz_one(&f, buf, len, false), what, it);
    }
    if (!buf)
        f.failed++;
    free(buf);
    for (size_t i = 0; i < nseeds; i++)
        free(seeds[i].owned);
    weft_engine_free(f.engine);
    printf("%d inputs loaded, %d instantiated\n", f.loaded, f.instantiated);
    printf("%d passed, %d failed\n", f.passed, f.failed);
    return f.failed ? 1 : 0;
}
