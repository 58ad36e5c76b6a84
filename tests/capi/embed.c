/* embed: an embedder as a new user writes one after `make install`, built with nothing but
 * `pkg-config --cflags --libs weft` (install.sh links it against the shared and the static
 * library). Self-contained: the module is in the source. Uses both APIs. */
#include "check.h"

/* (module (import "env" "twice" (func $t (param i32) (result i32)))
 *   (func (export "run") (param i32) (result i32) (i32.add (call $t (local.get 0)) (i32.const 1)))) */
static const unsigned char wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x77, 0x69, 0x63,
    0x65, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e,
    0x00, 0x01, 0x0a, 0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a,
    0x0b};

static wasm_trap_t *twice(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = 2 * args->data[0].of.i32;
    return NULL;
}

int main(void)
{
    CHECK(strcmp(WEFT_VERSION, "") != 0 && weft_has_feature("threads"));
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new(&bytes, sizeof wasm, (const wasm_byte_t *)wasm);
    wasm_module_t *module = wasm_module_new(store, &bytes);
    wasm_byte_vec_delete(&bytes);
    CHECK(module != NULL);
    wasm_functype_t *t = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *f = wasm_func_new(store, t, twice);
    wasm_functype_delete(t);
    wasm_extern_t *imp[] = {wasm_func_as_extern(f)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imp);
    wasm_instance_t *inst = module ? wasm_instance_new(store, module, &imports, NULL) : NULL;
    CHECK(inst != NULL);
    if (inst) {
        wasm_extern_vec_t x;
        wasm_instance_exports(inst, &x);
        CHECK(call_i32(export_func(&x, 0), 1, 20, 0) == 41);
        /* the same function through weft.h */
        weft_val a = weft_val_i32(5), r;
        weft_error *e = weft_call(weft_wasm_store_weft(store), weft_wasm_func_weft(export_func(&x, 0)),
                                  &a, 1, &r, 1);
        CHECK(e == NULL && r.of.i32 == 11);
        weft_error_free(e);
        wasm_extern_vec_delete(&x);
    }
    wasm_instance_delete(inst);
    wasm_func_delete(f);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
