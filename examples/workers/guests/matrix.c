/* matrix.c - the matrix worker's guest: a bump allocator and a double-precision matrix
 * product, built freestanding for wasm32 (no libc). */
#include <stddef.h>

#include "bump_alloc.h"

__attribute__((export_name("multiply_matrices")))
void multiply_matrices(const double *a, const double *b, double *c, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}
