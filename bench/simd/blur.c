/* blur: a 3x3 box filter over an 8-bit greyscale image, then a brightness ramp with
 * saturation; the inner loops are byte arithmetic that -msimd128 vectorises. */
#include <stdint.h>
#include <stdio.h>

#define W 512
#define H 512
static uint8_t img[W * H], tmp[W * H], out[W * H];

static void blur_rows(uint8_t *d, const uint8_t *s)
{
    for (int y = 0; y < H; y++)
        for (int x = 1; x < W - 1; x++) {
            const uint8_t *p = s + y * W + x;
            d[y * W + x] = (uint8_t)((p[-1] + 2 * p[0] + p[1] + 2) >> 2);
        }
}

static void blur_cols(uint8_t *d, const uint8_t *s)
{
    for (int y = 1; y < H - 1; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *p = s + y * W + x;
            d[y * W + x] = (uint8_t)((p[-W] + 2 * p[0] + p[W] + 2) >> 2);
        }
}

static void brighten(uint8_t *d, int k)
{
    for (int i = 0; i < W * H; i++) {
        int v = d[i] + k;
        d[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

int main(void)
{
    volatile int rounds = 40;
    uint32_t seed = 7, sum = 0;
    for (int i = 0; i < W * H; i++) {
        seed = seed * 1103515245u + 12345u;
        img[i] = (uint8_t)(seed >> 16);
    }
    for (int r = 0; r < rounds; r++) {
        blur_rows(tmp, img);
        blur_cols(out, tmp);
        brighten(out, r & 15);
        sum = sum * 31u + out[(r * 7919) % (W * H)] + out[W * H / 2 + r];
        img[r] ^= out[r + W];
    }
    printf("blur checksum: %u\n", sum);
    return 0;
}
