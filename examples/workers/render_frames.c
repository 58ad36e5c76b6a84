/*
 * render_frames - a worker renders frames into a framebuffer in a shared memory (the web's
 * OffscreenCanvas pattern): for each frame the host posts its number, the guest draws it and
 * publishes "frame done" with an atomic store + notify, the host wakes, checks the pixels
 * against the same drawing computed natively, and writes the frame as a PPM image a person
 * can open, into WEFT_EXAMPLES_DIR/frames/.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "example.h"

#define W 160
#define H 90
#define FRAMES 8
#define FB_OFFSET (128 * 1024) /* past the guest's own data and stack */

/* Render the frame the message names; the guest itself signals completion. */
static weft_error *on_message(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_val args[4] = {weft_val_i32(FB_OFFSET), weft_val_i32((int32_t)weft_msg_as_int(msg)),
                        weft_val_i32(W), weft_val_i32(H)};
    weft_func *render = weft_instance_func(weft_scope_instance(s), "render");
    return weft_call(weft_scope_store(s), render, args, 4, NULL, 0);
}

static void draw_native(uint8_t *px, int f)
{
    int cx = (W / 4) + (f * W / 16) % (W / 2), cy = H / 2, r = H / 4;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = px + 3 * (y * W + x);
            int dx = x - cx, dy = y - cy, inside = dx * dx + dy * dy <= r * r;
            p[0] = inside ? 255 : (uint8_t)(x * 255 / W);
            p[1] = inside ? (uint8_t)(f * 40) : (uint8_t)(y * 255 / H);
            p[2] = inside ? 40 : 128;
        }
}

static bool write_ppm(const char *path, const uint8_t *px)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fprintf(f, "P6\n%d %d\n255\n", W, H);
    bool ok = fwrite(px, 3, W * H, f) == W * H;
    return fclose(f) == 0 && ok;
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "render");
    weft_memory *mem;
    ex_ok(weft_memory_new(engine, 4, 64, true, true, &mem), "shared memory");
    weft_worker_config cfg = {.module = module, .setup = ex_import_memory, .on_message = on_message,
                              .user = mem};
    weft_worker *worker;
    ex_ok(weft_worker_new(engine, &cfg, &worker), "worker");

    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/frames", WEFT_EXAMPLES_DIR);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s\n", dir);
        return 1;
    }
    const uint8_t *fb = weft_memory_data(mem) + FB_OFFSET + 16;
    static uint8_t want[W * H * 3];
    int written = 0;
    for (int f = 0; f < FRAMES; f++) {
        weft_msg *m = weft_msg_int(f);
        ex_ok(weft_worker_post(worker, m, NULL, 0), "post");
        weft_msg_free(m);
        /* sleep until the guest publishes frames-done = f + 1 */
        uint64_t done = 0;
        weft_wait_result r;
        while (ex_ok(weft_atomic_load(mem, FB_OFFSET, 4, &done), "load"), done != (uint64_t)f + 1) {
            ex_ok(weft_atomic_wait(mem, FB_OFFSET, 4, done, 10 * 1000000000LL, NULL, &r), "wait");
            if (r == WEFT_WAIT_TIMED_OUT) {
                weft_event ev;
                if (weft_worker_next_event(worker, 0, &ev) && ev.error)
                    fprintf(stderr, "worker: %s\n", weft_error_message(ev.error));
                EX_CHECK(false, "frame %d never finished", f);
                return ex_finish("render_frames");
            }
        }
        draw_native(want, f);
        EX_CHECK(memcmp(fb, want, sizeof want) == 0, "frame %d differs from the native drawing", f);
        snprintf(path, sizeof path, "%s/frame_%02d.ppm", dir, f);
        EX_CHECK(write_ppm(path, fb), "cannot write %s", path);
        written++;
    }
    struct stat st;
    snprintf(path, sizeof path, "%s/frame_%02d.ppm", dir, FRAMES - 1);
    EX_CHECK(stat(path, &st) == 0 && st.st_size > W * H * 3, "%s is not a full image", path);
    printf("%d frames of %dx%d rendered by the worker into shared memory, written to %s/\n",
           written, W, H, dir);

    weft_worker_free(worker);
    weft_memory_free(mem);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("render_frames");
}
