/* capi_types.c - the type objects of wasm.h (value, function, global, table, memory, extern,
 * import and export types) and their translation from weft's types. Types are plain owned
 * values: every copy is deep and every delete frees. */
#include <string.h>

#include "capi.h"

/* ------------------------------------------------------------------------------------------ */
/* Value types                                                                                */

wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind)
{
    wasm_valtype_t *t = malloc(sizeof *t);
    if (t)
        t->kind = kind;
    return t;
}

void wasm_valtype_delete(wasm_valtype_t *t) { free(t); }
wasm_valtype_t *wasm_valtype_copy(const wasm_valtype_t *t) { return t ? wasm_valtype_new(t->kind) : NULL; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t) { return t->kind; }

bool capi_kind_of_weft(uint8_t weft_type, wasm_valkind_t *out)
{
    switch (weft_type) {
    case WEFT_I32: *out = WASM_I32; return true;
    case WEFT_I64: *out = WASM_I64; return true;
    case WEFT_F32: *out = WASM_F32; return true;
    case WEFT_F64: *out = WASM_F64; return true;
    case WEFT_EXTERNREF: *out = WASM_EXTERNREF; return true;
    case WEFT_FUNCREF: *out = WASM_FUNCREF; return true;
    case WEFT_V128: *out = WEFT_WASM_V128; return false;
    }
    return false;
}

uint8_t capi_weft_of_kind(wasm_valkind_t kind)
{
    switch (kind) {
    case WASM_I32: return WEFT_I32;
    case WASM_I64: return WEFT_I64;
    case WASM_F32: return WEFT_F32;
    case WASM_F64: return WEFT_F64;
    case WASM_EXTERNREF: return WEFT_EXTERNREF;
    case WASM_FUNCREF: return WEFT_FUNCREF;
    case WEFT_WASM_V128: return WEFT_V128;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The extern-type family: one capi_type behind functype, globaltype, tabletype, memorytype  */

static capi_type *type_alloc(wasm_externkind_t kind)
{
    capi_type *t = calloc(1, sizeof *t);
    if (t)
        t->kind = kind;
    return t;
}

static void type_free(capi_type *t)
{
    if (!t)
        return;
    switch (t->kind) {
    case WASM_EXTERN_FUNC:
        wasm_valtype_vec_delete(&t->u.func.params);
        wasm_valtype_vec_delete(&t->u.func.results);
        break;
    case WASM_EXTERN_GLOBAL: wasm_valtype_delete(t->u.global.content); break;
    case WASM_EXTERN_TABLE: wasm_valtype_delete(t->u.table.element); break;
    default: break;
    }
    free(t);
}

static capi_type *type_copy(const capi_type *src)
{
    capi_type *t = src ? type_alloc(src->kind) : NULL;
    if (!t)
        return NULL;
    t->u = src->u;
    switch (src->kind) {
    case WASM_EXTERN_FUNC:
        wasm_valtype_vec_copy(&t->u.func.params, &src->u.func.params);
        wasm_valtype_vec_copy(&t->u.func.results, &src->u.func.results);
        break;
    case WASM_EXTERN_GLOBAL: t->u.global.content = wasm_valtype_copy(src->u.global.content); break;
    case WASM_EXTERN_TABLE: t->u.table.element = wasm_valtype_copy(src->u.table.element); break;
    default: break;
    }
    return t;
}

void wasm_externtype_delete(wasm_externtype_t *t) { type_free(CAPI_TYPE(t)); }
wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *t)
{
    return (wasm_externtype_t *)(void *)type_copy(CAPI_CONST_TYPE(t));
}
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t) { return t->t.kind; }

/* Delete, copy and the four conversions of one member of the family. */
#define CAPI_TYPE_FAMILY(name, KIND)                                                          \
    void wasm_##name##_delete(wasm_##name##_t *t) { type_free(CAPI_TYPE(t)); }                \
    wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *t)                             \
    {                                                                                         \
        return (wasm_##name##_t *)(void *)type_copy(CAPI_CONST_TYPE(t));                      \
    }                                                                                         \
    wasm_externtype_t *wasm_##name##_as_externtype(wasm_##name##_t *t)                        \
    {                                                                                         \
        return (wasm_externtype_t *)(void *)t;                                                \
    }                                                                                         \
    const wasm_externtype_t *wasm_##name##_as_externtype_const(const wasm_##name##_t *t)      \
    {                                                                                         \
        return (const wasm_externtype_t *)(const void *)t;                                    \
    }                                                                                         \
    wasm_##name##_t *wasm_externtype_as_##name(wasm_externtype_t *t)                          \
    {                                                                                         \
        return t && t->t.kind == KIND ? (wasm_##name##_t *)(void *)t : NULL;                  \
    }                                                                                         \
    const wasm_##name##_t *wasm_externtype_as_##name##_const(const wasm_externtype_t *t)      \
    {                                                                                         \
        return t && t->t.kind == KIND ? (const wasm_##name##_t *)(const void *)t : NULL;      \
    }

CAPI_TYPE_FAMILY(functype, WASM_EXTERN_FUNC)
CAPI_TYPE_FAMILY(globaltype, WASM_EXTERN_GLOBAL)
CAPI_TYPE_FAMILY(tabletype, WASM_EXTERN_TABLE)
CAPI_TYPE_FAMILY(memorytype, WASM_EXTERN_MEMORY)

/* The vectors move into the type; the caller's become empty. */
wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results)
{
    capi_type *t = type_alloc(WASM_EXTERN_FUNC);
    if (!t) {
        wasm_valtype_vec_delete(params);
        wasm_valtype_vec_delete(results);
        return NULL;
    }
    if (params) {
        t->u.func.params = *params;
        wasm_valtype_vec_new_empty(params);
    }
    if (results) {
        t->u.func.results = *results;
        wasm_valtype_vec_new_empty(results);
    }
    return (wasm_functype_t *)(void *)t;
}

const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t) { return &t->t.u.func.params; }
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t) { return &t->t.u.func.results; }

wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t mut)
{
    capi_type *t = type_alloc(WASM_EXTERN_GLOBAL);
    if (!t) {
        wasm_valtype_delete(content);
        return NULL;
    }
    t->u.global.content = content;
    t->u.global.mut = mut;
    return (wasm_globaltype_t *)(void *)t;
}

const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t) { return t->t.u.global.content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t) { return t->t.u.global.mut; }

wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *element, const wasm_limits_t *limits)
{
    capi_type *t = type_alloc(WASM_EXTERN_TABLE);
    if (!t) {
        wasm_valtype_delete(element);
        return NULL;
    }
    t->u.table.element = element;
    t->u.table.limits = *limits;
    return (wasm_tabletype_t *)(void *)t;
}

const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t) { return t->t.u.table.element; }
const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t) { return &t->t.u.table.limits; }

wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits)
{
    capi_type *t = type_alloc(WASM_EXTERN_MEMORY);
    if (t)
        t->u.memory.limits = *limits;
    return (wasm_memorytype_t *)(void *)t;
}

const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t) { return &t->t.u.memory.limits; }

wasm_memorytype_t *weft_wasm_memorytype_new_shared(const wasm_limits_t *limits)
{
    wasm_memorytype_t *t = wasm_memorytype_new(limits);
    if (t)
        t->t.u.memory.shared = true;
    return t;
}

bool weft_wasm_memorytype_is_shared(const wasm_memorytype_t *t) { return t && t->t.u.memory.shared; }

/* ------------------------------------------------------------------------------------------ */
/* Import and export types                                                                    */

wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name,
                                       wasm_externtype_t *type)
{
    wasm_importtype_t *t = calloc(1, sizeof *t);
    if (!t) {
        wasm_name_delete(module);
        wasm_name_delete(name);
        wasm_externtype_delete(type);
        return NULL;
    }
    t->module = *module;
    t->name = *name;
    t->type = type;
    wasm_name_new_empty(module);
    wasm_name_new_empty(name);
    return t;
}

void wasm_importtype_delete(wasm_importtype_t *t)
{
    if (!t)
        return;
    wasm_name_delete(&t->module);
    wasm_name_delete(&t->name);
    wasm_externtype_delete(t->type);
    free(t);
}

wasm_importtype_t *wasm_importtype_copy(const wasm_importtype_t *t)
{
    if (!t)
        return NULL;
    wasm_name_t module, name;
    wasm_name_copy(&module, &t->module);
    wasm_name_copy(&name, &t->name);
    return wasm_importtype_new(&module, &name, wasm_externtype_copy(t->type));
}

const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t) { return &t->module; }
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t) { return t->type; }

wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_exporttype_t *t = calloc(1, sizeof *t);
    if (!t) {
        wasm_name_delete(name);
        wasm_externtype_delete(type);
        return NULL;
    }
    t->name = *name;
    t->type = type;
    wasm_name_new_empty(name);
    return t;
}

void wasm_exporttype_delete(wasm_exporttype_t *t)
{
    if (!t)
        return;
    wasm_name_delete(&t->name);
    wasm_externtype_delete(t->type);
    free(t);
}

wasm_exporttype_t *wasm_exporttype_copy(const wasm_exporttype_t *t)
{
    if (!t)
        return NULL;
    wasm_name_t name;
    wasm_name_copy(&name, &t->name);
    return wasm_exporttype_new(&name, wasm_externtype_copy(t->type));
}

const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t) { return t->type; }

/* ------------------------------------------------------------------------------------------ */
/* weft types as wasm.h types                                                                 */

/* A vector of n value types read from weft type codes. */
static void types_vec(wasm_valtype_vec_t *out, const uint8_t *codes, uint32_t n)
{
    wasm_valtype_vec_new_uninitialized(out, n);
    for (uint32_t i = 0; i < out->size; i++) {
        wasm_valkind_t k;
        capi_kind_of_weft(codes[i], &k); /* v128 keeps its own kind */
        out->data[i] = wasm_valtype_new(k);
    }
}

wasm_functype_t *capi_functype_of(const weft_functype *wt)
{
    wasm_valtype_vec_t params, results;
    types_vec(&params, wm_params(wt), wt->nparams);
    types_vec(&results, wm_results(wt), wt->nresults);
    return wasm_functype_new(&params, &results);
}

/* The weft codes of a vector of value types; false for a kind weft does not know. */
static bool types_codes(const wasm_valtype_vec_t *v, uint8_t *codes)
{
    for (size_t i = 0; i < v->size; i++)
        if (!v->data[i] || !(codes[i] = capi_weft_of_kind(v->data[i]->kind)))
            return false;
    return true;
}

weft_functype *capi_functype_to_weft(const wasm_functype_t *t)
{
    const wasm_valtype_vec_t *p = &t->t.u.func.params, *r = &t->t.u.func.results;
    if (p->size > UINT32_MAX || r->size > UINT32_MAX)
        return NULL;
    uint8_t *codes = malloc(p->size + r->size + 1);
    weft_functype *wt = NULL;
    if (codes && types_codes(p, codes) && types_codes(r, codes + p->size))
        wt = weft_functype_new(codes, (uint32_t)p->size, codes + p->size, (uint32_t)r->size);
    free(codes);
    return wt;
}

static wasm_limits_t limits_of(uint64_t min, uint64_t max, bool has_max)
{
    wasm_limits_t l;
    l.min = min > UINT32_MAX ? UINT32_MAX : (uint32_t)min;
    l.max = has_max && max < wasm_limits_max_default ? (uint32_t)max : wasm_limits_max_default;
    return l;
}

wasm_externtype_t *capi_global_type(uint8_t type, bool mut)
{
    wasm_valkind_t k;
    capi_kind_of_weft(type, &k);
    return wasm_globaltype_as_externtype(
        wasm_globaltype_new(wasm_valtype_new(k), mut ? WASM_VAR : WASM_CONST));
}

wasm_externtype_t *capi_table_type(uint8_t reftype, uint64_t min, uint64_t max, bool has_max)
{
    wasm_valkind_t k;
    capi_kind_of_weft(reftype, &k);
    wasm_limits_t l = limits_of(min, max, has_max);
    return wasm_tabletype_as_externtype(wasm_tabletype_new(wasm_valtype_new(k), &l));
}

wasm_externtype_t *capi_memory_type(uint64_t min, uint64_t max, bool has_max, bool shared)
{
    wasm_limits_t l = limits_of(min, max, has_max);
    return wasm_memorytype_as_externtype(shared ? weft_wasm_memorytype_new_shared(&l)
                                                : wasm_memorytype_new(&l));
}

wasm_externtype_t *capi_import_type(const weft_module *m, const wm_import *im)
{
    switch (im->kind) {
    case WEFT_EXTERN_FUNC:
        return wasm_functype_as_externtype(capi_functype_of(&m->types[im->desc.typeidx]));
    case WEFT_EXTERN_TABLE: {
        const wm_tabletype *t = &im->desc.table;
        return capi_table_type(t->reftype, t->lim.min, t->lim.max, t->lim.has_max);
    }
    case WEFT_EXTERN_MEMORY: {
        const wm_limits *l = &im->desc.mem;
        return capi_memory_type(l->min, l->max, l->has_max, l->shared);
    }
    case WEFT_EXTERN_GLOBAL:
        return capi_global_type(im->desc.global.type, im->desc.global.mut);
    case WEFT_EXTERN_TAG: /* wasm.h has no tags */
        break;
    }
    return NULL;
}

wasm_externtype_t *capi_export_type(const weft_module *m, const wm_export *ex)
{
    switch (ex->kind) {
    case WEFT_EXTERN_FUNC:
        return wasm_functype_as_externtype(capi_functype_of(module_func_type(m, ex->index)));
    case WEFT_EXTERN_TABLE: {
        const wm_tabletype *t = &m->tables[ex->index];
        return capi_table_type(t->reftype, t->lim.min, t->lim.max, t->lim.has_max);
    }
    case WEFT_EXTERN_MEMORY: {
        const wm_limits *l = &m->mems[ex->index];
        return capi_memory_type(l->min, l->max, l->has_max, l->shared);
    }
    case WEFT_EXTERN_GLOBAL:
        return capi_global_type(m->globals[ex->index].type, m->globals[ex->index].mut);
    case WEFT_EXTERN_TAG: /* wasm.h has no tags */
        break;
    }
    return NULL;
}
