/*
 * exn.c - exception handling's runtime objects: tags (the identity an exception is caught
 * by) and exceptions (a tag and its values). Both belong to a store. An exception travels
 * out of wasm code, and through host functions, as a WEFT_TRAP_EXCEPTION error that points at
 * it; the interpreter catches only such errors, so a trap is never caught.
 */
#include <stdio.h>
#include <string.h>

#include "runtime.h"

static weft_tag *tag_alloc(weft_store *s, const wm_functype *type, wm_functype *owned)
{
    weft_tag *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->type = owned ? owned : type;
    t->owned_type = owned;
    t->next = s->tags;
    s->tags = t;
    return t;
}

weft_tag *weft_tag_new(weft_store *store, const weft_functype *type)
{
    wm_functype *copy;
    weft_tag *t;
    if (!store || !type || type->nresults)
        return NULL;
    copy = weft_functype_new(wm_params(type), type->nparams, NULL, 0);
    if (!copy)
        return NULL;
    if (!(t = tag_alloc(store, NULL, copy))) {
        weft_functype_free(copy);
        return NULL;
    }
    snprintf(t->name, sizeof t->name, "host tag");
    return t;
}

const weft_functype *weft_tag_type(const weft_tag *tag) { return tag ? tag->type : NULL; }

weft_error *rt_make_tags(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = m->ntag_imports; i < m->ntags; i++) {
        const wm_functype *t = &m->types[m->type_canon[m->tag_types[i]]];
        if (!(inst->tags[i] = tag_alloc(inst->store, t, NULL)))
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        snprintf(inst->tags[i]->name, sizeof inst->tags[i]->name, "tag %u", i);
    }
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wm_export *x = &m->exports[i];
        if (x->kind == WEFT_EXTERN_TAG && x->index >= m->ntag_imports && x->index < m->ntags)
            snprintf(inst->tags[x->index]->name, sizeof inst->tags[x->index]->name,
                     "\"%.40s\"", x->name);
    }
    return NULL;
}

weft_exn *rt_exn_new(weft_store *s, weft_tag *tag, const uint64_t *slots)
{
    uint32_t n = wm_param_slots(tag->type);
    weft_exn *x = malloc(sizeof *x + n * sizeof x->slots[0]);
    if (!x)
        return NULL;
    memset(x, 0, sizeof *x);
    x->tag = tag;
    x->nslots = n;
    x->offset = WEFT_NO_OFFSET;
    if (n)
        memcpy(x->slots, slots, n * sizeof x->slots[0]);
    x->next = s->exns;
    s->exns = x;
    return x;
}

weft_error *rt_exn_error(weft_exn *exn)
{
    weft_error *e = err_new(WEFT_ERR_TRAP, exn->offset, "uncaught exception (%s)",
                            exn->tag->name);
    if (e->kind != WEFT_ERR_TRAP) /* the static out-of-memory error */
        return e;
    e->trap = WEFT_TRAP_EXCEPTION;
    e->exn = exn;
    e->origin = exn->origin;
    if (exn->origin)
        err_set_func(e, exn->funcidx, weft_module_func_name(exn->origin->module, exn->funcidx));
    return e;
}

weft_exn *rt_exn_of(const weft_error *e)
{
    return e && e->kind == WEFT_ERR_TRAP && e->trap == WEFT_TRAP_EXCEPTION ? e->exn : NULL;
}

void rt_free_tags_exns(weft_store *s)
{
    for (weft_tag *t = s->tags, *next; t; t = next) {
        next = t->next;
        weft_functype_free(t->owned_type);
        free(t);
    }
    for (weft_exn *x = s->exns, *next; x; x = next) {
        next = x->next;
        free(x);
    }
    s->tags = NULL;
    s->exns = NULL;
}

weft_error *weft_exception_new(weft_store *store, weft_tag *tag, const weft_val *vals,
                               size_t nvals)
{
    uint64_t slots[64];
    uint32_t k = 0;
    weft_exn *x;
    if (!store || !tag || nvals != tag->type->nparams || wm_param_slots(tag->type) > 64)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "weft_exception_new: the values do not match the tag's type");
    for (size_t i = 0; i < nvals; i++) {
        if (vals[i].type != wm_params(tag->type)[i])
            return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                           "weft_exception_new: value %zu is not a %s", i,
                           weft_valtype_name(wm_params(tag->type)[i]));
        k += rt_val_to_slots(vals[i], slots + k);
    }
    if (!(x = rt_exn_new(store, tag, slots)))
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    return rt_exn_error(x);
}

bool weft_error_exception(const weft_error *e, weft_tag **tag, weft_val *vals, size_t nvals,
                          size_t *count)
{
    const weft_exn *x = rt_exn_of(e);
    uint32_t k = 0;
    if (!x)
        return false;
    if (tag)
        *tag = x->tag;
    if (count)
        *count = x->tag->type->nparams;
    for (uint32_t i = 0; i < x->tag->type->nparams; i++) {
        uint8_t t = wm_params(x->tag->type)[i];
        if (vals && i < nvals)
            vals[i] = rt_slots_to_val(x->slots + k, t);
        k += t == WEFT_V128 ? 2 : 1;
    }
    return true;
}
