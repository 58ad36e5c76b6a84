/* kit_test.c - the guest kit's own test: every pthread feature, exercised by threads.
 *   weft run build/guest/kit_test.wasm [THREADS]     prints "kit_test: ok" and exits 0
 * Each check names the behaviour; the first failure prints it and exits 1. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;
#define CHECK(cond, what) do { if (!(cond)) { printf("FAIL %s (line %d)\n", what, __LINE__); failures++; } } while (0)

static int nthreads = 4;

/* ---- thread-local storage is per thread and starts from its initial value ---- */
static _Thread_local int tls_value = 42;
static _Thread_local char tls_buf[64];

static void *tls_worker(void *arg)
{
    int ok = tls_value == 42 && tls_buf[0] == 0;
    tls_value = (int)(long)arg;
    snprintf(tls_buf, sizeof tls_buf, "%ld", (long)arg);
    for (volatile int i = 0; i < 10000; i++)
        ;
    ok = ok && tls_value == (int)(long)arg && atoi(tls_buf) == (int)(long)arg;
    return (void *)(long)ok;
}

static void test_tls(void)
{
    pthread_t t[8];
    for (long i = 0; i < nthreads; i++)
        CHECK(pthread_create(&t[i], NULL, tls_worker, (void *)(i + 100)) == 0, "create");
    for (int i = 0; i < nthreads; i++) {
        void *r = NULL;
        CHECK(pthread_join(t[i], &r) == 0 && r == (void *)1L, "tls per thread");
    }
    CHECK(tls_value == 42, "main tls untouched");
}

/* ---- mutex types ---- */
static void test_mutex_types(void)
{
    pthread_mutexattr_t a;
    pthread_mutex_t m;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &a);
    CHECK(pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == 0, "recursive relock");
    CHECK(pthread_mutex_trylock(&m) == 0, "recursive trylock");
    CHECK(pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == 0, "recursive unlock");
    CHECK(pthread_mutex_unlock(&m) == 0, "recursive last unlock");
    CHECK(pthread_mutex_unlock(&m) == EPERM, "recursive unlock unowned");
    pthread_mutex_destroy(&m);

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &a);
    CHECK(pthread_mutex_lock(&m) == 0, "errorcheck lock");
    CHECK(pthread_mutex_lock(&m) == EDEADLK, "errorcheck relock");
    CHECK(pthread_mutex_trylock(&m) == EBUSY, "errorcheck trylock");
    CHECK(pthread_mutex_unlock(&m) == 0, "errorcheck unlock");
    CHECK(pthread_mutex_unlock(&m) == EPERM, "errorcheck unlock unowned");

    pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
    CHECK(pthread_mutex_trylock(&n) == 0 && pthread_mutex_trylock(&n) == EBUSY, "normal trylock");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    CHECK(pthread_mutex_timedlock(&n, &ts) == ETIMEDOUT, "timedlock times out");
    pthread_mutex_unlock(&n);
}

/* ---- a contended mutex counts exactly ---- */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&count_lock);
        counter++;
        pthread_mutex_unlock(&count_lock);
    }
    return NULL;
}

static void run_all(void *(*fn)(void *), void *arg)
{
    pthread_t t[8];
    for (int i = 0; i < nthreads; i++)
        CHECK(pthread_create(&t[i], NULL, fn, arg) == 0, "create");
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
}

static void test_mutex_count(void)
{
    counter = 0;
    run_all(count_worker, NULL);
    CHECK(counter == 20000L * nthreads, "mutex counter exact");
}

/* ---- condition variables: ping-pong, broadcast, timed wait ---- */
static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, go;

static void *pong(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&cm);
        while (turn != 1)
            pthread_cond_wait(&cv, &cm);
        turn = 0;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&cm);
    }
    return NULL;
}

static void *wait_go(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cm);
    while (!go)
        pthread_cond_wait(&cv, &cm);
    pthread_mutex_unlock(&cm);
    return NULL;
}

static void test_cond(void)
{
    pthread_t t;
    pthread_create(&t, NULL, pong, NULL);
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&cm);
        turn = 1;
        pthread_cond_signal(&cv);
        while (turn != 0)
            pthread_cond_wait(&cv, &cm);
        pthread_mutex_unlock(&cm);
    }
    pthread_join(t, NULL);
    CHECK(turn == 0, "ping-pong");

    pthread_t ts[8];
    for (int i = 0; i < nthreads; i++)
        pthread_create(&ts[i], NULL, wait_go, NULL);
    struct timespec d = {0, 20 * 1000000};
    nanosleep(&d, NULL);
    pthread_mutex_lock(&cm);
    go = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&cm);
    for (int i = 0; i < nthreads; i++)
        pthread_join(ts[i], NULL);
    CHECK(1, "broadcast wakes all");

    struct timespec abs, before, after;
    clock_gettime(CLOCK_REALTIME, &before);
    abs = before;
    abs.tv_nsec += 30 * 1000000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&cm);
    int rc;
    do rc = pthread_cond_timedwait(&cv, &cm, &abs); while (rc == 0);
    pthread_mutex_unlock(&cm);
    clock_gettime(CLOCK_REALTIME, &after);
    long ms = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    CHECK(rc == ETIMEDOUT && ms >= 25, "timedwait times out after the deadline");
}

/* ---- barriers: every round is complete before anyone passes ---- */
static pthread_barrier_t bar;
static int arrived[16];

static void *barrier_worker(void *arg)
{
    int serial = 0, ok = 1;
    for (int round = 0; round < 200; round++) {
        __atomic_fetch_add(&arrived[round % 16], 1, __ATOMIC_SEQ_CST);
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
            serial++;
        ok &= __atomic_load_n(&arrived[round % 16], __ATOMIC_SEQ_CST) >= nthreads * (round / 16 + 1);
        pthread_barrier_wait(&bar);
    }
    (void)arg;
    return (void *)(long)(ok ? serial + 1 : 0);
}

static void test_barrier(void)
{
    pthread_barrier_init(&bar, NULL, (unsigned)nthreads);
    pthread_t t[8];
    for (int i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, barrier_worker, NULL);
    long serial = 0, ok = 1;
    for (int i = 0; i < nthreads; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok &= r != NULL;
        serial += (long)r - 1;
    }
    CHECK(ok, "barrier rounds complete");
    CHECK(serial == 200, "one serial thread per counted wait");
    if (serial != 200) printf("serial = %ld\n", serial);
    pthread_barrier_destroy(&bar);
}

/* ---- rwlock: writers exclusive, readers together ---- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_a, rw_b;

static void *rw_worker(void *arg)
{
    long bad = 0;
    for (int i = 0; i < 3000; i++) {
        if (i % 4 == (long)arg % 4) {
            pthread_rwlock_wrlock(&rw);
            rw_a++;
            rw_b++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            bad += rw_a != rw_b;
            pthread_rwlock_unlock(&rw);
        }
    }
    return (void *)bad;
}

static void test_rwlock(void)
{
    pthread_t t[8];
    for (long i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, rw_worker, (void *)i);
    long bad = 0;
    for (int i = 0; i < nthreads; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0 && rw_a == 750L * nthreads, "rwlock exclusion");
    CHECK(pthread_rwlock_tryrdlock(&rw) == 0 && pthread_rwlock_trywrlock(&rw) == EBUSY, "try rw");
    pthread_rwlock_unlock(&rw);
}

/* ---- once, keys with destructors, detach, pthread_exit, semaphores ---- */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_fn(void) { once_runs++; }

static pthread_key_t key;
static int dtor_runs;
static void dtor(void *p) { __atomic_fetch_add(&dtor_runs, 1, __ATOMIC_SEQ_CST); free(p); }

static sem_t sem;

static void *misc_worker(void *arg)
{
    pthread_once(&once, once_fn);
    CHECK(pthread_getspecific(key) == NULL, "key starts NULL");
    pthread_setspecific(key, malloc(16));
    if ((long)arg == 1)
        pthread_exit((void *)7L);
    sem_post(&sem);
    return (void *)3L;
}

static void test_misc(void)
{
    CHECK(pthread_key_create(&key, dtor) == 0, "key create");
    sem_init(&sem, 0, 0);
    pthread_t a, b, c;
    pthread_create(&a, NULL, misc_worker, (void *)0L);
    pthread_create(&b, NULL, misc_worker, (void *)1L);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    CHECK(pthread_create(&c, &attr, misc_worker, (void *)2L) == 0, "create detached");
    void *ra, *rb;
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    CHECK(ra == (void *)3L, "join result");
    CHECK(rb == (void *)7L, "pthread_exit result");
    sem_wait(&sem);
    sem_wait(&sem);
    CHECK(sem_trywait(&sem) == -1 && errno == EAGAIN, "semaphore counts");
    CHECK(once_runs == 1, "once runs once");
    struct timespec d = {0, 10 * 1000000};
    nanosleep(&d, NULL);
    CHECK(__atomic_load_n(&dtor_runs, __ATOMIC_SEQ_CST) == 3, "key destructors at exit");
    CHECK(pthread_equal(pthread_self(), pthread_self()) && !pthread_equal(a, b), "equal");
    pthread_key_delete(key);
}

/* ---- malloc from many threads at once ---- */
static void *malloc_worker(void *arg)
{
    unsigned seed = (unsigned)(long)arg * 2654435761u + 1;
    void *slots[64] = {0};
    size_t sizes[64] = {0};
    long bad = 0;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        int s = (seed >> 16) % 64;
        if (slots[s]) {
            unsigned char *p = slots[s];
            bad += p[0] != (unsigned char)s || p[sizes[s] - 1] != (unsigned char)s;
            free(p);
            slots[s] = NULL;
        } else {
            size_t n = 1 + (seed >> 8) % (i % 50 == 0 ? 100000 : 600);
            unsigned char *p = malloc(n);
            bad += ((unsigned long)p & 15) != 0;
            memset(p, s, n);
            slots[s] = p;
            sizes[s] = n;
        }
    }
    for (int s = 0; s < 64; s++)
        free(slots[s]);
    return (void *)bad;
}

static void test_malloc(void)
{
    pthread_t t[8];
    for (long i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, malloc_worker, (void *)i);
    long bad = 0;
    for (int i = 0; i < nthreads; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0, "malloc from threads: aligned, no overlap");
    char *p = realloc(NULL, 10);
    strcpy(p, "realloc");
    p = realloc(p, 100000);
    CHECK(strcmp(p, "realloc") == 0, "realloc keeps contents");
    free(p);
    int *z = calloc(1000, sizeof *z);
    int sum = 0;
    for (int i = 0; i < 1000; i++) sum += z[i];
    CHECK(sum == 0, "calloc zeroes");
    free(z);
    void *al = aligned_alloc(256, 1000);
    CHECK(((unsigned long)al & 255) == 0, "aligned_alloc");
    free(al);
}

/* ---- printf from threads: whole lines, none lost ---- */
static void *print_worker(void *arg)
{
    for (int i = 0; i < 50; i++)
        printf("line %ld %d ............................................\n", (long)arg, i);
    return NULL;
}

static void test_stdio(void)
{
    run_all(print_worker, (void *)1L);
}

/* KIT_TRACE=1 in the environment names each test on stderr as it starts. */
static void step(const char *name)
{
    if (getenv("KIT_TRACE"))
        fprintf(stderr, "kit_test: %s\n", name);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        nthreads = atoi(argv[1]);
    if (nthreads < 1 || nthreads > 8)
        nthreads = 4;
    step("mutex_types");
    test_mutex_types();
    step("tls");
    test_tls();
    step("mutex_count");
    test_mutex_count();
    step("cond");
    test_cond();
    step("barrier");
    test_barrier();
    step("rwlock");
    test_rwlock();
    step("misc");
    test_misc();
    step("malloc");
    test_malloc();
    step("stdio");
    test_stdio();
    printf("kit_test: %s (%d threads)\n", failures ? "FAILED" : "ok", nthreads);
    return failures ? 1 : 0;
}
