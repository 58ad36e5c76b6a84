/* mutex_counter.c - N threads increment one counter M times under a mutex (chapter 44,
 * "Mutex and Synchronization").
 *   mutex_counter [THREADS] [M]          (M defaults to 2000000)
 * The counter is a plain long: only the mutex keeps increments from being lost, so a
 * broken mutex shows up as a total below N*M. Each iteration also does a little private
 * work outside the lock, as real code does, so the threads do run in parallel. The total
 * work grows with THREADS (M each): with real parallelism the time stays about flat. */
#include "example.h"
#include <stdint.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

typedef struct {
    _Alignas(CACHE_LINE) long iterations;
    uint32_t mix; /* result of the private work, so the compiler keeps it */
} job;

static void *increment_counter(void *arg)
{
    job *j = arg;
    uint32_t x = (uint32_t)(uintptr_t)arg | 1;
    for (long i = 0; i < j->iterations; i++) {
        for (int k = 0; k < 16; k++) /* private work: an xorshift step or sixteen */
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    j->mix = x;
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = example_threads(argc, argv);
    long m = example_arg(argc, argv, 2, 2000000, 100000000);
    job jobs[EXAMPLE_MAX_THREADS];
    for (int i = 0; i < threads; i++)
        jobs[i] = (job){ .iterations = m };

    double t0 = example_now_ms();
    example_run("mutex_counter", threads, increment_counter, jobs, sizeof(job));
    double t1 = example_now_ms();

    long expected = (long)threads * m;
    int ok = counter == expected;
    printf("mutex_counter: threads=%d iterations=%ld counter=%ld expected=%ld %s\n",
           threads, m, counter, expected, ok ? "ok" : "MISMATCH");
    example_report_time("mutex_counter", threads, t1 - t0);
    return ok ? 0 : 1;
}
