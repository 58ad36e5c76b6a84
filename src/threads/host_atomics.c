/*
 * host_atomics.c - the web's Atomics.* for the embedder, on shared buffers and memories.
 *
 * These are the very operations the interpreter performs for memory.atomic.* (C11
 * sequentially consistent atomics on the guest's bytes), and wait/notify go through the
 * memory's parking lot, so host threads and guest threads interoperate: a host notify wakes
 * a guest memory.atomic.wait32 and the other way round.
 */
#include "worker.h"
#include "../util/util.h"

/* Check the word [offset, offset + width) is inside m and naturally aligned; return it. */
static weft_error *hat_word(weft_memory *m, uint64_t offset, int width, void **word)
{
    *word = NULL;
    if (!m)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "atomics: no memory");
    if (width != 4 && width != 8)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "atomics: width %d (4 or 8 bytes)", width);
    uint64_t size = weft_memory_size(m);
    if (offset > size || (uint64_t)width > size - offset)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "atomics: offset %llu is out of bounds (memory of %llu bytes)",
                       (unsigned long long)offset, (unsigned long long)size);
    if (offset % (uint64_t)width)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "atomics: offset %llu is not aligned to %d bytes",
                       (unsigned long long)offset, width);
    *word = weft_memory_data(m) + offset;
    return NULL;
}

weft_error *weft_atomic_load(weft_memory *m, uint64_t offset, int width, uint64_t *out)
{
    void *w;
    weft_error *err = hat_word(m, offset, width, &w);
    if (!err)
        *out = width == 4 ? atomic_load((_Atomic uint32_t *)w) : atomic_load((_Atomic uint64_t *)w);
    return err;
}

weft_error *weft_atomic_store(weft_memory *m, uint64_t offset, int width, uint64_t value)
{
    void *w;
    weft_error *err = hat_word(m, offset, width, &w);
    if (err)
        return err;
    if (width == 4)
        atomic_store((_Atomic uint32_t *)w, (uint32_t)value);
    else
        atomic_store((_Atomic uint64_t *)w, value);
    return NULL;
}

/* One read-modify-write for each width: the same switch, on 32- or 64-bit words. */
#define HAT_RMW(name, T)                                                                       \
    static T name(_Atomic T *p, weft_atomic_op op, T v)                                        \
    {                                                                                          \
        switch (op) {                                                                          \
        case WEFT_ATOMIC_ADD: return atomic_fetch_add(p, v);                                   \
        case WEFT_ATOMIC_SUB: return atomic_fetch_sub(p, v);                                   \
        case WEFT_ATOMIC_AND: return atomic_fetch_and(p, v);                                   \
        case WEFT_ATOMIC_OR: return atomic_fetch_or(p, v);                                     \
        case WEFT_ATOMIC_XOR: return atomic_fetch_xor(p, v);                                   \
        default: return atomic_exchange(p, v);                                                 \
        }                                                                                      \
    }
HAT_RMW(hat_rmw32, uint32_t)
HAT_RMW(hat_rmw64, uint64_t)

weft_error *weft_atomic_rmw(weft_memory *m, uint64_t offset, int width, weft_atomic_op op,
                            uint64_t operand, uint64_t *old)
{
    void *w;
    if ((unsigned)op > WEFT_ATOMIC_EXCHANGE)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "atomics: unknown operation %d", (int)op);
    weft_error *err = hat_word(m, offset, width, &w);
    if (err)
        return err;
    uint64_t before = width == 4 ? hat_rmw32(w, op, (uint32_t)operand) : hat_rmw64(w, op, operand);
    if (old)
        *old = before;
    return NULL;
}

weft_error *weft_atomic_cmpxchg(weft_memory *m, uint64_t offset, int width, uint64_t expected,
                                uint64_t replacement, uint64_t *old)
{
    void *w;
    weft_error *err = hat_word(m, offset, width, &w);
    if (err)
        return err;
    if (width == 4) {
        uint32_t e = (uint32_t)expected;
        atomic_compare_exchange_strong((_Atomic uint32_t *)w, &e, (uint32_t)replacement);
        expected = e;
    } else {
        atomic_compare_exchange_strong((_Atomic uint64_t *)w, &expected, replacement);
    }
    if (old)
        *old = expected; /* on failure compare_exchange stored the value it saw */
    return NULL;
}

weft_error *weft_atomic_wait(weft_memory *m, uint64_t offset, int width, uint64_t expected,
                             int64_t timeout_ns, weft_scope *scope, weft_wait_result *result)
{
    void *w;
    weft_error *err = hat_word(m, offset, width, &w);
    if (err)
        return err;
    if (!weft_memory_is_shared(m))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "atomics: wait on an unshared memory");
    weft_trap_code trap = WEFT_TRAP_NONE;
    thr_cancel *cancel = scope ? wk_scope_cancel(scope) : NULL;
    int32_t r = thr_wait(m, offset, width == 4 ? (uint32_t)expected : expected, width,
                         timeout_ns, cancel, &trap);
    if (r < 0)
        return trap == WEFT_TRAP_INTERRUPTED ? err_trap(trap)
                                              : err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                                                        "atomics: out of memory");
    if (result)
        *result = (weft_wait_result)r;
    return NULL;
}

weft_error *weft_atomic_notify(weft_memory *m, uint64_t offset, uint32_t count,
                               uint32_t *woken)
{
    void *w;
    weft_error *err = hat_word(m, offset, 4, &w);
    if (err)
        return err;
    uint32_t n = thr_notify(m, offset, count);
    if (woken)
        *woken = n;
    return NULL;
}
