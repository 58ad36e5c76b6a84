/* global.c - global variables. A global's value is one 64-bit slot. */
#include "runtime.h"

static bool global_type_ok(uint8_t t)
{
    return t == WEFT_I32 || t == WEFT_I64 || t == WEFT_F32 || t == WEFT_F64 ||
           t == WEFT_FUNCREF || t == WEFT_EXTERNREF;
}

weft_global *global_create(weft_store *s, const wm_globaltype *gt, uint64_t val)
{
    weft_global *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->type = gt->type;
    g->mut = gt->mut;
    g->val = val;
    g->next = s->globals;
    s->globals = g;
    return g;
}

weft_global *weft_global_new(weft_store *store, uint8_t type, bool mutable_, weft_val init)
{
    if (!store || !global_type_ok(type) || init.type != type)
        return NULL;
    wm_globaltype gt = {type, mutable_};
    return global_create(store, &gt, rt_val_to_slot(init));
}

weft_val weft_global_get(const weft_global *g) { return rt_slot_to_val(g->val, g->type); }

weft_error *weft_global_set(weft_global *g, weft_val v)
{
    if (!g->mut)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "cannot set an immutable global");
    if (v.type != g->type)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "global type mismatch");
    g->val = rt_val_to_slot(v);
    return NULL;
}
