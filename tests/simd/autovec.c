/*
 * autovec.c - ordinary loops that `clang -O3 -msimd128` vectorises (byte saturation,
 * int16 dot products, float saxpy, counting, min/max reductions, widening sums, int/float
 * conversion, a 3x3 box blur). Built natively (scalar) and for wasm32 with SIMD, every
 * engine must print the same checksums.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 4099 /* not a multiple of the vector width: the loops' tails run too */

static uint8_t px[N], out8[N];
static int16_t s16a[N], s16b[N];
static int32_t i32[N];
static float fa[N], fb[N];
static uint8_t img[64 * 64], blur[64 * 64];

static uint32_t seed = 12345;
static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

static uint64_t hash(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

__attribute__((noinline)) static void brighten(uint8_t *d, const uint8_t *s, int n, int k)
{
    for (int i = 0; i < n; i++) {
        int v = s[i] + k;
        d[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

__attribute__((noinline)) static int64_t dot16(const int16_t *a, const int16_t *b, int n)
{
    int32_t s = 0; /* wraps identically: unsigned arithmetic below */
    for (int i = 0; i < n; i++)
        s = (int32_t)((uint32_t)s + (uint32_t)(a[i] * b[i]));
    return s;
}

__attribute__((noinline)) static void saxpy(float *y, const float *x, float a, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static int count_eq(const uint8_t *s, int n, uint8_t c)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

__attribute__((noinline)) static void minmax(const int32_t *v, int n, int32_t *lo, int32_t *hi)
{
    int32_t a = v[0], b = v[0];
    for (int i = 1; i < n; i++) {
        a = v[i] < a ? v[i] : a;
        b = v[i] > b ? v[i] : b;
    }
    *lo = a;
    *hi = b;
}

__attribute__((noinline)) static uint64_t widen_sum(const uint8_t *s, int n)
{
    uint32_t t = 0;
    for (int i = 0; i < n; i++)
        t += s[i];
    return t;
}

__attribute__((noinline)) static void to_float(float *d, const int32_t *s, int n)
{
    for (int i = 0; i < n; i++)
        d[i] = (float)s[i] * 0.5f;
}

__attribute__((noinline)) static void abs_diff(uint8_t *d, const uint8_t *a, const uint8_t *b,
                                               int n)
{
    for (int i = 0; i < n; i++)
        d[i] = (uint8_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
}

__attribute__((noinline)) static void box_blur(uint8_t *d, const uint8_t *s, int w, int h)
{
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            int t = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    t += s[(y + dy) * w + x + dx];
            d[y * w + x] = (uint8_t)(t / 9);
        }
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        px[i] = (uint8_t)rnd();
        s16a[i] = (int16_t)rnd();
        s16b[i] = (int16_t)rnd();
        i32[i] = (int32_t)(rnd() - (1u << 23));
        fa[i] = (float)(rnd() % 1000) / 8.0f;
        fb[i] = (float)(rnd() % 1000) / 16.0f;
    }
    for (int i = 0; i < 64 * 64; i++)
        img[i] = (uint8_t)rnd();

    brighten(out8, px, N, 77);
    printf("brighten   %016llx\n", (unsigned long long)hash(out8, N));
    printf("dot16      %lld\n", (long long)dot16(s16a, s16b, N));
    saxpy(fb, fa, 1.25f, N);
    printf("saxpy      %016llx\n", (unsigned long long)hash(fb, sizeof fb));
    printf("count_eq   %d\n", count_eq(px, N, 42));
    int32_t lo, hi;
    minmax(i32, N, &lo, &hi);
    printf("minmax     %d %d\n", lo, hi);
    printf("widen_sum  %llu\n", (unsigned long long)widen_sum(px, N));
    to_float(fa, i32, N);
    printf("to_float   %016llx\n", (unsigned long long)hash(fa, sizeof fa));
    abs_diff(out8, px, out8, N);
    printf("abs_diff   %016llx\n", (unsigned long long)hash(out8, N));
    memset(blur, 0, sizeof blur);
    box_blur(blur, img, 64, 64);
    printf("box_blur   %016llx\n", (unsigned long long)hash(blur, sizeof blur));
    return 0;
}
