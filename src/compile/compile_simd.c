/*
 * compile_simd.c - translating the SIMD instructions (prefix 0xFD) into the interpreter's ops
 * (code.h). The list of simd.h drives it: an instruction's shape says how many operands it
 * pops (v128s as two stack entries, scalars as one), what it pushes, and how its op's words
 * are laid out. A v128 result may be redirected into a local by the local.set that follows
 * (compile_vproducer); a scalar result (extract_lane, the tests) like any other producer.
 * Every op here is two handler words (code.h), so its first operand word is at + 2.
 */
#include <string.h>

#include "compile_int.h"
#include "../exec/simd_ssse3.h"

typedef struct csimd {
    uint16_t op;   /* OP_simd_NAME */
    uint8_t shape; /* SIMD_SH_* */
} csimd;

#define CSIMD_ENTRY(sub, name, text, shape, n, t) [sub] = {OP_simd_##name, SIMD_SH_##shape},
static const csimd compile_simd_ops[SIMD_NSUB] = {SIMD_OPS(CSIMD_ENTRY)};
#undef CSIMD_ENTRY

/* Operands: v128 from the stack entries below the top `above` ones. */
static uint32_t compile_v_at(compiler *c, size_t from_top)
{
    return compile_vsrc(c, c->h - from_top);
}

static void compile_popn(compiler *c, uint32_t n)
{
    while (n--)
        compile_pop(c);
}

/* An op with v128 operands only (UN, BIN, TERN), computing a v128. */
static void compile_simd_vv(compiler *c, uint16_t op, uint32_t nops)
{
    uint32_t s[3] = {0, 0, 0}, d;
    size_t at;
    if (!compile_need(c, 2 * nops))
        return;
    for (uint32_t i = 0; i < nops; i++)
        s[i] = compile_v_at(c, 2 * (nops - i));
    compile_popn(c, 2 * nops);
    d = compile_push_v128(c);
    at = compile_op(c, (enum code_op)op);
    compile_pp(c, d, s[0]);
    if (nops > 1)
        compile_pp(c, s[1], s[2]);
    compile_vproducer(c, at + 2);
}

/* A scalar result from a v128 (TEST, EXTRACT with its lane). */
static void compile_simd_to_scalar(compiler *c, uint16_t op, bool lane, uint32_t l)
{
    uint32_t s, d;
    size_t at;
    if (!compile_need(c, 2))
        return;
    s = compile_v_at(c, 2);
    compile_popn(c, 2);
    d = compile_push(c);
    at = compile_op(c, (enum code_op)op);
    compile_pp(c, d, s);
    if (lane)
        compile_pp(c, l, 0);
    compile_producer(c, at + 2);
}

/* SHIFT (v128, i32) and REPLACE (v128, scalar) with its lane. */
static void compile_simd_vs(compiler *c, uint16_t op, bool lane, uint32_t l)
{
    uint32_t v, s, d;
    size_t at;
    if (!compile_need(c, 3))
        return;
    v = compile_v_at(c, 3);
    s = compile_src(c, c->h - 1);
    compile_popn(c, 3);
    d = compile_push_v128(c);
    at = compile_op(c, (enum code_op)op);
    compile_pp(c, d, v);
    compile_pp(c, s, lane ? l : 0);
    compile_vproducer(c, at + 2);
}

static void compile_simd_splat(compiler *c, uint16_t op)
{
    uint32_t s, d;
    size_t at;
    if (!compile_need(c, 1))
        return;
    s = compile_src(c, c->h - 1);
    compile_pop(c);
    d = compile_push_v128(c);
    at = compile_op(c, (enum code_op)op);
    compile_pp(c, d, s);
    compile_vproducer(c, at + 2);
}

/* v128.const and i8x16.shuffle carry their 16 bytes as two words; with SSSE3, a shuffle
 * carries its two pshufb masks instead. */
static void compile_simd_bytes(compiler *c, uint16_t op, const uint8_t *bytes, bool shuffle)
{
    uint32_t a = 0, b = 0, d;
    uint64_t lo, hi, m[4];
    uint8_t masks[32];
    size_t at;
    bool ssse3 = shuffle && c->ssse3;
    if (shuffle) {
        if (!compile_need(c, 4))
            return;
        a = compile_v_at(c, 4);
        b = compile_v_at(c, 2);
        compile_popn(c, 4);
    }
    memcpy(&lo, bytes, 8);
    memcpy(&hi, bytes + 8, 8);
    d = compile_push_v128(c);
    at = compile_op(c, ssse3 ? OP_v128_shuffle_ssse3 : (enum code_op)op);
    compile_pp(c, d, a);
    if (shuffle)
        compile_pp(c, b, 0);
    if (ssse3) {
        simd_ssse3_shuffle_masks(bytes, masks);
        memcpy(m, masks, sizeof m);
        for (int i = 0; i < 4; i++)
            compile_u64(c, m[i]);
    } else {
        compile_u64(c, lo);
        compile_u64(c, hi);
    }
    compile_vproducer(c, at + 2);
}

static void compile_simd_mem(compiler *c, const csimd *s, const wi_instr *in)
{
    uint32_t addr, v = 0, d, off = (uint32_t)in->imm;
    size_t at;
    bool stores = s->shape == SIMD_SH_STORE || s->shape == SIMD_SH_STORE_LANE;
    bool has_v = stores || s->shape == SIMD_SH_LOAD_LANE;
    if (!compile_need(c, has_v ? 3 : 1))
        return;
    addr = compile_src(c, c->h - (has_v ? 3 : 1));
    if (has_v)
        v = compile_v_at(c, 2);
    compile_popn(c, has_v ? 3 : 1);
    if (stores) {
        compile_op(c, (enum code_op)s->op);
        compile_pp(c, addr, v);
        compile_pp(c, off, s->shape == SIMD_SH_STORE_LANE ? in->b : 0);
        return;
    }
    d = compile_push_v128(c);
    at = compile_op(c, (enum code_op)s->op);
    compile_pp(c, d, addr);
    if (s->shape == SIMD_SH_LOAD_LANE) {
        compile_pp(c, v, off);
        compile_pp(c, in->b, 0);
    } else {
        compile_pp(c, off, 0);
    }
    compile_vproducer(c, at + 2);
}

void compile_simd(compiler *c, const wi_instr *in)
{
    uint32_t sub = in->op & 0xFFFFu;
    const csimd *s = sub < SIMD_NSUB ? &compile_simd_ops[sub] : NULL;
    if (!s || s->shape == SIMD_SH_NONE) {
        c->bug = "unknown 0xFD opcode";
        return;
    }
    switch (s->shape) {
    case SIMD_SH_UN: compile_simd_vv(c, s->op, 1); break;
    case SIMD_SH_BIN: {
        /* swizzle, and relaxed_swizzle which means the same (simd.h) */
        bool pshufb = (sub == 0x0E || sub == 0x100) && c->ssse3;
        compile_simd_vv(c, pshufb ? OP_v128_swizzle_ssse3 : s->op, 2);
        break;
    }
    case SIMD_SH_TERN: compile_simd_vv(c, s->op, 3); break;
    case SIMD_SH_TEST: compile_simd_to_scalar(c, s->op, false, 0); break;
    case SIMD_SH_EXTRACT: compile_simd_to_scalar(c, s->op, true, in->b); break;
    case SIMD_SH_SHIFT: compile_simd_vs(c, s->op, false, 0); break;
    case SIMD_SH_REPLACE: compile_simd_vs(c, s->op, true, in->b); break;
    case SIMD_SH_SPLAT: compile_simd_splat(c, s->op); break;
    case SIMD_SH_CONST: compile_simd_bytes(c, s->op, in->bytes, false); break;
    case SIMD_SH_SHUFFLE: compile_simd_bytes(c, s->op, in->bytes, true); break;
    default: compile_simd_mem(c, s, in); break;
    }
}
