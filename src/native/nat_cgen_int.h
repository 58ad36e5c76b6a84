/*
 * nat_cgen_int.h - the translator's own state, shared by nat_cgen.c (everything) and
 * nat_cgen_eh.c (exception handling). Private to native/.
 */
#ifndef WEFT_NAT_CGEN_INT_H
#define WEFT_NAT_CGEN_INT_H

#include "nat_cgen.h"
#include "../module/instr.h"

/* CG_TRY_TABLE and the legacy CG_TRY (its body) and CG_CATCH (its arms): nat_cgen_eh.c */
enum { CG_FUNC, CG_BLOCK, CG_LOOP, CG_IF, CG_TRY_TABLE, CG_TRY, CG_CATCH };

typedef struct cg_ctrl {
    uint8_t kind;
    bool targeted;     /* a branch goes to the end label */
    bool seen_else;
    bool live_at_else; /* if: the then-branch reached its end */
    uint32_t label;
    uint32_t height;   /* stack height below the parameters */
    uint32_t np, nr;
    const uint8_t *pt, *rt; /* rt NULL for a one-result block type: see single */
    uint8_t single;    /* the one result's type */
    /* exception handling: the try's catch clauses (targets of try_table, copied), the
     * legacy arms' tags (CODE_CATCH_ALL for catch_all) */
    uint32_t *clauses, nclauses;
    bool delegates;    /* a legacy try ended by `delegate`, to label delegate_to */
    uint32_t delegate_to;
} cg_ctrl;

typedef struct cg {
    const weft_module *m;
    uint32_t fidx;         /* function index */
    nat_text *o;           /* the body */
    uint8_t *stk;          /* operand stack types */
    size_t nstk, capstk;
    uint8_t *used;         /* per height: bit per letter of the variables used */
    size_t capused;
    cg_ctrl *ctl;
    size_t nctl, capctl;
    bool uses_mem;         /* the body reads mb and ms (memory 0's base and size) */
    bool calls_or_loops;   /* the body calls or loops: it may run long, or deep */
    bool dead;             /* the code being read is unreachable */
    uint32_t dead_depth;   /* blocks opened inside unreachable code */
    uint32_t labels;
    uint8_t *multi_types;  /* per canonical type: needs a result struct in this unit */
    uint8_t *callees;      /* per function index: needs a prototype in this unit */
    uint8_t *interp;       /* per function index: makes tail calls, runs in the interpreter */
    uint8_t *polls;        /* per function index: its entry checks for an interrupt */
    const wr_reader *r;    /* the body's reader, after the instruction being translated */
    wi_targets targets;
    wi_fuel_plan fuel;     /* consume_fuel: where the body charges fuel */
    char names[8][24];     /* cg_sv's results, reused in turn */
    unsigned nextname;
    const char *bug;       /* set on an internal inconsistency (a validated module never) */
    bool has_eh;           /* the body has a try: its variables are volatile (setjmp) */
    bool eh_entry;         /* a delegate leaves the function: J0 holds the entry's unwind */
} cg;

#define OUT(...) tx_printf(c->o, __VA_ARGS__)
#define FIDX c->fidx
#define OFF(in) ((uint32_t)(in)->offset)

void tx_printf(nat_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cg_ctype(uint8_t t);
void cg_put_slot(nat_text *o, uint8_t t, const char *slots, uint32_t off, const char *v);
void cg_get_slot(nat_text *o, uint8_t t, const char *v, const char *slots, uint32_t off);
bool cg_fail(cg *c, const char *why);
const char *cg_sv(cg *c, uint32_t h, uint8_t t);
bool cg_mark(cg *c, uint32_t h, uint8_t t);
const char *cg_push(cg *c, uint8_t t);
const char *cg_top(cg *c, uint32_t depth);
void cg_pop(cg *c, uint32_t n);
void cg_carry(cg *c, uint32_t dst, uint32_t n);
void cg_return(cg *c);
bool cg_blocktype(cg *c, int64_t bt, cg_ctrl *f);
cg_ctrl *cg_push_ctrl(cg *c, uint8_t kind);
void cg_reset_stack(cg *c, const cg_ctrl *f, uint32_t n, const uint8_t *types);
void cg_branch(cg *c, uint32_t l);
void cg_end(cg *c);

/* nat_cgen_eh.c: try_table, throw, throw_ref and the legacy try, catch, catch_all,
 * delegate, rethrow */
void cg_eh(cg *c, const wi_instr *in);
/* A branch from here to the frame of index `to` (its label, or its start for a loop):
 * leaving try bodies on the way restores the unwind they had replaced. */
void cg_eh_leave(cg *c, size_t to, bool loop);
/* At the `end` of a try: the dispatch that runs when an exception arrives. */
void cg_eh_end(cg *c, cg_ctrl *f, bool live);

#endif
