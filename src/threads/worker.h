/*
 * worker.h - the worker layer's internals: message trees and buffers (message.c), the job
 * queue and the worker thread (worker.c), futures and pools (pool.c), host atomics
 * (host_atomics.c). Prefixes: msg_ for messages, wk_ for workers and queues, pool_ for pools.
 */
#ifndef WEFT_WORKER_H
#define WEFT_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "threads.h"

/* ------------------------------------------------------------------------------------------ */
/* message.c */

struct weft_buffer {
    atomic_int refs;
    uint8_t *data;       /* NULL once detached; a shared buffer's points into its memory */
    size_t len;
    bool detached;
    weft_memory *memory; /* shared buffers: the backing memory (holds a reference) */
};

struct weft_msg {
    weft_msg_kind kind;
    weft_msg *parent;    /* the array or map holding this item, for cycle checks */
    union {
        bool b;
        int64_t i;
        double d;
        struct { char *s; size_t len; } str;
        weft_buffer *buf;
        weft_memory *mem;
        struct { weft_msg **items; char **keys; size_t n, cap; } list; /* keys: maps only */
    } u;
};

/* Deep nesting is refused rather than recursed into without bound. */
#define MSG_MAX_DEPTH 256

/* The structured clone of a post: a deep copy of msg where the buffers in transfer move.
 * On success the transferred buffers are detached and *out owns the copy; on failure
 * nothing changed and the error (WEFT_ERR_ARG, a messageerror's reason) is returned. */
weft_error *msg_post_clone(const weft_msg *msg, weft_buffer *const *transfer, size_t ntransfer,
                           weft_msg **out);

/* ------------------------------------------------------------------------------------------ */
/* worker.c: jobs and the queue a worker (or a pool's workers) take them from */

typedef struct wk_job {
    weft_msg *msg;              /* owned */
    struct weft_future *future; /* a pool task's future (holds a reference), or NULL */
    struct wk_job *next;
} wk_job;

typedef struct wk_queue {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    wk_job *head, *tail;
    size_t len;
    bool closed;                /* no more pushes; takers leave once it is empty */
} wk_queue;

void wk_queue_init(wk_queue *q);
void wk_queue_destroy(wk_queue *q); /* the queue must be empty */
/* Append (or, with many, append a chain in order under one lock). False once closed. */
bool wk_queue_push(wk_queue *q, wk_job *first, wk_job *last, size_t n);
/* Close it and return the jobs still queued (the caller disposes of them). */
wk_job *wk_queue_close(wk_queue *q, bool take_queued);
void wk_job_free(wk_job *j);

/* Start a worker whose jobs come from `queue` (NULL: a queue of its own). `pool` marks pool
 * workers: pool_future_* receives their results. ready_wait: block until it has instantiated
 * the module, returning its start error. */
weft_error *wk_start(weft_engine *e, const weft_worker_config *cfg, wk_queue *queue,
                     bool ready_wait, weft_worker **out);
/* Interrupt whatever the worker runs (no join). */
void wk_interrupt(weft_worker *w);
/* Wait for the worker's thread to end on its own (its queue closed), then free it. */
void wk_join_free(weft_worker *w);
/* The CLOCK_REALTIME deadline timeout_ns from now, for pthread_cond_timedwait; false (and
 * nothing set) when timeout_ns is negative: no deadline. */
bool wk_deadline(struct timespec *ts, int64_t timeout_ns);
/* Raise an event for the worker's parent (callback or queue). Takes the contents. */
void wk_raise(weft_worker *w, weft_event_kind kind, weft_msg *msg, weft_error *err);

/* ------------------------------------------------------------------------------------------ */
/* pool.c: futures */

struct weft_future *pool_future_new(void);
/* Complete (the first completion wins; later ones free what they are given). True if this
 * call completed it. */
bool pool_future_complete(struct weft_future *f, weft_msg *result, weft_error *err);
bool pool_future_is_done(struct weft_future *f);

/* ------------------------------------------------------------------------------------------ */
/* worker.c, for host_atomics.c */

/* The worker's record that terminate signals, for host waits made inside a handler. */
thr_cancel *wk_scope_cancel(weft_scope *s);

#endif
