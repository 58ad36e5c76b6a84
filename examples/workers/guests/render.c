/* render.c - the render worker's guest: draws frame number f (a moving disc on a gradient)
 * into an RGB framebuffer in the shared memory it imports. Freestanding wasm32 with atomics:
 * when done it publishes the frame number and wakes the host. */
#include <stdint.h>

/* The framebuffer header at `fb`: [0] frames done (the host waits on it), then pixels. */
__attribute__((export_name("render")))
void render(uint32_t *fb, int f, int w, int h)
{
    uint8_t *px = (uint8_t *)(fb + 4);
    int cx = (w / 4) + (f * w / 16) % (w / 2), cy = h / 2, r = h / 4;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = px + 3 * (y * w + x);
            int dx = x - cx, dy = y - cy;
            int inside = dx * dx + dy * dy <= r * r;
            p[0] = inside ? 255 : (uint8_t)(x * 255 / w);
            p[1] = inside ? (uint8_t)(f * 40) : (uint8_t)(y * 255 / h);
            p[2] = inside ? 40 : 128;
        }
    __atomic_store_n(fb, (uint32_t)f + 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify((int *)fb, 1);
}
