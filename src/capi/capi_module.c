/* capi_module.c - modules of wasm.h: loading, reflection (imports and exports), sharing
 * between threads, and serialization. A wasm_module_t is a counted handle on a weft_module,
 * which is immutable and thread-safe, so nothing here belongs to a store: a module made
 * with one store may be instantiated in any other of its engine, and outlives them. */
#include <string.h>

#include "capi.h"

static wasm_module_t *module_handle(weft_module *m)
{
    wasm_module_t *h = m ? capi_counted_new(CAPI_MODULE, sizeof *h, NULL, m) : NULL;
    if (!h)
        weft_module_free(m);
    return h;
}

static wasm_module_t *module_load(wasm_store_t *s, const uint8_t *bytes, size_t len)
{
    if (!s)
        return NULL;
    weft_module *m;
    weft_error *e = weft_module_new(s->engine->engine, bytes, len, &m);
    if (e) {
        capi_set_error(s, e);
        return NULL;
    }
    return module_handle(m);
}

wasm_module_t *wasm_module_new(wasm_store_t *s, const wasm_byte_vec_t *binary)
{
    if (!binary)
        return NULL;
    return module_load(s, (const uint8_t *)binary->data, binary->size);
}

bool wasm_module_validate(wasm_store_t *s, const wasm_byte_vec_t *binary)
{
    if (!s || !binary)
        return false;
    weft_error *e = weft_module_validate(s->engine->engine, (const uint8_t *)binary->data,
                                         binary->size);
    if (e)
        capi_set_error(s, e);
    return e == NULL;
}

weft_module *weft_wasm_module_weft(const wasm_module_t *m) { return m ? m->base.ptr : NULL; }

/* ------------------------------------------------------------------------------------------ */
/* Reflection                                                                                 */

static void name_of(wasm_name_t *out, const char *s, uint32_t len)
{
    wasm_name_new(out, len, s);
}

void wasm_module_imports(const wasm_module_t *module, wasm_importtype_vec_t *out)
{
    const weft_module *m = module->base.ptr;
    wasm_importtype_vec_new_uninitialized(out, m->nimports);
    for (size_t i = 0; i < out->size; i++) {
        const wm_import *im = &m->imports[i];
        wasm_name_t mod, name;
        name_of(&mod, im->module, im->module_len);
        name_of(&name, im->name, im->name_len);
        out->data[i] = wasm_importtype_new(&mod, &name, capi_import_type(m, im));
    }
}

void wasm_module_exports(const wasm_module_t *module, wasm_exporttype_vec_t *out)
{
    const weft_module *m = module->base.ptr;
    wasm_exporttype_vec_new_uninitialized(out, m->nexports);
    for (size_t i = 0; i < out->size; i++) {
        const wm_export *ex = &m->exports[i];
        wasm_name_t name;
        name_of(&name, ex->name, ex->name_len);
        out->data[i] = wasm_exporttype_new(&name, capi_export_type(m, ex));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Threads: a shared module is one more reference on the (thread-safe) weft module            */

wasm_shared_module_t *wasm_module_share(const wasm_module_t *module)
{
    wasm_shared_module_t *sh = module ? malloc(sizeof *sh) : NULL;
    if (sh)
        sh->module = weft_module_ref(module->base.ptr);
    return sh;
}

void wasm_shared_module_delete(wasm_shared_module_t *sh)
{
    if (!sh)
        return;
    weft_module_free(sh->module);
    free(sh);
}

wasm_module_t *wasm_module_obtain(wasm_store_t *s, const wasm_shared_module_t *sh)
{
    if (!s || !sh)
        return NULL;
    return module_handle(weft_module_ref(sh->module));
}

/* ------------------------------------------------------------------------------------------ */
/* Serialization. The container (all integers little-endian):
 *   0   8 bytes  magic "\0weftmod"
 *   8   u32      format version, 1
 *   12  u32      flags, 0 (reserved: a compiled tier may append native code)
 *   16  u64      n, the length of the WebAssembly binary
 *   24  n bytes  the binary
 * Deserializing checks the container and loads the binary again (decode, validate,
 * translate): weft's translation is fast, and the binary is what the module was made from. */

#define SER_MAGIC "\0weftmod"
#define SER_HEADER 24u
#define SER_VERSION 1u

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void wasm_module_serialize(const wasm_module_t *module, wasm_byte_vec_t *out)
{
    const weft_module *m = module->base.ptr;
    wasm_byte_vec_new_uninitialized(out, SER_HEADER + m->len);
    if (!out->size)
        return;
    uint8_t *p = (uint8_t *)out->data;
    memcpy(p, SER_MAGIC, 8);
    put_le(p + 8, SER_VERSION, 4);
    put_le(p + 12, 0, 4);
    put_le(p + 16, m->len, 8);
    memcpy(p + SER_HEADER, m->bytes, m->len);
}

wasm_module_t *wasm_module_deserialize(wasm_store_t *s, const wasm_byte_vec_t *bytes)
{
    if (!s || !bytes)
        return NULL;
    const uint8_t *p = (const uint8_t *)bytes->data;
    size_t n = bytes->size;
    if (n < SER_HEADER || memcmp(p, SER_MAGIC, 8) != 0 || get_le(p + 8, 4) != SER_VERSION ||
        get_le(p + 12, 4) != 0 || get_le(p + 16, 8) != n - SER_HEADER) {
        capi_set_error(s, err_new(WEFT_ERR_DECODE, WEFT_NO_OFFSET,
                                  "not a serialized weft module (format %u)", SER_VERSION));
        return NULL;
    }
    return module_load(s, p + SER_HEADER, n - SER_HEADER);
}
