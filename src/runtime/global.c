/* global.c - global variables. A global's value is one 64-bit slot, two for a v128. */
#include "runtime.h"

static bool global_type_ok(uint8_t t)
{
    return t == WEFT_I32 || t == WEFT_I64 || t == WEFT_F32 || t == WEFT_F64 ||
           t == WEFT_V128 || t == WEFT_FUNCREF || t == WEFT_EXTERNREF;
}

weft_global *global_create(weft_store *s, const wm_globaltype *gt, const uint64_t *val)
{
    weft_global *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->type = gt->type;
    g->vt = wm_global_vt(gt);
    g->mut = gt->mut;
    g->val = val[0];
    g->hi = gt->type == WEFT_V128 ? val[1] : 0;
    g->next = s->globals;
    s->globals = g;
    return g;
}

weft_global *weft_global_new(weft_store *store, uint8_t type, bool mutable_, weft_val init)
{
    if (!store || !global_type_ok(type) || init.type != type)
        return NULL;
    wm_globaltype gt = {type, mutable_, 0};
    uint64_t slots[2] = {0, 0};
    rt_val_to_slots(init, slots);
    return global_create(store, &gt, slots);
}

weft_val weft_global_get(const weft_global *g)
{
    uint64_t slots[2] = {g->val, g->hi};
    return rt_slots_to_val(slots, g->type);
}

weft_error *weft_global_set(weft_global *g, weft_val v)
{
    if (!g->mut)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "cannot set an immutable global");
    if (v.type != g->type)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "global type mismatch");
    uint64_t slots[2] = {0, 0};
    rt_val_to_slots(v, slots);
    g->val = slots[0];
    g->hi = slots[1];
    return NULL;
}
