/* reflect: a module's imports and exports as types, every type constructor, accessor,
 * conversion and copy, and the vectors of types; names and pointer values. */
#include "check.h"

static bool name_is(const wasm_name_t *n, const char *s)
{
    return n->size == strlen(s) && memcmp(n->data, s, n->size) == 0;
}

static void check_imports(const wasm_module_t *module)
{
    wasm_importtype_vec_t im;
    wasm_module_imports(module, &im);
    CHECK(im.size == 3);
    if (im.size != 3)
        return;
    CHECK(name_is(wasm_importtype_module(im.data[0]), "in"));
    CHECK(name_is(wasm_importtype_name(im.data[0]), "f"));
    const wasm_functype_t *f = wasm_externtype_as_functype_const(wasm_importtype_type(im.data[0]));
    CHECK(f && wasm_functype_params(f)->size == 2 && wasm_functype_results(f)->size == 1);
    CHECK(f && wasm_valtype_kind(wasm_functype_params(f)->data[1]) == WASM_F64);
    CHECK(f && wasm_valtype_kind(wasm_functype_results(f)->data[0]) == WASM_I64);
    const wasm_globaltype_t *g =
        wasm_externtype_as_globaltype_const(wasm_importtype_type(im.data[1]));
    CHECK(g && wasm_globaltype_mutability(g) == WASM_VAR);
    CHECK(g && wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_F32);
    const wasm_tabletype_t *t =
        wasm_externtype_as_tabletype_const(wasm_importtype_type(im.data[2]));
    CHECK(t && wasm_tabletype_limits(t)->min == 1);
    CHECK(t && wasm_tabletype_limits(t)->max == wasm_limits_max_default);
    CHECK(wasm_externtype_as_memorytype_const(wasm_importtype_type(im.data[2])) == NULL);

    wasm_importtype_vec_t copy;
    wasm_importtype_vec_copy(&copy, &im);
    CHECK(copy.size == 3 && name_is(wasm_importtype_name(copy.data[1]), "g"));
    CHECK(copy.data[1] != im.data[1]); /* types are values: a deep copy */
    wasm_importtype_vec_delete(&copy);
    wasm_importtype_vec_delete(&im);
}

static void check_exports(const wasm_module_t *module, const wasm_extern_vec_t *x)
{
    wasm_exporttype_vec_t ex;
    wasm_module_exports(module, &ex);
    CHECK(ex.size == 4 && x->size == 4);
    if (ex.size != 4 || x->size != 4)
        return;
    static const char *names[4] = {"f", "g", "t", "m"};
    static const wasm_externkind_t kinds[4] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL,
                                               WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY};
    for (size_t i = 0; i < 4; i++) {
        CHECK(name_is(wasm_exporttype_name(ex.data[i]), names[i]));
        CHECK(wasm_externtype_kind(wasm_exporttype_type(ex.data[i])) == kinds[i]);
        CHECK(wasm_extern_kind(x->data[i]) == kinds[i]);
        wasm_externtype_t *now = wasm_extern_type(x->data[i]);
        CHECK(now && wasm_externtype_kind(now) == kinds[i]);
        wasm_externtype_delete(now);
    }
    const wasm_functype_t *f = wasm_externtype_as_functype_const(wasm_exporttype_type(ex.data[0]));
    CHECK(f && wasm_valtype_is_ref(wasm_functype_params(f)->data[0]));
    CHECK(f && wasm_valtype_kind(wasm_functype_params(f)->data[0]) == WASM_EXTERNREF);
    CHECK(f && wasm_valtype_kind(wasm_functype_params(f)->data[1]) == WASM_FUNCREF);
    CHECK(f && wasm_valtype_is_num(wasm_functype_results(f)->data[1]));
    const wasm_memorytype_t *m =
        wasm_externtype_as_memorytype_const(wasm_exporttype_type(ex.data[3]));
    CHECK(m && wasm_memorytype_limits(m)->min == 1 && wasm_memorytype_limits(m)->max == 3);
    const wasm_tabletype_t *t = wasm_externtype_as_tabletype_const(wasm_exporttype_type(ex.data[2]));
    CHECK(t && wasm_valtype_kind(wasm_tabletype_element(t)) == WASM_EXTERNREF);
    wasm_func_t *fn = wasm_extern_as_func(x->data[0]);
    CHECK(fn && wasm_func_param_arity(fn) == 2 && wasm_func_result_arity(fn) == 2);

    wasm_exporttype_t *one = wasm_exporttype_copy(ex.data[1]);
    CHECK(name_is(wasm_exporttype_name(one), "g"));
    wasm_exporttype_delete(one);
    wasm_exporttype_vec_t copy;
    wasm_exporttype_vec_copy(&copy, &ex);
    CHECK(copy.size == 4);
    wasm_exporttype_vec_delete(&copy);
    wasm_exporttype_vec_delete(&ex);
}

/* Constructors, conversions (same object both ways) and copies of the type objects. */
static void check_types(void)
{
    CHECK(wasm_valkind_is_num(WASM_F64) && wasm_valkind_is_ref(WASM_FUNCREF));
    wasm_valtype_t *vt = wasm_valtype_new(WASM_F32);
    wasm_valtype_t *vc = wasm_valtype_copy(vt);
    CHECK(vc != vt && wasm_valtype_kind(vc) == WASM_F32);
    wasm_valtype_delete(vc);

    wasm_functype_t *ft = wasm_functype_new_1_1(vt, wasm_valtype_new_i32());
    wasm_externtype_t *et = wasm_functype_as_externtype(ft);
    CHECK(wasm_externtype_as_functype(et) == ft && wasm_externtype_as_globaltype(et) == NULL);
    CHECK(wasm_functype_as_externtype_const(ft) == et);
    wasm_externtype_t *ec = wasm_externtype_copy(et);
    CHECK(ec != et && wasm_externtype_kind(ec) == WASM_EXTERN_FUNC);
    wasm_functype_t *fc = wasm_functype_copy(ft);
    CHECK(wasm_valtype_kind(wasm_functype_params(fc)->data[0]) == WASM_F32);

    wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_CONST);
    CHECK(wasm_externtype_as_globaltype(wasm_globaltype_as_externtype(gt)) == gt);
    CHECK(wasm_externtype_as_globaltype_const(wasm_globaltype_as_externtype_const(gt)) == gt);
    wasm_limits_t lim = {2, 9};
    wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &lim);
    CHECK(wasm_externtype_as_tabletype(wasm_tabletype_as_externtype(tt)) == tt);
    CHECK(wasm_externtype_as_tabletype_const(wasm_tabletype_as_externtype_const(tt)) == tt);
    wasm_memorytype_t *mt = wasm_memorytype_new(&lim);
    CHECK(wasm_externtype_as_memorytype(wasm_memorytype_as_externtype(mt)) == mt);
    CHECK(wasm_externtype_as_memorytype_const(wasm_memorytype_as_externtype_const(mt)) == mt);
    wasm_memorytype_t *shared = weft_wasm_memorytype_new_shared(&lim);
    CHECK(weft_wasm_memorytype_is_shared(shared) && !weft_wasm_memorytype_is_shared(mt));

    /* Vectors of each type kind: new takes the elements, copy is deep, delete frees all. */
    wasm_globaltype_t *gts[1] = {wasm_globaltype_copy(gt)};
    wasm_globaltype_vec_t gv, gv2;
    wasm_globaltype_vec_new(&gv, 1, gts);
    wasm_globaltype_vec_copy(&gv2, &gv);
    CHECK(gv2.size == 1 && wasm_globaltype_mutability(gv2.data[0]) == WASM_CONST);
    wasm_globaltype_vec_delete(&gv);
    wasm_globaltype_vec_delete(&gv2);
    wasm_tabletype_t *tts[1] = {wasm_tabletype_copy(tt)};
    wasm_tabletype_vec_t tv, tv2;
    wasm_tabletype_vec_new(&tv, 1, tts);
    wasm_tabletype_vec_copy(&tv2, &tv);
    CHECK(tv2.size == 1 && wasm_tabletype_limits(tv2.data[0])->max == 9);
    wasm_tabletype_vec_delete(&tv);
    wasm_tabletype_vec_delete(&tv2);
    wasm_memorytype_t *mts[1] = {wasm_memorytype_copy(mt)};
    wasm_memorytype_vec_t mv, mv2;
    wasm_memorytype_vec_new(&mv, 1, mts);
    wasm_memorytype_vec_copy(&mv2, &mv);
    CHECK(mv2.size == 1 && wasm_memorytype_limits(mv2.data[0])->min == 2);
    wasm_memorytype_vec_delete(&mv);
    wasm_memorytype_vec_delete(&mv2);
    wasm_functype_t *fts[1] = {fc};
    wasm_functype_vec_t fv, fv2;
    wasm_functype_vec_new(&fv, 1, fts);
    wasm_functype_vec_copy(&fv2, &fv);
    CHECK(fv2.size == 1 && wasm_functype_results(fv2.data[0])->size == 1);
    wasm_functype_vec_delete(&fv);
    wasm_functype_vec_delete(&fv2);
    wasm_externtype_vec_t ev, ev2;
    wasm_externtype_vec_new_uninitialized(&ev, 2);
    ev.data[0] = ec;
    ev.data[1] = NULL; /* vectors may hold NULL elements */
    wasm_externtype_vec_copy(&ev2, &ev);
    CHECK(ev2.size == 2 && ev2.data[1] == NULL && wasm_externtype_kind(ev2.data[0]) == WASM_EXTERN_FUNC);
    wasm_externtype_vec_delete(&ev);
    wasm_externtype_vec_delete(&ev2);
    wasm_valtype_vec_t vv, vv2;
    wasm_valtype_vec_new_empty(&vv);
    wasm_valtype_vec_copy(&vv2, &vv);
    CHECK(vv2.size == 0);
    wasm_valtype_vec_delete(&vv2);
    wasm_valtype_vec_new_uninitialized(&vv, 1);
    vv.data[0] = wasm_valtype_new_i32();
    wasm_valtype_vec_copy(&vv2, &vv);
    CHECK(vv2.size == 1 && wasm_valtype_kind(vv2.data[0]) == WASM_I32);
    wasm_valtype_vec_delete(&vv);
    wasm_valtype_vec_delete(&vv2);

    /* Import and export types built by hand. */
    wasm_name_t mod, name, ename;
    wasm_name_new_from_string(&mod, "env");
    wasm_name_new_from_string(&name, "x");
    wasm_name_new_from_string(&ename, "y");
    wasm_importtype_t *it = wasm_importtype_new(&mod, &name, wasm_globaltype_as_externtype(gt));
    CHECK(name_is(wasm_importtype_module(it), "env") && name_is(wasm_importtype_name(it), "x"));
    wasm_importtype_t *ic = wasm_importtype_copy(it);
    CHECK(wasm_externtype_kind(wasm_importtype_type(ic)) == WASM_EXTERN_GLOBAL);
    wasm_exporttype_t *xt = wasm_exporttype_new(&ename, wasm_memorytype_as_externtype(mt));
    CHECK(name_is(wasm_exporttype_name(xt), "y"));
    wasm_importtype_delete(ic);
    wasm_importtype_delete(it);
    wasm_exporttype_delete(xt);
    wasm_memorytype_delete(shared);
    wasm_tabletype_delete(tt);
    wasm_functype_delete(ft);

    /* Names and bytes: with and without the terminating NUL, copies. */
    wasm_name_t a, b;
    wasm_name_new_from_string_nt(&a, "abc");
    CHECK(a.size == 4 && a.data[3] == '\0');
    wasm_name_copy(&b, &a);
    CHECK(b.size == 4 && memcmp(a.data, b.data, 4) == 0 && a.data != b.data);
    wasm_name_delete(&a);
    wasm_name_delete(&b);
    wasm_name_new_empty(&a);
    CHECK(a.size == 0);
    wasm_name_delete(&a);
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new(&bytes, 3, "xyz");
    CHECK(bytes.size == 3 && bytes.data[2] == 'z');
    wasm_byte_vec_delete(&bytes);

    int target = 5;
    wasm_val_t pv;
    wasm_val_init_ptr(&pv, &target);
    CHECK(wasm_val_ptr(&pv) == &target);
}

static wasm_trap_t *unused_import(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    results->data[0].of.i64 = 0;
    return NULL;
}

int main(void)
{
    check_types();
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "reflect");
    if (!module)
        return check_summary();
    check_imports(module);

    /* Instantiate with host externs of the imported types, then compare the exports. */
    wasm_functype_t *ft = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                                                wasm_valtype_new_i64());
    wasm_func_t *f = wasm_func_new(store, ft, NULL); /* a callback is required */
    CHECK(f == NULL);
    wasm_functype_delete(ft);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = NULL;
    CHECK(wasm_instance_new(store, module, &none, &trap) == NULL && trap != NULL);
    if (trap) {
        wasm_message_t msg;
        wasm_trap_message(trap, &msg);
        CHECK(strstr(msg.data, "import") != NULL);
        wasm_name_delete(&msg);
        wasm_trap_delete(trap);
    }
    CHECK(strstr(weft_wasm_store_error(store), "import") != NULL);

    /* Instantiate with host externs of the imported types; a wrong one is a link error. */
    wasm_functype_t *ft2 = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                                                 wasm_valtype_new_i64());
    wasm_func_t *hf = wasm_func_new(store, ft2, unused_import);
    wasm_functype_delete(ft2);
    wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR);
    wasm_val_t zero = WASM_F32_VAL(0);
    wasm_global_t *g = wasm_global_new(store, gt, &zero);
    wasm_globaltype_delete(gt);
    wasm_limits_t lim = {1, wasm_limits_max_default};
    wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &lim);
    wasm_table_t *t = wasm_table_new(store, tt, NULL);
    wasm_tabletype_delete(tt);
    wasm_extern_t *wrong[3] = {wasm_global_as_extern(g), wasm_global_as_extern(g),
                               wasm_table_as_extern(t)};
    wasm_extern_vec_t bad = WASM_ARRAY_VEC(wrong);
    CHECK(wasm_instance_new(store, module, &bad, NULL) == NULL);
    wasm_extern_t *right[3] = {wasm_func_as_extern(hf), wasm_global_as_extern(g),
                               wasm_table_as_extern(t)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(right);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance != NULL);
    if (instance) {
        wasm_extern_vec_t x;
        wasm_instance_exports(instance, &x);
        check_exports(module, &x);
        wasm_extern_vec_t xc;
        wasm_extern_vec_copy(&xc, &x); /* the same objects: store objects are not copied */
        CHECK(xc.size == x.size && xc.data[0] == x.data[0]);
        wasm_extern_vec_delete(&xc);
        wasm_extern_vec_delete(&x);
    }
    wasm_instance_delete(instance);
    wasm_func_delete(hf);
    wasm_global_delete(g);
    wasm_table_delete(t);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
