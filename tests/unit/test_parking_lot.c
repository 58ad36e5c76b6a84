/* test_parking_lot.c - wait/notify: 100,000 hand-offs without a lost wake-up, FIFO order,
 * timeouts, value mismatch, cancellation of a blocked wait, notify counts.
 * Also run under ThreadSanitizer by `make check-sanitize`. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "threads/threads.h"

#include "check.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait (with the usual re-check loop) until *word == want. */
static void wait_until(thr_lot *lot, _Atomic uint32_t *word, uint32_t want)
{
    uint32_t v;
    while ((v = atomic_load(word)) != want)
        thr_lot_wait(lot, (void *)word, v, 4, -1, NULL);
}

/* ---- ping-pong: two threads pass a turn back and forth HANDOFFS times ---- */
#define HANDOFFS 100000
typedef struct table {
    thr_lot *lot;
    _Atomic uint32_t turn;
} table;
typedef struct player {
    table *t;
    uint32_t me;
    long moves;
} player;

static void *pp_run(void *arg)
{
    player *p = arg;
    for (int i = 0; i < HANDOFFS / 2; i++) {
        wait_until(p->t->lot, &p->t->turn, p->me);
        atomic_store(&p->t->turn, 1 - p->me);
        thr_lot_notify(p->t->lot, (void *)&p->t->turn, 1);
        p->moves++;
    }
    return NULL;
}

static void test_pingpong(void)
{
    table t = {.lot = thr_lot_new(), .turn = 0};
    player a = {&t, 0, 0}, b = {&t, 1, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, pp_run, &a);
    pthread_create(&tb, NULL, pp_run, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.moves + b.moves == HANDOFFS, "hand-offs %ld", a.moves + b.moves);
    CHECK(atomic_load(&t.turn) == 0, "final turn %u", atomic_load(&t.turn));
    thr_lot_free(t.lot);
}

/* ---- FIFO: waiters queued in a known order wake in that order ---- */
#define FIFO_N 6
typedef struct fifo {
    thr_lot *lot;
    _Atomic uint32_t word;
    _Atomic int order[FIFO_N];
    _Atomic int next;
} fifo;
typedef struct fifo_arg {
    fifo *f;
    int id;
} fifo_arg;

static void *fifo_run(void *arg)
{
    fifo_arg *a = arg;
    int r = thr_lot_wait(a->f->lot, (void *)&a->f->word, 0, 4, -1, NULL);
    if (r == THR_WOKEN)
        atomic_store(&a->f->order[atomic_fetch_add(&a->f->next, 1)], a->id);
    return NULL;
}

static void test_fifo(void)
{
    fifo f = {.lot = thr_lot_new()};
    pthread_t th[FIFO_N];
    fifo_arg args[FIFO_N];
    for (int i = 0; i < FIFO_N; i++) {
        args[i] = (fifo_arg){&f, i};
        pthread_create(&th[i], NULL, fifo_run, &args[i]);
        /* make the queue order deterministic: wait until this one is parked */
        while (thr_lot_waiters(f.lot, (void *)&f.word) != (uint32_t)i + 1)
            usleep(100);
    }
    for (int i = 0; i < FIFO_N; i++) {
        uint32_t n = thr_lot_notify(f.lot, (void *)&f.word, 1);
        CHECK(n == 1, "notify woke %u", n);
        while (atomic_load(&f.next) != i + 1)
            usleep(100);
    }
    for (int i = 0; i < FIFO_N; i++) {
        pthread_join(th[i], NULL);
        CHECK(atomic_load(&f.order[i]) == i, "wake %d was waiter %d", i, atomic_load(&f.order[i]));
    }
    CHECK(thr_lot_notify(f.lot, (void *)&f.word, 5) == 0, "notify with nobody waiting");
    thr_lot_free(f.lot);
}

/* ---- timeouts, mismatch, notify count ---- */
static void test_timeout_and_mismatch(void)
{
    thr_lot *lot = thr_lot_new();
    _Atomic uint64_t word = 42;
    int64_t t0 = now_ns();
    int r = thr_lot_wait(lot, (void *)&word, 42, 8, 20 * 1000000, NULL);
    int64_t took = now_ns() - t0;
    CHECK(r == THR_TIMED_OUT, "timed wait returned %d", r);
    CHECK(took >= 20 * 1000000, "timed out after only %lld ns", (long long)took);
    CHECK(thr_lot_wait(lot, (void *)&word, 41, 8, -1, NULL) == THR_NOT_EQUAL, "64-bit mismatch");
    CHECK(thr_lot_wait(lot, (void *)&word, 42, 8, 0, NULL) == THR_TIMED_OUT, "zero timeout");
    CHECK(thr_lot_waiters(lot, (void *)&word) == 0, "no waiter left behind");
    thr_lot_free(lot);
}

/* ---- cancellation: a thread blocked forever is released by thr_cancel_signal ---- */
typedef struct cancel_arg {
    thr_lot *lot;
    _Atomic uint32_t word;
    thr_cancel cancel;
    _Atomic int result;
} cancel_arg;

static void *cancel_run(void *arg)
{
    cancel_arg *c = arg;
    atomic_store(&c->result, thr_lot_wait(c->lot, (void *)&c->word, 0, 4, -1, &c->cancel));
    return NULL;
}

static void test_cancel(void)
{
    cancel_arg c = {.lot = thr_lot_new(), .result = -1};
    pthread_t th;
    pthread_create(&th, NULL, cancel_run, &c);
    while (thr_lot_waiters(c.lot, (void *)&c.word) != 1)
        usleep(100);
    thr_cancel_signal(&c.cancel);
    pthread_join(th, NULL);
    CHECK(atomic_load(&c.result) == THR_CANCELLED, "cancelled wait returned %d", atomic_load(&c.result));
    CHECK(thr_lot_waiters(c.lot, (void *)&c.word) == 0, "cancelled waiter unlinked");
    /* once cancelled, further waits return at once */
    CHECK(thr_lot_wait(c.lot, (void *)&c.word, 0, 4, -1, &c.cancel) == THR_CANCELLED, "sticky cancel");
    thr_lot_free(c.lot);
}

/* ---- cancel racing with waits: many rounds, never a hang ---- */
static void test_cancel_race(void)
{
    for (int round = 0; round < 200; round++) {
        cancel_arg c = {.lot = thr_lot_new(), .result = -1};
        pthread_t th;
        pthread_create(&th, NULL, cancel_run, &c);
        if (round & 1)
            usleep(round % 7 * 10);
        thr_cancel_signal(&c.cancel);
        pthread_join(th, NULL);
        CHECK(atomic_load(&c.result) == THR_CANCELLED, "round %d returned %d", round,
              atomic_load(&c.result));
        thr_lot_free(c.lot);
    }
}

int main(void)
{
    test_pingpong();
    test_fifo();
    test_timeout_and_mismatch();
    test_cancel();
    test_cancel_race();
    printf("parking_lot: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
