/*
 * image_worker - the seeds' image processing worker: the host transfers an RGBA pixel buffer
 * to a worker, whose guest filters it in wasm (gray 3x3 box blur), and the worker transfers
 * the same buffer back. The buffer moves between threads without a copy: the host checks that
 * the pixels come back at the address it allocated them at, that its handle was detached
 * meanwhile, and that every pixel equals the filter computed natively.
 */
#include <string.h>

#include "example.h"

#define W 64
#define H 48

static uint8_t *sent_at; /* the worker checks it got the host's bytes, not a copy */

static weft_error *on_message(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_buffer *px = weft_msg_as_buffer(weft_msg_get(msg, "pixels"));
    int w = (int)weft_msg_as_int(weft_msg_get(msg, "width"));
    int h = (int)weft_msg_as_int(weft_msg_get(msg, "height"));
    size_t n = weft_buffer_len(px);
    if (!px || n != (size_t)w * h * 4)
        return weft_trap_new("bad image");
    weft_store *st = weft_scope_store(s);
    weft_instance *inst = weft_scope_instance(s);
    weft_memory *mem = weft_instance_memory(inst, "memory");
    weft_val len = weft_val_i32((int32_t)n), ptr, rc;
    weft_error *err = weft_call(st, weft_instance_func(inst, "alloc"), &len, 1, &ptr, 1);
    if (!err) /* copy in: the guest can only reach its own memory */
        err = weft_memory_write(mem, (uint32_t)ptr.of.i32, weft_buffer_data(px), n);
    weft_val args[3] = {ptr, weft_val_i32(w), weft_val_i32(h)};
    if (!err)
        err = weft_call(st, weft_instance_func(inst, "apply_filter"), args, 3, &rc, 1);
    if (!err) /* copy out, into the very buffer that was transferred to us */
        err = weft_memory_read(mem, (uint32_t)ptr.of.i32, weft_buffer_data(px), n);
    if (!err)
        err = weft_call(st, weft_instance_func(inst, "free"), &ptr, 1, NULL, 0);
    if (err)
        return err;
    weft_msg *reply = weft_msg_map();
    weft_msg_set(reply, "pixels", weft_msg_buffer(px));
    weft_msg_set(reply, "received_in_place", weft_msg_bool(weft_buffer_data(px) == sent_at));
    err = weft_scope_post(s, reply, &px, 1); /* transfer back */
    weft_msg_free(reply);
    return err;
}

static void filter_native(const uint8_t *in, uint8_t *out, int w, int h)
{
    static uint8_t g[W * H];
    for (int i = 0; i < w * h; i++)
        g[i] = (uint8_t)((in[4 * i] * 77u + in[4 * i + 1] * 150u + in[4 * i + 2] * 29u) >> 8);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned s = 0, n = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    if (y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w) {
                        s += g[(y + dy) * w + x + dx];
                        n++;
                    }
            uint8_t *p = out + 4 * (y * w + x);
            p[0] = p[1] = p[2] = (uint8_t)(s / n);
            p[3] = in[4 * (y * w + x) + 3];
        }
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "image");
    weft_worker_config cfg = {.module = module, .on_message = on_message};
    weft_worker *worker;
    ex_ok(weft_worker_new(engine, &cfg, &worker), "worker");

    weft_buffer *pixels = weft_buffer_new(W * H * 4);
    uint8_t *px = weft_buffer_data(pixels);
    for (int i = 0; i < W * H; i++) {
        px[4 * i] = (uint8_t)(i * 13);
        px[4 * i + 1] = (uint8_t)(i * 7 + 3);
        px[4 * i + 2] = (uint8_t)(i / W * 5);
        px[4 * i + 3] = (uint8_t)(200 + i % 50);
    }
    static uint8_t want[W * H * 4];
    filter_native(px, want, W, H);
    sent_at = px;

    weft_msg *msg = weft_msg_map();
    weft_msg_set(msg, "action", weft_msg_string("process"));
    weft_msg_set(msg, "pixels", weft_msg_buffer(pixels));
    weft_msg_set(msg, "width", weft_msg_int(W));
    weft_msg_set(msg, "height", weft_msg_int(H));
    ex_ok(weft_worker_post(worker, msg, &pixels, 1), "post");
    EX_CHECK(weft_buffer_is_detached(pixels) && weft_buffer_len(pixels) == 0,
             "the host's handle is detached after the transfer");

    weft_msg *reply = ex_reply(worker);
    weft_buffer *back = weft_msg_as_buffer(weft_msg_get(reply, "pixels"));
    EX_CHECK(weft_msg_as_bool(weft_msg_get(reply, "received_in_place")),
             "the worker received the host's bytes in place");
    EX_CHECK(weft_buffer_data(back) == px, "the pixels came back at the same address");
    EX_CHECK(weft_buffer_len(back) == W * H * 4, "the whole image came back");
    EX_CHECK(back && weft_buffer_len(back) == W * H * 4 &&
             memcmp(weft_buffer_data(back), want, W * H * 4) == 0,
             "the filtered pixels equal the native filter");
    printf("%dx%d image: transferred, filtered in wasm, transferred back at %p (never copied "
           "between threads)\n", W, H, (void *)weft_buffer_data(back));

    weft_msg_free(reply);
    weft_msg_free(msg);
    weft_buffer_free(pixels);
    weft_worker_free(worker);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("image_worker");
}
