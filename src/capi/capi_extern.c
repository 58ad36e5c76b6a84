/* capi_extern.c - globals, tables, memories, externs and instances of wasm.h over weft's.
 * Each handle is the store's capi_obj of the weft object (capi_wrap); the weft object does
 * the work. */
#include <stdio.h>
#include <string.h>

#include "capi.h"

/* capi kinds FUNC, GLOBAL, TABLE, MEMORY follow wasm.h's extern kinds, one apart. */
static wasm_externkind_t extern_kind_of(capi_kind k) { return (wasm_externkind_t)(k - CAPI_FUNC); }

static capi_kind capi_kind_of_extern(weft_extern_kind k)
{
    switch (k) {
    case WEFT_EXTERN_FUNC: return CAPI_FUNC;
    case WEFT_EXTERN_TABLE: return CAPI_TABLE;
    case WEFT_EXTERN_MEMORY: return CAPI_MEMORY;
    case WEFT_EXTERN_GLOBAL: return CAPI_GLOBAL;
    }
    return CAPI_FUNC;
}

/* ------------------------------------------------------------------------------------------ */
/* Globals                                                                                    */

wasm_global_t *wasm_global_new(wasm_store_t *s, const wasm_globaltype_t *type,
                               const wasm_val_t *val)
{
    if (!s || !type || !val || !type->t.u.global.content)
        return NULL;
    uint8_t wt = capi_weft_of_kind(type->t.u.global.content->kind);
    weft_val v;
    if (!capi_val_to_weft(val, &v) || v.type != wt)
        return NULL;
    weft_global *g = weft_global_new(s->store, wt, type->t.u.global.mut == WASM_VAR, v);
    return (wasm_global_t *)(void *)capi_wrap(s, CAPI_GLOBAL, g);
}

wasm_globaltype_t *wasm_global_type(const wasm_global_t *g)
{
    const weft_global *wg = g->base.ptr;
    return wasm_externtype_as_globaltype(capi_global_type(wg->type, wg->mut));
}

void wasm_global_get(const wasm_global_t *g, wasm_val_t *out)
{
    weft_val v = weft_global_get(g->base.ptr);
    capi_val_of_weft(g->base.store, &v, out);
}

void wasm_global_set(wasm_global_t *g, const wasm_val_t *val)
{
    weft_val v;
    if (val && capi_val_to_weft(val, &v))
        weft_error_free(weft_global_set(g->base.ptr, v));
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                     */

wasm_table_t *wasm_table_new(wasm_store_t *s, const wasm_tabletype_t *type, wasm_ref_t *init)
{
    if (!s || !type || !type->t.u.table.element)
        return NULL;
    const wasm_limits_t *l = &type->t.u.table.limits;
    uint8_t reftype = capi_weft_of_kind(type->t.u.table.element->kind);
    uintptr_t slot;
    if (!capi_ref_to_slot(init, reftype, &slot))
        return NULL;
    weft_table *t = NULL;
    weft_error *e = weft_table_new(s->store, reftype, l->min, l->max,
                                   l->max != wasm_limits_max_default, &t);
    if (e || !t) {
        capi_set_error(s, e);
        return NULL;
    }
    for (uint32_t i = 0; slot && i < t->size; i++)
        t->elems[i] = slot;
    return (wasm_table_t *)(void *)capi_wrap(s, CAPI_TABLE, t);
}

wasm_tabletype_t *wasm_table_type(const wasm_table_t *t)
{
    const weft_table *wt = t->base.ptr;
    return wasm_externtype_as_tabletype(capi_table_type(wt->reftype, wt->size, wt->max, wt->has_max));
}

wasm_ref_t *wasm_table_get(const wasm_table_t *t, wasm_table_size_t index)
{
    const weft_table *wt = t->base.ptr;
    if (index >= wt->size)
        return NULL;
    return capi_ref_of_slot(t->base.store, wt->elems[index], wt->reftype);
}

bool wasm_table_set(wasm_table_t *t, wasm_table_size_t index, wasm_ref_t *ref)
{
    weft_table *wt = t->base.ptr;
    uintptr_t slot;
    if (index >= wt->size || !capi_ref_to_slot(ref, wt->reftype, &slot))
        return false;
    wt->elems[index] = slot;
    return true;
}

wasm_table_size_t wasm_table_size(const wasm_table_t *t) { return weft_table_size(t->base.ptr); }

bool wasm_table_grow(wasm_table_t *t, wasm_table_size_t delta, wasm_ref_t *init)
{
    weft_table *wt = t->base.ptr;
    uintptr_t slot;
    return capi_ref_to_slot(init, wt->reftype, &slot) && table_grow(wt, delta, slot, NULL) >= 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Memories                                                                                   */

wasm_memory_t *wasm_memory_new(wasm_store_t *s, const wasm_memorytype_t *type)
{
    if (!s || !type)
        return NULL;
    const wasm_limits_t *l = &type->t.u.memory.limits;
    weft_memory *m;
    weft_error *e = weft_memory_new(s->engine->engine, l->min, l->max,
                                    l->max != wasm_limits_max_default,
                                    type->t.u.memory.shared, &m);
    if (e) {
        capi_set_error(s, e);
        return NULL;
    }
    capi_obj *o = capi_wrap(s, CAPI_MEMORY, m); /* the store's reference ... */
    weft_memory_free(m);                        /* ... replaces the creator's */
    return (wasm_memory_t *)(void *)o;
}

wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *m)
{
    const weft_memory *wm = m->base.ptr;
    uint64_t pages = weft_memory_size(wm) / MEMORY_PAGE_SIZE;
    return wasm_externtype_as_memorytype(
        capi_memory_type(pages, wm->max_pages, wm->has_max, wm->shared));
}

byte_t *wasm_memory_data(wasm_memory_t *m) { return (byte_t *)weft_memory_data(m->base.ptr); }
size_t wasm_memory_data_size(const wasm_memory_t *m) { return (size_t)weft_memory_size(m->base.ptr); }

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *m)
{
    return (wasm_memory_pages_t)(weft_memory_size(m->base.ptr) / MEMORY_PAGE_SIZE);
}

bool wasm_memory_grow(wasm_memory_t *m, wasm_memory_pages_t delta)
{
    return weft_memory_grow(m->base.ptr, delta) >= 0;
}

wasm_memory_t *weft_wasm_memory_obtain(wasm_store_t *s, const wasm_memory_t *m)
{
    return m ? (wasm_memory_t *)(void *)capi_wrap(s, CAPI_MEMORY, m->base.ptr) : NULL;
}

wasm_memory_t *weft_wasm_memory_wrap(wasm_store_t *s, weft_memory *m)
{
    return (wasm_memory_t *)(void *)capi_wrap(s, CAPI_MEMORY, m);
}

weft_memory *weft_wasm_memory_weft(const wasm_memory_t *m) { return m ? m->base.ptr : NULL; }

/* ------------------------------------------------------------------------------------------ */
/* Externs                                                                                    */

wasm_externkind_t wasm_extern_kind(const wasm_extern_t *e) { return extern_kind_of(e->base.kind); }

wasm_externtype_t *wasm_extern_type(const wasm_extern_t *e)
{
    const void *x = e;
    switch (e->base.kind) {
    case CAPI_FUNC: return wasm_functype_as_externtype(wasm_func_type(x));
    case CAPI_GLOBAL: return wasm_globaltype_as_externtype(wasm_global_type(x));
    case CAPI_TABLE: return wasm_tabletype_as_externtype(wasm_table_type(x));
    case CAPI_MEMORY: return wasm_memorytype_as_externtype(wasm_memory_type(x));
    }
    return NULL;
}

#define CAPI_EXTERN(name, KIND)                                                               \
    wasm_extern_t *wasm_##name##_as_extern(wasm_##name##_t *x)                                \
    {                                                                                         \
        return (wasm_extern_t *)(void *)x;                                                    \
    }                                                                                         \
    const wasm_extern_t *wasm_##name##_as_extern_const(const wasm_##name##_t *x)              \
    {                                                                                         \
        return (const wasm_extern_t *)(const void *)x;                                        \
    }                                                                                         \
    wasm_##name##_t *wasm_extern_as_##name(wasm_extern_t *e)                                  \
    {                                                                                         \
        return e && e->base.kind == KIND ? (wasm_##name##_t *)(void *)e : NULL;               \
    }                                                                                         \
    const wasm_##name##_t *wasm_extern_as_##name##_const(const wasm_extern_t *e)              \
    {                                                                                         \
        return e && e->base.kind == KIND ? (const wasm_##name##_t *)(const void *)e : NULL;   \
    }

CAPI_EXTERN(func, CAPI_FUNC)
CAPI_EXTERN(global, CAPI_GLOBAL)
CAPI_EXTERN(table, CAPI_TABLE)
CAPI_EXTERN(memory, CAPI_MEMORY)

/* ------------------------------------------------------------------------------------------ */
/* Instances                                                                                  */

/* The imports as weft externs; false (and the store's error) for a NULL entry. */
static bool instance_imports(wasm_store_t *s, const wasm_extern_vec_t *imports, weft_extern *wx)
{
    for (size_t i = 0; imports && i < imports->size; i++) {
        const wasm_extern_t *e = imports->data[i];
        if (!e) {
            snprintf(s->error, sizeof s->error, "import %zu is NULL", i);
            return false;
        }
        switch (e->base.kind) {
        case CAPI_FUNC: wx[i].kind = WEFT_EXTERN_FUNC; wx[i].of.func = e->base.ptr; break;
        case CAPI_GLOBAL: wx[i].kind = WEFT_EXTERN_GLOBAL; wx[i].of.global = e->base.ptr; break;
        case CAPI_TABLE: wx[i].kind = WEFT_EXTERN_TABLE; wx[i].of.table = e->base.ptr; break;
        case CAPI_MEMORY: wx[i].kind = WEFT_EXTERN_MEMORY; wx[i].of.memory = e->base.ptr; break;
        }
    }
    return true;
}

wasm_instance_t *wasm_instance_new(wasm_store_t *s, const wasm_module_t *module,
                                   const wasm_extern_vec_t *imports, wasm_trap_t **trap)
{
    if (trap)
        *trap = NULL;
    if (!s || !module)
        return NULL;
    size_t n = imports ? imports->size : 0;
    weft_extern *wx = calloc(n ? n : 1, sizeof *wx);
    weft_instance *inst = NULL;
    weft_error *e = NULL;
    if (!wx)
        e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    else if (!instance_imports(s, imports, wx))
        e = err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET, "%s", s->error);
    else
        e = weft_instance_new(s->store, module->base.ptr, wx, n, &inst);
    free(wx);
    if (e) {
        snprintf(s->error, sizeof s->error, "%s", weft_error_message(e));
        if (trap)
            *trap = capi_trap_of_error(s, e);
        else
            weft_error_free(e);
        return NULL;
    }
    return (wasm_instance_t *)(void *)capi_wrap(s, CAPI_INSTANCE, inst);
}

void wasm_instance_exports(const wasm_instance_t *instance, wasm_extern_vec_t *out)
{
    weft_instance *inst = instance->base.ptr;
    uint32_t n = weft_module_export_count(weft_instance_module(inst));
    wasm_extern_vec_new_uninitialized(out, n);
    for (uint32_t i = 0; i < out->size; i++) {
        weft_extern x;
        void *ptr = NULL;
        x.kind = WEFT_EXTERN_FUNC;
        if (rt_export_at(inst, i, &x))
            ptr = x.kind == WEFT_EXTERN_FUNC     ? (void *)x.of.func
                  : x.kind == WEFT_EXTERN_TABLE  ? (void *)x.of.table
                  : x.kind == WEFT_EXTERN_MEMORY ? (void *)x.of.memory
                                                 : (void *)x.of.global;
        out->data[i] = (wasm_extern_t *)(void *)capi_wrap(instance->base.store,
                                                           capi_kind_of_extern(x.kind), ptr);
    }
}

weft_instance *weft_wasm_instance_weft(const wasm_instance_t *i) { return i ? i->base.ptr : NULL; }
