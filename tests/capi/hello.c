/* hello: the smallest embedding - an engine (plain and configured), a store, a module
 * validated and compiled, a host function without environment, an instance, a call. */
#include "check.h"

static int greetings;

static wasm_trap_t *greet(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    CHECK(args->size == 0 && results->size == 0);
    greetings++;
    return NULL;
}

static void run(wasm_engine_t *engine)
{
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t bytes;
    load_bytes("hello", &bytes);
    CHECK(wasm_module_validate(store, &bytes));
    wasm_module_t *module = wasm_module_new(store, &bytes);
    CHECK(module != NULL);
    wasm_byte_vec_delete(&bytes);
    if (!module)
        return;

    wasm_functype_t *type = wasm_functype_new_0_0();
    wasm_func_t *func = wasm_func_new(store, type, greet);
    wasm_functype_delete(type);
    wasm_extern_t *externs[] = {wasm_func_as_extern(func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance != NULL);
    wasm_func_delete(func);
    wasm_module_delete(module);

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    CHECK(exports.size == 1);
    const wasm_func_t *run_func = export_func(&exports, 0);
    /* Deleting the instance handle keeps the instance: it lives as long as the store. */
    wasm_instance_delete(instance);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    int before = greetings;
    wasm_trap_t *trap = run_func ? wasm_func_call(run_func, &none, &none) : NULL;
    CHECK(trap == NULL);
    CHECK(greetings == before + 2);
    wasm_extern_vec_delete(&exports);
    wasm_store_delete(store);
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    CHECK(engine != NULL);
    run(engine);
    wasm_engine_delete(engine);

    /* The same through a configuration carrying weft's own settings. */
    wasm_config_t *config = wasm_config_new();
    weft_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_call_depth = 500;
    weft_wasm_config_set(config, &cfg);
    engine = wasm_engine_new_with_config(config);
    CHECK(engine != NULL && weft_wasm_engine_weft(engine) != NULL);
    run(engine);
    wasm_engine_delete(engine);
    CHECK(greetings == 4);
    return check_summary();
}
