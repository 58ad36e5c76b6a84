/*
 * relay - two workers talk, as the seeds' "communicating between workers" section shows:
 *  1. through the host: each worker's replies are forwarded to the other (a counter goes back
 *     and forth, each guest adding one), by the host's event loop;
 *  2. through shared memory: both import one shared memory; one guest produces 1..COUNT into
 *     a one-slot mailbox, the other consumes them, each sleeping in memory.atomic.wait32 until
 *     the other acts. The host only starts them and checks the sum.
 * Both workers run the same guest, under the guest convention for part 1 and through a C
 * handler calling produce/consume for part 2 (one worker each way).
 */
#include <string.h>

#include "example.h"

#define HOPS 50
#define COUNT 5000

/* Part 2: {"produce" | "consume": count} -> the export's result. */
static weft_error *mailbox_handler(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    const char *what = weft_msg_key_at(msg, 0);
    weft_val count = weft_val_i32((int32_t)weft_msg_as_int(weft_msg_at(msg, 0))), r;
    weft_func *f = weft_instance_func(weft_scope_instance(s), what ? what : "");
    if (!f)
        return weft_trap_new("no export %s", what ? what : "(none)");
    weft_error *err = weft_call(weft_scope_store(s), f, &count, 1, &r, 1);
    if (err)
        return err;
    weft_msg *reply = weft_msg_int(r.type == WEFT_I64 ? r.of.i64 : r.of.i32);
    err = weft_scope_post(s, reply, NULL, 0);
    weft_msg_free(reply);
    return err;
}

static uint32_t u32_of(const weft_msg *m)
{
    uint32_t v = 0;
    if (weft_buffer_len(weft_msg_as_buffer(m)) == 4)
        memcpy(&v, weft_buffer_data(weft_msg_as_buffer(m)), 4);
    return v;
}

static void relay_through_host(weft_worker *a, weft_worker *b)
{
    uint32_t start = 1000;
    weft_msg *m = weft_msg_bytes(&start, 4);
    ex_ok(weft_worker_post(a, m, NULL, 0), "post");
    weft_msg_free(m);
    weft_worker *from = a, *to = b;
    int hops = 0;
    for (; hops < HOPS; hops++) {
        m = ex_reply(from); /* forward what one said to the other, untouched */
        weft_buffer *payload = weft_msg_as_buffer(m);
        ex_ok(weft_worker_post(to, m, &payload, 1), "forward");
        weft_msg_free(m);
        weft_worker *t = from;
        from = to;
        to = t;
    }
    m = ex_reply(from);
    EX_CHECK(u32_of(m) == start + HOPS + 1, "after %d hops the counter is %u, expected %u",
             hops, u32_of(m), start + HOPS + 1);
    printf("through the host: %d hops between two workers, counter %u -> %u\n", hops, start,
           u32_of(m));
    weft_msg_free(m);
}

static void relay_through_memory(weft_worker *a, weft_worker *b)
{
    weft_msg *produce = weft_msg_map(), *consume = weft_msg_map();
    weft_msg_set(produce, "produce", weft_msg_int(COUNT));
    weft_msg_set(consume, "consume", weft_msg_int(COUNT));
    ex_ok(weft_worker_post(b, consume, NULL, 0), "post");
    ex_ok(weft_worker_post(a, produce, NULL, 0), "post");
    weft_msg *pa = ex_reply(a), *pb = ex_reply(b);
    int64_t want = (int64_t)COUNT * (COUNT + 1) / 2;
    EX_CHECK(weft_msg_as_int(pa) == COUNT, "produced %lld", (long long)weft_msg_as_int(pa));
    EX_CHECK(weft_msg_as_int(pb) == want, "consumed sum %lld, expected %lld",
             (long long)weft_msg_as_int(pb), (long long)want);
    printf("through shared memory: %d values handed from one worker to the other, sum %lld\n",
           COUNT, (long long)weft_msg_as_int(pb));
    weft_msg_free(pa);
    weft_msg_free(pb);
    weft_msg_free(produce);
    weft_msg_free(consume);
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "relay");
    weft_memory *mem;
    ex_ok(weft_memory_new(engine, 1, 1, true, true, &mem), "shared memory");

    weft_worker_config guest_cfg = {.module = module, .setup = ex_import_memory, .user = mem};
    weft_worker *a, *b;
    ex_ok(weft_worker_new(engine, &guest_cfg, &a), "worker a");
    ex_ok(weft_worker_new(engine, &guest_cfg, &b), "worker b");
    relay_through_host(a, b);
    weft_worker_free(a);
    weft_worker_free(b);

    weft_worker_config c_cfg = {.module = module, .setup = ex_import_memory,
                                .on_message = mailbox_handler, .user = mem};
    ex_ok(weft_worker_new(engine, &c_cfg, &a), "worker a");
    ex_ok(weft_worker_new(engine, &c_cfg, &b), "worker b");
    relay_through_memory(a, b);
    weft_worker_free(a);
    weft_worker_free(b);

    weft_memory_free(mem);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("relay");
}
