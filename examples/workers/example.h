/*
 * example.h - what the worker examples share: loading a guest that the build put next to
 * them, checks that count failures, and the exit status. Each example verifies its own
 * output and exits non-zero on a mismatch.
 *
 * The guests are built into WEFT_EXAMPLES_DIR/workers/ (the make fragment passes the build
 * directory's absolute path), so the examples run from anywhere with no arguments.
 */
#ifndef WEFT_EXAMPLE_H
#define WEFT_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft.h"

#ifndef WEFT_EXAMPLES_DIR
#define WEFT_EXAMPLES_DIR "build/examples"
#endif

static int ex_failures;

#define EX_CHECK(cond, ...)                                                                    \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            ex_failures++;                                                                     \
            fprintf(stderr, "MISMATCH %s:%d: ", __FILE__, __LINE__);                           \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fprintf(stderr, "\n");                                                             \
        }                                                                                      \
    } while (0)

/* Stop at an error that leaves nothing to check. */
static inline void ex_ok(weft_error *err, const char *what)
{
    if (!err)
        return;
    fprintf(stderr, "%s: %s\n", what, weft_error_message(err));
    weft_error_free(err);
    exit(1);
}

static inline weft_module *ex_load(weft_engine *e, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/workers/%s.wasm", WEFT_EXAMPLES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s (run `make examples` first)\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *bytes = malloc(n > 0 ? (size_t)n : 1);
    if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    weft_module *m = NULL;
    ex_ok(weft_module_new(e, bytes, (size_t)n, &m), path);
    free(bytes);
    return m;
}

/* A worker setup callback: import the shared memory given as the worker's user pointer as
 * `env` `memory`. */
static inline weft_error *ex_import_memory(weft_linker *l, weft_store *s, void *user)
{
    (void)s;
    weft_extern ext = {.kind = WEFT_EXTERN_MEMORY, .of.memory = user};
    return weft_linker_define(l, "env", "memory", ext);
}

/* The next event, which must be a message (an error event ends the example). */
static inline weft_msg *ex_reply(weft_worker *w)
{
    weft_event ev;
    if (!weft_worker_next_event(w, 30 * 1000000000LL, &ev)) {
        fprintf(stderr, "no reply from the worker within 30 s\n");
        exit(1);
    }
    if (ev.kind != WEFT_EVENT_MESSAGE) {
        fprintf(stderr, "worker %s: %s\n", ev.kind == WEFT_EVENT_ERROR ? "error" : "messageerror",
                ev.error ? weft_error_message(ev.error) : "?");
        exit(1);
    }
    weft_msg *m = ev.msg;
    ev.msg = NULL;
    weft_event_clear(&ev);
    return m;
}

static inline double ex_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline int ex_finish(const char *name)
{
    if (ex_failures)
        fprintf(stderr, "%s: %d mismatches\n", name, ex_failures);
    else
        printf("%s: ok\n", name);
    return ex_failures ? 1 : 0;
}

#endif
