/* func.c - function types of the public API, host functions, and the bridge that lets the
 * interpreter call a host function with slot arguments. */
#include <string.h>

#include "runtime.h"

static bool func_valtype_ok(uint8_t t)
{
    return t == WEFT_I32 || t == WEFT_I64 || t == WEFT_F32 || t == WEFT_F64 ||
           t == WEFT_V128 || t == WEFT_FUNCREF || t == WEFT_EXTERNREF;
}

weft_functype *weft_functype_new(const uint8_t *params, uint32_t nparams,
                                 const uint8_t *results, uint32_t nresults)
{
    if ((nparams && !params) || (nresults && !results))
        return NULL;
    for (uint32_t i = 0; i < nparams; i++)
        if (!func_valtype_ok(params[i]))
            return NULL;
    for (uint32_t i = 0; i < nresults; i++)
        if (!func_valtype_ok(results[i]))
            return NULL;
    weft_functype *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->types = xcalloc((size_t)nparams + nresults, 1);
    if (!t->types) {
        free(t);
        return NULL;
    }
    if (nparams)
        memcpy(t->types, params, nparams);
    if (nresults)
        memcpy(t->types + nparams, results, nresults);
    t->nparams = nparams;
    t->nresults = nresults;
    return t;
}

void weft_functype_free(weft_functype *t)
{
    if (!t)
        return;
    free(t->types);
    free(t);
}

uint32_t weft_functype_nparams(const weft_functype *t) { return t->nparams; }
uint32_t weft_functype_nresults(const weft_functype *t) { return t->nresults; }
uint8_t weft_functype_param(const weft_functype *t, uint32_t i)
{
    return i < t->nparams ? t->types[i] : 0;
}
uint8_t weft_functype_result(const weft_functype *t, uint32_t i)
{
    return i < t->nresults ? t->types[t->nparams + i] : 0;
}

weft_func *weft_func_new(weft_store *store, const weft_functype *type, weft_host_fn fn,
                         void *env, void (*finalize)(void *env))
{
    if (!store || !type || !fn)
        return NULL;
    weft_func *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->owned_type = weft_functype_new(wm_params(type), type->nparams, wm_results(type),
                                      type->nresults);
    if (!f->owned_type) {
        free(f);
        return NULL;
    }
    f->type = f->owned_type;
    f->host = fn;
    f->env = env;
    f->finalize = finalize;
    f->next = store->funcs;
    store->funcs = f;
    return f;
}

/* Frees a host function of the store's list (wasm functions live in their instance). */
void func_free(weft_func *f)
{
    if (f->finalize)
        f->finalize(f->env);
    weft_functype_free(f->owned_type);
    free(f);
}

const weft_functype *weft_func_type(const weft_func *f) { return f->type; }

weft_instance *weft_caller_instance(weft_caller *caller) { return caller ? caller->inst : NULL; }

weft_memory *weft_caller_memory(weft_caller *caller, uint32_t idx)
{
    if (!caller || !caller->inst || idx >= caller->inst->module->nmems)
        return NULL;
    return caller->inst->mems[idx];
}

/* Most host functions take a handful of values: convert them on the C stack and only
 * allocate for long signatures. */
#define FUNC_STACK_VALS 16

weft_error *func_call_host(struct exec_ctx *ctx, weft_instance *caller, weft_func *f,
                           uint64_t *slots)
{
    const wm_functype *t = f->type;
    weft_val stackv[FUNC_STACK_VALS], *v = stackv;
    size_t n = (size_t)t->nparams + t->nresults;
    if (n > FUNC_STACK_VALS && !(v = calloc(n, sizeof *v)))
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    weft_val *args = v, *res = v + t->nparams;
    for (uint32_t i = 0, k = 0; i < t->nparams; i++) {
        args[i] = rt_slots_to_val(slots + k, wm_params(t)[i]);
        k += wm_params(t)[i] == WEFT_V128 ? 2 : 1;
    }
    for (uint32_t i = 0; i < t->nresults; i++)
        res[i] = rt_slot_to_val(0, wm_results(t)[i]);
    weft_caller c = {caller, ctx};
    weft_error *e = f->host(&c, f->env, args, res);
    if (!e) {
        /* Convert by the declared type, whatever the host left in `type`. */
        for (uint32_t i = 0, k = 0; i < t->nresults; i++) {
            res[i].type = wm_results(t)[i];
            k += rt_val_to_slots(res[i], slots + k);
        }
    }
    if (v != stackv)
        free(v);
    return e;
}
