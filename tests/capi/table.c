/* table: a funcref table seen from the host - get, set, grow, size, its type - called
 * through call_indirect with wasm functions and a host function; a table made by the host
 * with an initial element. */
#include "check.h"

static wasm_trap_t *negate(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = -args->data[0].of.i32;
    return NULL;
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "table");
    if (!module)
        return check_summary();
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
    wasm_extern_vec_t x;
    wasm_instance_exports(instance, &x);
    wasm_table_t *tab = x.size == 4 ? wasm_extern_as_table(x.data[0]) : NULL;
    CHECK(tab != NULL);
    if (!tab)
        return check_summary();
    wasm_func_t *dbl = export_func(&x, 1);
    const wasm_func_t *apply = export_func(&x, 2), *size = export_func(&x, 3);

    CHECK(wasm_table_size(tab) == 3 && call_i32(size, 0, 0, 0) == 3);
    CHECK(call_i32(apply, 2, 0, 21) == 42);   /* $double */
    CHECK(call_i32(apply, 2, 1, 9) == 81);    /* $square */
    CHECK(call_i32(apply, 2, 2, 1) == -999999); /* null element: a trap */

    wasm_ref_t *e0 = wasm_table_get(tab, 0);
    CHECK(e0 && wasm_func_same(wasm_ref_as_func(e0), dbl));
    wasm_ref_delete(e0);
    CHECK(wasm_table_get(tab, 2) == NULL && wasm_table_get(tab, 3) == NULL);

    wasm_functype_t *ft = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *neg = wasm_func_new(store, ft, negate);
    wasm_functype_delete(ft);
    CHECK(wasm_table_set(tab, 2, wasm_func_as_ref(neg)));
    CHECK(call_i32(apply, 2, 2, 5) == -5);
    CHECK(wasm_table_set(tab, 0, NULL) && call_i32(apply, 2, 0, 1) == -999999);
    CHECK(!wasm_table_set(tab, 3, wasm_func_as_ref(dbl)));
    /* A foreign object is not a function: a funcref table refuses it. */
    wasm_foreign_t *fo = wasm_foreign_new(store);
    CHECK(!wasm_table_set(tab, 1, wasm_foreign_as_ref(fo)));

    CHECK(wasm_table_grow(tab, 2, wasm_func_as_ref(dbl)) && wasm_table_size(tab) == 5);
    CHECK(call_i32(apply, 2, 4, 8) == 16);
    CHECK(!wasm_table_grow(tab, 4, NULL)); /* past the maximum of 8 */
    CHECK(wasm_table_grow(tab, 3, NULL) && wasm_table_size(tab) == 8);
    CHECK(wasm_table_grow(tab, 0, NULL) && !wasm_table_grow(tab, 1, NULL));

    wasm_tabletype_t *tt = wasm_table_type(tab);
    CHECK(wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_FUNCREF);
    CHECK(wasm_tabletype_limits(tt)->min == 8 && wasm_tabletype_limits(tt)->max == 8);
    wasm_tabletype_delete(tt);
    wasm_table_t *copy = wasm_table_copy(tab);
    CHECK(wasm_table_same(copy, tab));
    wasm_table_delete(copy);

    /* A table made by the host, every element set to one function. */
    wasm_limits_t lim = {4, wasm_limits_max_default};
    tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &lim);
    wasm_table_t *own_tab = wasm_table_new(store, tt, wasm_func_as_ref(neg));
    wasm_tabletype_delete(tt);
    CHECK(own_tab && wasm_table_size(own_tab) == 4);
    wasm_ref_t *e3 = own_tab ? wasm_table_get(own_tab, 3) : NULL;
    CHECK(e3 && wasm_ref_same(e3, wasm_func_as_ref(neg)));
    wasm_ref_delete(e3);
    CHECK(own_tab && wasm_table_grow(own_tab, 100, NULL) && wasm_table_size(own_tab) == 104);

    wasm_table_delete(own_tab);
    wasm_foreign_delete(fo);
    wasm_func_delete(neg);
    wasm_extern_vec_delete(&x);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
