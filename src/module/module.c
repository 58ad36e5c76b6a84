/* module.c - the module's lifetime and small queries over its index spaces. */
#include <string.h>

#include "../exec/exec.h"
#include "module.h"

bool wm_functype_eq(const wm_functype *a, const wm_functype *b)
{
    if (a == b)
        return true;
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    if (memcmp(a->types, b->types, (size_t)a->nparams + a->nresults) != 0)
        return false;
    /* Typed references: the same nullability and kind of heap type. Which function type a
     * concrete one names is compared within a module by canonical index (decode.c); across
     * modules it is not, a known gap (no test of 3.0's core suite depends on it). */
    for (uint32_t i = 0; (a->vts || b->vts) && i < a->nparams + a->nresults; i++)
        if ((wm_functype_vt(a, i) & ((1u << WM_VT_SHIFT) - 1)) !=
            (wm_functype_vt(b, i) & ((1u << WM_VT_SHIFT) - 1)))
            return false;
    return true;
}

void wm_const_free(wm_constexpr *c)
{
    if (c && c->ops) {
        free(c->ops);
        c->ops = NULL;
        c->nops = 0;
    }
}

const wm_functype *module_func_type(const weft_module *m, uint32_t funcidx)
{
    uint32_t t;
    if (!m || funcidx >= m->nfuncs)
        return NULL;
    t = m->func_types[funcidx];
    return t < m->ntypes ? &m->types[t] : NULL;
}

const char *module_func_name(const weft_module *m, uint32_t funcidx)
{
    if (!m || !m->func_names || funcidx >= m->nfuncs)
        return NULL;
    return m->func_names[funcidx];
}

static void module_free_funcs(weft_module *m)
{
    uint32_t ndefs = m->nfuncs - m->nfunc_imports;
    if (!m->funcs)
        return;
    for (uint32_t i = 0; i < ndefs; i++) {
        free(m->funcs[i].local_types);
        free(m->funcs[i].local_vts);
        if (m->funcs[i].code)
            compile_free_func(m->funcs[i].code);
    }
    free(m->funcs);
}

/* Frees a module in any state of construction: counts always describe initialised entries,
 * and every array was zero-filled when allocated. */
void module_free(weft_module *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->ntypes; i++) {
        free(m->types[i].types);
        free(m->types[i].vts);
    }
    free(m->types);
    free(m->type_canon);
    for (uint32_t i = 0; i < m->nimports; i++) {
        free(m->imports[i].module);
        free(m->imports[i].name);
    }
    free(m->imports);
    module_free_funcs(m);
    free(m->func_types);
    for (uint32_t i = 0; m->table_init && i < m->ntables - m->ntable_imports; i++)
        wm_const_free(&m->table_init[i]);
    free(m->table_init);
    free(m->tables);
    free(m->mems);
    free(m->globals);
    free(m->tag_types);
    for (uint32_t i = 0; m->global_init && i < m->nglobals - m->nglobal_imports; i++)
        wm_const_free(&m->global_init[i]);
    free(m->global_init);
    for (uint32_t i = 0; i < m->nexports; i++)
        free(m->exports[i].name);
    free(m->exports);
    for (uint32_t i = 0; i < m->nelems; i++) {
        for (uint32_t j = 0; m->elems[i].items && j < m->elems[i].count; j++)
            wm_const_free(&m->elems[i].items[j]);
        wm_const_free(&m->elems[i].offset);
        free(m->elems[i].items);
    }
    free(m->elems);
    for (uint32_t i = 0; i < m->ndatas; i++)
        wm_const_free(&m->datas[i].offset);
    free(m->datas);
    for (uint32_t i = 0; i < m->ncustoms; i++)
        free(m->customs[i].name);
    free(m->customs);
    module_lines_free(atomic_load_explicit(&m->lines, memory_order_acquire));
    if (m->func_names)
        for (uint32_t i = 0; i < m->nfuncs; i++)
            free(m->func_names[i]);
    free(m->func_names);
    free(m->module_name);
    free(m->func_declared);
    free(m->bytes);
    free(m);
}

const char *weft_valtype_name(uint8_t t)
{
    switch (t) {
    case WEFT_I32: return "i32";
    case WEFT_I64: return "i64";
    case WEFT_F32: return "f32";
    case WEFT_F64: return "f64";
    case WEFT_V128: return "v128";
    case WEFT_FUNCREF: return "funcref";
    case WEFT_EXTERNREF: return "externref";
    case WEFT_EXNREF: return "exnref";
    default: return NULL;
    }
}
