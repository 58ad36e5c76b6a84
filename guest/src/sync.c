/* sync.c - the smaller synchronisation objects: pthread_once, barriers, read-write locks,
 * spin locks and POSIX semaphores. Each is a word or two of state plus wait/notify on a
 * word whose value says what the sleeper is waiting to see change. */
#include "kit.h"
#include <errno.h>
#include <semaphore.h>
#include <string.h>

/* ---- pthread_once: 0 not run, 1 running, 2 done ---- */

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    for (;;) {
        int s = kit_load(once);
        if (s == 2)
            return 0;
        if (s == 0 && kit_cas(once, 0, 1) == 0) {
            fn();
            kit_store(once, 2);
            kit_wake(once, KIT_WAKE_ALL);
            return 0;
        }
        if (s == 1)
            kit_wait(once, 1, KIT_FOREVER);
    }
}

/* ---- Barriers: the last arrival resets the count and bumps the generation ---- */

#define B_LIMIT(b)   ((b)->__u.__i[0])
#define B_ARRIVED(b) (&(b)->__u.__i[1])
#define B_GEN(b)     (&(b)->__u.__i[2])
#define B_INSIDE(b)  (&(b)->__u.__i[3]) /* threads still inside wait(): for destroy */

int pthread_barrierattr_init(pthread_barrierattr_t *a) { a->__attr = 0; return 0; }
int pthread_barrierattr_destroy(pthread_barrierattr_t *a) { (void)a; return 0; }

int pthread_barrier_init(pthread_barrier_t *restrict b, const pthread_barrierattr_t *restrict a,
                         unsigned count)
{
    (void)a;
    if (count == 0 || count > INT_MAX)
        return EINVAL;
    memset(b, 0, sizeof *b);
    B_LIMIT(b) = (int)count;
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
    int n;
    while ((n = kit_load(B_INSIDE(b))) != 0)
        kit_wait(B_INSIDE(b), n, 1000000);
    return 0;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
    kit_add(B_INSIDE(b), 1);
    /* Read the generation before arriving: the last arrival bumps it only after every
     * thread of this round has arrived, so this is this round's value. */
    int gen = kit_load(B_GEN(b));
    int rc = 0;
    if (kit_add(B_ARRIVED(b), 1) + 1 == B_LIMIT(b)) {
        kit_store(B_ARRIVED(b), 0); /* before the bump: the next round starts from zero */
        kit_add(B_GEN(b), 1);
        kit_wake(B_GEN(b), KIT_WAKE_ALL);
        rc = PTHREAD_BARRIER_SERIAL_THREAD;
    } else {
        while (kit_load(B_GEN(b)) == gen)
            kit_wait(B_GEN(b), gen, KIT_FOREVER);
    }
    if (kit_sub(B_INSIDE(b), 1) == 1)
        kit_wake(B_INSIDE(b), KIT_WAKE_ALL);
    return rc;
}

/* ---- Read-write locks: state -1 writer, 0 free, n > 0 readers; reader preference ---- */

#define RW_STATE(l)   (&(l)->__u.__i[0])
#define RW_WAITERS(l) (&(l)->__u.__i[1])

int pthread_rwlockattr_init(pthread_rwlockattr_t *a) { memset(a, 0, sizeof *a); return 0; }
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a) { (void)a; return 0; }

int pthread_rwlock_init(pthread_rwlock_t *restrict l, const pthread_rwlockattr_t *restrict a)
{
    (void)a;
    memset(l, 0, sizeof *l);
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
    return kit_load(RW_STATE(l)) ? EBUSY : 0;
}

/* Sleep while the state still reads `seen`, registered as a waiter so unlock notifies. */
static int rw_sleep(pthread_rwlock_t *l, int seen, const struct timespec *abs)
{
    int64_t ns = kit_remaining_ns(CLOCK_REALTIME, abs);
    if (ns == 0)
        return ETIMEDOUT;
    kit_add(RW_WAITERS(l), 1);
    kit_wait(RW_STATE(l), seen, ns);
    kit_sub(RW_WAITERS(l), 1);
    return 0;
}

static int try_read(pthread_rwlock_t *l, int *seen)
{
    int s = kit_load(RW_STATE(l));
    *seen = s;
    if (s < 0)
        return EBUSY;
    if (s == INT_MAX)
        return EAGAIN;
    return kit_cas(RW_STATE(l), s, s + 1) == s ? 0 : -1; /* -1: raced, retry */
}

static int rdlock_until(pthread_rwlock_t *l, const struct timespec *abs)
{
    for (;;) {
        int seen, rc = try_read(l, &seen);
        if (rc == 0 || rc == EAGAIN)
            return rc;
        if (rc == EBUSY && (rc = rw_sleep(l, seen, abs)) != 0)
            return rc;
    }
}

static int wrlock_until(pthread_rwlock_t *l, const struct timespec *abs)
{
    for (;;) {
        int s = kit_cas(RW_STATE(l), 0, -1);
        if (s == 0)
            return 0;
        int rc = rw_sleep(l, s, abs);
        if (rc)
            return rc;
    }
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return rdlock_until(l, NULL); }
int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return wrlock_until(l, NULL); }

int pthread_rwlock_timedrdlock(pthread_rwlock_t *restrict l, const struct timespec *restrict abs)
{
    return rdlock_until(l, abs);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *restrict l, const struct timespec *restrict abs)
{
    return wrlock_until(l, abs);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
    for (;;) {
        int seen, rc = try_read(l, &seen);
        if (rc >= 0)
            return rc;
    }
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
    return kit_cas(RW_STATE(l), 0, -1) == 0 ? 0 : EBUSY;
}

int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    int s = kit_load(RW_STATE(l));
    int now;
    if (s == -1) {
        kit_store(RW_STATE(l), 0);
        now = 0;
    } else if (s > 0) {
        now = kit_sub(RW_STATE(l), 1) - 1;
    } else {
        return EPERM;
    }
    if (now == 0 && kit_load(RW_WAITERS(l)))
        kit_wake(RW_STATE(l), KIT_WAKE_ALL);
    return 0;
}

/* ---- Spin locks: for very short sections; the holder is never descheduled for long ---- */

int pthread_spin_init(pthread_spinlock_t *s, int pshared) { (void)pshared; *s = 0; return 0; }
int pthread_spin_destroy(pthread_spinlock_t *s) { (void)s; return 0; }

int pthread_spin_lock(pthread_spinlock_t *s)
{
    while (kit_cas(s, 0, 1) != 0) {
        while (kit_load(s))
            ;
    }
    return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s) { return kit_cas(s, 0, 1) == 0 ? 0 : EBUSY; }
int pthread_spin_unlock(pthread_spinlock_t *s) { kit_store(s, 0); return 0; }

/* ---- Semaphores (unnamed): value word plus a sleeper count ---- */

#define S_VALUE(s)   ((int *)&(s)->__val[0])
#define S_WAITERS(s) ((int *)&(s)->__val[1])

int sem_init(sem_t *s, int pshared, unsigned value)
{
    (void)pshared;
    if (value > INT_MAX) {
        errno = EINVAL;
        return -1;
    }
    memset(s, 0, sizeof *s);
    *S_VALUE(s) = (int)value;
    return 0;
}

int sem_destroy(sem_t *s) { (void)s; return 0; }

int sem_getvalue(sem_t *restrict s, int *restrict value)
{
    *value = kit_load(S_VALUE(s));
    return 0;
}

int sem_post(sem_t *s)
{
    for (;;) {
        int v = kit_load(S_VALUE(s));
        if (v == INT_MAX) {
            errno = EOVERFLOW;
            return -1;
        }
        if (kit_cas(S_VALUE(s), v, v + 1) == v)
            break;
    }
    if (kit_load(S_WAITERS(s)))
        kit_wake(S_VALUE(s), 1);
    return 0;
}

/* 1 when a unit was taken. */
static int sem_take(sem_t *s)
{
    int v;
    while ((v = kit_load(S_VALUE(s))) > 0) {
        if (kit_cas(S_VALUE(s), v, v - 1) == v)
            return 1;
    }
    return 0;
}

int sem_trywait(sem_t *s)
{
    if (sem_take(s))
        return 0;
    errno = EAGAIN;
    return -1;
}

static int sem_wait_until(sem_t *s, const struct timespec *abs)
{
    while (!sem_take(s)) {
        int64_t ns = kit_remaining_ns(CLOCK_REALTIME, abs);
        if (ns == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        kit_add(S_WAITERS(s), 1);
        kit_wait(S_VALUE(s), 0, ns);
        kit_sub(S_WAITERS(s), 1);
    }
    return 0;
}

int sem_wait(sem_t *s) { return sem_wait_until(s, NULL); }

int sem_timedwait(sem_t *restrict s, const struct timespec *restrict abs)
{
    if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L) {
        errno = EINVAL;
        return -1;
    }
    return sem_wait_until(s, abs);
}
