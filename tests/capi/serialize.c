/* serialize: a module serialized, the bytes handed on, deserialized in another store and
 * instantiated; broken or foreign bytes are refused; invalid binaries fail validation. */
#include "check.h"

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "serialize");
    if (!module)
        return check_summary();
    wasm_byte_vec_t bytes;
    wasm_module_serialize(module, &bytes);
    CHECK(bytes.size > 24);
    wasm_module_delete(module);
    wasm_store_delete(store);

    store = wasm_store_new(engine);
    wasm_module_t *again = wasm_module_deserialize(store, &bytes);
    CHECK(again != NULL);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *inst = again ? wasm_instance_new(store, again, &none, NULL) : NULL;
    CHECK(inst != NULL);
    if (inst) {
        wasm_extern_vec_t x;
        wasm_instance_exports(inst, &x);
        CHECK(x.size == 2 && call_i32(export_func(&x, 1), 0, 0, 0) == 42);
        wasm_extern_vec_delete(&x);
    }

    /* Truncated, bit-flipped, or a plain wasm binary: refused, with a reason. */
    wasm_byte_vec_t bad;
    wasm_byte_vec_copy(&bad, &bytes);
    bad.size -= 1;
    CHECK(wasm_module_deserialize(store, &bad) == NULL);
    bad.size += 1;
    bad.data[1] ^= 0x20;
    CHECK(wasm_module_deserialize(store, &bad) == NULL);
    CHECK(strstr(weft_wasm_store_error(store), "serialized") != NULL);
    bad.data[1] ^= 0x20;
    bad.data[24] ^= 0x55; /* the container is fine, the binary inside is not */
    CHECK(wasm_module_deserialize(store, &bad) == NULL);
    wasm_byte_vec_delete(&bad);
    wasm_byte_vec_t plain;
    load_bytes("serialize", &plain);
    CHECK(wasm_module_deserialize(store, &plain) == NULL);
    CHECK(wasm_module_validate(store, &plain));
    plain.data[plain.size - 2] = (char)0xff;
    CHECK(!wasm_module_validate(store, &plain) && weft_wasm_store_error(store)[0] != '\0');
    CHECK(wasm_module_new(store, &plain) == NULL);
    wasm_byte_vec_delete(&plain);

    wasm_byte_vec_delete(&bytes);
    wasm_instance_delete(inst);
    wasm_module_delete(again);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
