/*
 * workers_bench - what workers cost, each figure next to the thing it should be compared
 * with, measured in the same run:
 *   - message round trip (host -> worker -> host) vs a direct weft_call of the same export;
 *   - small-message throughput (messages per second into one worker);
 *   - posting a buffer of 1 KiB .. 64 MiB there and back, by copy vs by transfer (transfer
 *     moves a pointer, so its cost must stay flat as the size grows);
 *   - worker start-up (new -> first reply -> free) vs a bare pthread_create + join;
 *   - pool overhead per task vs a direct call.
 *
 *   make worker-bench && build/bench/workers_bench [-q]     (-q: fewer iterations)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft.h"

/* (module (memory (export "memory") 1)
 *   (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))) */
static const uint8_t add_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x10,
    0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x61, 0x64, 0x64,
    0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

static weft_engine *engine;
static weft_module *module;
static int scale = 1; /* -q divides the iteration counts */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(weft_error *err, const char *what)
{
    if (!err)
        return;
    fprintf(stderr, "%s: %s\n", what, weft_error_message(err));
    exit(1);
}

/* ---- handlers ---- */

/* Echo the message back; a map {buf, transfer} sends buf back by transfer when asked. */
static weft_error *echo(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    if (weft_msg_kind_of(msg) == WEFT_MSG_MAP) {
        weft_buffer *buf = weft_msg_as_buffer(weft_msg_get(msg, "buf"));
        bool transfer = weft_msg_as_bool(weft_msg_get(msg, "transfer"));
        return weft_scope_post(s, msg, transfer ? &buf : NULL, transfer ? 1 : 0);
    }
    return weft_scope_post(s, msg, NULL, 0);
}

/* Count messages; reply to a NULL with the count. */
static weft_error *counter(weft_scope *s, const weft_msg *msg, void *user)
{
    long *n = user;
    if (weft_msg_kind_of(msg) != WEFT_MSG_NULL) {
        ++*n;
        return NULL;
    }
    weft_msg *r = weft_msg_int(*n);
    weft_error *err = weft_scope_post(s, r, NULL, 0);
    weft_msg_free(r);
    return err;
}

/* Call add(x, 1) in the worker's instance and post the result. */
static weft_error *call_add(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_val args[2] = {weft_val_i32((int32_t)weft_msg_as_int(msg)), weft_val_i32(1)}, r;
    weft_error *err = weft_call(weft_scope_store(s), weft_instance_func(weft_scope_instance(s), "add"),
                                args, 2, &r, 1);
    if (err)
        return err;
    weft_msg *reply = weft_msg_int(r.of.i32);
    err = weft_scope_post(s, reply, NULL, 0);
    weft_msg_free(reply);
    return err;
}

static weft_worker *start(weft_error *(*h)(weft_scope *, const weft_msg *, void *), void *user)
{
    weft_worker_config cfg = {.module = module, .on_message = h, .user = user};
    weft_worker *w;
    die(weft_worker_new(engine, &cfg, &w), "worker");
    return w;
}

static weft_msg *reply(weft_worker *w)
{
    weft_event ev;
    if (!weft_worker_next_event(w, -1, &ev) || ev.kind != WEFT_EVENT_MESSAGE) {
        fprintf(stderr, "worker failed: %s\n", ev.error ? weft_error_message(ev.error) : "?");
        exit(1);
    }
    return ev.msg;
}

/* The direct call everything is compared with: add(x, 1) on this thread, ns per call. */
static double direct_call_ns(void)
{
    weft_store *s = weft_store_new(engine);
    weft_instance *inst;
    die(weft_instance_new(s, module, NULL, 0, &inst), "instance");
    weft_func *add = weft_instance_func(inst, "add");
    int n = 2000000 / scale;
    weft_val args[2], r = weft_val_i32(0);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        args[0] = weft_val_i32(r.of.i32);
        args[1] = weft_val_i32(1);
        die(weft_call(s, add, args, 2, &r, 1), "call");
    }
    double dt = now() - t0;
    weft_store_free(s);
    return dt / n * 1e9;
}

static void bench_round_trip(double direct_ns)
{
    weft_worker *w = start(call_add, NULL);
    int n = 20000 / scale;
    weft_msg *m = weft_msg_int(1);
    weft_msg_free((weft_error_free(weft_worker_post(w, m, NULL, 0)), reply(w))); /* warm up */
    double t0 = now();
    for (int i = 0; i < n; i++) {
        die(weft_worker_post(w, m, NULL, 0), "post");
        weft_msg_free(reply(w));
    }
    double rt = (now() - t0) / n * 1e9;
    printf("round trip (post, add() in the worker, reply): %8.2f us   = %6.0fx a direct call "
           "(%.1f ns)\n", rt / 1e3, rt / direct_ns, direct_ns);
    weft_msg_free(m);
    weft_worker_free(w);
}

static void bench_throughput(void)
{
    long count = 0;
    weft_worker *w = start(counter, &count);
    int n = 400000 / scale;
    weft_msg *m = weft_msg_int(7), *end = weft_msg_null();
    double t0 = now();
    for (int i = 0; i < n; i++)
        die(weft_worker_post(w, m, NULL, 0), "post");
    die(weft_worker_post(w, end, NULL, 0), "post");
    weft_msg *r = reply(w);
    double dt = now() - t0;
    printf("small-message throughput (int messages into one worker): %.2f M msg/s (%ld "
           "handled)\n", n / dt / 1e6, (long)weft_msg_as_int(r));
    weft_msg_free(r);
    weft_msg_free(m);
    weft_msg_free(end);
    weft_worker_free(w);
}

/* Seconds per round trip of a buffer of len bytes, by copy or by transfer both ways. */
static double buffer_round_trip(weft_worker *w, size_t len, bool transfer, int iters)
{
    weft_buffer *b = weft_buffer_new(len);
    if (!b) {
        fprintf(stderr, "out of memory for %zu bytes\n", len);
        exit(1);
    }
    memset(weft_buffer_data(b), 1, len);
    double t0 = now();
    for (int i = 0; i < iters; i++) {
        weft_msg *m = weft_msg_map();
        weft_msg_set(m, "buf", weft_msg_buffer(b));
        weft_msg_set(m, "transfer", weft_msg_bool(transfer));
        die(weft_worker_post(w, m, transfer ? &b : NULL, transfer ? 1 : 0), "post");
        weft_msg_free(m);
        weft_msg *r = reply(w);
        weft_buffer_free(b);
        b = weft_buffer_ref(weft_msg_as_buffer(weft_msg_get(r, "buf")));
        weft_msg_free(r);
    }
    double dt = (now() - t0) / iters;
    weft_buffer_free(b);
    return dt;
}

static void bench_copy_vs_transfer(void)
{
    weft_worker *w = start(echo, NULL);
    printf("buffer there and back      by copy        by transfer    copy/transfer\n");
    for (size_t len = 1024; len <= (size_t)64 << 20; len *= 8) {
        if (len == (size_t)32 << 20)
            len = (size_t)64 << 20; /* 1K 8K 64K 512K 4M 32M -> end at 64M */
        int iters = 2000 / scale; /* a copy of megabytes is slow: fewer of them */
        double copy = buffer_round_trip(w, len, false, len >= (4u << 20) ? 6 : iters);
        double move = buffer_round_trip(w, len, true, iters);
        printf("  %8zu KiB          %10.1f us     %10.1f us     %8.1fx\n", len / 1024,
               copy * 1e6, move * 1e6, copy / move);
    }
    weft_worker_free(w);
}

static void *nothing(void *arg) { return arg; }

static void bench_startup(void)
{
    int n = 300 / scale;
    weft_msg *m = weft_msg_int(1);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        weft_worker *w = start(call_add, NULL);
        die(weft_worker_post(w, m, NULL, 0), "post");
        weft_msg_free(reply(w));
        weft_worker_free(w);
    }
    double worker = (now() - t0) / n;
    t0 = now();
    for (int i = 0; i < n; i++) {
        pthread_t t;
        pthread_create(&t, NULL, nothing, NULL);
        pthread_join(t, NULL);
    }
    double thread = (now() - t0) / n;
    printf("worker start-up (new, instantiate, first reply, terminate): %7.1f us   = %5.1fx a "
           "bare pthread create+join (%.1f us)\n", worker * 1e6, worker / thread, thread * 1e6);
    weft_msg_free(m);
}

static void bench_pool(double direct_ns)
{
    weft_worker_config cfg = {.module = module, .on_message = call_add};
    for (uint32_t size = 1; size <= 2; size++) {
        weft_pool *p;
        die(weft_pool_new(engine, &cfg, size, &p), "pool");
        enum { BATCH = 1000 };
        int rounds = 100 / scale;
        weft_msg *tasks[BATCH], *results[BATCH];
        for (int i = 0; i < BATCH; i++)
            tasks[i] = weft_msg_int(i);
        double t0 = now();
        for (int r = 0; r < rounds; r++) {
            die(weft_pool_map(p, (const weft_msg *const *)tasks, BATCH, results), "map");
            for (int i = 0; i < BATCH; i++)
                weft_msg_free(results[i]);
        }
        double per = (now() - t0) / ((double)rounds * BATCH) * 1e9;
        printf("pool of %u, batches of %d: %7.2f us per task   = %6.0fx a direct call\n", size,
               BATCH, per / 1e3, per / direct_ns);
        for (int i = 0; i < BATCH; i++)
            weft_msg_free(tasks[i]);
        weft_pool_free(p);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-q") == 0)
        scale = 10;
    engine = weft_engine_new(NULL);
    die(weft_module_new(engine, add_wasm, sizeof add_wasm, &module), "module");
    double direct = direct_call_ns();
    bench_round_trip(direct);
    bench_throughput();
    bench_copy_vs_transfer();
    bench_startup();
    bench_pool(direct);
    weft_module_free(module);
    weft_engine_free(engine);
    return 0;
}
