/* cond.c - condition variables on a sequence counter.
 *
 * A waiter reads the counter, releases the mutex and sleeps only while the counter still
 * holds the value it read. Every signal or broadcast bumps the counter before waking, so
 * a signal that lands between the release and the sleep makes the sleep return at once:
 * no wake-up is lost. Callers re-check their predicate in a loop, as POSIX requires, so
 * the occasional spurious return is harmless. The waiter count lets signal skip the
 * notify (a call into the runtime) when nobody sleeps. */
#include "kit.h"
#include <errno.h>
#include <string.h>

/* Layout inside pthread_cond_t's int array; all-zero is a CLOCK_REALTIME condvar. */
#define C_SEQ(c)     (&(c)->__u.__i[0])
#define C_WAITERS(c) (&(c)->__u.__i[1])
#define C_CLOCK(c)   ((c)->__u.__p[2]) /* NULL means CLOCK_REALTIME */

int pthread_condattr_init(pthread_condattr_t *a)
{
    a->__attr = 0;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
    (void)a;
    return 0;
}

/* The attribute keeps 1 for CLOCK_MONOTONIC, 0 for CLOCK_REALTIME. */
int pthread_condattr_getclock(const pthread_condattr_t *restrict a, clockid_t *restrict clock)
{
    *clock = a->__attr & 1 ? CLOCK_MONOTONIC : CLOCK_REALTIME;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    a->__attr = (a->__attr & ~1u) | (clock == CLOCK_MONOTONIC);
    return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *restrict a, int *restrict ps)
{
    *ps = (a->__attr >> 1) & 1;
    return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int ps)
{
    if (ps != PTHREAD_PROCESS_PRIVATE && ps != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->__attr = (a->__attr & ~2u) | ((unsigned)ps << 1);
    return 0;
}

int pthread_cond_init(pthread_cond_t *restrict c, const pthread_condattr_t *restrict a)
{
    memset(c, 0, sizeof *c);
    if (a && (a->__attr & 1))
        C_CLOCK(c) = (void *)CLOCK_MONOTONIC;
    return 0;
}

/* Woken waiters may still be on their way out (decrementing the count); let them leave
 * before the memory is reused. POSIX makes destroying a condvar with sleepers undefined. */
int pthread_cond_destroy(pthread_cond_t *c)
{
    int n;
    while ((n = kit_load(C_WAITERS(c))) != 0)
        kit_wait(C_WAITERS(c), n, 1000000);
    return 0;
}

static int cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs)
{
    clockid_t clock = C_CLOCK(c) ? (clockid_t)C_CLOCK(c) : CLOCK_REALTIME;
    int seq = kit_load(C_SEQ(c));
    kit_add(C_WAITERS(c), 1);
    int depth = kit_mutex_release_all(m);
    if (depth < 0) {
        kit_sub(C_WAITERS(c), 1);
        return EPERM;
    }
    int64_t ns = kit_remaining_ns(clock, abs);
    int r = ns == 0 ? KIT_TIMED_OUT : kit_wait(C_SEQ(c), seq, ns);
    kit_sub(C_WAITERS(c), 1);
    kit_mutex_reacquire(m, depth);
    return r == KIT_TIMED_OUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m)
{
    return cond_wait_until(c, m, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m,
                           const struct timespec *restrict abs)
{
    if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L)
        return EINVAL;
    return cond_wait_until(c, m, abs);
}

int pthread_cond_signal(pthread_cond_t *c)
{
    kit_add(C_SEQ(c), 1);
    if (kit_load(C_WAITERS(c)))
        kit_wake(C_SEQ(c), 1);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    kit_add(C_SEQ(c), 1);
    if (kit_load(C_WAITERS(c)))
        kit_wake(C_SEQ(c), KIT_WAKE_ALL);
    return 0;
}
