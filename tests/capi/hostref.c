/* hostref: host references. Foreign objects travel as externref through parameters,
 * results, a global, a table and a host function, and come back as the same objects with
 * their host info; funcrefs come back as the store's function handles. Also the generic
 * wasm_ref_t functions and the conversions between reference kinds. */
#include "check.h"

static int echoed;

static wasm_trap_t *echo(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    echoed++;
    wasm_val_copy(&results->data[0], &args->data[0]);
    return NULL;
}

/* Call f(args...) -> one result, and return that result (owned). */
static wasm_val_t call(const wasm_func_t *f, wasm_val_t *args, size_t n)
{
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av, rv = WASM_ARRAY_VEC(r);
    av.size = n;
    av.data = args;
    wasm_trap_t *trap = wasm_func_call(f, &av, &rv);
    CHECK(trap == NULL);
    wasm_trap_delete(trap);
    return r[0];
}

static bool same_ref(wasm_val_t v, const wasm_ref_t *want)
{
    bool ok = v.kind == WASM_EXTERNREF &&
              (v.of.ref == want || (v.of.ref && want && wasm_ref_same(v.of.ref, want)));
    wasm_val_delete(&v);
    return ok;
}

static void check_refs(wasm_store_t *store, const wasm_extern_vec_t *x, wasm_ref_t *h1,
                       wasm_ref_t *h2)
{
    wasm_global_t *g = wasm_extern_as_global(x->data[0]);
    wasm_table_t *t = wasm_extern_as_table(x->data[1]);
    const wasm_func_t *set_g = export_func(x, 3), *get_g = export_func(x, 4);
    const wasm_func_t *set_t = export_func(x, 5), *get_t = export_func(x, 6);
    const wasm_func_t *echo_f = export_func(x, 7), *is_null = export_func(x, 8);
    wasm_val_t a1[1] = {WASM_REF_VAL(h1)}, a2[1] = {WASM_REF_VAL(h2)};
    wasm_val_t an[1] = {WASM_REF_VAL(NULL)};

    CHECK(same_ref(call(get_g, NULL, 0), NULL));
    call(set_g, a1, 1);
    CHECK(same_ref(call(get_g, NULL, 0), h1));
    wasm_val_t v;
    wasm_global_get(g, &v);
    CHECK(same_ref(v, h1));
    wasm_global_set(g, &a2[0]);
    CHECK(same_ref(call(get_g, NULL, 0), h2));

    wasm_val_t ti[2] = {WASM_I32_VAL(3), WASM_REF_VAL(h2)};
    call(set_t, ti, 2);
    wasm_ref_t *e3 = wasm_table_get(t, 3);
    CHECK(e3 && wasm_ref_same(e3, h2) && wasm_ref_get_host_info(e3) == (void *)2);
    wasm_ref_delete(e3);
    CHECK(wasm_table_set(t, 0, h1));
    wasm_val_t i0[1] = {WASM_I32_VAL(0)};
    CHECK(same_ref(call(get_t, i0, 1), h1));

    int before = echoed;
    CHECK(same_ref(call(echo_f, a1, 1), h1) && same_ref(call(echo_f, an, 1), NULL));
    CHECK(echoed == before + 2);
    CHECK(call(is_null, an, 1).of.i32 == 1 && call(is_null, a2, 1).of.i32 == 0);
    (void)store;
}

static void check_funcref(const wasm_extern_vec_t *x, wasm_func_t *host)
{
    wasm_table_t *ft = wasm_extern_as_table(x->data[2]);
    CHECK(wasm_table_set(ft, 1, wasm_func_as_ref(host)));
    wasm_val_t i1[1] = {WASM_I32_VAL(1)};
    wasm_val_t r = call(export_func(x, 9), i1, 1);
    CHECK(r.kind == WASM_FUNCREF && r.of.ref != NULL);
    CHECK(r.of.ref && wasm_func_same(wasm_ref_as_func(r.of.ref), host));
    CHECK(r.of.ref && wasm_ref_as_func_const(r.of.ref) == wasm_ref_as_func(r.of.ref));
    wasm_val_delete(&r);
}

/* Every reference kind converts to wasm_ref_t and back, and only back to its own kind. */
static void check_conversions(wasm_store_t *store, const wasm_extern_vec_t *x, wasm_func_t *host,
                              wasm_instance_t *inst, wasm_module_t *module)
{
    wasm_ref_t *r = wasm_func_as_ref(host);
    CHECK(wasm_ref_as_func(r) == host && wasm_ref_as_global(r) == NULL);
    CHECK(wasm_ref_as_extern(r) == wasm_func_as_extern(host));
    CHECK(wasm_extern_as_ref(wasm_func_as_extern(host)) == r);
    CHECK(wasm_extern_as_ref_const(wasm_func_as_extern_const(host)) == r);
    CHECK(wasm_ref_as_extern_const(r) == wasm_func_as_extern_const(host));
    CHECK(wasm_func_as_ref_const(host) == r);
    CHECK(wasm_extern_as_func_const(wasm_func_as_extern_const(host)) == host);
    wasm_global_t *g = wasm_extern_as_global(x->data[0]);
    wasm_table_t *t = wasm_extern_as_table(x->data[1]);
    CHECK(wasm_ref_as_global(wasm_global_as_ref(g)) == g);
    CHECK(wasm_ref_as_global_const(wasm_global_as_ref_const(g)) == g);
    CHECK(wasm_extern_as_global_const(wasm_global_as_extern_const(g)) == g);
    CHECK(wasm_ref_as_table(wasm_table_as_ref(t)) == t);
    CHECK(wasm_ref_as_table_const(wasm_table_as_ref_const(t)) == t);
    CHECK(wasm_extern_as_table_const(wasm_table_as_extern_const(t)) == t);
    CHECK(wasm_ref_as_instance(wasm_instance_as_ref(inst)) == inst);
    CHECK(wasm_ref_as_instance_const(wasm_instance_as_ref_const(inst)) == inst);
    CHECK(wasm_ref_as_module(wasm_module_as_ref(module)) == module);
    CHECK(wasm_ref_as_module_const(wasm_module_as_ref_const(module)) == module);
    wasm_limits_t lim = {1, 1};
    wasm_memorytype_t *mt = wasm_memorytype_new(&lim);
    wasm_memory_t *m = wasm_memory_new(store, mt);
    wasm_memorytype_delete(mt);
    CHECK(wasm_ref_as_memory(wasm_memory_as_ref(m)) == m);
    CHECK(wasm_ref_as_memory_const(wasm_memory_as_ref_const(m)) == m);
    CHECK(wasm_extern_as_memory_const(wasm_memory_as_extern_const(m)) == m);
    CHECK(wasm_ref_as_foreign(wasm_memory_as_ref(m)) == NULL);
    wasm_foreign_t *fo = wasm_foreign_new(store);
    CHECK(wasm_ref_as_foreign_const(wasm_foreign_as_ref_const(fo)) == fo);
    wasm_foreign_t *fc = wasm_foreign_copy(fo);
    CHECK(wasm_foreign_same(fc, fo));
    wasm_foreign_delete(fc);
    wasm_extern_t *ec = wasm_extern_copy(x->data[0]);
    CHECK(wasm_extern_same(ec, x->data[0]));
    wasm_extern_set_host_info_with_finalizer(ec, NULL, NULL);
    wasm_extern_delete(ec);
    wasm_func_t *hc = wasm_func_copy(host);
    CHECK(wasm_func_same(hc, host) && wasm_func_get_host_info(hc) == NULL);
    wasm_func_set_host_info(hc, NULL);
    wasm_func_delete(hc);
    wasm_global_set_host_info(g, NULL);
    wasm_table_set_host_info(t, NULL);
    wasm_memory_set_host_info(m, NULL);
    wasm_foreign_set_host_info(fo, NULL);
    wasm_module_set_host_info(module, NULL);
    wasm_instance_set_host_info_with_finalizer(inst, NULL, NULL);
    wasm_ref_set_host_info_with_finalizer(r, NULL, NULL);
    wasm_foreign_delete(fo);
    wasm_memory_delete(m);
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "hostref");
    if (!module)
        return check_summary();
    wasm_functype_t *t = wasm_functype_new_1_1(wasm_valtype_new_externref(),
                                               wasm_valtype_new_externref());
    wasm_func_t *host = wasm_func_new(store, t, echo);
    wasm_functype_delete(t);
    wasm_extern_t *imp[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t x;
    wasm_instance_t *inst = instantiate(store, module, imp, 1, &x);
    CHECK(x.size == 10);
    if (x.size != 10)
        return check_summary();

    wasm_ref_t *h1 = wasm_foreign_as_ref(wasm_foreign_new(store));
    wasm_ref_t *h2 = wasm_foreign_as_ref(wasm_foreign_new(store));
    wasm_ref_set_host_info(h1, (void *)1);
    wasm_ref_set_host_info(h2, (void *)2);
    wasm_ref_t *c1 = wasm_ref_copy(h1);
    CHECK(wasm_ref_same(c1, h1) && !wasm_ref_same(h1, h2));
    CHECK(wasm_ref_get_host_info(c1) == (void *)1);
    wasm_ref_delete(c1);
    wasm_val_t v, vc;
    v.kind = WASM_EXTERNREF;
    v.of.ref = wasm_ref_copy(h2);
    wasm_val_copy(&vc, &v);
    CHECK(vc.kind == WASM_EXTERNREF && wasm_ref_same(vc.of.ref, h2));
    wasm_val_delete(&vc);
    wasm_val_delete(&v);

    check_refs(store, &x, h1, h2);
    check_funcref(&x, host);
    check_conversions(store, &x, host, inst, module);

    wasm_ref_delete(h1);
    wasm_ref_delete(h2);
    wasm_extern_vec_delete(&x);
    wasm_func_delete(host);
    wasm_instance_delete(inst);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
