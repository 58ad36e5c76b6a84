/* global: globals made by the host and imported, globals exported by the module, of every
 * kind (numbers, externref, funcref); their types, get and set from both sides, and what
 * set must refuse. */
#include "check.h"

static wasm_global_t *make(wasm_store_t *store, wasm_valkind_t kind, wasm_mutability_t mut,
                           wasm_val_t init)
{
    wasm_globaltype_t *t = wasm_globaltype_new(wasm_valtype_new(kind), mut);
    wasm_global_t *g = wasm_global_new(store, t, &init);
    wasm_globaltype_delete(t);
    CHECK(g != NULL);
    return g;
}

static wasm_val_t call0(const wasm_func_t *f)
{
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t none = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
    CHECK(f && wasm_func_call(f, &none, &results) == NULL);
    return r[0];
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "global");
    if (!module)
        return check_summary();

    wasm_ref_t *host = wasm_foreign_as_ref(wasm_foreign_new(store));
    wasm_globaltype_t *mismatch = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t wrong = WASM_F64_VAL(1.0);
    CHECK(wasm_global_new(store, mismatch, &wrong) == NULL); /* value of the wrong kind */
    wasm_globaltype_delete(mismatch);

    /* WASM_*_VAL are initialisers (in C), not expressions: name the values first. */
    wasm_val_t init[5] = {WASM_I32_VAL(7), WASM_I64_VAL(-8), WASM_F32_VAL(0.5f),
                          WASM_F64_VAL(1e100), WASM_REF_VAL(host)};
    wasm_global_t *ci = make(store, WASM_I32, WASM_CONST, init[0]);
    wasm_global_t *vi = make(store, WASM_I64, WASM_VAR, init[1]);
    wasm_global_t *vf = make(store, WASM_F32, WASM_VAR, init[2]);
    wasm_global_t *cd = make(store, WASM_F64, WASM_CONST, init[3]);
    wasm_global_t *vr = make(store, WASM_EXTERNREF, WASM_VAR, init[4]);

    wasm_globaltype_t *gt = wasm_global_type(vi);
    CHECK(wasm_globaltype_mutability(gt) == WASM_VAR);
    CHECK(wasm_valtype_kind(wasm_globaltype_content(gt)) == WASM_I64);
    wasm_globaltype_delete(gt);

    wasm_extern_t *externs[] = {wasm_global_as_extern(ci), wasm_global_as_extern(vi),
                                wasm_global_as_extern(vf), wasm_global_as_extern(cd),
                                wasm_global_as_extern(vr)};
    wasm_extern_vec_t x;
    wasm_instance_t *instance = instantiate(store, module, externs, 5, &x);
    CHECK(x.size == 11);
    wasm_global_t *exp_i32 = wasm_extern_as_global(x.data[0]);
    wasm_global_t *exp_f64 = wasm_extern_as_global(x.data[1]);
    wasm_global_t *exp_fr = wasm_extern_as_global(x.data[2]);
    CHECK(exp_i32 && exp_f64 && exp_fr && !wasm_extern_as_func(x.data[0]));
    const wasm_func_t *id = export_func(&x, 3);

    /* wasm reads what the host set up. */
    CHECK(call0(export_func(&x, 4)).of.i32 == 7);
    CHECK(call0(export_func(&x, 5)).of.i64 == -8);
    CHECK(call0(export_func(&x, 7)).of.f32 == 0.5f);
    CHECK(call0(export_func(&x, 8)).of.f64 == 1e100);
    wasm_val_t r = call0(export_func(&x, 9));
    CHECK(r.kind == WASM_EXTERNREF && r.of.ref && wasm_ref_same(r.of.ref, host));
    wasm_val_delete(&r);

    /* The host writes, wasm reads; wasm writes, the host reads. */
    wasm_val_t v = WASM_I64_VAL(123456789012345);
    wasm_global_set(vi, &v);
    CHECK(call0(export_func(&x, 5)).of.i64 == 123456789012345);
    wasm_val_t a[1] = {WASM_I64_VAL(-1)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a), none = WASM_EMPTY_VEC;
    CHECK(wasm_func_call(export_func(&x, 6), &args, &none) == NULL);
    wasm_global_get(vi, &v);
    CHECK(v.kind == WASM_I64 && v.of.i64 == -1);

    wasm_global_get(exp_i32, &v);
    CHECK(v.kind == WASM_I32 && v.of.i32 == 10);
    wasm_global_get(exp_f64, &v);
    CHECK(v.kind == WASM_F64 && v.of.f64 == 2.5);

    /* set ignores an immutable global and a value of the wrong kind. */
    wasm_val_t nine = WASM_I32_VAL(9);
    wasm_global_set(ci, &nine);
    wasm_global_get(ci, &v);
    CHECK(v.of.i32 == 7);
    wasm_val_t fl = WASM_F32_VAL(2.0f);
    wasm_global_set(exp_i32, &fl);
    wasm_global_get(exp_i32, &v);
    CHECK(v.kind == WASM_I32 && v.of.i32 == 10);
    wasm_global_set(exp_i32, &nine);
    wasm_global_get(exp_i32, &v);
    CHECK(v.of.i32 == 9);

    /* A funcref global: null, then the module's own function, which is the exported one. */
    wasm_global_get(exp_fr, &v);
    CHECK(v.kind == WASM_FUNCREF && v.of.ref == NULL);
    CHECK(wasm_func_call(export_func(&x, 10), &none, &none) == NULL);
    wasm_global_get(exp_fr, &v);
    CHECK(v.kind == WASM_FUNCREF && v.of.ref != NULL);
    CHECK(v.of.ref && wasm_func_same(wasm_ref_as_func(v.of.ref), id));
    CHECK(v.of.ref && call_i32(wasm_ref_as_func(v.of.ref), 1, 31, 0) == 31);
    wasm_val_delete(&v);

    /* Identity: a copy names the same global; another global does not. */
    wasm_global_t *copy = wasm_global_copy(vi);
    CHECK(wasm_global_same(copy, vi) && !wasm_global_same(copy, vf));
    wasm_global_delete(copy);
    CHECK(wasm_extern_kind(x.data[0]) == WASM_EXTERN_GLOBAL);

    wasm_extern_vec_delete(&x);
    wasm_global_delete(ci);
    wasm_global_delete(vi);
    wasm_global_delete(vf);
    wasm_global_delete(cd);
    wasm_global_delete(vr);
    wasm_ref_delete(host);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
