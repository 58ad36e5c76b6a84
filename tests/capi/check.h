/*
 * check.h - what every wasm.h test program shares: CHECK counts passed and failed checks
 * (printing the failed ones), load_module reads DIR/NAME.wasm (DIR is $CAPI_WASM_DIR,
 * default "."), and check_summary prints `N passed, M failed` and gives the exit status.
 * The programs are C11 and C++ at once: no designated initializers of our own, casts on
 * malloc, nothing outside wasm.h and weft_wasm.h.
 */
#ifndef CAPI_CHECK_H
#define CAPI_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft_wasm.h"

static int check_passed, check_failed;

#define CHECK(cond) check_record((cond) ? 1 : 0, #cond, __LINE__)

static inline int check_record(int ok, const char *what, int line)
{
    if (ok)
        check_passed++;
    else {
        check_failed++;
        printf("FAILED line %d: %s\n", line, what);
    }
    return ok;
}

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

/* The bytes of NAME.wasm, or an empty vector (and a failed check) when it cannot be read. */
static inline void load_bytes(const char *name, wasm_byte_vec_t *out)
{
    const char *dir = getenv("CAPI_WASM_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.wasm", dir ? dir : ".", name);
    wasm_byte_vec_new_empty(out);
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        wasm_byte_vec_new_uninitialized(out, (size_t)n);
        if (n > 0 && fread(out->data, (size_t)n, 1, f) != 1)
            wasm_byte_vec_delete(out);
    }
    if (f)
        fclose(f);
    if (!check_record(out->size > 0, path, __LINE__))
        printf("cannot read %s\n", path);
}

/* Load and compile NAME.wasm in the store; NULL (and a failed check) on failure. */
static inline wasm_module_t *load_module(wasm_store_t *store, const char *name)
{
    wasm_byte_vec_t bytes;
    load_bytes(name, &bytes);
    wasm_module_t *m = bytes.size ? wasm_module_new(store, &bytes) : NULL;
    if (!check_record(m != NULL, name, __LINE__))
        printf("module %s: %s\n", name, weft_wasm_store_error(store));
    wasm_byte_vec_delete(&bytes);
    return m;
}

/* Instantiate module with the n imports given (in the module's import order) and take its
 * exports into *x (empty when instantiation fails, which is a failed check). */
static inline wasm_instance_t *instantiate(wasm_store_t *store, const wasm_module_t *module,
                                           wasm_extern_t **imports, size_t n,
                                           wasm_extern_vec_t *x)
{
    wasm_extern_vec_t v;
    v.size = n;
    v.data = imports;
    wasm_instance_t *inst = wasm_instance_new(store, module, &v, NULL);
    check_record(inst != NULL, "instantiate", __LINE__);
    if (inst)
        wasm_instance_exports(inst, x);
    else
        wasm_extern_vec_new_empty(x);
    return inst;
}

/* Export i of an instance's exports, as the kind wanted (NULL and a failed check if not). */
static inline wasm_func_t *export_func(const wasm_extern_vec_t *x, size_t i)
{
    wasm_func_t *f = i < x->size ? wasm_extern_as_func(x->data[i]) : NULL;
    check_record(f != NULL, "export is a function", __LINE__);
    return f;
}

/* Call f with up to 4 i32 arguments and one i32 result; -999999 if it traps. */
static inline int32_t call_i32(const wasm_func_t *f, size_t nargs, int32_t a0, int32_t a1)
{
    wasm_val_t args[2] = {WASM_I32_VAL(a0), WASM_I32_VAL(a1)};
    wasm_val_t res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av, rv;
    av.size = nargs;
    av.data = args;
    rv.size = 1;
    rv.data = res;
    wasm_trap_t *trap = wasm_func_call(f, &av, &rv);
    if (trap) {
        wasm_trap_delete(trap);
        return -999999;
    }
    return res[0].of.i32;
}

#endif
