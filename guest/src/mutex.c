/* mutex.c - pthread mutexes (normal, recursive, errorcheck) and their attributes.
 *
 * A mutex is the kit's futex lock word plus, for the recursive and errorcheck types, an
 * owner and a depth. Normal mutexes skip the owner bookkeeping, so their fast path is one
 * compare-and-swap to lock and one exchange to unlock. */
#include "kit.h"
#include <errno.h>
#include <string.h>

/* Layout inside pthread_mutex_t's int array; all-zero is an unlocked normal mutex. */
#define M_WORD(m)  (&(m)->__u.__i[0])
#define M_TYPE(m)  ((m)->__u.__i[1])
#define M_OWNER(m) (&(m)->__u.__p[2]) /* __p[2] overlays __i[2] on wasm32 */
#define M_DEPTH(m) ((m)->__u.__i[3])

_Static_assert(sizeof(void *) == sizeof(int), "wasm32 layout");

#define ATTR_TYPE_MASK 3u
#define ATTR_PSHARED   4u

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
    a->__attr = 0;
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
    (void)a;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *restrict a, int *restrict type)
{
    *type = (int)(a->__attr & ATTR_TYPE_MASK);
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
    if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    a->__attr = (a->__attr & ~ATTR_TYPE_MASK) | (unsigned)type;
    return 0;
}

/* One process: both values behave alike, and memory is shared among all threads anyway. */
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *restrict a, int *restrict ps)
{
    *ps = a->__attr & ATTR_PSHARED ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int ps)
{
    if (ps != PTHREAD_PROCESS_PRIVATE && ps != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->__attr = ps ? a->__attr | ATTR_PSHARED : a->__attr & ~ATTR_PSHARED;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *restrict m, const pthread_mutexattr_t *restrict a)
{
    memset(m, 0, sizeof *m);
    M_TYPE(m) = a ? (int)(a->__attr & ATTR_TYPE_MASK) : PTHREAD_MUTEX_NORMAL;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    return kit_load(M_WORD(m)) ? EBUSY : 0;
}

static pthread_t owner(pthread_mutex_t *m)
{
    return (pthread_t)__atomic_load_n(M_OWNER(m), __ATOMIC_RELAXED);
}

static void set_owner(pthread_mutex_t *m, pthread_t t)
{
    __atomic_store_n(M_OWNER(m), (void *)t, __ATOMIC_RELAXED);
}

/* For the owner-tracking types: handle re-locking by the owner. Returns -1 when the
 * caller should go on and take the lock word. */
static int relock_by_owner(pthread_mutex_t *m, pthread_t self)
{
    if (owner(m) != self)
        return -1;
    if (M_TYPE(m) != PTHREAD_MUTEX_RECURSIVE)
        return EDEADLK;
    if (M_DEPTH(m) == INT_MAX)
        return EAGAIN;
    M_DEPTH(m)++;
    return 0;
}

static int lock_until(pthread_mutex_t *m, const struct timespec *abs)
{
    if (M_TYPE(m) == PTHREAD_MUTEX_NORMAL) {
        if (abs)
            return kit_lock_until(M_WORD(m), CLOCK_REALTIME, abs);
        kit_lock(M_WORD(m));
        return 0;
    }
    pthread_t self = kit_self_or_main();
    int rc = relock_by_owner(m, self);
    if (rc >= 0)
        return rc;
    rc = abs ? kit_lock_until(M_WORD(m), CLOCK_REALTIME, abs) : (kit_lock(M_WORD(m)), 0);
    if (rc)
        return rc;
    set_owner(m, self);
    M_DEPTH(m) = 1;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    if (M_TYPE(m) == PTHREAD_MUTEX_NORMAL) { /* the hot path, kept free of calls */
        kit_lock(M_WORD(m));
        return 0;
    }
    return lock_until(m, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *restrict m, const struct timespec *restrict abs)
{
    if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L)
        return EINVAL;
    return lock_until(m, abs);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (M_TYPE(m) == PTHREAD_MUTEX_NORMAL)
        return kit_trylock(M_WORD(m)) ? 0 : EBUSY;
    pthread_t self = kit_self_or_main();
    if (owner(m) == self) {
        if (M_TYPE(m) != PTHREAD_MUTEX_RECURSIVE)
            return EBUSY;
        return relock_by_owner(m, self);
    }
    if (!kit_trylock(M_WORD(m)))
        return EBUSY;
    set_owner(m, self);
    M_DEPTH(m) = 1;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (M_TYPE(m) != PTHREAD_MUTEX_NORMAL) {
        if (owner(m) != kit_self_or_main())
            return EPERM;
        if (--M_DEPTH(m) > 0)
            return 0;
        set_owner(m, NULL);
    }
    kit_unlock(M_WORD(m));
    return 0;
}

/* For condition variables: release the mutex completely (whatever the recursion depth)
 * and reacquire it afterwards, restoring the depth. */
int kit_mutex_release_all(pthread_mutex_t *m)
{
    int depth = 0;
    if (M_TYPE(m) != PTHREAD_MUTEX_NORMAL) {
        if (owner(m) != kit_self_or_main())
            return -1;
        depth = M_DEPTH(m);
        M_DEPTH(m) = 0;
        set_owner(m, NULL);
    }
    kit_unlock(M_WORD(m));
    return depth;
}

void kit_mutex_reacquire(pthread_mutex_t *m, int depth)
{
    kit_lock_contended(M_WORD(m));
    if (M_TYPE(m) != PTHREAD_MUTEX_NORMAL) {
        set_owner(m, kit_self_or_main());
        M_DEPTH(m) = depth;
    }
}
