/* trap: traps from wasm (message, origin frame, trace), from the host (wasm_trap_new and
 * its message), call-stack exhaustion, and traps as reference objects (copy, same, host
 * info, conversion to wasm_ref_t). */
#include "check.h"

static wasm_trap_t *abort_cb(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "aborted by the host");
    wasm_trap_t *t = wasm_trap_new((wasm_store_t *)env, &msg);
    wasm_name_delete(&msg);
    return t;
}

static char *message_of(const wasm_trap_t *t, char *buf, size_t n)
{
    wasm_message_t msg;
    wasm_trap_message(t, &msg);
    snprintf(buf, n, "%s", msg.size ? msg.data : "");
    wasm_name_delete(&msg);
    return buf;
}

static size_t check_divide(const wasm_func_t *divide, const wasm_instance_t *inst)
{
    size_t where = 0;
    wasm_val_t a[1] = {WASM_I32_VAL(0)}, r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a), res = WASM_ARRAY_VEC(r);
    wasm_trap_t *trap = wasm_func_call(divide, &args, &res);
    CHECK(trap != NULL);
    if (!trap)
        return 0;
    char buf[128];
    CHECK(strcmp(message_of(trap, buf, sizeof buf), "integer divide by zero") == 0);
    /* The origin is $inner (function 1), the innermost frame; the trace holds it, then the
     * exported caller (function 2) at its call, 2 bytes into its code (after local.get 0
     * and the empty locals vector). */
    wasm_frame_t *origin = wasm_trap_origin(trap);
    CHECK(origin && wasm_frame_func_index(origin) == 1);
    CHECK(origin && wasm_frame_instance(origin) != NULL &&
          wasm_instance_same(wasm_frame_instance(origin), inst));
    CHECK(origin && wasm_frame_func_offset(origin) == 5); /* i32.const 10, local.get 0 */
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    CHECK(trace.size == 2);
    if (trace.size == 2 && origin) {
        CHECK(wasm_frame_module_offset(trace.data[0]) == wasm_frame_module_offset(origin));
        wasm_frame_t *fc = wasm_frame_copy(trace.data[0]);
        CHECK(fc && wasm_frame_func_index(fc) == 1);
        wasm_frame_delete(fc);
        CHECK(wasm_frame_func_index(trace.data[1]) == 2 &&
              wasm_frame_func_offset(trace.data[1]) == 3 &&
              wasm_frame_module_offset(trace.data[1]) > wasm_frame_module_offset(origin) &&
              wasm_instance_same(wasm_frame_instance(trace.data[1]), inst));
    }
    wasm_frame_vec_t tc;
    wasm_frame_vec_copy(&tc, &trace);
    CHECK(tc.size == trace.size);
    wasm_frame_vec_delete(&tc);
    wasm_frame_vec_delete(&trace);
    where = origin ? wasm_frame_module_offset(origin) : 0;
    wasm_frame_delete(origin);
    wasm_trap_delete(trap);
    return where;
}

static void check_trap_object(wasm_store_t *store)
{
    wasm_message_t msg;
    wasm_name_new_from_string(&msg, "no terminator"); /* taken whole */
    wasm_trap_t *t = wasm_trap_new(store, &msg);
    wasm_name_delete(&msg);
    char buf[64];
    CHECK(strcmp(message_of(t, buf, sizeof buf), "no terminator") == 0);
    CHECK(wasm_trap_origin(t) == NULL);
    wasm_frame_vec_t trace;
    wasm_trap_trace(t, &trace);
    CHECK(trace.size == 0);
    wasm_frame_vec_delete(&trace);
    wasm_trap_t *c = wasm_trap_copy(t);
    CHECK(wasm_trap_same(c, t));
    wasm_trap_set_host_info(t, &trace);
    CHECK(wasm_trap_get_host_info(c) == &trace);
    wasm_ref_t *r = wasm_trap_as_ref(t);
    CHECK(wasm_ref_as_trap(r) == t && wasm_ref_as_func(r) == NULL);
    CHECK(wasm_ref_as_trap_const(wasm_trap_as_ref_const(t)) == t);
    wasm_trap_delete(c);
    wasm_trap_delete(t);
}

/* The same trap from native code: an engine of the compiled tier (weft_config.tier, through
 * weft_wasm_config_set; no cache) runs the module through the system C compiler, and the
 * trap names the same function and place as the interpreter's. */
static void check_compiled_tier(size_t interp_offset)
{
    weft_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tier = WEFT_TIER_COMPILED;
    cfg.cache_dir = "";
    wasm_config_t *config = wasm_config_new();
    weft_wasm_config_set(config, &cfg);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "trap");
    wasm_functype_t *t = wasm_functype_new_0_0();
    wasm_func_t *host = wasm_func_new_with_env(store, t, abort_cb, store, NULL);
    wasm_functype_delete(t);
    wasm_extern_t *imp[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t x;
    wasm_instance_t *inst = module ? instantiate(store, module, imp, 1, &x) : NULL;
    CHECK(module && weft_module_is_compiled(weft_wasm_module_weft(module)));
    if (inst) {
        CHECK(call_i32(export_func(&x, 0), 1, 5, 0) == 2);
        wasm_val_t a[1] = {WASM_I32_VAL(0)}, r[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(a), res = WASM_ARRAY_VEC(r);
        wasm_trap_t *trap = wasm_func_call(export_func(&x, 0), &args, &res);
        wasm_frame_t *origin = trap ? wasm_trap_origin(trap) : NULL;
        CHECK(origin && wasm_frame_func_index(origin) == 1 &&
              wasm_frame_module_offset(origin) == interp_offset);
        wasm_frame_delete(origin);
        wasm_trap_delete(trap);
        wasm_extern_vec_delete(&x);
    }
    wasm_instance_delete(inst);
    wasm_func_delete(host);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

static int finalized;
static void on_trap_free(void *info) { finalized += *(int *)info; }

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "trap");
    if (!module)
        return check_summary();
    wasm_functype_t *t = wasm_functype_new_0_0();
    wasm_func_t *host = wasm_func_new_with_env(store, t, abort_cb, store, NULL);
    wasm_functype_delete(t);
    wasm_extern_t *imp[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t x;
    wasm_instance_t *inst = instantiate(store, module, imp, 1, &x);
    CHECK(x.size == 4);

    CHECK(call_i32(export_func(&x, 0), 1, 5, 0) == 2);
    size_t divide_at = check_divide(export_func(&x, 0), inst);

    char buf[128];
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(export_func(&x, 1), &none, &none);
    CHECK(trap && strcmp(message_of(trap, buf, sizeof buf), "unreachable") == 0);
    wasm_frame_t *origin = trap ? wasm_trap_origin(trap) : NULL;
    CHECK(origin && wasm_frame_func_index(origin) == 3 && wasm_frame_func_offset(origin) == 1);
    wasm_frame_delete(origin);
    /* A finalizer on a trap runs when its last owner deletes it. */
    int weight = 10;
    if (trap)
        wasm_trap_set_host_info_with_finalizer(trap, &weight, on_trap_free);
    wasm_trap_delete(trap);
    CHECK(finalized == 10);

    trap = wasm_func_call(export_func(&x, 2), &none, &none);
    CHECK(trap && strcmp(message_of(trap, buf, sizeof buf), "aborted by the host") == 0);
    /* raised by the host: no origin of its own, and the trace starts at its wasm caller */
    CHECK(trap && !wasm_trap_origin(trap));
    wasm_frame_vec_t htrace;
    if (trap) {
        wasm_trap_trace(trap, &htrace);
        CHECK(htrace.size == 1 && wasm_frame_func_index(htrace.data[0]) == 4);
        wasm_frame_vec_delete(&htrace);
    }
    wasm_trap_delete(trap);

    /* Endless recursion: the call stack is exhausted, and the store stays usable. */
    wasm_val_t a[1] = {WASM_I32_VAL(0)}, r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a), res = WASM_ARRAY_VEC(r);
    trap = wasm_func_call(export_func(&x, 3), &args, &res);
    CHECK(trap && strcmp(message_of(trap, buf, sizeof buf), "call stack exhausted") == 0);
    wasm_trap_delete(trap);
    CHECK(call_i32(export_func(&x, 0), 1, 2, 0) == 5);

    check_trap_object(store);
    check_compiled_tier(divide_at);
    wasm_extern_vec_delete(&x);
    wasm_func_delete(host);
    wasm_instance_delete(inst);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return check_summary();
}
