/*
 * compile.c - translate each validated function, once, into the interpreter's internal code
 * (code.h).
 *
 * The compiler walks the body with wi_read and keeps a model of the operand stack. An entry
 * is either in its home slot (fp[L + height]), or still a pending reference to a local
 * (local.get emits nothing: the consumer reads the local's slot directly), or a pending
 * constant (used as an immediate operand, or stored when something needs it in a slot).
 * Pending entries are made real ("materialised") wherever control flow merges, so that at
 * every label the stack lives entirely in home slots. The result of the last instruction can
 * be redirected into a local by a following local.set/tee (its destination field is patched),
 * or taken back and fused into its consumer (compile_fuse.c).
 */
#include <stdlib.h>
#include <string.h>

#include "compile_int.h"
#include "compile_dump.h"
#include "../exec/exec.h"
#include "../exec/simd_ssse3.h"

/* ------------------------------------------------------------------------------------------ */
/* Emission                                                                                   */

static void compile_word(compiler *c, code_word w)
{
    if (c->ncode == c->capcode &&
        !xgrow((void **)&c->code, &c->capcode, c->ncode + 1, sizeof *c->code)) {
        c->oom = true;
        return;
    }
    c->code[c->ncode++] = w;
}

size_t compile_op(compiler *c, enum code_op op)
{
    code_word w;
    size_t at = c->ncode;
    w.h = c->hs[op];
    compile_word(c, w);
    if (op >= OP_v128_global_get) { /* a SIMD op: its own handler follows (code.h) */
        w.h = c->shs[op - OP_v128_global_get];
        compile_word(c, w);
    }
    return at;
}

void compile_pp(compiler *c, uint32_t a, uint32_t b)
{
    code_word w;
    w.u = 0;
    w.p.a = a;
    w.p.b = b;
    compile_word(c, w);
}

void compile_u64(compiler *c, uint64_t u)
{
    code_word w;
    w.u = u;
    compile_word(c, w);
}

static void compile_ptr(compiler *c, const void *p)
{
    code_word w;
    w.u = 0;
    w.ptr = p;
    compile_word(c, w);
}

void compile_set_half(compiler *c, size_t word, int half, uint32_t v)
{
    if (word >= c->ncode)
        return; /* only after running out of memory */
    if (half)
        c->code[word].p.b = v;
    else
        c->code[word].p.a = v;
}

/* The relative offset from the branch instruction at `base` to the current position. */
uint32_t compile_rel(const compiler *c, size_t base, size_t to)
{
    WEFT_UNUSED(c);
    return (uint32_t)(int32_t)((int64_t)to - (int64_t)base);
}

/* Remember that the instruction just emitted writes its result into the word `word`,
 * field a, for the entry on top of the stack: a local.set may redirect it. */
void compile_producer(compiler *c, size_t word)
{
    c->pd2_ok = c->pd_ok && c->pd_end + 1 == word;
    c->pd2_word = c->pd_word;
    c->pd2_h = c->pd_h;
    c->pd_ok = true;
    c->pd_word = word;
    c->pd_end = c->ncode;
    c->pd_h = c->h - 1;
}

/* Record that the code from here on belongs to the instruction at module offset off. */
void compile_map(compiler *c, size_t off)
{
    if (c->nmap && c->map[c->nmap - 1][0] == c->ncode) {
        c->map[c->nmap - 1][1] = (uint32_t)off;
        return;
    }
    if (!xgrow((void **)&c->map, &c->capmap, c->nmap + 1, sizeof *c->map)) {
        c->oom = true;
        return;
    }
    c->map[c->nmap][0] = (uint32_t)c->ncode;
    c->map[c->nmap][1] = (uint32_t)off;
    c->nmap++;
}

/* Take back the last instruction emitted (it starts at code index `start`) to fuse it into the
 * one being translated, which then owns the code from `start` on, for trap offsets too. */
void compile_take_back(compiler *c, size_t start)
{
    c->ncode = start;
    c->pd_ok = false;
    while (c->nmap && c->map[c->nmap - 1][0] >= start)
        c->nmap--;
    compile_map(c, c->cur_off);
}

/* ------------------------------------------------------------------------------------------ */
/* The operand stack model                                                                    */

static void compile_mov(compiler *c, uint32_t d, uint32_t s)
{
    if (d == s)
        return;
    compile_op(c, OP_mov);
    compile_pp(c, d, s);
}

static void compile_konst(compiler *c, uint32_t d, uint64_t k)
{
    compile_op(c, OP_konst);
    compile_pp(c, d, 0);
    compile_u64(c, k);
}

/* Make entry i live in its home slot. */
void compile_mat(compiler *c, size_t i)
{
    centry *e = &c->st[i];
    if (e->kind == E_LOCAL) {
        compile_mov(c, compile_home(c, i), e->local);
        c->refs[e->local]--;
    } else if (e->kind == E_CONST) {
        compile_konst(c, compile_home(c, i), e->k);
    }
    e->kind = E_SLOT;
}

void compile_mat_all(compiler *c)
{
    for (size_t i = 0; i < c->h; i++)
        compile_mat(c, i);
}

/* The slot to read entry i from (a pending constant is stored first). */
uint32_t compile_src(compiler *c, size_t i)
{
    if (c->st[i].kind == E_LOCAL)
        return c->st[i].local;
    compile_mat(c, i);
    return compile_home(c, i);
}

bool compile_need(compiler *c, size_t n)
{
    size_t floor = c->nfr ? c->fr[c->nfr - 1].h0 : 0;
    if (c->h < floor + n) {
        c->bug = "operand stack underflow";
        return false;
    }
    return true;
}

void compile_pop(compiler *c)
{
    if (c->h == 0)
        return;
    c->h--;
    if (c->st[c->h].kind == E_LOCAL)
        c->refs[c->st[c->h].local]--;
}

static centry *compile_push_entry(compiler *c)
{
    if (c->h == c->capst && !xgrow((void **)&c->st, &c->capst, c->h + 1, sizeof *c->st)) {
        c->oom = true;
        return NULL;
    }
    centry *e = &c->st[c->h++];
    e->kind = E_SLOT;
    e->local = 0;
    e->k = 0;
    e->vhi = 0;
    if (c->h > c->maxh)
        c->maxh = c->h;
    return e;
}

/* Push a result in its home slot; returns that slot. */
uint32_t compile_push(compiler *c)
{
    compile_push_entry(c);
    return compile_home(c, c->h ? c->h - 1 : 0);
}

static void compile_push_local(compiler *c, uint32_t local)
{
    centry *e = compile_push_entry(c);
    if (e) {
        e->kind = E_LOCAL;
        e->local = local;
        c->refs[local]++;
    }
}

/* ---- v128: two entries, two slots ---- */

/* Push a v128 result in its home slots; returns the first. */
uint32_t compile_push_v128(compiler *c)
{
    uint32_t d = compile_push(c);
    compile_push(c);
    if (!c->oom)
        c->st[c->h - 1].vhi = 1;
    return d;
}

/* Push n values of the given types in their home slots (a label's values). */
void compile_push_types(compiler *c, const uint8_t *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (types[i] == WEFT_V128)
            compile_push_v128(c);
        else
            compile_push(c);
}

/* The first slot to read the v128 of entries lo, lo + 1 from: the local it still is, or its
 * home slots (a pending constant or a half-copied local materialised first). */
uint32_t compile_vsrc(compiler *c, size_t lo)
{
    const centry *a = &c->st[lo], *b = &c->st[lo + 1];
    if (a->kind == E_LOCAL && b->kind == E_LOCAL && b->local == a->local + 1)
        return a->local;
    compile_mat(c, lo);
    compile_mat(c, lo + 1);
    return compile_home(c, lo);
}

/* The instruction just emitted computed a v128 into the top two entries' home slots; its
 * destination is field a of `word`. */
void compile_vproducer(compiler *c, size_t word)
{
    c->pd_ok = false;
    c->vpd_ok = true;
    c->vpd_word = word;
    c->vpd_end = c->ncode;
    c->vpd_h = c->h - 2;
}

/* Is the top of the stack a v128? */
static bool compile_top_v128(const compiler *c)
{
    return c->h > 0 && c->st[c->h - 1].vhi;
}

static void compile_push_const(compiler *c, uint64_t k)
{
    centry *e = compile_push_entry(c);
    if (e) {
        e->kind = E_CONST;
        e->k = k;
    }
}

/* The parameter or result types of a block type (or of a function's type index). */
static const uint8_t *compile_bt_types(const compiler *c, int64_t bt, bool params, uint32_t *n)
{
    static const uint8_t one[] = {WEFT_I32, WEFT_V128};
    *n = 0;
    if (bt == WI_BT_EMPTY)
        return NULL;
    if (bt < 0) {
        if (params)
            return NULL;
        *n = 1;
        return wi_bt_valtype(bt) == WEFT_V128 ? &one[1] : &one[0];
    }
    if ((uint64_t)bt >= c->m->ntypes)
        return NULL;
    *n = params ? c->m->types[bt].nparams : c->m->types[bt].nresults;
    return params ? wm_params(&c->m->types[bt]) : wm_results(&c->m->types[bt]);
}

/* Cut the stack to height h0 and push the block's parameters or results in their home slots
 * (a label's values). */
void compile_reset(compiler *c, uint32_t h0, int64_t bt, bool params)
{
    uint32_t n;
    const uint8_t *types = compile_bt_types(c, bt, params, &n);
    while (c->h > h0)
        compile_pop(c);
    compile_push_types(c, types, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Locals                                                                                     */

/* Does local x certainly hold the zero it was initialised with? A declared local (locals are
 * zeroed on entry, parameters are not) that no code so far assigns, outside every loop: code
 * is translated in order and branches outside loops only go forward, so any path reaching
 * here ran only code translated before, none of which assigns x. */
static bool compile_still_zero(const compiler *c, uint32_t x)
{
    return x >= c->nparams && c->loops == 0 && !c->assigned[x];
}

static void compile_local_set(compiler *c, uint32_t x, bool tee)
{
    centry top;
    if (x >= c->L) {
        c->bug = "local index out of range";
        return;
    }
    if (!compile_need(c, 1))
        return;
    top = c->st[c->h - 1];
    if (!(top.kind == E_LOCAL && top.local == x)) {
        /* entries still reading the old value of x must get their copy first */
        if (c->refs[x] > 0)
            for (size_t i = 0; i + 1 < c->h; i++)
                if (c->st[i].kind == E_LOCAL && c->st[i].local == x)
                    compile_mat(c, i);
        if (top.kind == E_SLOT && c->pd_ok && c->pd_end == c->ncode && c->pd_h == c->h - 1)
            compile_set_half(c, c->pd_word, 0, x);
        else if (top.kind == E_CONST) {
            if (!(top.k == 0 && compile_still_zero(c, x)))
                compile_konst(c, x, top.k);
        } else
            compile_mov(c, x, top.kind == E_LOCAL ? top.local : compile_home(c, c->h - 1));
    }
    c->assigned[x] = 1;
    c->pd_ok = false;
    compile_pop(c);
    if (tee)
        compile_push_local(c, x);
}

/* Copies of the old value of slot x still on the stack (below the top n) get their own. */
static void compile_save_readers(compiler *c, uint32_t x, size_t n)
{
    if (c->refs[x] > 0)
        for (size_t i = 0; i + n < c->h; i++)
            if (c->st[i].kind == E_LOCAL && c->st[i].local == x)
                compile_mat(c, i);
}

/* local.set/tee of a v128 local at slots x, x + 1. */
static void compile_local_set_v128(compiler *c, uint32_t x, bool tee)
{
    const centry *lo, *hi;
    if (x + 1 >= c->L) {
        c->bug = "local index out of range";
        return;
    }
    if (!compile_need(c, 2))
        return;
    lo = &c->st[c->h - 2];
    hi = &c->st[c->h - 1];
    if (!(lo->kind == E_LOCAL && lo->local == x && hi->kind == E_LOCAL && hi->local == x + 1)) {
        compile_save_readers(c, x, 2);
        compile_save_readers(c, x + 1, 2);
        if (lo->kind == E_SLOT && hi->kind == E_SLOT && c->vpd_ok && c->vpd_end == c->ncode &&
            c->vpd_h == c->h - 2) {
            compile_set_half(c, c->vpd_word, 0, x);
        } else {
            for (uint32_t k = 0; k < 2; k++) {
                const centry *e = &c->st[c->h - 2 + k];
                if (e->kind == E_CONST)
                    compile_konst(c, x + k, e->k);
                else
                    compile_mov(c, x + k,
                                e->kind == E_LOCAL ? e->local : compile_home(c, c->h - 2 + k));
            }
        }
    }
    c->assigned[x] = c->assigned[x + 1] = 1;
    c->pd_ok = c->vpd_ok = false;
    compile_pop(c);
    compile_pop(c);
    if (tee) {
        compile_push_local(c, x);
        compile_push_local(c, x + 1);
        if (!c->oom)
            c->st[c->h - 1].vhi = 1;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Control                                                                                    */

bool compile_blocktype(compiler *c, int64_t bt, uint32_t *np, uint32_t *nr)
{
    if (bt == WI_BT_EMPTY) {
        *np = *nr = 0;
    } else if (bt < 0) {
        *np = 0;
        *nr = wi_bt_valtype(bt) == WEFT_V128 ? 2 : 1;
    } else if ((uint64_t)bt < c->m->ntypes) {
        *np = wm_param_slots(&c->m->types[bt]);
        *nr = wm_result_slots(&c->m->types[bt]);
    } else {
        c->bug = "bad block type";
        return false;
    }
    return true;
}

cframe *compile_push_frame(compiler *c, uint8_t kind, int64_t bt, uint32_t np,
                                  uint32_t nr)
{
    cframe *f;
    if (c->nfr == c->capfr && !xgrow((void **)&c->fr, &c->capfr, c->nfr + 1, sizeof *c->fr)) {
        c->oom = true;
        return NULL;
    }
    f = &c->fr[c->nfr++];
    f->kind = kind;
    f->h0 = (uint32_t)(c->h - np);
    f->nparams = np;
    f->nresults = nr;
    f->start = (uint32_t)c->ncode;
    f->patches = -1;
    f->else_at = 0;
    f->bt = bt;
    f->try_start = f->try_end = f->level = f->eh_first = f->eh_count = 0;
    f->exn_slot = CODE_NO_SLOT;
    if (kind == F_LOOP)
        c->loops++;
    return f;
}

cframe *compile_target(compiler *c, uint32_t depth)
{
    if (depth >= c->nfr) {
        c->bug = "branch depth out of range";
        return NULL;
    }
    return &c->fr[c->nfr - 1 - depth];
}

static uint32_t compile_arity(const cframe *f)
{
    return f->kind == F_LOOP ? f->nparams : f->nresults;
}

uint32_t compile_dest(const compiler *c, const cframe *f)
{
    return f->kind == F_FUNC ? 0 : c->L + f->h0;
}

/* Do the top `arity` values need copying to reach the label's slots? */
static bool compile_needs_moves(const compiler *c, const cframe *f)
{
    uint32_t n = compile_arity(f), dest = compile_dest(c, f);
    size_t base = c->h - n;
    for (uint32_t i = 0; i < n; i++) {
        const centry *e = &c->st[base + i];
        if (e->kind != E_SLOT || compile_home(c, base + i) != dest + i)
            return true;
    }
    return false;
}

/* Copy the top n values to slots dest.. without changing the model (a branch may not be
 * taken). Sources sit above the destination (or are locals, or constants), so ascending order
 * never overwrites a source still to be read; except for a function's results, which go to
 * fp[0..n) where locals live: those locals are copied to their home slots first. */
void compile_moves(compiler *c, uint32_t dest, uint32_t n)
{
    size_t base = c->h - n;
    bool into_locals = dest < c->L && n > 1;
    for (uint32_t i = 0; into_locals && i < n; i++)
        if (c->st[base + i].kind == E_LOCAL)
            compile_mov(c, compile_home(c, base + i), c->st[base + i].local);
    for (uint32_t i = 0; i < n; i++) {
        const centry *e = &c->st[base + i];
        if (e->kind == E_CONST)
            compile_konst(c, dest + i, e->k);
        else if (e->kind == E_LOCAL && !into_locals)
            compile_mov(c, dest + i, e->local);
        else
            compile_mov(c, dest + i, compile_home(c, base + i));
    }
}

static void compile_add_patch(compiler *c, cframe *f, size_t word, int half, size_t base)
{
    if (c->npt == c->cappt && !xgrow((void **)&c->pt, &c->cappt, c->npt + 1, sizeof *c->pt)) {
        c->oom = true;
        return;
    }
    c->pt[c->npt].word = (uint32_t)word;
    c->pt[c->npt].half = (uint8_t)half;
    c->pt[c->npt].base = (uint32_t)base;
    c->pt[c->npt].next = f->patches;
    f->patches = (int32_t)c->npt++;
}

/* An unconditional jump to the label of f (its values already in place). */
void compile_jump(compiler *c, cframe *f)
{
    size_t at;
    if (f->kind == F_FUNC) {
        compile_op(c, OP_ret);
    } else if (f->kind == F_LOOP) {
        at = compile_op(c, OP_br_back);
        compile_pp(c, compile_rel(c, at, f->start), 0);
    } else {
        at = compile_op(c, OP_br);
        compile_pp(c, 0, 0);
        compile_add_patch(c, f, at + 1, 0, at);
    }
}

static void compile_branch(compiler *c, cframe *f)
{
    uint32_t n = compile_arity(f);
    if (c->h < n) {
        c->bug = "branch operands missing";
        return;
    }
    if (f->kind == F_FUNC && n == 1 && c->st[c->h - 1].kind == E_SLOT && c->pd_ok &&
        c->pd_end == c->ncode && c->pd_h == c->h - 1) {
        /* a value computed just now: compute it straight into the result slot fp[0] (its
         * operands are read before the write, and nothing runs between it and ret) */
        compile_set_half(c, c->pd_word, 0, 0);
        compile_op(c, OP_ret);
        return;
    }
    if (f->kind == F_FUNC && n == 1 && c->st[c->h - 1].kind != E_CONST) {
        /* the common return of one value: one op copies it and returns */
        const centry *e = &c->st[c->h - 1];
        compile_op(c, OP_ret1);
        compile_pp(c, e->kind == E_LOCAL ? e->local : compile_home(c, c->h - 1), 0);
        return;
    }
    compile_moves(c, compile_dest(c, f), n);
    compile_jump(c, f);
}

static void compile_br_cond(compiler *c, uint32_t depth, ccond cc);

static void compile_br_if(compiler *c, uint32_t depth)
{
    ccond cc;
    if (compile_pop_cond(c, &cc))
        compile_br_cond(c, depth, cc);
}

/* br_on_null l: branch (without the reference) when it is null, else keep it.
 * br_on_non_null l: branch (with it) when it is not null, else drop it. */
static void compile_br_on(compiler *c, const wi_instr *in)
{
    ccond cc = {.rel = -1, .negate = in->op == 0xD5};
    if (!compile_need(c, 1))
        return;
    cc.a = compile_src(c, c->h - 1);
    if (in->op == 0xD5) {
        compile_pop(c);
        compile_br_cond(c, in->a, cc);
        uint32_t d = compile_push(c);
        if (d != cc.a) {
            compile_op(c, OP_mov);
            compile_pp(c, d, cc.a);
        }
    } else {
        compile_br_cond(c, in->a, cc);
        compile_pop(c);
    }
}

/* A branch to `depth` taken when cc holds. */
static void compile_br_cond(compiler *c, uint32_t depth, ccond cc)
{
    cframe *f;
    size_t at;
    if (!(f = compile_target(c, depth)))
        return;
    if (c->h < compile_arity(f)) {
        c->bug = "branch operands missing";
        return;
    }
    if (f->kind != F_FUNC && !compile_needs_moves(c, f)) {
        if (f->kind == F_LOOP) {
            compile_cond_branch(c, &cc, false, f->start);
        } else {
            at = compile_cond_branch(c, &cc, false, -1);
            compile_add_patch(c, f, at + 1, 1, at);
        }
        return;
    }
    at = compile_cond_branch(c, &cc, true, -1);
    compile_branch(c, f);
    compile_set_half(c, at + 1, 1, compile_rel(c, at, c->ncode));
}

static void compile_br_table(compiler *c, const wi_instr *in)
{
    uint32_t n = in->a, idx;
    size_t at, table;
    if (!compile_need(c, 1))
        return;
    idx = compile_src(c, c->h - 1);
    compile_pop(c);
    if (c->nfr > c->capstub &&
        !xgrow((void **)&c->stub, &c->capstub, c->nfr, sizeof *c->stub)) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < c->nfr; i++)
        c->stub[i] = -1;
    at = compile_op(c, OP_br_table);
    compile_pp(c, idx, n);
    table = c->ncode;
    for (uint32_t i = 0; i <= n; i += 2)
        compile_pp(c, 0, 0);
    /* direct targets first; labels needing moves (or a return) get a stub after the table */
    for (uint32_t i = 0; i <= n; i++) {
        cframe *f = compile_target(c, c->targets.v[i]);
        if (!f)
            return;
        if (c->h < compile_arity(f)) {
            c->bug = "branch operands missing";
            return;
        }
        if (f->kind == F_FUNC || compile_needs_moves(c, f))
            continue;
        if (f->kind == F_LOOP)
            compile_set_half(c, table + i / 2, i % 2, compile_rel(c, at, f->start));
        else
            compile_add_patch(c, f, table + i / 2, i % 2, at);
    }
    for (uint32_t i = 0; i <= n; i++) {
        uint32_t depth = c->targets.v[i];
        cframe *f = compile_target(c, depth);
        if (f->kind != F_FUNC && !compile_needs_moves(c, f))
            continue;
        if (c->stub[depth] < 0) {
            c->stub[depth] = (int32_t)c->ncode;
            compile_branch(c, f);
        }
        compile_set_half(c, table + i / 2, i % 2, compile_rel(c, at, (size_t)c->stub[depth]));
    }
}

/* Place the forward branches of f here. */
static void compile_resolve(compiler *c, cframe *f)
{
    for (int32_t p = f->patches; p >= 0; p = c->pt[p].next)
        compile_set_half(c, c->pt[p].word, c->pt[p].half,
                         compile_rel(c, c->pt[p].base, c->ncode));
    f->patches = -1;
}

static void compile_block(compiler *c, const wi_instr *in)
{
    uint32_t np, nr;
    ccond cc;
    cframe *f;
    if (!compile_blocktype(c, in->blocktype, &np, &nr))
        return;
    if (in->op == 0x04 && !compile_pop_cond(c, &cc))
        return;
    c->pd_ok = false;
    if (!compile_need(c, np))
        return;
    /* materialising reads only entries below the condition: its operands stay intact */
    compile_mat_all(c);
    f = compile_push_frame(c, in->op == 0x02 ? F_BLOCK : in->op == 0x03 ? F_LOOP : F_IF,
                           in->blocktype, np, nr);
    if (f && in->op == 0x03 && c->m->epoch_checks)
        compile_op(c, OP_epoch); /* at the loop's head: every iteration checks */
    if (f && in->op == 0x04)
        f->else_at = (uint32_t)compile_cond_branch(c, &cc, true, -1);
}

static void compile_else(compiler *c)
{
    cframe *f = &c->fr[c->nfr - 1];
    if (f->kind != F_IF) {
        c->bug = "else without if";
        return;
    }
    if (!c->dead) {
        compile_moves(c, compile_dest(c, f), f->nresults);
        compile_jump(c, f);
    }
    compile_set_half(c, f->else_at + 1, 1, compile_rel(c, f->else_at, c->ncode));
    f->kind = F_ELSE;
    compile_reset(c, f->h0, f->bt, true);
    c->dead = false;
}

/* Returns true at the function's final end. */
static bool compile_end(compiler *c)
{
    cframe *f = &c->fr[c->nfr - 1];
    if (f->kind == F_TRY_TABLE)
        compile_eh_end(c, f);
    if (!c->dead) {
        if (c->h < f->h0 + f->nresults) {
            c->bug = "block results missing";
            return true;
        }
        if (f->kind == F_FUNC)
            compile_branch(c, f);
        else
            compile_moves(c, compile_dest(c, f), f->nresults);
    }
    if (f->kind == F_FUNC) {
        compile_op(c, OP_unreachable); /* a guard: never reached */
        c->nfr--;
        return true;
    }
    if (f->kind == F_IF)
        compile_set_half(c, f->else_at + 1, 1, compile_rel(c, f->else_at, c->ncode));
    if (f->kind == F_LOOP)
        c->loops--;
    compile_resolve(c, f);
    compile_reset(c, f->h0, f->bt, false);
    c->nfr--;
    c->dead = false;
    return false;
}

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                      */

static void compile_call_common(compiler *c, const wm_functype *ft, size_t *base)
{
    *base = c->h - wm_param_slots(ft);
    for (size_t i = *base; i < c->h; i++)
        compile_mat(c, i);
}

static void compile_call_results(compiler *c, const wm_functype *ft)
{
    for (uint32_t i = wm_param_slots(ft); i > 0; i--)
        compile_pop(c);
    compile_push_types(c, wm_results(ft), ft->nresults);
}


/* A tail call's arguments: the calling function ends here. */
static void compile_tail_end(compiler *c, const wm_functype *ft)
{
    compile_call_results(c, ft);
    compile_go_dead(c);
}

static void compile_call(compiler *c, uint32_t fidx, bool tail)
{
    const weft_module *m = c->m;
    const wm_functype *ft;
    size_t base;
    if (fidx >= m->nfuncs || m->func_types[fidx] >= m->ntypes) {
        c->bug = "bad function index";
        return;
    }
    ft = &m->types[m->func_types[fidx]];
    if (!compile_need(c, wm_param_slots(ft)))
        return;
    compile_call_common(c, ft, &base);
    if (fidx >= m->nfunc_imports) {
        /* only a tiered module pays for the check that sends calls to native code */
        compile_op(c, tail ? OP_return_call : m->tiered ? OP_call_tiered : OP_call);
        compile_pp(c, compile_home(c, base), 0);
        compile_ptr(c, c->cfs[fidx - m->nfunc_imports]);
    } else {
        compile_op(c, tail ? OP_return_call_ext : OP_call_ext);
        compile_pp(c, compile_home(c, base), fidx);
    }
    if (tail)
        compile_tail_end(c, ft);
    else
        compile_call_results(c, ft);
}

/* call_ref / return_call_ref $t: the reference on top of the arguments. */
static void compile_call_ref(compiler *c, const wi_instr *in)
{
    const weft_module *m = c->m;
    const wm_functype *ft;
    uint32_t r;
    size_t base;
    if (in->a >= m->ntypes) {
        c->bug = "bad call_ref type";
        return;
    }
    ft = &m->types[in->a];
    if (!compile_need(c, wm_param_slots(ft) + 1))
        return;
    r = compile_src(c, c->h - 1);
    compile_pop(c);
    compile_call_common(c, ft, &base);
    compile_op(c, in->op == 0x15 ? OP_return_call_ref : OP_call_ref);
    compile_pp(c, compile_home(c, base), r);
    if (in->op == 0x15)
        compile_tail_end(c, ft);
    else
        compile_call_results(c, ft);
}

static void compile_call_indirect(compiler *c, const wi_instr *in)
{
    const weft_module *m = c->m;
    const wm_functype *ft;
    uint32_t idx;
    size_t base;
    if (in->a >= m->ntypes || in->b >= m->ntables) {
        c->bug = "bad call_indirect immediates";
        return;
    }
    ft = &m->types[m->type_canon ? m->type_canon[in->a] : in->a];
    if (!compile_need(c, wm_param_slots(ft) + 1))
        return;
    idx = compile_src(c, c->h - 1);
    compile_pop(c);
    compile_call_common(c, ft, &base);
    compile_op(c, in->op == 0x13 ? OP_return_call_indirect : OP_call_indirect);
    compile_pp(c, compile_home(c, base), idx);
    compile_pp(c, in->b, 0);
    compile_ptr(c, ft);
    if (in->op == 0x13)
        compile_tail_end(c, ft);
    else
        compile_call_results(c, ft);
}

/* ------------------------------------------------------------------------------------------ */
/* Plain instructions                                                                         */

enum { SH_NONE = 0, SH_UN, SH_BIN, SH_RI, SH_RIC, SH_NOP };
typedef struct numop {
    uint16_t op;
    uint8_t shape;
} numop;

#define U_(x, n) [(x) - 0x45] = {OP_##n, SH_UN}
#define B_(x, n) [(x) - 0x45] = {OP_##n, SH_BIN}
#define R_(x, n) [(x) - 0x45] = {OP_##n, SH_RI}
#define C_(x, n) [(x) - 0x45] = {OP_##n, SH_RIC}
#define N_(x) [(x) - 0x45] = {0, SH_NOP}
/* Numeric instructions 0x45..0xC4. SH_RI(C): has an immediate form (op + 1), C commutative.
 * SH_NOP: a reinterpretation, which leaves the slot's bits as they are. */
static const numop compile_numeric[0xC5 - 0x45] = {
    U_(0x45, i32_eqz), C_(0x46, i32_eq), C_(0x47, i32_ne), R_(0x48, i32_lt_s),
    R_(0x49, i32_lt_u), R_(0x4A, i32_gt_s), R_(0x4B, i32_gt_u), R_(0x4C, i32_le_s),
    R_(0x4D, i32_le_u), R_(0x4E, i32_ge_s), R_(0x4F, i32_ge_u),
    U_(0x50, i64_eqz), C_(0x51, i64_eq), C_(0x52, i64_ne), R_(0x53, i64_lt_s),
    R_(0x54, i64_lt_u), R_(0x55, i64_gt_s), R_(0x56, i64_gt_u), R_(0x57, i64_le_s),
    R_(0x58, i64_le_u), R_(0x59, i64_ge_s), R_(0x5A, i64_ge_u),
    B_(0x5B, f32_eq), B_(0x5C, f32_ne), B_(0x5D, f32_lt), B_(0x5E, f32_gt), B_(0x5F, f32_le),
    B_(0x60, f32_ge),
    B_(0x61, f64_eq), B_(0x62, f64_ne), B_(0x63, f64_lt), B_(0x64, f64_gt), B_(0x65, f64_le),
    B_(0x66, f64_ge),
    U_(0x67, i32_clz), U_(0x68, i32_ctz), U_(0x69, i32_popcnt), C_(0x6A, i32_add),
    R_(0x6B, i32_sub), C_(0x6C, i32_mul), B_(0x6D, i32_div_s), B_(0x6E, i32_div_u),
    B_(0x6F, i32_rem_s), B_(0x70, i32_rem_u), C_(0x71, i32_and), C_(0x72, i32_or),
    C_(0x73, i32_xor), R_(0x74, i32_shl), R_(0x75, i32_shr_s), R_(0x76, i32_shr_u),
    R_(0x77, i32_rotl), R_(0x78, i32_rotr),
    U_(0x79, i64_clz), U_(0x7A, i64_ctz), U_(0x7B, i64_popcnt), C_(0x7C, i64_add),
    R_(0x7D, i64_sub), C_(0x7E, i64_mul), B_(0x7F, i64_div_s), B_(0x80, i64_div_u),
    B_(0x81, i64_rem_s), B_(0x82, i64_rem_u), C_(0x83, i64_and), C_(0x84, i64_or),
    C_(0x85, i64_xor), R_(0x86, i64_shl), R_(0x87, i64_shr_s), R_(0x88, i64_shr_u),
    R_(0x89, i64_rotl), R_(0x8A, i64_rotr),
    U_(0x8B, f32_abs), U_(0x8C, f32_neg), U_(0x8D, f32_ceil), U_(0x8E, f32_floor),
    U_(0x8F, f32_trunc), U_(0x90, f32_nearest), U_(0x91, f32_sqrt), B_(0x92, f32_add),
    B_(0x93, f32_sub), B_(0x94, f32_mul), B_(0x95, f32_div), B_(0x96, f32_min),
    B_(0x97, f32_max), B_(0x98, f32_copysign),
    U_(0x99, f64_abs), U_(0x9A, f64_neg), U_(0x9B, f64_ceil), U_(0x9C, f64_floor),
    U_(0x9D, f64_trunc), U_(0x9E, f64_nearest), U_(0x9F, f64_sqrt), B_(0xA0, f64_add),
    B_(0xA1, f64_sub), B_(0xA2, f64_mul), B_(0xA3, f64_div), B_(0xA4, f64_min),
    B_(0xA5, f64_max), B_(0xA6, f64_copysign),
    U_(0xA7, i32_wrap_i64), U_(0xA8, i32_trunc_f32_s), U_(0xA9, i32_trunc_f32_u),
    U_(0xAA, i32_trunc_f64_s), U_(0xAB, i32_trunc_f64_u), U_(0xAC, i64_extend_i32_s),
    U_(0xAD, i64_extend_i32_u), U_(0xAE, i64_trunc_f32_s), U_(0xAF, i64_trunc_f32_u),
    U_(0xB0, i64_trunc_f64_s), U_(0xB1, i64_trunc_f64_u), U_(0xB2, f32_convert_i32_s),
    U_(0xB3, f32_convert_i32_u), U_(0xB4, f32_convert_i64_s), U_(0xB5, f32_convert_i64_u),
    U_(0xB6, f32_demote_f64), U_(0xB7, f64_convert_i32_s), U_(0xB8, f64_convert_i32_u),
    U_(0xB9, f64_convert_i64_s), U_(0xBA, f64_convert_i64_u), U_(0xBB, f64_promote_f32),
    N_(0xBC), N_(0xBD), N_(0xBE), N_(0xBF),
    U_(0xC0, i32_extend8_s), U_(0xC1, i32_extend16_s), U_(0xC2, i64_extend8_s),
    U_(0xC3, i64_extend16_s), U_(0xC4, i64_extend32_s),
};
#undef U_
#undef B_
#undef R_
#undef C_
#undef N_

static const uint16_t compile_sat[8] = {
    OP_i32_trunc_sat_f32_s, OP_i32_trunc_sat_f32_u, OP_i32_trunc_sat_f64_s,
    OP_i32_trunc_sat_f64_u, OP_i64_trunc_sat_f32_s, OP_i64_trunc_sat_f32_u,
    OP_i64_trunc_sat_f64_s, OP_i64_trunc_sat_f64_u,
};

/* Loads 0x28..0x35 and stores 0x36..0x3E. */
static const uint16_t compile_mem_ops[0x3F - 0x28] = {
    OP_ld32u, OP_ld64, OP_ld32u, OP_ld64, OP_ld8s32, OP_ld8u, OP_ld16s32, OP_ld16u,
    OP_ld8s64, OP_ld8u, OP_ld16s64, OP_ld16u, OP_ld32s64, OP_ld32u,
    OP_st32, OP_st64, OP_st32, OP_st64, OP_st8, OP_st16, OP_st8, OP_st16, OP_st32,
};

/* One operand popped, one result: [h][d|s], and for loads an offset word [offset|-]. */
static void compile_unary(compiler *c, uint16_t op, bool has_offset, uint32_t offset)
{
    uint32_t s, d;
    size_t at;
    if (!compile_need(c, 1))
        return;
    s = compile_src(c, c->h - 1);
    compile_pop(c);
    d = compile_push(c);
    at = compile_op(c, (enum code_op)op);
    compile_pp(c, d, s);
    if (has_offset)
        compile_pp(c, offset, 0);
    compile_producer(c, at + 1);
}

static void compile_unop(compiler *c, uint16_t op) { compile_unary(c, op, false, 0); }

static void compile_binop(compiler *c, const numop *n)
{
    centry *ea, *eb;
    uint32_t a, b, d;
    size_t at;
    bool imm = false;
    uint64_t k = 0;
    if (!compile_need(c, 2) || compile_binop_shifted(c, n->op))
        return;
    ea = &c->st[c->h - 2];
    eb = &c->st[c->h - 1];
    if (eb->kind == E_CONST && compile_identity(n->op, eb->k)) {
        compile_pop(c); /* the entry below, and what may redirect it, stay as they are */
        return;
    }
    if (eb->kind == E_CONST && (n->op == OP_i32_add || n->op == OP_i32_sub) &&
        compile_fold_add(c, n->op == OP_i32_add ? (uint32_t)eb->k : 0u - (uint32_t)eb->k)) {
        compile_pop(c);
        return;
    }
    if ((n->shape == SH_RI || n->shape == SH_RIC) && eb->kind == E_CONST) {
        imm = true;
        k = eb->k;
        a = compile_src(c, c->h - 2);
    } else if (n->shape == SH_RIC && ea->kind == E_CONST) {
        imm = true;
        k = ea->k;
        a = compile_src(c, c->h - 1);
    } else {
        a = compile_src(c, c->h - 2);
        b = compile_src(c, c->h - 1);
    }
    compile_pop(c);
    compile_pop(c);
    d = compile_push(c);
    at = compile_op(c, (enum code_op)(n->op + (imm ? 1 : 0)));
    compile_pp(c, d, a);
    if (imm)
        compile_u64(c, k);
    else
        compile_pp(c, b, 0);
    compile_producer(c, at + 1);
}

static void compile_numeric_op(compiler *c, uint32_t op)
{
    const numop *n = &compile_numeric[op - 0x45];
    switch (n->shape) {
    case SH_UN:
        compile_unop(c, n->op);
        break;
    case SH_BIN:
    case SH_RI:
    case SH_RIC:
        compile_binop(c, n);
        break;
    case SH_NOP:
        if (compile_need(c, 1))
            c->pd_ok = false; /* the value stays where it is */
        break;
    default:
        c->bug = "unknown numeric opcode";
    }
}

static void compile_load(compiler *c, uint16_t op, uint32_t offset)
{
    if (!compile_load_fused(c, op, offset))
        compile_unary(c, op, true, offset);
}

static void compile_store(compiler *c, uint16_t op, uint32_t offset)
{
    uint32_t addr, v;
    if (!compile_need(c, 2))
        return;
    if (compile_store_fused(c, op, offset))
        return;
    addr = compile_src(c, c->h - 2);
    v = compile_src(c, c->h - 1);
    compile_pop(c);
    compile_pop(c);
    compile_op(c, (enum code_op)op);
    compile_pp(c, addr, v);
    compile_pp(c, offset, 0);
}

/* Pop n operands into s[0..n) (deepest first). */
static bool compile_operands(compiler *c, uint32_t *s, uint32_t n)
{
    if (!compile_need(c, n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        s[i] = compile_src(c, c->h - n + i);
    for (uint32_t i = 0; i < n; i++)
        compile_pop(c);
    return true;
}

/* select of two v128: the operands are entries h-5 .. h-2, the condition on top. */
static void compile_select_v128(compiler *c)
{
    uint32_t a, b, cond, d;
    size_t at;
    if (!compile_need(c, 5))
        return;
    a = compile_vsrc(c, c->h - 5);
    b = compile_vsrc(c, c->h - 3);
    cond = compile_src(c, c->h - 1);
    for (int i = 0; i < 5; i++)
        compile_pop(c);
    d = compile_push_v128(c);
    at = compile_op(c, OP_v128_select);
    compile_pp(c, d, cond);
    compile_pp(c, a, b);
    compile_vproducer(c, at + 2);
}

static void compile_select(compiler *c, const wi_instr *in)
{
    uint32_t s[3], d;
    size_t at;
    if (in->op == 0x1C ? in->b == WEFT_V128 : c->h >= 2 && c->st[c->h - 2].vhi) {
        compile_select_v128(c);
        return;
    }
    if (!compile_operands(c, s, 3))
        return;
    d = compile_push(c);
    at = compile_op(c, OP_select);
    compile_pp(c, d, s[2]);
    compile_pp(c, s[0], s[1]);
    compile_producer(c, at + 1);
}

/* An op with up to three operands popped and an optional result, laid out
 * [h][d or s0|s0 or s1][...|x] as code.h describes for the bulk and table ops. */
static void compile_bulk(compiler *c, enum code_op op, uint32_t nin, bool result,
                         uint32_t imm1, uint32_t imm2)
{
    uint32_t s[3] = {0, 0, 0}, d = 0;
    if (!compile_operands(c, s, nin))
        return;
    if (result)
        d = compile_push(c);
    compile_op(c, op);
    switch (op) {
    case OP_memory_copy: case OP_memory_fill:
        compile_pp(c, s[0], s[1]);
        compile_pp(c, s[2], 0);
        break;
    case OP_memory_init:
        compile_pp(c, s[0], s[1]);
        compile_pp(c, s[2], imm1);
        break;
    case OP_table_get:
        compile_pp(c, d, s[0]);
        compile_pp(c, imm1, 0);
        break;
    case OP_table_set:
        compile_pp(c, s[0], s[1]);
        compile_pp(c, imm1, 0);
        break;
    case OP_table_grow:
        compile_pp(c, d, s[0]);
        compile_pp(c, s[1], imm1);
        break;
    case OP_table_fill:
        compile_pp(c, s[0], s[1]);
        compile_pp(c, s[2], imm1);
        break;
    case OP_table_copy: case OP_table_init:
        compile_pp(c, s[0], s[1]);
        compile_pp(c, s[2], imm1);
        compile_pp(c, imm2, 0);
        break;
    default:
        c->bug = "bad bulk op";
    }
}

static void compile_fc(compiler *c, const wi_instr *in)
{
    uint32_t sub = in->op & 0xFFFF, d;
    if (sub < 8) {
        compile_unop(c, compile_sat[sub]);
        return;
    }
    switch (sub) {
    case 8: compile_bulk(c, OP_memory_init, 3, false, in->a, 0); break;
    case 9: compile_op(c, OP_data_drop); compile_pp(c, in->a, 0); break;
    case 10: compile_bulk(c, OP_memory_copy, 3, false, 0, 0); break;
    case 11: compile_bulk(c, OP_memory_fill, 3, false, 0, 0); break;
    case 12: compile_bulk(c, OP_table_init, 3, false, in->a, in->b); break;
    case 13: compile_op(c, OP_elem_drop); compile_pp(c, in->a, 0); break;
    case 14: compile_bulk(c, OP_table_copy, 3, false, in->a, in->b); break;
    case 15:
        compile_bulk(c, OP_table_grow, 2, true, in->a, 0);
        compile_table64_result(c, in);
        break;
    case 16:
        d = compile_push(c);
        compile_op(c, OP_table_size);
        compile_pp(c, d, in->a);
        break;
    case 17: compile_bulk(c, OP_table_fill, 3, false, in->a, 0); break;
    default:
        c->bug = "unknown 0xFC opcode";
    }
}

/* Width index (0: 8 bits ... 3: 64 bits) of the 7 variants of an atomic RMW group. */
static const uint8_t compile_rmw_width[7] = {2, 3, 0, 1, 0, 1, 2};

static void compile_fe(compiler *c, const wi_instr *in)
{
    static const uint16_t loads[7] = {OP_atomic_ld32, OP_atomic_ld64, OP_atomic_ld8,
                                      OP_atomic_ld16, OP_atomic_ld8, OP_atomic_ld16,
                                      OP_atomic_ld32};
    static const uint16_t stores[7] = {OP_atomic_st32, OP_atomic_st64, OP_atomic_st8,
                                       OP_atomic_st16, OP_atomic_st8, OP_atomic_st16,
                                       OP_atomic_st32};
    static const uint16_t rmw[6] = {OP_rmw8_add, OP_rmw8_sub, OP_rmw8_and, OP_rmw8_or,
                                    OP_rmw8_xor, OP_rmw8_xchg};
    uint32_t sub = in->op & 0xFFFF, off = (uint32_t)in->imm, s[3], d;
    size_t at;
    if (sub >= 0x10 && sub <= 0x16) {
        compile_load(c, loads[sub - 0x10], off);
    } else if (sub >= 0x17 && sub <= 0x1D) {
        compile_store(c, stores[sub - 0x17], off);
    } else if (sub >= 0x1E && sub <= 0x47) {
        uint32_t group = (sub - 0x1E) / 7, w = compile_rmw_width[(sub - 0x1E) % 7];
        if (!compile_operands(c, s, 2))
            return;
        d = compile_push(c);
        at = compile_op(c, (enum code_op)(rmw[group] + w));
        compile_pp(c, d, s[0]);
        compile_pp(c, s[1], off);
        compile_producer(c, at + 1);
    } else if ((sub >= 0x48 && sub <= 0x4E) || sub == 0x01 || sub == 0x02) {
        enum code_op op = sub == 0x01 ? OP_atomic_wait32 : sub == 0x02 ? OP_atomic_wait64
                          : (enum code_op)(OP_cmpxchg8 + compile_rmw_width[sub - 0x48]);
        if (!compile_operands(c, s, 3))
            return;
        d = compile_push(c);
        at = compile_op(c, op);
        compile_pp(c, d, s[0]);
        compile_pp(c, s[1], s[2]);
        compile_pp(c, off, 0);
        compile_producer(c, at + 1);
    } else if (sub == 0x00) {
        if (!compile_operands(c, s, 2))
            return;
        d = compile_push(c);
        at = compile_op(c, OP_atomic_notify);
        compile_pp(c, d, s[0]);
        compile_pp(c, s[1], off);
        compile_producer(c, at + 1);
    } else if (sub == 0x03) {
        compile_op(c, OP_atomic_fence);
    } else {
        c->bug = "unknown 0xFE opcode";
    }
}

/* ------------------------------------------------------------------------------------------ */
/* One instruction                                                                            */

/* Skipping unreachable code: only the block structure matters. Returns true when the
 * instruction was consumed here. */
static bool compile_dead(compiler *c, const wi_instr *in)
{
    if (!c->dead)
        return false;
    switch (in->op) {
    case 0x02: case 0x03: case 0x04: case 0x06: case 0x1F:
        c->dead_depth++;
        return true;
    case 0x05: case 0x07: case 0x19:
        return c->dead_depth > 0;
    case 0x0B: case 0x18:
        if (c->dead_depth == 0)
            return false;
        c->dead_depth--;
        return true;
    default:
        return true;
    }
}

void compile_go_dead(compiler *c)
{
    c->dead = true;
    c->dead_depth = 0;
    c->pd_ok = false;
}

static void compile_local(compiler *c, const wi_instr *in)
{
    uint32_t x;
    if (in->a >= c->nwlocals) {
        c->bug = "local index out of range";
        return;
    }
    x = c->lslot[in->a];
    if (in->op != 0x20) {
        if (c->lv128[in->a])
            compile_local_set_v128(c, x, in->op == 0x22);
        else
            compile_local_set(c, x, in->op == 0x22);
    } else if (c->lv128[in->a]) {
        compile_push_local(c, x);
        compile_push_local(c, x + 1);
        if (!c->oom)
            c->st[c->h - 1].vhi = 1;
    } else {
        compile_push_local(c, x);
    }
}

static void compile_global(compiler *c, const wi_instr *in)
{
    bool v = in->a < c->m->nglobals && c->m->globals[in->a].type == WEFT_V128;
    uint32_t d, s;
    size_t at;
    if (in->op == 0x23) {
        d = v ? compile_push_v128(c) : compile_push(c);
        at = compile_op(c, v ? OP_v128_global_get : OP_global_get);
        compile_pp(c, d, in->a);
        if (v)
            compile_vproducer(c, at + 2);
        else
            compile_producer(c, at + 1);
        return;
    }
    if (!compile_need(c, v ? 2 : 1))
        return;
    s = v ? compile_vsrc(c, c->h - 2) : compile_src(c, c->h - 1);
    compile_pop(c);
    if (v)
        compile_pop(c);
    compile_op(c, v ? OP_v128_global_set : OP_global_set);
    compile_pp(c, s, in->a);
}

/* Stopping guests: the epoch check at the function's entry, and the fuel charge of a run of
 * straight-line code before its first instruction (module/fuel_plan.c decides where, for
 * both tiers). What comes after a charge does not fuse with what came before it. */
static void compile_stop_checks(compiler *c, const wi_instr *in)
{
    if (c->entry && c->m->epoch_checks)
        compile_op(c, OP_epoch);
    c->entry = false;
    uint32_t k = c->m->consume_fuel ? wi_fuel_at(&c->fuel, in->offset) : 0;
    if (k) {
        compile_op(c, OP_fuel);
        compile_pp(c, k, 0);
        c->pd_ok = c->pd2_ok = c->vpd_ok = false;
    }
}

/* Returns true at the function's final end. */
static bool compile_instr(compiler *c, const wi_instr *in)
{
    uint32_t op = in->op, d;
    size_t at;
    if (compile_dead(c, in))
        return false;
    c->cur_off = in->offset;
    compile_map(c, in->offset);
    compile_stop_checks(c, in);
    if (op != 0x21 && op != 0x22)
        c->vpd_ok = false; /* only a local.set may redirect a v128 just computed */
    if (compile_memx(c, in))
        return false;
    compile_table64_operands(c, in);
    if (op >> 16 == 0xFD) {
        compile_simd(c, in);
        return false;
    }
    if (op >= 0x45 && op <= 0xC4) {
        compile_numeric_op(c, op);
        return false;
    }
    if (op >= 0x28 && op <= 0x35) {
        compile_load(c, compile_mem_ops[op - 0x28], (uint32_t)in->imm);
        return false;
    }
    if (op >= 0x36 && op <= 0x3E) {
        compile_store(c, compile_mem_ops[op - 0x28], (uint32_t)in->imm);
        return false;
    }
    if (op >> 16 == 0xFC) {
        compile_fc(c, in);
        return false;
    }
    if (op >> 16 == 0xFE) {
        compile_fe(c, in);
        return false;
    }
    /* a label ends what can be fused; the function's final end is no label (a value computed
     * just before it is computed straight into the result slot) */
    c->pd_ok = c->pd_ok && op != 0x02 && op != 0x03 && op != 0x05 && (op != 0x0B || c->nfr == 1);
    switch (op) {
    case 0x00:
        compile_op(c, OP_unreachable);
        compile_go_dead(c);
        break;
    case 0x06: case 0x07: case 0x08: case 0x09: case 0x0A: case 0x18: case 0x19: case 0x1F:
        compile_eh(c, in);
        break;
    case 0x01:
        break;
    case 0x02: case 0x03: case 0x04:
        compile_block(c, in);
        break;
    case 0x05:
        compile_else(c);
        break;
    case 0x0B:
        return compile_end(c);
    case 0x0C: {
        cframe *f = compile_target(c, in->a);
        if (f)
            compile_branch(c, f);
        compile_go_dead(c);
        break;
    }
    case 0x0D:
        compile_br_if(c, in->a);
        break;
    case 0x0E:
        compile_br_table(c, in);
        compile_go_dead(c);
        break;
    case 0x0F:
        compile_branch(c, &c->fr[0]);
        compile_go_dead(c);
        break;
    case 0x10: case 0x12:
        compile_call(c, in->a, op == 0x12);
        break;
    case 0x11: case 0x13:
        compile_call_indirect(c, in);
        break;
    case 0x14: case 0x15:
        compile_call_ref(c, in);
        break;
    case 0xD4:
        if (compile_need(c, 1)) {
            compile_op(c, OP_ref_as_non_null);
            compile_pp(c, compile_src(c, c->h - 1), 0);
        }
        break;
    case 0xD5: case 0xD6:
        compile_br_on(c, in);
        break;
    case 0x1A:
        if (compile_need(c, compile_top_v128(c) ? 2 : 1)) {
            if (compile_top_v128(c))
                compile_pop(c);
            compile_pop(c);
        }
        break;
    case 0x1B: case 0x1C:
        compile_select(c, in);
        break;
    case 0x20: case 0x21: case 0x22:
        compile_local(c, in);
        break;
    case 0x23: case 0x24:
        compile_global(c, in);
        break;
    case 0x25:
        compile_bulk(c, OP_table_get, 1, true, in->a, 0);
        break;
    case 0x26:
        compile_bulk(c, OP_table_set, 2, false, in->a, 0);
        break;
    case 0x3F:
        d = compile_push(c);
        at = compile_op(c, OP_memory_size);
        compile_pp(c, d, 0);
        compile_producer(c, at + 1);
        break;
    case 0x40:
        compile_unop(c, OP_memory_grow);
        break;
    case 0x41: case 0x42: case 0x43: case 0x44:
        compile_push_const(c, op == 0x41 || op == 0x43 ? (uint32_t)in->imm : in->imm);
        break;
    case 0xD0:
        compile_push_const(c, 0);
        break;
    case 0xD1:
        compile_unop(c, OP_ref_is_null);
        break;
    case 0xD2:
        d = compile_push(c);
        at = compile_op(c, OP_ref_func);
        compile_pp(c, d, in->a);
        compile_producer(c, at + 1);
        break;
    default:
        c->bug = "unsupported opcode";
    }
    return false;
}

/* ------------------------------------------------------------------------------------------ */
/* Functions and modules                                                                      */

static weft_error *compile_fail(compiler *c, uint32_t funcidx, size_t offset)
{
    weft_error *e;
    if (c->oom)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory while compiling");
    e = err_new(WEFT_ERR_VALIDATE, offset, "compile: %s", c->bug ? c->bug : "malformed code");
    err_set_func(e, funcidx, NULL);
    return e;
}

static void compile_reset_func(compiler *c)
{
    c->ncode = c->nmap = c->h = c->maxh = c->nfr = c->npt = c->neh = c->nehp = 0;
    c->dead = false;
    c->dead_depth = 0;
    c->pd_ok = c->pd2_ok = c->vpd_ok = false;
    c->loops = 0;
    c->entry = true;
    c->bug = NULL;
}

/* Hand the buffers of a finished function to its code_func (shrunk to size). */
static bool compile_finish(compiler *c, code_func *cf)
{
    cf->code = malloc((c->ncode ? c->ncode : 1) * sizeof *cf->code);
    cf->map = malloc((c->nmap ? c->nmap : 1) * sizeof *cf->map);
    if (!cf->code || !cf->map)
        return false;
    if (c->neh) {
        if (!(cf->handlers = malloc(c->neh * sizeof *cf->handlers)))
            return false;
        memcpy(cf->handlers, c->eh, c->neh * sizeof *cf->handlers);
        cf->nhandlers = (uint32_t)c->neh;
    }
    if (c->ncode)
        memcpy(cf->code, c->code, c->ncode * sizeof *cf->code);
    if (c->nmap)
        memcpy(cf->map, c->map, c->nmap * sizeof *cf->map);
    cf->ncode = (uint32_t)c->ncode;
    cf->nmap = (uint32_t)c->nmap;
    cf->nslots = (uint32_t)(c->L + c->maxh);
    return true;
}

/* Lay the locals out in slots: a v128 takes two. Sets L, nparams (in slots), lslot, lv128. */
static bool compile_local_slots(compiler *c, const wm_functype *ft, const wm_func *fn)
{
    uint32_t n = ft->nparams + fn->nlocals, slot = 0;
    if ((n > c->caplslot && !xgrow((void **)&c->lslot, &c->caplslot, n, sizeof *c->lslot)) ||
        (n > c->caplv128 && !xgrow((void **)&c->lv128, &c->caplv128, n, 1))) {
        c->oom = true;
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint8_t t = i < ft->nparams ? wm_params(ft)[i] : fn->local_types[i - ft->nparams];
        if (i == ft->nparams)
            c->nparams = slot;
        c->lslot[i] = slot;
        c->lv128[i] = t == WEFT_V128;
        slot += t == WEFT_V128 ? 2 : 1;
    }
    if (n == ft->nparams)
        c->nparams = slot;
    c->nwlocals = n;
    c->try_slots = slot; /* then one exnref slot per level of legacy try (compile_eh.c) */
    c->L = slot + fn->ntry;
    return true;
}

static weft_error *compile_func(compiler *c, uint32_t defidx)
{
    const weft_module *m = c->m;
    const wm_func *fn = &m->funcs[defidx];
    uint32_t funcidx = m->nfunc_imports + defidx;
    const wm_functype *ft = &m->types[fn->typeidx];
    code_func *cf = c->cfs[defidx];
    wr_reader r;
    wi_instr in;
    bool done = false;

    memset(&in, 0, sizeof in);
    in.offset = fn->body_offset;
    compile_reset_func(c);
    cf->funcidx = funcidx;
    if ((uint64_t)ft->nparams + fn->nlocals > UINT32_MAX / 4 || fn->body_end > m->len ||
        fn->body_offset > fn->body_end) {
        c->bug = "function too large";
        return compile_fail(c, funcidx, fn->code_offset);
    }
    if (!compile_local_slots(c, ft, fn))
        return compile_fail(c, funcidx, fn->code_offset);
    cf->nparams = c->nparams;
    cf->nresults = wm_result_slots(ft);
    cf->nlocals = c->L - c->nparams;
    if ((c->L > c->caprefs && !xgrow((void **)&c->refs, &c->caprefs, c->L, sizeof *c->refs)) ||
        (c->L > c->capassigned &&
         !xgrow((void **)&c->assigned, &c->capassigned, c->L, sizeof *c->assigned))) {
        c->oom = true;
        return compile_fail(c, funcidx, fn->code_offset);
    }
    if (c->L) {
        memset(c->refs, 0, c->L * sizeof *c->refs);
        memset(c->assigned, 0, c->L * sizeof *c->assigned);
    }
    compile_push_frame(c, F_FUNC, fn->typeidx, 0, cf->nresults);
    if (m->consume_fuel && !wi_fuel_plan_make(&c->fuel, m, defidx)) {
        c->oom = true;
        return compile_fail(c, funcidx, fn->code_offset);
    }

    wr_init(&r, m->bytes + fn->body_offset, fn->body_end - fn->body_offset, fn->body_offset);
    while (!done && !c->oom && !c->bug) {
        if (!wi_read(&r, &in, &c->targets)) {
            weft_error *e = r.err;
            r.err = NULL;
            if (e)
                err_set_func(e, funcidx, NULL);
            return e ? e : compile_fail(c, funcidx, wr_offset(&r));
        }
        done = compile_instr(c, &in);
    }
    if (c->oom || c->bug || c->nfr != 0 || !wr_eof(&r)) {
        if (!c->bug && !c->oom)
            c->bug = "code after the function's end";
        return compile_fail(c, funcidx, in.offset);
    }
    if (!compile_finish(c, cf)) {
        c->oom = true;
        return compile_fail(c, funcidx, in.offset);
    }
    if (c->dump && compile_dump_wanted(c->dump, funcidx))
        compile_dump(cf, c->hs);
    return NULL;
}

static void compile_free_scratch(compiler *c)
{
    free(c->code);
    free(c->map);
    free(c->st);
    free(c->fr);
    free(c->pt);
    free(c->refs);
    free(c->assigned);
    free(c->lslot);
    free(c->lv128);
    free(c->stub);
    free(c->eh);
    free(c->ehp);
    free(c->cfs);
    wi_targets_free(&c->targets);
    wi_fuel_plan_free(&c->fuel);
}

weft_error *compile_module(weft_module *m)
{
    compiler c;
    weft_error *err = NULL;
    uint32_t ndef = m->nfuncs - m->nfunc_imports;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.hs = interp_handlers();
    c.shs = interp_simd_handlers();
    c.dump = getenv("WEFT_DUMP_CODE");
    /* WEFT_SIMD_PORTABLE=1 keeps simd.h's portable shuffles (to test them) */
    c.ssse3 = simd_ssse3_usable() && !getenv("WEFT_SIMD_PORTABLE");
    c.cfs = xcalloc(ndef ? ndef : 1, sizeof *c.cfs);
    if (!c.cfs)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory while compiling");
    /* every code_func exists before any body is compiled, so calls can point at them */
    for (uint32_t i = 0; i < ndef; i++) {
        if (m->funcs[i].code) {
            c.cfs[i] = m->funcs[i].code; /* compiled already: recompile into it */
            free(c.cfs[i]->code);
            free(c.cfs[i]->map);
            free(c.cfs[i]->handlers);
            memset(c.cfs[i], 0, sizeof *c.cfs[i]);
            continue;
        }
        c.cfs[i] = xcalloc(1, sizeof *c.cfs[i]);
        if (!c.cfs[i]) {
            err = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory while compiling");
            break;
        }
        m->funcs[i].code = c.cfs[i];
    }
    for (uint32_t i = 0; !err && i < ndef; i++)
        err = compile_func(&c, i);
    compile_free_scratch(&c);
    return err;
}

void compile_free_func(void *code)
{
    code_func *cf = code;
    if (!cf)
        return;
    free(cf->code);
    free(cf->map);
    free(cf->handlers);
    free(cf);
}
