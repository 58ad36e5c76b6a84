/* thread.c - pthread_create, join, detach, exit and self, on wasi-threads.
 *
 * A thread is one malloc block: [ record | TLS block | stack ]. pthread_create fills the
 * record and calls the `wasi` `thread-spawn` import with the record's address; the
 * runtime makes a new instance on a new OS thread and calls wasi_thread_start (entry.s),
 * which loads the stack pointer and TLS base from the record's first two words and calls
 * __weft_thread_main below.
 *
 * Freeing the block is the delicate part: a thread cannot free its own stack while it
 * still runs on it. So the last thing an exiting thread does to memory is one atomic
 * store; after it, it only returns through wasm frames, whose locals live in the engine,
 * not in linear memory. A joiner frees the block once it sees KIT_EXITED; a detached
 * thread's block goes on a list that later pthread_create/join calls free once the
 * thread's `finished` flag is set. */
#include "kit.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_STACK (256 * 1024)
#define STACK_ALIGN 16

__attribute__((import_module("wasi"), import_name("thread-spawn")))
int32_t __imported_wasi_thread_spawn(int32_t start_arg);

/* Provided by wasm-ld: copies the .tdata image into `block` and points __tls_base at it. */
extern void __wasm_init_tls(void *block);

static _Thread_local pthread_t self;
static struct __pthread main_thread;

static int dead_lock;                /* guards dead_list */
static struct __pthread *dead_list;  /* detached threads whose blocks await freeing */
static int live_threads;             /* spawned threads still running */

pthread_t kit_self_or_main(void)
{
    return self ? self : &main_thread;
}

pthread_t pthread_self(void)
{
    return kit_self_or_main();
}

int (pthread_equal)(pthread_t a, pthread_t b)
{
    return a == b;
}

/* Free the blocks of detached threads that have fully left their stacks. */
static void reap_detached(void)
{
    struct __pthread *done = NULL;
    kit_lock(&dead_lock);
    for (struct __pthread **p = &dead_list; *p;) {
        struct __pthread *t = *p;
        if (kit_load(&t->finished)) {
            *p = t->next_dead;
            t->next_dead = done;
            done = t;
        } else {
            p = &t->next_dead;
        }
    }
    kit_unlock(&dead_lock);
    while (done) {
        struct __pthread *next = done->next_dead;
        free(done->block);
        done = next;
    }
}

/* Attribute layout inside pthread_attr_t's int array. */
#define ATTR_STACK(a)  ((a)->__u.__i[0])
#define ATTR_DETACH(a) ((a)->__u.__i[1])
#define ATTR_GUARD(a)  ((a)->__u.__i[2])

static size_t round_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* Allocate and lay out [ record | TLS | stack ]; NULL when memory is short. */
static struct __pthread *new_thread_block(size_t stack_size)
{
    size_t tls_align = __builtin_wasm_tls_align();
    size_t tls_size = __builtin_wasm_tls_size();
    if (tls_align < 16)
        tls_align = 16;
    size_t rec = round_up(sizeof(struct __pthread), tls_align);
    size_t tls = round_up(tls_size, STACK_ALIGN);
    size_t total = (tls_align - 16) + rec + tls + stack_size;
    char *block = malloc(total);
    if (!block)
        return NULL;
    char *base = (char *)round_up((uintptr_t)block, tls_align);
    struct __pthread *t = (struct __pthread *)base;
    memset(t, 0, sizeof *t);
    t->block = block;
    t->tls_base = (uint32_t)(uintptr_t)(base + rec);
    t->stack_top = (uint32_t)((uintptr_t)(block + total) & ~(uintptr_t)(STACK_ALIGN - 1));
    return t;
}

int pthread_create(pthread_t *restrict out, const pthread_attr_t *restrict attr,
                   void *(*start)(void *), void *restrict arg)
{
    reap_detached();
    size_t stack = attr && ATTR_STACK(attr) ? (size_t)ATTR_STACK(attr) : DEFAULT_STACK;
    struct __pthread *t = new_thread_block(round_up(stack, STACK_ALIGN));
    if (!t)
        return EAGAIN;
    t->start = start;
    t->arg = arg;
    t->state = attr && ATTR_DETACH(attr) == PTHREAD_CREATE_DETACHED ? KIT_DETACHED : KIT_JOINABLE;
    kit_add(&live_threads, 1);
    *out = t; /* before the spawn: the new thread may detach or exit at once */
    int tid = __imported_wasi_thread_spawn((int32_t)(uintptr_t)t);
    if (tid <= 0) {
        kit_sub(&live_threads, 1);
        free(t->block);
        return EAGAIN;
    }
    return 0;
}

/* Everything an exiting thread does, in an order that lets others free its block. */
static void finish_thread(pthread_t t, void *result)
{
    kit_tsd_run_destructors(t);
    t->result = result;
    if (kit_sub(&live_threads, 1) == 1)
        kit_wake(&live_threads, KIT_WAKE_ALL);
    if (kit_cas(&t->state, KIT_JOINABLE, KIT_EXITED) == KIT_JOINABLE) {
        kit_wake(&t->state, KIT_WAKE_ALL); /* the joiner may free t from here on */
        return;
    }
    kit_lock(&dead_lock); /* detached: queue the block for reaping */
    t->next_dead = dead_list;
    dead_list = t;
    kit_unlock(&dead_lock);
    kit_store(&t->finished, 1); /* the last store to our own memory */
}

/* Called by wasi_thread_start (entry.s) on the new thread's own stack. */
void __weft_thread_main(int32_t tid, struct __pthread *t)
{
    __wasm_init_tls((void *)(uintptr_t)t->tls_base); /* before any _Thread_local access */
    self = t;
    t->tid = tid;
    void *result = t->start(t->arg);
    finish_thread(t, result);
}

int pthread_join(pthread_t t, void **result)
{
    if (t == kit_self_or_main())
        return EDEADLK;
    int s;
    while ((s = kit_load(&t->state)) != KIT_EXITED) {
        if (s == KIT_DETACHED)
            return EINVAL;
        kit_wait(&t->state, s, KIT_FOREVER);
    }
    if (result)
        *result = t->result;
    if (t != &main_thread)
        free(t->block);
    reap_detached();
    return 0;
}

int pthread_detach(pthread_t t)
{
    int old = kit_cas(&t->state, KIT_JOINABLE, KIT_DETACHED);
    if (old == KIT_DETACHED)
        return EINVAL;
    if (old == KIT_EXITED && t != &main_thread)
        free(t->block); /* it already ended, joinable: nobody else will free it */
    return 0;
}

/* Wasm has no way to unwind a thread's stack without the exception-handling proposal,
 * and wasi-threads has no "end this thread" call. So pthread_exit in a spawned thread
 * does everything a return from the start routine does (destructors, result, wake the
 * joiner, release the block) and then parks the thread forever on a private word: it
 * consumes no CPU, never touches memory again, and ends when the process exits. */
static int never_changes;

_Noreturn static void park_forever(void)
{
    for (;;)
        kit_wait(&never_changes, 0, KIT_FOREVER);
}

_Noreturn void pthread_exit(void *result)
{
    pthread_t t = kit_self_or_main();
    if (t != &main_thread) {
        finish_thread(t, result);
        park_forever();
    }
    /* The main thread: the process lives on until the other threads end. */
    kit_tsd_run_destructors(t);
    int n;
    while ((n = kit_load(&live_threads)) != 0)
        kit_wait(&live_threads, n, KIT_FOREVER);
    exit(0);
}

/* Cancellation is not supported; these keep portable code compiling. */
int pthread_setcancelstate(int state, int *old)
{
    if (old)
        *old = PTHREAD_CANCEL_ENABLE;
    return state == PTHREAD_CANCEL_ENABLE || state == PTHREAD_CANCEL_DISABLE ? 0 : EINVAL;
}

int pthread_setcanceltype(int type, int *old)
{
    if (old)
        *old = PTHREAD_CANCEL_DEFERRED;
    return type == PTHREAD_CANCEL_DEFERRED ? 0 : EINVAL;
}

static int concurrency;
int pthread_getconcurrency(void) { return concurrency; }
int pthread_setconcurrency(int n)
{
    if (n < 0)
        return EINVAL;
    concurrency = n;
    return 0;
}

/* Attributes */
int pthread_attr_init(pthread_attr_t *a)
{
    memset(a, 0, sizeof *a);
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
    (void)a;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *restrict a, size_t *restrict size)
{
    *size = ATTR_STACK(a) ? (size_t)ATTR_STACK(a) : DEFAULT_STACK;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
    if (size < PTHREAD_STACK_MIN || size > INT_MAX)
        return EINVAL;
    ATTR_STACK(a) = (int)size;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
    *state = ATTR_DETACH(a);
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    ATTR_DETACH(a) = state;
    return 0;
}

/* Wasm linear memory has no guard pages; the size is remembered, not enforced. */
int pthread_attr_getguardsize(const pthread_attr_t *restrict a, size_t *restrict size)
{
    *size = (size_t)ATTR_GUARD(a);
    return 0;
}

int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
    if (size > INT_MAX)
        return EINVAL;
    ATTR_GUARD(a) = (int)size;
    return 0;
}

int pthread_attr_getscope(const pthread_attr_t *restrict a, int *restrict scope)
{
    (void)a;
    *scope = PTHREAD_SCOPE_SYSTEM;
    return 0;
}

int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
    (void)a;
    return scope == PTHREAD_SCOPE_SYSTEM ? 0 : ENOTSUP;
}
