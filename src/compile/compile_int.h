/*
 * compile_int.h - the translator's own state, shared by its files: compile.c (the walk over a
 * function body, the operand stack model, control flow) and compile_fuse.c (super-instructions:
 * an instruction just emitted taken back and fused into its consumer). Private to compile/.
 */
#ifndef WEFT_COMPILE_INT_H
#define WEFT_COMPILE_INT_H

#include "code.h"
#include "../module/instr.h"

enum { E_SLOT = 0, E_LOCAL, E_CONST };
typedef struct centry {
    uint8_t kind;
    uint32_t local; /* E_LOCAL: the local's slot */
    uint64_t k;     /* E_CONST: the value */
    uint8_t vhi;    /* the high half of a v128, whose low half is the entry below */
} centry;

enum { F_FUNC, F_BLOCK, F_LOOP, F_IF, F_ELSE };
typedef struct cframe {
    uint8_t kind;
    uint32_t h0;       /* stack height below the block's parameters */
    uint32_t nparams, nresults;
    uint32_t start;    /* F_LOOP: code index of the loop head */
    int32_t patches;   /* forward branches to the end: head of a list in compiler.pt */
    uint32_t else_at;  /* F_IF: index of the br_unless that jumps to the else arm */
    int64_t bt;        /* the block type (the function's type index for F_FUNC): which of
                        * its values are v128 when the label's values are pushed again */
} cframe;

/* A forward branch offset to fill in when its label is placed. */
typedef struct cpatch {
    uint32_t word, base; /* the word holding the offset; the branch instruction's index */
    uint8_t half;        /* 0: field a, 1: field b */
    int32_t next;
} cpatch;

typedef struct compiler {
    const weft_module *m;
    const void *const *hs;
    const void *const *shs; /* SIMD ops' own handlers, from OP_v128_global_get on */
    code_func **cfs; /* every defined function's code_func (for direct calls) */

    code_word *code; size_t ncode, capcode;
    uint32_t (*map)[2]; size_t nmap, capmap;
    centry *st; size_t h, capst; size_t maxh;
    cframe *fr; size_t nfr, capfr;
    cpatch *pt; size_t npt, cappt;
    uint32_t *refs; size_t caprefs; /* pending E_LOCAL entries per local */
    int32_t *stub; size_t capstub;   /* br_table: stub position per label depth */
    wi_targets targets;

    uint32_t *lslot; size_t caplslot; /* wasm local index -> its (first) slot */
    uint8_t *lv128; size_t caplv128;  /* wasm local index -> is it a v128 */
    uint32_t nwlocals;    /* wasm locals (params + declared), the entries of lslot */
    uint32_t L;           /* slots of params + declared locals */
    uint32_t nparams;
    bool dead;            /* in unreachable code ... */
    uint32_t dead_depth;  /* ... nested this many blocks deep */

    /* the last instruction's destination field, if it can still be redirected (or the
     * instruction fused with its consumer): it spans code [pd_word - 1, pd_end) */
    bool pd_ok;
    size_t pd_word, pd_end, pd_h;
    /* the same for the instruction just before it, if it was a producer too and nothing
     * (no label, no local.set) came between: a shift there can still fuse into a binop */
    bool pd2_ok;
    size_t pd2_word, pd2_h;

    /* declared locals not yet assigned anywhere in the code so far; outside loops they still
     * hold the zero they started with, so storing a zero into them is a no-op */
    uint8_t *assigned; size_t capassigned;
    uint32_t loops; /* loop blocks open */

    /* the last instruction computed a v128 into the home slots of entries vpd_h, vpd_h + 1,
     * its destination in field a of word vpd_word: a local.set may redirect it */
    bool vpd_ok;
    size_t vpd_word, vpd_end, vpd_h;

    wi_fuel_plan fuel; /* consume_fuel: where the function charges fuel */
    bool entry;        /* the next instruction is the body's first */

    bool ssse3;     /* the CPU has SSSE3: shuffles use pshufb (exec/simd_ssse3.h) */
    size_t cur_off; /* module offset of the instruction being translated */
    const char *dump; /* WEFT_DUMP_CODE, if set (compile_dump.c) */
    bool oom;
    const char *bug; /* a defensive failure on code that validation should have refused */
} compiler;

/* What br_if and if test (compile_pop_cond). */
typedef struct ccond {
    int rel;       /* index into compile_rels, or -1: test slot a for non-zero */
    bool imm;      /* rel: compare with the immediate k instead of slot b */
    bool negate;   /* branch when the condition is false */
    uint32_t a, b;
    uint64_t k;
} ccond;

/* ---- compile.c: emission and the operand stack model ---- */
size_t compile_op(compiler *c, enum code_op op);
void compile_pp(compiler *c, uint32_t a, uint32_t b);
void compile_u64(compiler *c, uint64_t u);
void compile_set_half(compiler *c, size_t word, int half, uint32_t v);
uint32_t compile_rel(const compiler *c, size_t base, size_t to);
void compile_producer(compiler *c, size_t word);
void compile_map(compiler *c, size_t off);
void compile_take_back(compiler *c, size_t start);
uint32_t compile_src(compiler *c, size_t i);
bool compile_need(compiler *c, size_t n);
void compile_pop(compiler *c);
uint32_t compile_push(compiler *c);
void compile_mat(compiler *c, size_t i);
/* v128 operands and results: two entries, the high half on top */
uint32_t compile_vsrc(compiler *c, size_t lo);
uint32_t compile_push_v128(compiler *c);
void compile_vproducer(compiler *c, size_t word);

/* ---- compile_memx.c: multi-memory and memory64 ---- */
/* Translates in if it is a memory instruction that needs exec_memx; false if not. */
bool compile_memx(compiler *c, const wi_instr *in);
/* Before and after a table instruction: a 64-bit table's operands and table.grow's result. */
void compile_table64_operands(compiler *c, const wi_instr *in);
void compile_table64_result(compiler *c, const wi_instr *in);

/* ---- compile_simd.c ---- */
void compile_simd(compiler *c, const wi_instr *in);

/* The home slot of the operand stack entry at height `height`. */
static inline uint32_t compile_home(const compiler *c, size_t height)
{
    return c->L + (uint32_t)height;
}

/* The handler of the last instruction emitted if it computed stack entry i (into its home
 * slot, not redirected), else NULL: that instruction can then be taken back and fused into the
 * consumer of entry i. Entries above i, if any, emitted no code (locals or constants). Inline:
 * every binop, load, store and branch asks, some of them once per candidate op. */
static inline const void *compile_producer_of(const compiler *c, size_t i)
{
    if (i >= c->h || c->st[i].kind != E_SLOT || !c->pd_ok || c->pd_end != c->ncode ||
        c->pd_h != i || c->pd_word < 1 || c->pd_word >= c->ncode)
        return NULL;
    return c->code[c->pd_word - 1].h;
}

/* Was entry i (the top) computed by the last instruction emitted, with handler h? */
static inline bool compile_fusable_at(const compiler *c, size_t i, const void *h)
{
    return h && compile_producer_of(c, i) == h;
}

static inline bool compile_fusable(const compiler *c, const void *h)
{
    return c->h > 0 && compile_fusable_at(c, c->h - 1, h);
}

/* ---- compile_fuse.c: super-instructions ---- */
bool compile_pop_cond(compiler *c, ccond *cc);
size_t compile_cond_branch(compiler *c, const ccond *cc, bool invert, int64_t to);
bool compile_binop_shifted(compiler *c, uint16_t op);
bool compile_identity(uint16_t op, uint64_t k);
bool compile_fold_add(compiler *c, uint32_t k);
bool compile_load_fused(compiler *c, uint16_t op, uint32_t offset);
bool compile_store_fused(compiler *c, uint16_t op, uint32_t offset);

#endif
