/* quicksort: a recursive quicksort (median of three, insertion sort for short runs) of
 * pseudo-random integers, repeated. Compares, branches, swaps through memory. */
#include <stdint.h>
#include <stdio.h>

#define N (1 << 20)
static int32_t v[N];

static void insertion(int32_t *p, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t x = p[i];
        int j = i - 1;
        while (j >= 0 && p[j] > x) {
            p[j + 1] = p[j];
            j--;
        }
        p[j + 1] = x;
    }
}

static void sort(int32_t *p, int n)
{
    while (n > 16) {
        int32_t a = p[0], b = p[n / 2], c = p[n - 1];
        int32_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int i = 0, j = n - 1;
        for (;;) {
            while (p[i] < pivot) i++;
            while (p[j] > pivot) j--;
            if (i >= j) break;
            int32_t t = p[i]; p[i] = p[j]; p[j] = t;
            i++; j--;
        }
        /* recurse into the smaller part, loop on the larger */
        if (j + 1 < n - j - 1) {
            sort(p, j + 1);
            p += j + 1; n -= j + 1;
        } else {
            sort(p + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    insertion(p, n);
}

int main(void)
{
    volatile int rounds = 3;
    uint32_t x = 7, sum = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < N; i++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            v[i] = (int32_t)(x % 1000000u) - 500000;
        }
        sort(v, N);
        for (int i = 1; i < N; i++)
            if (v[i - 1] > v[i]) { puts("not sorted"); return 1; }
        for (int i = 0; i < N; i += 4099)
            sum = sum * 31u + (uint32_t)v[i];
    }
    printf("quicksort checksum: %u\n", sum);
    return 0;
}
