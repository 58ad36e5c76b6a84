/*
 * nat_cgen_eh.c - exception handling in the generated C. A try body registers a landing
 * place with the runtime (wn_eh: a jmp_buf in place of the unwind it replaces) and calls
 * setjmp; a throw, like a trap, longjmps to the innermost registration. Landing, the function
 * takes the exception (eh_catch, which passes a trap on) and runs its dispatch: the catch
 * clauses' tests, then a rethrow to the registration around. Only functions with a try pay
 * anything: their variables are volatile (setjmp's rule for values changed after it) and a
 * try costs a registration and a setjmp on entry. Every way out of a try body (its end, a
 * branch, a return) restores the replaced unwind.
 *
 * Names, by the try frame's label k: E<k> its registration, x<k> the exception caught, H<k>
 * the landing, M<k> the dispatch (a delegate enters there too), C<k>_<i> a legacy arm.
 */
#include <stdlib.h>
#include <string.h>

#include "nat_cgen_int.h"
#include "../compile/code.h"

static bool cg_eh_body(const cg_ctrl *f)
{
    return f->kind == CG_TRY_TABLE || f->kind == CG_TRY;
}

void cg_eh_leave(cg *c, size_t to, bool loop)
{
    for (size_t i = loop ? to + 1 : to; i < c->nctl; i++) {
        if (cg_eh_body(&c->ctl[i])) { /* the outermost restores what all of them replaced */
            OUT("I->rt->eh_pop(X, &E%u); ", c->ctl[i].label);
            return;
        }
    }
}

static const wm_functype *cg_tag_type(cg *c, uint32_t x)
{
    if (x >= c->m->ntags || c->m->tag_types[x] >= c->m->ntypes) {
        cg_fail(c, "bad tag index");
        return NULL;
    }
    return &c->m->types[c->m->tag_types[x]];
}

/* Push the values of exception x<k> (of tag type t, then the exnref when ref). */
static uint32_t cg_eh_values(cg *c, uint32_t k, const wm_functype *t, bool ref)
{
    uint32_t n = 0;
    if (t && t->nparams) {
        OUT("{ const uint64_t *v_ = I->rt->eh_values(x%u);\n", k);
        for (uint32_t j = 0, off = 0; j < t->nparams; j++) {
            uint8_t ty = wm_params(t)[j];
            cg_get_slot(c->o, ty, cg_push(c, ty), "v_", off);
            off += ty == WEFT_V128 ? 2 : 1;
        }
        OUT("}\n");
        n = t->nparams;
    }
    if (ref) {
        OUT("%s = (uintptr_t)x%u;\n", cg_push(c, WEFT_EXNREF), k);
        n++;
    }
    return n;
}

static void cg_eh_enter(cg *c, cg_ctrl *f)
{
    c->has_eh = true;
    OUT("wn_eh E%u; void *x%u;\n", f->label, f->label);
    OUT("I->rt->eh_push(X, &E%u);\nif (setjmp(E%u.jb)) goto H%u;\n", f->label, f->label,
        f->label);
}

static cg_ctrl *cg_eh_open(cg *c, const wi_instr *in, uint8_t kind)
{
    if (c->dead) {
        c->dead_depth++;
        return NULL;
    }
    cg_ctrl *f = cg_push_ctrl(c, kind);
    if (!f || !cg_blocktype(c, in->blocktype, f))
        return NULL;
    f->height = (uint32_t)c->nstk - f->np;
    cg_eh_enter(c, f);
    return f;
}

static void cg_try_table(cg *c, const wi_instr *in)
{
    cg_ctrl *f = cg_eh_open(c, in, CG_TRY_TABLE);
    if (!f || !in->a)
        return;
    f->clauses = malloc((size_t)in->a * 3 * sizeof *f->clauses);
    if (!f->clauses) {
        cg_fail(c, "out of memory");
        return;
    }
    memcpy(f->clauses, c->targets.v, (size_t)in->a * 3 * sizeof *f->clauses);
    f->nclauses = in->a;
}

/* catch x / catch_all: the body (or the previous arm) ends as an if's first arm does. */
static void cg_catch(cg *c, const wi_instr *in)
{
    if (c->dead_depth)
        return;
    cg_ctrl *f = &c->ctl[c->nctl - 1];
    const wm_functype *t = NULL;
    uint32_t *v;
    if (f->kind != CG_TRY && f->kind != CG_CATCH) {
        cg_fail(c, "catch without try");
        return;
    }
    if (in->op == 0x07 && !(t = cg_tag_type(c, in->a)))
        return;
    if (!c->dead) {
        cg_carry(c, f->height, f->nr);
        if (f->kind == CG_TRY)
            OUT("I->rt->eh_pop(X, &E%u); ", f->label);
        OUT("goto L%u;\n", f->label);
        f->targeted = true;
    }
    if (!(v = realloc(f->clauses, (f->nclauses + 1) * sizeof *v))) {
        cg_fail(c, "out of memory");
        return;
    }
    f->clauses = v;
    v[f->nclauses] = t ? in->a : CODE_CATCH_ALL;
    OUT("C%u_%u:;\n", f->label, f->nclauses++);
    f->kind = CG_CATCH;
    c->dead = false;
    cg_reset_stack(c, f, 0, NULL);
    cg_eh_values(c, f->label, t, false);
}

static void cg_delegate(cg *c, const wi_instr *in)
{
    if (c->dead_depth) {
        c->dead_depth--;
        return;
    }
    cg_ctrl *f = &c->ctl[c->nctl - 1];
    if (f->kind != CG_TRY || in->a + 1 >= c->nctl) {
        cg_fail(c, "bad delegate");
        return;
    }
    f->delegates = true;
    f->delegate_to = in->a;
    cg_end(c);
}

/* The dispatch of a try frame f at its end (its frame still on top). */
void cg_eh_end(cg *c, cg_ctrl *f, bool live)
{
    uint32_t k = f->label;
    size_t self = c->nctl - 1;
    if (live) {
        if (f->kind != CG_CATCH)
            OUT("I->rt->eh_pop(X, &E%u); ", k);
        OUT("goto L%u;\n", k);
        f->targeted = true;
    }
    cg_reset_stack(c, f, 0, NULL);
    OUT("H%u: x%u = I->rt->eh_catch(X, &E%u);\nM%u:;\n", k, k, k, k);
    if (f->delegates) {
        /* to the innermost try body at or around the label, or out of the function */
        size_t i = self - 1 - f->delegate_to;
        for (; i > 0 && !cg_eh_body(&c->ctl[i]); i--)
            ;
        if (i > 0) {
            OUT("x%u = x%u; I->rt->eh_pop(X, &E%u); goto M%u;\n", c->ctl[i].label, k,
                c->ctl[i].label, c->ctl[i].label);
        } else {
            c->eh_entry = true;
            OUT("I->rt->eh_set(X, J0); I->rt->eh_rethrow(X, I, x%u, %u, 0);\n", k, FIDX);
        }
    } else if (f->kind == CG_TRY_TABLE) {
        for (uint32_t i = 0; i < f->nclauses && !c->bug; i++) {
            const uint32_t *cl = &f->clauses[3 * i];
            bool all = cl[0] == WI_CATCH_ALL || cl[0] == WI_CATCH_ALL_REF;
            bool ref = cl[0] == WI_CATCH_REF || cl[0] == WI_CATCH_ALL_REF;
            const wm_functype *t = all ? NULL : cg_tag_type(c, cl[1]);
            if (all)
                OUT("{\n");
            else
                OUT("if (I->rt->eh_is(I, x%u, %u)) {\n", k, cl[1]);
            uint32_t n = cg_eh_values(c, k, t, ref);
            cg_branch(c, cl[2] + 1); /* labels count from outside the try_table */
            OUT("}\n");
            cg_pop(c, n);
        }
    } else {
        for (uint32_t i = 0; i < f->nclauses; i++) {
            if (f->clauses[i] == CODE_CATCH_ALL)
                OUT("goto C%u_%u;\n", k, i);
            else
                OUT("if (I->rt->eh_is(I, x%u, %u)) goto C%u_%u;\n", k, f->clauses[i], k, i);
        }
    }
    OUT("I->rt->eh_rethrow(X, I, x%u, %u, 0);\n", k, FIDX);
    free(f->clauses);
    f->clauses = NULL;
}

static void cg_throw(cg *c, const wi_instr *in)
{
    const wm_functype *t = cg_tag_type(c, in->a);
    if (!t)
        return;
    uint32_t n = wm_param_slots(t);
    OUT("{ uint64_t t_[%u];\n", n ? n : 1);
    for (uint32_t j = 0, off = 0; j < t->nparams; j++) {
        uint8_t ty = wm_params(t)[j];
        cg_put_slot(c->o, ty, "t_", off, cg_top(c, t->nparams - 1 - j));
        off += ty == WEFT_V128 ? 2 : 1;
    }
    OUT("I->rt->eh_throw(X, I, %u, t_, %u, %u); }\n", in->a, FIDX, OFF(in));
    cg_pop(c, t->nparams);
    c->dead = true;
}

void cg_eh(cg *c, const wi_instr *in)
{
    switch (in->op) {
    case 0x06: cg_eh_open(c, in, CG_TRY); return;
    case 0x1F: cg_try_table(c, in); return;
    case 0x07: case 0x19: cg_catch(c, in); return;
    case 0x18: cg_delegate(c, in); return;
    case 0x08: cg_throw(c, in); return;
    case 0x09: {
        if (in->a >= c->nctl || c->ctl[c->nctl - 1 - in->a].kind != CG_CATCH) {
            cg_fail(c, "rethrow outside a catch");
            return;
        }
        OUT("I->rt->eh_rethrow(X, I, x%u, %u, %u);\n", c->ctl[c->nctl - 1 - in->a].label, FIDX,
            OFF(in));
        c->dead = true;
        return;
    }
    default: /* 0x0A throw_ref */
        OUT("I->rt->eh_rethrow(X, I, (void *)%s, %u, %u);\n", cg_top(c, 0), FIDX, OFF(in));
        cg_pop(c, 1);
        c->dead = true;
        return;
    }
}
