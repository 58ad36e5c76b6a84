/* kit.h - internals shared by the guest kit: wait/notify, the kit's locks, deadlines,
 * and the thread record.
 *
 * Everything here runs inside the wasm guest. Blocking uses the wasm instructions
 * memory.atomic.wait32 / memory.atomic.notify, which the runtime implements with a
 * parking lot, so a blocked thread costs no CPU. Atomics are GCC/clang __atomic builtins
 * on plain ints because the wait/notify builtins take `int *`; all are sequentially
 * consistent, which on wasm is the only ordering there is. */
#ifndef WEFT_GUEST_KIT_H
#define WEFT_GUEST_KIT_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define KIT_SEQ __ATOMIC_SEQ_CST
#define kit_load(p)        __atomic_load_n((p), KIT_SEQ)
#define kit_store(p, v)    __atomic_store_n((p), (v), KIT_SEQ)
#define kit_xchg(p, v)     __atomic_exchange_n((p), (v), KIT_SEQ)
#define kit_add(p, v)      __atomic_fetch_add((p), (v), KIT_SEQ) /* returns the old value */
#define kit_sub(p, v)      __atomic_fetch_sub((p), (v), KIT_SEQ)
/* Compare-and-swap returning the old value: no address-taken "expected" local, so the
 * exiting-thread path never touches its own stack memory after publishing. */
#define kit_cas(p, old, new) __sync_val_compare_and_swap((p), (old), (new))

#define KIT_WAKE_ALL 0xffffffffu
#define KIT_FOREVER  (-1LL)

/* Results of kit_wait, as memory.atomic.wait32 defines them. */
enum { KIT_WOKEN = 0, KIT_NOT_EQUAL = 1, KIT_TIMED_OUT = 2 };

/* Sleep while *addr == expected, at most timeout_ns (negative: no limit). */
static inline int kit_wait(int *addr, int expected, int64_t timeout_ns)
{
    return __builtin_wasm_memory_atomic_wait32(addr, expected, timeout_ns);
}

static inline void kit_wake(int *addr, unsigned count)
{
    __builtin_wasm_memory_atomic_notify(addr, count);
}

/* Deadlines: an absolute time on a clock, as pthread's timed functions take it. NULL
 * means "no deadline". kit_remaining_ns returns the ns left (-1 for none, 0 if passed). */
int64_t kit_remaining_ns(clockid_t clock, const struct timespec *abs);

/* The futex lock word: 0 free, 1 held, 2 held and someone may sleep on it. */
void kit_lock(int *word);
int  kit_lock_until(int *word, clockid_t clock, const struct timespec *abs); /* 0 or ETIMEDOUT */
void kit_lock_contended(int *word); /* acquire in state 2: used after sleeping on a condvar */
int  kit_trylock(int *word);        /* 1 when taken */
void kit_unlock(int *word);

/* A recursive kit lock (stdio): the owner may take it again. */
typedef struct { int word; pthread_t owner; int depth; } kit_rlock;
void kit_rlock_take(kit_rlock *l);
int  kit_rlock_try(kit_rlock *l); /* 1 when taken */
void kit_rlock_drop(kit_rlock *l);

/* Thread-specific data: one slot per key; seq is the key's generation when the value
 * was stored, so a deleted and re-created key reads as NULL in every thread. */
struct kit_tsd { unsigned seq; void *value; };

/* The thread record. The first two fields are the start record that entry.s reads. */
enum { KIT_JOINABLE = 0, KIT_DETACHED = 1, KIT_EXITED = 2 };
struct __pthread {
    uint32_t stack_top;          /* +0: initial __stack_pointer (entry.s) */
    uint32_t tls_base;           /* +4: initial __tls_base (entry.s) */
    void *(*start)(void *);
    void *arg;
    void *result;
    int tid;                     /* the wasi-threads id; 0 for the main thread */
    int state;                   /* KIT_JOINABLE / KIT_DETACHED / KIT_EXITED */
    int finished;                /* detached: 1 once the thread touches no memory of its own */
    void *block;                 /* the malloc block holding record, TLS and stack */
    struct __pthread *next_dead; /* detached threads waiting to be freed */
    struct kit_tsd tsd[PTHREAD_KEYS_MAX];
};

/* Condition variables release a mutex fully and take it back (mutex.c). release_all
 * returns the recursion depth to restore, or -1 when the caller does not own it. */
int  kit_mutex_release_all(pthread_mutex_t *m);
void kit_mutex_reacquire(pthread_mutex_t *m, int depth);

pthread_t kit_self_or_main(void);
void kit_tsd_run_destructors(pthread_t self);

#endif
