/* memory: an exported memory seen from the host (data, sizes, growth that never moves it,
 * traps out of bounds), its type, and a memory the host makes and the module imports. */
#include "check.h"

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "memory");
    wasm_module_t *importer = load_module(store, "memory_import");
    if (!module || !importer)
        return check_summary();
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
    CHECK(instance != NULL);
    wasm_extern_vec_t x;
    wasm_instance_exports(instance, &x);
    wasm_memory_t *mem = x.size == 5 ? wasm_extern_as_memory(x.data[0]) : NULL;
    CHECK(mem != NULL);
    if (!mem)
        return check_summary();
    const wasm_func_t *load8 = export_func(&x, 1), *store8 = export_func(&x, 2);
    const wasm_func_t *pages = export_func(&x, 3), *grow = export_func(&x, 4);

    CHECK(wasm_memory_size(mem) == 1 && wasm_memory_data_size(mem) == MEMORY_PAGE_SIZE);
    byte_t *data = wasm_memory_data(mem);
    CHECK(memcmp(data + 16, "weft", 4) == 0);
    CHECK(call_i32(load8, 1, 17, 0) == 'e');
    data[100] = 99;
    CHECK(call_i32(load8, 1, 100, 0) == 99);
    CHECK(call_i32(store8, 2, 200, 55) == 0 && data[200] == 55);
    CHECK(call_i32(load8, 1, 65536, 0) == -999999); /* out of bounds: a trap */

    wasm_memorytype_t *mt = wasm_memory_type(mem);
    CHECK(wasm_memorytype_limits(mt)->min == 1 && wasm_memorytype_limits(mt)->max == 4);
    CHECK(!weft_wasm_memorytype_is_shared(mt));
    wasm_memorytype_delete(mt);

    /* Growth from the host and from wasm; the data pointer stays where it was. */
    CHECK(wasm_memory_grow(mem, 1) && wasm_memory_size(mem) == 2);
    CHECK(call_i32(grow, 1, 1, 0) == 2 && call_i32(pages, 0, 0, 0) == 3);
    CHECK(wasm_memory_data(mem) == data && wasm_memory_data_size(mem) == 3 * MEMORY_PAGE_SIZE);
    CHECK(call_i32(store8, 2, 3 * 65536 - 1, 1) == 0 && data[3 * 65536 - 1] == 1);
    CHECK(!wasm_memory_grow(mem, 2)); /* past the maximum of 4 */
    CHECK(wasm_memory_grow(mem, 0) && wasm_memory_grow(mem, 1) && wasm_memory_size(mem) == 4);
    CHECK(call_i32(grow, 1, 1, 0) == -1);

    wasm_memory_t *copy = wasm_memory_copy(mem);
    CHECK(wasm_memory_same(copy, mem));
    wasm_memory_delete(copy);
    wasm_externtype_t *et = wasm_extern_type(x.data[0]);
    CHECK(wasm_externtype_kind(et) == WASM_EXTERN_MEMORY);
    CHECK(wasm_memorytype_limits(wasm_externtype_as_memorytype(et))->min == 4);
    wasm_externtype_delete(et);

    /* A memory made by the host, imported by a module. */
    wasm_limits_t lim = {2, 2};
    wasm_memorytype_t *t = wasm_memorytype_new(&lim);
    wasm_memory_t *host = wasm_memory_new(store, t);
    wasm_memorytype_delete(t);
    CHECK(host && wasm_memory_size(host) == 2 && !wasm_memory_grow(host, 1));
    if (host) {
        byte_t *hd = wasm_memory_data(host);
        hd[65536] = 0x78, hd[65537] = 0x56, hd[65538] = 0x34, hd[65539] = 0x12;
    }
    wasm_extern_t *imp[] = {wasm_memory_as_extern(host)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imp);
    wasm_instance_t *inst2 = wasm_instance_new(store, importer, &imports, NULL);
    CHECK(inst2 != NULL);
    wasm_extern_vec_t x2;
    wasm_instance_exports(inst2, &x2);
    CHECK(call_i32(export_func(&x2, 0), 1, 65536, 0) == 0x12345678);
    wasm_extern_vec_delete(&x2);

    /* The exported memory has the wrong limits for that import: a link error. */
    wasm_extern_t *bad[] = {x.data[0]};
    wasm_extern_vec_t bad_imports = WASM_ARRAY_VEC(bad);
    wasm_trap_t *trap = NULL;
    CHECK(wasm_instance_new(store, importer, &bad_imports, &trap) == NULL && trap != NULL);
    wasm_trap_delete(trap);

    /* A memory type without a maximum reports wasm_limits_max_default. */
    wasm_limits_t open = {0, wasm_limits_max_default};
    t = wasm_memorytype_new(&open);
    wasm_memory_t *unbounded = wasm_memory_new(store, t);
    wasm_memorytype_delete(t);
    CHECK(unbounded && wasm_memory_size(unbounded) == 0 && wasm_memory_grow(unbounded, 3));
    mt = unbounded ? wasm_memory_type(unbounded) : NULL;
    CHECK(mt && wasm_memorytype_limits(mt)->max == wasm_limits_max_default);
    wasm_memorytype_delete(mt);

    wasm_memory_delete(unbounded);
    wasm_memory_delete(host);
    wasm_extern_vec_delete(&x);
    wasm_instance_delete(inst2);
    wasm_instance_delete(instance);
    wasm_module_delete(importer);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
