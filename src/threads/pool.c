/*
 * pool.c - worker pools and futures: the web's worker-pool pattern, native.
 *
 * N workers (worker.c) take jobs from one FIFO queue, so an idle worker always takes the
 * oldest task and no dispatcher thread is needed. Each task carries a future: the worker
 * completes it with the first message the handler posts (or a NULL message), or with the
 * handler's error. A future is shared by the caller and the task (two references).
 */
#include <string.h>
#include <time.h>

#include "worker.h"
#include "../util/util.h"

struct weft_future {
    atomic_int refs;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;             /* result or error set: readable (the callback reads them) */
    bool settled;          /* done and the callback has returned: waiters may go on */
    weft_msg *result;
    weft_error *error;
    void (*then)(weft_future *f, void *user);
    void *then_user;
};

struct weft_pool {
    wk_queue queue;
    weft_worker **workers;
    uint32_t n;
    bool ended;            /* shut down or terminated: workers joined and freed */
};

/* ------------------------------------------------------------------------------------------ */
/* Futures */

weft_future *pool_future_new(void)
{
    weft_future *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    atomic_init(&f->refs, 1);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    return f;
}

bool pool_future_complete(weft_future *f, weft_msg *result, weft_error *err)
{
    pthread_mutex_lock(&f->lock);
    if (f->done) {
        pthread_mutex_unlock(&f->lock);
        weft_msg_free(result);
        weft_error_free(err);
        return false;
    }
    f->done = true;
    f->result = err ? NULL : result;
    f->error = err;
    if (err)
        weft_msg_free(result);
    void (*then)(weft_future *, void *) = f->then;
    f->then = NULL;
    pthread_mutex_unlock(&f->lock);
    /* the completing task holds a reference, so f outlives the callback; waiters are released
     * after it, so that whoever waited sees what the callback did */
    if (then)
        then(f, f->then_user);
    pthread_mutex_lock(&f->lock);
    f->settled = true;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    return true;
}

bool pool_future_is_done(weft_future *f)
{
    pthread_mutex_lock(&f->lock);
    bool done = f->done;
    pthread_mutex_unlock(&f->lock);
    return done;
}

bool weft_future_done(weft_future *f)
{
    if (!f)
        return false;
    pthread_mutex_lock(&f->lock);
    bool settled = f->settled;
    pthread_mutex_unlock(&f->lock);
    return settled;
}

bool weft_future_wait(weft_future *f, int64_t timeout_ns)
{
    struct timespec ts;
    if (!f)
        return false;
    wk_deadline(&ts, timeout_ns);
    pthread_mutex_lock(&f->lock);
    while (!f->settled && timeout_ns != 0) {
        int rc = timeout_ns < 0 ? pthread_cond_wait(&f->cond, &f->lock)
                                : pthread_cond_timedwait(&f->cond, &f->lock, &ts);
        if (rc != 0)
            break;
    }
    bool done = f->settled;
    pthread_mutex_unlock(&f->lock);
    return done;
}

/* Once done, result and error are written no more: reading them needs no lock, but the
 * done flag must be seen under it first. */
const weft_msg *weft_future_result(weft_future *f)
{
    return f && pool_future_is_done(f) ? f->result : NULL;
}

const weft_error *weft_future_error(weft_future *f)
{
    return f && pool_future_is_done(f) ? f->error : NULL;
}

weft_msg *weft_future_take(weft_future *f)
{
    if (!f || !pool_future_is_done(f))
        return NULL;
    pthread_mutex_lock(&f->lock);
    weft_msg *m = f->result;
    f->result = NULL;
    pthread_mutex_unlock(&f->lock);
    return m;
}

void weft_future_then(weft_future *f, void (*cb)(weft_future *f, void *user), void *user)
{
    if (!f || !cb)
        return;
    pthread_mutex_lock(&f->lock);
    bool done = f->done;
    if (!done) {
        f->then = cb;
        f->then_user = user;
    }
    pthread_mutex_unlock(&f->lock);
    if (done)
        cb(f, user);
}

void weft_future_free(weft_future *f)
{
    if (!f || atomic_fetch_sub(&f->refs, 1) != 1)
        return;
    weft_msg_free(f->result);
    weft_error_free(f->error);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    free(f);
}

/* ------------------------------------------------------------------------------------------ */
/* Pools */

uint32_t weft_pool_size(const weft_pool *p) { return p ? p->n : 0; }

size_t weft_pool_pending(weft_pool *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&p->queue.lock);
    size_t n = p->queue.len;
    pthread_mutex_unlock(&p->queue.lock);
    return n;
}

/* Join and free every worker; the queue must be closed (or the workers told to stop). */
static void pool_end(weft_pool *p)
{
    if (p->ended)
        return;
    for (uint32_t i = 0; i < p->n; i++)
        if (p->workers[i])
            wk_join_free(p->workers[i]);
    p->ended = true;
}

weft_error *weft_pool_new(weft_engine *engine, const weft_worker_config *cfg, uint32_t n,
                          weft_pool **out)
{
    *out = NULL;
    if (!engine || n == 0 || n > engine->cfg.max_threads)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "a pool has 1 to %u workers, not %u",
                       engine ? engine->cfg.max_threads : 0, n);
    weft_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->workers = calloc(n, sizeof *p->workers))) {
        free(p);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    wk_queue_init(&p->queue);
    p->n = n;
    for (uint32_t i = 0; i < n; i++) {
        weft_error *err = wk_start(engine, cfg, &p->queue, true, &p->workers[i]);
        if (err) {
            weft_pool_free(p);
            return err;
        }
    }
    *out = p;
    return NULL;
}

/* A job for a task: the clone and a future with two references (caller, task). */
static weft_error *pool_job(const weft_msg *task, weft_buffer *const *transfer, size_t ntransfer,
                            wk_job **out)
{
    wk_job *j = calloc(1, sizeof *j);
    *out = NULL;
    if (!j || !(j->future = pool_future_new())) {
        free(j);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    weft_error *err = msg_post_clone(task, transfer, ntransfer, &j->msg);
    if (err) {
        weft_future_free(j->future);
        free(j);
        return err;
    }
    atomic_fetch_add(&j->future->refs, 1);
    *out = j;
    return NULL;
}

static weft_error *pool_closed_error(void)
{
    return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "the pool is shut down");
}

weft_error *weft_pool_submit(weft_pool *p, const weft_msg *task, weft_buffer *const *transfer,
                             size_t ntransfer, weft_future **out)
{
    wk_job *j;
    *out = NULL;
    if (!p)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_pool_submit: no pool");
    weft_error *err = pool_job(task, transfer, ntransfer, &j);
    if (err)
        return err;
    weft_future *f = j->future;
    if (!wk_queue_push(&p->queue, j, j, 1)) {
        wk_job_free(j);
        weft_future_free(f);
        return pool_closed_error();
    }
    *out = f;
    return NULL;
}

static void pool_free_chain(wk_job *first, weft_future **futures, size_t n)
{
    for (wk_job *next; first; first = next) {
        next = first->next;
        wk_job_free(first);
    }
    for (size_t i = 0; i < n; i++) {
        weft_future_free(futures[i]);
        futures[i] = NULL;
    }
}

weft_error *weft_pool_submit_batch(weft_pool *p, const weft_msg *const *tasks, size_t n,
                                   weft_future **out)
{
    wk_job *first = NULL, *last = NULL;
    if (!p || (n && (!tasks || !out)))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_pool_submit_batch: bad arguments");
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        wk_job *j;
        weft_error *err = pool_job(tasks[i], NULL, 0, &j);
        if (err) {
            pool_free_chain(first, out, i);
            return err;
        }
        out[i] = j->future;
        if (last)
            last->next = j;
        else
            first = j;
        last = j;
    }
    if (!wk_queue_push(&p->queue, first, last, n)) {
        pool_free_chain(first, out, n);
        return pool_closed_error();
    }
    return NULL;
}

weft_error *weft_pool_map(weft_pool *p, const weft_msg *const *tasks, size_t n,
                          weft_msg **results)
{
    weft_future **fs = calloc(n ? n : 1, sizeof *fs);
    if (!fs)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    weft_error *err = weft_pool_submit_batch(p, tasks, n, fs), *first = NULL;
    for (size_t i = 0; !err && i < n; i++) {
        weft_future_wait(fs[i], -1);
        results[i] = weft_future_take(fs[i]);
        const weft_error *e = weft_future_error(fs[i]);
        if (e && !first)
            first = err_new(weft_error_kind_of(e), weft_error_offset(e), "task %zu: %s", i,
                            weft_error_message(e));
        weft_future_free(fs[i]);
    }
    free(fs);
    return err ? err : first;
}

void weft_pool_shutdown(weft_pool *p, bool finish_queued)
{
    if (!p || p->ended)
        return;
    wk_job *dropped = wk_queue_close(&p->queue, !finish_queued);
    pool_free_chain(dropped, NULL, 0); /* their futures complete with "task cancelled" */
    pool_end(p);
}

void weft_pool_terminate(weft_pool *p)
{
    if (!p || p->ended)
        return;
    pool_free_chain(wk_queue_close(&p->queue, true), NULL, 0);
    for (uint32_t i = 0; i < p->n; i++)
        if (p->workers[i])
            wk_interrupt(p->workers[i]);
    pool_end(p);
}

void weft_pool_free(weft_pool *p)
{
    if (!p)
        return;
    weft_pool_terminate(p);
    pool_end(p);
    wk_queue_destroy(&p->queue);
    free(p->workers);
    free(p);
}
