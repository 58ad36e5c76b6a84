/* lock.c - the kit's futex lock, its recursive variant, and deadline arithmetic.
 *
 * The lock word has three states (after Drepper, "Futexes Are Tricky"): 0 free, 1 held,
 * 2 held with possible sleepers. Only an unlock that sees 2 pays for a notify, so an
 * uncontended lock/unlock pair is two atomic instructions. Sleepers wait on the word
 * itself, so nobody spins for long: a thread tries briefly, then sleeps. */
#include "kit.h"
#include <errno.h>

#define SPINS 64 /* short optimistic spin before sleeping: the holder is usually quick */

int64_t kit_remaining_ns(clockid_t clock, const struct timespec *abs)
{
    if (!abs)
        return -1;
    struct timespec now;
    if (clock_gettime(clock, &now) != 0)
        clock_gettime(CLOCK_REALTIME, &now);
    int64_t left = ((int64_t)abs->tv_sec - now.tv_sec) * 1000000000LL
                 + ((int64_t)abs->tv_nsec - now.tv_nsec);
    return left > 0 ? left : 0;
}

int kit_trylock(int *word)
{
    return kit_cas(word, 0, 1) == 0;
}

/* Slow path shared by every flavour: mark the word contended and sleep until a release
 * hands it over. Returns ETIMEDOUT when the deadline passes first. */
static int lock_slow(int *word, clockid_t clock, const struct timespec *abs)
{
    for (int i = 0; i < SPINS; i++) {
        if (kit_load(word) == 0 && kit_cas(word, 0, 1) == 0)
            return 0;
    }
    while (kit_xchg(word, 2) != 0) {
        int64_t ns = kit_remaining_ns(clock, abs);
        if (ns == 0)
            return ETIMEDOUT;
        kit_wait(word, 2, ns);
    }
    return 0;
}

void kit_lock(int *word)
{
    if (kit_cas(word, 0, 1) != 0)
        lock_slow(word, 0, NULL);
}

int kit_lock_until(int *word, clockid_t clock, const struct timespec *abs)
{
    if (kit_cas(word, 0, 1) == 0)
        return 0;
    return lock_slow(word, clock, abs);
}

void kit_lock_contended(int *word)
{
    while (kit_xchg(word, 2) != 0)
        kit_wait(word, 2, KIT_FOREVER);
}

void kit_unlock(int *word)
{
    if (kit_xchg(word, 0) == 2)
        kit_wake(word, 1);
}

void kit_rlock_take(kit_rlock *l)
{
    pthread_t self = kit_self_or_main();
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self) {
        l->depth++;
        return;
    }
    kit_lock(&l->word);
    __atomic_store_n(&l->owner, self, __ATOMIC_RELAXED);
    l->depth = 1;
}

int kit_rlock_try(kit_rlock *l)
{
    pthread_t self = kit_self_or_main();
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self) {
        l->depth++;
        return 1;
    }
    if (!kit_trylock(&l->word))
        return 0;
    __atomic_store_n(&l->owner, self, __ATOMIC_RELAXED);
    l->depth = 1;
    return 1;
}

void kit_rlock_drop(kit_rlock *l)
{
    if (--l->depth > 0)
        return;
    __atomic_store_n(&l->owner, (pthread_t)0, __ATOMIC_RELAXED);
    kit_unlock(&l->word);
}
