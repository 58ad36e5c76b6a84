/* matmul.c - C = A x B for N x N doubles, rows split across threads.
 *   matmul [THREADS] [N]                 N defaults to 512
 * Every row of C is computed by exactly one thread, so threads write disjoint memory (each
 * block of rows starts on a fresh cache line when N is a multiple of 8). The check
 * recomputes every sixteenth row sequentially, in the same order of operations, and demands
 * bit-identical results: every thread's block is sampled for up to N/16 threads, and the
 * sequential check stays small beside the parallel multiply (it is what a 1-vs-N speed-up
 * cannot shrink). A sum over all of C is printed as a fingerprint. */
#include "example.h"
#include <stdint.h>

typedef struct {
    _Alignas(CACHE_LINE) const double *a, *b;
    double *c;
    int n, first, last; /* rows [first, last) */
} rows;

/* i-k-j order: the inner loop walks B and C rows contiguously. */
static void multiply_row(const double *a, const double *b, double *c, int n, int i)
{
    double *ci = c + (size_t)i * n;
    for (int j = 0; j < n; j++)
        ci[j] = 0.0;
    for (int k = 0; k < n; k++) {
        double aik = a[(size_t)i * n + k];
        const double *bk = b + (size_t)k * n;
        for (int j = 0; j < n; j++)
            ci[j] += aik * bk[j];
    }
}

static void *multiply_rows(void *arg)
{
    rows *r = arg;
    for (int i = r->first; i < r->last; i++)
        multiply_row(r->a, r->b, r->c, r->n, i);
    return NULL;
}

static void fill(double *m, size_t count, uint32_t seed)
{
    for (size_t i = 0; i < count; i++) { /* values in [-1, 1) with 1/1024 steps */
        seed = seed * 1664525u + 1013904223u;
        m[i] = (double)((int)(seed >> 21) - 1024) / 1024.0;
    }
}

int main(int argc, char **argv)
{
    int threads = example_threads(argc, argv);
    int n = (int)example_arg(argc, argv, 2, 512, 4096);
    size_t count = (size_t)n * n;
    double *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b);
    double *c = malloc(count * sizeof *c), *check = malloc((size_t)n * sizeof *check);
    if (!a || !b || !c || !check) {
        fprintf(stderr, "matmul: out of memory\n");
        return 1;
    }
    fill(a, count, 1);
    fill(b, count, 2);

    rows parts[EXAMPLE_MAX_THREADS];
    for (int t = 0; t < threads; t++)
        parts[t] = (rows){ .a = a, .b = b, .c = c, .n = n,
                           .first = (int)((long)n * t / threads),
                           .last = (int)((long)n * (t + 1) / threads) };

    double t0 = example_now_ms();
    example_run("matmul", threads, multiply_rows, parts, sizeof(rows));
    double t1 = example_now_ms();

    /* Recompute sampled rows into a scratch matrix row, via a one-row C. */
    long mismatches = 0;
    for (int i = 0; i < n; i += 16) {
        double *ci = c + (size_t)i * n;
        const double *ai = a + (size_t)i * n;
        multiply_row(ai, b, check, n, 0);
        mismatches += memcmp(check, ci, (size_t)n * sizeof *check) != 0;
    }
    double trace = 0.0, total = 0.0;
    for (int i = 0; i < n; i++)
        trace += c[(size_t)i * n + i];
    for (size_t i = 0; i < count; i++)
        total += c[i];

    int ok = mismatches == 0;
    printf("matmul: threads=%d n=%d trace=%.6f sum=%.6f rows_checked=%d mismatched=%ld %s\n",
           threads, n, trace, total, (n + 15) / 16, mismatches, ok ? "ok" : "MISMATCH");
    example_report_time("matmul", threads, t1 - t0);
    free(a); free(b); free(c); free(check);
    return ok ? 0 : 1;
}
