/* finalize: host info and finalizers. Store objects (instances, functions, globals, tables,
 * memories, foreign objects) keep their host info for their whole life and run their
 * finalizers when their store is deleted, each once; a module's runs when its last handle
 * goes. Many instances in one store, and two stores, as the reference example does. */
#include "check.h"

#define ROUNDS 2000

static int live;
static void drop(void *info) { live -= (int)(intptr_t)info; }

static void run_in_store(wasm_store_t *store, wasm_module_t *module)
{
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    for (int i = 0; i < ROUNDS; i++) {
        wasm_instance_t *inst = wasm_instance_new(store, module, &none, NULL);
        if (!inst) {
            CHECK(inst != NULL);
            return;
        }
        wasm_instance_set_host_info_with_finalizer(inst, (void *)(intptr_t)1, drop);
        live++;
        wasm_instance_delete(inst);
    }
}

/* One object of every store kind, each with a finalizer; host info without a finalizer on
 * one more, which must not be called. */
static void make_one_of_each(wasm_store_t *store, wasm_module_t *module)
{
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *inst = wasm_instance_new(store, module, &none, NULL);
    wasm_extern_vec_t x;
    wasm_instance_exports(inst, &x);
    CHECK(x.size == 2);
    wasm_global_t *g = wasm_extern_as_global(x.data[0]);
    wasm_func_t *f = wasm_extern_as_func(x.data[1]);
    wasm_global_set_host_info_with_finalizer(g, (void *)(intptr_t)10, drop);
    wasm_func_set_host_info_with_finalizer(f, (void *)(intptr_t)100, drop);
    live += 110;
    /* Host info belongs to the object: another handle on it sees the same. */
    wasm_extern_vec_t again;
    wasm_instance_exports(inst, &again);
    CHECK(wasm_global_get_host_info(wasm_extern_as_global(again.data[0])) == (void *)(intptr_t)10);
    CHECK(wasm_extern_get_host_info(again.data[1]) == (void *)(intptr_t)100);
    wasm_extern_set_host_info(again.data[1], (void *)(intptr_t)100); /* keeps no finalizer */
    wasm_func_set_host_info_with_finalizer(f, (void *)(intptr_t)100, drop);
    wasm_extern_vec_delete(&again);
    wasm_extern_vec_delete(&x);

    wasm_limits_t lim = {1, 2};
    wasm_memorytype_t *mt = wasm_memorytype_new(&lim);
    wasm_memory_t *m = wasm_memory_new(store, mt);
    wasm_memorytype_delete(mt);
    wasm_memory_set_host_info_with_finalizer(m, (void *)(intptr_t)1000, drop);
    wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_externref(), &lim);
    wasm_table_t *t = wasm_table_new(store, tt, NULL);
    wasm_tabletype_delete(tt);
    wasm_table_set_host_info_with_finalizer(t, (void *)(intptr_t)10000, drop);
    wasm_foreign_t *fo = wasm_foreign_new(store);
    wasm_foreign_set_host_info_with_finalizer(fo, (void *)(intptr_t)100000, drop);
    live += 111000;
    wasm_ref_t *r = wasm_foreign_as_ref(wasm_foreign_new(store));
    wasm_ref_set_host_info(r, (void *)(intptr_t)7);
    CHECK(wasm_ref_get_host_info(r) == (void *)(intptr_t)7);
    CHECK(wasm_memory_get_host_info(m) == (void *)(intptr_t)1000);
    CHECK(wasm_table_get_host_info(t) == (void *)(intptr_t)10000);
    CHECK(wasm_foreign_get_host_info(fo) == (void *)(intptr_t)100000);
    CHECK(wasm_instance_get_host_info(inst) == NULL);
    wasm_instance_set_host_info(inst, &live);
    CHECK(wasm_instance_get_host_info(inst) == &live);
    wasm_ref_delete(r);
    wasm_foreign_delete(fo);
    wasm_table_delete(t);
    wasm_memory_delete(m);
    wasm_instance_delete(inst);
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store1 = wasm_store_new(engine);
    wasm_module_t *module = load_module(store1, "finalize");
    if (!module)
        return check_summary();
    wasm_module_set_host_info_with_finalizer(module, (void *)(intptr_t)1000000, drop);
    live += 1000000;

    run_in_store(store1, module);
    wasm_store_t *store2 = wasm_store_new(engine);
    run_in_store(store2, module);
    make_one_of_each(store2, module);
    CHECK(live == 1000000 + 2 * ROUNDS + 111110);

    wasm_store_delete(store2); /* finalizes what store2 held, and only that */
    CHECK(live == 1000000 + ROUNDS);
    run_in_store(store1, module);
    CHECK(live == 1000000 + 2 * ROUNDS);
    wasm_store_delete(store1);
    CHECK(live == 1000000);

    /* A module outlives the store it was made with; copies share the host info. */
    wasm_module_t *copy = wasm_module_copy(module);
    CHECK(wasm_module_same(copy, module));
    CHECK(wasm_module_get_host_info(copy) == (void *)(intptr_t)1000000);
    wasm_module_delete(module);
    CHECK(live == 1000000);
    wasm_module_delete(copy);
    CHECK(live == 0);
    wasm_engine_delete(engine);
    return check_summary();
}
