/* callback: host functions of every numeric kind, closures with an environment and a
 * finalizer, wasm_val_copy, arities, and a callback that traps. */
#include "check.h"

static wasm_trap_t *add_i64(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    CHECK(args->data[0].kind == WASM_I64 && results->data[0].kind == WASM_I64);
    results->data[0].of.i64 = args->data[0].of.i64 + args->data[1].of.i64;
    return NULL;
}

static wasm_trap_t *scale_f32(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0].kind = WASM_F32;
    results->data[0].of.f32 = args->data[0].of.f32 * *(float *)env;
    return NULL;
}

static wasm_trap_t *half_f64(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    wasm_val_copy(&results->data[0], &args->data[0]);
    results->data[0].of.f64 /= 2;
    return NULL;
}

static wasm_trap_t *counter(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = ++*(int *)env;
    return NULL;
}

/* Traps with a message naming its argument; the store comes through the environment. */
static wasm_trap_t *fail(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    char text[64];
    snprintf(text, sizeof text, "failed with %d", args->data[0].of.i32);
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, text);
    wasm_trap_t *trap = wasm_trap_new((wasm_store_t *)env, &msg);
    wasm_name_delete(&msg);
    return trap;
}

static int finalized;
static void count_finalize(void *env) { finalized += *(int *)env ? 1 : 100; }

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, "callback");
    if (!module)
        return check_summary();

    float factor = 3.0f;
    int count = 0;
    wasm_functype_t *t_i64 = wasm_functype_new_2_1(wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                                                   wasm_valtype_new_i64());
    wasm_functype_t *t_f32 = wasm_functype_new_1_1(wasm_valtype_new_f32(), wasm_valtype_new_f32());
    wasm_functype_t *t_f64 = wasm_functype_new_1_1(wasm_valtype_new_f64(), wasm_valtype_new_f64());
    wasm_functype_t *t_cnt = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_functype_t *t_fail = wasm_functype_new_1_0(wasm_valtype_new_i32());
    wasm_func_t *funcs[5] = {
        wasm_func_new(store, t_i64, add_i64),
        wasm_func_new_with_env(store, t_f32, scale_f32, &factor, NULL),
        wasm_func_new(store, t_f64, half_f64),
        wasm_func_new_with_env(store, t_cnt, counter, &count, count_finalize),
        wasm_func_new_with_env(store, t_fail, fail, store, NULL),
    };
    CHECK(wasm_func_param_arity(funcs[0]) == 2 && wasm_func_result_arity(funcs[0]) == 1);
    CHECK(wasm_func_param_arity(funcs[3]) == 0 && wasm_func_result_arity(funcs[4]) == 0);
    wasm_functype_t *got = wasm_func_type(funcs[0]);
    CHECK(wasm_functype_params(got)->size == 2 && wasm_functype_results(got)->size == 1);
    CHECK(wasm_valtype_kind(wasm_functype_params(got)->data[1]) == WASM_I64);
    wasm_functype_delete(got);
    wasm_functype_delete(t_i64);
    wasm_functype_delete(t_f32);
    wasm_functype_delete(t_f64);
    wasm_functype_delete(t_cnt);
    wasm_functype_delete(t_fail);

    wasm_extern_t *externs[5];
    for (int i = 0; i < 5; i++)
        externs[i] = wasm_func_as_extern(funcs[i]);
    wasm_extern_vec_t exports;
    wasm_instance_t *instance = instantiate(store, module, externs, 5, &exports);
    CHECK(exports.size == 5);

    /* A host function is callable directly too. */
    wasm_val_t a2[2] = {WASM_I64_VAL(40), WASM_I64_VAL(2)};
    wasm_val_t r1[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a2), results = WASM_ARRAY_VEC(r1);
    CHECK(wasm_func_call(funcs[0], &args, &results) == NULL && r1[0].of.i64 == 42);

    wasm_val_t big[2] = {WASM_I64_VAL(INT64_C(1) << 40), WASM_I64_VAL(5)};
    args.data = big;
    CHECK(wasm_func_call(export_func(&exports, 0), &args, &results) == NULL);
    CHECK(r1[0].kind == WASM_I64 && r1[0].of.i64 == (INT64_C(1) << 40) + 5);

    wasm_val_t f[1] = {WASM_F32_VAL(1.5f)};
    wasm_val_vec_t args1 = WASM_ARRAY_VEC(f);
    CHECK(wasm_func_call(export_func(&exports, 1), &args1, &results) == NULL);
    CHECK(r1[0].kind == WASM_F32 && r1[0].of.f32 == 4.5f);

    wasm_val_t d[1] = {WASM_F64_VAL(5.0)};
    args1.data = d;
    CHECK(wasm_func_call(export_func(&exports, 2), &args1, &results) == NULL);
    CHECK(r1[0].kind == WASM_F64 && r1[0].of.f64 == 2.5);

    wasm_val_vec_t none = WASM_EMPTY_VEC;
    CHECK(wasm_func_call(export_func(&exports, 3), &none, &results) == NULL);
    CHECK(r1[0].of.i32 == 3 && count == 2);

    /* The host's trap comes back with its message. */
    wasm_val_t i[1] = {WASM_I32_VAL(17)};
    args1.data = i;
    wasm_trap_t *trap = wasm_func_call(export_func(&exports, 4), &args1, &none);
    CHECK(trap != NULL);
    if (trap) {
        wasm_message_t msg;
        wasm_trap_message(trap, &msg);
        CHECK(msg.size > 0 && strcmp(msg.data, "failed with 17") == 0);
        wasm_name_delete(&msg);
        wasm_trap_delete(trap);
    }

    /* Wrong arguments are a trap, not a crash: count and kind. */
    trap = wasm_func_call(export_func(&exports, 3), &args1, &results);
    CHECK(trap != NULL);
    wasm_trap_delete(trap);
    wasm_val_t wrong[2] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
    args.data = wrong;
    trap = wasm_func_call(export_func(&exports, 0), &args, &results);
    CHECK(trap != NULL);
    wasm_trap_delete(trap);

    for (int k = 0; k < 5; k++)
        wasm_func_delete(funcs[k]);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    CHECK(finalized == 0);
    wasm_store_delete(store); /* runs the counter's finalizer */
    CHECK(finalized == 1);
    wasm_engine_delete(engine);
    return check_summary();
}
