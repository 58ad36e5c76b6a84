/* fd_race.c - a close racing a read must never let the read use a host descriptor that
 * was freed and reused. One weft_wasi (one descriptor table) is shared by three threads,
 * each with its own store and instance of fd_race.wat, as wasi-threads programs share it:
 *
 *   two readers   read descriptor 4 (the preopen's a.txt, "AAAA") over and over;
 *   one closer    closes descriptor 4, at once opens c.txt ("CCCC") on the host, outside
 *                 weft, which takes the lowest free host number, then opens a.txt again
 *                 in the guest (it gets 4 back) and closes c.txt.
 *
 * If a close freed the host descriptor while a read was still using its number, that
 * read would find c.txt there. Every read must give "AAAA" or EBADF; "CCCC" or anything
 * else fails. Run it under ThreadSanitizer and AddressSanitizer too.
 *   usage: fd_race fd_race.wasm DIR   (DIR holds a.txt and c.txt) */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft.h"

/* Closes per try, and tries: the race is a matter of timing, so it is run often enough
 * that a weft without reference-counted handles fails nearly every time. */
#define ROUNDS 20000
#define TRIES 5

typedef struct shared {
    weft_engine *engine;
    weft_module *module;
    weft_wasi *wasi;
    const char *dir;
    atomic_int stop;
    atomic_long good, ebadf, wrong, errors;
} shared;

typedef struct guest {
    weft_store *store;
    weft_linker *linker;
    weft_instance *inst;
} guest;

static bool guest_new(shared *s, guest *g)
{
    g->store = weft_store_new(s->engine);
    g->linker = weft_linker_new(g->store);
    weft_error *e = weft_wasi_define(s->wasi, g->linker);
    if (!e)
        e = weft_linker_instantiate(g->linker, s->module, &g->inst);
    if (e) {
        fprintf(stderr, "fd_race: %s\n", weft_error_message(e));
        weft_error_free(e);
        return false;
    }
    return true;
}

static void guest_free(guest *g)
{
    weft_linker_free(g->linker);
    weft_store_free(g->store);
}

/* Call export `name` with up to one i32 argument; returns its i32 result, -1 on a trap. */
static int call(guest *g, const char *name, int nargs, int arg)
{
    weft_val a = weft_val_i32(arg), r;
    weft_error *e = weft_call(g->store, weft_instance_func(g->inst, name), &a, (size_t)nargs, &r, 1);
    if (e) {
        weft_error_free(e);
        return -1;
    }
    return r.of.i32;
}

static void *reader(void *arg)
{
    shared *s = arg;
    guest g;
    if (!guest_new(s, &g)) {
        atomic_fetch_add(&s->errors, 1);
        return NULL;
    }
    uint8_t *mem = weft_memory_data(weft_instance_memory(g.inst, "memory"));
    while (!atomic_load(&s->stop)) {
        int rc = call(&g, "read", 1, 4);
        if (rc == 0 && memcmp(mem + 32, "AAAA", 4) == 0)
            atomic_fetch_add(&s->good, 1);
        else if (rc == 8) /* EBADF: closed at that moment */
            atomic_fetch_add(&s->ebadf, 1);
        else
            atomic_fetch_add(&s->wrong, 1);
    }
    guest_free(&g);
    return NULL;
}

static void *closer(void *arg)
{
    shared *s = arg;
    char path[4096];
    guest g;
    snprintf(path, sizeof path, "%s/c.txt", s->dir);
    if (!guest_new(s, &g)) {
        atomic_fetch_add(&s->errors, 1);
        atomic_store(&s->stop, 1);
        return NULL;
    }
    for (int i = 0; i < ROUNDS; i++) {
        int rc = call(&g, "close", 1, 4);
        int other = open(path, O_RDONLY | O_CLOEXEC);
        if (rc != 0 || other < 0 || call(&g, "open", 0, 0) != 0 || call(&g, "fd", 0, 0) != 4) {
            atomic_fetch_add(&s->errors, 1);
            break;
        }
        close(other);
    }
    atomic_store(&s->stop, 1);
    guest_free(&g);
    return NULL;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 16);
    *len = f && buf ? fread(buf, 1, 1 << 16, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fd_race fd_race.wasm DIR\n");
        return 2;
    }
    shared s;
    memset(&s, 0, sizeof s);
    s.dir = argv[2];
    size_t len;
    uint8_t *bytes = read_all(argv[1], &len);
    weft_wasi_preopen pre = {argv[2], "/d"};
    weft_wasi_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.npreopens = 1;
    cfg.preopens = &pre;
    s.engine = weft_engine_new(NULL);
    weft_error *e = weft_module_new(s.engine, bytes, len, &s.module);
    if (!e)
        e = weft_wasi_create(&cfg, &s.wasi);
    free(bytes);
    if (e) {
        fprintf(stderr, "fd_race: %s\n", weft_error_message(e));
        return 1;
    }
    guest first;
    if (!guest_new(&s, &first) || call(&first, "open", 0, 0) != 0 || call(&first, "fd", 0, 0) != 4) {
        fprintf(stderr, "fd_race: cannot open a.txt as descriptor 4\n");
        return 1;
    }
    for (int k = 0; k < TRIES; k++) {
        pthread_t t[3];
        atomic_store(&s.stop, 0);
        pthread_create(&t[0], NULL, reader, &s);
        pthread_create(&t[1], NULL, reader, &s);
        pthread_create(&t[2], NULL, closer, &s);
        for (int i = 0; i < 3; i++)
            pthread_join(t[i], NULL);
    }
    guest_free(&first);
    long good = atomic_load(&s.good), bad = atomic_load(&s.wrong);
    printf("fd_race: %ld good reads, %ld EBADF, %ld wrong, %ld errors\n", good,
           atomic_load(&s.ebadf), bad, (long)atomic_load(&s.errors));
    weft_wasi_free(s.wasi);
    weft_module_free(s.module);
    weft_engine_free(s.engine);
    return bad == 0 && good > 0 && atomic_load(&s.errors) == 0 ? 0 : 1;
}
