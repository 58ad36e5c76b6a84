/*
 * wasi_threads.c - `wasi` `thread-spawn` (weft_threads_* in weft.h): an OS thread per guest
 * thread, each with its own store and instance on one shared memory. The first trap or exit
 * of any thread is the program's outcome and cancels every other thread at once (running
 * code at its next back-edge or call, blocked waits through their cancel record).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../exec/exec.h"
#include "../runtime/runtime.h"
#include "../util/util.h"
#include "../wasi/wasi.h"

/* wasi-threads thread ids are positive and below 2^29 */
#define WT_MAX_TID 0x1FFFFFFF
/* The interpreter does not recurse for wasm calls, but compiled code runs on this stack (it
 * checks the stack's floor, so a deep recursion traps instead of overflowing). Pages are
 * committed only as they are touched. */
#define WT_STACK_SIZE (8u << 20)

typedef struct weft_threads wt_group;

typedef struct wt_thread {
    wt_group *g;
    int32_t tid;
    int32_t arg;
    weft_store *store;      /* set by the thread itself; read under g->lock */
    struct wt_thread *next; /* g->running */
    bool limited;           /* the spawning store's limits, for the thread's store */
    weft_limiter limiter;
} wt_thread;

struct weft_threads {
    weft_engine *engine;
    weft_module *module;
    weft_wasi *wasi;
    weft_memory *memory;       /* the shared memory, or NULL */
    char *mem_module, *mem_name;
    uint32_t max_threads;

    pthread_mutex_t lock;
    pthread_cond_t all_done;
    wt_thread *running;        /* spawned threads not yet ended */
    uint32_t live;             /* spawned threads not yet ended */
    uint32_t spawned;
    int32_t next_tid;
    bool ending;               /* no more spawns; everyone is being cancelled */
    weft_error *outcome;       /* first exit or trap */
    weft_store *main_store;
    /* what each spawned thread's store starts with: the main store's fuel when the run
     * began, and its epoch deadline (each thread has its own fuel) */
    uint64_t fuel, deadline;
};

static void wt_cancel_store(weft_store *s)
{
    if (s && s->ctx)
        exec_interrupt(s->ctx);
}

/* Record the program's outcome and cancel everyone. Takes ownership. The first end wins,
 * also when it is _start returning (e NULL): what a thread does after that, such as trapping
 * as its sleep is cut short, is no outcome. Threads blocked in a WASI call are woken
 * through the WASI context's cancellation. */
static void wt_end_program(wt_group *g, weft_error *e)
{
    pthread_mutex_lock(&g->lock);
    if (!g->ending) {
        g->outcome = e;
        e = NULL;
        g->ending = true;
        wasi_cancel(g->wasi, true);
        for (wt_thread *t = g->running; t; t = t->next)
            wt_cancel_store(t->store);
        wt_cancel_store(g->main_store);
    }
    pthread_mutex_unlock(&g->lock);
    weft_error_free(e);
}

static bool wt_is_cancellation(const weft_error *e)
{
    return weft_error_kind_of(e) == WEFT_ERR_TRAP && weft_error_trap(e) == WEFT_TRAP_INTERRUPTED;
}

/* Instantiate the module for this thread and call wasi_thread_start(tid, arg). */
static weft_error *wt_thread_run(wt_thread *t)
{
    wt_group *g = t->g;
    weft_linker *l = weft_linker_new(t->store);
    weft_instance *inst = NULL;
    weft_error *err;
    if (!l)
        return weft_trap_new("thread %d: out of memory", t->tid);
    err = weft_wasi_define(g->wasi, l);
    if (!err)
        err = weft_threads_define(g, l);
    if (!err)
        err = weft_linker_instantiate(l, g->module, &inst);
    weft_linker_free(l);
    if (err)
        return err;
    weft_func *start = weft_instance_func(inst, "wasi_thread_start");
    if (!start)
        return weft_trap_new("thread %d: the module exports no wasi_thread_start", t->tid);
    weft_val args[2] = {weft_val_i32(t->tid), weft_val_i32(t->arg)};
    return weft_call(t->store, start, args, 2, NULL, 0);
}

static void wt_unlink(wt_group *g, wt_thread *t)
{
    for (wt_thread **pp = &g->running; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            return;
        }
}

static void *wt_thread_main(void *arg)
{
    wt_thread *t = arg;
    wt_group *g = t->g;
    weft_store *s = weft_store_new(g->engine);
    weft_error *err;
    if (s && t->limited)
        weft_error_free(weft_store_set_limiter(s, &t->limiter));

    pthread_mutex_lock(&g->lock);
    t->store = s;
    /* the execution context must exist before anyone can interrupt it */
    if (s && !s->ctx && (s->ctx = exec_ctx_new(g->engine)) != NULL) {
        *exec_fuel(s->ctx) = g->fuel;
        exec_set_deadline(s->ctx, g->deadline);
    }
    bool cancelled = g->ending;
    pthread_mutex_unlock(&g->lock);

    if (!s || !s->ctx)
        err = weft_trap_new("thread %d: out of memory", t->tid);
    else if (cancelled)
        err = NULL;
    else
        err = wt_thread_run(t);

    /* a trap or an exit ends every thread; so does an "interrupted" that is no
     * cancellation of ours (the thread's epoch deadline) */
    pthread_mutex_lock(&g->lock);
    bool ending = g->ending;
    pthread_mutex_unlock(&g->lock);
    if (err && !(wt_is_cancellation(err) && ending))
        wt_end_program(g, err);
    else
        weft_error_free(err);

    pthread_mutex_lock(&g->lock);
    wt_unlink(g, t);
    t->store = NULL;
    pthread_mutex_unlock(&g->lock);
    weft_store_free(s);

    pthread_mutex_lock(&g->lock);
    if (--g->live == 0)
        pthread_cond_broadcast(&g->all_done);
    pthread_mutex_unlock(&g->lock);
    free(t);
    return NULL;
}

/* `wasi` `thread-spawn` (i32 start_arg) -> i32: a new thread id, or a negative number. */
static weft_error *wt_spawn(weft_caller *caller, void *env, const weft_val *args,
                            weft_val *results)
{
    wt_group *g = env;
    weft_instance *from = weft_caller_instance(caller);
    results[0] = weft_val_i32(-6); /* EAGAIN, as the proposal's reference libc expects < 0 */

    wt_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_lock(&g->lock);
    if (g->ending || g->live >= g->max_threads || g->next_tid > WT_MAX_TID) {
        pthread_mutex_unlock(&g->lock);
        free(t);
        return NULL;
    }
    t->g = g;
    if (from && from->store->limiter) {
        t->limited = true;
        t->limiter = *from->store->limiter;
    }
    t->tid = g->next_tid++;
    t->arg = args[0].of.i32;
    t->next = g->running;
    g->running = t;
    g->live++;
    g->spawned++;

    pthread_attr_t attr;
    pthread_t th;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, WT_STACK_SIZE);
    int rc = pthread_create(&th, &attr, wt_thread_main, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        wt_unlink(g, t);
        g->live--;
        g->spawned--;
        pthread_mutex_unlock(&g->lock);
        free(t);
        return NULL;
    }
    results[0] = weft_val_i32(t->tid);
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

weft_error *weft_threads_new(weft_engine *e, weft_module *m, weft_wasi *w, uint32_t max_threads,
                             wt_group **out)
{
    wt_group *g = calloc(1, sizeof *g);
    *out = NULL;
    if (!g)
        return weft_trap_new("out of memory");
    g->engine = e;
    g->module = weft_module_ref(m);
    g->wasi = w;
    wasi_set_threaded(w);
    g->max_threads = max_threads ? max_threads : e->cfg.max_threads;
    g->next_tid = 1;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->all_done, NULL);

    for (uint32_t i = 0; i < weft_module_import_count(m); i++) {
        weft_import_desc d;
        weft_module_import(m, i, &d);
        if (d.kind != WEFT_EXTERN_MEMORY)
            continue;
        weft_error *err = NULL;
        if (!d.shared)
            err = err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET,
                          "a threaded module must import a shared memory: \"%s\" \"%s\" is not shared",
                          d.module, d.name);
        if (!err)
            err = weft_memory_new(e, d.min, d.max, d.has_max, true, &g->memory);
        if (!err && (!(g->mem_module = xstrdup(d.module)) || !(g->mem_name = xstrdup(d.name))))
            err = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        if (err) {
            weft_threads_free(g);
            return err;
        }
        break;
    }
    *out = g;
    return NULL;
}

weft_error *weft_threads_define(wt_group *g, weft_linker *l)
{
    static const uint8_t i32 = WEFT_I32;
    weft_functype *ft = weft_functype_new(&i32, 1, &i32, 1);
    if (!ft)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    weft_error *err = weft_linker_define_func(l, "wasi", "thread-spawn", ft, wt_spawn, g, NULL);
    weft_functype_free(ft);
    if (!err && g->memory) {
        weft_extern ext = {.kind = WEFT_EXTERN_MEMORY, .of.memory = g->memory};
        err = weft_linker_define(l, g->mem_module, g->mem_name, ext);
    }
    return err;
}

static void wt_enter_main(wt_group *g, weft_store *main_store)
{
    pthread_mutex_lock(&g->lock);
    if (!main_store->ctx)
        main_store->ctx = exec_ctx_new(g->engine);
    g->main_store = main_store;
    g->fuel = main_store->ctx ? *exec_fuel(main_store->ctx) : 0;
    g->deadline = main_store->ctx ? exec_deadline(main_store->ctx) : UINT64_MAX;
    if (g->ending)
        wt_cancel_store(main_store);
    pthread_mutex_unlock(&g->lock);
}

static weft_error *wt_finish(wt_group *g, weft_error *main_result)
{
    /* Main returning ends the program too (as returning from main does in C). When the
     * program has ended already, main's result (its own cancellation, say) is dropped there
     * under the lock: the cause is recorded. */
    wt_end_program(g, main_result);
    pthread_mutex_lock(&g->lock);
    while (g->live > 0)
        pthread_cond_wait(&g->all_done, &g->lock);
    weft_error *outcome = g->outcome;
    g->outcome = NULL;
    g->main_store = NULL;
    pthread_mutex_unlock(&g->lock);
    wasi_cancel(g->wasi, false); /* nobody is left in a WASI call: the context is reusable */
    return outcome;
}

uint32_t weft_threads_spawned(const wt_group *g) { return g->spawned; }

weft_memory *weft_threads_memory(wt_group *g) { return g->memory; }

weft_error *weft_threads_run(wt_group *g, weft_store *store, weft_instance *inst)
{
    wt_enter_main(g, store);
    return wt_finish(g, weft_wasi_run(g->wasi, store, inst));
}

bool weft_module_uses_threads(const weft_module *m)
{
    for (uint32_t i = 0; i < weft_module_import_count(m); i++) {
        weft_import_desc d;
        weft_module_import(m, i, &d);
        if (d.kind == WEFT_EXTERN_FUNC && strcmp(d.module, "wasi") == 0 &&
            strcmp(d.name, "thread-spawn") == 0)
            return true;
    }
    return false;
}

void weft_threads_free(wt_group *g)
{
    if (!g)
        return;
    /* wt_group_finish must have run if any thread was spawned */
    weft_error_free(g->outcome);
    if (g->memory)
        weft_memory_free(g->memory);
    weft_module_free(g->module);
    free(g->mem_module);
    free(g->mem_name);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->all_done);
    free(g);
}
