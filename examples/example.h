/* example.h - what the threaded example guests share: the thread-count argument, a
 * monotonic clock, and running one function on N threads.
 *
 * Every example takes the thread count as argv[1] (default 2), verifies its own result,
 * prints one deterministic result line on stdout, the time of its parallel phase on
 * stderr, and exits 1 when the result is wrong. With one thread the work runs on the main
 * thread itself, so the examples also run on hosts without wasi-threads. */
#ifndef WEFT_EXAMPLE_H
#define WEFT_EXAMPLE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXAMPLE_MAX_THREADS 64
#define CACHE_LINE 64 /* per-thread results are padded to this, against false sharing */

/* argv[index] as a positive count, or `fallback` when absent; exits 2 when malformed. */
static inline long example_arg(int argc, char **argv, int index, long fallback, long max)
{
    if (argc <= index)
        return fallback;
    char *end;
    long v = strtol(argv[index], &end, 10);
    if (*end || v < 1 || v > max) {
        fprintf(stderr, "%s: argument %d must be 1..%ld\n", argv[0], index, max);
        exit(2);
    }
    return v;
}

static inline int example_threads(int argc, char **argv)
{
    return (int)example_arg(argc, argv, 1, 2, EXAMPLE_MAX_THREADS);
}

static inline double example_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Run fn(args + i * arg_size) for i in [0, n) on n threads and wait for all of them. A
 * failed pthread_create is reported and ends the program: the examples measure threads,
 * so quietly running the work elsewhere would hide the failure. */
static inline void example_run(const char *name, int n, void *(*fn)(void *), void *args, size_t arg_size)
{
    if (n == 1) {
        fn(args);
        return;
    }
    pthread_t threads[EXAMPLE_MAX_THREADS];
    for (int i = 0; i < n; i++) {
        int rc = pthread_create(&threads[i], NULL, fn, (char *)args + (size_t)i * arg_size);
        if (rc != 0) {
            fprintf(stderr, "%s: pthread_create failed for thread %d: %s\n", name, i, strerror(rc));
            exit(1);
        }
    }
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
}

/* Report the parallel phase's time on stderr, so stdout stays deterministic. */
static inline void example_report_time(const char *name, int threads, double ms)
{
    fprintf(stderr, "%s: %d thread%s, parallel phase %.1f ms\n", name, threads,
            threads == 1 ? "" : "s", ms);
}

#endif
