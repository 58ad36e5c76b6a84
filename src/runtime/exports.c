/* exports.c - looking up an instance's exports by name. */
#include <string.h>

#include "runtime.h"

weft_module *weft_instance_module(const weft_instance *inst) { return inst->module; }

/* The extern behind export i. Validation guarantees the index is in its index space. */
static bool exp_extern(const weft_instance *inst, const wm_export *ex, weft_extern *out)
{
    const weft_module *m = inst->module;
    out->kind = (weft_extern_kind)ex->kind;
    switch (ex->kind) {
    case WEFT_EXTERN_FUNC:
        if (ex->index >= m->nfuncs)
            return false;
        out->of.func = inst->funcs[ex->index];
        return out->of.func != NULL;
    case WEFT_EXTERN_TABLE:
        if (ex->index >= m->ntables)
            return false;
        out->of.table = inst->tables[ex->index];
        return out->of.table != NULL;
    case WEFT_EXTERN_MEMORY:
        if (ex->index >= m->nmems)
            return false;
        out->of.memory = inst->mems[ex->index];
        return out->of.memory != NULL;
    case WEFT_EXTERN_GLOBAL:
        if (ex->index >= m->nglobals)
            return false;
        out->of.global = inst->globals[ex->index];
        return out->of.global != NULL;
    case WEFT_EXTERN_TAG:
        if (ex->index >= m->ntags)
            return false;
        out->of.tag = inst->tags[ex->index];
        return out->of.tag != NULL;
    }
    return false;
}

bool rt_export_at(const weft_instance *inst, uint32_t i, weft_extern *out)
{
    return i < inst->module->nexports && exp_extern(inst, &inst->module->exports[i], out);
}

bool weft_instance_export_n(weft_instance *inst, const char *name, size_t len,
                            weft_extern *out)
{
    if (!inst || (!name && len))
        return false;
    const weft_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wm_export *ex = &m->exports[i];
        if (ex->name_len != len || (len && memcmp(ex->name, name, len) != 0))
            continue;
        weft_extern x;
        if (!exp_extern(inst, ex, &x))
            return false;
        if (out)
            *out = x;
        return true;
    }
    return false;
}

bool weft_instance_export(weft_instance *inst, const char *name, weft_extern *out)
{
    return name && weft_instance_export_n(inst, name, strlen(name), out);
}

static bool exp_find(weft_instance *inst, const char *name, weft_extern_kind kind,
                     weft_extern *x)
{
    return weft_instance_export(inst, name, x) && x->kind == kind;
}

weft_func *weft_instance_func(weft_instance *inst, const char *name)
{
    weft_extern x;
    return exp_find(inst, name, WEFT_EXTERN_FUNC, &x) ? x.of.func : NULL;
}

weft_tag *weft_instance_tag(weft_instance *inst, const char *name)
{
    weft_extern x;
    return exp_find(inst, name, WEFT_EXTERN_TAG, &x) ? x.of.tag : NULL;
}

weft_memory *weft_instance_memory(weft_instance *inst, const char *name)
{
    weft_extern x;
    return exp_find(inst, name, WEFT_EXTERN_MEMORY, &x) ? x.of.memory : NULL;
}

weft_global *weft_instance_global(weft_instance *inst, const char *name)
{
    weft_extern x;
    return exp_find(inst, name, WEFT_EXTERN_GLOBAL, &x) ? x.of.global : NULL;
}

weft_table *weft_instance_table(weft_instance *inst, const char *name)
{
    weft_extern x;
    return exp_find(inst, name, WEFT_EXTERN_TABLE, &x) ? x.of.table : NULL;
}
