/*
 * test_limits.c - a store's resource limits (weft_limiter): memory.grow and table.grow
 * return -1 past them, instantiation past one fails with an error naming it, the callbacks
 * see and decide each growth, and threads growing one shared memory from stores of their
 * own never pass the limit together. Run on both tiers (tiers.sh sets WEFT_TIER=compiled).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"
#include "check.h"

#define EXPECT(cond) CHECK((cond), "%s", #cond)
#define PAGE 65536u

/* (module
 *   (memory (export "memory") 1)
 *   (table 1 funcref)
 *   (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
 *   (func (export "tgrow") (param i32) (result i32)
 *     (table.grow 0 (ref.null func) (local.get 0)))) */
static const uint8_t grow_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x00, 0x04, 0x04, 0x01,
    0x70, 0x00, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x19, 0x03, 0x06,
    0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x67, 0x72, 0x6f,
    0x77, 0x00, 0x00, 0x05, 0x74, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x01, 0x0a,
    0x12, 0x02, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x09, 0x00, 0xd0,
    0x70, 0x20, 0x00, 0xfc, 0x0f, 0x00, 0x0b,
};

/* (module (memory 4) (table 10 funcref)) */
static const uint8_t big_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x04, 0x04, 0x01, 0x70,
    0x00, 0x0a, 0x05, 0x03, 0x01, 0x00, 0x04, 0x00, 0x08, 0x04, 0x6e, 0x61,
    0x6d, 0x65, 0x02, 0x01, 0x00,
};

/* (module
 *   (import "env" "mem" (memory 1 64 shared))
 *   (func (export "grow") (result i32) (memory.grow (i32.const 1)))) */
static const uint8_t shared_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
    0x00, 0x01, 0x7f, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d,
    0x65, 0x6d, 0x02, 0x03, 0x01, 0x40, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08,
    0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00, 0x0a, 0x08, 0x01, 0x06,
    0x00, 0x41, 0x01, 0x40, 0x00, 0x0b,
};

static int32_t call_i32(weft_store *s, weft_instance *inst, const char *name, int32_t arg)
{
    weft_val a = weft_val_i32(arg), r = weft_val_i32(-99);
    weft_func *f = weft_instance_func(inst, name);
    weft_error *e = f ? weft_call(s, f, &a, 1, &r, 1) : NULL;
    CHECK(f && !e, "%s(%d): %s", name, arg, f ? weft_error_message(e) : "no such export");
    weft_error_free(e);
    return r.of.i32;
}

static weft_instance *instantiate(weft_store *s, weft_module *m, weft_error **err)
{
    weft_instance *inst = NULL;
    *err = weft_instance_new(s, m, NULL, 0, &inst);
    return inst;
}

/* memory.grow and table.grow stop at the numbers; the guest gets -1 and carries on */
static void test_grow_limits(weft_engine *engine, weft_module *m)
{
    weft_store *s = weft_store_new(engine);
    weft_limiter lim = {.memory_bytes = 3 * PAGE, .table_elements = 5};
    weft_error *e;
    EXPECT(weft_store_set_limiter(s, &lim) == NULL);
    weft_instance *inst = instantiate(s, m, &e);
    EXPECT(inst && !e);
    weft_error_free(e);
    if (inst) {
        EXPECT(call_i32(s, inst, "grow", 1) == 1);
        EXPECT(call_i32(s, inst, "grow", 2) == -1); /* 4 pages: over */
        EXPECT(call_i32(s, inst, "grow", 1) == 2);
        EXPECT(call_i32(s, inst, "grow", 1) == -1);
        EXPECT(call_i32(s, inst, "grow", 0) == 3); /* growing by 0 always answers */
        EXPECT(weft_memory_size(weft_instance_memory(inst, "memory")) == 3 * PAGE);
        EXPECT(call_i32(s, inst, "tgrow", 4) == 1);
        EXPECT(call_i32(s, inst, "tgrow", 1) == -1);
    }
    /* without limits the same module grows on */
    EXPECT(weft_store_set_limiter(s, NULL) == NULL);
    if (inst)
        EXPECT(call_i32(s, inst, "grow", 2) == 3);
    EXPECT(weft_store_set_limiter(NULL, &lim) != NULL);
    weft_store_free(s);
}

/* instantiation past a count, or with an initial size past a limit, fails and says which */
static void test_instantiation_limits(weft_engine *engine, weft_module *grow, weft_module *big)
{
    static const struct {
        weft_limiter lim;
        int ok_before; /* instances of `grow` that fit */
        const char *words;
    } cases[] = {
        {{.instances = 2}, 2, "limit of 2 instances"},
        {{.memories = 1}, 1, "limit of 1 memory"},
        {{.tables = 3}, 3, "limit of 3 tables"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        weft_store *s = weft_store_new(engine);
        weft_error *e = NULL;
        weft_store_set_limiter(s, &cases[i].lim);
        for (int k = 0; k < cases[i].ok_before; k++) {
            EXPECT(instantiate(s, grow, &e) != NULL);
            weft_error_free(e);
        }
        EXPECT(instantiate(s, grow, &e) == NULL);
        CHECK(weft_error_kind_of(e) == WEFT_ERR_RESOURCE &&
                  strstr(weft_error_message(e), cases[i].words),
              "case %zu: %s", i, weft_error_message(e));
        weft_error_free(e);
        weft_store_free(s);
    }
    weft_store *s = weft_store_new(engine);
    weft_error *e = NULL;
    weft_limiter mem = {.memory_bytes = 2 * PAGE}, tab = {.table_elements = 9};
    weft_store_set_limiter(s, &mem);
    EXPECT(instantiate(s, big, &e) == NULL);
    CHECK(e && strstr(weft_error_message(e), "memory 0 starts at 262144 bytes"), "%s",
          weft_error_message(e));
    weft_error_free(e);
    weft_store_set_limiter(s, &tab);
    EXPECT(instantiate(s, big, &e) == NULL);
    CHECK(e && strstr(weft_error_message(e), "table 0 starts at 10 elements"), "%s",
          weft_error_message(e));
    weft_error_free(e);
    /* weft_table_new counts against the store's tables too */
    weft_limiter one = {.tables = 1};
    weft_table *t = NULL;
    weft_store_set_limiter(s, &one);
    e = weft_table_new(s, WEFT_FUNCREF, 1, 0, false, &t);
    EXPECT(!e && t);
    weft_error_free(e);
    e = weft_table_new(s, WEFT_FUNCREF, 1, 0, false, &t);
    EXPECT(weft_error_kind_of(e) == WEFT_ERR_RESOURCE && !t);
    weft_error_free(e);
    weft_store_free(s);
}

typedef struct seen {
    int calls;
    uint64_t current, desired, maximum;
    uint64_t refuse_above;
} seen;

static bool memory_growing(void *user, uint64_t current, uint64_t desired, uint64_t maximum)
{
    seen *s = user;
    s->calls++;
    s->current = current;
    s->desired = desired;
    s->maximum = maximum;
    return desired <= s->refuse_above;
}

static bool table_growing(void *user, uint64_t current, uint64_t desired, uint64_t maximum)
{
    (void)current;
    (void)maximum;
    return desired <= ((seen *)user)->refuse_above / PAGE;
}

/* the callbacks see each growth (the creation too) and may refuse it */
static void test_callbacks(weft_engine *engine, weft_module *m)
{
    seen sn = {.refuse_above = 5 * PAGE};
    weft_limiter lim = {.memory_growing = memory_growing, .table_growing = table_growing,
                        .user = &sn};
    weft_store *s = weft_store_new(engine);
    weft_error *e;
    weft_store_set_limiter(s, &lim);
    weft_instance *inst = instantiate(s, m, &e);
    EXPECT(inst && !e);
    weft_error_free(e);
    EXPECT(sn.calls == 1 && sn.current == 0 && sn.desired == PAGE && sn.maximum == UINT64_MAX);
    if (inst) {
        EXPECT(call_i32(s, inst, "grow", 3) == 1);
        EXPECT(sn.calls == 2 && sn.current == PAGE && sn.desired == 4 * PAGE);
        EXPECT(call_i32(s, inst, "grow", 2) == -1);
        EXPECT(sn.calls == 3 && sn.desired == 6 * PAGE);
        EXPECT(call_i32(s, inst, "grow", 1) == 4);
        EXPECT(call_i32(s, inst, "tgrow", 4) == 1);  /* to 5 */
        EXPECT(call_i32(s, inst, "tgrow", 1) == -1); /* 6 refused */
    }
    weft_store_free(s);
}

/* Threads, each with a store of its own and the same limit, grow one shared memory by a page
 * at a time until refused: together they reach the limit exactly. */
#define NTHREADS 4
#define LIMIT_PAGES 40

typedef struct grower {
    weft_engine *engine;
    weft_module *module;
    weft_memory *mem;
    int grown;
    bool failed;
} grower;

static void *grow_thread(void *arg)
{
    grower *g = arg;
    weft_store *s = weft_store_new(g->engine);
    weft_limiter lim = {.memory_bytes = LIMIT_PAGES * (uint64_t)PAGE};
    weft_extern imp = {.kind = WEFT_EXTERN_MEMORY, .of.memory = g->mem};
    weft_instance *inst = NULL;
    weft_store_set_limiter(s, &lim);
    weft_error *e = weft_instance_new(s, g->module, &imp, 1, &inst);
    weft_func *f = inst ? weft_instance_func(inst, "grow") : NULL;
    g->failed = e || !f;
    weft_error_free(e);
    for (int i = 0; f && i < 1000; i++) {
        weft_val r;
        e = weft_call(s, f, NULL, 0, &r, 1);
        if (e || r.of.i32 < 0) {
            g->failed |= e != NULL;
            weft_error_free(e);
            break;
        }
        g->grown++;
    }
    weft_store_free(s);
    return NULL;
}

static void test_shared_memory(weft_engine *engine, weft_module *m)
{
    weft_memory *mem = NULL;
    EXPECT(weft_memory_new(engine, 1, 64, true, true, &mem) == NULL);
    if (!mem)
        return;
    grower g[NTHREADS];
    pthread_t th[NTHREADS];
    int total = 0;
    for (int i = 0; i < NTHREADS; i++) {
        g[i] = (grower){engine, m, mem, 0, false};
        pthread_create(&th[i], NULL, grow_thread, &g[i]);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        EXPECT(!g[i].failed);
        total += g[i].grown;
    }
    CHECK(total == LIMIT_PAGES - 1, "grown by %d pages together", total);
    EXPECT(weft_memory_size(mem) == LIMIT_PAGES * (uint64_t)PAGE);
    weft_memory_free(mem);
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *grow = NULL, *big = NULL, *shared = NULL;
    weft_error *e = weft_module_new(engine, grow_wasm, sizeof grow_wasm, &grow);
    if (!e)
        e = weft_module_new(engine, big_wasm, sizeof big_wasm, &big);
    if (!e)
        e = weft_module_new(engine, shared_wasm, sizeof shared_wasm, &shared);
    CHECK(!e, "loading: %s", weft_error_message(e));
    weft_error_free(e);
    if (!e) {
        test_grow_limits(engine, grow);
        test_instantiation_limits(engine, grow, big);
        test_callbacks(engine, grow);
        test_shared_memory(engine, shared);
    }
    weft_module_free(grow);
    weft_module_free(big);
    weft_module_free(shared);
    weft_engine_free(engine);
    return check_summary("test_limits");
}
