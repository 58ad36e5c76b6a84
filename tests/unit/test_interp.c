/*
 * test_interp.c - the compiler and interpreter: local folding hazards (pending local reads
 * across local.set/tee), multi-value blocks and br_table carrying values, multi-value
 * returns of locals, recursion, call_indirect, memory, trap locations, call stack exhaustion
 * (the store stays usable), re-entry from a host function (and its bound), interrupting an
 * endless loop and a blocked atomic wait from another thread, atomics' bounds-then-alignment
 * order, and two engines running at once. Module bytes come from wat2wasm; the text form is
 * in the comment above each array.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "weft.h"
#include "runtime/runtime.h"
#include "exec/exec.h"

static int passed, failed;
#define CHECK(cond) check((cond), #cond, __LINE__)
static void check(bool ok, const char *what, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

/*
 * (module
 *   (import "env" "cb" (func $cb (param i32) (result i32)))
 *   (memory 1)
 *   (table 2 funcref)
 *   (elem (i32.const 0) $sq)
 *   (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
 *   ;; swap through pending local reads: returns a*10+b after swapping
 *   (func (export "swap") (param i32 i32) (result i32)
 *     (local.get 0) (local.get 1) (local.set 0) (local.set 1)
 *     (i32.add (i32.mul (local.get 0) (i32.const 10)) (local.get 1)))
 *   ;; a local.get pending below a local.tee of the same local
 *   (func (export "tee") (param i32) (result i32)
 *     (local.get 0)
 *     (local.tee 0 (i32.add (local.get 0) (i32.const 5)))
 *     (i32.sub))
 *   ;; fused result into local, then reused
 *   (func (export "sum") (param i32) (result i32) (local i32)
 *     (block (loop
 *       (br_if 1 (i32.eqz (local.get 0)))
 *       (local.set 1 (i32.add (local.get 1) (local.get 0)))
 *       (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
 *       (br 0)))
 *     (local.get 1))
 *   (func $fac (export "fac") (param i64) (result i64)
 *     (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
 *       (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
 *   ;; multi-value block with params and br_table carrying two values
 *   (func (export "mv") (param i32) (result i32 i32)
 *     (i32.const 7) (i32.const 8)
 *     (block (param i32 i32) (result i32 i32)
 *       (block (param i32 i32) (result i32 i32)
 *         (br_table 0 1 (local.get 0)))
 *       (i32.add (i32.const 100)) (i32.const 1)
 *       (br 0)))
 *   ;; multi-value return of locals in swapped order (return moves into local slots)
 *   (func (export "ret2") (param i32 i32) (result i32 i32)
 *     (return (local.get 1) (local.get 0)))
 *   (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
 *   (func $rec (export "rec") (param i32) (result i32) (call $rec (i32.add (local.get 0) (i32.const 1))))
 *   (func (export "spin") (loop (br 0)))
 *   ;; calls the host, which calls back into "fac"-like reentry
 *   (func (export "callhost") (param i32) (result i32) (i32.add (call $cb (local.get 0)) (i32.const 1)))
 *   (func (export "ind") (param i32 i32) (result i32) (call_indirect (param i32) (result i32) (local.get 1) (local.get 0)))
 *   (func (export "mem") (param i32) (result i32)
 *     (i32.store (local.get 0) (i32.const 0x12345678))
 *     (i32.load8_u offset=1 (local.get 0)))
 * )
 */
static const uint8_t module_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x21, 0x06, 0x60, 0x01, 0x7f, 0x01, 0x7f, 
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x02, 0x7f, 
    0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x02, 0x7f, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x0a, 0x01, 0x03, 0x65, 
    0x6e, 0x76, 0x02, 0x63, 0x62, 0x00, 0x00, 0x03, 0x0e, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x02, 0x03, 
    0x04, 0x01, 0x00, 0x05, 0x00, 0x01, 0x00, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x03, 0x01, 
    0x00, 0x01, 0x07, 0x50, 0x0c, 0x04, 0x73, 0x77, 0x61, 0x70, 0x00, 0x02, 0x03, 0x74, 0x65, 0x65, 
    0x00, 0x03, 0x03, 0x73, 0x75, 0x6d, 0x00, 0x04, 0x03, 0x66, 0x61, 0x63, 0x00, 0x05, 0x02, 0x6d, 
    0x76, 0x00, 0x06, 0x04, 0x72, 0x65, 0x74, 0x32, 0x00, 0x07, 0x03, 0x64, 0x69, 0x76, 0x00, 0x08, 
    0x03, 0x72, 0x65, 0x63, 0x00, 0x09, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x0a, 0x08, 0x63, 0x61, 
    0x6c, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x00, 0x0b, 0x03, 0x69, 0x6e, 0x64, 0x00, 0x0c, 0x03, 0x6d, 
    0x65, 0x6d, 0x00, 0x0d, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01, 0x0a, 0xc5, 0x01, 
    0x0d, 0x07, 0x00, 0x20, 0x00, 0x20, 0x00, 0x6c, 0x0b, 0x12, 0x00, 0x20, 0x00, 0x20, 0x01, 0x21, 
    0x00, 0x21, 0x01, 0x20, 0x00, 0x41, 0x0a, 0x6c, 0x20, 0x01, 0x6a, 0x0b, 0x0c, 0x00, 0x20, 0x00, 
    0x20, 0x00, 0x41, 0x05, 0x6a, 0x22, 0x00, 0x6b, 0x0b, 0x21, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 
    0x40, 0x20, 0x00, 0x45, 0x0d, 0x01, 0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 
    0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x15, 0x00, 0x20, 0x00, 0x50, 
    0x04, 0x7e, 0x42, 0x01, 0x05, 0x20, 0x00, 0x20, 0x00, 0x42, 0x01, 0x7d, 0x10, 0x05, 0x7e, 0x0b, 
    0x0b, 0x1a, 0x00, 0x41, 0x07, 0x41, 0x08, 0x02, 0x04, 0x02, 0x04, 0x20, 0x00, 0x0e, 0x01, 0x00, 
    0x01, 0x0b, 0x41, 0xe4, 0x00, 0x6a, 0x41, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x07, 0x00, 0x20, 0x01, 
    0x20, 0x00, 0x0f, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b, 0x09, 0x00, 0x20, 0x00, 
    0x41, 0x01, 0x6a, 0x10, 0x09, 0x0b, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x09, 0x00, 
    0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x09, 0x00, 0x20, 0x01, 0x20, 0x00, 0x11, 0x00, 
    0x00, 0x0b, 0x12, 0x00, 0x20, 0x00, 0x41, 0xf8, 0xac, 0xd1, 0x91, 0x01, 0x36, 0x02, 0x00, 0x20, 
    0x00, 0x2d, 0x00, 0x01, 0x0b
};

typedef struct world {
    weft_engine *engine;
    weft_store *store;
    weft_module *module;
    weft_instance *inst;
    weft_linker *linker;
} world;

/* The host import "cb": cb(n) = n <= 0 ? 0 : callhost(n - 1), re-entering wasm, so that
 * callhost(n) == n + 1 after n nested re-entries. */
static weft_error *host_cb(weft_caller *caller, void *env, const weft_val *args,
                           weft_val *results)
{
    world *w = env;
    weft_val arg, res;
    weft_error *e;
    (void)caller;
    if (args[0].of.i32 <= 0) {
        results[0] = weft_val_i32(0);
        return NULL;
    }
    arg = weft_val_i32(args[0].of.i32 - 1);
    e = weft_call(w->store, weft_instance_func(w->inst, "callhost"), &arg, 1, &res, 1);
    if (e)
        return e;
    results[0] = res;
    return NULL;
}

static bool world_open(world *w, const weft_config *cfg)
{
    uint8_t i32 = WEFT_I32;
    weft_functype *t = weft_functype_new(&i32, 1, &i32, 1);
    weft_error *e;
    memset(w, 0, sizeof *w);
    w->engine = weft_engine_new(cfg);
    w->store = weft_store_new(w->engine);
    e = weft_module_new(w->engine, module_bytes, sizeof module_bytes, &w->module);
    if (!e) {
        w->linker = weft_linker_new(w->store);
        e = weft_linker_define_func(w->linker, "env", "cb", t, host_cb, w, NULL);
    }
    if (!e)
        e = weft_linker_instantiate(w->linker, w->module, &w->inst);
    weft_functype_free(t);
    if (e) {
        printf("setup: %s\n", weft_error_message(e));
        weft_error_free(e);
        return false;
    }
    return true;
}

static void world_close(world *w)
{
    weft_linker_free(w->linker);
    weft_store_free(w->store);
    weft_module_free(w->module);
    weft_engine_free(w->engine);
}

/* Call an export with i32/i64 arguments; returns the error (or NULL) and fills res. */
static weft_error *call(world *w, const char *name, const weft_val *args, size_t n,
                        weft_val *res, size_t nres)
{
    weft_func *f = weft_instance_func(w->inst, name);
    if (!f)
        return weft_trap_new("no export %s", name);
    return weft_call(w->store, f, args, n, res, nres);
}

static int32_t call_i32(world *w, const char *name, int32_t a, int32_t b, int nargs)
{
    weft_val args[2] = {weft_val_i32(a), weft_val_i32(b)}, res[2];
    weft_error *e = call(w, name, args, (size_t)nargs, res, 2);
    if (e) {
        printf("  %s: %s\n", name, weft_error_message(e));
        weft_error_free(e);
        return -999999;
    }
    return res[0].of.i32;
}

static void test_folding(world *w)
{
    CHECK(call_i32(w, "swap", 1, 2, 2) == 21);
    CHECK(call_i32(w, "tee", 10, 0, 1) == -5);
    CHECK(call_i32(w, "sum", 100, 0, 1) == 5050);
    CHECK(call_i32(w, "mem", 64, 0, 1) == 0x56);
}

static void test_multivalue(world *w)
{
    weft_val a = weft_val_i32(0), r[2];
    weft_error *e;
    /* index 0: out of the inner block -> (7, 8+100, 1), br keeps the top two; index 1 and default: out of both -> 7, 8 */
    CHECK(!(e = call(w, "mv", &a, 1, r, 2)) && r[0].of.i32 == 108 && r[1].of.i32 == 1);
    a = weft_val_i32(1);
    CHECK(!(e = call(w, "mv", &a, 1, r, 2)) && r[0].of.i32 == 7 && r[1].of.i32 == 8);
    a = weft_val_i32(99);
    CHECK(!(e = call(w, "mv", &a, 1, r, 2)) && r[0].of.i32 == 7 && r[1].of.i32 == 8);
    weft_val two[2] = {weft_val_i32(3), weft_val_i32(4)};
    CHECK(!(e = call(w, "ret2", two, 2, r, 2)) && r[0].of.i32 == 4 && r[1].of.i32 == 3);
    weft_error_free(e);
}

static void test_calls(world *w)
{
    weft_val a = weft_val_i64(20), r;
    weft_error *e = call(w, "fac", &a, 1, &r, 1);
    CHECK(!e && r.of.i64 == 2432902008176640000LL);
    weft_error_free(e);
    CHECK(call_i32(w, "ind", 0, 9, 2) == 81);
    /* index 1 is a null entry, index 5 is past the table */
    weft_val args[2] = {weft_val_i32(1), weft_val_i32(9)};
    e = call(w, "ind", args, 2, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_UNINITIALIZED_ELEMENT);
    weft_error_free(e);
    args[0] = weft_val_i32(5);
    e = call(w, "ind", args, 2, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_UNDEFINED_ELEMENT);
    weft_error_free(e);
}

static void test_trap_location(world *w)
{
    weft_val args[2] = {weft_val_i32(1), weft_val_i32(0)}, r;
    uint32_t idx = 0;
    const char *name = NULL;
    weft_error *e = call(w, "div", args, 2, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_DIV_ZERO);
    CHECK(e && weft_error_offset(e) == 0x13a); /* the i32.div_s (wasm-objdump) */
    CHECK(e && weft_error_func(e, &idx, &name) && idx == 8);
    weft_error_free(e);
    args[0] = weft_val_i32(INT32_MIN);
    args[1] = weft_val_i32(-1);
    e = call(w, "div", args, 2, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_INT_OVERFLOW);
    weft_error_free(e);
}

static void test_exhaustion(world *w)
{
    weft_val a = weft_val_i32(0), r;
    weft_error *e = call(w, "rec", &a, 1, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_STACK_EXHAUSTED);
    weft_error_free(e);
    /* the store is usable afterwards, with its whole depth */
    CHECK(call_i32(w, "sum", 10, 0, 1) == 55);
    e = call(w, "rec", &a, 1, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_STACK_EXHAUSTED);
    weft_error_free(e);
}

static void test_reentry(world *w)
{
    weft_val a = weft_val_i32(50), r;
    weft_error *e;
    CHECK(call_i32(w, "callhost", 50, 0, 1) == 51);
    /* nesting far beyond the re-entry bound traps instead of overflowing the C stack */
    a = weft_val_i32(100000);
    e = call(w, "callhost", &a, 1, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_STACK_EXHAUSTED);
    weft_error_free(e);
    CHECK(call_i32(w, "callhost", 3, 0, 1) == 4);
}

static void *interrupter(void *arg)
{
    world *w = arg;
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    exec_interrupt(w->store->ctx);
    return NULL;
}

static void test_interrupt(world *w)
{
    pthread_t th;
    weft_error *e;
    CHECK(w->store->ctx != NULL); /* created by the earlier calls */
    pthread_create(&th, NULL, interrupter, w);
    e = call(w, "spin", NULL, 0, NULL, 0);
    pthread_join(th, NULL);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_INTERRUPTED);
    weft_error_free(e);
    /* the interrupt is consumed: the next call runs normally */
    CHECK(call_i32(w, "sum", 4, 0, 1) == 10);
}

static void *engine_thread(void *arg)
{
    world w;
    int *ok = arg;
    *ok = 0;
    if (!world_open(&w, NULL))
        return NULL;
    *ok = 1;
    for (int i = 0; i < 200; i++)
        if (call_i32(&w, "sum", 1000, 0, 1) != 500500 || call_i32(&w, "swap", 3, 4, 2) != 43)
            *ok = 0;
    world_close(&w);
    return NULL;
}

static void test_two_engines(void)
{
    pthread_t a, b;
    int oka, okb;
    pthread_create(&a, NULL, engine_thread, &oka);
    pthread_create(&b, NULL, engine_thread, &okb);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK(oka == 1 && okb == 1);
}

static void test_small_limits(void)
{
    weft_config cfg;
    world w;
    weft_val a = weft_val_i64(200), r;
    weft_error *e;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_call_depth = 100;
    if (!world_open(&w, &cfg)) {
        CHECK(false);
        return;
    }
    e = call(&w, "fac", &a, 1, &r, 1); /* 201 frames > 100 */
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_STACK_EXHAUSTED);
    weft_error_free(e);
    a = weft_val_i64(50);
    e = call(&w, "fac", &a, 1, &r, 1);
    CHECK(!e);
    weft_error_free(e);
    world_close(&w);

    memset(&cfg, 0, sizeof cfg);
    cfg.stack_slots = 64; /* a few frames of fac */
    if (!world_open(&w, &cfg)) {
        CHECK(false);
        return;
    }
    a = weft_val_i64(100);
    e = call(&w, "fac", &a, 1, &r, 1);
    /* stack_slots sizes the interpreter's value stack; compiled code keeps its values on the
     * thread's C stack (bounded, with max_call_depth, in both tiers) */
    if (weft_module_is_compiled(w.module))
        CHECK(!e);
    else
        CHECK(e && weft_error_trap(e) == WEFT_TRAP_STACK_EXHAUSTED);
    weft_error_free(e);
    world_close(&w);
}

/*
 * (module
 *   (memory 1 1 shared)
 *   (func (export "wait") (result i32)
 *     (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
 *   (func (export "unaligned") (result i32)
 *     (i32.atomic.rmw.add (i32.const 2) (i32.const 1)))
 *   (func (export "oob") (result i32)
 *     (i32.atomic.load (i32.const 65534))))
 */
static const uint8_t wait_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 
    0x04, 0x03, 0x00, 0x00, 0x00, 0x05, 0x04, 0x01, 0x03, 0x01, 0x01, 0x07, 0x1a, 0x03, 0x04, 0x77, 
    0x61, 0x69, 0x74, 0x00, 0x00, 0x09, 0x75, 0x6e, 0x61, 0x6c, 0x69, 0x67, 0x6e, 0x65, 0x64, 0x00, 
    0x01, 0x03, 0x6f, 0x6f, 0x62, 0x00, 0x02, 0x0a, 0x24, 0x03, 0x0c, 0x00, 0x41, 0x00, 0x41, 0x00, 
    0x42, 0x7f, 0xfe, 0x01, 0x02, 0x00, 0x0b, 0x0a, 0x00, 0x41, 0x02, 0x41, 0x01, 0xfe, 0x1e, 0x02, 
    0x00, 0x0b, 0x0a, 0x00, 0x41, 0xfe, 0xff, 0x03, 0xfe, 0x10, 0x02, 0x00, 0x0b
};

typedef struct waiter {
    weft_store *store;
    weft_instance *inst;
    weft_error *err;
} waiter;

static void *wait_thread(void *arg)
{
    waiter *w = arg;
    weft_val r;
    w->err = weft_call(w->store, weft_instance_func(w->inst, "wait"), NULL, 0, &r, 1);
    return NULL;
}

/* A thread blocked forever in memory.atomic.wait32 is woken by exec_interrupt; atomics
 * check bounds, then alignment. */
static void test_interrupt_wait(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_store *store = weft_store_new(engine);
    weft_module *m = NULL;
    weft_instance *inst = NULL;
    weft_error *e = weft_module_new(engine, wait_bytes, sizeof wait_bytes, &m);
    waiter w = {store, NULL, NULL};
    pthread_t th;
    weft_val r;
    struct timespec ts = {0, 50 * 1000 * 1000};
    if (!e)
        e = weft_instance_new(store, m, NULL, 0, &inst);
    CHECK(!e);
    if (e) {
        printf("  %s\n", weft_error_message(e));
        weft_error_free(e);
        goto out;
    }
    w.inst = inst;
    e = weft_call(store, weft_instance_func(inst, "unaligned"), NULL, 0, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_UNALIGNED_ATOMIC);
    weft_error_free(e);
    e = weft_call(store, weft_instance_func(inst, "oob"), NULL, 0, &r, 1);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_MEMORY_OOB);
    weft_error_free(e);
    pthread_create(&th, NULL, wait_thread, &w);
    nanosleep(&ts, NULL);
    exec_interrupt(store->ctx);
    pthread_join(th, NULL);
    CHECK(w.err && weft_error_trap(w.err) == WEFT_TRAP_INTERRUPTED);
    weft_error_free(w.err);
out:
    weft_store_free(store);
    weft_module_free(m);
    weft_engine_free(engine);
}

int main(void)
{
    world w;
    if (!world_open(&w, NULL)) {
        printf("test_interp: setup failed\n");
        return 1;
    }
    test_folding(&w);
    test_multivalue(&w);
    test_calls(&w);
    test_trap_location(&w);
    test_exhaustion(&w);
    test_reentry(&w);
    test_interrupt(&w);
    world_close(&w);
    test_two_engines();
    test_small_limits();
    test_interrupt_wait();
    printf("test_interp: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
