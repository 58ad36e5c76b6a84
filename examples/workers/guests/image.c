/* image.c - the image worker's guest: alloc/free and a filter over RGBA pixels (a 3x3 box
 * blur of the grayscale value), built freestanding for wasm32. */
#include <stddef.h>
#include <stdint.h>

#include "bump_alloc.h"

static uint32_t gray(const uint8_t *px) { return (px[0] * 77u + px[1] * 150u + px[2] * 29u) >> 8; }

/* In place over the caller's pixels: the blur reads gray values from a scratch copy, since
 * writing a pixel must not change what its neighbours read. Alpha is kept. */
__attribute__((export_name("apply_filter"))) int apply_filter(uint8_t *px, int w, int h)
{
    uint8_t *g = alloc((size_t)w * h);
    if (!g)
        return -1;
    for (int i = 0; i < w * h; i++)
        g[i] = (uint8_t)gray(px + 4 * i);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t s = 0, n = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                        s += g[yy * w + xx];
                        n++;
                    }
                }
            uint8_t *p = px + 4 * (y * w + x);
            p[0] = p[1] = p[2] = (uint8_t)(s / n);
        }
    release(g);
    return 0;
}
