/* bounded_buffer.c - producers and consumers over a ring buffer guarded by a mutex and two
 * condition variables (chapter 44, "Condition Variables").
 *   bounded_buffer [THREADS] [ITEMS]     THREADS producers and THREADS consumers,
 *                                        ITEMS in total (default 200000)
 * Producers split the items among themselves and compute each one (a hash) before putting
 * it; consumers finish what they take (another hash) until they take a poison value. Both
 * sides work outside the lock and about equally hard, so neither waits on the other for
 * every item. The count and the sum are checked against a sequential computation. */
#include "example.h"
#include <stdint.h>

#define CAPACITY 64
#define POISON (-1) /* items are hashes in [0, 2^32), so -1 is never one */

typedef struct {
    int64_t slots[CAPACITY];
    int count, in, out;
    pthread_mutex_t mutex;
    pthread_cond_t not_full;
    pthread_cond_t not_empty;
} ring;

static ring buf = {
    .mutex = PTHREAD_MUTEX_INITIALIZER,
    .not_full = PTHREAD_COND_INITIALIZER,
    .not_empty = PTHREAD_COND_INITIALIZER,
};

static void ring_put(ring *r, int64_t item)
{
    pthread_mutex_lock(&r->mutex);
    while (r->count == CAPACITY)
        pthread_cond_wait(&r->not_full, &r->mutex);
    r->slots[r->in] = item;
    r->in = (r->in + 1) % CAPACITY;
    r->count++;
    pthread_cond_signal(&r->not_empty);
    pthread_mutex_unlock(&r->mutex);
}

static int64_t ring_get(ring *r)
{
    pthread_mutex_lock(&r->mutex);
    while (r->count == 0)
        pthread_cond_wait(&r->not_empty, &r->mutex);
    int64_t item = r->slots[r->out];
    r->out = (r->out + 1) % CAPACITY;
    r->count--;
    pthread_cond_signal(&r->not_full);
    pthread_mutex_unlock(&r->mutex);
    return item;
}

/* The work per item, half on each side: 256 rounds of a 32-bit mix. */
static uint32_t mix(uint32_t x)
{
    for (int k = 0; k < 256; k++)
        x = (x ^ (x >> 15)) * 2246822519u + (uint32_t)k;
    return x;
}

static int64_t produce(int i) { return mix((uint32_t)i * 2654435761u + 1); }
static uint32_t consume(int64_t item) { return mix((uint32_t)item ^ 0x9e3779b9u); }

typedef struct {
    _Alignas(CACHE_LINE) int first, last; /* producer: items [first, last) */
    long taken;                           /* consumer: how many items it processed */
    uint64_t sum;                         /* consumer: sum of the processed values */
} role;

static void *producer(void *arg)
{
    role *p = arg;
    for (int i = p->first; i < p->last; i++)
        ring_put(&buf, produce(i));
    return NULL;
}

static void *consumer(void *arg)
{
    role *c = arg;
    for (int64_t item; (item = ring_get(&buf)) != POISON;) {
        c->sum += consume(item);
        c->taken++;
    }
    return NULL;
}

/* Producers and consumers run together; when the producers are done, one poison per
 * consumer ends the consumers. */
static void run_threads(int n, role *producers, role *consumers)
{
    pthread_t threads[2 * EXAMPLE_MAX_THREADS];
    for (int i = 0; i < 2 * n; i++) {
        int is_producer = i < n;
        role *arg = is_producer ? &producers[i] : &consumers[i - n];
        int rc = pthread_create(&threads[i], NULL, is_producer ? producer : consumer, arg);
        if (rc != 0) {
            fprintf(stderr, "bounded_buffer: pthread_create failed for thread %d: %s\n", i,
                    strerror(rc));
            exit(1);
        }
    }
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < n; i++)
        ring_put(&buf, POISON);
    for (int i = n; i < 2 * n; i++)
        pthread_join(threads[i], NULL);
}

/* One thread: produce in batches that fit the ring, consuming each batch right after. */
static void run_single(role *p, role *c)
{
    for (int i = p->first; i < p->last; i += CAPACITY) {
        int end = i + CAPACITY < p->last ? i + CAPACITY : p->last;
        for (int k = i; k < end; k++)
            ring_put(&buf, produce(k));
        for (int k = i; k < end; k++) {
            c->sum += consume(ring_get(&buf));
            c->taken++;
        }
    }
}

int main(int argc, char **argv)
{
    int threads = example_threads(argc, argv);
    int items = (int)example_arg(argc, argv, 2, 200000, 100000000);
    role producers[EXAMPLE_MAX_THREADS], consumers[EXAMPLE_MAX_THREADS];
    int chunk = items / threads;
    for (int i = 0; i < threads; i++) {
        producers[i] = (role){ .first = i * chunk, .last = i == threads - 1 ? items : (i + 1) * chunk };
        consumers[i] = (role){ 0 };
    }

    double t0 = example_now_ms();
    if (threads == 1)
        run_single(&producers[0], &consumers[0]);
    else
        run_threads(threads, producers, consumers);
    double t1 = example_now_ms();

    long taken = 0;
    uint64_t sum = 0, expected = 0;
    for (int i = 0; i < threads; i++) {
        taken += consumers[i].taken;
        sum += consumers[i].sum;
    }
    for (int i = 0; i < items; i++)
        expected += consume(produce(i));

    int ok = taken == items && sum == expected && buf.count == 0;
    printf("bounded_buffer: threads=%d producers=%d consumers=%d items=%ld sum=%llu expected=%llu %s\n",
           threads, threads, threads, taken, (unsigned long long)sum,
           (unsigned long long)expected, ok ? "ok" : "MISMATCH");
    example_report_time("bounded_buffer", threads, t1 - t0);
    return ok ? 0 : 1;
}
