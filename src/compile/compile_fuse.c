/*
 * compile_fuse.c - super-instructions. The translator emits each instruction as soon as it
 * reads it; when a consumer finds that its operand was computed by the very last instruction
 * emitted (compile_fusable), it can take that instruction back and emit one op doing both:
 * a relation and the branch on it, an address add (or a scaled index) and the load or store
 * through it, a shift and the add/and/or/xor/sub consuming it. A constant added to a sum just
 * computed folds into that sum's own constant. Each fused op keeps the arithmetic of the ops
 * it replaces bit for bit (i32 sums wrap at 32 bits) and traps at the consumer's offset.
 */
#include <string.h>

#include "compile_int.h"

/* ------------------------------------------------------------------------------------------ */
/* Conditions: what br_if and if test. When the condition was computed by the instruction just
 * emitted (an integer relation, or i32.eqz), that instruction is taken back and fused into the
 * branch: a relation becomes a compare-and-branch op, eqz flips the branch's sense. */

/* The relations that have a compare-and-branch form, with their negations. */
typedef struct crel {
    uint16_t op, brc; /* OP_x (OP_x + 1 is OP_x_ri), OP_brc_x (+ 1: _ri) */
    uint8_t neg;      /* index of the negated relation in compile_rels */
} crel;

#define REL_(n, ng) {OP_##n, OP_brc_##n, ng}
static const crel compile_rels[20] = {
    REL_(i32_eq, 1), REL_(i32_ne, 0), REL_(i32_lt_s, 8), REL_(i32_lt_u, 9),
    REL_(i32_gt_s, 6), REL_(i32_gt_u, 7), REL_(i32_le_s, 4), REL_(i32_le_u, 5),
    REL_(i32_ge_s, 2), REL_(i32_ge_u, 3),
    REL_(i64_eq, 11), REL_(i64_ne, 10), REL_(i64_lt_s, 18), REL_(i64_lt_u, 19),
    REL_(i64_gt_s, 16), REL_(i64_gt_u, 17), REL_(i64_le_s, 14), REL_(i64_le_u, 15),
    REL_(i64_ge_s, 12), REL_(i64_ge_u, 13),
};
#undef REL_


/* Pop the condition on top of the stack, fusing the instruction that computed it if that
 * instruction was the last one emitted. */
bool compile_pop_cond(compiler *c, ccond *cc)
{
    const code_word *in;
    const void *h;
    if (!compile_need(c, 1))
        return false;
    memset(cc, 0, sizeof *cc);
    cc->rel = -1;
    h = compile_producer_of(c, c->h - 1);
    if (h && h == c->hs[OP_i32_eqz]) {
        cc->negate = true;
        cc->a = c->code[c->pd_word].p.b;
    } else {
        for (int r = 0; h && r < 20 && cc->rel < 0; r++) {
            cc->imm = h == c->hs[compile_rels[r].op + 1];
            if (!cc->imm && h != c->hs[compile_rels[r].op])
                continue;
            in = &c->code[c->pd_word];
            cc->rel = r;
            cc->a = in[0].p.b;
            cc->b = in[1].p.a;
            cc->k = in[1].u;
        }
        if (cc->rel < 0) {
            cc->a = compile_src(c, c->h - 1);
            compile_pop(c);
            return true;
        }
    }
    compile_take_back(c, c->pd_word - 1);
    compile_pop(c);
    return true;
}

/* Emit a conditional branch on cc (on its negation if invert), back to the code index `to` or,
 * when to is negative, forward with the offset left to patch. Returns the instruction's index;
 * its offset is in field b of the word after it. */
size_t compile_cond_branch(compiler *c, const ccond *cc, bool invert, int64_t to)
{
    bool neg = cc->negate != invert;
    size_t at;
    if (cc->rel < 0) {
        at = compile_op(c, neg ? OP_br_unless : to >= 0 ? OP_br_if_back : OP_br_if);
        compile_pp(c, cc->a, 0);
    } else {
        const crel *r = &compile_rels[neg ? compile_rels[cc->rel].neg : cc->rel];
        at = compile_op(c, (enum code_op)(r->brc + (cc->imm ? 1 : 0)));
        compile_pp(c, cc->a, 0);
        if (cc->imm)
            compile_u64(c, cc->k);
        else
            compile_pp(c, cc->b, 0);
    }
    if (to >= 0)
        compile_set_half(c, at + 1, 1, compile_rel(c, at, (size_t)to));
    return at;
}

/* ------------------------------------------------------------------------------------------ */
/* Shifts fused into their consumer                                                           */

/* The shifts by a constant that fuse into a following i32 add/sub/and/or/xor as its shifted
 * operand: the index of the SHIFT form (code.h: shl, shr_u, rotl), or -1. */
static int compile_shift_at(const compiler *c, size_t word, uint32_t *x, uint32_t *k)
{
    static const uint16_t shifts[4] = {OP_i32_shl_ri, OP_i32_shr_u_ri, OP_i32_rotl_ri,
                                       OP_i32_rotr_ri};
    for (int f = 0; f < 4; f++) {
        if (c->code[word - 1].h != c->hs[shifts[f]])
            continue;
        *x = c->code[word].p.b;
        *k = (uint32_t)c->code[word + 1].u & 31;
        if (f == 3) { /* rotr by k is rotl by 32 - k */
            *k = (32 - *k) & 31;
            f = 2;
        }
        return f;
    }
    return -1;
}

/* Entry i computed by the last instruction, a shift by a constant? (see compile_shift_at) */
static int compile_shift_form(const compiler *c, size_t i, uint32_t *x, uint32_t *k)
{
    if (!compile_producer_of(c, i))
        return -1;
    return compile_shift_at(c, c->pd_word, x, k);
}

/* The top two entries computed by the last two instructions, the deeper one by a shift by a
 * constant (`(i << 2) + (base + 32)`)? Returns the shift's form as compile_shift_at. */
static int compile_prev_shift(const compiler *c, uint32_t *x, uint32_t *k)
{
    if (c->h < 2 || c->st[c->h - 1].kind != E_SLOT || c->st[c->h - 2].kind != E_SLOT ||
        !c->pd_ok || c->pd_end != c->ncode || c->pd_h != c->h - 1 || !c->pd2_ok ||
        c->pd2_h != c->h - 2 || c->pd2_word < 1 || c->pd2_word + 1 >= c->pd_word ||
        c->code[c->pd2_word].p.a != compile_home(c, c->h - 2))
        return -1;
    return compile_shift_at(c, c->pd2_word, x, k);
}

/* The module offset that code index pos was mapped to. */
static uint32_t compile_offset_of(const compiler *c, size_t pos)
{
    for (size_t i = c->nmap; i-- > 0;)
        if (c->map[i][0] <= pos)
            return c->map[i][1];
    return (uint32_t)c->cur_off;
}

/* Remove the instruction before the last one (a shift found by compile_prev_shift) and move
 * the last one down in its place. That is sound: the last instruction computed entry h - 1
 * from entries at h - 1 and above (or locals), so it never read the shift's result in its home
 * slot h - 2, and it wrote only its own home slot, which is not where the shift read from. */
static void compile_drop_prev(compiler *c)
{
    size_t p1 = c->pd2_word - 1, p2 = c->pd_word - 1, n = c->ncode - p2;
    uint32_t off2 = compile_offset_of(c, p2);
    memmove(&c->code[p1], &c->code[p2], n * sizeof *c->code);
    while (c->nmap && c->map[c->nmap - 1][0] >= p1)
        c->nmap--;
    c->ncode = p1; /* compile_map maps from ncode on */
    compile_map(c, off2); /* a load moved down still traps at its own offset */
    c->ncode = p1 + n;
    c->pd_word -= p2 - p1;
    c->pd_end = c->ncode;
    c->pd2_ok = false;
    compile_map(c, c->cur_off);
}

/* An i32 add/sub/and/or/xor one of whose operands was computed by the instruction just emitted,
 * a shift by a constant: that shift is taken back and fused in (i32_NAME_SHIFT). The shifted
 * value must be the second operand, or either for the commutative ops; an add of a constant to
 * a shl becomes i32_shl_add_ri, the scaled index of an array access. Returns false when the
 * pattern is not there (nothing emitted). */
/* Replace the top two entries (their code taken back) by a + konst + (x << k). */
static void compile_add_shl_ri(compiler *c, uint32_t a, uint32_t konst, uint32_t x, uint32_t k)
{
    uint32_t d;
    size_t at;
    compile_pop(c);
    compile_pop(c);
    d = compile_push(c);
    at = compile_op(c, OP_i32_add_shl_ri);
    compile_pp(c, d, a);
    compile_pp(c, x, k);
    compile_pp(c, konst, 0);
    compile_producer(c, at + 1);
}

bool compile_binop_shifted(compiler *c, uint16_t op)
{
    static const uint16_t ops[5] = {OP_i32_add, OP_i32_sub, OP_i32_and, OP_i32_or, OP_i32_xor};
    const centry *ea = &c->st[c->h - 2], *eb = &c->st[c->h - 1];
    uint32_t a, x, k, d;
    size_t at;
    int name = -1, form;
    for (int i = 0; i < 5; i++)
        if (op == ops[i])
            name = i;
    if (name < 0)
        return false;
    if (name == 0 && eb->kind == E_CONST && compile_fusable_at(c, c->h - 2, c->hs[OP_i32_shl_ri])) {
        uint64_t konst = eb->k;
        x = c->code[c->pd_word].p.b;
        k = (uint32_t)c->code[c->pd_word + 1].u & 31;
        compile_take_back(c, c->pd_word - 1);
        compile_pop(c);
        compile_pop(c);
        d = compile_push(c);
        at = compile_op(c, OP_i32_shl_add_ri);
        compile_pp(c, d, x);
        compile_pp(c, (uint32_t)konst, k);
        compile_producer(c, at + 1);
        return true;
    }
    if (ea->kind != E_CONST && (form = compile_shift_form(c, c->h - 1, &x, &k)) >= 0) {
        /* The add must still be entry h-2's value: after a drop, a pending local or constant
         * may stand at that height while the dropped add's code still precedes the shift. */
        if (name == 0 && form == 0 && ea->kind == E_SLOT && c->pd2_ok && c->pd2_h == c->h - 2 &&
            c->pd2_word >= 1 && c->code[c->pd2_word - 1].h == c->hs[OP_i32_add_ri] &&
            c->code[c->pd2_word].p.a == compile_home(c, c->h - 2)) {
            /* (a + c) + (x << k), the add of the constant just before the shift */
            const code_word *add = &c->code[c->pd2_word];
            compile_take_back(c, c->pd2_word - 1);
            compile_add_shl_ri(c, add[0].p.b, (uint32_t)add[1].u, x, k);
            return true;
        }
        compile_take_back(c, c->pd_word - 1);
        a = compile_src(c, c->h - 2); /* a local or a slot: emits nothing */
    } else if (name != 1 && eb->kind == E_LOCAL &&
               (form = compile_shift_form(c, c->h - 2, &x, &k)) >= 0) {
        compile_take_back(c, c->pd_word - 1);
        a = eb->local;
    } else if (name != 1 && (form = compile_prev_shift(c, &x, &k)) >= 0) {
        compile_drop_prev(c);
        if (name == 0 && form == 0 && compile_fusable(c, c->hs[OP_i32_add_ri])) {
            /* (x << k) + (a + c): the add of the constant moved down is taken back too */
            const code_word *add = &c->code[c->pd_word];
            uint32_t base = add[0].p.b, konst = (uint32_t)add[1].u;
            compile_take_back(c, c->pd_word - 1);
            compile_add_shl_ri(c, base, konst, x, k);
            return true;
        }
        a = compile_home(c, c->h - 1);
        c->pd_ok = false;
    } else {
        return false;
    }
    compile_pop(c);
    compile_pop(c);
    d = compile_push(c);
    at = compile_op(c, (enum code_op)(OP_i32_add_shl + 3 * name + form));
    compile_pp(c, d, a);
    compile_pp(c, x, k);
    compile_producer(c, at + 1);
    return true;
}

/* Is `x OP k` just x? (x + 0, x | 0, x << 0, x * 1, x & -1 ...: compilers leave these
 * behind, e.g. clang's `n + 0` for a returned parameter.) The result then is the operand's own
 * entry, bit for bit: no instruction at all. */
bool compile_identity(uint16_t op, uint64_t k)
{
    switch (op) {
    case OP_i32_add: case OP_i32_sub: case OP_i32_or: case OP_i32_xor:
    case OP_i64_add: case OP_i64_sub: case OP_i64_or: case OP_i64_xor:
        return k == 0;
    case OP_i32_shl: case OP_i32_shr_s: case OP_i32_shr_u: case OP_i32_rotl: case OP_i32_rotr:
        return (k & 31) == 0;
    case OP_i64_shl: case OP_i64_shr_s: case OP_i64_shr_u: case OP_i64_rotl: case OP_i64_rotr:
        return (k & 63) == 0;
    case OP_i32_mul: case OP_i64_mul:
        return k == 1;
    case OP_i32_and:
        return (uint32_t)k == UINT32_MAX;
    case OP_i64_and:
        return k == UINT64_MAX;
    default:
        return false;
    }
}

/* Adding the constant k to a value just computed by an op that adds a constant itself
 * (i32_add_ri, i32_shl_add_ri, i32_add_shl_ri): fold k into that op's constant (i32 sums wrap,
 * so the order of the additions does not matter). Returns false if there is no such op. */
bool compile_fold_add(compiler *c, uint32_t k)
{
    code_word *in;
    if (c->h < 2)
        return false;
    in = &c->code[c->pd_word];
    if (compile_fusable_at(c, c->h - 2, c->hs[OP_i32_add_ri]))
        in[1].u = (uint32_t)((uint32_t)in[1].u + k);
    else if (compile_fusable_at(c, c->h - 2, c->hs[OP_i32_shl_add_ri]))
        in[1].p.a += k;
    else if (compile_fusable_at(c, c->h - 2, c->hs[OP_i32_add_shl_ri]))
        in[2].p.a += k;
    else
        return false;
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Address arithmetic fused into loads and stores                                             */

/* A load whose address was computed by the last instruction emitted: an i32.add of a slot or a
 * constant (_x, _xi), or a scaled index (_xs, _sxi). That instruction is taken back and its
 * operands become the load's. Returns false (nothing emitted) if there is no such add. */
bool compile_load_fused(compiler *c, uint16_t op, uint32_t offset)
{
    const void *h;
    const code_word *in;
    uint32_t a, b, k = 0, d;
    size_t at;
    int form; /* 0 _x, 1 _xi, 2 _xs, 3 _sxi */
    if (op < OP_ld8s32 || op > OP_ld64 || !compile_need(c, 1) ||
        !(h = compile_producer_of(c, c->h - 1)))
        return false;
    if (h == c->hs[OP_i32_add])
        form = 0;
    else if (h == c->hs[OP_i32_add_ri])
        form = 1;
    else if (h == c->hs[OP_i32_add_shl])
        form = 2;
    else if (h == c->hs[OP_i32_shl_add_ri])
        form = 3;
    else
        return false;
    in = &c->code[c->pd_word];
    a = in[0].p.b;
    b = form == 1 ? (uint32_t)in[1].u : in[1].p.a;
    if (form >= 2)
        k = in[1].p.b; /* the shift count comes along in a fourth word */
    compile_take_back(c, c->pd_word - 1);
    compile_pop(c);
    d = compile_push(c);
    at = compile_op(c, (enum code_op)((form < 2 ? OP_ld8s32_x : OP_ld8s32_xs) +
                                      2 * (op - OP_ld8s32) + (form & 1)));
    compile_pp(c, d, a);
    compile_pp(c, b, offset);
    if (form >= 2)
        compile_pp(c, k, 0);
    compile_producer(c, at + 1);
    return true;
}

/* A store whose address was computed by the last instruction emitted, an i32.add, and whose
 * value is a local or a constant (so no code ran in between): fuse the add into the store. */
bool compile_store_fused(compiler *c, uint16_t op, uint32_t offset)
{
    const centry *addr = &c->st[c->h - 2], *val = &c->st[c->h - 1];
    const code_word *in;
    uint32_t a, b, v;
    bool xi;
    if (op < OP_st8 || op > OP_st64 || addr->kind != E_SLOT || val->kind == E_SLOT ||
        !c->pd_ok || c->pd_end != c->ncode || c->pd_h != c->h - 2 || c->pd_word < 1)
        return false;
    in = &c->code[c->pd_word - 1];
    xi = in->h == c->hs[OP_i32_add_ri];
    if (!xi && in->h != c->hs[OP_i32_add])
        return false;
    a = in[1].p.b;
    b = xi ? (uint32_t)in[2].u : in[2].p.a;
    /* a constant value is stored to its home slot first: that must not be an add operand */
    if (val->kind == E_CONST &&
        (a == compile_home(c, c->h - 1) || (!xi && b == compile_home(c, c->h - 1))))
        return false;
    compile_take_back(c, c->pd_word - 1);
    v = compile_src(c, c->h - 1);
    compile_pop(c);
    compile_pop(c);
    compile_op(c, (enum code_op)(OP_st8_x + 2 * (op - OP_st8) + (xi ? 1 : 0)));
    compile_pp(c, a, b);
    compile_pp(c, v, offset);
    return true;
}
