/* linker.c - resolving imports by (module, name). A flat array of definitions, each with a
 * hash of its two names so that a lookup compares strings only on a likely hit; linkers hold
 * tens to a few hundred names, where this beats a hash table's bookkeeping. */
#include <string.h>

#include "runtime.h"

/* Names are kept with their lengths: a module's import and export names may hold NUL bytes,
 * and those must still match exactly. */
typedef struct link_def {
    char *module, *name;
    size_t module_len, name_len;
    uint32_t hash;
    weft_extern ext;
} link_def;

struct weft_linker {
    weft_store *store;
    link_def *defs;
    size_t n, cap;
};

/* FNV-1a over the module name, a separator, and the name. */
static uint32_t link_hash(const char *module, size_t mlen, const char *name, size_t nlen)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < mlen; i++)
        h = (h ^ (uint8_t)module[i]) * 16777619u;
    h = (h ^ 0xffu) * 16777619u;
    for (size_t i = 0; i < nlen; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return h;
}

static link_def *link_find(const weft_linker *l, const char *module, size_t mlen,
                           const char *name, size_t nlen)
{
    uint32_t h = link_hash(module, mlen, name, nlen);
    for (size_t i = 0; i < l->n; i++) {
        link_def *d = &l->defs[i];
        if (d->hash == h && d->module_len == mlen && d->name_len == nlen &&
            memcmp(d->module, module, mlen) == 0 && memcmp(d->name, name, nlen) == 0)
            return d;
    }
    return NULL;
}

weft_linker *weft_linker_new(weft_store *store)
{
    if (!store)
        return NULL;
    weft_linker *l = calloc(1, sizeof *l);
    if (l)
        l->store = store;
    return l;
}

void weft_linker_free(weft_linker *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->defs[i].module);
        free(l->defs[i].name);
    }
    free(l->defs);
    free(l);
}

static weft_error *link_define(weft_linker *l, const char *module, size_t mlen,
                               const char *name, size_t nlen, weft_extern ext)
{
    if (!ext.of.func)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_linker_define: NULL extern");
    if (ext.kind > WEFT_EXTERN_TAG)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_linker_define: unknown extern kind");
    link_def *d = link_find(l, module, mlen, name, nlen);
    if (d) {
        d->ext = ext;
        return NULL;
    }
    if (!xgrow((void **)&l->defs, &l->cap, l->n + 1, sizeof *l->defs))
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    d = &l->defs[l->n];
    d->module = xstrndup(module, mlen);
    d->name = xstrndup(name, nlen);
    if (!d->module || !d->name) {
        free(d->module);
        free(d->name);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    d->module_len = mlen;
    d->name_len = nlen;
    d->hash = link_hash(module, mlen, name, nlen);
    d->ext = ext;
    l->n++;
    return NULL;
}

weft_error *weft_linker_define(weft_linker *l, const char *module, const char *name,
                               weft_extern ext)
{
    if (!l || !module || !name)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_linker_define: NULL argument");
    return link_define(l, module, strlen(module), name, strlen(name), ext);
}

weft_error *weft_linker_define_instance(weft_linker *l, const char *module,
                                        weft_instance *inst)
{
    if (!l || !module || !inst)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "weft_linker_define_instance: NULL argument");
    const weft_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        weft_extern x;
        if (!rt_export_at(inst, i, &x))
            continue;
        const wm_export *ex = &m->exports[i];
        weft_error *e = link_define(l, module, strlen(module), ex->name, ex->name_len, x);
        if (e)
            return e;
    }
    return NULL;
}

weft_error *weft_linker_define_func(weft_linker *l, const char *module, const char *name,
                                    const weft_functype *type, weft_host_fn fn, void *env,
                                    void (*finalize)(void *env))
{
    if (!l || !type || !fn)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_linker_define_func: NULL argument");
    weft_extern x;
    x.kind = WEFT_EXTERN_FUNC;
    x.of.func = weft_func_new(l->store, type, fn, env, finalize);
    if (!x.of.func)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    return weft_linker_define(l, module, name, x);
}

weft_error *weft_linker_instantiate(weft_linker *l, weft_module *module, weft_instance **out)
{
    if (out)
        *out = NULL;
    if (!l || !module || !out)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_linker_instantiate: NULL argument");
    weft_extern *imports = xcalloc(module->nimports, sizeof *imports);
    if (!imports)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    for (uint32_t i = 0; i < module->nimports; i++) {
        const wm_import *im = &module->imports[i];
        const link_def *d = link_find(l, im->module, im->module_len, im->name, im->name_len);
        if (!d) {
            char want[160];
            rt_describe_import(want, sizeof want, module, im);
            free(imports);
            return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET, "unknown import: \"%s\" \"%s\" (%s)",
                           im->module, im->name, want);
        }
        imports[i] = d->ext;
    }
    weft_error *e = weft_instance_new(l->store, module, imports, module->nimports, out);
    free(imports);
    return e;
}
