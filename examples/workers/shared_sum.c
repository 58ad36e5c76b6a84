/*
 * shared_sum - N workers import one shared memory; each sums its chunk of the numbers in it
 * (in wasm) and adds its partial sum to a shared total with an atomic add. The host combines
 * the partial sums from the workers' messages and checks both against the native sum.
 */
#include "example.h"

#define WORKERS 4
#define COUNT 200000          /* i32 values from byte 64 on */

/* {start, count} -> the chunk's sum, computed by the guest's `sum`. */
static weft_error *on_message(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_val args[2] = {weft_val_i32((int32_t)weft_msg_as_int(weft_msg_get(msg, "start"))),
                        weft_val_i32((int32_t)weft_msg_as_int(weft_msg_get(msg, "count")))};
    weft_val r;
    weft_func *sum = weft_instance_func(weft_scope_instance(s), "sum");
    weft_error *err = weft_call(weft_scope_store(s), sum, args, 2, &r, 1);
    if (err)
        return err;
    weft_msg *reply = weft_msg_int(r.of.i64);
    err = weft_scope_post(s, reply, NULL, 0);
    weft_msg_free(reply);
    return err;
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "sum");
    weft_memory *mem;
    ex_ok(weft_memory_new(engine, 16, 16, true, true, &mem), "shared memory");

    int32_t *values = (int32_t *)(weft_memory_data(mem) + 64);
    int64_t want = 0;
    for (int i = 0; i < COUNT; i++) {
        values[i] = (i * 37) % 1001 - 500;
        want += values[i];
    }

    weft_worker *workers[WORKERS];
    weft_worker_config cfg = {.module = module, .setup = ex_import_memory, .on_message = on_message,
                              .user = mem};
    for (int i = 0; i < WORKERS; i++) {
        ex_ok(weft_worker_new(engine, &cfg, &workers[i]), "worker");
        weft_msg *task = weft_msg_map();
        int chunk = COUNT / WORKERS, start = i * chunk;
        weft_msg_set(task, "start", weft_msg_int(start));
        weft_msg_set(task, "count", weft_msg_int(i == WORKERS - 1 ? COUNT - start : chunk));
        ex_ok(weft_worker_post(workers[i], task, NULL, 0), "post");
        weft_msg_free(task);
    }
    int64_t combined = 0;
    for (int i = 0; i < WORKERS; i++) {
        weft_msg *r = ex_reply(workers[i]);
        combined += weft_msg_as_int(r);
        weft_msg_free(r);
    }
    uint64_t total = 0;
    ex_ok(weft_atomic_load(mem, 0, 8, &total), "atomic load");
    EX_CHECK(combined == want, "the combined partial sums %lld != %lld", (long long)combined,
             (long long)want);
    EX_CHECK((int64_t)total == want, "the shared atomic total %lld != %lld", (long long)total,
             (long long)want);
    printf("%d workers summed %d numbers in one shared memory: %lld (atomic total %lld)\n",
           WORKERS, COUNT, (long long)combined, (long long)(int64_t)total);

    for (int i = 0; i < WORKERS; i++)
        weft_worker_free(workers[i]);
    weft_memory_free(mem);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("shared_sum");
}
