/* imports.c - checking the externs given for a module's imports, as the spec's import
 * matching says: same kind, and a type that matches (functions structurally, tables and
 * memories by limits subtyping, globals exactly). */
#include <string.h>

#include "runtime.h"

/* Limits subtyping: the actual minimum covers the expected one, and if a maximum is
 * expected the actual one exists and is no larger. */
static bool imp_limits_ok(uint64_t amin, uint64_t amax, bool ahas, const wm_limits *want)
{
    return amin >= want->min && (!want->has_max || (ahas && amax <= want->max));
}

static bool imp_matches(const weft_module *m, const wm_import *im, const weft_extern *x)
{
    if (x->kind != im->kind)
        return false;
    switch (x->kind) {
    case WEFT_EXTERN_FUNC:
        return im->desc.typeidx < m->ntypes &&
               wm_functype_eq(&m->types[im->desc.typeidx], x->of.func->type);
    case WEFT_EXTERN_TABLE: {
        const weft_table *t = x->of.table;
        return t->reftype == im->desc.table.reftype && t->is64 == im->desc.table.lim.is64 &&
               imp_limits_ok(t->size, t->type_max, t->has_max, &im->desc.table.lim);
    }
    case WEFT_EXTERN_MEMORY: {
        const weft_memory *mem = x->of.memory;
        return mem->shared == im->desc.mem.shared && mem->is64 == im->desc.mem.is64 &&
               imp_limits_ok(weft_memory_size(mem) / WM_PAGE_SIZE, mem->type_max,
                             mem->has_max, &im->desc.mem);
    }
    case WEFT_EXTERN_GLOBAL:
        return x->of.global->type == im->desc.global.type &&
               x->of.global->mut == im->desc.global.mut;
    case WEFT_EXTERN_TAG: /* exact: a tag's values go both ways */
        return im->desc.typeidx < m->ntypes &&
               wm_functype_eq(&m->types[im->desc.typeidx], x->of.tag->type);
    }
    return false;
}

static bool imp_nonnull(const weft_extern *x)
{
    switch (x->kind) {
    case WEFT_EXTERN_FUNC: return x->of.func != NULL;
    case WEFT_EXTERN_TABLE: return x->of.table != NULL;
    case WEFT_EXTERN_MEMORY: return x->of.memory != NULL;
    case WEFT_EXTERN_GLOBAL: return x->of.global != NULL;
    case WEFT_EXTERN_TAG: return x->of.tag != NULL;
    }
    return false;
}

weft_error *rt_check_imports(const weft_module *m, const weft_extern *imports, size_t n)
{
    if (n != m->nimports)
        return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET,
                       "wrong number of imports: the module has %u, got %zu", m->nimports, n);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wm_import *im = &m->imports[i];
        if (!imp_nonnull(&imports[i]))
            return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                           "import %u (\"%s\" \"%s\") is NULL or of an unknown kind", i,
                           im->module, im->name);
        if (imp_matches(m, im, &imports[i]))
            continue;
        char want[160], got[160];
        rt_describe_import(want, sizeof want, m, im);
        rt_describe_extern(got, sizeof got, &imports[i]);
        return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET,
                       "incompatible import type for \"%s\" \"%s\": expected %s, got %s",
                       im->module, im->name, want, got);
    }
    return NULL;
}
