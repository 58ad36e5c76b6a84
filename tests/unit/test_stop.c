/*
 * test_stop.c - stopping guests (weft.h "Stopping guests"), each behaviour in both tiers
 * (the compiled one skipped with a message when there is no C compiler):
 *   fuel stops a loop without calls, and a recursion, at the same count every run and in
 *   both tiers; it counts exactly one per instruction of the loop body; refuelling lets the
 *   store carry on; a wasi-threads thread gets its own fuel;
 *   an epoch deadline stops an endless loop within 100 ms of the tick that reaches it, also
 *   in a wasi-threads thread;
 *   an interrupt handle, from another thread, stops an endless loop, a memory.atomic.wait,
 *   a guest blocked in poll_oneoff, and a wasi-threads program whose thread loops; an
 *   interrupt delivered is consumed; a handle outliving its store is harmless;
 *   the API refuses fuel and deadlines on engines without them, and artifacts compiled
 *   with other settings.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft.h"
#include "check.h"

/* a.wat:
 * (module
 *   (memory (export "memory") 1 1 shared)
 *   (func $spin (export "spin") (param $n i32) (result i32)
 *     (local $i i32)
 *     (block $out
 *       (loop $l
 *         (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br $l)))
 *     (local.get $i))
 *   (func $down (export "down") (param i32) (result i32)
 *     (if (result i32) (local.get 0)
 *       (then (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))
 *       (else (i32.const 0))))
 *   (func (export "forever") (loop $l (br $l)))
 *   (func (export "wait") (result i32)
 *     (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
 *
 * t.wat: a wasi-threads program whose thread loops forever while main waits forever:
 * (module
 *   (import "env" "memory" (memory 1 1 shared))
 *   (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
 *   (export "memory" (memory 0))
 *   (func (export "wasi_thread_start") (param i32 i32)
 *     (i32.atomic.store (i32.const 4) (i32.const 1))
 *     (loop $l (br $l)))
 *   (func (export "_start")
 *     (if (i32.lt_s (call $spawn (i32.const 0)) (i32.const 1)) (then unreachable))
 *     (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))
 *
 * p.wat: sleep(ns) through poll_oneoff with one relative monotonic clock subscription:
 * (module
 *   (import "wasi_snapshot_preview1" "poll_oneoff"
 *     (func $poll (param i32 i32 i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (func (export "sleep") (param $ns i64) (result i32)
 *     (i64.store (i32.const 0) (i64.const 0))
 *     (i32.store8 (i32.const 8) (i32.const 0))
 *     (i32.store (i32.const 16) (i32.const 1))
 *     (i64.store (i32.const 24) (local.get $ns))
 *     (i64.store (i32.const 32) (i64.const 0))
 *     (i32.store16 (i32.const 40) (i32.const 0))
 *     (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 96))))
 */
static const uint8_t a_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x03, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x03,
    0x05, 0x04, 0x00, 0x00, 0x01, 0x02, 0x05, 0x04, 0x01, 0x03, 0x01, 0x01,
    0x07, 0x29, 0x05, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00,
    0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, 0x04, 0x64, 0x6f, 0x77, 0x6e,
    0x00, 0x01, 0x07, 0x66, 0x6f, 0x72, 0x65, 0x76, 0x65, 0x72, 0x00, 0x02,
    0x04, 0x77, 0x61, 0x69, 0x74, 0x00, 0x03, 0x0a, 0x48, 0x04, 0x1c, 0x01,
    0x01, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d,
    0x01, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b,
    0x20, 0x01, 0x0b, 0x14, 0x00, 0x20, 0x00, 0x04, 0x7f, 0x41, 0x01, 0x20,
    0x00, 0x41, 0x01, 0x6b, 0x10, 0x01, 0x6a, 0x05, 0x41, 0x00, 0x0b, 0x0b,
    0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x0c, 0x00, 0x41, 0x00,
    0x41, 0x00, 0x42, 0x7f, 0xfe, 0x01, 0x02, 0x00, 0x0b,
};
static const uint8_t t_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0e, 0x03, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x00,
    0x02, 0x24, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f,
    0x72, 0x79, 0x02, 0x03, 0x01, 0x01, 0x04, 0x77, 0x61, 0x73, 0x69, 0x0c,
    0x74, 0x68, 0x72, 0x65, 0x61, 0x64, 0x2d, 0x73, 0x70, 0x61, 0x77, 0x6e,
    0x00, 0x00, 0x03, 0x03, 0x02, 0x01, 0x02, 0x07, 0x27, 0x03, 0x06, 0x6d,
    0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x11, 0x77, 0x61, 0x73, 0x69,
    0x5f, 0x74, 0x68, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x73, 0x74, 0x61, 0x72,
    0x74, 0x00, 0x01, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x02,
    0x0a, 0x2a, 0x02, 0x0f, 0x00, 0x41, 0x04, 0x41, 0x01, 0xfe, 0x17, 0x02,
    0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x18, 0x00, 0x41, 0x00, 0x10,
    0x00, 0x41, 0x01, 0x48, 0x04, 0x40, 0x00, 0x0b, 0x41, 0x00, 0x41, 0x00,
    0x42, 0x7f, 0xfe, 0x01, 0x02, 0x00, 0x1a, 0x0b,
};
static const uint8_t p_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0e, 0x02, 0x60,
    0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7f,
    0x02, 0x26, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61,
    0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65,
    0x77, 0x31, 0x0b, 0x70, 0x6f, 0x6c, 0x6c, 0x5f, 0x6f, 0x6e, 0x65, 0x6f,
    0x66, 0x66, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x05, 0x03, 0x01, 0x00,
    0x01, 0x07, 0x12, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02,
    0x00, 0x05, 0x73, 0x6c, 0x65, 0x65, 0x70, 0x00, 0x01, 0x0a, 0x3a, 0x01,
    0x38, 0x00, 0x41, 0x00, 0x42, 0x00, 0x37, 0x03, 0x00, 0x41, 0x08, 0x41,
    0x00, 0x3a, 0x00, 0x00, 0x41, 0x10, 0x41, 0x01, 0x36, 0x02, 0x00, 0x41,
    0x18, 0x20, 0x00, 0x37, 0x03, 0x00, 0x41, 0x20, 0x42, 0x00, 0x37, 0x03,
    0x00, 0x41, 0x28, 0x41, 0x00, 0x3b, 0x01, 0x00, 0x41, 0x00, 0x41, 0xc0,
    0x00, 0x41, 0x01, 0x41, 0xe0, 0x00, 0x10, 0x00, 0x0b,
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *const tier_names[2] = {"interpreter", "compiled"};

static weft_engine *engine_for(int tier, bool fuel, bool epoch)
{
    weft_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tier = tier ? WEFT_TIER_COMPILED : WEFT_TIER_INTERP;
    cfg.compile_opt = WEFT_OPT_O1;
    cfg.cache_dir = ""; /* no cache: every compiled module is built here */
    cfg.consume_fuel = fuel;
    cfg.epoch_interruption = epoch;
    return weft_engine_new(&cfg);
}

/* An engine, module a.wat, a store and its instance. */
typedef struct world {
    weft_engine *engine;
    weft_module *module;
    weft_store *store;
    weft_instance *inst;
} world;

static bool world_new(world *w, int tier, bool fuel, bool epoch)
{
    memset(w, 0, sizeof *w);
    w->engine = engine_for(tier, fuel, epoch);
    weft_error *e = weft_module_new(w->engine, a_wasm, sizeof a_wasm, &w->module);
    if (!e) {
        w->store = weft_store_new(w->engine);
        e = weft_instance_new(w->store, w->module, NULL, 0, &w->inst);
    }
    CHECK(!e, "%s: a.wat loads: %s", tier_names[tier], weft_error_message(e));
    weft_error_free(e);
    return w->inst != NULL;
}

static void world_free(world *w)
{
    weft_store_free(w->store);
    weft_module_free(w->module);
    weft_engine_free(w->engine);
}

/* Call export name with up to one i32 argument and one i32 result. */
static weft_error *call(world *w, const char *name, int nargs, int32_t arg, int32_t *result)
{
    weft_val a = weft_val_i32(arg), r;
    weft_func *f = weft_instance_func(w->inst, name);
    const weft_functype *t = weft_func_type(f);
    weft_error *e = weft_call(w->store, f, &a, (size_t)nargs, &r, weft_functype_nresults(t));
    if (!e && result)
        *result = r.of.i32;
    return e;
}

static uint64_t fuel_of(weft_store *s)
{
    uint64_t f = 0;
    weft_error *e = weft_store_get_fuel(s, &f);
    CHECK(!e, "get_fuel: %s", weft_error_message(e));
    weft_error_free(e);
    return f;
}

static void set_fuel(weft_store *s, uint64_t f)
{
    weft_error *e = weft_store_set_fuel(s, f);
    CHECK(!e, "set_fuel: %s", weft_error_message(e));
    weft_error_free(e);
}

static bool is_trap(weft_error *e, weft_trap_code code)
{
    return weft_error_kind_of(e) == WEFT_ERR_TRAP && weft_error_trap(e) == code;
}

/* What a tier's fuel runs give, to compare with the other tier's. */
typedef struct fuel_result {
    uint64_t cost8, spin_left, down_left;
    size_t spin_off, down_off;
} fuel_result;

static void test_fuel(int tier, fuel_result *out)
{
    world w;
    const char *tn = tier_names[tier];
    memset(out, 0, sizeof *out);
    if (!world_new(&w, tier, true, false))
        return;
    /* a store starts empty: the first run stops at once */
    weft_error *e = call(&w, "spin", 1, 3, NULL);
    CHECK(is_trap(e, WEFT_TRAP_OUT_OF_FUEL), "%s: no fuel, no run: %s", tn,
          weft_error_message(e));
    CHECK(e && strcmp(weft_error_message(e), "out of fuel") == 0, "%s: the trap's message", tn);
    weft_error_free(e);

    /* exact counting: each iteration of spin's loop executes 9 instructions */
    uint64_t cost[3];
    for (int k = 0; k < 3; k++) {
        int32_t r = -1;
        set_fuel(w.store, 1000000);
        e = call(&w, "spin", 1, 8 + k, &r);
        CHECK(!e && r == 8 + k, "%s: spin(%d) = %d: %s", tn, 8 + k, r, weft_error_message(e));
        weft_error_free(e);
        cost[k] = 1000000 - fuel_of(w.store);
    }
    CHECK(cost[1] - cost[0] == 9 && cost[2] - cost[1] == 9,
          "%s: 9 fuel per iteration, got %llu then %llu", tn,
          (unsigned long long)(cost[1] - cost[0]), (unsigned long long)(cost[2] - cost[1]));
    out->cost8 = cost[0];

    /* a loop without calls stops at the same point every run */
    for (int run = 0; run < 3; run++) {
        set_fuel(w.store, 100003);
        e = call(&w, "spin", 1, 1 << 30, NULL);
        CHECK(is_trap(e, WEFT_TRAP_OUT_OF_FUEL), "%s: spin stopped by fuel: %s", tn,
              weft_error_message(e));
        uint64_t left = fuel_of(w.store);
        size_t off = weft_error_offset(e);
        weft_error_free(e);
        /* what is left is less than the run that could not start (at most 5 instructions) */
        CHECK(left < 5, "%s: %llu fuel left", tn, (unsigned long long)left);
        if (run == 0) {
            out->spin_left = left;
            out->spin_off = off;
        }
        CHECK(left == out->spin_left && off == out->spin_off,
              "%s: run %d stops where run 0 did (%llu at 0x%zx, then %llu at 0x%zx)", tn, run,
              (unsigned long long)out->spin_left, out->spin_off, (unsigned long long)left, off);
    }

    /* a recursion too (the charge at every function entry) */
    for (int run = 0; run < 2; run++) {
        set_fuel(w.store, 5000);
        e = call(&w, "down", 1, 9000, NULL);
        CHECK(is_trap(e, WEFT_TRAP_OUT_OF_FUEL), "%s: recursion stopped by fuel: %s", tn,
              weft_error_message(e));
        uint64_t left = fuel_of(w.store);
        size_t off = weft_error_offset(e);
        weft_error_free(e);
        if (run == 0) {
            out->down_left = left;
            out->down_off = off;
        }
        CHECK(left == out->down_left && off == out->down_off, "%s: recursion run %d", tn, run);
    }

    /* refuel and carry on: the store is usable after the trap, and counts on */
    set_fuel(w.store, 50);
    e = call(&w, "spin", 1, 1000, NULL);
    CHECK(is_trap(e, WEFT_TRAP_OUT_OF_FUEL), "%s: 50 fuel is not enough", tn);
    weft_error_free(e);
    uint64_t before = fuel_of(w.store), now = 0;
    e = weft_store_add_fuel(w.store, 1000000, &now);
    CHECK(!e && now == before + 1000000, "%s: add_fuel", tn);
    weft_error_free(e);
    int32_t r = 0;
    e = call(&w, "spin", 1, 1000, &r);
    CHECK(!e && r == 1000, "%s: refuelled, spin(1000) = %d", tn, r);
    weft_error_free(e);
    CHECK(fuel_of(w.store) == now - (cost[0] + 9 * (1000 - 8)), "%s: spin(1000)'s cost", tn);
    e = weft_store_add_fuel(w.store, UINT64_MAX, &now);
    CHECK(!e && now == UINT64_MAX, "%s: add_fuel saturates", tn);
    weft_error_free(e);
    world_free(&w);
}

/* ---- epochs ---- */

typedef struct ticker {
    weft_engine *engine;
    int ms, reach;         /* tick every ms; note the time of tick number `reach` */
    double reached_at;     /* just before that tick */
    atomic_bool stop;
    pthread_t th;
} ticker;

static void *ticker_main(void *arg)
{
    ticker *t = arg;
    for (int k = 1; !atomic_load(&t->stop); k++) {
        sleep_ms(t->ms);
        if (k == t->reach)
            t->reached_at = now_s();
        weft_engine_increment_epoch(t->engine);
    }
    return NULL;
}

static void ticker_start(ticker *t, weft_engine *e, int ms, int reach)
{
    memset(t, 0, sizeof *t);
    t->engine = e;
    t->ms = ms;
    t->reach = reach;
    atomic_init(&t->stop, false);
    pthread_create(&t->th, NULL, ticker_main, t);
}

static void ticker_stop(ticker *t)
{
    atomic_store(&t->stop, true);
    pthread_join(t->th, NULL);
}

static void test_epoch(int tier)
{
    world w;
    const char *tn = tier_names[tier];
    if (!world_new(&w, tier, false, true))
        return;
    /* no deadline until one is set */
    weft_engine_increment_epoch(w.engine);
    int32_t r = 0;
    weft_error *e = call(&w, "spin", 1, 100000, &r);
    CHECK(!e && r == 100000, "%s: no deadline, no stop", tn);
    weft_error_free(e);
    /* a deadline already reached stops the loop at its first check */
    e = weft_store_set_epoch_deadline(w.store, 0);
    CHECK(!e, "set_epoch_deadline");
    weft_error_free(e);
    e = call(&w, "forever", 0, 0, NULL);
    CHECK(is_trap(e, WEFT_TRAP_INTERRUPTED), "%s: deadline now: %s", tn, weft_error_message(e));
    weft_error_free(e);

    /* 20 ticks of 10 ms: the loop stops within 100 ms of the 20th */
    ticker t;
    e = weft_store_set_epoch_deadline(w.store, 20);
    weft_error_free(e);
    ticker_start(&t, w.engine, 10, 20);
    e = call(&w, "forever", 0, 0, NULL);
    double stopped = now_s();
    ticker_stop(&t);
    CHECK(is_trap(e, WEFT_TRAP_INTERRUPTED), "%s: the deadline stops forever: %s", tn,
          weft_error_message(e));
    weft_error_free(e);
    CHECK(t.reached_at > 0 && stopped >= t.reached_at && stopped - t.reached_at < 0.1,
          "%s: stopped %.3f s after the deadline's tick", tn, stopped - t.reached_at);
    world_free(&w);
}

/* ---- interrupt handles ---- */

typedef struct interrupter {
    weft_interrupt_handle *h;
    int delay_ms;
    weft_memory *watch; /* if set: interrupt once the word at 4 is 1 */
    pthread_t th;
} interrupter;

static void *interrupter_main(void *arg)
{
    interrupter *it = arg;
    for (int k = 0; it->watch && k < 10000; k++) {
        uint64_t v = 0;
        weft_error_free(weft_atomic_load(it->watch, 4, 4, &v));
        if (v == 1)
            break;
        sleep_ms(1);
    }
    sleep_ms(it->delay_ms);
    weft_interrupt(it->h);
    return NULL;
}

static void interrupt_later(interrupter *it, weft_interrupt_handle *h, int ms, weft_memory *watch)
{
    it->h = h;
    it->delay_ms = ms;
    it->watch = watch;
    pthread_create(&it->th, NULL, interrupter_main, it);
}

static void test_interrupt(int tier)
{
    world w;
    const char *tn = tier_names[tier];
    interrupter it;
    if (!world_new(&w, tier, false, false))
        return;
    weft_interrupt_handle *h = weft_store_interrupt_handle(w.store);
    CHECK(h != NULL, "%s: a handle", tn);

    /* an endless loop without calls */
    double t0 = now_s();
    interrupt_later(&it, h, 50, NULL);
    weft_error *e = call(&w, "forever", 0, 0, NULL);
    pthread_join(it.th, NULL);
    CHECK(is_trap(e, WEFT_TRAP_INTERRUPTED) && now_s() - t0 < 10, "%s: forever: %s", tn,
          weft_error_message(e));
    weft_error_free(e);
    /* delivered, so consumed: the next call runs */
    int32_t r = 0;
    e = call(&w, "spin", 1, 1000, &r);
    CHECK(!e && r == 1000, "%s: runs again after the interrupt", tn);
    weft_error_free(e);

    /* a memory.atomic.wait that would never end */
    t0 = now_s();
    interrupt_later(&it, h, 50, NULL);
    e = call(&w, "wait", 0, 0, NULL);
    pthread_join(it.th, NULL);
    CHECK(is_trap(e, WEFT_TRAP_INTERRUPTED) && now_s() - t0 < 10, "%s: wait: %s", tn,
          weft_error_message(e));
    weft_error_free(e);

    /* an interrupt while nothing runs stops the next call at its first check, once */
    weft_interrupt(h);
    e = call(&w, "spin", 1, 1000, NULL);
    CHECK(is_trap(e, WEFT_TRAP_INTERRUPTED), "%s: an early interrupt", tn);
    weft_error_free(e);
    e = call(&w, "spin", 1, 1000, &r);
    CHECK(!e && r == 1000, "%s: and only once", tn);
    weft_error_free(e);

    /* the handle may outlive the store */
    world_free(&w);
    weft_interrupt(h);
    weft_interrupt_handle_free(h);
}

/* A guest blocked in poll_oneoff (a 60 s sleep) is woken by the interrupt. */
static void test_interrupt_poll(int tier)
{
    const char *tn = tier_names[tier];
    weft_engine *engine = engine_for(tier, false, false);
    weft_module *m = NULL;
    weft_store *s = weft_store_new(engine);
    weft_linker *l = weft_linker_new(s);
    weft_wasi *wasi = NULL;
    weft_instance *inst = NULL;
    weft_error *e = weft_module_new(engine, p_wasm, sizeof p_wasm, &m);
    if (!e)
        e = weft_wasi_create(NULL, &wasi);
    if (!e)
        e = weft_wasi_define(wasi, l);
    if (!e)
        e = weft_linker_instantiate(l, m, &inst);
    CHECK(!e, "%s: p.wat: %s", tn, weft_error_message(e));
    weft_error_free(e);
    if (inst) {
        weft_func *sleep = weft_instance_func(inst, "sleep");
        weft_interrupt_handle *h = weft_store_interrupt_handle(s);
        interrupter it;
        weft_val arg = weft_val_i64(60000000000), res;
        double t0 = now_s();
        interrupt_later(&it, h, 100, NULL);
        e = weft_call(s, sleep, &arg, 1, &res, 1);
        pthread_join(it.th, NULL);
        double took = now_s() - t0;
        CHECK(is_trap(e, WEFT_TRAP_INTERRUPTED) && took < 10, "%s: poll_oneoff: %s after %.2f s",
              tn, weft_error_message(e), took);
        weft_error_free(e);
        /* consumed: a short sleep completes */
        arg = weft_val_i64(1000000);
        e = weft_call(s, sleep, &arg, 1, &res, 1);
        CHECK(!e && res.of.i32 == 0, "%s: a 1 ms sleep after it: %s", tn, weft_error_message(e));
        weft_error_free(e);
        weft_interrupt_handle_free(h);
    }
    weft_linker_free(l);
    weft_store_free(s);
    weft_wasi_free(wasi);
    weft_module_free(m);
    weft_engine_free(engine);
}

/* A wasi-threads program whose thread loops forever while main waits forever: only the
 * way under test can end it. how: 0 an interrupt of the main store, 1 fuel, 2 a deadline. */
static void test_threads(int tier, int how)
{
    static const char *const hows[3] = {"interrupt", "fuel", "epoch"};
    static const weft_trap_code want[3] = {WEFT_TRAP_INTERRUPTED, WEFT_TRAP_OUT_OF_FUEL,
                                           WEFT_TRAP_INTERRUPTED};
    const char *tn = tier_names[tier];
    weft_engine *engine = engine_for(tier, how == 1, how == 2);
    weft_module *m = NULL;
    weft_store *s = weft_store_new(engine);
    weft_linker *l = weft_linker_new(s);
    weft_wasi *wasi = NULL;
    weft_threads *t = NULL;
    weft_instance *inst = NULL;
    weft_error *e = weft_module_new(engine, t_wasm, sizeof t_wasm, &m);
    if (!e)
        e = weft_wasi_create(NULL, &wasi);
    if (!e)
        e = weft_threads_new(engine, m, wasi, 0, &t);
    if (!e)
        e = weft_wasi_define(wasi, l);
    if (!e)
        e = weft_threads_define(t, l);
    if (!e)
        e = weft_linker_instantiate(l, m, &inst);
    CHECK(!e, "%s: t.wat: %s", tn, weft_error_message(e));
    weft_error_free(e);
    if (inst) {
        weft_interrupt_handle *h = NULL;
        interrupter it;
        ticker tk;
        if (how == 0) {
            h = weft_store_interrupt_handle(s);
            interrupt_later(&it, h, 20, weft_threads_memory(t));
        } else if (how == 1) {
            set_fuel(s, 200000); /* each thread's */
        } else {
            weft_error_free(weft_store_set_epoch_deadline(s, 5));
            ticker_start(&tk, engine, 10, 5);
        }
        double t0 = now_s();
        e = weft_threads_run(t, s, inst);
        double took = now_s() - t0;
        if (how == 0) {
            pthread_join(it.th, NULL);
            weft_interrupt_handle_free(h);
        } else if (how == 2) {
            ticker_stop(&tk);
        }
        CHECK(is_trap(e, want[how]) && took < 10, "%s: threads stopped by %s: %s (%.2f s)", tn,
              hows[how], weft_error_message(e), took);
        weft_error_free(e);
        CHECK(weft_threads_spawned(t) == 1, "%s: the thread ran", tn);
    }
    weft_linker_free(l);
    weft_store_free(s);
    weft_threads_free(t);
    weft_wasi_free(wasi);
    weft_module_free(m);
    weft_engine_free(engine);
}

/* Fuel and deadlines need an engine that asks for them; artifacts must match it. */
static void test_refusals(bool compiler)
{
    weft_engine *plain = engine_for(0, false, false);
    weft_store *s = weft_store_new(plain);
    uint64_t f = 7;
    weft_error *e = weft_store_set_fuel(s, 10);
    CHECK(weft_error_kind_of(e) == WEFT_ERR_ARG, "set_fuel without consume_fuel");
    weft_error_free(e);
    e = weft_store_get_fuel(s, &f);
    CHECK(weft_error_kind_of(e) == WEFT_ERR_ARG && f == 0, "get_fuel without consume_fuel");
    weft_error_free(e);
    e = weft_store_set_epoch_deadline(s, 1);
    CHECK(weft_error_kind_of(e) == WEFT_ERR_ARG, "a deadline without epoch_interruption");
    weft_error_free(e);
    CHECK(weft_store_interrupt_handle(NULL) == NULL, "no handle without a store");
    weft_interrupt(NULL);
    weft_interrupt_handle_free(NULL);
    weft_store_free(s);
    if (compiler) {
        uint8_t *art = NULL;
        size_t len = 0;
        weft_module *m = NULL;
        weft_engine *fuel = engine_for(0, true, false);
        e = weft_module_compile(plain, a_wasm, sizeof a_wasm, &art, &len);
        CHECK(!e, "compile: %s", weft_error_message(e));
        weft_error_free(e);
        e = weft_module_new(fuel, art, len, &m);
        CHECK(weft_error_kind_of(e) == WEFT_ERR_ARG && !m &&
                  strstr(weft_error_message(e), "fuel"),
              "an artifact without fuel accounting in an engine with fuel: %s",
              weft_error_message(e));
        weft_error_free(e);
        e = weft_module_new(plain, art, len, &m);
        CHECK(!e && m && weft_module_is_compiled(m), "the same artifact in its own engine");
        weft_error_free(e);
        weft_module_free(m);
        weft_bytes_free(art);
        weft_engine_free(fuel);
    }
    weft_engine_free(plain);
}

int main(void)
{
    bool compiler = check_have_compiler(a_wasm, sizeof a_wasm);
    int tiers = compiler ? 2 : 1;
    fuel_result fr[2];
    if (!compiler)
        printf("test_stop: no C compiler: the compiled tier is skipped\n");
    for (int tier = 0; tier < tiers; tier++) {
        test_fuel(tier, &fr[tier]);
        test_epoch(tier);
        test_interrupt(tier);
        test_interrupt_poll(tier);
        for (int how = 0; how < 3; how++)
            test_threads(tier, how);
    }
    if (compiler) {
        /* the two tiers count alike and stop at the same instruction */
        CHECK(fr[0].cost8 == fr[1].cost8, "spin(8) costs %llu interpreted, %llu compiled",
              (unsigned long long)fr[0].cost8, (unsigned long long)fr[1].cost8);
        CHECK(fr[0].spin_left == fr[1].spin_left && fr[0].spin_off == fr[1].spin_off,
              "spin stops alike: %llu at 0x%zx interpreted, %llu at 0x%zx compiled",
              (unsigned long long)fr[0].spin_left, fr[0].spin_off,
              (unsigned long long)fr[1].spin_left, fr[1].spin_off);
        CHECK(fr[0].down_left == fr[1].down_left && fr[0].down_off == fr[1].down_off,
              "the recursion stops alike: %llu at 0x%zx, %llu at 0x%zx",
              (unsigned long long)fr[0].down_left, fr[0].down_off,
              (unsigned long long)fr[1].down_left, fr[1].down_off);
    }
    printf("test_stop: spin(8) costs %llu fuel; with 100003 spin stops with %llu left at 0x%zx, "
           "the recursion with %llu left at 0x%zx\n",
           (unsigned long long)fr[0].cost8, (unsigned long long)fr[0].spin_left, fr[0].spin_off,
           (unsigned long long)fr[0].down_left, fr[0].down_off);
    test_refusals(compiler);
    return check_summary("test_stop");
}
