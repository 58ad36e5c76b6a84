/*
 * threads.h - the parking lot behind memory.atomic.wait32/wait64/notify and the host-side
 * atomics of the embedding API.
 *
 * Waiters are queued per address in a hashed table of buckets that belongs to the memory
 * (so a guest thread and a host thread waiting on the same shared memory meet in the same
 * lot, and nothing is global). Each waiter sleeps on its own condition variable; notify wakes
 * them in FIFO order. No busy waiting; a waiter is never lost because the value check and
 * the enqueue happen under the bucket's lock, which notify also takes.
 *
 * A wait can be cancelled from another thread (terminate, or a trap elsewhere in the
 * program) through a thr_cancel record that the waiting execution context owns.
 */
#ifndef WEFT_THREADS_H
#define WEFT_THREADS_H

#include <pthread.h>
#include <stdatomic.h>

#include "../runtime/runtime.h"

typedef struct thr_lot thr_lot;
typedef struct thr_waiter thr_waiter;

/* Owned by whoever may be waiting (an execution context). Zero-initialised is valid. */
typedef struct thr_cancel {
    atomic_int flag;                /* set once: every wait from now on returns at once */
    _Atomic(thr_waiter *) waiter;   /* the wait in progress, if any ...              */
    _Atomic(void *) bucket;         /* ... and the bucket it sleeps in; both written only
                                       under that bucket's lock */
} thr_cancel;

enum { THR_WOKEN = 0, THR_NOT_EQUAL = 1, THR_TIMED_OUT = 2, THR_CANCELLED = 3 };

thr_lot *thr_lot_new(void);
void thr_lot_free(thr_lot *lot);

/* Wait on the naturally aligned 4- or 8-byte word at host address `addr` while it equals
 * `expected`, for at most timeout_ns (negative: forever). Returns THR_*. */
int thr_lot_wait(thr_lot *lot, void *addr, uint64_t expected, int width, int64_t timeout_ns,
                 thr_cancel *cancel);
/* Wake up to `count` waiters on addr, oldest first. Returns how many were woken. */
uint32_t thr_lot_notify(thr_lot *lot, void *addr, uint32_t count);
/* Number of threads waiting on addr (for tests and the embedding API). */
uint32_t thr_lot_waiters(thr_lot *lot, void *addr);

/* Cancel: mark the record and wake its wait in progress, if any. Safe from any thread. */
void thr_cancel_signal(thr_cancel *c);

/* The lot of a memory, created on first use (NULL when out of memory). */
thr_lot *thr_memory_lot(weft_memory *m);

/* The memory.atomic.* semantics on a memory, with bounds and alignment already checked by
 * the caller. thr_wait returns 0 woken, 1 not-equal, 2 timed out, or -1 with *trap set
 * (WEFT_TRAP_EXPECTED_SHARED on an unshared memory, WEFT_TRAP_INTERRUPTED when cancelled). */
int32_t thr_wait(weft_memory *m, uint64_t addr, uint64_t expected, int width_bytes,
                 int64_t timeout_ns, thr_cancel *cancel, weft_trap_code *trap);
uint32_t thr_notify(weft_memory *m, uint64_t addr, uint32_t count);

#endif
