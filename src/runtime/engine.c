/* engine.c - the engine (configuration with defaults), the feature list, and the small value
 * helpers of the public API. */
#include <string.h>

#include "runtime.h"

/* WEFT_TIER=compiled (or interp) and WEFT_OPT_LEVEL=0..3 choose the tier and the C
 * compiler's level where the configuration leaves them at their defaults, so that a program
 * embedding weft, and every test suite, can be run on compiled code unchanged. */
static void engine_env_defaults(weft_config *cfg)
{
    const char *tier = getenv("WEFT_TIER"), *opt = getenv("WEFT_OPT_LEVEL");
    if (cfg->tier == WEFT_TIER_INTERP && tier && strcmp(tier, "compiled") == 0)
        cfg->tier = WEFT_TIER_COMPILED;
    if (cfg->tier == WEFT_TIER_INTERP && tier && strcmp(tier, "tiered") == 0)
        cfg->tier = WEFT_TIER_TIERED;
    if (cfg->compile_opt == WEFT_OPT_DEFAULT && opt && opt[0] >= '0' && opt[0] <= '3' && !opt[1])
        cfg->compile_opt = (uint32_t)(opt[0] - '0') + WEFT_OPT_O0;
}

weft_engine *weft_engine_new(const weft_config *cfg)
{
    weft_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    if (cfg)
        e->cfg = *cfg;
    engine_env_defaults(&e->cfg);
    if (e->cfg.cache_dir && !(e->cfg.cache_dir = xstrdup(e->cfg.cache_dir))) {
        free(e);
        return NULL;
    }
    /* Zero means "the default" for every field, so a zeroed config is a valid one. */
    e->max_memory_set = e->cfg.max_memory_bytes != 0;
    if (e->cfg.max_memory_bytes == 0)
        e->cfg.max_memory_bytes = (uint64_t)WM_MAX_PAGES * WM_PAGE_SIZE;
    if (e->cfg.max_call_depth == 0)
        e->cfg.max_call_depth = 10000;
    if (e->cfg.stack_slots == 0)
        e->cfg.stack_slots = 1u << 20;
    if (e->cfg.max_threads == 0)
        e->cfg.max_threads = 64;
    return e;
}

void weft_engine_increment_epoch(weft_engine *engine)
{
    if (engine)
        atomic_fetch_add_explicit(&engine->epoch, 1, memory_order_relaxed);
}

uint64_t weft_engine_epoch(const weft_engine *engine)
{
    return engine ? atomic_load_explicit(&((weft_engine *)engine)->epoch, memory_order_relaxed)
                  : 0;
}

void weft_engine_free(weft_engine *engine)
{
    if (!engine)
        return;
    free((char *)engine->cfg.cache_dir);
    free(engine);
}

const char *weft_features(void)
{
    return "mvp mutable-globals sign-extension saturating-float-to-int multi-value "
           "bulk-memory reference-types simd relaxed-simd exceptions legacy-exceptions "
           "threads shared-memory atomics memory64 multi-memory tail-call extended-const "
           "function-references "
           "wasi-preview1 wasi-threads "
           "workers messages transfer shared-buffers host-atomics worker-pools";
}

const char *weft_known_features(void)
{
    return "mvp mutable-globals sign-extension saturating-float-to-int multi-value "
           "bulk-memory reference-types simd relaxed-simd exceptions legacy-exceptions "
           "threads shared-memory atomics memory64 multi-memory tail-call extended-const "
           "function-references "
           "wasi-preview1 wasi-threads "
           "workers messages transfer shared-buffers host-atomics worker-pools";
}

/* Whether `name` is a whole word of the space-separated list. */
static bool engine_has_word(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; n && (p = strstr(p, name)) != NULL; p += n) {
        bool starts = p == list || p[-1] == ' ';
        bool ends = p[n] == ' ' || p[n] == '\0';
        if (starts && ends)
            return true;
    }
    return false;
}

bool weft_has_feature(const char *name)
{
    return name && engine_has_word(weft_features(), name);
}

/* Floats travel as bits (NaN payloads must survive), so these go through memcpy. */
weft_val weft_val_f32(float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return weft_val_f32_bits(b);
}

weft_val weft_val_f64(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return weft_val_f64_bits(b);
}

float weft_val_as_f32(weft_val v)
{
    float f;
    memcpy(&f, &v.of.f32_bits, sizeof f);
    return f;
}

double weft_val_as_f64(weft_val v)
{
    double d;
    memcpy(&d, &v.of.f64_bits, sizeof d);
    return d;
}

/* Slots: i32 and f32 live in the low 32 bits (we zero the upper half so that slots compare
 * equal when values do), references are pointers. */
/* A v128 takes two slots, its low 8 bytes first. Returns the slots written. */
uint32_t rt_val_to_slots(weft_val v, uint64_t *slots)
{
    if (v.type == WEFT_V128) {
        memcpy(slots, v.of.v128, 16);
        return 2;
    }
    slots[0] = rt_val_to_slot(v);
    return 1;
}

weft_val rt_slots_to_val(const uint64_t *slots, uint8_t type)
{
    weft_val v;
    if (type != WEFT_V128)
        return rt_slot_to_val(slots[0], type);
    v.type = type;
    memcpy(v.of.v128, slots, 16);
    return v;
}

uint64_t rt_val_to_slot(weft_val v)
{
    switch (v.type) {
    case WEFT_I32: return (uint32_t)v.of.i32;
    case WEFT_F32: return v.of.f32_bits;
    case WEFT_I64: return (uint64_t)v.of.i64;
    case WEFT_F64: return v.of.f64_bits;
    case WEFT_FUNCREF: return (uint64_t)(uintptr_t)v.of.funcref;
    case WEFT_EXTERNREF: return (uint64_t)(uintptr_t)v.of.externref;
    case WEFT_EXNREF: return (uint64_t)(uintptr_t)v.of.exnref;
    default: return 0;
    }
}

weft_val rt_slot_to_val(uint64_t slot, uint8_t type)
{
    weft_val v;
    v.type = type;
    v.of.i64 = 0;
    switch (type) {
    case WEFT_I32: v.of.i32 = (int32_t)(uint32_t)slot; break;
    case WEFT_F32: v.of.f32_bits = (uint32_t)slot; break;
    case WEFT_I64: v.of.i64 = (int64_t)slot; break;
    case WEFT_F64: v.of.f64_bits = slot; break;
    case WEFT_FUNCREF: v.of.funcref = (weft_func *)(uintptr_t)slot; break;
    case WEFT_EXTERNREF: v.of.externref = (void *)(uintptr_t)slot; break;
    case WEFT_EXNREF: v.of.exnref = (weft_exn *)(uintptr_t)slot; break;
    default: break;
    }
    return v;
}
