/* test_worker_atomics.c - host-side atomics on shared buffers and memories: every
 * read-modify-write, compare-exchange, bounds and alignment errors, wait results (not-equal,
 * timed-out, woken), host-host contention, and a host thread and a guest thread (a worker
 * blocked in memory.atomic.wait32) waking each other through the memory's one parking lot. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "test_worker_guests.h"

static weft_engine *engine;

static uint64_t ld(weft_memory *m, uint64_t off, int width)
{
    uint64_t v = 0;
    weft_error *err = weft_atomic_load(m, off, width, &v);
    CHECK(!err, "load at %llu", (unsigned long long)off);
    weft_error_free(err);
    return v;
}

static void test_rmw(void)
{
    weft_buffer *b = NULL;
    weft_error_free(weft_buffer_new_shared(engine, 4096, &b));
    weft_memory *m = weft_buffer_memory(b);
    uint64_t old = 0;
    weft_error_free(weft_atomic_store(m, 8, 4, 10));
    CHECK(ld(m, 8, 4) == 10, "store then load");
    static const struct { weft_atomic_op op; uint64_t operand, before, after; } steps[] = {
        {WEFT_ATOMIC_ADD, 5, 10, 15},      {WEFT_ATOMIC_SUB, 3, 15, 12},
        {WEFT_ATOMIC_AND, 0x6, 12, 4},     {WEFT_ATOMIC_OR, 0x3, 4, 7},
        {WEFT_ATOMIC_XOR, 0x5, 7, 2},      {WEFT_ATOMIC_EXCHANGE, 99, 2, 99},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        weft_error_free(weft_atomic_rmw(m, 8, 4, steps[i].op, steps[i].operand, &old));
        CHECK(old == steps[i].before && ld(m, 8, 4) == steps[i].after,
              "op %d: old %llu (want %llu), now %llu (want %llu)", steps[i].op,
              (unsigned long long)old, (unsigned long long)steps[i].before,
              (unsigned long long)ld(m, 8, 4), (unsigned long long)steps[i].after);
    }
    /* 32-bit wrap-around stays in 32 bits and leaves the neighbour alone */
    weft_error_free(weft_atomic_store(m, 12, 4, 0xAAAAAAAA));
    weft_error_free(weft_atomic_store(m, 8, 4, 0xFFFFFFFF));
    weft_error_free(weft_atomic_rmw(m, 8, 4, WEFT_ATOMIC_ADD, 1, NULL));
    CHECK(ld(m, 8, 4) == 0 && ld(m, 12, 4) == 0xAAAAAAAA, "32-bit add wraps in place");
    /* 64-bit */
    weft_error_free(weft_atomic_store(m, 16, 8, 0x1122334455667788ull));
    weft_error_free(weft_atomic_rmw(m, 16, 8, WEFT_ATOMIC_ADD, 0x100000000ull, &old));
    CHECK(old == 0x1122334455667788ull && ld(m, 16, 8) == 0x1122334555667788ull, "64-bit add");
    /* compare-exchange */
    weft_error_free(weft_atomic_cmpxchg(m, 8, 4, 1, 7, &old));
    CHECK(old == 0 && ld(m, 8, 4) == 0, "cmpxchg with the wrong expectation changes nothing");
    weft_error_free(weft_atomic_cmpxchg(m, 8, 4, 0, 7, &old));
    CHECK(old == 0 && ld(m, 8, 4) == 7, "cmpxchg with the right one swaps");
    /* the guest's view is the same bytes (little-endian on every host we run) */
    uint32_t raw;
    memcpy(&raw, weft_buffer_data(b) + 8, 4);
    CHECK(raw == 7, "the bytes in memory");
    weft_buffer_free(b);
}

static void expect_arg_error(weft_error *err, const char *needle)
{
    CHECK(err && weft_error_kind_of(err) == WEFT_ERR_ARG &&
          strstr(weft_error_message(err), needle), "an error mentioning '%s': %s", needle,
          err ? weft_error_message(err) : "none");
    weft_error_free(err);
}

static void test_errors(void)
{
    weft_memory *m = NULL, *plain = NULL;
    uint64_t v;
    weft_wait_result r;
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &m));
    weft_error_free(weft_memory_new(engine, 1, 1, true, false, &plain));
    expect_arg_error(weft_atomic_load(m, 65536, 4, &v), "out of bounds");
    expect_arg_error(weft_atomic_load(m, 65532, 8, &v), "out of bounds");
    expect_arg_error(weft_atomic_store(m, (uint64_t)-4, 4, 1), "out of bounds");
    expect_arg_error(weft_atomic_load(m, 2, 4, &v), "aligned");
    expect_arg_error(weft_atomic_rmw(m, 4, 8, WEFT_ATOMIC_ADD, 1, NULL), "aligned");
    expect_arg_error(weft_atomic_load(m, 0, 2, &v), "width");
    expect_arg_error(weft_atomic_wait(plain, 0, 4, 0, 0, NULL, &r), "unshared");
    weft_error *err = weft_atomic_rmw(plain, 0, 4, WEFT_ATOMIC_ADD, 3, NULL);
    CHECK(!err && ld(plain, 0, 4) == 3, "atomics work on an unshared memory too");
    weft_error_free(err);
    uint32_t woken = 99;
    weft_error_free(weft_atomic_notify(plain, 0, 1, &woken));
    CHECK(woken == 0, "nobody waits on an unshared memory");
    weft_memory_free(m);
    weft_memory_free(plain);
}

static void test_wait_results(void)
{
    weft_memory *m = NULL;
    weft_wait_result r = WEFT_WAIT_OK;
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &m));
    weft_error_free(weft_atomic_store(m, 0, 4, 5));
    weft_error_free(weft_atomic_wait(m, 0, 4, 4, -1, NULL, &r));
    CHECK(r == WEFT_WAIT_NOT_EQUAL, "not-equal returns at once");
    int64_t t0 = now_ns();
    weft_error_free(weft_atomic_wait(m, 0, 4, 5, 20 * 1000000, NULL, &r));
    int64_t dt = now_ns() - t0;
    CHECK(r == WEFT_WAIT_TIMED_OUT && dt >= 19 * 1000000, "timed-out after %lld us",
          (long long)(dt / 1000));
    weft_error_free(weft_atomic_store(m, 8, 8, 1ull << 40));
    weft_error_free(weft_atomic_wait(m, 8, 8, 1ull << 40, 1000000, NULL, &r));
    CHECK(r == WEFT_WAIT_TIMED_OUT, "a 64-bit wait compares all 64 bits");
    weft_memory_free(m);
}

/* ---- host threads contending with atomics, then a host-host wait/notify ring ---- */
#define ADDERS 4
#define ADDS 20000
static void *adder(void *arg)
{
    weft_memory *m = arg;
    for (int i = 0; i < ADDS; i++)
        weft_error_free(weft_atomic_rmw(m, 0, 4, WEFT_ATOMIC_ADD, 1, NULL));
    return NULL;
}

static void test_contention(void)
{
    weft_memory *m = NULL;
    pthread_t t[ADDERS];
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &m));
    for (int i = 0; i < ADDERS; i++)
        pthread_create(&t[i], NULL, adder, m);
    for (int i = 0; i < ADDERS; i++)
        pthread_join(t[i], NULL);
    CHECK(ld(m, 0, 4) == ADDERS * ADDS, "no lost update: %llu", (unsigned long long)ld(m, 0, 4));
    weft_memory_free(m);
}

/* ---- host and guest wake each other ---- */

static weft_memory *shared_mem;

static weft_error *import_mem(weft_linker *l, weft_store *s, void *user)
{
    (void)s;
    (void)user;
    weft_extern ext = {.kind = WEFT_EXTERN_MEMORY, .of.memory = shared_mem};
    return weft_linker_define(l, "env", "mem", ext);
}

/* Calls the guest's export named by the message and posts its i32 result. */
static weft_error *call_export(weft_scope *s, const weft_msg *msg, void *user)
{
    weft_val r;
    (void)user;
    weft_func *f = weft_instance_func(weft_scope_instance(s), weft_msg_as_string(msg, NULL));
    weft_error *err = weft_call(weft_scope_store(s), f, NULL, 0, &r, 1);
    if (err)
        return err;
    weft_msg *reply = weft_msg_int(r.of.i32);
    err = weft_scope_post(s, reply, NULL, 0);
    weft_msg_free(reply);
    return err;
}

static void test_host_and_guest_wake_each_other(void)
{
    weft_module *mod = test_module(engine, guest_wake, sizeof guest_wake);
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &shared_mem));
    weft_worker_config cfg = {.module = mod, .setup = import_mem, .on_message = call_export};
    weft_worker *w = NULL;
    weft_error_free(weft_worker_new(engine, &cfg, &w));
    weft_msg *go = weft_msg_string("handshake");
    weft_error_free(weft_worker_post(w, go, NULL, 0));

    /* The guest waits on word 0 (value 0) and nobody ever stores there, so it must block;
     * notify until it is found: the host wakes the guest. */
    uint32_t woken = 0;
    int64_t t0 = now_ns();
    while (woken == 0 && now_ns() - t0 < 10 * SEC) {
        weft_error_free(weft_atomic_notify(shared_mem, 0, 1, &woken));
        if (!woken)
            usleep(500);
    }
    CHECK(woken == 1, "the host woke the guest's memory.atomic.wait32");
    /* Now the guest notifies word 4 until one waiter is woken; the host blocks there (the
     * value stays 0): the guest wakes the host. */
    weft_wait_result r = WEFT_WAIT_TIMED_OUT;
    weft_error *err = weft_atomic_wait(shared_mem, 4, 4, 0, 10 * SEC, NULL, &r);
    CHECK(!err && r == WEFT_WAIT_OK, "the guest's memory.atomic.notify woke the host");
    weft_error_free(err);
    weft_event ev;
    CHECK(weft_worker_next_event(w, 10 * SEC, &ev) && ev.kind == WEFT_EVENT_MESSAGE &&
          weft_msg_as_int(ev.msg) == 0, "the guest's wait returned 0 (\"ok\")");
    weft_event_clear(&ev);
    weft_msg_free(go);
    weft_worker_free(w);
    weft_memory_free(shared_mem);
    weft_module_free(mod);
}

int main(void)
{
    engine = test_engine();
    if (!engine)
        return 1;
    test_rmw();
    test_errors();
    test_wait_results();
    test_contention();
    test_host_and_guest_wake_each_other();
    weft_engine_free(engine);
    printf("worker_atomics: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
