/* limits.c - a store's resource limits (weft_store_set_limiter): the checks that
 * instantiation, memory.grow and table.grow make against them. */
#include "runtime.h"

weft_error *weft_store_set_limiter(weft_store *store, const weft_limiter *limiter)
{
    if (!store)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_store_set_limiter: store is NULL");
    if (limiter) {
        store->own_limiter = *limiter;
        store->limiter = &store->own_limiter;
    } else {
        store->limiter = NULL;
    }
    return NULL;
}

bool rt_limit_memory(const weft_limiter *lim, uint64_t current, uint64_t bytes, uint64_t max)
{
    if (!lim)
        return true;
    if (lim->memory_bytes && bytes > lim->memory_bytes)
        return false;
    return !lim->memory_growing || lim->memory_growing(lim->user, current, bytes, max);
}

bool rt_limit_table(const weft_limiter *lim, uint64_t current, uint64_t elems, uint64_t max)
{
    if (!lim)
        return true;
    if (lim->table_elements && elems > lim->table_elements)
        return false;
    return !lim->table_growing || lim->table_growing(lim->user, current, elems, max);
}

/* "... the store's limit of 4 memories" */
static weft_error *limit_count_error(uint32_t limit, const char *one, const char *many)
{
    return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                   "instantiation would exceed the store's limit of %u %s", limit,
                   limit == 1 ? one : many);
}

weft_error *rt_limit_instance(const weft_store *s, const weft_module *m)
{
    const weft_limiter *lim = s->limiter;
    if (!lim)
        return NULL;
    uint32_t ntables = m->ntables - m->ntable_imports, nmems = m->nmems - m->nmem_imports;
    if (lim->instances && s->ninstances >= lim->instances)
        return limit_count_error(lim->instances, "instance", "instances");
    if (lim->tables && (uint64_t)s->ntables + ntables > lim->tables)
        return limit_count_error(lim->tables, "table", "tables");
    if (lim->memories && (uint64_t)s->nmemories + nmems > lim->memories)
        return limit_count_error(lim->memories, "memory", "memories");
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
        const wm_limits *l = &m->mems[i];
        uint64_t bytes = l->min * WM_PAGE_SIZE;
        uint64_t max = l->has_max ? l->max * WM_PAGE_SIZE : UINT64_MAX;
        if (lim->memory_bytes && bytes > lim->memory_bytes)
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                           "memory %u starts at %llu bytes, over the store's limit of %llu "
                           "bytes per memory",
                           i, (unsigned long long)bytes, (unsigned long long)lim->memory_bytes);
        if (!rt_limit_memory(lim, 0, bytes, max))
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                           "memory %u of %llu bytes refused by the store's limiter", i,
                           (unsigned long long)bytes);
    }
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        const wm_limits *l = &m->tables[i].lim;
        uint64_t max = l->has_max ? l->max : UINT64_MAX;
        if (lim->table_elements && l->min > lim->table_elements)
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                           "table %u starts at %llu elements, over the store's limit of %llu "
                           "elements per table",
                           i, (unsigned long long)l->min,
                           (unsigned long long)lim->table_elements);
        if (!rt_limit_table(lim, 0, l->min, max))
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                           "table %u of %llu elements refused by the store's limiter", i,
                           (unsigned long long)l->min);
    }
    return NULL;
}
