/*
 * compile_eh.c - translating exception handling: try_table and its catch clauses, throw,
 * throw_ref, and the legacy try / catch / catch_all / delegate / rethrow. Nothing runs on
 * entering a try body: the function gets a table of handlers (code.h's code_handler), each
 * covering a range of code words, which the interpreter searches only when an exception is
 * thrown, so code that throws nothing pays nothing.
 *
 * A try_table's catch clause continues at its label with the exception's values in the
 * label's slots: the interpreter writes them there and jumps to a landing pad, a branch to the
 * label placed just before the body (which jumps over the pads). A legacy catch arm is code of
 * its own after the body; its handler writes the tag's values where the arm's operand stack
 * starts, and keeps the exnref in a slot of the try's nesting level for `rethrow`.
 */
#include <string.h>

#include "compile_int.h"

static bool eh_push(compiler *c, code_handler **v, size_t *n, size_t *cap,
                    const code_handler *h)
{
    if (*n == *cap && !xgrow((void **)v, cap, *n + 1, sizeof **v)) {
        c->oom = true;
        return false;
    }
    (*v)[(*n)++] = *h;
    return true;
}

/* Try blocks (with handlers of their own) open around the current position. */
static uint32_t eh_level(const compiler *c)
{
    uint32_t n = 0;
    for (size_t i = 0; i < c->nfr; i++)
        n += c->fr[i].kind == F_TRY_TABLE || c->fr[i].kind == F_TRY || c->fr[i].kind == F_CATCH;
    return n;
}

/* Legacy try blocks open (their exnref slots are numbered by this). */
static uint32_t eh_legacy_level(const compiler *c)
{
    uint32_t n = 0;
    for (size_t i = 0; i < c->nfr; i++)
        n += c->fr[i].kind == F_TRY || c->fr[i].kind == F_CATCH;
    return n;
}

static const wm_functype *eh_tag_type(compiler *c, uint32_t x)
{
    if (x >= c->m->ntags || c->m->tag_types[x] >= c->m->ntypes) {
        c->bug = "bad tag index";
        return NULL;
    }
    return &c->m->types[c->m->tag_types[x]];
}

/* try_table: [br over the pads] [pad: branch to label]... then the body. */
static void eh_try_table(compiler *c, const wi_instr *in)
{
    uint32_t np, nr, level = eh_level(c) + 1;
    size_t skip = 0, first = c->nehp;
    cframe *f;
    if (!compile_blocktype(c, in->blocktype, &np, &nr) || !compile_need(c, np))
        return;
    compile_mat_all(c);
    if (in->a) {
        skip = compile_op(c, OP_br);
        compile_pp(c, 0, 0);
    }
    for (uint32_t i = 0; i < in->a && !c->bug && !c->oom; i++) {
        const uint32_t *clause = &c->targets.v[3 * i];
        cframe *l = compile_target(c, clause[2]); /* labels count from outside */
        code_handler h = {0};
        if (!l)
            return;
        h.pad = (uint32_t)c->ncode;
        h.dst = compile_dest(c, l);
        h.tag = clause[0] == WI_CATCH || clause[0] == WI_CATCH_REF ? clause[1] : CODE_CATCH_ALL;
        if (h.tag != CODE_CATCH_ALL && !eh_tag_type(c, h.tag))
            return;
        h.kind = clause[0] == WI_CATCH_REF || clause[0] == WI_CATCH_ALL_REF ? CODE_H_CATCH_REF
                                                                            : CODE_H_CATCH;
        h.exn_slot = CODE_NO_SLOT;
        h.level = (uint16_t)level;
        compile_jump(c, l);
        eh_push(c, &c->ehp, &c->nehp, &c->capehp, &h);
    }
    if (in->a)
        compile_set_half(c, skip + 1, 0, compile_rel(c, skip, c->ncode));
    f = compile_push_frame(c, F_TRY_TABLE, in->blocktype, np, nr);
    if (!f)
        return;
    f->try_start = (uint32_t)c->ncode;
    f->level = level;
    f->eh_first = (uint32_t)first;
    f->eh_count = in->a;
}

void compile_eh_end(compiler *c, cframe *f)
{
    for (uint32_t i = 0; i < f->eh_count; i++) {
        code_handler h = c->ehp[f->eh_first + i];
        h.start = f->try_start;
        h.end = (uint32_t)c->ncode;
        if (h.start < h.end)
            eh_push(c, &c->eh, &c->neh, &c->capeh, &h);
    }
    c->nehp = f->eh_first;
}

static void eh_try(compiler *c, const wi_instr *in)
{
    uint32_t np, nr, level = eh_level(c) + 1, slot = c->try_slots + eh_legacy_level(c);
    cframe *f;
    if (!compile_blocktype(c, in->blocktype, &np, &nr) || !compile_need(c, np))
        return;
    if (slot >= c->L) {
        c->bug = "try nested deeper than validation counted";
        return;
    }
    compile_mat_all(c);
    if (!(f = compile_push_frame(c, F_TRY, in->blocktype, np, nr)))
        return;
    f->try_start = (uint32_t)c->ncode;
    f->level = level;
    f->exn_slot = slot;
}

/* Close the try body or the previous arm as `else` closes an if's first arm. */
static cframe *eh_close_arm(compiler *c)
{
    cframe *f = &c->fr[c->nfr - 1];
    if (f->kind != F_TRY && f->kind != F_CATCH) {
        c->bug = "catch without try";
        return NULL;
    }
    if (f->kind == F_TRY)
        f->try_end = (uint32_t)c->ncode;
    if (!c->dead) {
        compile_moves(c, compile_dest(c, f), f->nresults);
        compile_jump(c, f);
    }
    return f;
}

static void eh_catch(compiler *c, const wi_instr *in)
{
    const wm_functype *t = NULL;
    code_handler h = {0};
    cframe *f = eh_close_arm(c);
    if (!f || (in->op == 0x07 && !(t = eh_tag_type(c, in->a))))
        return;
    h.start = f->try_start;
    h.end = f->try_end;
    h.pad = (uint32_t)c->ncode;
    h.dst = compile_dest(c, f);
    h.tag = t ? in->a : CODE_CATCH_ALL;
    h.exn_slot = f->exn_slot;
    h.level = (uint16_t)f->level;
    h.kind = CODE_H_CATCH;
    if (h.start < h.end)
        eh_push(c, &c->eh, &c->neh, &c->capeh, &h);
    f->kind = F_CATCH;
    compile_reset(c, f->h0, WI_BT_EMPTY, false);
    if (t)
        compile_push_types(c, wm_params(t), t->nparams);
    c->dead = false;
}

/* delegate l: the body's exceptions go to the try of label l (counted once the try itself is
 * closed), or the first try body around it, or out of the function. */
static void eh_delegate(compiler *c, const wi_instr *in)
{
    cframe *f = &c->fr[c->nfr - 1];
    code_handler h = {0};
    if (f->kind != F_TRY || in->a + 1 >= c->nfr) {
        c->bug = "bad delegate";
        return;
    }
    h.start = f->try_start;
    h.end = (uint32_t)c->ncode;
    h.pad = CODE_NO_PAD;
    h.level = (uint16_t)f->level;
    h.kind = CODE_H_DELEGATE;
    h.exn_slot = CODE_NO_SLOT;
    for (size_t i = c->nfr - 2 - in->a; i > 0; i--) {
        const cframe *t = &c->fr[i];
        if (t->kind == F_TRY || t->kind == F_TRY_TABLE) {
            h.pad = t->try_start;
            h.limit = (uint16_t)t->level;
            break;
        }
    }
    if (h.start < h.end)
        eh_push(c, &c->eh, &c->neh, &c->capeh, &h);
    /* then as `end` */
    if (!c->dead)
        compile_moves(c, compile_dest(c, f), f->nresults);
    for (int32_t p = f->patches; p >= 0; p = c->pt[p].next)
        compile_set_half(c, c->pt[p].word, c->pt[p].half,
                         compile_rel(c, c->pt[p].base, c->ncode));
    compile_reset(c, f->h0, f->bt, false);
    c->nfr--;
    c->dead = false;
}

/* throw x: the tag's values, in their home slots, become the exception's. */
static void eh_throw(compiler *c, uint32_t x)
{
    const wm_functype *t = eh_tag_type(c, x);
    uint32_t n;
    size_t base;
    if (!t || !compile_need(c, (n = wm_param_slots(t))))
        return;
    base = c->h - n;
    for (size_t i = base; i < c->h; i++)
        compile_mat(c, i);
    compile_op(c, OP_throw);
    compile_pp(c, compile_home(c, base), x);
    compile_go_dead(c);
}

static void eh_throw_ref(compiler *c, uint32_t slot)
{
    compile_op(c, OP_throw_ref);
    compile_pp(c, slot, 0);
    compile_go_dead(c);
}

void compile_eh(compiler *c, const wi_instr *in)
{
    c->pd_ok = false;
    switch (in->op) {
    case 0x06: eh_try(c, in); break;
    case 0x07: case 0x19: eh_catch(c, in); break;
    case 0x08: eh_throw(c, in->a); break;
    case 0x09: {
        cframe *f = compile_target(c, in->a);
        if (f && f->kind != F_CATCH)
            c->bug = "rethrow outside a catch";
        else if (f)
            eh_throw_ref(c, f->exn_slot);
        break;
    }
    case 0x0A:
        if (compile_need(c, 1)) {
            uint32_t s = compile_src(c, c->h - 1);
            compile_pop(c);
            eh_throw_ref(c, s);
        }
        break;
    case 0x18: eh_delegate(c, in); break;
    default: eh_try_table(c, in); break;
    }
}
