/* check.h - the unit tests' one assertion macro: counts passes, prints each failure with its
 * place and a message, and check_summary() prints "NAME: N passed, M failed" and gives the
 * exit status. Include it once per test program. */
#ifndef WEFT_TEST_CHECK_H
#define WEFT_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (cond) {                                                                            \
            passed++;                                                                          \
        } else {                                                                               \
            failed++;                                                                          \
            printf("FAIL %s:%d (%s): ", __FILE__, __LINE__, __func__);                         \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
        }                                                                                      \
    } while (0)

#ifdef WEFT_H
/* Whether this host can make native code (the compiled tier needs a C compiler): wasm, a
 * valid module, is compiled once and thrown away. */
static inline bool check_have_compiler(const uint8_t *wasm, size_t len)
{
    weft_engine *e = weft_engine_new(NULL);
    uint8_t *art = NULL;
    size_t n = 0;
    weft_error *err = weft_module_compile(e, wasm, len, &art, &n);
    bool ok = !err;
    weft_error_free(err);
    weft_bytes_free(art);
    weft_engine_free(e);
    return ok;
}
#endif

static inline int check_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    return failed != 0;
}

#endif
