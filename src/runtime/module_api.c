/* module_api.c - loading modules (decode, validate, translate) and describing them to the
 * embedder. A module is immutable once returned and shared by threads, so its reference
 * count is atomic. */
#include <string.h>

#include "runtime.h"
#include "../exec/exec.h"
#include "../native/native.h"
#include "../native/native_io.h"

/* Decode and validate; on success *out is the new module, on failure NULL. */
static weft_error *modapi_load(weft_engine *engine, const uint8_t *bytes, size_t len,
                               weft_module **out)
{
    *out = NULL;
    if (!engine)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "engine is NULL");
    if (!bytes && len)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "module bytes are NULL");
    weft_module *m = NULL;
    weft_error *e = decode_module(bytes ? bytes : (const uint8_t *)"", len, &m);
    if (!e) {
        m->disabled_features = engine->cfg.disabled_features;
        m->consume_fuel = engine->cfg.consume_fuel;
        m->epoch_checks = engine->cfg.epoch_interruption;
        e = validate_module(m);
    }
    if (e) {
        if (m)
            module_free(m);
        return e;
    }
    *out = m;
    return NULL;
}

static nat_options modapi_nat_options(const weft_engine *engine)
{
    nat_options o;
    o.opt_level = engine->cfg.compile_opt ? (int)engine->cfg.compile_opt - 1 : 2;
    o.jobs = engine->cfg.compile_jobs;
    o.cancel = NULL;
    o.fuel = engine->cfg.consume_fuel;
    o.epoch = engine->cfg.epoch_interruption;
    return o;
}

/* Native code for m: from an artifact's shared object, or compiled through the cache when
 * the engine asks for the compiled tier; otherwise the interpreter's translation. */
static weft_error *modapi_prepare(weft_engine *engine, weft_module *m, const uint8_t *so,
                                  size_t so_len)
{
    /* functions that make tail calls run in the interpreter (nat_cgen.c): they need its
     * translation also when the module has native code */
    if (so) {
        weft_error *e = nat_attach(m, so, so_len);
        return !e && m->tail_calls ? compile_module(m) : e;
    }
    if (engine->cfg.tier == WEFT_TIER_COMPILED) {
        nat_options o = modapi_nat_options(engine);
        weft_error *e = nat_compile_cached(m, &o, engine->cfg.cache_dir, false);
        return !e && m->tail_calls ? compile_module(m) : e;
    }
    m->tiered = engine->cfg.tier == WEFT_TIER_TIERED;
    weft_error *e = compile_module(m);
    if (!e && m->tiered) {
        nat_options o = modapi_nat_options(engine);
        nat_tier_start(m, &o, engine->cfg.cache_dir);
    }
    return e;
}

weft_error *weft_module_new(weft_engine *engine, const uint8_t *bytes, size_t len,
                            weft_module **module)
{
    const uint8_t *so = NULL;
    size_t so_len = 0;
    if (!module)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_module_new: module is NULL");
    *module = NULL;
    if (bytes && nat_is_artifact(bytes, len)) {
        nat_meta meta;
        weft_error *e = nat_artifact_unpack(bytes, len, "artifact", &meta, &bytes, &len, &so,
                                            &so_len);
        if (!e && engine)
            e = nat_check_stops(meta.flags, engine->cfg.consume_fuel,
                                engine->cfg.epoch_interruption);
        if (e)
            return e;
    }
    weft_module *m;
    weft_error *e = modapi_load(engine, bytes, len, &m);
    if (e)
        return e;
    if ((e = modapi_prepare(engine, m, so, so_len)) != NULL) {
        module_free(m);
        return e;
    }
    m->engine = engine;
    atomic_store_explicit(&m->refs, 1, memory_order_relaxed);
    *module = m;
    return NULL;
}

weft_error *weft_module_compile(weft_engine *engine, const uint8_t *wasm, size_t len,
                                uint8_t **artifact, size_t *artifact_len)
{
    if (!artifact || !artifact_len)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_module_compile: NULL output");
    *artifact = NULL;
    *artifact_len = 0;
    weft_module *m;
    weft_error *e = modapi_load(engine, wasm, len, &m);
    if (e)
        return e;
    nat_options o = modapi_nat_options(engine);
    e = nat_build(m, &o, artifact, artifact_len);
    module_free(m);
    return e;
}

void weft_bytes_free(uint8_t *bytes) { free(bytes); }

bool weft_module_is_compiled(const weft_module *m)
{
    return m && atomic_load_explicit(&((weft_module *)m)->native, memory_order_acquire);
}

bool weft_is_artifact(const uint8_t *bytes, size_t len) { return nat_is_artifact(bytes, len); }

weft_error *weft_cache_dir(const char *dir, char *out, size_t n)
{
    return nat_cache_dir(dir, out, n);
}

weft_error *weft_cache_clean(const char *dir, size_t *files, uint64_t *bytes)
{
    char path[4096];
    weft_error *e = nat_cache_dir(dir, path, sizeof path);
    return e ? e : nat_cache_clean(path, files, bytes);
}

weft_error *weft_module_validate(weft_engine *engine, const uint8_t *bytes, size_t len)
{
    weft_module *m;
    weft_error *e = modapi_load(engine, bytes, len, &m);
    if (m)
        module_free(m);
    return e;
}

weft_module *weft_module_ref(weft_module *m)
{
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void weft_module_free(weft_module *m)
{
    if (m && atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) {
        /* the native code goes first (a background compile is abandoned): nothing of the
         * module may run any more */
        nat_tier_stop(m);
        nat_module_free(atomic_load_explicit(&m->native, memory_order_acquire));
        atomic_store_explicit(&m->native, NULL, memory_order_relaxed);
        module_free(m);
    }
}

uint32_t weft_module_import_count(const weft_module *m) { return m->nimports; }

void weft_module_import(const weft_module *m, uint32_t i, weft_import_desc *out)
{
    memset(out, 0, sizeof *out);
    if (i >= m->nimports)
        return;
    const wm_import *im = &m->imports[i];
    out->module = im->module;
    out->name = im->name;
    out->kind = (weft_extern_kind)im->kind;
    switch (im->kind) {
    case WEFT_EXTERN_FUNC: case WEFT_EXTERN_TAG:
        out->functype = im->desc.typeidx < m->ntypes ? &m->types[im->desc.typeidx] : NULL;
        break;
    case WEFT_EXTERN_TABLE:
        out->table_reftype = im->desc.table.reftype;
        out->min = im->desc.table.lim.min;
        out->max = im->desc.table.lim.max;
        out->has_max = im->desc.table.lim.has_max;
        break;
    case WEFT_EXTERN_MEMORY:
        out->min = im->desc.mem.min;
        out->max = im->desc.mem.max;
        out->has_max = im->desc.mem.has_max;
        out->shared = im->desc.mem.shared;
        break;
    case WEFT_EXTERN_GLOBAL:
        out->global_type = im->desc.global.type;
        out->global_mutable = im->desc.global.mut;
        break;
    }
}

uint32_t weft_module_export_count(const weft_module *m) { return m->nexports; }

void weft_module_export(const weft_module *m, uint32_t i, weft_export_desc *out)
{
    memset(out, 0, sizeof *out);
    if (i >= m->nexports)
        return;
    out->name = m->exports[i].name;
    out->kind = (weft_extern_kind)m->exports[i].kind;
    out->index = m->exports[i].index;
}

const char *weft_module_func_name(const weft_module *m, uint32_t funcidx)
{
    if (!m || funcidx >= m->nfuncs)
        return NULL;
    return module_func_name(m, funcidx);
}
