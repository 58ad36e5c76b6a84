/* test_tiered.c - tiered execution (WEFT_TIER_TIERED): a module runs in the interpreter at
 * once, its native code is built in the background, and calls switch to it without a wrong
 * answer on the way; a second load finds the code in the cache before any call; a module
 * released while its compile runs stops the compiler and leaves no temporary files; compiled
 * and interpreted instances import and call each other. Needs a C
 * compiler: without one it checks that tiered execution is the interpreter and passes. */
#include <dirent.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"
#include "check.h"

/* (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
 * (func (export "run") (param i32) (result i32) (call $sq (local.get 0))) */
static const uint8_t sq_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e,
    0x00, 0x01, 0x0a, 0x10, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x00, 0x6c, 0x0b, 0x06,
    0x00, 0x20, 0x00, 0x10, 0x00, 0x0b};

/* (import "lib" "run" (func $r (param i32) (result i32)))
 * (func (export "twice") (param i32) (result i32) (call $r (call $r (local.get 0)))) */
static const uint8_t twice_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x02, 0x0b, 0x01, 0x03, 0x6c, 0x69, 0x62, 0x03, 0x72, 0x75, 0x6e, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x09, 0x01, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65,
    0x00, 0x01, 0x0a, 0x0a, 0x01, 0x08, 0x00, 0x20, 0x00, 0x10, 0x00, 0x10, 0x00, 0x0b};

/* An instance of lib_m (providing "run") and one of user_m (importing it), in one store:
 * twice(3) = run(run(3)) = 81, whichever tier each module is on. */
static void check_mixed(weft_engine *engine, weft_module *lib_m, weft_module *user_m,
                        const char *what)
{
    weft_store *s = weft_store_new(engine);
    weft_linker *l = weft_linker_new(s);
    weft_instance *lib = NULL, *user = NULL;
    weft_error *e = weft_linker_instantiate(l, lib_m, &lib);
    if (!e)
        e = weft_linker_define_instance(l, "lib", lib);
    if (!e)
        e = weft_linker_instantiate(l, user_m, &user);
    CHECK(!e, "%s: link: %s", what, weft_error_message(e));
    weft_error_free(e);
    weft_func *twice = user ? weft_instance_func(user, "twice") : NULL;
    weft_val arg = weft_val_i32(3), res = weft_val_i32(0);
    e = twice ? weft_call(s, twice, &arg, 1, &res, 1) : NULL;
    CHECK(twice && !e && res.of.i32 == 81, "%s: twice(3) = %d (%s)", what, res.of.i32,
          e ? weft_error_message(e) : "no error");
    weft_error_free(e);
    weft_linker_free(l);
    weft_store_free(s);
}

/* 4. compiled code calling interpreted code and the other way round */
static void test_mixed(const char *cache)
{
    weft_config ci, cc;
    memset(&ci, 0, sizeof ci);
    memset(&cc, 0, sizeof cc);
    ci.tier = WEFT_TIER_INTERP;
    cc.tier = WEFT_TIER_COMPILED;
    cc.cache_dir = cache;
    weft_engine *ei = weft_engine_new(&ci), *ec = weft_engine_new(&cc);
    weft_module *lib_i = NULL, *lib_c = NULL, *user_i = NULL, *user_c = NULL;
    weft_error *e = weft_module_new(ei, sq_wasm, sizeof sq_wasm, &lib_i);
    if (!e)
        e = weft_module_new(ec, sq_wasm, sizeof sq_wasm, &lib_c);
    if (!e)
        e = weft_module_new(ei, twice_wasm, sizeof twice_wasm, &user_i);
    if (!e)
        e = weft_module_new(ec, twice_wasm, sizeof twice_wasm, &user_c);
    CHECK(!e, "mixed: load: %s", weft_error_message(e));
    weft_error_free(e);
    if (!e) {
        CHECK(weft_module_is_compiled(lib_c) && !weft_module_is_compiled(lib_i), "mixed: tiers");
        check_mixed(ei, lib_i, user_c, "compiled calling interpreted");
        check_mixed(ei, lib_c, user_i, "interpreted calling compiled");
        check_mixed(ec, lib_c, user_c, "compiled calling compiled");
    }
    weft_module_free(lib_i);
    weft_module_free(lib_c);
    weft_module_free(user_i);
    weft_module_free(user_c);
    weft_engine_free(ei);
    weft_engine_free(ec);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Calls run(k) for k = 1, 2, ... until the module is compiled (or the deadline), checking
 * every answer; returns the number of calls made. */
static int call_until_compiled(weft_engine *engine, weft_module *m, double deadline)
{
    weft_store *s = weft_store_new(engine);
    weft_instance *inst = NULL;
    weft_error *e = weft_instance_new(s, m, NULL, 0, &inst);
    CHECK(!e, "instantiate: %s", weft_error_message(e));
    weft_error_free(e);
    weft_func *run = inst ? weft_instance_func(inst, "run") : NULL;
    int calls = 0, wrong = 0;
    bool compiled_seen = false;
    while (run && now_s() < deadline) {
        int32_t k = calls % 40000;
        weft_val arg = weft_val_i32(k), res;
        e = weft_call(s, run, &arg, 1, &res, 1);
        wrong += e || res.of.i32 != k * k;
        weft_error_free(e);
        calls++;
        if (compiled_seen && calls > 1000)
            break; /* a thousand calls after the switch */
        if (!compiled_seen && weft_module_is_compiled(m))
            compiled_seen = true, calls = 1;
    }
    CHECK(wrong == 0, "%d wrong answers around the switch", wrong);
    CHECK(compiled_seen, "the module was not compiled within the deadline");
    weft_store_free(s);
    return calls;
}

int main(void)
{
    char tmp[] = "/tmp/weft-tiered-XXXXXX";
    if (!mkdtemp(tmp))
        return 1;
    char cache[64], work[64];
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    snprintf(work, sizeof work, "%s/tmp", tmp);
    mkdir(work, 0700);
    setenv("TMPDIR", work, 1);

    weft_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tier = WEFT_TIER_TIERED;
    cfg.cache_dir = cache;
    weft_engine *engine = weft_engine_new(&cfg);
    weft_module *m = NULL;

    if (!check_have_compiler(sq_wasm, sizeof sq_wasm)) {
        weft_error *e = weft_module_new(engine, sq_wasm, sizeof sq_wasm, &m);
        CHECK(!e && m && !weft_module_is_compiled(m), "tiered without a compiler");
        weft_error_free(e);
        weft_module_free(m);
        weft_engine_free(engine);
        printf("test_tiered: no C compiler: only the interpreter checked\n");
        return check_summary("test_tiered");
    }

    /* 1. interpreter at once, native code later, the same answers throughout */
    weft_error *e = weft_module_new(engine, sq_wasm, sizeof sq_wasm, &m);
    CHECK(!e && m, "load: %s", weft_error_message(e));
    weft_error_free(e);
    CHECK(m && !weft_module_is_compiled(m), "an empty cache: the module starts interpreted");
    if (m)
        call_until_compiled(engine, m, now_s() + 300);
    weft_module_free(m);

    /* 2. the cache has it now: native before the first call */
    m = NULL;
    e = weft_module_new(engine, sq_wasm, sizeof sq_wasm, &m);
    CHECK(!e && m && weft_module_is_compiled(m), "a second load comes from the cache");
    weft_error_free(e);
    weft_module_free(m);
    weft_engine_free(engine);

    /* 3. released while compiling: the compile is abandoned at once, nothing is left */
    cfg.cache_dir = ""; /* no cache: always a fresh compile */
    engine = weft_engine_new(&cfg);
    double t0 = now_s();
    for (int i = 0; i < 5; i++) {
        m = NULL;
        e = weft_module_new(engine, sq_wasm, sizeof sq_wasm, &m);
        CHECK(!e && m, "load: %s", weft_error_message(e));
        weft_error_free(e);
        weft_module_free(m);
    }
    CHECK(now_s() - t0 < 60, "releasing 5 modules mid-compile took %.1f s", now_s() - t0);
    CHECK(count_entries(work) == 0, "%d entries left in TMPDIR", count_entries(work));
    weft_engine_free(engine);

    test_mixed(cache);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmp);
    return check_summary("test_tiered");
}
