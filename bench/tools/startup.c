/*
 * startup.c - start-up costs, measured through the public API:
 *   startup BIG.wasm THREAD.wasm [THREADS]
 * 1. Loading a large module: decode + validate alone (weft_module_validate) and the whole
 *    weft_module_new (decode + validate + translate), best of 5; translation is the
 *    difference.
 * 2. Memory per thread: THREADS stores, each with an instance of THREAD.wasm over one
 *    shared memory (the shape of a wasi-thread), each having run a little code; the
 *    growth of the resident set divided by THREADS.
 * Prints "key: value" lines for bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (p = malloc((size_t)n + 1)) && fread(p, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

static int fail(const char *what, weft_error *e)
{
    fprintf(stderr, "startup: %s: %s\n", what, e ? weft_error_message(e) : "failed");
    weft_error_free(e);
    return 1;
}

static int load_times(weft_engine *eng, const char *path)
{
    size_t len = 0;
    uint8_t *bytes = read_file(path, &len);
    double best_v = 1e30, best_l = 1e30;
    if (!bytes)
        return fail(path, NULL);
    for (int i = 0; i < 5; i++) {
        weft_module *m = NULL;
        double t0 = now_ms(), t1, t2;
        weft_error *e = weft_module_validate(eng, bytes, len);
        t1 = now_ms();
        if (!e)
            e = weft_module_new(eng, bytes, len, &m);
        t2 = now_ms();
        if (e) {
            free(bytes);
            return fail(path, e);
        }
        weft_module_free(m);
        best_v = t1 - t0 < best_v ? t1 - t0 : best_v;
        best_l = t2 - t1 < best_l ? t2 - t1 : best_l;
    }
    printf("module_bytes: %zu\n", len);
    printf("validate_ms: %.1f\n", best_v);
    printf("load_ms: %.1f\n", best_l);
    printf("translate_ms: %.1f\n", best_l > best_v ? best_l - best_v : 0.0);
    free(bytes);
    return 0;
}

static int thread_memory(weft_engine *eng, const char *path, int n)
{
    size_t len = 0;
    uint8_t *bytes = read_file(path, &len);
    weft_module *m = NULL;
    weft_memory *mem = NULL;
    weft_store **stores = calloc((size_t)n, sizeof *stores);
    weft_error *e;
    long before;
    int rc = 0;
    if (!bytes || !stores)
        return fail(path, NULL);
    if ((e = weft_module_new(eng, bytes, len, &m)) ||
        (e = weft_memory_new(eng, 1, 16, true, true, &mem))) {
        free(bytes);
        free(stores);
        return fail(path, e);
    }
    before = rss_kb();
    for (int i = 0; i < n && !rc; i++) {
        weft_extern imp = {.kind = WEFT_EXTERN_MEMORY, .of.memory = mem};
        weft_instance *inst = NULL;
        weft_val arg = weft_val_i32(15), res;
        stores[i] = weft_store_new(eng);
        if (!stores[i] || (e = weft_instance_new(stores[i], m, &imp, 1, &inst)) ||
            (e = weft_call(stores[i], weft_instance_func(inst, "work"), &arg, 1, &res, 1)))
            rc = fail("instantiate", e);
    }
    if (!rc)
        printf("thread_kb: %.1f\n", (double)(rss_kb() - before) / n);
    for (int i = 0; i < n; i++)
        weft_store_free(stores[i]);
    weft_memory_free(mem);
    weft_module_free(m);
    free(stores);
    free(bytes);
    return rc;
}

int main(int argc, char **argv)
{
    weft_engine *eng;
    int rc;
    if (argc < 3) {
        fputs("usage: startup BIG.wasm THREAD.wasm [THREADS]\n", stderr);
        return 2;
    }
    eng = weft_engine_new(NULL);
    if (!eng)
        return fail("engine", NULL);
    rc = load_times(eng, argv[1]);
    if (!rc)
        rc = thread_memory(eng, argv[2], argc > 3 ? atoi(argv[3]) : 200);
    weft_engine_free(eng);
    return rc;
}
