/*
 * matrix_worker - the seeds' "heavy computation" worker: the host posts two matrices, the
 * worker copies them into its guest's memory (alloc / copy in), multiplies them in wasm, copies
 * the product out, frees, and posts it back, transferring the result buffer. The host checks
 * every element against the same product computed natively.
 */
#include <string.h>

#include "example.h"

#define N 48

/* On the worker's thread: {action, a, b, size} -> {action: "result", result}. */
static weft_error *on_message(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    const char *action = weft_msg_as_string(weft_msg_get(msg, "action"), NULL);
    if (!action || strcmp(action, "multiply_matrices") != 0)
        return weft_trap_new("unknown action");
    weft_buffer *a = weft_msg_as_buffer(weft_msg_get(msg, "a"));
    weft_buffer *b = weft_msg_as_buffer(weft_msg_get(msg, "b"));
    int n = (int)weft_msg_as_int(weft_msg_get(msg, "size"));
    size_t bytes = (size_t)n * n * sizeof(double);
    if (weft_buffer_len(a) != bytes || weft_buffer_len(b) != bytes)
        return weft_trap_new("matrices of the wrong size");

    weft_store *st = weft_scope_store(s);
    weft_instance *inst = weft_scope_instance(s);
    weft_memory *mem = weft_instance_memory(inst, "memory");
    weft_func *alloc = weft_instance_func(inst, "alloc"), *release = weft_instance_func(inst, "free");
    weft_func *mul = weft_instance_func(inst, "multiply_matrices");
    weft_val size = weft_val_i32((int32_t)bytes), p[3];
    weft_error *err = NULL;
    for (int i = 0; i < 3 && !err; i++)
        err = weft_call(st, alloc, &size, 1, &p[i], 1);
    if (!err)
        err = weft_memory_write(mem, (uint32_t)p[0].of.i32, weft_buffer_data(a), bytes);
    if (!err)
        err = weft_memory_write(mem, (uint32_t)p[1].of.i32, weft_buffer_data(b), bytes);
    weft_val args[4] = {p[0], p[1], p[2], weft_val_i32(n)};
    if (!err)
        err = weft_call(st, mul, args, 4, NULL, 0);
    weft_buffer *result = weft_buffer_new(bytes);
    if (!err)
        err = weft_memory_read(mem, (uint32_t)p[2].of.i32, weft_buffer_data(result), bytes);
    for (int i = 0; i < 3 && !err; i++)
        err = weft_call(st, release, &p[i], 1, NULL, 0);
    if (!err) {
        weft_msg *reply = weft_msg_map();
        weft_msg_set(reply, "action", weft_msg_string("result"));
        weft_msg_set(reply, "result", weft_msg_buffer(result));
        err = weft_scope_post(s, reply, &result, 1);
        weft_msg_free(reply);
    }
    weft_buffer_free(result);
    return err;
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "matrix");
    weft_worker_config cfg = {.module = module, .on_message = on_message};
    weft_worker *worker;
    ex_ok(weft_worker_new(engine, &cfg, &worker), "worker");

    weft_buffer *a = weft_buffer_new(N * N * sizeof(double));
    weft_buffer *b = weft_buffer_new(N * N * sizeof(double));
    double *da = (double *)weft_buffer_data(a), *db = (double *)weft_buffer_data(b);
    for (int i = 0; i < N * N; i++) {
        da[i] = (i % 7) - 3.5;
        db[i] = (i % 5) * 0.25 + 1;
    }
    static double want[N * N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++)
                s += da[i * N + k] * db[k * N + j];
            want[i * N + j] = s;
        }

    weft_msg *msg = weft_msg_map();
    weft_msg_set(msg, "action", weft_msg_string("multiply_matrices"));
    weft_msg_set(msg, "a", weft_msg_buffer(a));
    weft_msg_set(msg, "b", weft_msg_buffer(b));
    weft_msg_set(msg, "size", weft_msg_int(N));
    ex_ok(weft_worker_post(worker, msg, NULL, 0), "post"); /* copied: the host keeps a and b */

    weft_msg *reply = ex_reply(worker);
    weft_buffer *r = weft_msg_as_buffer(weft_msg_get(reply, "result"));
    EX_CHECK(weft_buffer_len(r) == N * N * sizeof(double), "result of %zu bytes",
             weft_buffer_len(r));
    int wrong = 0;
    for (int i = 0; r && i < N * N && weft_buffer_len(r); i++)
        wrong += ((double *)weft_buffer_data(r))[i] != want[i];
    EX_CHECK(wrong == 0, "%d of %d elements differ from the native product", wrong, N * N);
    EX_CHECK(!weft_buffer_is_detached(a) && da[5] == (5 % 7) - 3.5, "the inputs were copied");
    printf("%dx%d product computed in the worker; c[0][0] = %g, c[%d][%d] = %g\n", N, N,
           want[0], N - 1, N - 1, want[N * N - 1]);

    weft_msg_free(reply);
    weft_msg_free(msg);
    weft_buffer_free(a);
    weft_buffer_free(b);
    weft_worker_free(worker);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("matrix_worker");
}
