/*
 * pool_tasks - the seeds' worker pool: 4 workers over one module run 100 tasks and the host
 * collects the results in submission order. The guest follows the guest convention (no C
 * handler): a task is 4 bytes (n), the result 4 bytes (the Collatz steps of n). A second
 * round submits futures one by one and collects them through callbacks.
 */
#include <pthread.h>
#include <string.h>

#include "example.h"

#define TASKS 100

static uint32_t collatz(uint64_t n)
{
    uint32_t k = 0;
    for (; n > 1; k++)
        n = n % 2 ? 3 * n + 1 : n / 2;
    return k;
}

static uint32_t task_input(int i) { return 1000000u + (uint32_t)i * 7919u; }

static uint32_t bytes_u32(const weft_msg *m)
{
    uint32_t v = 0;
    weft_buffer *b = weft_msg_as_buffer(m);
    if (weft_buffer_len(b) == 4)
        memcpy(&v, weft_buffer_data(b), 4);
    return v;
}

typedef struct tally {
    pthread_mutex_t lock;
    uint64_t sum;
    int count;
} tally;

static void on_done(weft_future *f, void *user)
{
    tally *t = user;
    pthread_mutex_lock(&t->lock);
    t->sum += bytes_u32(weft_future_result(f));
    t->count++;
    pthread_mutex_unlock(&t->lock);
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "collatz");
    weft_worker_config cfg = {.module = module}; /* the guest convention */
    weft_pool *pool;
    ex_ok(weft_pool_new(engine, &cfg, 4, &pool), "pool");

    weft_msg *tasks[TASKS], *results[TASKS];
    for (int i = 0; i < TASKS; i++) {
        uint32_t n = task_input(i);
        tasks[i] = weft_msg_bytes(&n, 4);
    }
    double t0 = ex_now();
    ex_ok(weft_pool_map(pool, (const weft_msg *const *)tasks, TASKS, results), "map");
    double dt = ex_now() - t0;
    int wrong = 0;
    uint64_t want_sum = 0;
    for (int i = 0; i < TASKS; i++) {
        uint32_t want = collatz(task_input(i));
        want_sum += want;
        wrong += bytes_u32(results[i]) != want;
        weft_msg_free(results[i]);
    }
    EX_CHECK(wrong == 0, "%d of %d results wrong or out of order", wrong, TASKS);

    /* second round: futures with callbacks, completion in any order */
    tally t = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
    weft_future *fs[TASKS];
    for (int i = 0; i < TASKS; i++) {
        ex_ok(weft_pool_submit(pool, tasks[i], NULL, 0, &fs[i]), "submit");
        weft_future_then(fs[i], on_done, &t);
    }
    for (int i = 0; i < TASKS; i++) {
        weft_future_wait(fs[i], -1);
        weft_future_free(fs[i]);
    }
    EX_CHECK(t.count == TASKS && t.sum == want_sum, "callbacks: %d results, sum %llu != %llu",
             t.count, (unsigned long long)t.sum, (unsigned long long)want_sum);
    printf("pool of %u workers: %d tasks in submission order (%.1f ms), %d more by callback\n",
           weft_pool_size(pool), TASKS, dt * 1e3, t.count);

    weft_pool_shutdown(pool, true);
    weft_pool_free(pool);
    for (int i = 0; i < TASKS; i++)
        weft_msg_free(tasks[i]);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("pool_tasks");
}
