/* tsd.c - thread-specific data: pthread_key_create/delete, get/setspecific, and the
 * destructors that run when a thread ends.
 *
 * A key is an index into a process-wide table. Each slot has a generation counter: odd
 * while the key exists, bumped on create and on delete. A thread's value is valid only
 * if it was stored under the current generation, so deleting a key and creating a new
 * one in the same slot yields NULL in every thread without visiting the threads. */
#include "kit.h"
#include <errno.h>

static struct {
    unsigned seq;              /* odd: in use */
    void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];
static int keys_lock;

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    int found = -1;
    kit_lock(&keys_lock);
    for (int k = 0; k < PTHREAD_KEYS_MAX && found < 0; k++) {
        if (!(keys[k].seq & 1)) {
            keys[k].destructor = destructor;
            kit_store(&keys[k].seq, keys[k].seq + 1);
            found = k;
        }
    }
    kit_unlock(&keys_lock);
    if (found < 0)
        return EAGAIN;
    *key = (pthread_key_t)found;
    return 0;
}

int pthread_key_delete(pthread_key_t key)
{
    if (key >= PTHREAD_KEYS_MAX)
        return EINVAL;
    int rc = 0;
    kit_lock(&keys_lock);
    if (keys[key].seq & 1)
        kit_store(&keys[key].seq, keys[key].seq + 1);
    else
        rc = EINVAL;
    kit_unlock(&keys_lock);
    return rc;
}

void *pthread_getspecific(pthread_key_t key)
{
    if (key >= PTHREAD_KEYS_MAX)
        return NULL;
    struct kit_tsd *slot = &kit_self_or_main()->tsd[key];
    return slot->seq == kit_load(&keys[key].seq) ? slot->value : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (key >= PTHREAD_KEYS_MAX)
        return EINVAL;
    unsigned seq = kit_load(&keys[key].seq);
    if (!(seq & 1))
        return EINVAL;
    struct kit_tsd *slot = &kit_self_or_main()->tsd[key];
    slot->seq = seq;
    slot->value = (void *)value;
    return 0;
}

/* POSIX: repeat while destructors keep storing new values, a bounded number of times. */
void kit_tsd_run_destructors(pthread_t self)
{
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
            struct kit_tsd *slot = &self->tsd[k];
            unsigned seq = kit_load(&keys[k].seq);
            void (*dtor)(void *) = keys[k].destructor;
            if (!slot->value || slot->seq != seq || !(seq & 1) || !dtor)
                continue;
            void *value = slot->value;
            slot->value = NULL;
            dtor(value);
            ran = 1;
        }
        if (!ran)
            return;
    }
}
