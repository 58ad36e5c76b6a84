/* memory.c - linear memories. A memory reserves the address range of its effective maximum
 * once, with no access, and commits pages in place as it grows: the base never moves, so
 * other threads (and the embedder) keep valid pointers while one thread grows it. The size
 * is published with a release store after the pages are accessible, so a reader that sees
 * the new size (acquire) may touch them. */
#include <string.h>
#include <sys/mman.h>

#include "runtime.h"
#include "../threads/threads.h"

/* A memory64 memory may pass 4 GiB: without an engine limit, it reserves this much address
 * space (reserved, not committed: a 64-bit host has room for thousands of them). */
#define MEM64_DEFAULT_MAX_BYTES (UINT64_C(16) << 30)

/* The largest number of pages this memory may ever have: the type's maximum (or its address
 * space), capped by the engine's limit (for memory64, by the larger default above when the
 * embedder set none). */
static uint64_t mem_effective_max(const weft_engine *e, const wm_limits *lim)
{
    uint64_t most = lim->is64 ? WM_MAX_PAGES64 : WM_MAX_PAGES;
    uint64_t max = lim->has_max ? lim->max : most;
    uint64_t cap = e->cfg.max_memory_bytes / WM_PAGE_SIZE;
    if (lim->is64 && !e->max_memory_set)
        cap = MEM64_DEFAULT_MAX_BYTES / WM_PAGE_SIZE;
    if (max > most)
        max = most;
    return max < cap ? max : cap;
}

weft_error *memory_create(weft_engine *e, const wm_limits *lim, weft_memory **out)
{
    *out = NULL;
    uint64_t max = mem_effective_max(e, lim);
    if (lim->min > max)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                       "memory of %llu pages exceeds the limit of %llu pages",
                       (unsigned long long)lim->min, (unsigned long long)max);
    /* Reserve at least one page so that mmap never sees a length of 0. */
    uint64_t pages = max ? max : 1;
    if (pages > SIZE_MAX / WM_PAGE_SIZE)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "memory too large for this host");
    weft_memory *m = calloc(1, sizeof *m);
    if (!m)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    m->reserved = (size_t)pages * WM_PAGE_SIZE;
    void *p = mmap(NULL, m->reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        free(m);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                       "cannot reserve %llu bytes of address space for a memory",
                       (unsigned long long)pages * WM_PAGE_SIZE);
    }
    m->base = p;
    size_t init = (size_t)lim->min * WM_PAGE_SIZE;
    if (init && mprotect(m->base, init, PROT_READ | PROT_WRITE) != 0) {
        munmap(m->base, m->reserved);
        free(m);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot commit %llu memory pages",
                       (unsigned long long)lim->min);
    }
    atomic_init(&m->size, (uint64_t)init);
    m->max_pages = max;
    m->type_max = lim->max;
    m->is64 = lim->is64;
    m->has_max = lim->has_max;
    m->shared = lim->shared;
    atomic_init(&m->refs, 1);
    atomic_init(&m->lot, NULL);
    pthread_mutex_init(&m->grow_lock, NULL);
    m->engine = e;
    *out = m;
    return NULL;
}

int64_t memory_grow(weft_memory *m, uint64_t delta_pages, const weft_limiter *lim)
{
    int64_t result = -1;
    pthread_mutex_lock(&m->grow_lock);
    uint64_t old = atomic_load_explicit(&m->size, memory_order_relaxed) / WM_PAGE_SIZE;
    if (delta_pages <= m->max_pages - old &&
        (delta_pages == 0 ||
         rt_limit_memory(lim, old * WM_PAGE_SIZE, (old + delta_pages) * WM_PAGE_SIZE,
                         m->has_max ? m->max_pages * WM_PAGE_SIZE : UINT64_MAX))) {
        uint64_t grown = old + delta_pages;
        size_t from = (size_t)old * WM_PAGE_SIZE, len = (size_t)delta_pages * WM_PAGE_SIZE;
        if (len == 0 || mprotect(m->base + from, len, PROT_READ | PROT_WRITE) == 0) {
            atomic_store_explicit(&m->size, grown * WM_PAGE_SIZE, memory_order_release);
            result = (int64_t)old;
        }
    }
    pthread_mutex_unlock(&m->grow_lock);
    return result;
}

weft_error *weft_memory_new(weft_engine *engine, uint64_t min_pages, uint64_t max_pages,
                            bool has_max, bool shared, weft_memory **out)
{
    if (!out)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_memory_new: out is NULL");
    *out = NULL;
    if (!engine)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_memory_new: engine is NULL");
    if (shared && !has_max)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "a shared memory needs a maximum");
    if (has_max && max_pages < min_pages)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "memory maximum %llu is below its minimum %llu",
                       (unsigned long long)max_pages, (unsigned long long)min_pages);
    if (min_pages > WM_MAX_PAGES || (has_max && max_pages > WM_MAX_PAGES))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "memory size must be at most 65536 pages");
    wm_limits lim = {min_pages, max_pages, has_max, shared, false};
    return memory_create(engine, &lim, out);
}

weft_memory *weft_memory_ref(weft_memory *m)
{
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void weft_memory_free(weft_memory *m)
{
    if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1)
        return;
    thr_lot *lot = atomic_load_explicit(&m->lot, memory_order_acquire);
    if (lot)
        thr_lot_free(lot);
    munmap(m->base, m->reserved);
    pthread_mutex_destroy(&m->grow_lock);
    free(m);
}

uint8_t *weft_memory_data(const weft_memory *m) { return m->base; }

weft_trap_code rt_memory_init(weft_memory *m, const rt_data *seg, uint64_t d, uint64_t s,
                              uint64_t n)
{
    uint64_t size = atomic_load_explicit(&m->size, memory_order_relaxed);
    if (s + n > seg->len || n > size || d > size - n) /* d may be a 64-bit address */
        return WEFT_TRAP_MEMORY_OOB;
    if (n)
        memcpy(m->base + d, seg->bytes + s, n);
    return WEFT_TRAP_NONE;
}

uint64_t weft_memory_size(const weft_memory *m)
{
    return atomic_load_explicit(&((weft_memory *)m)->size, memory_order_acquire);
}

bool weft_memory_is_shared(const weft_memory *m) { return m->shared; }

int64_t weft_memory_grow(weft_memory *m, uint64_t delta_pages)
{
    return m ? memory_grow(m, delta_pages, NULL) : -1;
}

static weft_error *mem_check_range(const weft_memory *m, uint64_t offset, size_t len)
{
    uint64_t size = weft_memory_size(m);
    if (offset > size || len > size - offset)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "memory range [%llu, +%zu) is outside the memory of %llu bytes",
                       (unsigned long long)offset, len, (unsigned long long)size);
    return NULL;
}

weft_error *weft_memory_read(const weft_memory *m, uint64_t offset, void *dst, size_t len)
{
    weft_error *e = mem_check_range(m, offset, len);
    if (!e && len)
        memcpy(dst, m->base + offset, len);
    return e;
}

weft_error *weft_memory_write(weft_memory *m, uint64_t offset, const void *src, size_t len)
{
    weft_error *e = mem_check_range(m, offset, len);
    if (!e && len)
        memcpy(m->base + offset, src, len);
    return e;
}
