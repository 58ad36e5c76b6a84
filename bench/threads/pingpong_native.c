/* The native counterpart of tests/threads/pingpong.wat: two threads pass a turn back and
 * forth 100,000 times, sleeping in the kernel (futex) while it is not theirs. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MOVES 100000
static _Atomic int turn;

static void play(int me)
{
    for (int i = 0; i < MOVES / 2; i++) {
        int t;
        while ((t = atomic_load(&turn)) != me)
            syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, t, NULL, NULL, 0);
        atomic_store(&turn, 1 - me);
        syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

static void *partner(void *arg)
{
    (void)arg;
    play(1);
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, partner, NULL);
    play(0);
    pthread_join(th, NULL);
    return atomic_load(&turn) != 0;
}
