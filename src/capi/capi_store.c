/* capi_store.c - configuration, engines and stores of wasm.h; the store's table of handles
 * (one capi_obj per weft object, so that identity and host info belong to the object); the
 * reference functions every object kind shares (copy, same, host info, conversions); and
 * foreign objects. */
#include <stdio.h>
#include <string.h>

#include "capi.h"

/* ------------------------------------------------------------------------------------------ */
/* Configuration and engine                                                                   */

wasm_config_t *wasm_config_new(void) { return calloc(1, sizeof(wasm_config_t)); }
void wasm_config_delete(wasm_config_t *c) { free(c); }

void weft_wasm_config_set(wasm_config_t *config, const weft_config *cfg)
{
    if (config && cfg)
        config->cfg = *cfg;
}

wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config)
{
    wasm_engine_t *e = calloc(1, sizeof *e);
    if (e && !(e->engine = weft_engine_new(config ? &config->cfg : NULL))) {
        free(e);
        e = NULL;
    }
    wasm_config_delete(config);
    return e;
}

wasm_engine_t *wasm_engine_new(void) { return wasm_engine_new_with_config(NULL); }

void wasm_engine_delete(wasm_engine_t *e)
{
    if (!e)
        return;
    weft_engine_free(e->engine);
    free(e);
}

weft_engine *weft_wasm_engine_weft(const wasm_engine_t *e) { return e ? e->engine : NULL; }

/* ------------------------------------------------------------------------------------------ */
/* Stores                                                                                     */

wasm_store_t *wasm_store_new(wasm_engine_t *engine)
{
    if (!engine)
        return NULL;
    wasm_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->engine = engine;
    if (!(s->store = weft_store_new(engine->engine))) {
        free(s);
        return NULL;
    }
    return s;
}

/* Host-info finalizers run first, while every object is still alive (a finalizer may look
 * at another object's host info); then weft frees the objects themselves (and calls the
 * host functions' environment finalizers); then the handles go. */
void wasm_store_delete(wasm_store_t *s)
{
    if (!s)
        return;
    for (capi_obj *o = s->objs; o; o = o->next)
        if (o->finalizer)
            o->finalizer(o->host_info);
    weft_store_free(s->store);
    for (capi_obj *o = s->objs, *next; o; o = next) {
        next = o->next;
        if (o->kind == CAPI_MEMORY)
            weft_memory_free(o->ptr);
        free(o);
    }
    free(s->map);
    free(s);
}

weft_store *weft_wasm_store_weft(const wasm_store_t *s) { return s ? s->store : NULL; }
const char *weft_wasm_store_error(const wasm_store_t *s) { return s ? s->error : ""; }

void capi_set_error(wasm_store_t *s, weft_error *e)
{
    if (s)
        snprintf(s->error, sizeof s->error, "%s", e ? weft_error_message(e) : "out of memory");
    weft_error_free(e);
}

/* ------------------------------------------------------------------------------------------ */
/* The store's map from weft objects to their handles                                         */

static size_t map_slot(const wasm_store_t *s, const void *ptr)
{
    uint64_t h = (uint64_t)(uintptr_t)ptr * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (s->map_cap - 1);
}

static capi_obj *map_find(const wasm_store_t *s, const void *ptr)
{
    if (!s->map_cap)
        return NULL;
    for (size_t i = map_slot(s, ptr);; i = (i + 1) & (s->map_cap - 1)) {
        capi_obj *o = s->map[i];
        if (!o || o->ptr == ptr)
            return o;
    }
}

static void map_put(wasm_store_t *s, capi_obj *o)
{
    size_t i = map_slot(s, o->ptr);
    while (s->map[i])
        i = (i + 1) & (s->map_cap - 1);
    s->map[i] = o;
    s->map_len++;
}

/* Keep the load at most one half, so that probes stay short. */
static bool map_reserve(wasm_store_t *s)
{
    if ((s->map_len + 1) * 2 <= s->map_cap)
        return true;
    size_t cap = s->map_cap ? s->map_cap * 2 : 64;
    capi_obj **old = s->map;
    size_t old_cap = s->map_cap;
    if (!(s->map = calloc(cap, sizeof *s->map))) {
        s->map = old;
        return false;
    }
    s->map_cap = cap;
    s->map_len = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            map_put(s, old[i]);
    free(old);
    return true;
}

static capi_obj *obj_link(wasm_store_t *s, capi_kind kind, void *ptr)
{
    capi_obj *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->kind = (uint8_t)kind;
    o->store = s;
    o->ptr = ptr ? ptr : o;
    o->next = s->objs;
    s->objs = o;
    return o;
}

capi_obj *capi_wrap(wasm_store_t *s, capi_kind kind, void *ptr)
{
    if (!s || !ptr)
        return NULL;
    capi_obj *o = map_find(s, ptr);
    if (o || !map_reserve(s))
        return o;
    if (!(o = obj_link(s, kind, ptr)))
        return NULL;
    map_put(s, o);
    /* The store keeps the memory alive as long as it hands out a handle on it, even when
     * the instance that made it lives in another store. */
    if (kind == CAPI_MEMORY)
        weft_memory_ref(ptr);
    return o;
}

capi_obj *capi_foreign(wasm_store_t *s) { return s ? obj_link(s, CAPI_FOREIGN, NULL) : NULL; }

void *capi_counted_new(capi_kind kind, size_t size, wasm_store_t *store, void *ptr)
{
    capi_obj *o = calloc(1, size);
    if (!o)
        return NULL;
    o->kind = (uint8_t)kind;
    o->counted = true;
    atomic_init(&o->refs, 1);
    o->store = store;
    o->ptr = ptr ? ptr : o;
    return o;
}

/* ------------------------------------------------------------------------------------------ */
/* What every reference kind shares                                                           */

static void obj_destroy(capi_obj *o)
{
    if (o->finalizer)
        o->finalizer(o->host_info);
    if (o->kind == CAPI_MODULE) {
        weft_module_free(o->ptr);
    } else if (o->kind == CAPI_TRAP) {
        wasm_trap_t *t = (wasm_trap_t *)(void *)o;
        free(t->message);
        free(t->frames);
    }
    free(o);
}

/* Store objects live as long as their store: only counted ones respond to copy/delete. */
static capi_obj *obj_copy(const capi_obj *c)
{
    capi_obj *o = (capi_obj *)c;
    if (o && o->counted)
        atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
    return o;
}

static void obj_delete(capi_obj *o)
{
    if (o && o->counted && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1)
        obj_destroy(o);
}

/* Two handles name one object: the same handle, or handles (of two stores, or a module
 * obtained twice) over one weft object. */
static bool obj_same(const capi_obj *a, const capi_obj *b)
{
    return a == b || (a && b && a->kind == b->kind && a->ptr == b->ptr && a->ptr != a);
}

static void *obj_host_info(const capi_obj *o) { return o ? o->host_info : NULL; }

static void obj_set_host_info(capi_obj *o, void *info, void (*finalizer)(void *))
{
    if (!o)
        return;
    o->host_info = info;
    o->finalizer = finalizer;
}

#define CAPI_REF_BASE(name)                                                                   \
    void wasm_##name##_delete(wasm_##name##_t *x) { obj_delete(CAPI_OBJ(x)); }                \
    wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *x)                             \
    {                                                                                         \
        return (wasm_##name##_t *)(void *)obj_copy(CAPI_CONST_OBJ(x));                        \
    }                                                                                         \
    bool wasm_##name##_same(const wasm_##name##_t *a, const wasm_##name##_t *b)               \
    {                                                                                         \
        return obj_same(CAPI_CONST_OBJ(a), CAPI_CONST_OBJ(b));                                \
    }                                                                                         \
    void *wasm_##name##_get_host_info(const wasm_##name##_t *x)                               \
    {                                                                                         \
        return obj_host_info(CAPI_CONST_OBJ(x));                                              \
    }                                                                                         \
    void wasm_##name##_set_host_info(wasm_##name##_t *x, void *info)                          \
    {                                                                                         \
        obj_set_host_info(CAPI_OBJ(x), info, NULL);                                           \
    }                                                                                         \
    void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t *x, void *info,           \
                                                    void (*finalizer)(void *))                \
    {                                                                                         \
        obj_set_host_info(CAPI_OBJ(x), info, finalizer);                                      \
    }

/* is_kind(k) says whether a capi_obj of kind k may be seen as a wasm_<name>_t. */
#define CAPI_REF(name, is_kind)                                                               \
    CAPI_REF_BASE(name)                                                                       \
    wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *x) { return (wasm_ref_t *)(void *)x; }  \
    const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *x)                    \
    {                                                                                         \
        return (const wasm_ref_t *)(const void *)x;                                           \
    }                                                                                         \
    wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *r)                                        \
    {                                                                                         \
        return r && is_kind(r->base.kind) ? (wasm_##name##_t *)(void *)r : NULL;              \
    }                                                                                         \
    const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *r)                    \
    {                                                                                         \
        return r && is_kind(r->base.kind) ? (const wasm_##name##_t *)(const void *)r : NULL;  \
    }

static bool is_func(uint8_t k) { return k == CAPI_FUNC; }
static bool is_global(uint8_t k) { return k == CAPI_GLOBAL; }
static bool is_table(uint8_t k) { return k == CAPI_TABLE; }
static bool is_memory(uint8_t k) { return k == CAPI_MEMORY; }
static bool is_instance(uint8_t k) { return k == CAPI_INSTANCE; }
static bool is_foreign(uint8_t k) { return k == CAPI_FOREIGN; }
static bool is_module(uint8_t k) { return k == CAPI_MODULE; }
static bool is_trap(uint8_t k) { return k == CAPI_TRAP; }
static bool is_extern(uint8_t k) { return k >= CAPI_FUNC && k <= CAPI_MEMORY; }

CAPI_REF_BASE(ref)
CAPI_REF(func, is_func)
CAPI_REF(global, is_global)
CAPI_REF(table, is_table)
CAPI_REF(memory, is_memory)
CAPI_REF(instance, is_instance)
CAPI_REF(foreign, is_foreign)
CAPI_REF(module, is_module)
CAPI_REF(trap, is_trap)
CAPI_REF(extern, is_extern)

wasm_foreign_t *wasm_foreign_new(wasm_store_t *s)
{
    return (wasm_foreign_t *)(void *)capi_foreign(s);
}
