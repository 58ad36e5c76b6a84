/*
 * test_embed.c - embeds weft through include/weft.h only, as a user would: host imports,
 * calls, memory access, globals, tables, traps (message, function, offset), link errors,
 * instantiation failures, reusing a store after a trap, and two engines at once.
 * The modules are binaries in C arrays; their text form is in the comment above each.
 */
#include <stdio.h>
#include <string.h>

#include "weft.h"

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __LINE__)
static void check(bool ok, const char *what, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

/* Checks that err is an error of the given kind, then frees it. */
#define CHECK_ERR(err, kind) check_err((err), (kind), __LINE__)
static weft_error *check_err(weft_error *e, weft_error_kind kind, int line)
{
    check(e != NULL && weft_error_kind_of(e) == kind, "error of the expected kind", line);
    if (e && weft_error_kind_of(e) != kind)
        printf("  got kind %d: %s\n", (int)weft_error_kind_of(e), weft_error_message(e));
    return e;
}

#define CHECK_OK(err) check_ok((err), __LINE__)
static void check_ok(weft_error *e, int line)
{
    check(e == NULL, "no error", line);
    if (e) {
        printf("  error: %s\n", weft_error_message(e));
        weft_error_free(e);
    }
}

/*
 * (module
 *   (import "env" "add1" (func $add1 (param i32) (result i32)))
 *   (import "env" "peek" (func $peek (param i32) (result i32)))
 *   (memory (export "mem") 1 3)
 *   (table (export "tab") 2 funcref)
 *   (global $g (export "g") (mut i32) (i32.const 7))
 *   (func $twice (export "twice") (param i32) (result i32)
 *     local.get 0 call $add1 call $add1)
 *   (func $div (export "div") (param i32 i32) (result i32)
 *     local.get 0 local.get 1 i32.div_s)
 *   (func $load (export "load") (param i32) (result i32)
 *     local.get 0 i32.load)
 *   (func $store (export "store") (param i32 i32)
 *     local.get 0 local.get 1 i32.store)
 *   (func $grow (export "grow") (param i32) (result i32)
 *     local.get 0 memory.grow)
 *   (func $peek16 (export "peek16") (result i32)
 *     i32.const 16 call $peek)
 *   (func $bump (export "bump") (result i32)
 *     global.get $g i32.const 1 i32.add global.set $g global.get $g)
 *   (func $callind (export "callind") (param i32 i32 i32) (result i32)
 *     local.get 0 local.get 1 local.get 2 call_indirect (param i32 i32) (result i32))
 *   (elem (i32.const 0) $div)
 *   (data (i32.const 16) "hello"))
 */
static const uint8_t embed_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1c, 0x05, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60,
    0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x02, 0x17, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x61, 0x64,
    0x64, 0x31, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x70, 0x65, 0x65, 0x6b, 0x00, 0x00, 0x03,
    0x09, 0x08, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x03, 0x04, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02,
    0x05, 0x04, 0x01, 0x01, 0x01, 0x03, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x07, 0x0b, 0x07, 0x4f,
    0x0b, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x01, 0x67, 0x03,
    0x00, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x02, 0x03, 0x64, 0x69, 0x76, 0x00, 0x03, 0x04,
    0x6c, 0x6f, 0x61, 0x64, 0x00, 0x04, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x05, 0x04, 0x67,
    0x72, 0x6f, 0x77, 0x00, 0x06, 0x06, 0x70, 0x65, 0x65, 0x6b, 0x31, 0x36, 0x00, 0x07, 0x04, 0x62,
    0x75, 0x6d, 0x70, 0x00, 0x08, 0x07, 0x63, 0x61, 0x6c, 0x6c, 0x69, 0x6e, 0x64, 0x00, 0x09, 0x09,
    0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x03, 0x0a, 0x4a, 0x08, 0x08, 0x00, 0x20, 0x00, 0x10,
    0x00, 0x10, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b, 0x07, 0x00, 0x20, 0x00,
    0x28, 0x02, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00, 0x0b, 0x06, 0x00,
    0x20, 0x00, 0x40, 0x00, 0x0b, 0x06, 0x00, 0x41, 0x10, 0x10, 0x01, 0x0b, 0x0b, 0x00, 0x23, 0x00,
    0x41, 0x01, 0x6a, 0x24, 0x00, 0x23, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02,
    0x11, 0x01, 0x00, 0x0b, 0x0b, 0x0b, 0x01, 0x00, 0x41, 0x10, 0x0b, 0x05, 0x68, 0x65, 0x6c, 0x6c,
    0x6f, 0x00, 0x67, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x43, 0x0a, 0x00, 0x04, 0x61, 0x64, 0x64,
    0x31, 0x01, 0x04, 0x70, 0x65, 0x65, 0x6b, 0x02, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x03, 0x03,
    0x64, 0x69, 0x76, 0x04, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x05, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65,
    0x06, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x07, 0x06, 0x70, 0x65, 0x65, 0x6b, 0x31, 0x36, 0x08, 0x04,
    0x62, 0x75, 0x6d, 0x70, 0x09, 0x07, 0x63, 0x61, 0x6c, 0x6c, 0x69, 0x6e, 0x64, 0x02, 0x15, 0x0a,
    0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x00,
    0x08, 0x00, 0x09, 0x00, 0x07, 0x04, 0x01, 0x00, 0x01, 0x67,
};

/*
 * (module
 *   (memory (export "m") 1)
 *   (data (i32.const 0) "ok")
 *   (func $s unreachable)
 *   (start $s))
 */
static const uint8_t start_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02,
    0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x05, 0x01, 0x01, 0x6d, 0x02, 0x00, 0x08, 0x01,
    0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, 0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02,
    0x6f, 0x6b,
};

/*
 * (module
 *   (import "env" "mem" (memory 1))
 *   (data (i32.const 0) "ok")
 *   (data (i32.const 65534) "abcd"))
 */
static const uint8_t oob_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03,
    0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x0b, 0x13, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x6f, 0x6b,
    0x00, 0x41, 0xfe, 0xff, 0x03, 0x0b, 0x04, 0x61, 0x62, 0x63, 0x64,
};

/* ------------------------------------------------------------------------------------------ */
/* Host functions */

typedef struct host_state {
    int calls;
    bool trap, exit;
    int finalized;
} host_state;

static weft_error *host_add1(weft_caller *caller, void *env, const weft_val *args,
                             weft_val *results)
{
    host_state *st = env;
    (void)caller;
    st->calls++;
    if (st->trap)
        return weft_trap_new("boom %d", 3);
    if (st->exit)
        return weft_exit_new(42);
    results[0] = weft_val_i32(args[0].of.i32 + 1);
    return NULL;
}

/* Reads the i32 at args[0] in the caller's memory 0 through the embedding API. */
static weft_error *host_peek(weft_caller *caller, void *env, const weft_val *args,
                             weft_val *results)
{
    (void)env;
    weft_memory *m = weft_caller_memory(caller, 0);
    if (!m || !weft_caller_instance(caller) || weft_caller_memory(caller, 1))
        return weft_trap_new("no caller memory");
    int32_t v;
    weft_error *e = weft_memory_read(m, (uint32_t)args[0].of.i32, &v, sizeof v);
    if (e)
        return e;
    results[0] = weft_val_i32(v);
    return NULL;
}

static void host_finalize(void *env) { ((host_state *)env)->finalized++; }

static weft_functype *type_i32_i32(void)
{
    uint8_t p = WEFT_I32, r = WEFT_I32;
    return weft_functype_new(&p, 1, &r, 1);
}

/* A store with the embed module instantiated through a linker. */
typedef struct world {
    weft_engine *engine;
    weft_module *module;
    weft_store *store;
    weft_linker *linker;
    weft_instance *inst;
    host_state st;
} world;

static bool world_open(world *w)
{
    memset(w, 0, sizeof *w);
    w->engine = weft_engine_new(NULL);
    if (!w->engine)
        return false;
    weft_error *e = weft_module_new(w->engine, embed_wasm, sizeof embed_wasm, &w->module);
    if (e) {
        printf("  module: %s\n", weft_error_message(e));
        weft_error_free(e);
        return false;
    }
    w->store = weft_store_new(w->engine);
    w->linker = weft_linker_new(w->store);
    weft_functype *t = type_i32_i32();
    CHECK_OK(weft_linker_define_func(w->linker, "env", "add1", t, host_add1, &w->st,
                                     host_finalize));
    CHECK_OK(weft_linker_define_func(w->linker, "env", "peek", t, host_peek, NULL, NULL));
    weft_functype_free(t);
    e = weft_linker_instantiate(w->linker, w->module, &w->inst);
    if (e) {
        printf("  instantiate: %s\n", weft_error_message(e));
        weft_error_free(e);
        return false;
    }
    return true;
}

static void world_close(world *w)
{
    weft_linker_free(w->linker);
    weft_store_free(w->store);
    weft_module_free(w->module);
    weft_engine_free(w->engine);
}

/* Calls an export that returns one i32; on an error prints it and returns INT32_MIN. */
static int32_t call_i32(world *w, const char *name, const weft_val *args, size_t n)
{
    weft_val r = weft_val_i32(-12345);
    weft_func *f = weft_instance_func(w->inst, name);
    if (!f)
        return INT32_MIN;
    weft_error *e = weft_call(w->store, f, args, n, &r, weft_functype_nresults(weft_func_type(f)));
    if (e) {
        printf("  %s: %s\n", name, weft_error_message(e));
        weft_error_free(e);
        return INT32_MIN;
    }
    return r.of.i32;
}
#define CHECK_CALL(w, name, args, n, expect) CHECK(call_i32(w, name, args, n) == (expect))

/* Calls an export that is expected to fail; returns the error. */
static weft_error *call_err(world *w, const char *name, const weft_val *args, size_t n)
{
    weft_val r[1];
    weft_func *f = weft_instance_func(w->inst, name);
    if (!f)
        return weft_trap_new("no export %s", name);
    return weft_call(w->store, f, args, n, r, weft_functype_nresults(weft_func_type(f)));
}

/* ------------------------------------------------------------------------------------------ */
/* Tests */

static void test_calls_and_host(world *w)
{
    weft_error *e;
    weft_val a = weft_val_i32(5);
    CHECK_CALL(w, "twice", &a, 1, 7);
    CHECK(w->st.calls == 2);
    weft_val ab[2] = {weft_val_i32(7), weft_val_i32(2)};
    CHECK_CALL(w, "div", ab, 2, 3);
    /* call_indirect through the table's element 0 ($div) */
    weft_val ind[3] = {weft_val_i32(9), weft_val_i32(3), weft_val_i32(0)};
    CHECK_CALL(w, "callind", ind, 3, 3);
    ind[2] = weft_val_i32(1);
    e = CHECK_ERR(weft_call(w->store, weft_instance_func(w->inst, "callind"), ind, 3,
                            &a, 1), WEFT_ERR_TRAP);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_UNINITIALIZED_ELEMENT);
    weft_error_free(e);
    /* a host function called directly by the embedder */
    weft_extern x;
    CHECK(weft_instance_export(w->inst, "twice", &x) && x.kind == WEFT_EXTERN_FUNC);
    weft_val r;
    weft_functype *t = type_i32_i32();
    weft_func *h = weft_func_new(w->store, t, host_add1, &w->st, NULL);
    weft_functype_free(t);
    CHECK(h && weft_functype_nparams(weft_func_type(h)) == 1);
    CHECK_OK(weft_call(w->store, h, &a, 1, &r, 1));
    CHECK(r.type == WEFT_I32 && r.of.i32 == 6);
}

static void test_trap_details(world *w)
{
    weft_error *e;
    weft_val ab[2] = {weft_val_i32(1), weft_val_i32(0)};
    e = call_err(w, "div", ab, 2);
    e = CHECK_ERR(e, WEFT_ERR_TRAP);
    if (!e)
        return;
    CHECK(weft_error_trap(e) == WEFT_TRAP_DIV_ZERO);
    CHECK(strcmp(weft_error_message(e), "integer divide by zero") == 0);
    uint32_t idx = 0;
    const char *name = NULL;
    CHECK(weft_error_func(e, &idx, &name) && idx == 3);
    CHECK(name && strcmp(name, "div") == 0);
    CHECK(weft_error_offset(e) == 0xca); /* the i32.div_s (see wasm-objdump -d) */
    weft_error_free(e);
    /* the store stays usable after a trap */
    ab[0] = weft_val_i32(-9);
    ab[1] = weft_val_i32(3);
    CHECK_CALL(w, "div", ab, 2, -3);
    weft_val a = weft_val_i32(1);
    CHECK_CALL(w, "twice", &a, 1, 3);
}

static void test_host_trap_and_exit(world *w)
{
    weft_error *e;
    weft_val a = weft_val_i32(1);
    w->st.trap = true;
    e = call_err(w, "twice", &a, 1);
    e = CHECK_ERR(e, WEFT_ERR_TRAP);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_HOST);
    CHECK(e && strcmp(weft_error_message(e), "boom 3") == 0);
    weft_error_free(e);
    w->st.trap = false;
    w->st.exit = true;
    e = call_err(w, "twice", &a, 1);
    e = CHECK_ERR(e, WEFT_ERR_EXIT);
    CHECK(e && weft_error_exit_code(e) == 42);
    weft_error_free(e);
    w->st.exit = false;
    CHECK_CALL(w, "twice", &a, 1, 3);
}

static void test_bad_arguments(world *w)
{
    weft_func *div = weft_instance_func(w->inst, "div");
    weft_val r, ab[2] = {weft_val_i32(1), weft_val_i64(2)};
    weft_error *e = CHECK_ERR(weft_call(w->store, div, ab, 2, &r, 1), WEFT_ERR_ARG);
    CHECK(e && strstr(weft_error_message(e), "argument 1"));
    weft_error_free(e);
    weft_error_free(CHECK_ERR(weft_call(w->store, div, ab, 1, &r, 1), WEFT_ERR_ARG));
    weft_error_free(CHECK_ERR(weft_call(w->store, div, ab, 2, &r, 0), WEFT_ERR_ARG));
    CHECK(weft_instance_func(w->inst, "mem") == NULL);
    CHECK(weft_instance_func(w->inst, "nope") == NULL);
}

static void test_memory(world *w)
{
    weft_memory *m = weft_instance_memory(w->inst, "mem");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(weft_memory_size(m) == 65536 && !weft_memory_is_shared(m));
    char buf[6] = {0};
    CHECK_OK(weft_memory_read(m, 16, buf, 5));
    CHECK(strcmp(buf, "hello") == 0);
    int32_t v = 0x12345678;
    CHECK_OK(weft_memory_write(m, 100, &v, sizeof v));
    weft_error *e;
    weft_val a = weft_val_i32(100);
    CHECK_CALL(w, "load", &a, 1, 0x12345678);
    weft_val sv[2] = {weft_val_i32(200), weft_val_i32(-7)};
    CHECK_OK(weft_call(w->store, weft_instance_func(w->inst, "store"), sv, 2, NULL, 0));
    CHECK_OK(weft_memory_read(m, 200, &v, sizeof v));
    CHECK(v == -7);
    /* the host function reads the caller's memory */
    CHECK_CALL(w, "peek16", NULL, 0, 0x6c6c6568); /* "hell" */
    /* bounds */
    weft_error_free(CHECK_ERR(weft_memory_read(m, 65534, buf, 4), WEFT_ERR_ARG));
    weft_error_free(CHECK_ERR(weft_memory_write(m, UINT64_MAX, buf, 1), WEFT_ERR_ARG));
    a = weft_val_i32(65533);
    e = call_err(w, "load", &a, 1);
    e = CHECK_ERR(e, WEFT_ERR_TRAP);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_MEMORY_OOB);
    weft_error_free(e);
    /* growth keeps the base and respects the maximum (3 pages) */
    uint8_t *base = weft_memory_data(m);
    a = weft_val_i32(1);
    CHECK_CALL(w, "grow", &a, 1, 1);
    CHECK(weft_memory_grow(m, 1) == 2);
    CHECK(weft_memory_grow(m, 1) == -1);
    CHECK_CALL(w, "grow", &a, 1, -1);
    CHECK(weft_memory_size(m) == 3 * 65536 && weft_memory_data(m) == base);
    a = weft_val_i32(3 * 65536 - 4);
    CHECK_CALL(w, "load", &a, 1, 0);
}

static void test_globals_and_tables(world *w)
{
    weft_global *g = weft_instance_global(w->inst, "g");
    CHECK(g && weft_global_get(g).of.i32 == 7);
    weft_error *e;
    CHECK_CALL(w, "bump", NULL, 0, 8);
    CHECK_OK(weft_global_set(g, weft_val_i32(100)));
    CHECK_CALL(w, "bump", NULL, 0, 101);
    weft_error_free(CHECK_ERR(weft_global_set(g, weft_val_i64(1)), WEFT_ERR_ARG));
    weft_global *c = weft_global_new(w->store, WEFT_F64, false, weft_val_f64(2.5));
    CHECK(c && weft_val_as_f64(weft_global_get(c)) == 2.5);
    weft_error_free(CHECK_ERR(weft_global_set(c, weft_val_f64(1.0)), WEFT_ERR_ARG));

    weft_table *t = weft_instance_table(w->inst, "tab");
    CHECK(t && weft_table_size(t) == 2);
    weft_val v;
    CHECK_OK(weft_table_get(t, 0, &v));
    CHECK(v.type == WEFT_FUNCREF && v.of.funcref == weft_instance_func(w->inst, "div"));
    CHECK_OK(weft_table_get(t, 1, &v));
    CHECK(v.of.funcref == NULL);
    weft_error_free(CHECK_ERR(weft_table_get(t, 2, &v), WEFT_ERR_ARG));
    /* put $div into slot 1 from the host, then call it indirectly */
    v.type = WEFT_FUNCREF;
    v.of.funcref = weft_instance_func(w->inst, "div");
    CHECK_OK(weft_table_set(t, 1, v));
    weft_val ind[3] = {weft_val_i32(8), weft_val_i32(2), weft_val_i32(1)};
    CHECK_CALL(w, "callind", ind, 3, 4);
    /* a wrongly typed function in the table */
    v.of.funcref = weft_instance_func(w->inst, "twice");
    CHECK_OK(weft_table_set(t, 1, v));
    e = call_err(w, "callind", ind, 3);
    e = CHECK_ERR(e, WEFT_ERR_TRAP);
    CHECK(e && weft_error_trap(e) == WEFT_TRAP_INDIRECT_TYPE);
    weft_error_free(e);

    weft_error *err = NULL;
    weft_table *et = weft_table_new(w->store, WEFT_EXTERNREF, 1, 4, true, &err);
    CHECK(et && !err && weft_table_size(et) == 1);
    weft_val xr = {.type = WEFT_EXTERNREF, .of.externref = &err};
    CHECK_OK(weft_table_set(et, 0, xr));
    CHECK_OK(weft_table_get(et, 0, &v));
    CHECK(v.type == WEFT_EXTERNREF && v.of.externref == &err);
    weft_error_free(CHECK_ERR(weft_table_set(et, 0, weft_val_i32(1)), WEFT_ERR_ARG));
    CHECK(weft_table_new(w->store, WEFT_FUNCREF, 5, 1, true, &err) == NULL);
    weft_error_free(CHECK_ERR(err, WEFT_ERR_ARG));
    CHECK(weft_table_new(w->store, WEFT_FUNCREF, 4000000000u, 0, false, &err) == NULL);
    weft_error_free(CHECK_ERR(err, WEFT_ERR_RESOURCE));
}

static void test_module_descs(world *w)
{
    weft_module *m = w->module;
    CHECK(weft_module_import_count(m) == 2);
    weft_import_desc d;
    weft_module_import(m, 0, &d);
    CHECK(strcmp(d.module, "env") == 0 && strcmp(d.name, "add1") == 0);
    CHECK(d.kind == WEFT_EXTERN_FUNC && d.functype && weft_functype_nparams(d.functype) == 1 &&
          weft_functype_result(d.functype, 0) == WEFT_I32);
    CHECK(weft_module_export_count(m) == 11);
    weft_export_desc x;
    bool found_mem = false;
    for (uint32_t i = 0; i < weft_module_export_count(m); i++) {
        weft_module_export(m, i, &x);
        if (strcmp(x.name, "mem") == 0)
            found_mem = x.kind == WEFT_EXTERN_MEMORY && x.index == 0;
    }
    CHECK(found_mem);
    CHECK(weft_module_func_name(m, 3) && strcmp(weft_module_func_name(m, 3), "div") == 0);
    CHECK(weft_module_func_name(m, 999) == NULL);
    CHECK(weft_instance_module(w->inst) == m);
}

static void test_link_errors(void)
{
    weft_engine *eng = weft_engine_new(NULL);
    weft_module *mod = NULL;
    CHECK_OK(weft_module_new(eng, embed_wasm, sizeof embed_wasm, &mod));
    if (!mod) {
        weft_engine_free(eng);
        return;
    }
    weft_store *s = weft_store_new(eng);
    weft_linker *l = weft_linker_new(s);
    weft_instance *inst = (weft_instance *)1;
    weft_error *e = CHECK_ERR(weft_linker_instantiate(l, mod, &inst), WEFT_ERR_LINK);
    CHECK(inst == NULL);
    CHECK(e && strstr(weft_error_message(e), "unknown import") &&
          strstr(weft_error_message(e), "\"env\" \"add1\"") &&
          strstr(weft_error_message(e), "(i32)->i32"));
    weft_error_free(e);

    /* a function of the wrong type */
    uint8_t p = WEFT_I64;
    weft_functype *bad = weft_functype_new(&p, 1, &p, 1);
    weft_functype *good = type_i32_i32();
    weft_extern im[2];
    im[0].kind = im[1].kind = WEFT_EXTERN_FUNC;
    im[0].of.func = weft_func_new(s, bad, host_add1, NULL, NULL);
    im[1].of.func = weft_func_new(s, good, host_peek, NULL, NULL);
    e = CHECK_ERR(weft_instance_new(s, mod, im, 2, &inst), WEFT_ERR_LINK);
    CHECK(e && strstr(weft_error_message(e), "incompatible import type"));
    weft_error_free(e);
    /* the wrong kind, and the wrong count */
    weft_global *g = weft_global_new(s, WEFT_I32, false, weft_val_i32(0));
    im[0].kind = WEFT_EXTERN_GLOBAL;
    im[0].of.global = g;
    weft_error_free(CHECK_ERR(weft_instance_new(s, mod, im, 2, &inst), WEFT_ERR_LINK));
    weft_error_free(CHECK_ERR(weft_instance_new(s, mod, im, 1, &inst), WEFT_ERR_LINK));
    /* the right types, given directly */
    host_state st = {0};
    im[0].kind = WEFT_EXTERN_FUNC;
    im[0].of.func = weft_func_new(s, good, host_add1, &st, NULL);
    CHECK_OK(weft_instance_new(s, mod, im, 2, &inst));
    weft_functype_free(bad);
    weft_functype_free(good);
    weft_linker_free(l);
    weft_store_free(s);
    weft_module_free(mod);
    weft_engine_free(eng);
}

static void test_failed_instantiation(void)
{
    weft_engine *eng = weft_engine_new(NULL);
    weft_store *s = weft_store_new(eng);
    weft_module *start = NULL, *oob = NULL;
    CHECK_OK(weft_module_new(eng, start_wasm, sizeof start_wasm, &start));
    CHECK_OK(weft_module_new(eng, oob_wasm, sizeof oob_wasm, &oob));
    weft_instance *inst = NULL;
    if (start) {
        weft_error *e = CHECK_ERR(weft_instance_new(s, start, NULL, 0, &inst), WEFT_ERR_TRAP);
        CHECK(e && weft_error_trap(e) == WEFT_TRAP_UNREACHABLE && inst == NULL);
        weft_error_free(e);
    }
    weft_memory *mem = NULL;
    CHECK_OK(weft_memory_new(eng, 1, 0, false, false, &mem));
    if (oob && mem) {
        weft_extern x = {.kind = WEFT_EXTERN_MEMORY, .of.memory = mem};
        weft_error *e = CHECK_ERR(weft_instance_new(s, oob, &x, 1, &inst), WEFT_ERR_TRAP);
        CHECK(e && strcmp(weft_error_message(e), "out of bounds memory access") == 0);
        weft_error_free(e);
        /* the first segment was written before the second one failed */
        char buf[3] = {0};
        CHECK_OK(weft_memory_read(mem, 0, buf, 2));
        CHECK(strcmp(buf, "ok") == 0);
    }
    /* a bad binary */
    weft_module *bad = NULL;
    static const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
    weft_error_free(CHECK_ERR(weft_module_new(eng, junk, sizeof junk, &bad), WEFT_ERR_DECODE));
    CHECK(bad == NULL);
    CHECK_OK(weft_module_validate(eng, embed_wasm, sizeof embed_wasm));
    weft_store_free(s);
    weft_memory_free(mem); /* the store dropped its reference; this is the last */
    weft_module_free(start);
    weft_module_free(oob);
    weft_engine_free(eng);
}

static void test_memories_alone(void)
{
    weft_config cfg = {.max_memory_bytes = 4 * 65536};
    weft_engine *eng = weft_engine_new(&cfg);
    weft_memory *m = NULL;
    weft_error_free(CHECK_ERR(weft_memory_new(eng, 1, 0, false, true, &m), WEFT_ERR_ARG));
    weft_error_free(CHECK_ERR(weft_memory_new(eng, 5, 0, false, false, &m), WEFT_ERR_RESOURCE));
    CHECK(m == NULL);
    CHECK_OK(weft_memory_new(eng, 0, 10, true, true, &m));
    if (m) {
        CHECK(weft_memory_is_shared(m) && weft_memory_size(m) == 0);
        CHECK(weft_memory_grow(m, 4) == 0);  /* the engine caps it at 4 pages */
        CHECK(weft_memory_grow(m, 1) == -1);
        CHECK(weft_memory_grow(m, 0) == 4);
        weft_memory *r = weft_memory_ref(m);
        weft_memory_data(r)[4 * 65536 - 1] = 9;
        weft_memory_free(r);
        CHECK(weft_memory_data(m)[4 * 65536 - 1] == 9);
        weft_memory_free(m);
    }
    weft_engine_free(eng);
}

static void test_two_engines(void)
{
    world a, b;
    bool ok_a = world_open(&a), ok_b = world_open(&b);
    CHECK(ok_a && ok_b);
    if (ok_a && ok_b) {
        weft_error *e;
        weft_val v = weft_val_i32(10);
        CHECK_CALL(&a, "twice", &v, 1, 12);
        CHECK_OK(weft_global_set(weft_instance_global(b.inst, "g"), weft_val_i32(50)));
        CHECK_CALL(&a, "bump", NULL, 0, 8);
        CHECK_CALL(&b, "bump", NULL, 0, 51);
        CHECK(a.st.calls == 2 && b.st.calls == 0);
        weft_val ab[2] = {weft_val_i32(1), weft_val_i32(0)};
        e = call_err(&b, "div", ab, 2);
        weft_error_free(CHECK_ERR(e, WEFT_ERR_TRAP));
        CHECK_CALL(&a, "twice", &v, 1, 12);
    }
    if (ok_a)
        world_close(&a);
    if (ok_b)
        world_close(&b);
}

/* Feature detection answers whole words only, and says no to what is not built in. */
static void test_features(void)
{
    CHECK(weft_has_feature("threads"));
    CHECK(weft_has_feature("wasi-threads"));
    CHECK(weft_has_feature("mvp"));
    CHECK(weft_has_feature("worker-pools"));
    CHECK(weft_has_feature("simd"));
    CHECK(strstr(weft_known_features(), "simd") != NULL);
    CHECK(!weft_has_feature("thread"));
    CHECK(!weft_has_feature("") && !weft_has_feature(NULL));
}

int main(void)
{
    world w;
    test_features();
    if (world_open(&w)) {
        test_calls_and_host(&w);
        test_trap_details(&w);
        test_host_trap_and_exit(&w);
        test_bad_arguments(&w);
        test_memory(&w);
        test_globals_and_tables(&w);
        test_module_descs(&w);
        host_state *st = &w.st;
        int before = st->finalized;
        weft_linker_free(w.linker);
        weft_store_free(w.store);
        CHECK(st->finalized == before + 1); /* add1's finalizer ran once */
        weft_module_free(w.module);
        weft_engine_free(w.engine);
    } else {
        failed++;
        printf("FAIL: cannot set up the embed module\n");
    }
    test_link_errors();
    test_failed_instantiation();
    test_memories_alone();
    test_two_engines();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
