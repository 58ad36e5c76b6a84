/* test_worker_pool.c - pools: 100 tasks with results in submission order, futures with
 * callbacks, batches, tasks that trap (the worker is reused afterwards), a guest-convention
 * pool, shutdown that finishes or cancels the queue, terminate of running tasks, and
 * 1,000 workers created and terminated (LeakSanitizer checks that nothing is left). */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "test_worker_guests.h"

static weft_engine *engine;
static weft_module *echo_mod;

/* Square an INT; trap on a negative one by calling the guest's `explode`; an INT 1000 or
 * more posts twice (only the first post is the result). */
static weft_error *square(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    int64_t v = weft_msg_as_int(msg);
    if (v < 0) {
        weft_func *f = weft_instance_func(weft_scope_instance(s), "explode");
        return weft_call(weft_scope_store(s), f, NULL, 0, NULL, 0);
    }
    weft_msg *r = weft_msg_int(v * v);
    weft_error *err = weft_scope_post(s, r, NULL, 0);
    if (!err && v >= 1000)
        err = weft_scope_post(s, r, NULL, 0);
    weft_msg_free(r);
    return err;
}

static weft_pool *new_pool(weft_error *(*h)(weft_scope *, const weft_msg *, void *), uint32_t n)
{
    weft_worker_config cfg = {.module = echo_mod, .on_message = h};
    weft_pool *p = NULL;
    weft_error *err = weft_pool_new(engine, &cfg, n, &p);
    CHECK(!err && p, "pool of %u starts: %s", n, err ? weft_error_message(err) : "");
    weft_error_free(err);
    return p;
}

static void test_map_in_order(void)
{
    weft_pool *p = new_pool(square, 4);
    enum { N = 100 };
    weft_msg *tasks[N], *results[N];
    for (int i = 0; i < N; i++)
        tasks[i] = weft_msg_int(i);
    weft_error *err = weft_pool_map(p, (const weft_msg *const *)tasks, N, results);
    CHECK(!err, "map: %s", err ? weft_error_message(err) : "");
    int good = 0;
    for (int i = 0; i < N; i++) {
        good += weft_msg_as_int(results[i]) == (int64_t)i * i;
        weft_msg_free(results[i]);
        weft_msg_free(tasks[i]);
    }
    CHECK(good == N, "%d of %d results in submission order", good, N);
    weft_error_free(err);
    weft_pool_shutdown(p, true);
    weft_pool_free(p);
}

typedef struct tally {
    pthread_mutex_t lock;
    int64_t sum;
    int count;
} tally;

static void on_done(weft_future *f, void *user)
{
    tally *t = user;
    pthread_mutex_lock(&t->lock);
    t->sum += weft_msg_as_int(weft_future_result(f));
    t->count++;
    pthread_mutex_unlock(&t->lock);
}

static void test_futures_and_errors(void)
{
    weft_pool *p = new_pool(square, 3);
    tally t = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
    weft_future *fs[50];
    int64_t want = 0;
    for (int i = 0; i < 50; i++) {
        weft_msg *m = weft_msg_int(i);
        weft_error_free(weft_pool_submit(p, m, NULL, 0, &fs[i]));
        weft_future_then(fs[i], on_done, &t);
        want += (int64_t)i * i;
        weft_msg_free(m);
    }
    for (int i = 0; i < 50; i++) {
        CHECK(weft_future_wait(fs[i], 10 * SEC), "future %d completes", i);
        weft_future_free(fs[i]);
    }
    pthread_mutex_lock(&t.lock);
    CHECK(t.count == 50 && t.sum == want, "callbacks saw %d results summing to %lld", t.count,
          (long long)t.sum);
    pthread_mutex_unlock(&t.lock);

    /* a trapping task fails alone; the pool goes on (reusing its workers) */
    weft_msg *bad = weft_msg_int(-1), *two = weft_msg_int(1000);
    weft_future *fb, *f2;
    weft_error_free(weft_pool_submit(p, bad, NULL, 0, &fb));
    weft_error_free(weft_pool_submit(p, two, NULL, 0, &f2));
    weft_future_wait(fb, 10 * SEC);
    weft_future_wait(f2, 10 * SEC);
    const weft_error *e = weft_future_error(fb);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_UNREACHABLE && !weft_future_result(fb),
          "the trap is the task's error");
    CHECK(weft_msg_as_int(weft_future_result(f2)) == 1000000 && !weft_future_error(f2),
          "a task after a trap is served; the first post is the result");
    weft_msg *taken = weft_future_take(f2);
    CHECK(taken && !weft_future_take(f2), "take moves the result out once");
    weft_msg_free(taken);
    weft_future_free(fb);
    weft_future_free(f2);
    weft_msg_free(bad);
    weft_msg_free(two);
    weft_pool_free(p);
}

/* A guest-convention pool: each task is echoed by the guest through post_message. */
static void test_guest_pool_batch(void)
{
    weft_worker_config cfg = {.module = echo_mod};
    weft_pool *p = NULL;
    weft_error_free(weft_pool_new(engine, &cfg, 2, &p));
    enum { N = 20 };
    weft_msg *tasks[N];
    weft_future *fs[N];
    char text[N][32];
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "job %d", i);
        tasks[i] = weft_msg_string(text[i]);
    }
    weft_error *err = weft_pool_submit_batch(p, (const weft_msg *const *)tasks, N, fs);
    CHECK(!err, "batch submitted");
    int good = 0;
    for (int i = 0; !err && i < N; i++) {
        weft_future_wait(fs[i], 10 * SEC);
        weft_buffer *b = weft_msg_as_buffer(weft_future_result(fs[i]));
        good += b && weft_buffer_len(b) == strlen(text[i]) &&
                memcmp(weft_buffer_data(b), text[i], strlen(text[i])) == 0;
        weft_future_free(fs[i]);
    }
    CHECK(good == N, "%d of %d echoed by the guest", good, N);
    for (int i = 0; i < N; i++)
        weft_msg_free(tasks[i]);
    weft_error_free(err);
    weft_pool_free(p);
}

/* ---- shutdown: blocking tasks held at a gate ---- */

static weft_memory *gate;

static weft_error *gated(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_wait_result r;
    uint64_t open = 0;
    weft_error *err = NULL;
    while (!err && !(err = weft_atomic_load(gate, 0, 4, &open)) && !open)
        err = weft_atomic_wait(gate, 0, 4, 0, -1, s, &r);
    if (!err)
        err = weft_scope_post(s, msg, NULL, 0);
    return err;
}

static void *shutdown_thread(void *arg)
{
    weft_pool_shutdown(arg, false);
    return NULL;
}

static void open_gate(void)
{
    weft_error_free(weft_atomic_store(gate, 0, 4, 1));
    weft_error_free(weft_atomic_notify(gate, 0, UINT32_MAX, NULL));
}

/* Submit 2 tasks that block (one per worker) and `queued` more; wait until the 2 run. */
static void submit_gated(weft_pool *p, weft_future **fs, int n)
{
    for (int i = 0; i < n; i++) {
        weft_msg *m = weft_msg_int(i);
        weft_error_free(weft_pool_submit(p, m, NULL, 0, &fs[i]));
        weft_msg_free(m);
    }
    while (weft_pool_pending(p) > (size_t)n - 2)
        usleep(1000);
}

static void test_shutdown_modes(void)
{
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &gate));
    enum { N = 10 };
    weft_future *fs[N];

    /* finish_queued = false: running tasks finish, queued ones are cancelled */
    weft_pool *p = new_pool(gated, 2);
    submit_gated(p, fs, N);
    pthread_t th;
    pthread_create(&th, NULL, shutdown_thread, p);
    while (weft_pool_pending(p) > 0)
        usleep(1000);
    open_gate();
    pthread_join(th, NULL);
    int ok = 0, cancelled = 0;
    for (int i = 0; i < N; i++) {
        CHECK(weft_future_done(fs[i]), "every future is done after shutdown");
        ok += weft_future_result(fs[i]) != NULL;
        const weft_error *e = weft_future_error(fs[i]);
        cancelled += e && strstr(weft_error_message(e), "cancelled") != NULL;
        weft_future_free(fs[i]);
    }
    CHECK(ok == 2 && cancelled == N - 2, "%d finished, %d cancelled", ok, cancelled);
    weft_msg *late = weft_msg_null();
    weft_future *lf = NULL;
    weft_error *err = weft_pool_submit(p, late, NULL, 0, &lf);
    CHECK(err && !lf, "no submit after shutdown");
    weft_error_free(err);
    weft_pool_free(p);

    /* finish_queued = true: every task runs */
    weft_error_free(weft_atomic_store(gate, 0, 4, 0));
    p = new_pool(gated, 2);
    submit_gated(p, fs, N);
    open_gate();
    weft_pool_shutdown(p, true);
    ok = 0;
    for (int i = 0; i < N; i++) {
        ok += weft_future_done(fs[i]) && weft_future_result(fs[i]) != NULL;
        weft_future_free(fs[i]);
    }
    CHECK(ok == N, "drain: %d of %d finished", ok, N);
    weft_pool_free(p);

    /* terminate: running tasks are interrupted (their host wait too), queued cancelled */
    weft_error_free(weft_atomic_store(gate, 0, 4, 0));
    p = new_pool(gated, 2);
    submit_gated(p, fs, N);
    usleep(10000);
    int64_t t0 = now_ns();
    weft_pool_terminate(p);
    CHECK(now_ns() - t0 < 2 * SEC, "terminate is prompt");
    int interrupted = 0;
    for (int i = 0; i < N; i++) {
        const weft_error *e = weft_future_error(fs[i]);
        interrupted += e && weft_error_trap(e) == WEFT_TRAP_INTERRUPTED;
        weft_future_free(fs[i]);
    }
    CHECK(interrupted == 2, "%d running tasks interrupted", interrupted);
    weft_pool_free(p);
    weft_msg_free(late);
    weft_memory_free(gate);
}

static void test_pool_start_errors(void)
{
    weft_worker_config cfg = {.module = echo_mod, .on_message = square};
    weft_pool *p = NULL;
    weft_error *err = weft_pool_new(engine, &cfg, 0, &p);
    CHECK(err && !p, "a pool of 0 is refused");
    weft_error_free(err);
    /* the guest convention on a module without on_message fails at start, for the pool */
    weft_module *wake = test_module(engine, guest_wake, sizeof guest_wake);
    weft_worker_config bad = {.module = wake};
    err = weft_pool_new(engine, &bad, 2, &p);
    CHECK(err && !p, "a pool whose workers cannot start is not created");
    weft_error_free(err);
    weft_module_free(wake);
}

/* 1,000 workers started and terminated: half after serving a message, a quarter with one in
 * flight, a quarter before they even booted. */
static void test_thousand_workers(void)
{
    weft_msg *m = weft_msg_string("hi");
    int started = 0, replies = 0;
    for (int i = 0; i < 1000; i++) {
        weft_worker_config cfg = {.module = echo_mod};
        weft_worker *w = NULL;
        weft_error *err = weft_worker_new(engine, &cfg, &w);
        started += !err;
        weft_error_free(err);
        if (i % 2) { /* half run a message to the end: booted, instantiated, busy */
            weft_event ev;
            weft_error_free(weft_worker_post(w, m, NULL, 0));
            replies += weft_worker_next_event(w, 10 * SEC, &ev) && ev.kind == WEFT_EVENT_MESSAGE;
            weft_event_clear(&ev);
        } else if (i % 4 == 0) {
            weft_error_free(weft_worker_post(w, m, NULL, 0)); /* in flight at terminate */
        }
        weft_worker_free(w);
    }
    CHECK(started == 1000 && replies == 500, "%d workers started, %d replied", started, replies);
    weft_msg_free(m);
}

int main(void)
{
    engine = test_engine();
    echo_mod = engine ? test_module(engine, guest_echo, sizeof guest_echo) : NULL;
    if (!echo_mod)
        return 1;
    test_map_in_order();
    test_futures_and_errors();
    test_guest_pool_batch();
    test_shutdown_modes();
    test_pool_start_errors();
    test_thousand_workers();
    weft_module_free(echo_mod);
    weft_engine_free(engine);
    printf("worker_pool: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
