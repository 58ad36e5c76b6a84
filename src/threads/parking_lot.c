/*
 * parking_lot.c - wait/notify: waiters queued per address in hashed buckets, one condition
 * variable per waiter, FIFO wake-up, cancellable waits.
 *
 * Why per-waiter condition variables: notify(addr, 1) must wake exactly the oldest waiter on
 * addr, not every thread parked in the same bucket; signalling its own condvar does that
 * without a thundering herd.
 *
 * Cancellation protocol (thr_cancel): a waiter publishes {bucket, waiter} in its cancel
 * record while holding the bucket lock and then reads the cancel flag; the canceller sets
 * the flag and then reads the bucket. With sequentially consistent atomics one of the two
 * always sees the other: either the waiter sees the flag before sleeping, or the canceller
 * finds the bucket, takes its lock (so the waiter is either not yet asleep or asleep on its
 * condvar) and signals it. The record is cleared under the same lock before the waiter's
 * stack frame goes away, so the canceller never touches a dead waiter.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "threads.h"

#define LOT_BUCKETS 64

/* Before parking, a waiter re-checks the value for a few microseconds. Hand-offs between
 * threads (ping-pong, a lock released quickly, a producer answering a consumer) then finish
 * without a sleep and a kernel wake-up, which cost ~20 us on a virtual machine. Returning
 * "not-equal" after the spin is what the waiter would have seen had it reached the wait a
 * moment later, so the semantics of wait are unchanged; a wait that must sleep loses only
 * the spin. Bounded, so it never becomes busy waiting. */
#define LOT_SPINS 2000

static inline void lot_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

struct thr_waiter {
    pthread_cond_t cv;
    void *addr;
    thr_waiter *next;
    bool woken;
};

typedef struct lot_bucket {
    pthread_mutex_t lock;
    thr_waiter *head, *tail;
} lot_bucket;

struct thr_lot {
    lot_bucket buckets[LOT_BUCKETS];
};

thr_lot *thr_lot_new(void)
{
    thr_lot *lot = calloc(1, sizeof *lot);
    if (!lot)
        return NULL;
    for (int i = 0; i < LOT_BUCKETS; i++)
        pthread_mutex_init(&lot->buckets[i].lock, NULL);
    return lot;
}

void thr_lot_free(thr_lot *lot)
{
    if (!lot)
        return;
    for (int i = 0; i < LOT_BUCKETS; i++)
        pthread_mutex_destroy(&lot->buckets[i].lock);
    free(lot);
}

static lot_bucket *lot_bucket_of(thr_lot *lot, void *addr)
{
    uint64_t h = (uint64_t)(uintptr_t)addr * 0x9E3779B97F4A7C15ull;
    return &lot->buckets[h >> 58]; /* top 6 bits: 64 buckets */
}

static void lot_unlink(lot_bucket *b, thr_waiter *w)
{
    thr_waiter **pp = &b->head, *prev = NULL;
    while (*pp && *pp != w) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    *pp = w->next;
    if (b->tail == w)
        b->tail = prev;
}

static bool lot_value_equals(void *addr, uint64_t expected, int width)
{
    if (width == 8)
        return atomic_load((_Atomic uint64_t *)addr) == expected;
    return atomic_load((_Atomic uint32_t *)addr) == (uint32_t)expected;
}

static void lot_deadline(struct timespec *ts, int64_t timeout_ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    int64_t sec = timeout_ns / 1000000000;
    long nsec = (long)(timeout_ns % 1000000000);
    ts->tv_sec += (time_t)sec;
    ts->tv_nsec += nsec;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

int thr_lot_wait(thr_lot *lot, void *addr, uint64_t expected, int width, int64_t timeout_ns,
                 thr_cancel *cancel)
{
    lot_bucket *b = lot_bucket_of(lot, addr);
    thr_waiter wait, *w = &wait;
    struct timespec deadline;
    int result;
    bool forever = timeout_ns < 0 || timeout_ns > (int64_t)1e18; /* ~31 years: forever */

    if (!forever)
        lot_deadline(&deadline, timeout_ns); /* before the spin: the timeout includes it */
    if (timeout_ns != 0) {
        for (int i = 0; i < LOT_SPINS; i++) {
            if (!lot_value_equals(addr, expected, width))
                return THR_NOT_EQUAL;
            if (cancel && atomic_load_explicit(&cancel->flag, memory_order_relaxed))
                break; /* the locked path below reports the cancellation */
            lot_cpu_relax();
        }
    }

    w->addr = addr;
    w->next = NULL;
    w->woken = false;
    {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&w->cv, &ca);
        pthread_condattr_destroy(&ca);
    }

    pthread_mutex_lock(&b->lock);
    if (cancel) {
        atomic_store(&cancel->bucket, (void *)b);
        atomic_store(&cancel->waiter, w);
        if (atomic_load(&cancel->flag)) {
            result = THR_CANCELLED;
            goto out;
        }
    }
    if (!lot_value_equals(addr, expected, width)) {
        result = THR_NOT_EQUAL;
        goto out;
    }
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
    for (;;) {
        int rc = 0;
        if (w->woken) {
            result = THR_WOKEN;
            break;
        }
        if (cancel && atomic_load(&cancel->flag)) {
            lot_unlink(b, w);
            result = THR_CANCELLED;
            break;
        }
        if (forever)
            pthread_cond_wait(&w->cv, &b->lock);
        else
            rc = pthread_cond_timedwait(&w->cv, &b->lock, &deadline);
        if (rc == ETIMEDOUT && !w->woken) {
            lot_unlink(b, w);
            result = THR_TIMED_OUT;
            break;
        }
    }
out:
    if (cancel) {
        atomic_store(&cancel->waiter, NULL);
        atomic_store(&cancel->bucket, NULL);
    }
    pthread_mutex_unlock(&b->lock);
    pthread_cond_destroy(&w->cv);
    return result;
}

uint32_t thr_lot_notify(thr_lot *lot, void *addr, uint32_t count)
{
    lot_bucket *b = lot_bucket_of(lot, addr);
    uint32_t n = 0;
    pthread_mutex_lock(&b->lock);
    thr_waiter **pp = &b->head, *prev = NULL;
    while (*pp && n < count) {
        thr_waiter *w = *pp;
        if (w->addr == addr) {
            *pp = w->next;
            if (b->tail == w)
                b->tail = prev;
            w->woken = true;
            pthread_cond_signal(&w->cv);
            n++;
        } else {
            prev = w;
            pp = &w->next;
        }
    }
    pthread_mutex_unlock(&b->lock);
    return n;
}

uint32_t thr_lot_waiters(thr_lot *lot, void *addr)
{
    lot_bucket *b = lot_bucket_of(lot, addr);
    uint32_t n = 0;
    pthread_mutex_lock(&b->lock);
    for (thr_waiter *w = b->head; w; w = w->next)
        n += w->addr == addr;
    pthread_mutex_unlock(&b->lock);
    return n;
}

void thr_cancel_signal(thr_cancel *c)
{
    atomic_store(&c->flag, 1);
    /* Find the bucket, lock it, and confirm the record still names it: only then is the
     * waiter it names alive (it clears the record under this lock before returning). A wait
     * that starts after the flag was set sees the flag and returns, so the loop ends. */
    for (;;) {
        lot_bucket *b = atomic_load(&c->bucket);
        if (!b)
            return;
        pthread_mutex_lock(&b->lock);
        if (atomic_load(&c->bucket) == (void *)b) {
            thr_waiter *w = atomic_load(&c->waiter);
            if (w)
                pthread_cond_signal(&w->cv);
            pthread_mutex_unlock(&b->lock);
            return;
        }
        pthread_mutex_unlock(&b->lock);
    }
}

thr_lot *thr_memory_lot(weft_memory *m)
{
    thr_lot *lot = atomic_load(&m->lot);
    if (lot)
        return lot;
    thr_lot *fresh = thr_lot_new();
    if (!fresh)
        return NULL;
    if (atomic_compare_exchange_strong(&m->lot, &lot, fresh))
        return fresh;
    thr_lot_free(fresh); /* another thread won the race; `lot` now holds its lot */
    return lot;
}

int32_t thr_wait(weft_memory *m, uint64_t addr, uint64_t expected, int width_bytes,
                 int64_t timeout_ns, thr_cancel *cancel, weft_trap_code *trap)
{
    if (!m->shared) {
        *trap = WEFT_TRAP_EXPECTED_SHARED;
        return -1;
    }
    thr_lot *lot = thr_memory_lot(m);
    if (!lot) {
        *trap = WEFT_TRAP_HOST;
        return -1;
    }
    int r = thr_lot_wait(lot, m->base + addr, expected, width_bytes, timeout_ns, cancel);
    if (r == THR_CANCELLED) {
        *trap = WEFT_TRAP_INTERRUPTED;
        return -1;
    }
    return r;
}

uint32_t thr_notify(weft_memory *m, uint64_t addr, uint32_t count)
{
    thr_lot *lot = atomic_load(&m->lot);
    if (!m->shared || !lot)
        return 0; /* nobody can be waiting */
    return thr_lot_notify(lot, m->base + addr, count);
}
