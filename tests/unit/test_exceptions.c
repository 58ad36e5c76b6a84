/*
 * test_exceptions.c - exception handling through the embedding API (include/weft.h only): a
 * host function throws a wasm exception that wasm code catches; an exception that nothing
 * catches comes back from weft_call as a trap that weft_error_exception reads (tag and
 * values); a trap is never caught; an exception crosses instances (an imported tag catches
 * it); weft_exception_new refuses values that do not fit the tag; the feature switches
 * refuse the instructions. Both tiers: the tiers suite runs it with WEFT_TIER=compiled.
 */
#include <string.h>

#include "check.h"
#include "weft.h"

/* (module
 *   (import "env" "boom" (func $boom (param i32)))
 *   (import "env" "etag" (tag $host (param i32)))
 *   (tag $e (export "e") (param i32 i64))
 *   (func (export "catch_host") (param i32) (result i32)
 *     (try (result i32) (do (call $boom (local.get 0)) (i32.const -1)) (catch $host)))
 *   (func (export "throw_out") (param i32) (throw $e (local.get 0) (i64.const 77)))
 *   (func (export "trap_not_caught") (result i32)
 *     (try (result i32) (do (unreachable)) (catch_all (i32.const 5))))) */
static const uint8_t mod1[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7e, 0x00, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x18, 0x02, 0x03, 0x65, 0x6e, 0x76,
    0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x04,
    0x65, 0x74, 0x61, 0x67, 0x04, 0x00, 0x00, 0x03, 0x04, 0x03, 0x02, 0x00,
    0x03, 0x0d, 0x03, 0x01, 0x00, 0x01, 0x07, 0x30, 0x04, 0x01, 0x65, 0x04,
    0x01, 0x0a, 0x63, 0x61, 0x74, 0x63, 0x68, 0x5f, 0x68, 0x6f, 0x73, 0x74,
    0x00, 0x01, 0x09, 0x74, 0x68, 0x72, 0x6f, 0x77, 0x5f, 0x6f, 0x75, 0x74,
    0x00, 0x02, 0x0f, 0x74, 0x72, 0x61, 0x70, 0x5f, 0x6e, 0x6f, 0x74, 0x5f,
    0x63, 0x61, 0x75, 0x67, 0x68, 0x74, 0x00, 0x03, 0x0a, 0x23, 0x03, 0x0d,
    0x00, 0x06, 0x7f, 0x20, 0x00, 0x10, 0x00, 0x41, 0x7f, 0x07, 0x00, 0x0b,
    0x0b, 0x09, 0x00, 0x20, 0x00, 0x42, 0xcd, 0x00, 0x08, 0x01, 0x0b, 0x09,
    0x00, 0x06, 0x7f, 0x00, 0x19, 0x41, 0x05, 0x0b, 0x0b,
};

/* (module
 *   (import "m" "e" (tag $e (param i32 i64)))
 *   (import "m" "throw_out" (func $t (param i32)))
 *   (func (export "catch_other") (param i32) (result i64) (local $x i64)
 *     (try (result i64) (do (call $t (local.get 0)) (i64.const 0))
 *       (catch $e (local.set $x) (i64.extend_i32_u) (local.get $x) (i64.add))))) */
static const uint8_t mod2[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x03, 0x60,
    0x02, 0x7f, 0x7e, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01,
    0x7e, 0x02, 0x16, 0x02, 0x01, 0x6d, 0x01, 0x65, 0x04, 0x00, 0x00, 0x01,
    0x6d, 0x09, 0x74, 0x68, 0x72, 0x6f, 0x77, 0x5f, 0x6f, 0x75, 0x74, 0x00,
    0x01, 0x03, 0x02, 0x01, 0x02, 0x07, 0x0f, 0x01, 0x0b, 0x63, 0x61, 0x74,
    0x63, 0x68, 0x5f, 0x6f, 0x74, 0x68, 0x65, 0x72, 0x00, 0x01, 0x0a, 0x17,
    0x01, 0x15, 0x01, 0x01, 0x7e, 0x06, 0x7e, 0x20, 0x00, 0x10, 0x00, 0x42,
    0x00, 0x07, 0x00, 0x21, 0x01, 0xad, 0x20, 0x01, 0x7c, 0x0b, 0x0b,
};

typedef struct host_env {
    weft_store *store;
    weft_tag *tag; /* what boom throws */
} host_env;

/* boom(x): throws the tag with x * 2 when x is not 0 */
static weft_error *boom(weft_caller *caller, void *env, const weft_val *args, weft_val *res)
{
    host_env *h = env;
    (void)caller;
    (void)res;
    if (args[0].of.i32 == 0)
        return NULL;
    weft_val v = weft_val_i32(args[0].of.i32 * 2);
    return weft_exception_new(h->store, h->tag, &v, 1);
}

static int32_t call_i32(weft_store *s, weft_instance *inst, const char *name, int32_t x,
                        weft_error **err)
{
    weft_val a = weft_val_i32(x), r = weft_val_i32(0);
    *err = weft_call(s, weft_instance_func(inst, name), &a, 1, &r, 1);
    return r.of.i32;
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *m1 = NULL, *m2 = NULL;
    weft_error *err = weft_module_new(engine, mod1, sizeof mod1, &m1);
    CHECK(err == NULL, "load: %s", weft_error_message(err));
    CHECK(weft_has_feature("exceptions") && weft_has_feature("legacy-exceptions"), "features");

    weft_store *store = weft_store_new(engine);
    weft_linker *linker = weft_linker_new(store);
    uint8_t i32[] = {WEFT_I32}, i32i64[] = {WEFT_I32, WEFT_I64};
    weft_functype *ft = weft_functype_new(i32, 1, NULL, 0);
    weft_functype *ft2 = weft_functype_new(i32i64, 2, NULL, 0);
    host_env env = {store, weft_tag_new(store, ft)};
    weft_tag *other = weft_tag_new(store, ft); /* same type, another identity */
    CHECK(env.tag && other && env.tag != other, "tags");
    CHECK(weft_tag_type(env.tag) && weft_functype_nparams(weft_tag_type(env.tag)) == 1,
          "tag type");
    weft_extern tx = {.kind = WEFT_EXTERN_TAG, .of.tag = env.tag};
    CHECK(weft_linker_define_func(linker, "env", "boom", ft, boom, &env, NULL) == NULL,
          "define boom");
    CHECK(weft_linker_define(linker, "env", "etag", tx) == NULL, "define tag");
    weft_instance *inst = NULL;
    err = weft_linker_instantiate(linker, m1, &inst);
    CHECK(err == NULL, "instantiate: %s", weft_error_message(err));
    if (err)
        return check_summary("test_exceptions");

    /* a host exception caught by the wasm handler of its tag */
    CHECK(call_i32(store, inst, "catch_host", 21, &err) == 42 && !err, "caught: %s",
          weft_error_message(err));
    CHECK(call_i32(store, inst, "catch_host", 0, &err) == -1 && !err, "not thrown");

    /* uncaught: a trap that says so, with the tag and its values */
    weft_val a = weft_val_i32(5), vals[3];
    weft_tag *tag = NULL;
    size_t count = 0;
    err = weft_call(store, weft_instance_func(inst, "throw_out"), &a, 1, NULL, 0);
    CHECK(err && weft_error_kind_of(err) == WEFT_ERR_TRAP &&
              weft_error_trap(err) == WEFT_TRAP_EXCEPTION,
          "uncaught is a trap: %s", weft_error_message(err));
    CHECK(strstr(weft_error_message(err), "uncaught exception") &&
              strstr(weft_error_message(err), "\"e\""),
          "message names the tag: %s", weft_error_message(err));
    CHECK(weft_error_exception(err, &tag, vals, 3, &count) && count == 2 &&
              tag == weft_instance_tag(inst, "e") && vals[0].type == WEFT_I32 &&
              vals[0].of.i32 == 5 && vals[1].type == WEFT_I64 && vals[1].of.i64 == 77,
          "inspect");
    weft_error_free(err);

    /* a trap is never caught, not even by catch_all */
    err = weft_call(store, weft_instance_func(inst, "trap_not_caught"), NULL, 0, vals, 1);
    CHECK(err && weft_error_trap(err) == WEFT_TRAP_UNREACHABLE &&
              !weft_error_exception(err, NULL, NULL, 0, NULL),
          "trap: %s", weft_error_message(err));
    weft_error_free(err);

    /* a host exception of a tag the module does not know passes through it */
    env.tag = other;
    call_i32(store, inst, "catch_host", 4, &err);
    CHECK(weft_error_exception(err, &tag, vals, 1, &count) && tag == other &&
              vals[0].of.i32 == 8,
          "passes through: %s", weft_error_message(err));
    weft_error_free(err);

    /* the values must fit the tag */
    weft_val bad = weft_val_i64(1);
    err = weft_exception_new(store, other, &bad, 1);
    CHECK(weft_error_kind_of(err) == WEFT_ERR_ARG, "bad values");
    weft_error_free(err);

    /* across instances: the importer's handler of the imported tag catches it */
    CHECK(weft_linker_define_instance(linker, "m", inst) == NULL, "register");
    CHECK(weft_module_new(engine, mod2, sizeof mod2, &m2) == NULL, "load 2");
    weft_instance *inst2 = NULL;
    CHECK(weft_linker_instantiate(linker, m2, &inst2) == NULL, "instantiate 2");
    weft_val r = weft_val_i64(0);
    err = weft_call(store, weft_instance_func(inst2, "catch_other"), &a, 1, &r, 1);
    CHECK(!err && r.of.i64 == 82, "cross-instance catch: %s %lld", weft_error_message(err),
          (long long)r.of.i64);
    weft_error_free(err);

    /* a tag import checks its type */
    weft_extern bad_tag = {.kind = WEFT_EXTERN_TAG, .of.tag = weft_tag_new(store, ft2)};
    weft_linker *l2 = weft_linker_new(store);
    weft_linker_define_func(l2, "env", "boom", ft, boom, &env, NULL);
    weft_linker_define(l2, "env", "etag", bad_tag);
    weft_instance *inst3 = NULL;
    err = weft_linker_instantiate(l2, m1, &inst3);
    CHECK(weft_error_kind_of(err) == WEFT_ERR_LINK, "tag type checked: %s",
          weft_error_message(err));
    weft_error_free(err);
    weft_linker_free(l2);

    /* switched off, the instructions are invalid */
    weft_config cfg = {.disabled_features = WEFT_FEATURE_LEGACY_EXCEPTIONS};
    weft_engine *e2 = weft_engine_new(&cfg);
    weft_module *m3 = NULL;
    err = weft_module_new(e2, mod1, sizeof mod1, &m3);
    CHECK(weft_error_kind_of(err) == WEFT_ERR_VALIDATE && strstr(weft_error_message(err), "try"),
          "legacy disabled: %s", weft_error_message(err));
    weft_error_free(err);
    weft_engine_free(e2);

    weft_functype_free(ft);
    weft_functype_free(ft2);
    weft_linker_free(linker);
    weft_store_free(store);
    weft_module_free(m1);
    weft_module_free(m2);
    weft_engine_free(engine);
    return check_summary("test_exceptions");
}
