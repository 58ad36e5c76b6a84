/* imports.c - checking the externs given for a module's imports, as the spec's import
 * matching says: same kind, and a type that matches (functions structurally, tables and
 * memories by limits subtyping, globals by subtyping when immutable, exactly otherwise;
 * reference types compared across the two modules, reftypes.c). */
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
    case WEFT_EXTERN_FUNC: {
        const weft_func *f = x->of.func;
        if (im->desc.typeidx >= m->ntypes || !wm_functype_eq(&m->types[im->desc.typeidx], f->type))
            return false;
        /* typed references: the same types, named in either module */
        const weft_module *fm = f->inst ? f->inst->module : NULL;
        return !fm || !m->types[im->desc.typeidx].vts || !f->type->vts ||
               wm_functype_eq_across(m, im->desc.typeidx, fm,
                                     (uint32_t)(f->type - fm->types));
    }
    case WEFT_EXTERN_TABLE: {
        /* tables are mutable: their element types must be equal */
        const weft_table *t = x->of.table;
        wm_vt want = wm_table_vt(&im->desc.table);
        return wm_vt_sub_across(t->vmod, t->vt, m, want) &&
               wm_vt_sub_across(m, want, t->vmod, t->vt) && t->is64 == im->desc.table.lim.is64 &&
               imp_limits_ok(t->size, t->type_max, t->has_max, &im->desc.table.lim);
    }
    case WEFT_EXTERN_MEMORY: {
        const weft_memory *mem = x->of.memory;
        return mem->shared == im->desc.mem.shared && mem->is64 == im->desc.mem.is64 &&
               imp_limits_ok(weft_memory_size(mem) / WM_PAGE_SIZE, mem->type_max,
                             mem->has_max, &im->desc.mem);
    }
    case WEFT_EXTERN_GLOBAL: {
        /* an immutable global may have a subtype of the import's; a mutable one its type */
        const weft_global *g = x->of.global;
        wm_vt want = wm_global_vt(&im->desc.global);
        return g->mut == im->desc.global.mut && wm_vt_sub_across(g->vmod, g->vt, m, want) &&
               (!g->mut || wm_vt_sub_across(m, want, g->vmod, g->vt));
    }
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
