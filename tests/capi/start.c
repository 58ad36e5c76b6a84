/* start: a start function runs during wasm_instance_new; when it traps, instantiation
 * fails with that trap, located in the start function. */
#include "check.h"

static int started;

static wasm_trap_t *on_start(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    started = args->data[0].of.i32;
    return NULL;
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *failing = load_module(store, "start");
    wasm_module_t *ok = load_module(store, "start_ok");
    if (!failing || !ok)
        return check_summary();

    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = NULL;
    CHECK(wasm_instance_new(store, failing, &none, &trap) == NULL);
    CHECK(trap != NULL);
    if (trap) {
        wasm_message_t msg;
        wasm_trap_message(trap, &msg);
        CHECK(strcmp(msg.data, "integer divide by zero") == 0);
        wasm_name_delete(&msg);
        wasm_frame_t *origin = wasm_trap_origin(trap);
        CHECK(origin != NULL);
        if (origin) {
            CHECK(wasm_frame_func_index(origin) == 0);
            CHECK(wasm_frame_instance(origin) != NULL);
            /* drop, i32.const 1, i32.const 0, then the division: 5 bytes into the body */
            CHECK(wasm_frame_func_offset(origin) == 5);
            CHECK(wasm_frame_module_offset(origin) > wasm_frame_func_offset(origin));
            wasm_frame_delete(origin);
        }
        wasm_trap_delete(trap);
    }
    /* Without a place for the trap, the failure is still a NULL instance. */
    CHECK(wasm_instance_new(store, failing, &none, NULL) == NULL);
    CHECK(strcmp(weft_wasm_store_error(store), "integer divide by zero") == 0);

    wasm_functype_t *t = wasm_functype_new_1_0(wasm_valtype_new_i32());
    wasm_func_t *f = wasm_func_new(store, t, on_start);
    wasm_functype_delete(t);
    wasm_extern_t *imp[] = {wasm_func_as_extern(f)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imp);
    trap = NULL;
    wasm_instance_t *inst = wasm_instance_new(store, ok, &imports, &trap);
    CHECK(inst != NULL && trap == NULL && started == 7);

    wasm_instance_t *copy = wasm_instance_copy(inst);
    CHECK(wasm_instance_same(copy, inst));
    wasm_instance_delete(copy);
    wasm_func_delete(f);
    wasm_instance_delete(inst);
    wasm_module_delete(ok);
    wasm_module_delete(failing);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
