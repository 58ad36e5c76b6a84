/* threads: one module compiled once and shared with wasm_module_share; each thread obtains
 * it in a store of its own, defines its own imports and runs it. The threads also share one
 * memory - what wasm.h alone cannot say: it is made shared with
 * weft_wasm_memorytype_new_shared and handed to each thread's store with
 * weft_wasm_memory_obtain - and add to one counter in it with atomics; the host reads the
 * total with weft's host atomics. */
#include <pthread.h>

#include "check.h"

#define THREADS 6
#define REPS 20000

typedef struct job {
    wasm_engine_t *engine;
    const wasm_shared_module_t *shared;
    const wasm_memory_t *memory; /* a handle of the main thread's store */
    int id;
    int reported;
    int ok;
} job;

static wasm_trap_t *report(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    job *j = (job *)env;
    j->reported = args->data[0].of.i32;
    return NULL;
}

static bool run_job(job *j, wasm_store_t *store)
{
    wasm_module_t *module = wasm_module_obtain(store, j->shared);
    wasm_memory_t *mem = weft_wasm_memory_obtain(store, j->memory);
    if (!module || !mem)
        return false;
    wasm_functype_t *ft = wasm_functype_new_1_0(wasm_valtype_new_i32());
    wasm_func_t *f = wasm_func_new_with_env(store, ft, report, j, NULL);
    wasm_functype_delete(ft);
    wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t id = WASM_I32_VAL(j->id);
    wasm_global_t *g = wasm_global_new(store, gt, &id);
    wasm_globaltype_delete(gt);
    wasm_extern_t *imp[] = {wasm_memory_as_extern(mem), wasm_global_as_extern(g),
                            wasm_func_as_extern(f)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imp);
    wasm_instance_t *inst = wasm_instance_new(store, module, &imports, NULL);
    bool ok = inst != NULL;
    if (inst) {
        wasm_extern_vec_t x;
        wasm_instance_exports(inst, &x);
        wasm_val_t a[1] = {WASM_I32_VAL(REPS)};
        wasm_val_vec_t args = WASM_ARRAY_VEC(a), none = WASM_EMPTY_VEC;
        wasm_trap_t *trap = x.size == 1 ? wasm_func_call(wasm_extern_as_func(x.data[0]), &args, &none)
                                        : wasm_trap_new(store, NULL);
        ok = trap == NULL;
        wasm_trap_delete(trap);
        wasm_extern_vec_delete(&x);
    }
    wasm_instance_delete(inst);
    wasm_global_delete(g);
    wasm_func_delete(f);
    wasm_memory_delete(mem);
    wasm_module_delete(module);
    return ok;
}

static void *thread_main(void *arg)
{
    job *j = (job *)arg;
    wasm_store_t *store = wasm_store_new(j->engine);
    j->ok = store && run_job(j, store);
    wasm_store_delete(store);
    return NULL;
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "threads");
    if (!module)
        return check_summary();
    wasm_importtype_vec_t im;
    wasm_module_imports(module, &im);
    CHECK(im.size == 3);
    const wasm_memorytype_t *imt =
        im.size ? wasm_externtype_as_memorytype_const(wasm_importtype_type(im.data[0])) : NULL;
    CHECK(imt && weft_wasm_memorytype_is_shared(imt)); /* the import asks for a shared memory */
    wasm_importtype_vec_delete(&im);

    wasm_shared_module_t *shared = wasm_module_share(module);
    wasm_module_delete(module); /* the shared module keeps it */
    wasm_limits_t lim = {1, 1};
    wasm_memorytype_t *mt = weft_wasm_memorytype_new_shared(&lim);
    wasm_memory_t *mem = wasm_memory_new(store, mt);
    wasm_memorytype_delete(mt);
    CHECK(mem && weft_memory_is_shared(weft_wasm_memory_weft(mem)));

    job jobs[THREADS];
    pthread_t tid[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].engine = engine;
        jobs[i].shared = shared;
        jobs[i].memory = mem;
        jobs[i].id = i + 1;
        jobs[i].reported = 0;
        jobs[i].ok = 0;
        CHECK(pthread_create(&tid[i], NULL, thread_main, &jobs[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        CHECK(jobs[i].ok && jobs[i].reported == i + 1);
    }
    /* Sum of ids times REPS, read with a host atomic load on the same memory. */
    uint64_t total = 0;
    weft_error *e = weft_atomic_load(weft_wasm_memory_weft(mem), 0, 4, &total);
    CHECK(e == NULL);
    weft_error_free(e);
    CHECK(total == (uint64_t)REPS * THREADS * (THREADS + 1) / 2);
    CHECK(weft_wasm_store_weft(store) != NULL);

    /* A weft memory made through weft.h, seen through wasm.h. */
    weft_memory *wm = NULL;
    e = weft_memory_new(weft_wasm_engine_weft(engine), 1, 2, true, true, &wm);
    CHECK(e == NULL);
    weft_error_free(e);
    wasm_memory_t *wrapped = wm ? weft_wasm_memory_wrap(store, wm) : NULL;
    CHECK(wrapped && wasm_memory_size(wrapped) == 1 && weft_wasm_memory_weft(wrapped) == wm);
    weft_memory_free(wm); /* the store keeps its own reference */
    CHECK(wrapped && wasm_memory_grow(wrapped, 1) && wasm_memory_size(wrapped) == 2);

    wasm_memory_delete(wrapped);
    wasm_memory_delete(mem);
    wasm_shared_module_delete(shared);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
