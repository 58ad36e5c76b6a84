/* The native counterpart of contention.wat: T threads share 20,000,000 atomic increments of
 * one counter (sequentially consistent, like wasm atomics). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define TOTAL 20000000
static _Atomic int counter;
static int share;

static void *work(void *arg)
{
    (void)arg;
    for (int i = 0; i < share; i++)
        atomic_fetch_add(&counter, 1);
    return NULL;
}

int main(int argc, char **argv)
{
    int t = argc > 1 ? atoi(argv[1]) : 1;
    pthread_t th[8];
    if (t < 1 || t > 8)
        t = 1;
    share = TOTAL / t;
    for (int i = 1; i < t; i++)
        pthread_create(&th[i], NULL, work, NULL);
    work(NULL);
    for (int i = 1; i < t; i++)
        pthread_join(th[i], NULL);
    return atomic_load(&counter) != TOTAL;
}
