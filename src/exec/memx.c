/*
 * memx.c - every memory instruction on any memory, by its wasm opcode: the path both tiers
 * take for what their inline code does not cover (a memory other than memory 0, or one with
 * i64 addresses: multi-memory and memory64). Memory 0 with i32 addresses keeps its inline
 * fast paths in interp.c and in the compiled tier's generated C.
 *
 * Operands arrive in 64-bit slots, in the order the instruction pops them (a v128 takes
 * two), and the result leaves in the first slot(s). An i32 operand's slot may hold anything
 * above bit 31, so i32 addresses and lengths are truncated here. Every effective address is
 * computed in 64 bits with the overflow of address + offset (+ width) checked: nothing wraps.
 */
#include <stdatomic.h>
#include <string.h>

#include "interp.h"
#include "simd.h"
#include "../module/instr.h"
#include "../threads/threads.h"

/* The operand as an address of memory m: i32 addresses are the low 32 bits. */
static uint64_t memx_addr(const weft_memory *m, uint64_t slot)
{
    return m->is64 ? slot : (uint32_t)slot;
}

/* [ea, ea + n) inside m, with ea = addr + off: the host pointer, or NULL (out of bounds). */
static uint8_t *memx_at(weft_memory *m, uint64_t addr, uint64_t off, uint64_t n)
{
    uint64_t ea = addr + off, size = atomic_load_explicit(&m->size, memory_order_relaxed);
    if (ea < addr || n > size || ea > size - n)
        return NULL;
    return m->base + ea;
}

/* Loads 0x28..0x35: bytes read, sign-extended (1) or not, result i64 (1) or i32. */
static const struct { uint8_t n, sext, wide; } memx_loads[0x36 - 0x28] = {
    {4, 0, 0}, {8, 0, 1}, {4, 0, 0}, {8, 0, 1}, {1, 1, 0}, {1, 0, 0}, {2, 1, 0},
    {2, 0, 0}, {1, 1, 1}, {1, 0, 1}, {2, 1, 1}, {2, 0, 1}, {4, 1, 1}, {4, 0, 1}};
/* Stores 0x36..0x3E: bytes written. */
static const uint8_t memx_stores[0x3F - 0x36] = {4, 8, 4, 8, 1, 2, 1, 2, 4};

static uint64_t memx_read(const uint8_t *p, unsigned n, bool sext)
{
    uint64_t v = 0;
    memcpy(&v, p, n); /* little-endian host (simd.h checks) */
    if (sext && n < 8) {
        unsigned sh = 64 - 8 * n;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

/* The atomic operations, on an aligned in-bounds address. */
static uint64_t memx_rmw(uint8_t *p, unsigned n, unsigned group, uint64_t x)
{
#define MEMX_RMW(T)                                                                           \
    do {                                                                                      \
        _Atomic T *a = (_Atomic T *)(void *)p;                                                \
        switch (group) {                                                                      \
        case 0: return atomic_fetch_add(a, (T)x);                                             \
        case 1: return atomic_fetch_sub(a, (T)x);                                             \
        case 2: return atomic_fetch_and(a, (T)x);                                             \
        case 3: return atomic_fetch_or(a, (T)x);                                              \
        case 4: return atomic_fetch_xor(a, (T)x);                                             \
        default: return atomic_exchange(a, (T)x);                                             \
        }                                                                                     \
    } while (0)
    switch (n) {
    case 1: MEMX_RMW(uint8_t);
    case 2: MEMX_RMW(uint16_t);
    case 4: MEMX_RMW(uint32_t);
    default: MEMX_RMW(uint64_t);
    }
#undef MEMX_RMW
}

static uint64_t memx_cmpxchg(uint8_t *p, unsigned n, uint64_t expected, uint64_t repl)
{
#define MEMX_CAS(T)                                                                           \
    do {                                                                                      \
        T e = (T)expected;                                                                    \
        atomic_compare_exchange_strong((_Atomic T *)(void *)p, &e, (T)repl);                  \
        return e;                                                                             \
    } while (0)
    switch (n) {
    case 1: MEMX_CAS(uint8_t);
    case 2: MEMX_CAS(uint16_t);
    case 4: MEMX_CAS(uint32_t);
    default: MEMX_CAS(uint64_t);
    }
#undef MEMX_CAS
}

static uint64_t memx_atomic_load(const uint8_t *p, unsigned n)
{
    switch (n) {
    case 1: return atomic_load((_Atomic uint8_t *)(void *)p);
    case 2: return atomic_load((_Atomic uint16_t *)(void *)p);
    case 4: return atomic_load((_Atomic uint32_t *)(void *)p);
    default: return atomic_load((_Atomic uint64_t *)(void *)p);
    }
}

static void memx_atomic_store(uint8_t *p, unsigned n, uint64_t v)
{
    switch (n) {
    case 1: atomic_store((_Atomic uint8_t *)(void *)p, (uint8_t)v); break;
    case 2: atomic_store((_Atomic uint16_t *)(void *)p, (uint16_t)v); break;
    case 4: atomic_store((_Atomic uint32_t *)(void *)p, (uint32_t)v); break;
    default: atomic_store((_Atomic uint64_t *)(void *)p, v); break;
    }
}

/* Widths of the 0xFE loads/stores and of each RMW group's seven members. */
static const uint8_t memx_atomic_width[7] = {4, 8, 1, 2, 1, 2, 4};

static weft_trap_code memx_atomic(exec_ctx *ctx, weft_memory *m, uint32_t sub, uint64_t off,
                                  uint64_t *v)
{
    unsigned n = sub == 0x02 ? 8 : sub <= 0x01 ? 4 : memx_atomic_width[
        sub < 0x17 ? sub - 0x10 : sub < 0x1E ? sub - 0x17 : (sub - 0x1E) % 7];
    uint64_t addr = memx_addr(m, v[0]);
    uint8_t *p = memx_at(m, addr, off, n);
    if (!p)
        return WEFT_TRAP_MEMORY_OOB;
    if ((uint64_t)(p - m->base) & (n - 1))
        return WEFT_TRAP_UNALIGNED_ATOMIC;
    uint64_t ea = (uint64_t)(p - m->base);
    if (sub == 0x00) { /* notify addr count */
        v[0] = thr_notify(m, ea, (uint32_t)v[1]);
    } else if (sub <= 0x02) { /* wait addr expected timeout */
        weft_trap_code trap = WEFT_TRAP_NONE;
        uint64_t expected = n == 4 ? (uint32_t)v[1] : v[1];
        int32_t r = thr_wait(m, ea, expected, (int)n, (int64_t)v[2], &ctx->cancel, &trap);
        if (r < 0)
            return trap != WEFT_TRAP_NONE ? trap : WEFT_TRAP_EXPECTED_SHARED;
        v[0] = (uint32_t)r;
    } else if (sub < 0x17) {
        v[0] = memx_atomic_load(p, n);
    } else if (sub < 0x1E) {
        memx_atomic_store(p, n, v[1]);
    } else if (sub < 0x48) {
        v[0] = memx_rmw(p, n, (sub - 0x1E) / 7, v[1]);
    } else {
        v[0] = memx_cmpxchg(p, n, v[1], v[2]);
    }
    return WEFT_TRAP_NONE;
}

/* SIMD memory instructions, by the shapes of simd.h. */
#define MEMX_SIMD_LOAD(sub, name, n)                                                          \
    case sub: r = simd_##name(p); break;
#define MEMX_SIMD_LOAD_EXT(sub, name, n)                                                      \
    case sub: r = simd_##name(memx_read(p, n, false)); break;
#define MEMX_SIMD_LOAD_SPLAT MEMX_SIMD_LOAD_EXT
#define MEMX_SIMD_LOAD_ZERO MEMX_SIMD_LOAD_EXT
#define MEMX_SIMD_LOAD_LANE(sub, name, n)                                                     \
    case sub: r = simd_##name(a, memx_read(p, n, false), lane); break;
#define MEMX_SIMD_STORE(sub, name, n)                                                         \
    case sub: simd_##name(p, a); return WEFT_TRAP_NONE;
#define MEMX_SIMD_STORE_LANE(sub, name, n)                                                    \
    case sub: { uint64_t x_ = simd_##name(a, lane); memcpy(p, &x_, n); return WEFT_TRAP_NONE; }
#define MEMX_SIMD_NONE(sub, name, n)
#define MEMX_SIMD_CONST MEMX_SIMD_NONE
#define MEMX_SIMD_SHUFFLE MEMX_SIMD_NONE
#define MEMX_SIMD_SPLAT MEMX_SIMD_NONE
#define MEMX_SIMD_EXTRACT MEMX_SIMD_NONE
#define MEMX_SIMD_REPLACE MEMX_SIMD_NONE
#define MEMX_SIMD_UN MEMX_SIMD_NONE
#define MEMX_SIMD_BIN MEMX_SIMD_NONE
#define MEMX_SIMD_TERN MEMX_SIMD_NONE
#define MEMX_SIMD_SHIFT MEMX_SIMD_NONE
#define MEMX_SIMD_TEST MEMX_SIMD_NONE
#define MEMX_SIMD_CASE(sub, name, text, shape, n, t) MEMX_SIMD_##shape(sub, name, n)
/* The bytes each SIMD memory op accesses. */
#define MEMX_SIMD_N(sub, name, text, shape, n, t) [sub] = n,

static weft_trap_code memx_simd(weft_memory *m, uint32_t sub, unsigned lane, uint64_t off,
                                uint64_t *v)
{
    static const uint8_t width[SIMD_NSUB] = {SIMD_OPS(MEMX_SIMD_N)};
    wv128 a, r;
    uint8_t *p = memx_at(m, memx_addr(m, v[0]), off, width[sub & 0xFF]);
    if (!p)
        return WEFT_TRAP_MEMORY_OOB;
    memcpy(&a, &v[1], sizeof a); /* the v128 operand of stores and lane ops */
    switch (sub) {
        SIMD_OPS(MEMX_SIMD_CASE)
    default:
        return WEFT_TRAP_UNREACHABLE;
    }
    memcpy(&v[0], &r, sizeof r);
    return WEFT_TRAP_NONE;
}

/* memory.copy between any two memories; the length is i64 only when both are 64-bit. */
static weft_trap_code memx_copy(weft_memory *dm, weft_memory *sm, uint64_t *v)
{
    uint64_t d = memx_addr(dm, v[0]), s = memx_addr(sm, v[1]);
    uint64_t n = dm->is64 && sm->is64 ? v[2] : (uint32_t)v[2];
    uint8_t *dp = memx_at(dm, d, 0, n), *sp = memx_at(sm, s, 0, n);
    if (!dp || !sp)
        return WEFT_TRAP_MEMORY_OOB;
    if (n)
        memmove(dp, sp, n);
    return WEFT_TRAP_NONE;
}

weft_trap_code exec_memx(exec_ctx *ctx, weft_instance *inst, uint32_t op, uint32_t mem,
                         uint32_t mem2, uint64_t off, uint64_t *v)
{
    weft_memory *m = inst->mems[mem];
    uint32_t code = op & 0xFFFFFFu;
    if (code >= 0x28 && code <= 0x35) {
        unsigned k = code - 0x28;
        const uint8_t *p = memx_at(m, memx_addr(m, v[0]), off, memx_loads[k].n);
        if (!p)
            return WEFT_TRAP_MEMORY_OOB;
        uint64_t x = memx_read(p, memx_loads[k].n, memx_loads[k].sext);
        v[0] = memx_loads[k].wide ? x : (uint32_t)x;
        return WEFT_TRAP_NONE;
    }
    if (code >= 0x36 && code <= 0x3E) {
        unsigned n = memx_stores[code - 0x36];
        uint8_t *p = memx_at(m, memx_addr(m, v[0]), off, n);
        if (!p)
            return WEFT_TRAP_MEMORY_OOB;
        memcpy(p, &v[1], n);
        return WEFT_TRAP_NONE;
    }
    switch (code) {
    case 0x3F: /* memory.size */
        v[0] = atomic_load_explicit(&m->size, memory_order_relaxed) / WM_PAGE_SIZE;
        return WEFT_TRAP_NONE;
    case 0x40: { /* memory.grow: -1 of the address type on failure */
        int64_t r = memory_grow(m, memx_addr(m, v[0]), inst->store->limiter);
        v[0] = m->is64 ? (uint64_t)r : (uint32_t)r;
        return WEFT_TRAP_NONE;
    }
    case WI_FC(8): /* memory.init: segment mem2 */
        return rt_memory_init(m, &inst->datas[mem2], memx_addr(m, v[0]), (uint32_t)v[1],
                              (uint32_t)v[2]);
    case WI_FC(10):
        return memx_copy(m, inst->mems[mem2], v);
    case WI_FC(11): { /* memory.fill d value n */
        uint64_t n = memx_addr(m, v[2]);
        uint8_t *p = memx_at(m, memx_addr(m, v[0]), 0, n);
        if (!p)
            return WEFT_TRAP_MEMORY_OOB;
        if (n)
            memset(p, (int)(uint8_t)v[1], n);
        return WEFT_TRAP_NONE;
    }
    }
    if ((code >> 16) == 0xFE)
        return memx_atomic(ctx, m, code & 0xFFFFu, off, v);
    if ((code >> 16) == 0xFD)
        return memx_simd(m, code & 0xFFFFu, op >> 24, off, v);
    return WEFT_TRAP_UNREACHABLE;
}
