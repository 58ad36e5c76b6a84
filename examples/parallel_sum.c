/* parallel_sum.c - sum 10,000,000 ints with N threads (chapter 44, "C/C++ with pthreads").
 *   parallel_sum [THREADS] [PASSES]
 * Each thread fills its own slice of the array, then sums it PASSES times (default 32; every
 * pass must agree); the total is checked against a sequential sum on the main thread. */
#include "example.h"
#include <stdint.h>

#define N 10000000

typedef struct {
    _Alignas(CACHE_LINE) int *data;
    int start, end, passes;
    int64_t result;
    int consistent;
} slice;

/* Values in [0, 1023] from a multiplicative hash of the index: cheap and not uniform. */
static int value_at(int i)
{
    return (int)(((uint32_t)i * 2654435761u) >> 22);
}

static void *sum_slice(void *arg)
{
    slice *s = arg;
    int *data = s->data;
    for (int i = s->start; i < s->end; i++)
        data[i] = value_at(i);
    int64_t first = 0;
    s->consistent = 1;
    for (int pass = 0; pass < s->passes; pass++) {
        int64_t sum = 0; /* a local, not s->result: no cache line shared with neighbours */
        for (int i = s->start; i < s->end; i++)
            sum += data[i];
        if (pass == 0)
            first = sum;
        else if (sum != first)
            s->consistent = 0;
    }
    s->result = first;
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = example_threads(argc, argv);
    int passes = (int)example_arg(argc, argv, 2, 32, 1000);
    int *data = malloc(sizeof(int) * N);
    if (!data) {
        fprintf(stderr, "parallel_sum: out of memory\n");
        return 1;
    }
    slice slices[EXAMPLE_MAX_THREADS];
    int chunk = N / threads;
    for (int i = 0; i < threads; i++) {
        slices[i] = (slice){ .data = data, .start = i * chunk, .passes = passes,
                             .end = i == threads - 1 ? N : (i + 1) * chunk };
    }

    double t0 = example_now_ms();
    example_run("parallel_sum", threads, sum_slice, slices, sizeof(slice));
    double t1 = example_now_ms();

    int64_t total = 0;
    int consistent = 1;
    for (int i = 0; i < threads; i++) {
        total += slices[i].result;
        consistent &= slices[i].consistent;
    }
    int64_t expected = 0;
    for (int i = 0; i < N; i++)
        expected += value_at(i);

    int ok = consistent && total == expected;
    printf("parallel_sum: threads=%d n=%d sum=%lld expected=%lld %s\n", threads, N,
           (long long)total, (long long)expected, ok ? "ok" : "MISMATCH");
    example_report_time("parallel_sum", threads, t1 - t0);
    free(data);
    return ok ? 0 : 1;
}
