/* vectors: the five functions of every vector kind (new_empty, new_uninitialized, new,
 * copy, delete) spelled out one by one, vectors holding NULL, and the handles' weft
 * objects (weft_wasm_*_weft). */
#include "check.h"

static wasm_trap_t *nop(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    return NULL;
}

static void type_vectors(void)
{
    wasm_limits_t lim = {1, 2};
    wasm_functype_vec_t fv;
    wasm_functype_vec_new_empty(&fv);
    CHECK(fv.size == 0 && fv.data == NULL);
    wasm_functype_vec_delete(&fv);
    wasm_functype_vec_new_uninitialized(&fv, 2);
    CHECK(fv.size == 2 && fv.data[0] == NULL); /* zeroed */
    fv.data[0] = wasm_functype_new_0_0();
    wasm_functype_vec_delete(&fv);

    wasm_globaltype_vec_t gv;
    wasm_globaltype_vec_new_empty(&gv);
    wasm_globaltype_vec_delete(&gv);
    wasm_globaltype_vec_new_uninitialized(&gv, 1);
    gv.data[0] = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
    wasm_globaltype_vec_delete(&gv);

    wasm_tabletype_vec_t tv;
    wasm_tabletype_vec_new_empty(&tv);
    wasm_tabletype_vec_delete(&tv);
    wasm_tabletype_vec_new_uninitialized(&tv, 1);
    tv.data[0] = wasm_tabletype_new(wasm_valtype_new_funcref(), &lim);
    wasm_tabletype_vec_delete(&tv);

    wasm_memorytype_vec_t mv;
    wasm_memorytype_vec_new_empty(&mv);
    wasm_memorytype_vec_delete(&mv);
    wasm_memorytype_vec_new_uninitialized(&mv, 1);
    mv.data[0] = wasm_memorytype_new(&lim);
    wasm_memorytype_vec_delete(&mv);

    wasm_externtype_t *ets[2] = {wasm_memorytype_as_externtype(wasm_memorytype_new(&lim)), NULL};
    wasm_externtype_vec_t ev;
    wasm_externtype_vec_new(&ev, 2, ets);
    CHECK(ev.size == 2 && wasm_externtype_kind(ev.data[0]) == WASM_EXTERN_MEMORY);
    wasm_externtype_vec_delete(&ev);
    wasm_externtype_vec_new_empty(&ev);
    wasm_externtype_vec_delete(&ev);

    wasm_name_t m, n;
    wasm_name_new_from_string(&m, "m");
    wasm_name_new_from_string(&n, "n");
    wasm_importtype_t *its[1] = {
        wasm_importtype_new(&m, &n, wasm_memorytype_as_externtype(wasm_memorytype_new(&lim)))};
    wasm_importtype_vec_t iv;
    wasm_importtype_vec_new(&iv, 1, its);
    CHECK(iv.size == 1 && wasm_importtype_name(iv.data[0])->size == 1);
    wasm_importtype_vec_delete(&iv);
    wasm_importtype_vec_new_empty(&iv);
    wasm_importtype_vec_delete(&iv);
    wasm_importtype_vec_new_uninitialized(&iv, 3);
    CHECK(iv.size == 3);
    wasm_importtype_vec_delete(&iv);

    wasm_name_new_from_string(&n, "x");
    wasm_exporttype_t *xts[1] = {
        wasm_exporttype_new(&n, wasm_functype_as_externtype(wasm_functype_new_0_0()))};
    wasm_exporttype_vec_t xv;
    wasm_exporttype_vec_new(&xv, 1, xts);
    CHECK(xv.size == 1);
    wasm_exporttype_vec_delete(&xv);
    wasm_exporttype_vec_new_empty(&xv);
    wasm_exporttype_vec_delete(&xv);
    wasm_exporttype_vec_new_uninitialized(&xv, 1);
    wasm_exporttype_vec_delete(&xv);
}

static void object_vectors(wasm_store_t *store)
{
    wasm_functype_t *t = wasm_functype_new_0_0();
    wasm_func_t *f = wasm_func_new(store, t, nop);
    wasm_functype_delete(t);
    wasm_extern_t *xs[2] = {wasm_func_as_extern(f), NULL};
    wasm_extern_vec_t ev, ec;
    wasm_extern_vec_new(&ev, 2, xs);
    wasm_extern_vec_copy(&ec, &ev);
    CHECK(ec.size == 2 && ec.data[0] == xs[0] && ec.data[1] == NULL);
    wasm_extern_vec_delete(&ec);
    wasm_extern_vec_delete(&ev);
    wasm_extern_vec_new_empty(&ev);
    wasm_extern_vec_delete(&ev);
    wasm_extern_vec_new_uninitialized(&ev, 1);
    wasm_extern_vec_delete(&ev);
    CHECK(weft_wasm_func_weft(f) != NULL && weft_func_type(weft_wasm_func_weft(f)) != NULL);

    wasm_frame_vec_t fv;
    wasm_frame_vec_new_empty(&fv);
    wasm_frame_vec_delete(&fv);
    wasm_frame_vec_new_uninitialized(&fv, 1);
    CHECK(fv.size == 1 && fv.data[0] == NULL);
    wasm_frame_vec_delete(&fv);
    wasm_frame_t *frames[1] = {NULL};
    wasm_frame_vec_new(&fv, 1, frames);
    wasm_frame_vec_delete(&fv);
}

int main(void)
{
    type_vectors();
    wasm_config_t *unused = wasm_config_new();
    wasm_config_delete(unused);
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    object_vectors(store);

    wasm_module_t *module = load_module(store, "finalize");
    if (module) {
        CHECK(weft_module_export_count(weft_wasm_module_weft(module)) == 2);
        wasm_extern_vec_t none = WASM_EMPTY_VEC;
        wasm_instance_t *inst = wasm_instance_new(store, module, &none, NULL);
        CHECK(inst && weft_instance_func(weft_wasm_instance_weft(inst), "f") != NULL);
        wasm_instance_delete(inst);
        wasm_module_delete(module);
    }
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
