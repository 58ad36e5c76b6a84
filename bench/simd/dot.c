/* dot: dot products of int16 vectors (widening multiply-add) and of float vectors, the
 * kernels of audio and machine-learning code. */
#include <stdint.h>
#include <stdio.h>

#define N 4096
static int16_t a16[N], b16[N];
static float af[N], bf[N];

static int32_t dot16(const int16_t *a, const int16_t *b)
{
    int32_t s = 0;
    for (int i = 0; i < N; i++)
        s += a[i] * b[i];
    return s;
}

/* four partial sums, so that the float loop may be vectorised without reassociating */
static float dotf(const float *a, const float *b)
{
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < N; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    return (s0 + s1) + (s2 + s3);
}

int main(void)
{
    volatile int rounds = 3000;
    uint32_t seed = 99;
    int64_t t = 0;
    double tf = 0;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        a16[i] = (int16_t)(seed >> 20);
        b16[i] = (int16_t)(seed >> 8);
        af[i] = (float)(a16[i] & 255) / 64.0f;
        bf[i] = (float)(b16[i] & 255) / 32.0f;
    }
    for (int r = 0; r < rounds; r++) {
        a16[r % N] ^= (int16_t)r;
        t += dot16(a16, b16);
        af[r % N] += 1.0f;
        tf += dotf(af, bf);
    }
    printf("dot checksum: %lld %.1f\n", (long long)t, tf);
    return 0;
}
