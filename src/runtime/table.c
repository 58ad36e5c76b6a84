/* table.c - tables of references. Elements are uintptr_t: a funcref is a weft_func *, an
 * externref the embedder's pointer, null is 0. The element array may move when the table
 * grows, so the interpreter always reads t->elems afresh. */
#include <string.h>

#include "runtime.h"

/* An engine-wide cap on table entries, so that a huge table.grow or minimum fails cleanly
 * (-1, or a RESOURCE error) instead of allocating gigabytes. */
#define RT_MAX_TABLE_ENTRIES 10000000u

weft_table *table_create(weft_store *s, const wm_tabletype *tt, uintptr_t init)
{
    if (tt->lim.min > RT_MAX_TABLE_ENTRIES)
        return NULL;
    weft_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->reftype = tt->reftype;
    t->vt = wm_table_vt(tt);
    t->size = (uint32_t)tt->lim.min;
    t->has_max = tt->lim.has_max;
    t->type_max = tt->lim.max;
    t->is64 = tt->lim.is64;
    t->max = tt->lim.has_max && tt->lim.max < UINT32_MAX ? (uint32_t)tt->lim.max : UINT32_MAX;
    t->elems = xcalloc(t->size, sizeof *t->elems);
    if (!t->elems) {
        free(t);
        return NULL;
    }
    for (uint32_t i = 0; init && i < t->size; i++)
        t->elems[i] = init;
    t->next = s->tables;
    s->tables = t;
    s->ntables++;
    return t;
}

int64_t table_grow(weft_table *t, uint32_t delta, uintptr_t init, const weft_limiter *lim)
{
    uint32_t old = t->size;
    if (old > t->max || delta > t->max - old || (uint64_t)old + delta > RT_MAX_TABLE_ENTRIES)
        return -1;
    if (delta == 0)
        return old;
    if (!rt_limit_table(lim, old, (uint64_t)old + delta, t->has_max ? t->max : UINT64_MAX))
        return -1;
    uintptr_t *p = realloc(t->elems, ((size_t)old + delta) * sizeof *p);
    if (!p)
        return -1;
    for (uint32_t i = old; i < old + delta; i++)
        p[i] = init;
    t->elems = p;
    t->size = old + delta;
    return old;
}

weft_trap_code rt_table_fill(weft_table *t, uint64_t i, uintptr_t v, uint64_t n)
{
    if (i + n > t->size)
        return WEFT_TRAP_TABLE_OOB;
    for (uint64_t k = 0; k < n; k++)
        t->elems[i + k] = v;
    return WEFT_TRAP_NONE;
}

weft_trap_code rt_table_copy(weft_table *dt, const weft_table *st, uint64_t d, uint64_t s,
                             uint64_t n)
{
    if (d + n > dt->size || s + n > st->size)
        return WEFT_TRAP_TABLE_OOB;
    if (n)
        memmove(dt->elems + d, st->elems + s, n * sizeof *dt->elems);
    return WEFT_TRAP_NONE;
}

weft_trap_code rt_table_init(weft_table *t, const rt_elem *seg, uint64_t d, uint64_t s,
                             uint64_t n)
{
    if (s + n > seg->len || d + n > t->size)
        return WEFT_TRAP_TABLE_OOB;
    if (n)
        memcpy(t->elems + d, seg->items + s, n * sizeof *t->elems);
    return WEFT_TRAP_NONE;
}

void table_free(weft_table *t)
{
    if (!t)
        return;
    free(t->elems);
    free(t);
}

static bool table_reftype_ok(uint8_t t) { return t == WEFT_FUNCREF || t == WEFT_EXTERNREF; }

weft_error *weft_table_new(weft_store *store, uint8_t reftype, uint32_t min, uint32_t max,
                           bool has_max, weft_table **out)
{
    weft_error *e = NULL;
    weft_table *t = NULL;
    if (!out)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_table_new: out is NULL");
    if (!store || !table_reftype_ok(reftype))
        e = err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_table_new: %s",
                    store ? "the element type must be funcref or externref" : "store is NULL");
    else if (has_max && max < min)
        e = err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "table maximum %u is below its minimum %u",
                    max, min);
    else if (store->limiter && store->limiter->tables &&
             store->ntables >= store->limiter->tables)
        e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                    "weft_table_new: the store's limit of %u tables is reached",
                    store->limiter->tables);
    else if (!rt_limit_table(store->limiter, 0, min, has_max ? max : UINT64_MAX))
        e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                    "weft_table_new: a table of %u elements is over the store's limits", min);
    else {
        wm_tabletype tt = {reftype, {min, max, has_max, false, false}, 0};
        t = table_create(store, &tt, 0);
        if (!t)
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                        "cannot allocate a table of %u entries", min);
    }
    *out = t;
    return e;
}

uint32_t weft_table_size(const weft_table *t) { return t->size; }

weft_error *weft_table_get(const weft_table *t, uint32_t i, weft_val *out)
{
    if (i >= t->size)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "table index %u is out of bounds (size %u)", i, t->size);
    *out = rt_slot_to_val(t->elems[i], t->reftype);
    return NULL;
}

weft_error *weft_table_set(weft_table *t, uint32_t i, weft_val v)
{
    if (v.type != t->reftype)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "table element type mismatch");
    if (i >= t->size)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "table index %u is out of bounds (size %u)", i, t->size);
    t->elems[i] = (uintptr_t)rt_val_to_slot(v);
    return NULL;
}
