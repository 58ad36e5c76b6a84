/*
 * test_backtrace.c - a trap's backtrace through the API: every wasm frame, innermost first,
 * with names and offsets, the same in both tiers (tiers.sh runs this on compiled code): a
 * 3-deep trap, a trap across two instances (an import, and call_indirect through a shared
 * table), a host function's trap, a runaway recursion, and errors that have no frames.
 */
#include <stdio.h>
#include <string.h>

#include "weft.h"
#include "check.h"

#define EXPECT(cond) CHECK((cond), "%s", #cond)

/* (module $lib
 *   (table (export "table") 2 funcref)
 *   (elem (i32.const 0) $boom)
 *   (func $boom (export "boom") (param i32) (result i32)
 *     (i32.div_u (i32.const 7) (local.get 0)))            ;; div_u at 0x54
 *   (func $inner (param i32) (result i32)
 *     (i32.add (i32.const 1) (call $boom (local.get 0))))  ;; call at 0x5c
 *   (func $middle (param i32) (result i32)
 *     (i32.mul (i32.const 2) (call $inner (local.get 0)))) ;; call at 0x66
 *   (func $outer (export "outer") (param i32) (result i32)
 *     (call $middle (local.get 0)))                        ;; call at 0x6e
 *   (func $recurse (export "recurse") (param i32) (result i32)
 *     (i32.add (i32.const 1) (call $recurse (local.get 0))))) ;; call at 0x77
 * built with wat2wasm --debug-names */
static const uint8_t trace_a_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x03, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x07, 0x22, 0x04, 0x05, 0x74, 0x61,
    0x62, 0x6c, 0x65, 0x01, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x00,
    0x05, 0x6f, 0x75, 0x74, 0x65, 0x72, 0x00, 0x03, 0x07, 0x72, 0x65, 0x63,
    0x75, 0x72, 0x73, 0x65, 0x00, 0x04, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00,
    0x0b, 0x01, 0x00, 0x0a, 0x2e, 0x05, 0x07, 0x00, 0x41, 0x07, 0x20, 0x00,
    0x6e, 0x0b, 0x09, 0x00, 0x41, 0x01, 0x20, 0x00, 0x10, 0x00, 0x6a, 0x0b,
    0x09, 0x00, 0x41, 0x02, 0x20, 0x00, 0x10, 0x01, 0x6c, 0x0b, 0x06, 0x00,
    0x20, 0x00, 0x10, 0x02, 0x0b, 0x09, 0x00, 0x41, 0x01, 0x20, 0x00, 0x10,
    0x04, 0x6a, 0x0b, 0x00, 0x40, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x04,
    0x03, 0x6c, 0x69, 0x62, 0x01, 0x26, 0x05, 0x00, 0x04, 0x62, 0x6f, 0x6f,
    0x6d, 0x01, 0x05, 0x69, 0x6e, 0x6e, 0x65, 0x72, 0x02, 0x06, 0x6d, 0x69,
    0x64, 0x64, 0x6c, 0x65, 0x03, 0x05, 0x6f, 0x75, 0x74, 0x65, 0x72, 0x04,
    0x07, 0x72, 0x65, 0x63, 0x75, 0x72, 0x73, 0x65, 0x02, 0x0b, 0x05, 0x00,
    0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00,
};

/* (module $app
 *   (import "lib" "boom" (func $boom (param i32) (result i32)))
 *   (import "lib" "table" (table 2 funcref))
 *   (import "host" "fail" (func $fail))
 *   (type $t (func (param i32) (result i32)))
 *   (func $via_import (export "via_import") (param i32) (result i32)
 *     (call $boom (local.get 0)))                                  ;; call at 0x70
 *   (func $via_table (export "via_table") (param i32) (result i32)
 *     (call_indirect (type $t) (local.get 0) (i32.const 0)))      ;; at 0x79
 *   (func $host_trap (export "host_trap") (call $fail)))          ;; call at 0x7f */
static const uint8_t trace_b_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x26, 0x03, 0x03, 0x6c,
    0x69, 0x62, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x00, 0x03, 0x6c, 0x69,
    0x62, 0x05, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x01, 0x70, 0x00, 0x02, 0x04,
    0x68, 0x6f, 0x73, 0x74, 0x04, 0x66, 0x61, 0x69, 0x6c, 0x00, 0x01, 0x03,
    0x04, 0x03, 0x00, 0x00, 0x01, 0x07, 0x26, 0x03, 0x0a, 0x76, 0x69, 0x61,
    0x5f, 0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x00, 0x02, 0x09, 0x76, 0x69,
    0x61, 0x5f, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x00, 0x03, 0x09, 0x68, 0x6f,
    0x73, 0x74, 0x5f, 0x74, 0x72, 0x61, 0x70, 0x00, 0x04, 0x0a, 0x17, 0x03,
    0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x41,
    0x00, 0x11, 0x00, 0x00, 0x0b, 0x04, 0x00, 0x10, 0x01, 0x0b, 0x00, 0x4f,
    0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x04, 0x03, 0x61, 0x70, 0x70, 0x01,
    0x2f, 0x05, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x01, 0x04, 0x66, 0x61,
    0x69, 0x6c, 0x02, 0x0a, 0x76, 0x69, 0x61, 0x5f, 0x69, 0x6d, 0x70, 0x6f,
    0x72, 0x74, 0x03, 0x09, 0x76, 0x69, 0x61, 0x5f, 0x74, 0x61, 0x62, 0x6c,
    0x65, 0x04, 0x09, 0x68, 0x6f, 0x73, 0x74, 0x5f, 0x74, 0x72, 0x61, 0x70,
    0x02, 0x0b, 0x05, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04,
    0x00, 0x04, 0x04, 0x01, 0x00, 0x01, 0x74,
};

typedef struct want {
    const char *module, *func;
    size_t offset;
} want;

/* e's frames are exactly `n` of w, innermost first */
static void expect_frames(const char *what, const weft_error *e, const want *w, size_t n)
{
    CHECK(weft_error_kind_of(e) == WEFT_ERR_TRAP, "%s: not a trap: %s", what,
          weft_error_message(e));
    CHECK(weft_error_frame_count(e) == n, "%s: %zu frames, expected %zu", what,
          weft_error_frame_count(e), n);
    for (size_t i = 0; i < n && i < weft_error_frame_count(e); i++) {
        weft_frame f;
        EXPECT(weft_error_frame(e, i, &f));
        CHECK(f.func_name && strcmp(f.func_name, w[i].func) == 0 && f.module_name &&
                  strcmp(f.module_name, w[i].module) == 0 && f.module_offset == w[i].offset,
              "%s: frame %zu is %s!%s at 0x%zx, expected %s!%s at 0x%zx", what, i,
              f.module_name ? f.module_name : "?", f.func_name ? f.func_name : "?",
              f.module_offset, w[i].module, w[i].func, w[i].offset);
    }
    weft_frame f;
    EXPECT(!weft_error_frame(e, n, &f));
}

static weft_error *host_fail(weft_caller *c, void *env, const weft_val *args, weft_val *res)
{
    (void)c, (void)env, (void)args, (void)res;
    return weft_trap_new("the host says no");
}

static weft_error *call(weft_store *s, weft_instance *inst, const char *name, size_t nargs)
{
    weft_val a = weft_val_i32(0), r;
    weft_func *f = weft_instance_func(inst, name);
    if (!f)
        return weft_trap_new("no export %s", name);
    return weft_call(s, f, &a, nargs, &r, nargs);
}

int main(void)
{
    weft_config cfg = {.max_call_depth = 200};
    weft_engine *engine = weft_engine_new(&cfg);
    weft_store *store = weft_store_new(engine);
    weft_linker *linker = weft_linker_new(store);
    weft_module *lib = NULL, *app = NULL;
    weft_instance *li = NULL, *ai = NULL;
    weft_error *e = weft_module_new(engine, trace_a_wasm, sizeof trace_a_wasm, &lib);
    if (!e)
        e = weft_module_new(engine, trace_b_wasm, sizeof trace_b_wasm, &app);
    if (!e)
        e = weft_linker_instantiate(linker, lib, &li);
    if (!e)
        e = weft_linker_define_instance(linker, "lib", li);
    weft_functype *none = weft_functype_new(NULL, 0, NULL, 0);
    if (!e)
        e = weft_linker_define_func(linker, "host", "fail", none, host_fail, NULL, NULL);
    weft_functype_free(none);
    if (!e)
        e = weft_linker_instantiate(linker, app, &ai);
    CHECK(!e, "setup: %s", weft_error_message(e));
    weft_error_free(e);
    if (e)
        return check_summary("test_backtrace");

    /* three deep, then the trap */
    e = call(store, li, "outer", 1);
    const want deep[] = {{"lib", "boom", 0x54}, {"lib", "inner", 0x5c},
                         {"lib", "middle", 0x66}, {"lib", "outer", 0x6e}};
    expect_frames("outer", e, deep, 4);
    EXPECT(weft_error_offset(e) == 0x54 && weft_error_trap(e) == WEFT_TRAP_DIV_ZERO);
    weft_frame f;
    /* boom's body (after its size byte at 0x4e) starts at 0x4f with its locals */
    if (weft_error_frame(e, 0, &f))
        CHECK(f.func_index == 0 && f.func_offset == 5 && !f.file && f.line == 0,
              "frame 0: function %u, +%zu, %s:%u", f.func_index, f.func_offset,
              f.file ? f.file : "-", f.line);
    weft_module_free(lib); /* the error keeps the module's names alive */
    lib = NULL;
    if (weft_error_frame(e, 3, &f))
        EXPECT(strcmp(f.func_name, "outer") == 0);
    weft_error_free(e);

    /* across instances: an import, and call_indirect through the imported table */
    e = call(store, ai, "via_import", 1);
    const want imp[] = {{"lib", "boom", 0x54}, {"app", "via_import", 0x70}};
    expect_frames("via_import", e, imp, 2);
    weft_error_free(e);
    e = call(store, ai, "via_table", 1);
    const want tab[] = {{"lib", "boom", 0x54}, {"app", "via_table", 0x79}};
    expect_frames("via_table", e, tab, 2);
    weft_error_free(e);

    /* a host function's trap starts at its wasm caller */
    e = call(store, ai, "host_trap", 0);
    const want host[] = {{"app", "host_trap", 0x7f}};
    expect_frames("host_trap", e, host, 1);
    EXPECT(strcmp(weft_error_message(e), "the host says no") == 0);
    weft_error_free(e);

    /* a runaway recursion: one frame per level, up to the engine's depth */
    e = call(store, li, "recurse", 1);
    EXPECT(weft_error_trap(e) == WEFT_TRAP_STACK_EXHAUSTED);
    size_t n = weft_error_frame_count(e);
    CHECK(n >= 199 && n <= 201, "recursion: %zu frames", n);
    for (size_t i = 1; i < n; i += 50)
        if (weft_error_frame(e, i, &f))
            CHECK(strcmp(f.func_name, "recurse") == 0 && f.module_offset == 0x77,
                  "recursion: frame %zu is %s at 0x%zx", i, f.func_name, f.module_offset);
    weft_error_free(e);

    /* errors that are not traps have no frames */
    EXPECT(weft_error_frame_count(NULL) == 0 && !weft_error_frame(NULL, 0, &f));
    e = weft_trap_new("made by the host");
    EXPECT(weft_error_frame_count(e) == 0);
    weft_error_free(e);
    e = weft_module_new(engine, trace_a_wasm, 9, &lib);
    EXPECT(e && weft_error_frame_count(e) == 0);
    weft_error_free(e);

    weft_linker_free(linker);
    weft_store_free(store);
    weft_module_free(app);
    weft_engine_free(engine);
    return check_summary("test_backtrace");
}
