/* multi: multiple values both ways - a host function of four parameters and four results,
 * wasm's multi-value results - and every wasm_functype_new_P_R short-hand. */
#include "check.h"

static wasm_trap_t *swap(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    CHECK(args->size == 4 && results->size == 4);
    for (size_t i = 0; i < 4; i++)
        wasm_val_copy(&results->data[i], &args->data[3 - i]);
    return NULL;
}

/* Each short-hand builds the arity its name says. */
static void check_shorthands(void)
{
    wasm_functype_t *t[12] = {
        wasm_functype_new_0_0(),
        wasm_functype_new_1_0(wasm_valtype_new_i32()),
        wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64()),
        wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                              wasm_valtype_new_f32()),
        wasm_functype_new_0_1(wasm_valtype_new_f64()),
        wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_f64()),
        wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                              wasm_valtype_new_externref()),
        wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                              wasm_valtype_new_i32(), wasm_valtype_new_funcref()),
        wasm_functype_new_0_2(wasm_valtype_new_i32(), wasm_valtype_new_i64()),
        wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                              wasm_valtype_new_anyref()),
        wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                              wasm_valtype_new_i32(), wasm_valtype_new_i32()),
        wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                              wasm_valtype_new_i32(), wasm_valtype_new_f32(),
                              wasm_valtype_new_f64()),
    };
    static const size_t np[12] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
    static const size_t nr[12] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
    for (int i = 0; i < 12; i++) {
        CHECK(wasm_functype_params(t[i])->size == np[i]);
        CHECK(wasm_functype_results(t[i])->size == nr[i]);
        wasm_functype_delete(t[i]);
    }
}

int main(void)
{
    check_shorthands();
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "multi");
    if (!module)
        return check_summary();

    wasm_valtype_t *ps[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                             wasm_valtype_new_f32(), wasm_valtype_new_f64()};
    wasm_valtype_t *rs[4] = {wasm_valtype_new_f64(), wasm_valtype_new_f32(),
                             wasm_valtype_new_i64(), wasm_valtype_new_i32()};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 4, ps);
    wasm_valtype_vec_new(&results, 4, rs);
    wasm_functype_t *type = wasm_functype_new(&params, &results);
    wasm_func_t *host = wasm_func_new(store, type, swap);
    wasm_functype_delete(type);
    wasm_extern_t *imp[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t x;
    wasm_instance_t *instance = instantiate(store, module, imp, 1, &x);

    wasm_val_t in[4] = {WASM_I32_VAL(-1), WASM_I64_VAL(INT64_MAX), WASM_F32_VAL(1.25f),
                        WASM_F64_VAL(-0.5)};
    wasm_val_t out[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(in), res = WASM_ARRAY_VEC(out);
    CHECK(wasm_func_call(export_func(&x, 0), &args, &res) == NULL);
    CHECK(out[0].kind == WASM_F64 && out[0].of.f64 == -0.5);
    CHECK(out[1].kind == WASM_F32 && out[1].of.f32 == 1.25f);
    CHECK(out[2].kind == WASM_I64 && out[2].of.i64 == INT64_MAX);
    CHECK(out[3].kind == WASM_I32 && out[3].of.i32 == -1);

    wasm_val_t dm[2] = {WASM_I32_VAL(47), WASM_I32_VAL(5)};
    wasm_val_vec_t dargs = WASM_ARRAY_VEC(dm), dres;
    wasm_val_vec_new_uninitialized(&dres, 2);
    CHECK(wasm_func_call(export_func(&x, 1), &dargs, &dres) == NULL);
    CHECK(dres.data[0].of.i32 == 9 && dres.data[1].of.i32 == 2);
    /* Value vectors copy and delete like any other. */
    wasm_val_vec_t dcopy;
    wasm_val_vec_copy(&dcopy, &dres);
    CHECK(dcopy.size == 2 && dcopy.data[1].kind == WASM_I32 && dcopy.data[1].of.i32 == 2);
    wasm_val_vec_delete(&dcopy);
    wasm_val_vec_delete(&dres);
    wasm_val_vec_t vnew;
    wasm_val_vec_new(&vnew, 2, dm);
    CHECK(vnew.size == 2 && vnew.data[0].of.i32 == 47);
    wasm_val_vec_delete(&vnew);
    wasm_val_vec_new_empty(&vnew);
    CHECK(vnew.size == 0);
    wasm_val_vec_delete(&vnew);

    wasm_extern_vec_delete(&x);
    wasm_func_delete(host);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
