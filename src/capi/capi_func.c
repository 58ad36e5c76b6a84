/* capi_func.c - values, functions, calls, traps and frames of wasm.h over weft's.
 *
 * A host function of wasm.h is a weft host function whose environment is a capi_host: the
 * callback, its environment and finalizer, and the store whose handles its arguments use.
 * A call converts wasm_val_t to weft_val and back; a trap is weft's error (its message, and
 * the function, instance and offset of the one frame weft records). */
#include <string.h>

#include "capi.h"

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */

void wasm_val_delete(wasm_val_t *v)
{
    if (v && wasm_valkind_is_ref(v->kind) && v->of.ref)
        wasm_ref_delete(v->of.ref);
}

void wasm_val_copy(wasm_val_t *out, const wasm_val_t *v)
{
    *out = *v;
    if (wasm_valkind_is_ref(v->kind) && v->of.ref)
        out->of.ref = wasm_ref_copy(v->of.ref);
}

bool capi_ref_to_slot(const wasm_ref_t *ref, uint8_t reftype, uintptr_t *out)
{
    if (reftype == WEFT_EXTERNREF) {
        *out = (uintptr_t)ref;
        return true;
    }
    if (reftype != WEFT_FUNCREF || (ref && ref->base.kind != CAPI_FUNC))
        return false;
    *out = ref ? (uintptr_t)ref->base.ptr : 0;
    return true;
}

/* An owned reference: a funcref is the store's handle of the weft function; an externref
 * is the handle that went in (copied, for the few kinds that count their owners). */
wasm_ref_t *capi_ref_of_slot(wasm_store_t *s, uintptr_t slot, uint8_t reftype)
{
    if (!slot)
        return NULL;
    if (reftype == WEFT_FUNCREF)
        return (wasm_ref_t *)(void *)capi_wrap(s, CAPI_FUNC, (void *)slot);
    return wasm_ref_copy((const wasm_ref_t *)slot);
}

bool capi_val_to_weft(const wasm_val_t *v, weft_val *out)
{
    uintptr_t slot;
    switch (v->kind) {
    case WASM_I32: *out = weft_val_i32(v->of.i32); return true;
    case WASM_I64: *out = weft_val_i64(v->of.i64); return true;
    case WASM_F32: *out = weft_val_f32(v->of.f32); return true;
    case WASM_F64: *out = weft_val_f64(v->of.f64); return true;
    case WASM_EXTERNREF:
    case WASM_FUNCREF:
        out->type = capi_weft_of_kind(v->kind);
        if (!capi_ref_to_slot(v->of.ref, out->type, &slot))
            return false;
        if (out->type == WEFT_FUNCREF)
            out->of.funcref = (weft_func *)slot;
        else
            out->of.externref = (void *)slot;
        return true;
    }
    return false; /* v128 or an unknown kind */
}

void capi_val_of_weft(wasm_store_t *s, const weft_val *v, wasm_val_t *out)
{
    memset(out, 0, sizeof *out);
    capi_kind_of_weft(v->type, &out->kind);
    switch (v->type) {
    case WEFT_I32: out->of.i32 = v->of.i32; break;
    case WEFT_I64: out->of.i64 = v->of.i64; break;
    case WEFT_F32: out->of.f32 = weft_val_as_f32(*v); break;
    case WEFT_F64: out->of.f64 = weft_val_as_f64(*v); break;
    case WEFT_FUNCREF: out->of.ref = capi_ref_of_slot(s, (uintptr_t)v->of.funcref, v->type); break;
    case WEFT_EXTERNREF: out->of.ref = capi_ref_of_slot(s, (uintptr_t)v->of.externref, v->type); break;
    default: break; /* v128: wasm_val_t cannot hold it */
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Frames and traps                                                                           */

static wasm_frame_t *frame_new(wasm_instance_t *inst, uint32_t func, size_t func_off,
                               size_t mod_off)
{
    wasm_frame_t *f = malloc(sizeof *f);
    if (f) {
        f->instance = inst;
        f->func_index = func;
        f->func_offset = func_off;
        f->module_offset = mod_off;
    }
    return f;
}

void wasm_frame_delete(wasm_frame_t *f) { free(f); }
wasm_frame_t *wasm_frame_copy(const wasm_frame_t *f)
{
    return f ? frame_new(f->instance, f->func_index, f->func_offset, f->module_offset) : NULL;
}
wasm_instance_t *wasm_frame_instance(const wasm_frame_t *f) { return f->instance; }
uint32_t wasm_frame_func_index(const wasm_frame_t *f) { return f->func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t *f) { return f->func_offset; }
size_t wasm_frame_module_offset(const wasm_frame_t *f) { return f->module_offset; }

static wasm_trap_t *trap_new(wasm_store_t *s, const char *msg, size_t len)
{
    wasm_trap_t *t = capi_counted_new(CAPI_TRAP, sizeof *t, s, NULL);
    if (t && !(t->message = xstrndup(msg ? msg : "", msg ? len : 0))) {
        free(t);
        t = NULL;
    }
    return t;
}

/* A message is NUL-terminated by convention; one without the NUL is taken whole. */
wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message)
{
    size_t len = message ? message->size : 0;
    if (len && message->data[len - 1] == '\0')
        len--;
    return trap_new(store, message ? message->data : NULL, len);
}

/* The error's backtrace as wasm.h frames. The origin is frame 0 when the trap happened in
 * wasm code (the error names the instruction), not when a host function raised it. */
static void trap_locate(wasm_store_t *s, wasm_trap_t *t, const weft_error *e)
{
    size_t n = weft_error_frame_count(e);
    t->frames = n ? calloc(n, sizeof *t->frames) : NULL;
    for (size_t i = 0; t->frames && i < n; i++) {
        weft_frame f;
        weft_error_frame(e, i, &f);
        wasm_frame_t *out = &t->frames[t->nframes++];
        out->instance = (wasm_instance_t *)(void *)capi_wrap(s, CAPI_INSTANCE,
                                                             (weft_instance *)e->frames[i].inst);
        out->func_index = f.func_index;
        out->func_offset = f.func_offset != (size_t)-1 ? f.func_offset : 0;
        out->module_offset = f.module_offset;
    }
    t->has_origin = t->nframes && e->origin && weft_error_offset(e) != WEFT_NO_OFFSET;
}

wasm_trap_t *capi_trap_of_error(wasm_store_t *s, weft_error *e)
{
    const char *msg = e ? weft_error_message(e) : "out of memory";
    wasm_trap_t *t = trap_new(s, msg, strlen(msg));
    if (t && e)
        trap_locate(s, t, e);
    weft_error_free(e);
    return t;
}

void wasm_trap_message(const wasm_trap_t *t, wasm_message_t *out)
{
    wasm_name_new_from_string_nt(out, t->message);
}

wasm_frame_t *wasm_trap_origin(const wasm_trap_t *t)
{
    return t->has_origin ? wasm_frame_copy(&t->frames[0]) : NULL;
}

/* Every wasm frame, innermost first. */
void wasm_trap_trace(const wasm_trap_t *t, wasm_frame_vec_t *out)
{
    wasm_frame_vec_new_uninitialized(out, t->nframes);
    if (out->size != t->nframes) {
        wasm_frame_vec_new_empty(out);
        return;
    }
    for (size_t i = 0; i < t->nframes; i++)
        if (!(out->data[i] = wasm_frame_copy(&t->frames[i]))) {
            out->size = i;
            wasm_frame_vec_delete(out);
            wasm_frame_vec_new_empty(out);
            return;
        }
}

/* ------------------------------------------------------------------------------------------ */
/* Host functions                                                                             */

typedef struct capi_host {
    wasm_store_t *store;
    wasm_func_callback_t cb;
    wasm_func_callback_with_env_t cb_env;
    void *env;
    void (*finalizer)(void *);
    size_t nparams, nresults;
} capi_host;

#define CAPI_STACK_VALS 16

/* The callback's results, checked against the declared kinds and converted. */
static weft_error *host_results(capi_host *h, wasm_val_t *res, weft_val *results)
{
    for (size_t i = 0; i < h->nresults; i++) {
        wasm_valkind_t want;
        capi_kind_of_weft(results[i].type, &want);
        if (res[i].kind != want || !capi_val_to_weft(&res[i], &results[i]))
            return weft_trap_new("host function result %zu has kind %u, expected %u", i,
                                 (unsigned)res[i].kind, (unsigned)want);
    }
    return NULL;
}

static weft_error *host_call(weft_caller *caller, void *env, const weft_val *args,
                             weft_val *results)
{
    (void)caller;
    capi_host *h = env;
    size_t n = h->nparams + h->nresults;
    wasm_val_t stack[CAPI_STACK_VALS], *vals = stack;
    if (n > CAPI_STACK_VALS && !(vals = calloc(n, sizeof *vals)))
        return weft_trap_new("out of memory");
    for (size_t i = 0; i < h->nparams; i++)
        capi_val_of_weft(h->store, &args[i], &vals[i]);
    for (size_t i = 0; i < h->nresults; i++) /* the kinds preset, the values zero */
        capi_val_of_weft(h->store, &results[i], &vals[h->nparams + i]);
    wasm_val_vec_t a = {h->nparams, vals}, r = {h->nresults, vals + h->nparams};
    wasm_trap_t *trap = h->cb ? h->cb(&a, &r) : h->cb_env(h->env, &a, &r);
    weft_error *e = trap ? weft_trap_new("%s", trap->message)
                         : host_results(h, vals + h->nparams, results);
    wasm_trap_delete(trap);
    for (size_t i = 0; i < n; i++)
        wasm_val_delete(&vals[i]);
    if (vals != stack)
        free(vals);
    return e;
}

static void host_free(void *env)
{
    capi_host *h = env;
    if (h->finalizer)
        h->finalizer(h->env);
    free(h);
}

static wasm_func_t *func_new(wasm_store_t *s, const wasm_functype_t *type, capi_host *h)
{
    weft_functype *wt = s && type ? capi_functype_to_weft(type) : NULL;
    weft_func *f = NULL;
    if (wt) {
        h->store = s;
        h->nparams = weft_functype_nparams(wt);
        h->nresults = weft_functype_nresults(wt);
        f = weft_func_new(s->store, wt, host_call, h, host_free);
        weft_functype_free(wt);
    }
    if (!f) {
        free(h);
        return NULL;
    }
    return (wasm_func_t *)(void *)capi_wrap(s, CAPI_FUNC, f);
}

wasm_func_t *wasm_func_new(wasm_store_t *s, const wasm_functype_t *type,
                           wasm_func_callback_t cb)
{
    capi_host *h = calloc(1, sizeof *h);
    if (!h || !cb) {
        free(h);
        return NULL;
    }
    h->cb = cb;
    return func_new(s, type, h);
}

wasm_func_t *wasm_func_new_with_env(wasm_store_t *s, const wasm_functype_t *type,
                                    wasm_func_callback_with_env_t cb, void *env,
                                    void (*finalizer)(void *))
{
    capi_host *h = calloc(1, sizeof *h);
    if (!h || !cb) {
        free(h);
        return NULL;
    }
    h->cb_env = cb;
    h->env = env;
    h->finalizer = finalizer;
    return func_new(s, type, h);
}

static const weft_functype *func_weft_type(const wasm_func_t *f)
{
    return weft_func_type((const weft_func *)f->base.ptr);
}

wasm_functype_t *wasm_func_type(const wasm_func_t *f) { return capi_functype_of(func_weft_type(f)); }
size_t wasm_func_param_arity(const wasm_func_t *f) { return weft_functype_nparams(func_weft_type(f)); }
size_t wasm_func_result_arity(const wasm_func_t *f) { return weft_functype_nresults(func_weft_type(f)); }
weft_func *weft_wasm_func_weft(const wasm_func_t *f) { return f ? f->base.ptr : NULL; }

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                      */

static wasm_trap_t *call_fail(wasm_store_t *s, const char *fmt, size_t a, size_t b)
{
    return capi_trap_of_error(s, err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, fmt, a, b));
}

/* The arguments as weft values; NULL or the trap that says which one is wrong. */
static wasm_trap_t *call_args(wasm_store_t *s, const wasm_val_vec_t *args, weft_val *out)
{
    for (size_t i = 0; args && i < args->size; i++)
        if (!capi_val_to_weft(&args->data[i], &out[i]))
            return call_fail(s, "argument %zu: kind %zu cannot be passed to this parameter", i,
                             args->data[i].kind);
    return NULL;
}

/* The results are checked for room only once the call has returned: a call that traps
 * needs none (callers commonly pass an empty vector to a function expected to trap). */
static wasm_trap_t *call_results(wasm_store_t *s, const weft_val *res, size_t nr,
                                 wasm_val_vec_t *results)
{
    size_t room = results ? results->size : 0;
    if (nr > room)
        return call_fail(s, "room for %zu results, the function returned %zu", room, nr);
    for (size_t i = 0; i < nr; i++)
        capi_val_of_weft(s, &res[i], &results->data[i]);
    return NULL;
}

wasm_trap_t *wasm_func_call(const wasm_func_t *func, const wasm_val_vec_t *args,
                            wasm_val_vec_t *results)
{
    wasm_store_t *s = func->base.store;
    weft_func *f = func->base.ptr;
    const weft_functype *t = weft_func_type(f);
    size_t na = args ? args->size : 0, nr = weft_functype_nresults(t);
    if (na != weft_functype_nparams(t))
        return call_fail(s, "wrong number of arguments: %zu given, the function takes %zu",
                         na, weft_functype_nparams(t));
    weft_val stack[CAPI_STACK_VALS], *v = stack;
    if (na + nr > CAPI_STACK_VALS && !(v = calloc(na + nr, sizeof *v)))
        return capi_trap_of_error(s, NULL);
    wasm_trap_t *trap = call_args(s, args, v);
    if (!trap) {
        weft_error *e = weft_call(s->store, f, v, na, v + na, nr);
        if (e)
            trap = capi_trap_of_error(s, e);
        else
            trap = call_results(s, v + na, nr, results);
    }
    if (v != stack)
        free(v);
    return trap;
}
