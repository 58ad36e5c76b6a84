/*
 * code.h - the interpreter's internal code: the contract between the compiler (compile/) and
 * the interpreter (exec/interp.c). Private to those two layers.
 *
 * A function is translated once, at load, into an array of 64-bit words. An instruction is a
 * handler word (the address of its label inside the interpreter: direct threading) followed
 * by operand words. Operands are frame slot numbers relative to fp (two 32-bit fields per
 * word), immediates, relative branch offsets (in words, from the instruction's first word) or
 * pointers. Nothing is decoded at run time: no LEB128, no searching for `end`, no runtime
 * operand stack pointer.
 *
 * Frame layout: fp[0..nparams) parameters, fp[nparams..L) declared locals (zeroed on entry),
 * fp[L + h] the operand stack entry at height h. A call's arguments are the caller's top
 * slots and become the callee's fp[0..]; results come back in fp[0..nresults) of the callee,
 * that is where the arguments were. Every count here is in slots: a v128 value (parameter,
 * local, result or operand) takes two.
 */
#ifndef WEFT_CODE_H
#define WEFT_CODE_H

#include "../runtime/runtime.h"
#define SIMD_OPS_ONLY
#include "../exec/simd.h"
#undef SIMD_OPS_ONLY

typedef union code_word {
    const void *h;                /* handler address */
    uint64_t u;                   /* 64-bit immediate */
    const void *ptr;              /* code_func * or wm_functype * */
    struct { uint32_t a, b; } p;  /* two 32-bit operands (slots, indices, offsets) */
} code_word;

/* Exception handling: a handler covers the code words [start, end) of a try body. When an
 * exception reaches a word there (a throw, or a call it came out of), the handlers that cover
 * it are tried in order, the innermost first (handlers are listed inner before outer). One
 * that matches (tag CODE_CATCH_ALL, or the module's tag index of the exception's tag) gets
 * the exception's values in slots dst.. (not for catch_all), then the exnref for the _REF
 * kinds, and the legacy `catch` arms keep it in exn_slot for `rethrow`; execution continues at
 * `pad`. A DELEGATE handler (legacy `delegate`) sends the search on from position `pad`
 * among handlers of nesting level at most `limit`, or out of the function when pad is
 * CODE_NO_PAD. */
enum { CODE_H_CATCH = 0, CODE_H_CATCH_REF, CODE_H_DELEGATE };
#define CODE_CATCH_ALL UINT32_MAX
#define CODE_NO_PAD UINT32_MAX
#define CODE_NO_SLOT UINT32_MAX
typedef struct code_handler {
    uint32_t start, end, pad, dst, tag, exn_slot;
    uint16_t level, limit;
    uint8_t kind;
} code_handler;

/* A translated function. */
typedef struct code_func {
    code_word *code;
    uint32_t ncode;
    uint32_t funcidx;       /* in its module */
    uint32_t nparams, nresults; /* in slots */
    uint32_t nlocals;       /* slots of the declared locals, zeroed on entry */
    uint32_t nslots;        /* frame size: params + locals + the highest operand stack */
    uint32_t nmap;          /* entries of map */
    uint32_t (*map)[2];     /* {code word index, module byte offset}, sorted; for traps */
    uint32_t nhandlers;     /* exception handlers (see code_handler), inner first */
    code_handler *handlers;
    atomic_bool tier_up;    /* tiered execution: native code is ready, new calls go there */
} code_func;

/*
 * The instruction set. Layouts use: h handler word, [x|y] one word with two 32-bit fields,
 * [u64] one 64-bit word, [ptr] one pointer word. d = destination slot, s/a/b/c = source
 * slots, off = relative branch offset, k = immediate.
 *
 * Integer binops that have an immediate form come in pairs: NAME [h][d|a][b|-] reads slot b,
 * NAME_ri [h][d|a][k] (k: 32 bits in the low field for i32, the whole u64 for i64).
 */
#define CODE_OPS_RI(X)                                                                        \
    X(i32_add) X(i32_sub) X(i32_mul) X(i32_and) X(i32_or) X(i32_xor) X(i32_shl) X(i32_shr_s)  \
    X(i32_shr_u) X(i32_rotl) X(i32_rotr) X(i32_eq) X(i32_ne) X(i32_lt_s) X(i32_lt_u)          \
    X(i32_gt_s) X(i32_gt_u) X(i32_le_s) X(i32_le_u) X(i32_ge_s) X(i32_ge_u)                   \
    X(i64_add) X(i64_sub) X(i64_mul) X(i64_and) X(i64_or) X(i64_xor) X(i64_shl) X(i64_shr_s)  \
    X(i64_shr_u) X(i64_rotl) X(i64_rotr) X(i64_eq) X(i64_ne) X(i64_lt_s) X(i64_lt_u)          \
    X(i64_gt_s) X(i64_gt_u) X(i64_le_s) X(i64_le_u) X(i64_ge_s) X(i64_ge_u)

#define CODE_OPS(X)                                                                           \
    /* control */                                                                             \
    X(unreachable)   /* [h] */                                                                \
    X(br)            /* [h][off|-] */                                                         \
    X(br_back)       /* [h][off|-]  backward: checks for an interrupt */                      \
    X(br_if)         /* [h][c|off]  taken when c != 0 */                                      \
    X(br_if_back)    /* [h][c|off] */                                                         \
    X(br_unless)     /* [h][c|off]  taken when c == 0 */                                      \
    X(br_table)      /* [h][i|n][off0|off1]...: n+1 offsets, the last the default */          \
    X(ret)           /* [h] */                                                                \
    X(ret1)          /* [h][s|-]  return the one result in slot s (copied to fp[0]) */        \
    X(call)          /* [h][base|-][ptr code_func]: a function of the same instance */        \
    X(call_tiered)   /* as call, in a module with tiered execution: native code when ready */ \
    X(call_ext)      /* [h][base|funcidx]: through inst->funcs (imports) */                   \
    X(call_indirect) /* [h][base|i][table|-][ptr wm_functype] */                              \
    X(throw)         /* [h][base|tag]  the tag's values in slots base.. */                    \
    X(throw_ref)     /* [h][s|-]  rethrow the exnref in slot s (null traps) */               \
    X(call_ref)      /* [h][base|r]: the function reference in slot r (trap if null) */       \
    /* tail calls: the callee replaces the caller's frame (arguments moved to fp[0..]) */      \
    X(return_call)          /* [h][base|-][ptr code_func] */                                  \
    X(return_call_ext)      /* [h][base|funcidx] */                                           \
    X(return_call_indirect) /* [h][base|i][table|-][ptr wm_functype] */                       \
    X(return_call_ref)      /* [h][base|r] */                                                 \
    X(ref_as_non_null)      /* [h][s|-]  trap if slot s is null */                            \
    /* moves and constants */                                                                 \
    X(mov)           /* [h][d|s] */                                                           \
    X(konst)         /* [h][d|-][u64] */                                                      \
    X(select)        /* [h][d|c][a|b]  d = c ? a : b */                                       \
    X(global_get)    /* [h][d|idx] */                                                         \
    X(global_set)    /* [h][s|idx] */                                                         \
    X(ref_func)      /* [h][d|funcidx] */                                                     \
    X(ref_is_null)   /* [h][d|s] */                                                           \
    /* integer binops without an immediate form: [h][d|a][b|-] */                             \
    X(i32_div_s) X(i32_div_u) X(i32_rem_s) X(i32_rem_u)                                       \
    X(i64_div_s) X(i64_div_u) X(i64_rem_s) X(i64_rem_u)                                       \
    /* float binops: [h][d|a][b|-] */                                                         \
    X(f32_eq) X(f32_ne) X(f32_lt) X(f32_gt) X(f32_le) X(f32_ge)                               \
    X(f64_eq) X(f64_ne) X(f64_lt) X(f64_gt) X(f64_le) X(f64_ge)                               \
    X(f32_add) X(f32_sub) X(f32_mul) X(f32_div) X(f32_min) X(f32_max) X(f32_copysign)         \
    X(f64_add) X(f64_sub) X(f64_mul) X(f64_div) X(f64_min) X(f64_max) X(f64_copysign)         \
    /* unops: [h][d|s] */                                                                     \
    X(i32_eqz) X(i32_clz) X(i32_ctz) X(i32_popcnt)                                            \
    X(i64_eqz) X(i64_clz) X(i64_ctz) X(i64_popcnt)                                            \
    X(f32_abs) X(f32_neg) X(f32_ceil) X(f32_floor) X(f32_trunc) X(f32_nearest) X(f32_sqrt)    \
    X(f64_abs) X(f64_neg) X(f64_ceil) X(f64_floor) X(f64_trunc) X(f64_nearest) X(f64_sqrt)    \
    X(i32_wrap_i64)                                                                           \
    X(i32_trunc_f32_s) X(i32_trunc_f32_u) X(i32_trunc_f64_s) X(i32_trunc_f64_u)               \
    X(i64_extend_i32_s) X(i64_extend_i32_u)                                                   \
    X(i64_trunc_f32_s) X(i64_trunc_f32_u) X(i64_trunc_f64_s) X(i64_trunc_f64_u)               \
    X(f32_convert_i32_s) X(f32_convert_i32_u) X(f32_convert_i64_s) X(f32_convert_i64_u)       \
    X(f32_demote_f64)                                                                         \
    X(f64_convert_i32_s) X(f64_convert_i32_u) X(f64_convert_i64_s) X(f64_convert_i64_u)       \
    X(f64_promote_f32)                                                                        \
    X(i32_extend8_s) X(i32_extend16_s) X(i64_extend8_s) X(i64_extend16_s) X(i64_extend32_s)   \
    X(i32_trunc_sat_f32_s) X(i32_trunc_sat_f32_u) X(i32_trunc_sat_f64_s)                      \
    X(i32_trunc_sat_f64_u) X(i64_trunc_sat_f32_s) X(i64_trunc_sat_f32_u)                      \
    X(i64_trunc_sat_f64_s) X(i64_trunc_sat_f64_u)                                             \
    /* memory 0: loads [h][d|addr][offset|-], stores [h][addr|s][offset|-] */                 \
    X(ld8s32) X(ld16s32) X(ld8s64) X(ld16s64) X(ld32s64)                                      \
    X(ld8u) X(ld16u) X(ld32u) X(ld64)                                                         \
    X(st8) X(st16) X(st32) X(st64)                                                            \
    X(memory_size)   /* [h][d|-] */                                                           \
    X(memory_grow)   /* [h][d|delta] */                                                       \
    X(memory_copy)   /* [h][d|s][n|-] */                                                      \
    X(memory_fill)   /* [h][d|val][n|-] */                                                    \
    X(memory_init)   /* [h][d|s][n|seg] */                                                    \
    X(data_drop)     /* [h][seg|-] */                                                         \
    /* any memory instruction on any memory but an i32 memory 0 (multi-memory, memory64):     \
     * operands from slot base on, the result back there; op is the wasm opcode (a lane in   \
     * bits 24..31), x memory.copy's source memory or memory.init's segment (exec_memx) */    \
    X(memx)          /* [h][base|mem][op|x][u64 offset] */                                    \
    /* memory64 tables: an i64 index saturated to u32 (UINT32_MAX is out of bounds of every  \
     * table), and table.grow's u32 result widened with -1 kept */                            \
    X(sat32)         /* [h][d|s] */                                                           \
    X(grow64)        /* [h][d|s] */                                                           \
    /* tables */                                                                              \
    X(table_get)     /* [h][d|i][table|-] */                                                  \
    X(table_set)     /* [h][i|s][table|-] */                                                  \
    X(table_size)    /* [h][d|table] */                                                       \
    X(table_grow)    /* [h][d|init][n|table] */                                               \
    X(table_fill)    /* [h][i|val][n|table] */                                                \
    X(table_copy)    /* [h][d|s][n|dst table][src table|-] */                                 \
    X(table_init)    /* [h][d|s][n|seg][table|-] */                                           \
    X(elem_drop)     /* [h][seg|-] */                                                         \
    /* threads: atomics on memory 0 (address checked in bounds, then aligned) */              \
    X(atomic_ld8) X(atomic_ld16) X(atomic_ld32) X(atomic_ld64)   /* as loads */               \
    X(atomic_st8) X(atomic_st16) X(atomic_st32) X(atomic_st64)   /* as stores */              \
    /* read-modify-write: [h][d|addr][s|offset], d receives the old value (zero-extended) */  \
    X(rmw8_add) X(rmw16_add) X(rmw32_add) X(rmw64_add)                                        \
    X(rmw8_sub) X(rmw16_sub) X(rmw32_sub) X(rmw64_sub)                                        \
    X(rmw8_and) X(rmw16_and) X(rmw32_and) X(rmw64_and)                                        \
    X(rmw8_or) X(rmw16_or) X(rmw32_or) X(rmw64_or)                                            \
    X(rmw8_xor) X(rmw16_xor) X(rmw32_xor) X(rmw64_xor)                                        \
    X(rmw8_xchg) X(rmw16_xchg) X(rmw32_xchg) X(rmw64_xchg)                                    \
    /* [h][d|addr][expected|replacement][offset|-] */                                         \
    X(cmpxchg8) X(cmpxchg16) X(cmpxchg32) X(cmpxchg64)                                        \
    X(atomic_wait32) X(atomic_wait64) /* [h][d|addr][expected|timeout][offset|-] */           \
    X(atomic_notify) /* [h][d|addr][count|offset] */                                          \
    X(atomic_fence)  /* [h] */

/*
 * Compare-and-branch super-instructions: an integer relation fused with the br_if (or if)
 * that consumes it. brc_NAME [h][a|off][b|-] jumps by off when a REL b; brc_NAME_ri
 * [h][a|off][k] compares with an immediate. A negative off is a loop's back edge and checks
 * for an interrupt. The offset sits where br_if/br_unless keep theirs (field b of word 1).
 */
#define CODE_OPS_BR(X)                                                                        \
    X(i32_eq) X(i32_ne) X(i32_lt_s) X(i32_lt_u) X(i32_gt_s) X(i32_gt_u) X(i32_le_s)           \
    X(i32_le_u) X(i32_ge_s) X(i32_ge_u)                                                       \
    X(i64_eq) X(i64_ne) X(i64_lt_s) X(i64_lt_u) X(i64_gt_s) X(i64_gt_u) X(i64_le_s)           \
    X(i64_le_u) X(i64_ge_s) X(i64_ge_u)

/*
 * Loads with an i32.add fused into the address: NAME_x [h][d|a][b|offset] loads from
 * (u32)(fp[a] + fp[b]) + offset, NAME_xi [h][d|a][k|offset] from (u32)(fp[a] + k) + offset.
 * The same order as the plain loads in CODE_OPS.
 */
#define CODE_OPS_LDX(X)                                                                       \
    X(ld8s32) X(ld16s32) X(ld8s64) X(ld16s64) X(ld32s64) X(ld8u) X(ld16u) X(ld32u) X(ld64)

/* Stores with the address's i32.add fused in: NAME_x [h][a|b][s|offset] stores fp[s] at
 * (u32)(fp[a] + fp[b]) + offset, NAME_xi [h][a|k][s|offset] at (u32)(fp[a] + k) + offset. */
#define CODE_OPS_STX(X) X(st8) X(st16) X(st32) X(st64)

/*
 * i32 binops whose second operand is first shifted by a constant, the shift fused in (as the
 * shifted register operand of ARM): i32_NAME_SHIFT [h][d|a][x|k] computes d = a NAME (x SHIFT
 * k), k already reduced mod 32. SHIFT is shl, shr_u or rotl (a rotr by k is a rotl by 32 - k).
 * Each NAME has its three SHIFT forms in this order: shl, shr_u, rotl.
 */
#define CODE_OPS_SHOP(X) X(add) X(sub) X(and) X(or) X(xor)

/*
 * Loads with a scaled index in the address, the i32.shl (and its add) fused in:
 * NAME_xs  [h][d|a][x|offset][k|-] loads from (u32)(fp[a] + (fp[x] << k)) + offset;
 * NAME_sxi [h][d|x][c|offset][k|-] loads from (u32)((fp[x] << k) + c) + offset.
 * The same order as the plain loads in CODE_OPS.
 */
#define CODE_OPS_LDS(X) CODE_OPS_LDX(X)

/* Further super-instructions, one entry each. */
#define CODE_OPS_EXTRA(X)                                                                     \
    X(i32_shl_add_ri) /* [h][d|x][c|k]  d = (x << k) + c: a scaled index plus a constant */  \
    X(i32_add_shl_ri) /* [h][d|a][x|k][c|-]  d = a + c + (x << k): an element of an array at \
                       * a constant offset from a base (a local array off the stack pointer) */ \
    /* stopping guests, emitted only in modules of engines that ask for them */              \
    X(fuel)           /* [h][k|-]  charge k fuel, or trap "out of fuel" (consume_fuel) */    \
    X(epoch)          /* [h]  trap "interrupted" past the epoch deadline (loop headers and   \
                       * function entries, epoch_interruption) */

/*
 * SIMD. A v128 takes two consecutive slots (low 8 bytes first); an operand or result slot
 * names the first. Every SIMD op is [h][hs][operands...]: h is the same for all of them (the
 * main loop's entry into exec/interp_simd.c, which runs SIMD ops until the next is not one),
 * hs is the op's own handler there (interp_simd_handlers, from OP_v128_global_get on); the
 * operand words below follow hs. One op per instruction of simd.h's SIMD_OPS, OP_simd_NAME,
 * laid out by its shape (d result, a b c v128 operands, s a scalar operand, addr an i32
 * address), [h][hs] written [h] here:
 *   UN, TEST, SPLAT   [h][d|a]                 BIN    [h][d|a][b|-]
 *   TERN              [h][d|a][b|c]            SHIFT  [h][d|a][s|-]
 *   EXTRACT           [h][d|a][lane|-]         REPLACE [h][d|a][s|lane]
 *   CONST             [h][d|-][u64 lo][u64 hi]
 *   SHUFFLE           [h][d|a][b|-][8 lane bytes][8 lane bytes]
 *   LOAD*             [h][d|addr][offset|-]    STORE  [h][addr|a][offset|-]
 *   LOAD_LANE         [h][d|addr][a|offset][lane|-]
 *   STORE_LANE        [h][addr|a][offset|lane]
 * and the v128 forms of variable access and select:
 */
#define CODE_OPS_V128(X)                                                                      \
    X(v128_global_get) /* [h][d|idx] */                                                       \
    X(v128_global_set) /* [h][s|idx] */                                                       \
    X(v128_select)     /* [h][d|c][a|b]  d = c ? a : b */                                     \
    /* on CPUs with SSSE3 (exec/simd_ssse3.h): shuffle with its two pshufb masks (16 bytes   \
     * each) in words 3..6, swizzle as BIN */                                                \
    X(v128_shuffle_ssse3) /* [h][d|a][b|-][masks: 4 words] */                                 \
    X(v128_swizzle_ssse3) /* [h][d|a][b|-] */

#define CODE_ENUM_(n) OP_##n,
#define CODE_ENUM_SIMD_(sub, name, text, shape, n, t) OP_simd_##name,
#define CODE_ENUM_LDX_(n) OP_##n##_x, OP_##n##_xi,
#define CODE_ENUM_BR_(n) OP_brc_##n, OP_brc_##n##_ri,
#define CODE_ENUM_RI_(n) OP_##n, OP_##n##_ri,
#define CODE_ENUM_SHOP_(n) OP_i32_##n##_shl, OP_i32_##n##_shr_u, OP_i32_##n##_rotl,
#define CODE_ENUM_LDS_(n) OP_##n##_xs, OP_##n##_sxi,
enum code_op {
    CODE_OPS(CODE_ENUM_)
    CODE_OPS_RI(CODE_ENUM_RI_)
    CODE_OPS_BR(CODE_ENUM_BR_)
    CODE_OPS_LDX(CODE_ENUM_LDX_)
    CODE_OPS_STX(CODE_ENUM_LDX_)
    CODE_OPS_SHOP(CODE_ENUM_SHOP_)
    CODE_OPS_LDS(CODE_ENUM_LDS_)
    CODE_OPS_EXTRA(CODE_ENUM_)
    CODE_OPS_V128(CODE_ENUM_)
    SIMD_OPS(CODE_ENUM_SIMD_)
    OP_COUNT_
};
#undef CODE_ENUM_
#undef CODE_ENUM_RI_
#undef CODE_ENUM_BR_
#undef CODE_ENUM_LDX_
#undef CODE_ENUM_SHOP_
#undef CODE_ENUM_LDS_
#undef CODE_ENUM_SIMD_

/* exec/interp.c: the handler address of every op, indexed by enum code_op. */
const void *const *interp_handlers(void);
/* exec/interp_simd.c: the SIMD ops' own handlers, indexed by op - OP_v128_global_get. */
const void *const *interp_simd_handlers(void);

#endif
