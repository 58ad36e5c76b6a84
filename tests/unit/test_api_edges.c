/*
 * test_api_edges.c - the sharp edges of the embedding API, as a careless embedder meets
 * them: every error reader and every _free() given NULL, a function called through another
 * store (an error, never a silent success), and weft_table_new's error value.
 */
#include <stdio.h>
#include <string.h>

#include "weft.h"
#include "check.h"

/* CHECK with the condition itself as the message */
#define EXPECT(cond) CHECK((cond), "%s", #cond)

/* (module (func (export "f") (result i32) i32.const 7)) */
static const uint8_t f_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
    0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66,
    0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0b};

static void test_error_readers_take_null(void)
{
    uint32_t idx = 99;
    const char *name = "x";
    EXPECT(weft_error_kind_of(NULL) == WEFT_ERR_NONE);
    EXPECT(strcmp(weft_error_message(NULL), "no error") == 0);
    EXPECT(weft_error_offset(NULL) == (size_t)-1);
    EXPECT(!weft_error_func(NULL, &idx, &name) && idx == 99);
    EXPECT(weft_error_trap(NULL) == WEFT_TRAP_NONE);
    EXPECT(weft_error_exit_code(NULL) == 0);
}

static void test_free_null(void)
{
    /* none of these may crash */
    weft_error_free(NULL);
    weft_engine_free(NULL);
    weft_functype_free(NULL);
    weft_module_free(NULL);
    weft_store_free(NULL);
    weft_memory_free(NULL);
    weft_linker_free(NULL);
    weft_wasi_free(NULL);
    weft_threads_free(NULL);
    weft_msg_free(NULL);
    weft_buffer_free(NULL);
    weft_event_clear(NULL);
    weft_worker_free(NULL);
    weft_pool_free(NULL);
    weft_future_free(NULL);
    EXPECT(true);
}

static weft_error *host_seven(weft_caller *c, void *env, const weft_val *args, weft_val *res)
{
    (void)c, (void)env, (void)args;
    res[0] = weft_val_i32(7);
    return NULL;
}

static void test_other_store(weft_engine *engine)
{
    weft_store *a = weft_store_new(engine), *b = weft_store_new(engine);
    weft_module *m = NULL;
    weft_instance *inst = NULL;
    weft_val r = weft_val_i32(0);
    EXPECT(weft_module_new(engine, f_wasm, sizeof f_wasm, &m) == NULL);
    EXPECT(weft_instance_new(a, m, NULL, 0, &inst) == NULL);
    weft_func *f = inst ? weft_instance_func(inst, "f") : NULL;
    EXPECT(f != NULL);
    /* wasm function of store a, called through b */
    weft_error *e = weft_call(b, f, NULL, 0, &r, 1);
    EXPECT(weft_error_kind_of(e) == WEFT_ERR_ARG && strstr(weft_error_message(e), "another store"));
    weft_error_free(e);
    EXPECT(weft_call(a, f, NULL, 0, &r, 1) == NULL && r.of.i32 == 7);
    /* host function of store a, called through b */
    uint8_t i32 = WEFT_I32;
    weft_functype *t = weft_functype_new(NULL, 0, &i32, 1);
    weft_func *h = weft_func_new(a, t, host_seven, NULL, NULL);
    weft_functype_free(t);
    e = weft_call(b, h, NULL, 0, &r, 1);
    EXPECT(weft_error_kind_of(e) == WEFT_ERR_ARG);
    weft_error_free(e);
    r.of.i32 = 0;
    EXPECT(weft_call(a, h, NULL, 0, &r, 1) == NULL && r.of.i32 == 7);
    weft_store_free(a);
    weft_store_free(b);
    weft_module_free(m);
}

static void test_table_new_error(weft_engine *engine)
{
    weft_store *s = weft_store_new(engine);
    weft_table *t = (weft_table *)1;
    weft_error *e = weft_table_new(s, WEFT_I32, 1, 2, true, &t);
    EXPECT(weft_error_kind_of(e) == WEFT_ERR_ARG && t == NULL);
    weft_error_free(e);
    e = weft_table_new(s, WEFT_FUNCREF, 3, 2, true, &t);
    EXPECT(weft_error_kind_of(e) == WEFT_ERR_ARG && t == NULL);
    weft_error_free(e);
    EXPECT(weft_table_new(s, WEFT_FUNCREF, 2, 4, true, &t) == NULL && t && weft_table_size(t) == 2);
    e = weft_table_new(s, WEFT_FUNCREF, 1, 1, true, NULL);
    EXPECT(weft_error_kind_of(e) == WEFT_ERR_ARG);
    weft_error_free(e);
    weft_store_free(s);
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    test_error_readers_take_null();
    test_free_null();
    test_other_store(engine);
    test_table_new_error(engine);
    weft_engine_free(engine);
    return check_summary("test_api_edges");
}
