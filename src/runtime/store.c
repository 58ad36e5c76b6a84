/* store.c - stores own everything instances create (and the host functions, tables and
 * globals the embedder creates in them); weft_call enters wasm from the embedder. */
#include <string.h>

#include "runtime.h"
#include "../exec/exec.h"

weft_store *weft_store_new(weft_engine *engine)
{
    if (!engine)
        return NULL;
    weft_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->engine = engine;
    return s;
}

void weft_store_free(weft_store *store)
{
    if (!store)
        return;
    /* Instances first: they drop their memory and module references. The store's own
     * lists hold the tables, globals and host functions those instances may point at. */
    for (weft_instance *i = store->instances, *next; i; i = next) {
        next = i->next;
        instance_free(i);
    }
    for (weft_func *f = store->funcs, *next; f; f = next) {
        next = f->next;
        func_free(f);
    }
    for (weft_table *t = store->tables, *next; t; t = next) {
        next = t->next;
        table_free(t);
    }
    for (weft_global *g = store->globals, *next; g; g = next) {
        next = g->next;
        free(g);
    }
    for (size_t i = 0; i < store->nmems; i++)
        weft_memory_free(store->mems[i]);
    free(store->mems);
    rt_store_stop_free(store);
    if (store->ctx)
        exec_ctx_free(store->ctx);
    free(store);
}

struct exec_ctx *rt_store_ctx(weft_store *s)
{
    if (!s->ctx)
        s->ctx = exec_ctx_new(s->engine);
    return s->ctx;
}

weft_error *rt_invoke(weft_store *s, weft_func *f, uint64_t *slots)
{
    if (!rt_store_ctx(s))
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot allocate an execution stack");
    if (f->host)
        return func_call_host(s->ctx, NULL, f, slots);
    return exec_invoke(s->ctx, f, slots);
}

static const char *store_typename(uint8_t t)
{
    const char *n = weft_valtype_name(t);
    return n ? n : "unknown type";
}

static weft_error *store_check_args(const wm_functype *t, const weft_val *args, size_t nargs,
                                    size_t nresults)
{
    if (nargs != t->nparams)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "wrong number of arguments: expected %u, got %zu", t->nparams, nargs);
    if (nresults < t->nresults)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "room for %zu results, the function returns %u", nresults,
                       t->nresults);
    for (size_t i = 0; i < nargs; i++)
        if (args[i].type != wm_params(t)[i])
            return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                           "argument %zu has type %s, expected %s", i,
                           store_typename(args[i].type), store_typename(wm_params(t)[i]));
    return NULL;
}

#define STORE_STACK_SLOTS 16

weft_error *weft_call(weft_store *store, weft_func *f, const weft_val *args, size_t nargs,
                      weft_val *results, size_t nresults)
{
    if (!store || !f)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_call: %s is NULL",
                       store ? "the function" : "the store");
    if ((nargs && !args) || (nresults && !results))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_call: NULL argument array");
    /* A store is one thread's: running another store's function on it would run that
     * store's instance on the wrong execution stack, maybe on two threads at once. */
    if ((f->inst ? f->inst->store : f->store) != store)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "weft_call: the function belongs to another store");
    const wm_functype *t = f->type;
    weft_error *e = store_check_args(t, args, nargs, nresults);
    if (e)
        return e;
    size_t np = wm_param_slots(t), nr = wm_result_slots(t), n = np > nr ? np : nr;
    uint64_t stack[STORE_STACK_SLOTS], *slots = stack;
    if (n > STORE_STACK_SLOTS && !(slots = calloc(n, sizeof *slots)))
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    for (size_t i = 0, k = 0; i < nargs; i++)
        k += rt_val_to_slots(args[i], slots + k);
    e = rt_invoke(store, f, slots);
    if (!e)
        for (uint32_t i = 0, k = 0; i < t->nresults; i++) {
            results[i] = rt_slots_to_val(slots + k, wm_results(t)[i]);
            k += wm_results(t)[i] == WEFT_V128 ? 2 : 1;
        }
    if (slots != stack)
        free(slots);
    return e;
}
