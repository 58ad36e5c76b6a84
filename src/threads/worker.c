/*
 * worker.c - workers: an OS thread per worker, each with its own store and instance of one
 * module, taking messages from a FIFO queue and raising events for its parent.
 *
 * A worker's jobs come from a wk_queue: its own (a dedicated worker) or a pool's (pool.c
 * starts N workers on one queue). A job is a cloned message, plus a future when it is a pool
 * task. The worker thread boots (store, linker, the embedder's setup, instantiation), then
 * takes jobs until its queue closes or it is told to stop.
 *
 * Stopping (terminate) must reach the thread wherever it is: asleep on the queue (the stop
 * flag is read under the queue lock, and terminate broadcasts under it), running wasm
 * (exec_interrupt on the store's context, which exists before any code runs, under w->lock),
 * blocked in memory.atomic.wait (exec_interrupt cancels it) or in a host wait made with the
 * scope (the worker's own cancel record).
 */
#include <string.h>

#include "worker.h"
#include "../exec/exec.h"
#include "../util/util.h"

struct weft_scope {
    weft_worker *w;
    weft_store *store;
    weft_instance *inst;
};

typedef struct wk_event {
    weft_event ev;
    struct wk_event *next;
} wk_event;

/* The guest convention's exports, resolved once at boot. */
typedef struct wk_guest {
    weft_func *alloc, *on_message, *free;
    weft_memory *memory;
} wk_guest;

struct weft_worker {
    weft_engine *engine;
    weft_worker_config cfg;   /* holds a module reference */
    bool pooled;              /* a pool's worker: events outside tasks go to cfg.on_event only */
    atomic_int refs;          /* the embedder's handle, plus each worker connected to this one */
    pthread_t thread;
    bool joined;
    wk_queue own;             /* a dedicated worker's inbox */
    wk_queue *queue;          /* where jobs come from: &own or a pool's */
    atomic_bool stopping;     /* terminate: leave now, whatever is queued */
    thr_cancel cancel;        /* host waits made by a handler with the scope */

    pthread_mutex_t lock;     /* guards store, ready, start_err, peer */
    pthread_cond_t ready_cond;
    weft_store *store;        /* the worker thread's store while it exists */
    bool ready;               /* boot finished, well or not */
    bool report_start;        /* someone waits for the boot: keep its error in start_err */
    weft_error *start_err;
    weft_worker *peer;        /* weft_worker_connect: where posts go instead (a reference) */

    pthread_mutex_t ev_lock;  /* the events raised for the parent */
    pthread_cond_t ev_cond;
    wk_event *ev_head, *ev_tail;

    /* worker thread only */
    weft_scope scope;
    wk_guest guest;
    wk_job *job;              /* the job being handled */
};

/* ------------------------------------------------------------------------------------------ */
/* Queues */

void wk_queue_init(wk_queue *q)
{
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
}

void wk_queue_destroy(wk_queue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
}

bool wk_queue_push(wk_queue *q, wk_job *first, wk_job *last, size_t n)
{
    pthread_mutex_lock(&q->lock);
    bool ok = !q->closed;
    if (ok) {
        last->next = NULL;
        if (q->tail)
            q->tail->next = first;
        else
            q->head = first;
        q->tail = last;
        q->len += n;
        /* one waiter per job is enough, but a broadcast is what a batch needs */
        if (n == 1)
            pthread_cond_signal(&q->cond);
        else
            pthread_cond_broadcast(&q->cond);
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

wk_job *wk_queue_close(wk_queue *q, bool take_queued)
{
    wk_job *jobs = NULL;
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    if (take_queued) {
        jobs = q->head;
        q->head = q->tail = NULL;
        q->len = 0;
    }
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
    return jobs;
}

/* The next job, or NULL when the worker must leave (stopping, or closed and empty). */
static wk_job *wk_queue_take(wk_queue *q, atomic_bool *stopping)
{
    wk_job *j = NULL;
    pthread_mutex_lock(&q->lock);
    while (!q->head && !q->closed && !atomic_load(stopping))
        pthread_cond_wait(&q->cond, &q->lock);
    if (q->head && !atomic_load(stopping)) {
        j = q->head;
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        q->len--;
    }
    pthread_mutex_unlock(&q->lock);
    return j;
}

/* A job that is dropped before it ran completes its future with "cancelled". */
void wk_job_free(wk_job *j)
{
    if (!j)
        return;
    if (j->future) {
        pool_future_complete(j->future, NULL,
                             err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "task cancelled"));
        weft_future_free(j->future);
    }
    weft_msg_free(j->msg);
    free(j);
}

static void wk_jobs_free(wk_job *j)
{
    for (wk_job *next; j; j = next) {
        next = j->next;
        wk_job_free(j);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Events */

void weft_event_clear(weft_event *ev)
{
    if (!ev)
        return;
    weft_msg_free(ev->msg);
    weft_error_free(ev->error);
    memset(ev, 0, sizeof *ev);
}

void wk_raise(weft_worker *w, weft_event_kind kind, weft_msg *msg, weft_error *err)
{
    weft_event ev = {kind, msg, err};
    if (w->cfg.on_event) {
        w->cfg.on_event(w, &ev, w->cfg.user);
        return;
    }
    wk_event *node = w->pooled ? NULL : calloc(1, sizeof *node);
    if (!node) { /* a pool without a listener, or out of memory: nobody can take it */
        weft_event_clear(&ev);
        return;
    }
    node->ev = ev;
    pthread_mutex_lock(&w->ev_lock);
    if (w->ev_tail)
        w->ev_tail->next = node;
    else
        w->ev_head = node;
    w->ev_tail = node;
    pthread_cond_signal(&w->ev_cond);
    pthread_mutex_unlock(&w->ev_lock);
}

static weft_error *wk_error_copy(const weft_error *e)
{
    return err_new(weft_error_kind_of(e), weft_error_offset(e), "%s", weft_error_message(e));
}

bool wk_deadline(struct timespec *ts, int64_t timeout_ns)
{
    if (timeout_ns < 0)
        return false;
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += (time_t)(timeout_ns / 1000000000);
    ts->tv_nsec += (long)(timeout_ns % 1000000000);
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
    return true;
}

bool weft_worker_next_event(weft_worker *w, int64_t timeout_ns, weft_event *out)
{
    struct timespec deadline;
    bool timed = wk_deadline(&deadline, timeout_ns);
    memset(out, 0, sizeof *out);
    if (!w)
        return false;
    pthread_mutex_lock(&w->ev_lock);
    while (!w->ev_head) {
        if (timeout_ns == 0 ||
            (timed ? pthread_cond_timedwait(&w->ev_cond, &w->ev_lock, &deadline)
                   : pthread_cond_wait(&w->ev_cond, &w->ev_lock)) != 0)
            break;
    }
    wk_event *node = w->ev_head;
    if (node) {
        w->ev_head = node->next;
        if (!w->ev_head)
            w->ev_tail = NULL;
    }
    pthread_mutex_unlock(&w->ev_lock);
    if (!node)
        return false;
    *out = node->ev;
    free(node);
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Posting upwards: from the worker to its parent, or to the running task's future */

static bool wk_enqueue(weft_worker *to, weft_msg *msg);
static void wk_release(weft_worker *w);

/* A connected worker's post goes straight into its peer's queue. False: not connected. */
static bool wk_deliver_to_peer(weft_worker *w, weft_msg *copy)
{
    pthread_mutex_lock(&w->lock);
    weft_worker *peer = w->peer;
    if (peer)
        atomic_fetch_add(&peer->refs, 1);
    pthread_mutex_unlock(&w->lock);
    if (!peer)
        return false;
    if (!wk_enqueue(peer, copy))
        wk_raise(w, WEFT_EVENT_MESSAGEERROR, NULL,
                 err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                         "the connected worker is terminated or failed to start"));
    wk_release(peer);
    return true;
}

static void wk_deliver_up(weft_worker *w, weft_msg *copy)
{
    /* only this thread completes the running task's future, so done cannot change under us */
    weft_future *f = w->job ? w->job->future : NULL;
    if (f && !pool_future_is_done(f))
        pool_future_complete(f, copy, NULL);
    else if (!wk_deliver_to_peer(w, copy))
        wk_raise(w, WEFT_EVENT_MESSAGE, copy, NULL); /* dropped by a pool without listener */
}

weft_error *weft_scope_post(weft_scope *s, const weft_msg *msg, weft_buffer *const *transfer,
                            size_t ntransfer)
{
    weft_msg *copy;
    if (!s)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_scope_post: no scope");
    weft_error *err = msg_post_clone(msg, transfer, ntransfer, &copy);
    if (err)
        return err;
    wk_deliver_up(s->w, copy);
    return NULL;
}

weft_store *weft_scope_store(weft_scope *s) { return s ? s->store : NULL; }
weft_instance *weft_scope_instance(weft_scope *s) { return s ? s->inst : NULL; }
thr_cancel *wk_scope_cancel(weft_scope *s) { return &s->w->cancel; }

/* `weft` `post_message(i32 ptr, i32 len)`: post a copy of guest bytes as a BUFFER. */
static weft_error *wk_host_post(weft_caller *caller, void *env, const weft_val *args,
                                weft_val *results)
{
    weft_worker *w = env;
    weft_memory *mem = weft_caller_memory(caller, 0);
    uint64_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
    (void)results;
    if (!mem)
        return weft_trap_new("post_message: the caller has no memory");
    if (ptr + len > weft_memory_size(mem))
        return weft_trap_new("post_message: bytes [%llu, +%llu) are out of bounds",
                             (unsigned long long)ptr, (unsigned long long)len);
    weft_msg *copy = weft_msg_bytes(weft_memory_data(mem) + ptr, (size_t)len);
    if (!copy)
        return weft_trap_new("post_message: out of memory");
    wk_deliver_up(w, copy);
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The guest convention */

static bool wk_sig(weft_func *f, uint32_t np, uint32_t nr)
{
    const weft_functype *t = f ? weft_func_type(f) : NULL;
    if (!t || weft_functype_nparams(t) != np || weft_functype_nresults(t) != nr)
        return false;
    for (uint32_t i = 0; i < np; i++)
        if (weft_functype_param(t, i) != WEFT_I32)
            return false;
    return nr == 0 || weft_functype_result(t, 0) == WEFT_I32;
}

static weft_error *wk_guest_resolve(weft_worker *w, weft_instance *inst)
{
    wk_guest *g = &w->guest;
    g->alloc = weft_instance_func(inst, "alloc");
    g->on_message = weft_instance_func(inst, "on_message");
    g->free = weft_instance_func(inst, "free");
    g->memory = weft_instance_memory(inst, "memory");
    if (!g->memory && inst->module->nmems > 0)
        g->memory = inst->mems[0]; /* e.g. an imported shared memory the guest does not export */
    if (!g->memory || !wk_sig(g->alloc, 1, 1) || !wk_sig(g->on_message, 2, 0))
        return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET,
                       "a guest worker has a memory and exports alloc(i32) -> i32 and "
                       "on_message(i32, i32) (or the worker needs a C on_message handler)");
    if (g->free && !wk_sig(g->free, 1, 0))
        return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET, "the export `free` must be (i32) -> ()");
    return NULL;
}

/* alloc, copy in, on_message, free. *msgerr: the message is of a kind a guest cannot take. */
static weft_error *wk_guest_deliver(weft_worker *w, const weft_msg *msg, bool *msgerr)
{
    wk_guest *g = &w->guest;
    size_t len = 0;
    const uint8_t *bytes = (const uint8_t *)weft_msg_as_string(msg, &len);
    if (!bytes && weft_msg_kind_of(msg) == WEFT_MSG_BUFFER) {
        bytes = weft_buffer_data(weft_msg_as_buffer(msg));
        len = weft_buffer_len(weft_msg_as_buffer(msg));
    }
    if (!bytes || len > UINT32_MAX) {
        *msgerr = true;
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "a guest worker takes STRING or BUFFER messages under 4 GiB");
    }
    weft_val arg = weft_val_i32((int32_t)(uint32_t)len), ptr;
    weft_error *err = weft_call(w->scope.store, g->alloc, &arg, 1, &ptr, 1);
    if (err)
        return err;
    uint64_t at = (uint32_t)ptr.of.i32;
    if (at + len > weft_memory_size(g->memory))
        return weft_trap_new("alloc(%zu) returned %llu, out of bounds", len,
                             (unsigned long long)at);
    memcpy(weft_memory_data(g->memory) + at, bytes, len);
    weft_val args[2] = {ptr, arg};
    err = weft_call(w->scope.store, g->on_message, args, 2, NULL, 0);
    if (g->free) {
        weft_error *ferr = weft_call(w->scope.store, g->free, &ptr, 1, NULL, 0);
        if (err)
            weft_error_free(ferr);
        else
            err = ferr;
    }
    return err;
}

/* ------------------------------------------------------------------------------------------ */
/* The worker thread */

static weft_error *wk_instantiate(weft_worker *w, weft_store *s)
{
    static const uint8_t i32s[2] = {WEFT_I32, WEFT_I32};
    weft_instance *inst = NULL;
    weft_linker *l = weft_linker_new(s);
    weft_functype *post_t = weft_functype_new(i32s, 2, NULL, 0);
    weft_error *err = NULL;
    if (!l || !post_t)
        err = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    if (!err)
        err = weft_linker_define_func(l, "weft", "post_message", post_t, wk_host_post, w, NULL);
    if (!err && w->cfg.setup)
        err = w->cfg.setup(l, s, w->cfg.user);
    if (!err)
        err = weft_linker_instantiate(l, w->cfg.module, &inst);
    if (!err && !w->cfg.on_message)
        err = wk_guest_resolve(w, inst);
    weft_functype_free(post_t);
    weft_linker_free(l);
    if (!err)
        w->scope = (weft_scope){w, s, inst};
    return err;
}

/* Create the store and its execution context under the lock, so that terminate, which
 * interrupts under the same lock, can always reach code once it runs. */
static weft_error *wk_boot(weft_worker *w)
{
    weft_store *s = weft_store_new(w->engine);
    pthread_mutex_lock(&w->lock);
    w->store = s;
    if (s && !s->ctx)
        s->ctx = exec_ctx_new(w->engine);
    bool ok = s && s->ctx;
    pthread_mutex_unlock(&w->lock);
    if (!ok)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot create the worker's store");
    if (atomic_load(&w->stopping))
        return err_trap(WEFT_TRAP_INTERRUPTED);
    return wk_instantiate(w, s);
}

static bool wk_is_interrupt(const weft_error *e)
{
    return e && weft_error_kind_of(e) == WEFT_ERR_TRAP &&
           weft_error_trap(e) == WEFT_TRAP_INTERRUPTED;
}

static void wk_run_job(weft_worker *w, wk_job *job)
{
    bool msgerr = false;
    weft_error *err;
    w->job = job;
    if (w->cfg.on_message)
        err = w->cfg.on_message(&w->scope, job->msg, w->cfg.user);
    else
        err = wk_guest_deliver(w, job->msg, &msgerr);
    w->job = NULL;
    if (job->future) {
        /* a task that posted nothing resolves to a NULL message */
        pool_future_complete(job->future, err ? NULL : weft_msg_null(), err);
    } else if (err && wk_is_interrupt(err) && atomic_load(&w->stopping)) {
        weft_error_free(err); /* terminate's own doing: no event */
    } else if (err) {
        wk_raise(w, msgerr ? WEFT_EVENT_MESSAGEERROR : WEFT_EVENT_ERROR, NULL, err);
    }
    wk_job_free(job);
}

/* Boot finished: tell a waiting starter, or raise the failure as an event. A worker that
 * cannot start closes its queue; what was posted to it becomes messageerrors. */
static void wk_booted(weft_worker *w, weft_error *err)
{
    bool quiet = err && wk_is_interrupt(err) && atomic_load(&w->stopping);
    pthread_mutex_lock(&w->lock);
    w->ready = true;
    if (w->report_start) {
        w->start_err = err;
        err = NULL;
    }
    pthread_cond_broadcast(&w->ready_cond);
    pthread_mutex_unlock(&w->lock);
    if (!err)
        return;
    if (quiet) {
        weft_error_free(err);
        return;
    }
    /* close before raising, so that a parent who saw the error cannot post into the void */
    wk_job *queued = w->queue == &w->own ? wk_queue_close(&w->own, true) : NULL;
    wk_raise(w, WEFT_EVENT_ERROR, NULL, err);
    for (wk_job *j = queued, *next; j; j = next) {
        next = j->next;
        wk_raise(w, WEFT_EVENT_MESSAGEERROR, NULL,
                 err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "the worker failed to start"));
        wk_job_free(j);
    }
}

static void *wk_main(void *arg)
{
    weft_worker *w = arg;
    weft_error *err = wk_boot(w);
    bool ok = !err;
    wk_booted(w, err);
    for (wk_job *job; ok && (job = wk_queue_take(w->queue, &w->stopping));)
        wk_run_job(w, job);
    pthread_mutex_lock(&w->lock);
    weft_store *s = w->store;
    w->store = NULL;
    pthread_mutex_unlock(&w->lock);
    memset(&w->scope, 0, sizeof w->scope);
    weft_store_free(s);
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The parent's side */

static void wk_free_struct(weft_worker *w)
{
    if (w->peer)
        wk_release(w->peer);
    wk_event *e = w->ev_head;
    while (e) {
        wk_event *next = e->next;
        weft_event_clear(&e->ev);
        free(e);
        e = next;
    }
    wk_jobs_free(wk_queue_close(&w->own, true));
    wk_queue_destroy(&w->own);
    weft_error_free(w->start_err);
    weft_module_free(w->cfg.module);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->ready_cond);
    pthread_mutex_destroy(&w->ev_lock);
    pthread_cond_destroy(&w->ev_cond);
    free(w);
}

static weft_worker *wk_alloc(weft_engine *e, const weft_worker_config *cfg, wk_queue *queue)
{
    weft_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->engine = e;
    w->cfg = *cfg;
    w->cfg.module = weft_module_ref(cfg->module);
    wk_queue_init(&w->own);
    w->queue = queue ? queue : &w->own;
    w->pooled = queue != NULL;
    atomic_init(&w->refs, 1);
    atomic_init(&w->stopping, false);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->ready_cond, NULL);
    pthread_mutex_init(&w->ev_lock, NULL);
    pthread_cond_init(&w->ev_cond, NULL);
    return w;
}

weft_error *wk_start(weft_engine *e, const weft_worker_config *cfg, wk_queue *queue,
                     bool ready_wait, weft_worker **out)
{
    *out = NULL;
    if (!e || !cfg || !cfg->module)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "a worker needs an engine and a module");
    weft_worker *w = wk_alloc(e, cfg, queue);
    if (!w)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    w->report_start = ready_wait;
    if (pthread_create(&w->thread, NULL, wk_main, w) != 0) {
        w->joined = true;
        wk_free_struct(w);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot start a worker thread");
    }
    if (ready_wait) {
        pthread_mutex_lock(&w->lock);
        while (!w->ready)
            pthread_cond_wait(&w->ready_cond, &w->lock);
        weft_error *err = w->start_err;
        w->start_err = NULL;
        pthread_mutex_unlock(&w->lock);
        if (err) {
            weft_worker_free(w);
            return err;
        }
    }
    *out = w;
    return NULL;
}

weft_error *weft_worker_new(weft_engine *engine, const weft_worker_config *cfg,
                            weft_worker **out)
{
    return wk_start(engine, cfg, NULL, false, out);
}

void wk_interrupt(weft_worker *w)
{
    atomic_store(&w->stopping, true);
    pthread_mutex_lock(&w->lock);
    if (w->store)
        exec_interrupt(w->store->ctx);
    thr_cancel_signal(&w->cancel);
    pthread_mutex_unlock(&w->lock);
    /* the stop flag is read under the queue lock: a worker about to sleep sees it */
    pthread_mutex_lock(&w->queue->lock);
    pthread_cond_broadcast(&w->queue->cond);
    pthread_mutex_unlock(&w->queue->lock);
}

void wk_join_free(weft_worker *w)
{
    if (!w->joined)
        pthread_join(w->thread, NULL);
    w->joined = true;
    wk_free_struct(w);
}

void weft_worker_terminate(weft_worker *w)
{
    if (!w || w->joined)
        return;
    wk_interrupt(w);
    pthread_join(w->thread, NULL);
    w->joined = true;
    wk_jobs_free(wk_queue_close(&w->own, true));
    /* it posts no more: drop its channel now, so that two workers connected both ways do not
     * keep each other alive */
    weft_error_free(weft_worker_connect(w, NULL));
}

/* The struct outlives the embedder's handle while a connected worker still points at it. */
static void wk_release(weft_worker *w)
{
    if (atomic_fetch_sub(&w->refs, 1) == 1)
        wk_free_struct(w);
}

void weft_worker_free(weft_worker *w)
{
    if (!w)
        return;
    weft_worker_terminate(w);
    wk_release(w);
}

weft_error *weft_worker_connect(weft_worker *from, weft_worker *to)
{
    if (!from || from->pooled || (to && to->pooled))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "weft_worker_connect: two dedicated workers (or NULL to disconnect)");
    if (to)
        atomic_fetch_add(&to->refs, 1);
    pthread_mutex_lock(&from->lock);
    weft_worker *old = from->peer;
    from->peer = to;
    pthread_mutex_unlock(&from->lock);
    if (old)
        wk_release(old);
    return NULL;
}

size_t weft_worker_pending(weft_worker *w)
{
    if (!w)
        return 0;
    pthread_mutex_lock(&w->queue->lock);
    size_t n = w->queue->len;
    pthread_mutex_unlock(&w->queue->lock);
    return n;
}

static weft_error *wk_post_error(weft_worker *w, weft_error *err)
{
    wk_raise(w, WEFT_EVENT_MESSAGEERROR, NULL, wk_error_copy(err));
    return err;
}

weft_error *weft_worker_post(weft_worker *w, const weft_msg *msg, weft_buffer *const *transfer,
                             size_t ntransfer)
{
    if (!w)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_worker_post: no worker");
    if (w->pooled)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "post to a pool with weft_pool_submit");
    pthread_mutex_lock(&w->own.lock);
    bool closed = w->own.closed;
    pthread_mutex_unlock(&w->own.lock);
    if (closed || atomic_load(&w->stopping))
        return wk_post_error(w, err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                                        "the worker is terminated or failed to start"));
    weft_msg *copy;
    weft_error *err = msg_post_clone(msg, transfer, ntransfer, &copy);
    if (err)
        return wk_post_error(w, err);
    if (!wk_enqueue(w, copy))
        return wk_post_error(w, err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                                        "the worker is terminated or failed to start"));
    return NULL;
}

/* Queue a message (taken) for a dedicated worker. False (and msg freed) once it is closed or
 * out of memory. */
static bool wk_enqueue(weft_worker *to, weft_msg *msg)
{
    wk_job *job = calloc(1, sizeof *job);
    if (!job) {
        weft_msg_free(msg);
        return false;
    }
    job->msg = msg;
    if (!wk_queue_push(&to->own, job, job, 1)) {
        wk_job_free(job);
        return false;
    }
    return true;
}
