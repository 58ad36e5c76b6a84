/* parallel_sort.c - sort an array with N threads: each sorts a chunk, then pairs of sorted
 * runs are merged in parallel, round after round, until one run is left (chapter 44,
 * "Parallel Sort").
 *   parallel_sort [THREADS] [COUNT]      COUNT ints (default 2,000,000)
 * Checks that the result is sorted and that its checksum (sum and sum of squares, both
 * order-independent) equals the input's. */
#include "example.h"
#include <stdint.h>

/* ---- sequential sort of one chunk: quicksort, insertion sort for short ranges ---- */

static void insertion_sort(int *a, long n)
{
    for (long i = 1; i < n; i++) {
        int v = a[i];
        long j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static int median3(int a, int b, int c)
{
    if (a < b)
        return b < c ? b : (a < c ? c : a);
    return a < c ? a : (b < c ? c : b);
}

/* Recurse into the smaller side and loop on the larger: stack depth stays O(log n). */
static void quick_sort(int *a, long n)
{
    while (n > 24) {
        int pivot = median3(a[0], a[n / 2], a[n - 1]);
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j) break;
            int t = a[i]; a[i] = a[j]; a[j] = t;
            i++, j--;
        }
        long left = j + 1; /* [0, left) <= pivot <= [left, n) */
        if (left < n - left) {
            quick_sort(a, left);
            a += left, n -= left;
        } else {
            quick_sort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static void merge(const int *a, long na, const int *b, long nb, int *out)
{
    long i = 0, j = 0, k = 0;
    while (i < na && j < nb)
        out[k++] = b[j] < a[i] ? b[j++] : a[i++];
    while (i < na) out[k++] = a[i++];
    while (j < nb) out[k++] = b[j++];
}

/* ---- the parallel structure ---- */

typedef struct {
    _Alignas(CACHE_LINE) int *src, *dst;
    long start, mid, end; /* sort: [start, end); merge: [start, mid) with [mid, end) */
} task;

static void *sort_task(void *arg)
{
    task *t = arg;
    quick_sort(t->src + t->start, t->end - t->start);
    return NULL;
}

static void *merge_task(void *arg)
{
    task *t = arg;
    merge(t->src + t->start, t->mid - t->start, t->src + t->mid, t->end - t->mid, t->dst + t->start);
    return NULL;
}

/* Sort a[0..n) with `threads` threads; tmp is scratch of the same size. Returns the
 * buffer holding the result (a or tmp). */
static int *parallel_sort(int *a, int *tmp, long n, int threads)
{
    long bounds[EXAMPLE_MAX_THREADS + 1];
    for (int i = 0; i <= threads; i++)
        bounds[i] = n * i / threads;
    task tasks[EXAMPLE_MAX_THREADS];
    for (int i = 0; i < threads; i++)
        tasks[i] = (task){ .src = a, .start = bounds[i], .end = bounds[i + 1] };
    example_run("parallel_sort", threads, sort_task, tasks, sizeof(task));

    int runs = threads;
    int *src = a, *dst = tmp;
    while (runs > 1) { /* merge runs pairwise; an odd last run is copied through */
        int pairs = runs / 2;
        for (int p = 0; p < pairs; p++)
            tasks[p] = (task){ .src = src, .dst = dst, .start = bounds[2 * p],
                               .mid = bounds[2 * p + 1], .end = bounds[2 * p + 2] };
        if (runs % 2)
            memcpy(dst + bounds[runs - 1], src + bounds[runs - 1],
                   sizeof(int) * (size_t)(n - bounds[runs - 1]));
        example_run("parallel_sort", pairs, merge_task, tasks, sizeof(task));
        for (int p = 0; p <= pairs; p++)
            bounds[p] = p < pairs ? bounds[2 * p] : bounds[runs];
        if (runs % 2) {
            bounds[pairs] = bounds[runs - 1];
            bounds[pairs + 1] = n;
        }
        runs = pairs + runs % 2;
        int *t = src; src = dst; dst = t;
    }
    return src;
}

typedef struct { uint64_t sum, squares; } checksum;

static checksum checksum_of(const int *a, long n)
{
    checksum c = { 0, 0 };
    for (long i = 0; i < n; i++) {
        c.sum += (uint64_t)(int64_t)a[i];
        c.squares += (uint64_t)((int64_t)a[i] * a[i]);
    }
    return c;
}

int main(int argc, char **argv)
{
    int threads = example_threads(argc, argv);
    long n = example_arg(argc, argv, 2, 2000000, 100000000);
    int *a = malloc(sizeof(int) * (size_t)n), *tmp = malloc(sizeof(int) * (size_t)n);
    if (!a || !tmp) {
        fprintf(stderr, "parallel_sort: out of memory\n");
        return 1;
    }
    uint32_t x = 2463534242u;
    for (long i = 0; i < n; i++) { /* xorshift32: reproducible, with duplicates and negatives */
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        a[i] = (int)(x % 2000003u) - 1000000;
    }
    checksum before = checksum_of(a, n);

    double t0 = example_now_ms();
    int *sorted = parallel_sort(a, tmp, n, threads);
    double t1 = example_now_ms();

    long unsorted = 0;
    for (long i = 1; i < n; i++)
        unsorted += sorted[i - 1] > sorted[i];
    checksum after = checksum_of(sorted, n);
    int ok = unsorted == 0 && before.sum == after.sum && before.squares == after.squares;
    printf("parallel_sort: threads=%d n=%ld min=%d max=%d out_of_order=%ld checksum=%s %s\n",
           threads, n, sorted[0], sorted[n - 1], unsorted,
           before.sum == after.sum && before.squares == after.squares ? "same" : "DIFFERENT",
           ok ? "ok" : "MISMATCH");
    example_report_time("parallel_sort", threads, t1 - t0);
    free(a);
    free(tmp);
    return ok ? 0 : 1;
}
