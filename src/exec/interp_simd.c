/*
 * interp_simd.c - the SIMD ops' own dispatch loop. Every SIMD op of the translated code
 * starts with the same handler word, the main loop's op_simd label (interp.c), followed by
 * the address of its handler here; op_simd calls interp_simd, which runs SIMD ops until the
 * next op is not one and hands that back. Kept apart from interp_loop so that the main loop's
 * register allocation, which its scalar handlers' speed depends on, does not see 240 more
 * handlers, and so that a vectorised loop's run of SIMD ops costs one call, not one each.
 *
 * One handler per instruction of simd.h's SIMD_OPS, generated from its shape; the semantics
 * are simd.h's functions. A v128 lives in two consecutive slots. Layouts are in code.h: the
 * operand words start at ip[2] here (ip[1] is the handler word).
 */
#include <stdatomic.h>
#include <string.h>

#include "interp.h"
#include "simd.h"
#include "simd_ssse3.h"

/* Operand fields (code.h's layouts, one word further on than in interp.c). */
#define A1 (ip[2].p.a)
#define B1 (ip[2].p.b)
#define A2 (ip[3].p.a)
#define B2 (ip[3].p.b)
#define A3 (ip[4].p.a)
/* Continue with the next op: here if it is a SIMD op too, else back to the main loop. */
#define NEXT_SIMD(words)                                                                      \
    do {                                                                                      \
        ip += (words) + 1;                                                                    \
        if (ip->h != enter)                                                                   \
            return ip;                                                                        \
        goto *ip[1].h;                                                                        \
    } while (0)
#define SIMD_TRAP(code)                                                                       \
    do {                                                                                      \
        *trap = (code);                                                                       \
        return ip;                                                                            \
    } while (0)
/* Is [ea, ea + n) outside memory 0? The cached size is a lower bound (see interp.c). */
#define SIMD_EA(addr_slot, off, n)                                                            \
    uint64_t ea = (uint64_t)(uint32_t)fp[addr_slot] + (off);                                  \
    if (__builtin_expect(ea + (n) > msize, 0) &&                                              \
        ((msize = mem ? atomic_load_explicit(&mem->size, memory_order_relaxed) : 0),          \
         ea + (n) > msize))                                                                   \
        SIMD_TRAP(WEFT_TRAP_MEMORY_OOB)

/* Slots are 8-byte aligned; a may_alias type of that alignment reads them in one move. */
typedef wv128 interp_v128 __attribute__((aligned(8), may_alias));
#define VLD(s) (*(const interp_v128 *)(fp + (s)))
#define VST(s, v) (*(interp_v128 *)(fp + (s)) = (v))
/* the scalar operand of a SPLAT or REPLACE, by its wasm type */
#define SIMD_ARG_I32(x) ((uint32_t)(x))
#define SIMD_ARG_F32(x) ((uint32_t)(x))
#define SIMD_ARG_I64(x) ((uint64_t)(x))
#define SIMD_ARG_F64(x) ((uint64_t)(x))
/* the unsigned type of an n-byte access */
#define SIMD_UT_1 uint8_t
#define SIMD_UT_2 uint16_t
#define SIMD_UT_4 uint32_t
#define SIMD_UT_8 uint64_t

#define SIMD_H_UN(name, n, t)                                                                 \
    op_simd_##name: VST(A1, simd_##name(VLD(B1))); NEXT_SIMD(2);
#define SIMD_H_BIN(name, n, t)                                                                \
    op_simd_##name: VST(A1, simd_##name(VLD(B1), VLD(A2))); NEXT_SIMD(3);
#define SIMD_H_TERN(name, n, t)                                                               \
    op_simd_##name: VST(A1, simd_##name(VLD(B1), VLD(A2), VLD(B2))); NEXT_SIMD(3);
#define SIMD_H_SHIFT(name, n, t)                                                              \
    op_simd_##name: VST(A1, simd_##name(VLD(B1), (uint32_t)fp[A2])); NEXT_SIMD(3);
#define SIMD_H_TEST(name, n, t)                                                               \
    op_simd_##name: fp[A1] = simd_##name(VLD(B1)); NEXT_SIMD(2);
#define SIMD_H_SPLAT(name, n, t)                                                              \
    op_simd_##name: VST(A1, simd_##name(SIMD_ARG_##t(fp[B1]))); NEXT_SIMD(2);
#define SIMD_H_EXTRACT(name, n, t)                                                            \
    op_simd_##name: fp[A1] = simd_##name(VLD(B1), A2); NEXT_SIMD(3);
#define SIMD_H_REPLACE(name, n, t)                                                            \
    op_simd_##name: VST(A1, simd_##name(VLD(B1), B2, SIMD_ARG_##t(fp[A2]))); NEXT_SIMD(3);
#define SIMD_H_CONST(name, n, t)                                                              \
    op_simd_##name: VST(A1, simd_v128_make(ip[3].u, ip[4].u)); NEXT_SIMD(4);
#define SIMD_H_SHUFFLE(name, n, t)                                                            \
    op_simd_##name:                                                                           \
    VST(A1, simd_##name(VLD(B1), VLD(A2), (const uint8_t *)(ip + 4)));                        \
    NEXT_SIMD(5);
#define SIMD_H_LOAD(name, n, t)                                                               \
    op_simd_##name: {                                                                         \
        SIMD_EA(B1, A2, 16);                                                                  \
        VST(A1, simd_##name(mbase + ea));                                                     \
        NEXT_SIMD(3);                                                                         \
    }
/* load8x8_s ..., the splats and the _zero loads: n bytes read, then widened or spread */
#define SIMD_H_LOAD_N(name, n, t)                                                             \
    op_simd_##name: {                                                                         \
        SIMD_UT_##n x;                                                                        \
        SIMD_EA(B1, A2, n);                                                                   \
        memcpy(&x, mbase + ea, sizeof x);                                                     \
        VST(A1, simd_##name(x));                                                              \
        NEXT_SIMD(3);                                                                         \
    }
#define SIMD_H_LOAD_EXT SIMD_H_LOAD_N
#define SIMD_H_LOAD_SPLAT SIMD_H_LOAD_N
#define SIMD_H_LOAD_ZERO SIMD_H_LOAD_N
#define SIMD_H_STORE(name, n, t)                                                              \
    op_simd_##name: {                                                                         \
        SIMD_EA(A1, A2, 16);                                                                  \
        simd_##name(mbase + ea, VLD(B1));                                                     \
        NEXT_SIMD(3);                                                                         \
    }
#define SIMD_H_LOAD_LANE(name, n, t)                                                          \
    op_simd_##name: {                                                                         \
        SIMD_UT_##n x;                                                                        \
        SIMD_EA(B1, B2, n);                                                                   \
        memcpy(&x, mbase + ea, sizeof x);                                                     \
        VST(A1, simd_##name(VLD(A2), x, A3));                                                 \
        NEXT_SIMD(4);                                                                         \
    }
#define SIMD_H_STORE_LANE(name, n, t)                                                         \
    op_simd_##name: {                                                                         \
        SIMD_UT_##n x = simd_##name(VLD(B1), B2);                                             \
        SIMD_EA(A1, A2, n);                                                                   \
        memcpy(mbase + ea, &x, sizeof x);                                                     \
        NEXT_SIMD(3);                                                                         \
    }
#define SIMD_HANDLER(sub, name, text, shape, n, t) SIMD_H_##shape(name, n, t)

#define SIMD_LABEL_V128_(n) &&op_##n,
#define SIMD_LABEL_(sub, name, text, shape, n, t) &&op_simd_##name,

const code_word *interp_simd(const code_word *ip, uint64_t *fp, weft_instance *inst,
                             weft_memory *mem, uint64_t msize, weft_trap_code *trap,
                             const void *const **handlers)
{
    /* in enum order: CODE_OPS_V128, then SIMD_OPS */
    static const void *const labels[] = {
        CODE_OPS_V128(SIMD_LABEL_V128_)
        SIMD_OPS(SIMD_LABEL_)
    };
    uint8_t *mbase;
    const void *enter; /* the main loop's handler word of every SIMD op */
    if (handlers) {
        *handlers = labels;
        return NULL;
    }
    enter = ip->h;
    mbase = mem ? mem->base : NULL;
    goto *ip[1].h;

    SIMD_OPS(SIMD_HANDLER)

op_v128_global_get: {
    const weft_global *g = inst->globals[B1];
    fp[A1] = g->val;
    fp[A1 + 1] = g->hi;
    NEXT_SIMD(2);
}
op_v128_global_set: {
    weft_global *g = inst->globals[B1];
    g->val = fp[A1];
    g->hi = fp[A1 + 1];
    NEXT_SIMD(2);
}
op_v128_select: {
    uint32_t s = (uint32_t)fp[B1] ? A2 : B2;
    VST(A1, VLD(s));
    NEXT_SIMD(3);
}
op_v128_shuffle_ssse3:
    simd_ssse3_shuffle(fp + A1, fp + B1, fp + A2, (const uint8_t *)(ip + 4));
    NEXT_SIMD(7);
op_v128_swizzle_ssse3:
    simd_ssse3_swizzle(fp + A1, fp + B1, fp + A2);
    NEXT_SIMD(3);
}

const void *const *interp_simd_handlers(void)
{
    const void *const *h = NULL;
    interp_simd(NULL, NULL, NULL, NULL, 0, NULL, &h);
    return h;
}
