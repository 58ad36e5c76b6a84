/* test_memory64.c - memory64 and multi-memory through the embedding API, in both tiers: a
 * 64-bit memory grown past 4 GiB (where the host allows) and read and written above 4 GiB;
 * addresses whose sum with the offset overflows 64 bits trap instead of wrapping; several
 * memories in one module are distinct (a store into one leaves the others alone),
 * memory.copy between two of them, atomics on a shared memory other than memory 0, and the
 * i64 results of memory.size and memory.grow (-1 on failure). Needs a C compiler for the
 * compiled tier; without one only the interpreter is checked. */
#include <stdlib.h>
#include <string.h>

#include "weft.h"
#include "check.h"

/* wat2wasm --enable-memory64 --enable-multi-memory --enable-threads, then the atomics'
 * memarg patched to name memory 2 (flag bit 6; this wabt drops the index):
 * (module
 *   (memory 1) (memory i64 0) (memory 1 1 shared)
 *   (func (export "grow") (param i64) (result i64) (memory.grow 1 (local.get 0)))
 *   (func (export "size") (result i64) (memory.size 1))
 *   (func (export "store") (param i64 i64) (i64.store 1 (local.get 0) (local.get 1)))
 *   (func (export "load") (param i64) (result i64) (i64.load 1 (local.get 0)))
 *   (func (export "load_off") (param i64) (result i64) (i64.load 1 offset=16 (local.get 0)))
 *   (func (export "store2") (param i32 i32) (i32.store 2 (local.get 0) (local.get 1)))
 *   (func (export "load0") (param i32) (result i32) (i32.load 0 (local.get 0)))
 *   (func (export "copy20") (param i32 i32 i32)
 *     (memory.copy 0 2 (local.get 0) (local.get 1) (local.get 2)))
 *   (func (export "rmw2") (param i32 i32) (result i32)
 *     (i32.atomic.rmw.add 2 (local.get 0) (local.get 1)))
 *   (func (export "notify2") (param i32) (result i32)
 *     (memory.atomic.notify 2 (local.get 0) (i32.const 1))))
 */
static const uint8_t mem_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x25, 0x07, 0x60,
    0x01, 0x7e, 0x01, 0x7e, 0x60, 0x00, 0x01, 0x7e, 0x60, 0x02, 0x7e, 0x7e,
    0x00, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60,
    0x03, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03,
    0x0b, 0x0a, 0x00, 0x01, 0x02, 0x00, 0x00, 0x03, 0x04, 0x05, 0x06, 0x04,
    0x05, 0x08, 0x03, 0x00, 0x01, 0x04, 0x00, 0x03, 0x01, 0x01, 0x07, 0x54,
    0x0a, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00, 0x04, 0x73, 0x69, 0x7a,
    0x65, 0x00, 0x01, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x02, 0x04,
    0x6c, 0x6f, 0x61, 0x64, 0x00, 0x03, 0x08, 0x6c, 0x6f, 0x61, 0x64, 0x5f,
    0x6f, 0x66, 0x66, 0x00, 0x04, 0x06, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x32,
    0x00, 0x05, 0x05, 0x6c, 0x6f, 0x61, 0x64, 0x30, 0x00, 0x06, 0x06, 0x63,
    0x6f, 0x70, 0x79, 0x32, 0x30, 0x00, 0x07, 0x04, 0x72, 0x6d, 0x77, 0x32,
    0x00, 0x08, 0x07, 0x6e, 0x6f, 0x74, 0x69, 0x66, 0x79, 0x32, 0x00, 0x09,
    0x0a, 0x62, 0x0a, 0x06, 0x00, 0x20, 0x00, 0x40, 0x01, 0x0b, 0x04, 0x00,
    0x3f, 0x01, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0x37, 0x43, 0x01,
    0x00, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x29, 0x43, 0x01, 0x00, 0x0b, 0x08,
    0x00, 0x20, 0x00, 0x29, 0x43, 0x01, 0x10, 0x0b, 0x0a, 0x00, 0x20, 0x00,
    0x20, 0x01, 0x36, 0x42, 0x02, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x28,
    0x02, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc,
    0x0a, 0x00, 0x02, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0xfe, 0x1e,
    0x42, 0x02, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x41, 0x01, 0xfe, 0x00,
    0x42, 0x02, 0x00, 0x0b
};

typedef struct run {
    weft_store *store;
    weft_instance *inst;
    const char *tier;
} run;

/* Calls export `name` with up to three i64/i32 arguments; the one result (if any) in *res.
 * Returns the error (NULL when it returned). */
static weft_error *call(run *r, const char *name, const weft_val *args, size_t nargs,
                        weft_val *res)
{
    weft_func *f = weft_instance_func(r->inst, name);
    if (!f)
        return weft_trap_new("no export %s", name);
    size_t nres = weft_functype_nresults(weft_func_type(f));
    weft_val dummy;
    return weft_call(r->store, f, args, nargs, res ? res : &dummy, nres);
}

static bool traps_oob(weft_error *e)
{
    bool ok = e && weft_error_kind_of(e) == WEFT_ERR_TRAP &&
              weft_error_trap(e) == WEFT_TRAP_MEMORY_OOB;
    weft_error_free(e);
    return ok;
}

/* Calls name, which must return (no trap): checked here, what says which call. */
static bool returns(run *r, const char *name, const weft_val *args, size_t nargs, weft_val *res,
                    const char *what)
{
    weft_error *e = call(r, name, args, nargs, res);
    CHECK(!e, "%s: %s: %s", r->tier, what, weft_error_message(e));
    weft_error_free(e);
    return !e;
}

static void check_memory64(run *r)
{
    const uint64_t four_g = UINT64_C(1) << 32, end = four_g + 65536;
    weft_val res = weft_val_i64(-2), a[3];
    CHECK(returns(r, "size", NULL, 0, &res, "size") && res.type == WEFT_I64 && res.of.i64 == 0,
          "%s: size of an empty memory64", r->tier);
    /* past 4 GiB: 65537 pages */
    a[0] = weft_val_i64(65537);
    if (!returns(r, "grow", a, 1, &res, "grow past 4 GiB") || res.of.i64 != 0) {
        printf("test_memory64: %s: the host refused 4 GiB + 64 KiB (%lld): not checked\n",
               r->tier, (long long)res.of.i64);
        return;
    }
    a[0] = weft_val_i64((int64_t)(four_g + 8));
    a[1] = weft_val_i64(0x1122334455667788);
    returns(r, "store", a, 2, NULL, "store above 4 GiB");
    CHECK(returns(r, "load", a, 1, &res, "load") && res.of.i64 == 0x1122334455667788,
          "%s: load above 4 GiB", r->tier);
    /* the address 8 must not alias 4 GiB + 8 (no truncation to 32 bits) */
    a[0] = weft_val_i64(8);
    CHECK(returns(r, "load", a, 1, &res, "load 8") && res.of.i64 == 0,
          "%s: address 8 is not 4 GiB + 8", r->tier);
    /* the last 8 bytes load; one byte further traps */
    a[0] = weft_val_i64((int64_t)(end - 8));
    returns(r, "load", a, 1, &res, "the last 8 bytes");
    a[0] = weft_val_i64((int64_t)(end - 7));
    CHECK(traps_oob(call(r, "load", a, 1, &res)), "%s: one byte past the end traps", r->tier);
    /* address + offset overflowing 64 bits traps rather than wrapping to a small address */
    a[0] = weft_val_i64(-8); /* 2^64 - 8, + offset 16 = 8 mod 2^64 */
    CHECK(traps_oob(call(r, "load_off", a, 1, &res)), "%s: address + offset wraps: traps",
          r->tier);
    a[0] = weft_val_i64(-1);
    CHECK(traps_oob(call(r, "load", a, 1, &res)), "%s: address 2^64-1 traps", r->tier);
    /* a failed grow is the i64 -1 */
    a[0] = weft_val_i64(INT64_MAX);
    CHECK(returns(r, "grow", a, 1, &res, "grow by 2^63-1") && res.of.i64 == -1,
          "%s: a failed grow is -1: %lld", r->tier, (long long)res.of.i64);
}

static void check_multi_memory(run *r)
{
    weft_val res = weft_val_i32(-1), a[3];
    a[0] = weft_val_i32(100);
    a[1] = weft_val_i32(0x0a0b0c0d);
    returns(r, "store2", a, 2, NULL, "store into memory 2");
    CHECK(returns(r, "load0", a, 1, &res, "load0") && res.of.i32 == 0,
          "%s: memory 0 untouched by a store into memory 2", r->tier);
    /* atomics on memory 2: the old value, then the sum */
    a[1] = weft_val_i32(1);
    CHECK(returns(r, "rmw2", a, 2, &res, "rmw2") && res.of.i32 == 0x0a0b0c0d,
          "%s: rmw on memory 2 sees its store: %#x", r->tier, (unsigned)res.of.i32);
    CHECK(returns(r, "notify2", a, 1, &res, "notify2") && res.of.i32 == 0,
          "%s: notify on memory 2 wakes nobody", r->tier);
    /* memory.copy from memory 2 into memory 0 */
    a[0] = weft_val_i32(8);
    a[1] = weft_val_i32(100);
    a[2] = weft_val_i32(4);
    returns(r, "copy20", a, 3, NULL, "copy from memory 2 to 0");
    CHECK(returns(r, "load0", a, 1, &res, "load0") && res.of.i32 == 0x0a0b0c0e,
          "%s: copied between memories: %#x", r->tier, (unsigned)res.of.i32);
    /* memory 2 has one page: a copy reading past it traps */
    a[1] = weft_val_i32(65535);
    CHECK(traps_oob(call(r, "copy20", a, 3, NULL)), "%s: copy past memory 2 traps", r->tier);
}

static void check_tier(weft_tier tier, const char *name, const char *cache)
{
    weft_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tier = tier;
    cfg.cache_dir = cache;
    weft_engine *engine = weft_engine_new(&cfg);
    weft_module *m = NULL;
    weft_error *e = weft_module_new(engine, mem_wasm, sizeof mem_wasm, &m);
    CHECK(!e, "%s: load: %s", name, weft_error_message(e));
    weft_error_free(e);
    run r = {weft_store_new(engine), NULL, name};
    if (m) {
        e = weft_instance_new(r.store, m, NULL, 0, &r.inst);
        CHECK(!e, "%s: instantiate: %s", name, weft_error_message(e));
        weft_error_free(e);
    }
    if (r.inst) {
        check_multi_memory(&r);
        check_memory64(&r);
    }
    weft_store_free(r.store);
    weft_module_free(m);
    weft_engine_free(engine);
}

/* With memory64 and multi-memory disabled, the module is refused. */
static void check_disabled(void)
{
    weft_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.disabled_features = WEFT_FEATURE_MULTI_MEMORY;
    weft_engine *engine = weft_engine_new(&cfg);
    weft_module *m = NULL;
    weft_error *e = weft_module_new(engine, mem_wasm, sizeof mem_wasm, &m);
    CHECK(e && !m, "multi-memory disabled: three memories are refused");
    weft_error_free(e);
    weft_module_free(m);
    weft_engine_free(engine);
    CHECK(weft_has_feature("memory64") && weft_has_feature("multi-memory"),
          "weft_has_feature names memory64 and multi-memory");
}

int main(void)
{
    char cache[] = "/tmp/weft-mem64-XXXXXX";
    if (!mkdtemp(cache))
        return 1;
    check_disabled();
    check_tier(WEFT_TIER_INTERP, "interpreter", cache);
    if (check_have_compiler(mem_wasm, sizeof mem_wasm))
        check_tier(WEFT_TIER_COMPILED, "compiled", cache);
    else
        printf("test_memory64: no C compiler: only the interpreter checked\n");
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cache);
    if (system(cmd) != 0)
        printf("test_memory64: could not remove %s\n", cache);
    return check_summary("test_memory64");
}
