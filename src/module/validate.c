/*
 * validate.c - module-level validation (WebAssembly 2.0 + threads): types of the index
 * spaces, limits, constant expressions, segments, start, exports, the set C.refs of
 * functions that ref.func may name, then every function body with the spec's algorithm
 * (appendix "Validation Algorithm"): a stack of operand types and a stack of control frames.
 *
 * Messages follow the spec testsuite's wording ("type mismatch", "unknown global 1", ...)
 * so that a script runner can match them by prefix; " at byte 0x.." follows when the
 * offending byte is known.
 */
#include <stdio.h>
#include <string.h>

#include "instr.h"
#define SIMD_OPS_ONLY
#include "../exec/simd.h"
#undef SIMD_OPS_ONLY

/* The bottom type of the spec's algorithm: the operand of unreachable code, which matches
 * any type. No value type is encoded as 0. */
#define VALID_UNKNOWN 0

static weft_error *valid_error(size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static weft_error *valid_error(size_t offset, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (offset == WEFT_NO_OFFSET)
        return err_new(WEFT_ERR_VALIDATE, offset, "%s", msg);
    return err_new(WEFT_ERR_VALIDATE, offset, "%s at byte 0x%zx", msg, offset);
}

static const char *valid_type_name(wm_vt t)
{
    const char *name = weft_valtype_name(wm_vt_code(t));
    if (t == VALID_UNKNOWN)
        return "any";
    if (t & (WM_VT_NONNULL | WM_VT_CONCRETE | WM_VT_BOTTOM))
        return wm_vt_code(t) == WEFT_FUNCREF ? "a typed function reference" : "a typed reference";
    return name ? name : "?";
}

/* A full type names only types that exist. */
static bool valid_vt_ok(const weft_module *m, wm_vt t)
{
    return !(t & WM_VT_CONCRETE) || wm_vt_index(t) < m->ntypes;
}

static weft_error *valid_vts_ok(const weft_module *m, const wm_vt *v, uint32_t n, size_t at)
{
    for (uint32_t i = 0; i < n; i++)
        if (!valid_vt_ok(m, v[i]))
            return valid_error(at, "unknown type %u", wm_vt_index(v[i]));
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Limits */

static weft_error *valid_table_limits(const weft_module *m, const wm_tabletype *t)
{
    if (t->reftype != WEFT_FUNCREF && t->reftype != WEFT_EXTERNREF)
        return valid_error(WEFT_NO_OFFSET, "malformed reference type");
    if (!valid_vt_ok(m, wm_table_vt(t)))
        return valid_error(WEFT_NO_OFFSET, "unknown type %u", wm_vt_index(t->vt));
    if (t->lim.has_max && t->lim.min > t->lim.max)
        return valid_error(WEFT_NO_OFFSET, "size minimum must not be greater than maximum");
    if (!t->lim.is64 && (t->lim.min > UINT32_MAX || (t->lim.has_max && t->lim.max > UINT32_MAX)))
        return valid_error(WEFT_NO_OFFSET, "table size must be at most 2^32-1");
    return NULL;
}

static weft_error *valid_mem_limits(const wm_limits *l)
{
    uint64_t most = l->is64 ? WM_MAX_PAGES64 : WM_MAX_PAGES;
    if (l->min > most || (l->has_max && l->max > most))
        return valid_error(WEFT_NO_OFFSET, l->is64 ? "memory size must be at most 2^48 pages"
                                                   : "memory size must be at most 65536 pages (4GiB)");
    if (l->has_max && l->min > l->max)
        return valid_error(WEFT_NO_OFFSET, "size minimum must not be greater than maximum");
    if (l->shared && !l->has_max)
        return valid_error(WEFT_NO_OFFSET, "shared memory must have maximum");
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Constant expressions. The decoder has already checked their shape (constant instructions,
 * operands for each i32/i64 add, sub or mul, one value left); here they get their types.
 * global.get may name only an immutable global, since a constant must not depend on anything
 * that can change: in a global's initialiser one defined before it (WebAssembly 3.0; 2.0
 * allowed only imported ones), elsewhere any. */

/* The type of one instruction of a constant expression that pushes a value. */
static weft_error *valid_const_push(const weft_module *m, const wm_constexpr *e,
                                    uint32_t nglobals, wm_vt *got)
{
    switch (e->kind) {
    case WM_CONST_VALUE:
        *got = e->type;
        return NULL;
    case WM_CONST_REF_NULL:
        if (!valid_vt_ok(m, e->vt ? e->vt : e->type))
            return valid_error(e->offset, "unknown type %u", wm_vt_index(e->vt));
        *got = e->vt ? e->vt : e->type;
        return NULL;
    case WM_CONST_REF_FUNC:
        if (e->index >= m->nfuncs)
            return valid_error(e->offset, "unknown function %u", e->index);
        *got = wm_vt_concrete(m->func_types[e->index], false);
        return NULL;
    case WM_CONST_GLOBAL_GET:
        if (e->index >= nglobals || e->index >= m->nglobals)
            return valid_error(e->offset, "unknown global %u", e->index);
        if (m->globals[e->index].mut)
            return valid_error(e->offset, "constant expression required");
        if (e->index >= m->nglobal_imports && (m->disabled_features & WEFT_FEATURE_EXTENDED_CONST))
            return valid_error(e->offset, "unknown global %u", e->index);
        *got = wm_global_vt(&m->globals[e->index]);
        return NULL;
    default:
        return valid_error(e->offset, "constant expression required");
    }
}

static weft_error *valid_const(const weft_module *m, const wm_constexpr *e, wm_vt want,
                               uint32_t nglobals)
{
    wm_vt got = 0;
    weft_error *err;
    if (e->kind == WM_CONST_EXPR) {
        /* an extended constant expression: i32/i64 add, sub and mul on a stack of types
         * (the decoder checked that every operator has its two operands) */
        wm_vt *stack = xcalloc(e->nops, sizeof *stack);
        uint32_t h = 0;
        if (!stack)
            return err_new(WEFT_ERR_RESOURCE, e->offset, "out of memory");
        err = (m->disabled_features & WEFT_FEATURE_EXTENDED_CONST)
                  ? valid_error(e->offset, "constant expression required") : NULL;
        for (uint32_t i = 0; i < e->nops && !err; i++) {
            const wm_constexpr *op = &e->ops[i];
            if (op->kind != WM_CONST_BINOP)
                err = valid_const_push(m, op, nglobals, &stack[h++]);
            else if (h < 2 || stack[h - 1] != op->type || stack[h - 2] != op->type)
                err = valid_error(op->offset, "type mismatch");
            else
                h--;
        }
        got = h ? stack[0] : 0;
        free(stack);
        if (err)
            return err;
    } else if ((err = valid_const_push(m, e, nglobals, &got))) {
        return err;
    }
    if (!wm_vt_sub(m, got, want))
        return valid_error(e->offset, "type mismatch: expected %s, got %s",
                           valid_type_name(want), valid_type_name(got));
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The sections, in the order of the spec's module rule. */

static weft_error *valid_func_types(const weft_module *m)
{
    for (uint32_t i = 0; i < m->nfuncs; i++)
        if (m->func_types[i] >= m->ntypes)
            return valid_error(WEFT_NO_OFFSET, "unknown type %u", m->func_types[i]);
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
        if (m->funcs[i].typeidx >= m->ntypes)
            return valid_error(m->funcs[i].code_offset, "unknown type %u", m->funcs[i].typeidx);
    return NULL;
}

static weft_error *valid_tables_mems(const weft_module *m)
{
    weft_error *e;
    bool no64 = (m->disabled_features & WEFT_FEATURE_MEMORY64) != 0;
    for (uint32_t i = 0; i < m->ntables; i++) {
        if ((e = valid_table_limits(m, &m->tables[i])))
            return e;
        if (no64 && m->tables[i].lim.is64)
            return valid_error(WEFT_NO_OFFSET, "table with i64 indices needs memory64");
    }
    for (uint32_t i = 0; i < m->nmems; i++) {
        if ((e = valid_mem_limits(&m->mems[i])))
            return e;
        if (no64 && m->mems[i].is64)
            return valid_error(WEFT_NO_OFFSET, "memory with i64 addresses needs memory64");
    }
    if (m->nmems > 1 && (m->disabled_features & WEFT_FEATURE_MULTI_MEMORY))
        return valid_error(WEFT_NO_OFFSET, "multiple memories");
    if (m->ntables > 1 && (m->disabled_features & WEFT_FEATURE_REFERENCE_TYPES))
        return valid_error(WEFT_NO_OFFSET, "multiple tables");
    return NULL;
}

/* Instructions that exist only with the reference-types proposal. */
static bool valid_needs_reftypes(uint32_t op)
{
    return op == 0x1C || op == 0x25 || op == 0x26 || (op >= 0xD0 && op <= 0xD2) ||
           op == WI_FC(15) || op == WI_FC(16) || op == WI_FC(17);
}

/* Tags: a function type with no results (exception handling). */
static weft_error *valid_tags(const weft_module *m)
{
    if (m->ntags && (m->disabled_features & WEFT_FEATURE_EXCEPTIONS))
        return valid_error(WEFT_NO_OFFSET, "tags need exception handling, which is disabled");
    for (uint32_t i = 0; i < m->ntags; i++) {
        if (m->tag_types[i] >= m->ntypes)
            return valid_error(WEFT_NO_OFFSET, "unknown type %u", m->tag_types[i]);
        if (m->types[m->tag_types[i]].nresults)
            return valid_error(WEFT_NO_OFFSET, "non-empty tag result type");
    }
    return NULL;
}

/* Every full type of the type section, the imports and the locals names a type. */
static weft_error *valid_type_refs(const weft_module *m)
{
    weft_error *e;
    for (uint32_t i = 0; i < m->ntypes; i++)
        if (m->types[i].vts && (e = valid_vts_ok(m, m->types[i].vts,
                                                 m->types[i].nparams + m->types[i].nresults,
                                                 WEFT_NO_OFFSET)))
            return e;
    for (uint32_t i = 0; i < m->nglobals; i++)
        if (!valid_vt_ok(m, wm_global_vt(&m->globals[i])))
            return valid_error(WEFT_NO_OFFSET, "unknown type %u", wm_vt_index(m->globals[i].vt));
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
        if (m->funcs[i].local_vts &&
            (e = valid_vts_ok(m, m->funcs[i].local_vts, m->funcs[i].nlocals,
                              m->funcs[i].code_offset)))
            return e;
    return NULL;
}

/* A defined table's initialiser (or null, which its type must then allow). */
static weft_error *valid_table_inits(const weft_module *m)
{
    weft_error *e;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        const wm_constexpr *init = m->table_init ? &m->table_init[i - m->ntable_imports] : NULL;
        wm_vt t = wm_table_vt(&m->tables[i]);
        if (init && init->kind) {
            if ((e = valid_const(m, init, t, m->nglobal_imports)))
                return e;
        } else if (!wm_vt_defaultable(t)) {
            return valid_error(WEFT_NO_OFFSET, "type mismatch: a table of non-nullable "
                               "references needs an initialiser");
        }
    }
    return NULL;
}

static weft_error *valid_globals(const weft_module *m)
{
    weft_error *e;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
        if ((e = valid_const(m, &m->global_init[i - m->nglobal_imports],
                             wm_global_vt(&m->globals[i]), i)))
            return e;
    return NULL;
}

static weft_error *valid_elems(const weft_module *m)
{
    weft_error *e;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wm_elem *el = &m->elems[i];
        if (el->reftype != WEFT_FUNCREF && el->reftype != WEFT_EXTERNREF)
            return valid_error(WEFT_NO_OFFSET, "malformed reference type");
        if (el->mode == WM_SEG_ACTIVE) {
            if (el->table >= m->ntables)
                return valid_error(el->offset.offset, "unknown table %u", el->table);
            if (!wm_vt_sub(m, el->vt, wm_table_vt(&m->tables[el->table])))
                return valid_error(el->offset.offset, "type mismatch: segment of %s for a table "
                                   "of %s", valid_type_name(el->vt),
                                   valid_type_name(wm_table_vt(&m->tables[el->table])));
            if ((e = valid_const(m, &el->offset, wm_addr_type(&m->tables[el->table].lim),
                                 m->nglobals)))
                return e;
        }
        if (!valid_vt_ok(m, el->vt))
            return valid_error(WEFT_NO_OFFSET, "unknown type %u", wm_vt_index(el->vt));
        for (uint32_t j = 0; j < el->count; j++)
            if ((e = valid_const(m, &el->items[j], el->vt, m->nglobals)))
                return e;
    }
    return NULL;
}

static weft_error *valid_datas(const weft_module *m)
{
    weft_error *e;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wm_data *d = &m->datas[i];
        if (d->mode != WM_SEG_ACTIVE)
            continue;
        if (d->memory >= m->nmems)
            return valid_error(d->offset.offset, "unknown memory %u", d->memory);
        if ((e = valid_const(m, &d->offset, wm_addr_type(&m->mems[d->memory]), m->nglobals)))
            return e;
    }
    return NULL;
}

static weft_error *valid_start(const weft_module *m)
{
    if (!m->has_start)
        return NULL;
    if (m->start >= m->nfuncs)
        return valid_error(WEFT_NO_OFFSET, "unknown function %u", m->start);
    const wm_functype *t = &m->types[m->func_types[m->start]];
    if (t->nparams != 0 || t->nresults != 0)
        return valid_error(WEFT_NO_OFFSET, "start function must have type [] -> []");
    return NULL;
}

static weft_error *valid_export_index(const weft_module *m, const wm_export *x)
{
    static const char *const what[5] = {"function", "table", "memory", "global", "tag"};
    uint32_t n;
    switch (x->kind) {
    case WEFT_EXTERN_FUNC: n = m->nfuncs; break;
    case WEFT_EXTERN_TABLE: n = m->ntables; break;
    case WEFT_EXTERN_MEMORY: n = m->nmems; break;
    case WEFT_EXTERN_GLOBAL: n = m->nglobals; break;
    case WEFT_EXTERN_TAG: n = m->ntags; break;
    default: return valid_error(WEFT_NO_OFFSET, "malformed export kind");
    }
    if (x->index >= n)
        return valid_error(WEFT_NO_OFFSET, "unknown %s %u", what[x->kind], x->index);
    return NULL;
}

/* Orders exports by name (length first, then bytes), so that duplicates become neighbours:
 * n log n, where comparing every pair would be quadratic on modules with many exports. */
static int valid_export_cmp(const void *pa, const void *pb)
{
    const wm_export *a = *(const wm_export *const *)pa, *b = *(const wm_export *const *)pb;
    if (a->name_len != b->name_len)
        return a->name_len < b->name_len ? -1 : 1;
    return a->name_len ? memcmp(a->name, b->name, a->name_len) : 0;
}

static weft_error *valid_exports(const weft_module *m)
{
    weft_error *e;
    const wm_export **sorted;
    for (uint32_t i = 0; i < m->nexports; i++)
        if ((e = valid_export_index(m, &m->exports[i])))
            return e;
    if (m->nexports < 2)
        return NULL;
    sorted = xcalloc(m->nexports, sizeof *sorted);
    if (!sorted)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    for (uint32_t i = 0; i < m->nexports; i++)
        sorted[i] = &m->exports[i];
    qsort(sorted, m->nexports, sizeof *sorted, valid_export_cmp);
    e = NULL;
    for (uint32_t i = 1; i < m->nexports && !e; i++)
        if (valid_export_cmp(&sorted[i - 1], &sorted[i]) == 0)
            e = valid_error(WEFT_NO_OFFSET, "duplicate export name \"%s\"", sorted[i]->name);
    free(sorted);
    return e;
}

/* C.refs: the functions named outside function bodies (element segments, global
 * initialisers, exports). Only those may be taken by ref.func inside a body, so that an
 * engine knows up front which functions can escape as references. */
static weft_error *valid_declared(weft_module *m)
{
    free(m->func_declared);
    m->func_declared = xcalloc(m->nfuncs ? m->nfuncs : 1, 1);
    if (!m->func_declared)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    for (uint32_t i = 0; i < m->nelems; i++)
        for (uint32_t j = 0; j < m->elems[i].count; j++) {
            const wm_constexpr *c = &m->elems[i].items[j];
            if (c->kind == WM_CONST_REF_FUNC && c->index < m->nfuncs)
                m->func_declared[c->index] = 1;
        }
    for (uint32_t i = 0; i + m->nglobal_imports < m->nglobals; i++) {
        const wm_constexpr *c = &m->global_init[i];
        if (c->kind == WM_CONST_REF_FUNC && c->index < m->nfuncs)
            m->func_declared[c->index] = 1;
    }
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == WEFT_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
            m->func_declared[m->exports[i].index] = 1;
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Function bodies. One context serves every function of the module, so its stacks are
 * allocated once and reused. */

typedef struct valid_frame {
    uint32_t op; /* 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0 the function itself */
    uint32_t nparams, nresults;
    const wm_vt *params, *results; /* NULL for a one-type block: `one` (see valid_results) */
    wm_vt one;
    size_t height;    /* operand stack height at entry */
    size_t inits;     /* height of the log of initialised locals at entry */
    bool unreachable; /* after br, return, unreachable...: the stack is polymorphic */
} valid_frame;

typedef struct valid_ctx {
    weft_module *m;
    wm_vt *vals; /* operand types */
    size_t nvals, capvals;
    valid_frame *ctrls;
    size_t nctrls, capctrls;
    wm_vt *locals; /* parameters, then declared locals */
    size_t nlocals, caplocals;
    /* Locals without a default (non-nullable references) must be set before they are read;
     * a set counts until the end of its block: set[] per local, log the ones set in open
     * blocks, undone down to a frame's `inits` at its end. */
    uint8_t *set;
    size_t capset;
    uint32_t *log;
    size_t nlog, caplog;
    wm_vt *scratch; /* br_table: the types popped for one target, pushed back after */
    size_t capscratch;
    wi_targets targets;
    uint32_t ntry; /* legacy try blocks nested at most in this function (wm_func.ntry) */
    size_t at; /* offset of the instruction being checked */
    weft_error *err;
} valid_ctx;

/* Numeric or vector: what an untyped select may choose between. */
static bool valid_is_num(wm_vt t)
{
    return t == WEFT_I32 || t == WEFT_I64 || t == WEFT_F32 || t == WEFT_F64 ||
           t == WEFT_V128 || t == VALID_UNKNOWN;
}

static bool valid_is_ref(wm_vt t) { return wm_vt_is_ref(t) || t == VALID_UNKNOWN; }

static bool valid_fail(valid_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool valid_fail(valid_ctx *c, const char *fmt, ...)
{
    if (!c->err) {
        char msg[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        c->err = valid_error(c->at, "%s", msg);
    }
    return false;
}

static bool valid_oom(valid_ctx *c)
{
    if (!c->err)
        c->err = err_new(WEFT_ERR_RESOURCE, c->at, "out of memory");
    return false;
}

/* ---- the operand stack ---- */

static bool valid_push(valid_ctx *c, wm_vt t)
{
    if (c->nvals == c->capvals &&
        !xgrow((void **)&c->vals, &c->capvals, c->nvals + 1, sizeof *c->vals))
        return valid_oom(c);
    c->vals[c->nvals++] = t;
    return true;
}

static bool valid_push_n(valid_ctx *c, const wm_vt *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!valid_push(c, types[i]))
            return false;
    return true;
}

/* Pops one operand that must be `want` (or anything when want is VALID_UNKNOWN); *got is the
 * type actually popped, VALID_UNKNOWN below the base of an unreachable frame. */
static bool valid_pop_as(valid_ctx *c, wm_vt want, wm_vt *got)
{
    const valid_frame *f = &c->ctrls[c->nctrls - 1];
    wm_vt t;
    if (c->nvals == f->height) {
        if (!f->unreachable)
            return valid_fail(c, "type mismatch: expected %s but the stack is empty",
                              want == VALID_UNKNOWN ? "a value" : valid_type_name(want));
        t = VALID_UNKNOWN;
    } else {
        t = c->vals[--c->nvals];
    }
    if (t != want && t != VALID_UNKNOWN && want != VALID_UNKNOWN && !wm_vt_sub(c->m, t, want))
        return valid_fail(c, "type mismatch: expected %s, got %s", valid_type_name(want),
                          valid_type_name(t));
    if (got)
        *got = t;
    return true;
}

static bool valid_pop(valid_ctx *c, wm_vt want) { return valid_pop_as(c, want, NULL); }

static bool valid_pop_n(valid_ctx *c, const wm_vt *types, uint32_t n)
{
    for (uint32_t i = n; i-- > 0;)
        if (!valid_pop(c, types[i]))
            return false;
    return true;
}

/* ---- the control stack ---- */

static const wm_vt *valid_results(const valid_frame *f)
{
    return f->results ? f->results : &f->one;
}

static bool valid_push_ctrl(valid_ctx *c, uint32_t op, const wm_vt *params, uint32_t np,
                            const wm_vt *results, uint32_t nr, wm_vt one)
{
    valid_frame *f;
    if (c->nctrls == c->capctrls &&
        !xgrow((void **)&c->ctrls, &c->capctrls, c->nctrls + 1, sizeof *c->ctrls))
        return valid_oom(c);
    f = &c->ctrls[c->nctrls++];
    f->op = op;
    f->params = params;
    f->nparams = np;
    f->results = results;
    f->nresults = nr;
    f->one = one;
    f->height = c->nvals;
    f->inits = c->nlog;
    f->unreachable = false;
    return valid_push_n(c, params, np);
}

static bool valid_pop_ctrl(valid_ctx *c, valid_frame *out)
{
    const valid_frame *f = &c->ctrls[c->nctrls - 1];
    if (!valid_pop_n(c, valid_results(f), f->nresults))
        return false;
    /* locals set inside the block are unset again after it */
    while (c->nlog > f->inits)
        c->set[c->log[--c->nlog]] = 0;
    if (c->nvals != f->height)
        return valid_fail(c, "type mismatch: %zu value(s) left on the stack at the end of the "
                          "block", c->nvals - f->height);
    *out = *f;
    c->nctrls--;
    return true;
}

static void valid_unreachable(valid_ctx *c)
{
    valid_frame *f = &c->ctrls[c->nctrls - 1];
    c->nvals = f->height;
    f->unreachable = true;
}

/* The label of depth l: NULL (and an error) when there is no such label. */
static const valid_frame *valid_label(valid_ctx *c, uint32_t l)
{
    if (l >= c->nctrls) {
        valid_fail(c, "unknown label %u", l);
        return NULL;
    }
    return &c->ctrls[c->nctrls - 1 - l];
}

/* A branch to a loop carries the loop's parameters, to anything else its results. */
static uint32_t valid_label_arity(const valid_frame *f)
{
    return f->op == 0x03 ? f->nparams : f->nresults;
}

static const wm_vt *valid_label_types(const valid_frame *f)
{
    return f->op == 0x03 ? f->params : valid_results(f);
}

/* Every type of a is a subtype of its counterpart in b. */
static bool valid_types_sub(const weft_module *m, const wm_vt *a, uint32_t na, const wm_vt *b,
                            uint32_t nb)
{
    if (na != nb)
        return false;
    for (uint32_t i = 0; i < na; i++)
        if (!wm_vt_sub(m, a[i], b[i]))
            return false;
    return true;
}

/* ---- control instructions ---- */

static bool valid_blocktype(valid_ctx *c, const wi_instr *in, valid_frame *f)
{
    int64_t bt = in->blocktype;
    f->params = f->results = NULL;
    f->nparams = f->nresults = 0;
    f->one = 0;
    if (bt == WI_BT_EMPTY)
        return true;
    if (bt < 0) {
        f->one = in->imm ? (wm_vt)in->imm : wi_bt_valtype(bt);
        if (!valid_vt_ok(c->m, f->one))
            return valid_fail(c, "unknown type %u", wm_vt_index(f->one));
        f->nresults = 1;
        return true;
    }
    if ((uint64_t)bt >= c->m->ntypes)
        return valid_fail(c, "unknown type %lld", (long long)bt);
    const wm_functype *ft = &c->m->types[bt];
    f->params = ft->vts;
    f->nparams = ft->nparams;
    f->results = ft->vts + ft->nparams;
    f->nresults = ft->nresults;
    return true;
}

static bool valid_block(valid_ctx *c, const wi_instr *in)
{
    valid_frame bt;
    if (!valid_blocktype(c, in, &bt))
        return false;
    if (in->op == 0x04 && !valid_pop(c, WEFT_I32))
        return false;
    return valid_pop_n(c, bt.params, bt.nparams) &&
           valid_push_ctrl(c, in->op, bt.params, bt.nparams, bt.results, bt.nresults, bt.one);
}

static bool valid_else(valid_ctx *c)
{
    valid_frame f;
    if (c->ctrls[c->nctrls - 1].op != 0x04)
        return valid_fail(c, "else without if");
    return valid_pop_ctrl(c, &f) &&
           valid_push_ctrl(c, 0x05, f.params, f.nparams, f.results, f.nresults, f.one);
}

static bool valid_end(valid_ctx *c)
{
    valid_frame f;
    if (!valid_pop_ctrl(c, &f))
        return false;
    /* An if without else has an empty else branch, which must turn the parameters into
     * the results: possible only when they are the same types. */
    if (f.op == 0x04 &&
        !valid_types_sub(c->m, f.params, f.nparams, valid_results(&f), f.nresults))
        return valid_fail(c, "type mismatch: if without else must have equal parameters and "
                          "results");
    return c->nctrls == 0 || valid_push_n(c, valid_results(&f), f.nresults);
}

/* br, br_if (conditional), and the branch of br_on_null (conditional, no condition: the
 * caller popped the reference). */
static bool valid_br(valid_ctx *c, uint32_t l, bool conditional, bool popped)
{
    const valid_frame *f;
    if (conditional && !popped && !valid_pop(c, WEFT_I32))
        return false;
    if (!(f = valid_label(c, l)))
        return false;
    if (!valid_pop_n(c, valid_label_types(f), valid_label_arity(f)))
        return false;
    if (conditional || popped)
        return valid_push_n(c, valid_label_types(f), valid_label_arity(f));
    valid_unreachable(c);
    return true;
}

/* Checks the operands against one br_table target and puts back what was popped, so that
 * operands of unknown type stay unknown for the next target. */
static bool valid_br_table_target(valid_ctx *c, const valid_frame *f)
{
    uint32_t n = valid_label_arity(f);
    const wm_vt *types = valid_label_types(f);
    if (!xgrow((void **)&c->scratch, &c->capscratch, (size_t)n + 1, sizeof *c->scratch))
        return valid_oom(c);
    for (uint32_t i = n; i-- > 0;)
        if (!valid_pop_as(c, types[i], &c->scratch[i]))
            return false;
    return valid_push_n(c, c->scratch, n);
}

static bool valid_br_table(valid_ctx *c, const wi_instr *in)
{
    const uint32_t *t = c->targets.v;
    const valid_frame *def;
    if (!valid_pop(c, WEFT_I32))
        return false;
    if (!(def = valid_label(c, t[in->a])))
        return false;
    for (uint32_t i = 0; i < in->a; i++) {
        const valid_frame *f = valid_label(c, t[i]);
        if (!f)
            return false;
        if (valid_label_arity(f) != valid_label_arity(def))
            return valid_fail(c, "type mismatch: br_table targets have different arities");
        if (!valid_br_table_target(c, f))
            return false;
    }
    return valid_br(c, t[in->a], false, false);
}

static bool valid_return(valid_ctx *c)
{
    if (!valid_pop_n(c, valid_results(&c->ctrls[0]), c->ctrls[0].nresults))
        return false;
    valid_unreachable(c);
    return true;
}

static bool valid_call_type(valid_ctx *c, const wm_functype *t)
{
    return valid_pop_n(c, t->vts, t->nparams) &&
           valid_push_n(c, t->vts + t->nparams, t->nresults);
}

/* return_call*: the callee's results must be the caller's, then nothing follows. */
static bool valid_tail_call_type(valid_ctx *c, const wm_functype *t)
{
    const valid_frame *f0 = &c->ctrls[0];
    if (c->m->disabled_features & WEFT_FEATURE_TAIL_CALL)
        return valid_fail(c, "tail calls are disabled");
    c->m->tail_calls = true;
    if (!valid_types_sub(c->m, t->vts + t->nparams, t->nresults, valid_results(f0),
                         f0->nresults))
        return valid_fail(c, "type mismatch: the callee's results are not the caller's");
    if (!valid_pop_n(c, t->vts, t->nparams))
        return false;
    valid_unreachable(c);
    return true;
}

static bool valid_call(valid_ctx *c, uint32_t f, bool tail)
{
    if (f >= c->m->nfuncs)
        return valid_fail(c, "unknown function %u", f);
    const wm_functype *t = &c->m->types[c->m->func_types[f]];
    return tail ? valid_tail_call_type(c, t) : valid_call_type(c, t);
}

static bool valid_call_indirect(valid_ctx *c, const wi_instr *in)
{
    const weft_module *m = c->m;
    if (in->b >= m->ntables)
        return valid_fail(c, "unknown table %u", in->b);
    if (in->a >= m->ntypes)
        return valid_fail(c, "unknown type %u", in->a);
    if (!wm_vt_sub(m, wm_table_vt(&m->tables[in->b]), WEFT_FUNCREF))
        return valid_fail(c, "type mismatch: call_indirect needs a table of funcref");
    if (!valid_pop(c, wm_addr_type(&m->tables[in->b].lim)))
        return false;
    return in->op == 0x13 ? valid_tail_call_type(c, &m->types[in->a])
                          : valid_call_type(c, &m->types[in->a]);
}

/* call_ref and return_call_ref $t: a (ref null $t) on top of the arguments. */
static bool valid_call_ref(valid_ctx *c, const wi_instr *in)
{
    const weft_module *m = c->m;
    if (m->disabled_features & WEFT_FEATURE_FUNCTION_REFERENCES)
        return valid_fail(c, "%s needs function references, which are disabled",
                          wi_name(in->op));
    if (in->a >= m->ntypes)
        return valid_fail(c, "unknown type %u", in->a);
    if (!valid_pop(c, wm_vt_concrete(in->a, true)))
        return false;
    return in->op == 0x15 ? valid_tail_call_type(c, &m->types[in->a])
                          : valid_call_type(c, &m->types[in->a]);
}

/* ---- parametric and variable instructions ---- */

static bool valid_select(valid_ctx *c, const wi_instr *in)
{
    wm_vt t1 = 0, t2 = 0;
    if (in->op == 0x1C) {
        wm_vt t = (wm_vt)in->imm;
        if (in->a != 1)
            return valid_fail(c, "invalid result arity");
        if (!valid_vt_ok(c->m, t))
            return valid_fail(c, "unknown type %u", wm_vt_index(t));
        return valid_pop(c, WEFT_I32) && valid_pop(c, t) && valid_pop(c, t) &&
               valid_push(c, t);
    }
    /* Untyped select: only numeric operands, so that an engine needs no type annotation to
     * know the size of what it copies. */
    if (!valid_pop(c, WEFT_I32) || !valid_pop_as(c, VALID_UNKNOWN, &t1) ||
        !valid_pop_as(c, VALID_UNKNOWN, &t2))
        return false;
    if (!valid_is_num(t1) || !valid_is_num(t2))
        return valid_fail(c, "type mismatch: select without type needs numeric operands");
    if (t1 != t2 && t1 != VALID_UNKNOWN && t2 != VALID_UNKNOWN)
        return valid_fail(c, "type mismatch: select operands %s and %s", valid_type_name(t2),
                          valid_type_name(t1));
    return valid_push(c, t1 == VALID_UNKNOWN ? t2 : t1);
}

/* A local without a default is set here: it stays set to the end of the innermost block. */
static bool valid_local_set(valid_ctx *c, uint32_t x)
{
    if (c->set[x])
        return true;
    if (!xgrow((void **)&c->log, &c->caplog, c->nlog + 1, sizeof *c->log))
        return valid_oom(c);
    c->set[x] = 1;
    c->log[c->nlog++] = x;
    return true;
}

static bool valid_local(valid_ctx *c, const wi_instr *in)
{
    wm_vt t;
    if (in->a >= c->nlocals)
        return valid_fail(c, "unknown local %u", in->a);
    t = c->locals[in->a];
    switch (in->op) {
    case 0x20:
        if (!c->set[in->a])
            return valid_fail(c, "uninitialized local %u", in->a);
        return valid_push(c, t);
    case 0x21: return valid_pop(c, t) && valid_local_set(c, in->a);
    default: return valid_pop(c, t) && valid_local_set(c, in->a) && valid_push(c, t);
    }
}

static bool valid_global(valid_ctx *c, const wi_instr *in)
{
    const wm_globaltype *g;
    if (in->a >= c->m->nglobals)
        return valid_fail(c, "unknown global %u", in->a);
    g = &c->m->globals[in->a];
    if (in->op == 0x23)
        return valid_push(c, wm_global_vt(g));
    if (!g->mut)
        return valid_fail(c, "global is immutable");
    return valid_pop(c, wm_global_vt(g));
}

/* ---- tables ---- */

static bool valid_table(valid_ctx *c, uint32_t x, wm_vt *reftype)
{
    if (x >= c->m->ntables)
        return valid_fail(c, "unknown table %u", x);
    *reftype = wm_table_vt(&c->m->tables[x]);
    return true;
}

/* The index type of table x (validated to exist). */
static uint8_t valid_table_at(const valid_ctx *c, uint32_t x)
{
    return wm_addr_type(&c->m->tables[x].lim);
}

/* Of two address types, the narrower (the length operand of a copy between them). */
static uint8_t valid_min_at(uint8_t a, uint8_t b)
{
    return a == WEFT_I64 && b == WEFT_I64 ? WEFT_I64 : WEFT_I32;
}

static bool valid_elem(valid_ctx *c, uint32_t x, wm_vt *reftype)
{
    if (x >= c->m->nelems)
        return valid_fail(c, "unknown elem segment %u", x);
    *reftype = c->m->elems[x].vt;
    return true;
}

static bool valid_table_op(valid_ctx *c, const wi_instr *in)
{
    wm_vt rt = 0, rt2 = 0;
    switch (in->op) {
    case 0x25: /* table.get */
        return valid_table(c, in->a, &rt) && valid_pop(c, valid_table_at(c, in->a)) &&
               valid_push(c, rt);
    case 0x26: /* table.set */
        return valid_table(c, in->a, &rt) && valid_pop(c, rt) &&
               valid_pop(c, valid_table_at(c, in->a));
    case WI_FC(12): /* table.init elem table */
        if (!valid_table(c, in->b, &rt) || !valid_elem(c, in->a, &rt2))
            return false;
        if (!wm_vt_sub(c->m, rt2, rt))
            return valid_fail(c, "type mismatch: segment of %s for a table of %s",
                              valid_type_name(rt2), valid_type_name(rt));
        return valid_pop(c, WEFT_I32) && valid_pop(c, WEFT_I32) &&
               valid_pop(c, valid_table_at(c, in->b));
    case WI_FC(13): /* elem.drop */
        return valid_elem(c, in->a, &rt);
    case WI_FC(14): /* table.copy dst src */
        if (!valid_table(c, in->a, &rt) || !valid_table(c, in->b, &rt2))
            return false;
        if (!wm_vt_sub(c->m, rt2, rt))
            return valid_fail(c, "type mismatch: copy from a table of %s to a table of %s",
                              valid_type_name(rt2), valid_type_name(rt));
        return valid_pop(c, valid_min_at(valid_table_at(c, in->a), valid_table_at(c, in->b))) &&
               valid_pop(c, valid_table_at(c, in->b)) && valid_pop(c, valid_table_at(c, in->a));
    case WI_FC(15): /* table.grow */
        return valid_table(c, in->a, &rt) && valid_pop(c, valid_table_at(c, in->a)) &&
               valid_pop(c, rt) && valid_push(c, valid_table_at(c, in->a));
    case WI_FC(16): /* table.size */
        return valid_table(c, in->a, &rt) && valid_push(c, valid_table_at(c, in->a));
    default: /* table.fill */
        return valid_table(c, in->a, &rt) && valid_pop(c, valid_table_at(c, in->a)) &&
               valid_pop(c, rt) && valid_pop(c, valid_table_at(c, in->a));
    }
}

/* ---- memory ---- */

/* Memory x exists; *at receives its address type (i64 for memory64's). */
static bool valid_memory(valid_ctx *c, uint32_t x, uint8_t *at)
{
    if (x >= c->m->nmems)
        return valid_fail(c, "unknown memory %u", x);
    *at = wm_addr_type(&c->m->mems[x]);
    return true;
}

/* Plain accesses may be less aligned than natural (a hint); atomic ones must be exact. A
 * 32-bit memory's offsets are u32. */
static bool valid_memarg(valid_ctx *c, const wi_instr *in, uint32_t natural, bool atomic,
                         uint8_t *at)
{
    if (!valid_memory(c, in->mem, at))
        return false;
    if (atomic && in->a != natural)
        return valid_fail(c, "atomic alignment must be natural");
    if (in->a > natural)
        return valid_fail(c, "alignment must not be larger than natural");
    if (*at == WEFT_I32 && in->imm > UINT32_MAX)
        return valid_fail(c, "offset out of range");
    return true;
}

/* 0x28..0x35 loads, 0x36..0x3E stores: value type and log2 of the access size. */
static const uint8_t valid_mem_type[0x3F - 0x28] = {
    WEFT_I32, WEFT_I64, WEFT_F32, WEFT_F64, WEFT_I32, WEFT_I32, WEFT_I32, WEFT_I32,
    WEFT_I64, WEFT_I64, WEFT_I64, WEFT_I64, WEFT_I64, WEFT_I64,
    WEFT_I32, WEFT_I64, WEFT_F32, WEFT_F64, WEFT_I32, WEFT_I32, WEFT_I64, WEFT_I64, WEFT_I64};
static const uint8_t valid_mem_align[0x3F - 0x28] = {
    2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2,
    2, 3, 2, 3, 0, 1, 0, 1, 2};

static bool valid_load_store(valid_ctx *c, const wi_instr *in)
{
    uint8_t t = valid_mem_type[in->op - 0x28], at;
    if (!valid_memarg(c, in, valid_mem_align[in->op - 0x28], false, &at))
        return false;
    if (in->op <= 0x35)
        return valid_pop(c, at) && valid_push(c, t);
    return valid_pop(c, t) && valid_pop(c, at);
}

/* The data count section must precede the code when a body names data segments, so that a
 * one-pass compiler knows their number. It is checked after the index itself because text
 * tools omit the section when there are no segments, and the spec's tests then expect
 * "unknown data segment". */
static bool valid_data_index(valid_ctx *c, uint32_t x)
{
    if (x >= c->m->ndatas)
        return valid_fail(c, "unknown data segment %u", x);
    if (!c->m->has_datacount) {
        if (!c->err)
            c->err = err_new(WEFT_ERR_DECODE, c->at, "data count section required at byte 0x%zx",
                             c->at);
        return false;
    }
    return true;
}

static bool valid_memory_op(valid_ctx *c, const wi_instr *in)
{
    uint8_t at = WEFT_I32, at2 = WEFT_I32;
    switch (in->op) {
    case 0x3F: /* memory.size */
        return valid_memory(c, in->mem, &at) && valid_push(c, at);
    case 0x40: /* memory.grow */
        return valid_memory(c, in->mem, &at) && valid_pop(c, at) && valid_push(c, at);
    case WI_FC(8): /* memory.init: d (address), s, n */
        return valid_memory(c, in->mem, &at) && valid_data_index(c, in->a) &&
               valid_pop(c, WEFT_I32) && valid_pop(c, WEFT_I32) && valid_pop(c, at);
    case WI_FC(9): /* data.drop */
        return valid_data_index(c, in->a);
    case WI_FC(10): /* memory.copy: d, s, n (the narrower of the two address types) */
        return valid_memory(c, in->mem, &at) && valid_memory(c, in->mem2, &at2) &&
               valid_pop(c, valid_min_at(at, at2)) && valid_pop(c, at2) && valid_pop(c, at);
    default: /* memory.fill: d, value, n */
        return valid_memory(c, in->mem, &at) && valid_pop(c, at) && valid_pop(c, WEFT_I32) &&
               valid_pop(c, at);
    }
}

/* ---- atomics (threads proposal, prefix 0xFE) ---- */

/* The shapes of the loads (0x10..), stores (0x17..) and each group of seven read-modify-write
 * instructions (0x1E.., 0x25.., ... 0x48 cmpxchg): i32, i64, then the narrow ones. */
static const uint8_t valid_atomic_type[7] = {WEFT_I32, WEFT_I64, WEFT_I32, WEFT_I32,
                                             WEFT_I64, WEFT_I64, WEFT_I64};
static const uint8_t valid_atomic_align[7] = {2, 3, 0, 1, 0, 1, 2};

static bool valid_atomic(valid_ctx *c, const wi_instr *in)
{
    uint32_t sub = in->op & 0xFFFFu, k;
    uint8_t t, at;
    switch (sub) {
    case 0x00: /* memory.atomic.notify */
        return valid_memarg(c, in, 2, true, &at) && valid_pop(c, WEFT_I32) &&
               valid_pop(c, at) && valid_push(c, WEFT_I32);
    case 0x01: /* memory.atomic.wait32 */
        return valid_memarg(c, in, 2, true, &at) && valid_pop(c, WEFT_I64) &&
               valid_pop(c, WEFT_I32) && valid_pop(c, at) && valid_push(c, WEFT_I32);
    case 0x02: /* memory.atomic.wait64 */
        return valid_memarg(c, in, 3, true, &at) && valid_pop(c, WEFT_I64) &&
               valid_pop(c, WEFT_I64) && valid_pop(c, at) && valid_push(c, WEFT_I32);
    case 0x03: /* atomic.fence */
        return true;
    }
    if (sub < 0x10 || sub > 0x4E)
        return valid_fail(c, "unsupported instruction %s", wi_name(in->op));
    k = sub < 0x17 ? sub - 0x10 : sub < 0x1E ? sub - 0x17 : (sub - 0x1E) % 7;
    t = valid_atomic_type[k];
    if (!valid_memarg(c, in, valid_atomic_align[k], true, &at))
        return false;
    if (sub < 0x17) /* load */
        return valid_pop(c, at) && valid_push(c, t);
    if (sub < 0x1E) /* store */
        return valid_pop(c, t) && valid_pop(c, at);
    if (sub >= 0x48 && !valid_pop(c, t)) /* cmpxchg: expected, replacement */
        return false;
    return valid_pop(c, t) && valid_pop(c, at) && valid_push(c, t);
}

/* ---- numeric instructions ---- */

static bool valid_numeric(valid_ctx *c, uint32_t op)
{
    uint8_t a, b, r;
    if (!wi_numeric_sig(op, &a, &b, &r))
        return valid_fail(c, "unsupported instruction %s", wi_name(op));
    if (b && !valid_pop(c, b))
        return false;
    return valid_pop(c, a) && valid_push(c, r);
}

/* ---- SIMD (prefix 0xFD), driven by the list of simd.h ---- */

typedef struct valid_simd_info {
    uint8_t shape, n, type; /* as in SIMD_OPS: n bytes or lanes, type the scalar's */
} valid_simd_info;

#define VALID_SIMD_ENTRY(sub, name, text, shape, n, t) [sub] = {SIMD_SH_##shape, n, WEFT_##t},
static const valid_simd_info valid_simd_ops[SIMD_NSUB] = {SIMD_OPS(VALID_SIMD_ENTRY)};
#undef VALID_SIMD_ENTRY

static uint32_t valid_log2(uint32_t n)
{
    uint32_t k = 0;
    while (n > 1) {
        n >>= 1;
        k++;
    }
    return k;
}

static bool valid_lane(valid_ctx *c, uint32_t lane, uint32_t nlanes)
{
    return lane < nlanes ? true : valid_fail(c, "invalid lane index");
}

static bool valid_simd_mem(valid_ctx *c, const wi_instr *in, const valid_simd_info *s)
{
    const uint8_t V = WEFT_V128;
    uint8_t at;
    if (!valid_memarg(c, in, valid_log2(s->n), false, &at))
        return false;
    switch (s->shape) {
    case SIMD_SH_STORE:
        return valid_pop(c, V) && valid_pop(c, at);
    case SIMD_SH_LOAD_LANE:
        return valid_lane(c, in->b, 16u / s->n) && valid_pop(c, V) &&
               valid_pop(c, at) && valid_push(c, V);
    case SIMD_SH_STORE_LANE:
        return valid_lane(c, in->b, 16u / s->n) && valid_pop(c, V) && valid_pop(c, at);
    default: /* the loads */
        return valid_pop(c, at) && valid_push(c, V);
    }
}

static bool valid_simd(valid_ctx *c, const wi_instr *in)
{
    const uint8_t V = WEFT_V128;
    uint32_t sub = in->op & 0xFFFFu;
    const valid_simd_info *s = sub < SIMD_NSUB ? &valid_simd_ops[sub] : NULL;
    if (!s || s->shape == SIMD_SH_NONE)
        return valid_fail(c, "unsupported instruction %s", wi_name(in->op));
    if (sub >= SIMD_RELAXED_FIRST && (c->m->disabled_features & WEFT_FEATURE_RELAXED_SIMD))
        return valid_fail(c, "%s needs relaxed SIMD, which is disabled", wi_name(in->op));
    switch (s->shape) {
    case SIMD_SH_CONST:
        return valid_push(c, V);
    case SIMD_SH_SHUFFLE:
        for (int i = 0; i < 16; i++)
            if (in->bytes[i] >= 32)
                return valid_fail(c, "invalid lane index");
        return valid_pop(c, V) && valid_pop(c, V) && valid_push(c, V);
    case SIMD_SH_SPLAT:
        return valid_pop(c, s->type) && valid_push(c, V);
    case SIMD_SH_EXTRACT:
        return valid_lane(c, in->b, s->n) && valid_pop(c, V) && valid_push(c, s->type);
    case SIMD_SH_REPLACE:
        return valid_lane(c, in->b, s->n) && valid_pop(c, s->type) && valid_pop(c, V) &&
               valid_push(c, V);
    case SIMD_SH_UN:
        return valid_pop(c, V) && valid_push(c, V);
    case SIMD_SH_BIN:
        return valid_pop(c, V) && valid_pop(c, V) && valid_push(c, V);
    case SIMD_SH_TERN:
        return valid_pop(c, V) && valid_pop(c, V) && valid_pop(c, V) && valid_push(c, V);
    case SIMD_SH_SHIFT:
        return valid_pop(c, WEFT_I32) && valid_pop(c, V) && valid_push(c, V);
    case SIMD_SH_TEST:
        return valid_pop(c, V) && valid_push(c, WEFT_I32);
    default:
        return valid_simd_mem(c, in, s);
    }
}

/* ---- exception handling ---- */

static const wm_functype *valid_tag(valid_ctx *c, uint32_t x)
{
    if (x >= c->m->ntags) {
        valid_fail(c, "unknown tag %u", x);
        return NULL;
    }
    return &c->m->types[c->m->tag_types[x]];
}

static bool valid_throw(valid_ctx *c, uint32_t x)
{
    const wm_functype *t = valid_tag(c, x);
    if (!t || !valid_pop_n(c, t->vts, t->nparams))
        return false;
    valid_unreachable(c);
    return true;
}

/* One catch clause of try_table: the label must take what the clause hands it (the tag's
 * values, then an exnref for the _ref forms). Labels count from outside the try_table. */
static bool valid_catch_clause(valid_ctx *c, const uint32_t *clause)
{
    const valid_frame *f = valid_label(c, clause[2]);
    const wm_vt *want = NULL, *lt;
    uint32_t n = 0, ln;
    bool ref = clause[0] == WI_CATCH_REF || clause[0] == WI_CATCH_ALL_REF;
    if (!f)
        return false;
    if (clause[0] == WI_CATCH || clause[0] == WI_CATCH_REF) {
        const wm_functype *t = valid_tag(c, clause[1]);
        if (!t)
            return false;
        want = t->vts;
        n = t->nparams;
    }
    lt = valid_label_types(f);
    ln = valid_label_arity(f);
    /* the clause hands the tag's values, then a (ref exn) for the _ref forms */
    if (ln != n + ref || (n && !valid_types_sub(c->m, want, n, lt, n)) ||
        (ref && !wm_vt_sub(c->m, WEFT_EXNREF | WM_VT_NONNULL, lt[n])))
        return valid_fail(c, "type mismatch in catch clause");
    return true;
}

static bool valid_try_table(valid_ctx *c, const wi_instr *in)
{
    valid_frame bt;
    if (!valid_blocktype(c, in, &bt))
        return false;
    for (uint32_t i = 0; i < in->a; i++)
        if (!valid_catch_clause(c, &c->targets.v[3 * i]))
            return false;
    return valid_pop_n(c, bt.params, bt.nparams) &&
           valid_push_ctrl(c, in->op, bt.params, bt.nparams, bt.results, bt.nresults, bt.one);
}

/* Legacy try blocks open now (try, or one of its catch arms). */
static uint32_t valid_try_depth(const valid_ctx *c)
{
    uint32_t n = 0;
    for (size_t i = 0; i < c->nctrls; i++)
        n += c->ctrls[i].op == 0x06 || c->ctrls[i].op == 0x07 || c->ctrls[i].op == 0x19;
    return n;
}

/* catch x / catch_all: closes the try body (or the previous catch) like `else`. */
static bool valid_catch(valid_ctx *c, const wi_instr *in)
{
    valid_frame f;
    const wm_functype *t = NULL;
    uint32_t op = c->ctrls[c->nctrls - 1].op;
    if (op != 0x06 && op != 0x07)
        return valid_fail(c, "%s without try", in->op == 0x07 ? "catch" : "catch_all");
    if (in->op == 0x07 && !(t = valid_tag(c, in->a)))
        return false;
    if (!valid_pop_ctrl(c, &f) ||
        !valid_push_ctrl(c, in->op, NULL, 0, f.results, f.nresults, f.one))
        return false;
    return !t || valid_push_n(c, t->vts, t->nparams);
}

static bool valid_delegate(valid_ctx *c, const wi_instr *in)
{
    valid_frame f;
    if (c->ctrls[c->nctrls - 1].op != 0x06)
        return valid_fail(c, "delegate without try");
    if (!valid_pop_ctrl(c, &f) || !valid_label(c, in->a))
        return false;
    return valid_push_n(c, valid_results(&f), f.nresults);
}

static bool valid_rethrow(valid_ctx *c, uint32_t l)
{
    const valid_frame *f = valid_label(c, l);
    if (!f)
        return false;
    if (f->op != 0x07 && f->op != 0x19)
        return valid_fail(c, "invalid rethrow label");
    valid_unreachable(c);
    return true;
}

static bool valid_eh(valid_ctx *c, const wi_instr *in)
{
    bool legacy = in->op != 0x08 && in->op != 0x0A && in->op != 0x1F;
    uint32_t bit = legacy ? WEFT_FEATURE_LEGACY_EXCEPTIONS : WEFT_FEATURE_EXCEPTIONS;
    if (c->m->disabled_features & bit)
        return valid_fail(c, "%s needs %sexception handling, which is disabled",
                          wi_name(in->op), legacy ? "legacy " : "");
    switch (in->op) {
    case 0x06: {
        valid_frame bt;
        bool ok = valid_blocktype(c, in, &bt) && valid_pop_n(c, bt.params, bt.nparams) &&
                  valid_push_ctrl(c, in->op, bt.params, bt.nparams, bt.results, bt.nresults,
                                  bt.one);
        uint32_t d = valid_try_depth(c);
        if (d > c->ntry)
            c->ntry = d;
        return ok;
    }
    case 0x07: case 0x19: return valid_catch(c, in);
    case 0x08: return valid_throw(c, in->a);
    case 0x09: return valid_rethrow(c, in->a);
    case 0x0A:
        if (!valid_pop(c, WEFT_EXNREF))
            return false;
        valid_unreachable(c);
        return true;
    case 0x18: return valid_delegate(c, in);
    default: return valid_try_table(c, in);
    }
}

/* ---- references ---- */

/* Pops a reference of any type (*t; VALID_UNKNOWN in unreachable code). */
static bool valid_pop_ref(valid_ctx *c, wm_vt *t, const char *what)
{
    if (!valid_pop_as(c, VALID_UNKNOWN, t))
        return false;
    if (!valid_is_ref(*t))
        return valid_fail(c, "type mismatch: %s needs a reference, got %s", what,
                          valid_type_name(*t));
    return true;
}

/* br_on_null l: [t* (ref null ht)] -> [t* (ref ht)], branching with t* on null.
 * br_on_non_null l: [t* (ref null ht)] -> [t*], branching with t* (ref ht) otherwise. */
static bool valid_br_on(valid_ctx *c, const wi_instr *in)
{
    const valid_frame *f;
    wm_vt t;
    if (c->m->disabled_features & WEFT_FEATURE_FUNCTION_REFERENCES)
        return valid_fail(c, "%s needs function references, which are disabled",
                          wi_name(in->op));
    if (!valid_pop_ref(c, &t, wi_name(in->op)) || !(f = valid_label(c, in->a)))
        return false;
    uint32_t n = valid_label_arity(f);
    wm_vt nonnull = t == VALID_UNKNOWN ? VALID_UNKNOWN : t | WM_VT_NONNULL;
    if (in->op == 0xD5)
        return valid_br(c, in->a, false, true) && valid_push(c, nonnull);
    if (n == 0 || !valid_is_ref(valid_label_types(f)[n - 1]))
        return valid_fail(c, "type mismatch: br_on_non_null needs a label ending in a "
                          "reference");
    if (nonnull != VALID_UNKNOWN &&
        !wm_vt_sub(c->m, nonnull, valid_label_types(f)[n - 1]))
        return valid_fail(c, "type mismatch: %s for a label of %s", valid_type_name(nonnull),
                          valid_type_name(valid_label_types(f)[n - 1]));
    return valid_pop_n(c, valid_label_types(f), n - 1) &&
           valid_push_n(c, valid_label_types(f), n - 1);
}

static bool valid_ref(valid_ctx *c, const wi_instr *in)
{
    wm_vt t = 0;
    switch (in->op) {
    case 0xD0: /* ref.null */
        if (!valid_vt_ok(c->m, (wm_vt)in->imm))
            return valid_fail(c, "unknown type %u", wm_vt_index((wm_vt)in->imm));
        return valid_push(c, (wm_vt)in->imm);
    case 0xD1: /* ref.is_null */
        return valid_pop_ref(c, &t, "ref.is_null") && valid_push(c, WEFT_I32);
    case 0xD4: /* ref.as_non_null */
        if (c->m->disabled_features & WEFT_FEATURE_FUNCTION_REFERENCES)
            return valid_fail(c, "ref.as_non_null needs function references, which are "
                              "disabled");
        return valid_pop_ref(c, &t, "ref.as_non_null") &&
               valid_push(c, t == VALID_UNKNOWN ? t : t | WM_VT_NONNULL);
    default: /* ref.func: a (ref $t) of the function's type */
        if (in->a >= c->m->nfuncs)
            return valid_fail(c, "unknown function %u", in->a);
        if (!c->m->func_declared[in->a])
            return valid_fail(c, "undeclared function reference");
        return valid_push(c, wm_vt_concrete(c->m->func_types[in->a], false));
    }
}

/* ---- one instruction ---- */

/* With multi-memory or memory64 disabled, their encodings are malformed, as in 2.0. */
static bool valid_enc3(valid_ctx *c, const wi_instr *in)
{
    const char *why = NULL;
    if ((in->enc3 & WI_ENC_MEMIDX) && (c->m->disabled_features & WEFT_FEATURE_MULTI_MEMORY))
        why = "zero byte expected";
    else if ((in->enc3 & WI_ENC_OFFSET64) && (c->m->disabled_features & WEFT_FEATURE_MEMORY64))
        why = "integer representation too long";
    if (why && !c->err)
        c->err = err_new(WEFT_ERR_DECODE, c->at, "%s at byte 0x%zx", why, c->at);
    return why == NULL;
}

static bool valid_instr(valid_ctx *c, const wi_instr *in)
{
    uint32_t op = in->op;
    if ((c->m->disabled_features & WEFT_FEATURE_REFERENCE_TYPES) && valid_needs_reftypes(op))
        return valid_fail(c, "%s needs reference types, which are disabled", wi_name(op));
    if (in->enc3 && !valid_enc3(c, in))
        return false;
    switch (op) {
    case 0x00: valid_unreachable(c); return true;
    case 0x01: return true;
    case 0x02: case 0x03: case 0x04: return valid_block(c, in);
    case 0x05: return valid_else(c);
    case 0x0B: return valid_end(c);
    case 0x06: case 0x07: case 0x08: case 0x09: case 0x0A: case 0x18: case 0x19: case 0x1F:
        return valid_eh(c, in);
    case 0x0C: return valid_br(c, in->a, false, false);
    case 0x0D: return valid_br(c, in->a, true, false);
    case 0x0E: return valid_br_table(c, in);
    case 0x0F: return valid_return(c);
    case 0x10: case 0x12: return valid_call(c, in->a, op == 0x12);
    case 0x11: case 0x13: return valid_call_indirect(c, in);
    case 0x14: case 0x15: return valid_call_ref(c, in);
    case 0xD4: return valid_ref(c, in);
    case 0xD5: case 0xD6: return valid_br_on(c, in);
    case 0x1A: return valid_pop(c, VALID_UNKNOWN);
    case 0x1B: case 0x1C: return valid_select(c, in);
    case 0x20: case 0x21: case 0x22: return valid_local(c, in);
    case 0x23: case 0x24: return valid_global(c, in);
    case 0x25: case 0x26: return valid_table_op(c, in);
    case 0x3F: case 0x40: return valid_memory_op(c, in);
    case 0x41: return valid_push(c, WEFT_I32);
    case 0x42: return valid_push(c, WEFT_I64);
    case 0x43: return valid_push(c, WEFT_F32);
    case 0x44: return valid_push(c, WEFT_F64);
    case 0xD0: case 0xD1: case 0xD2: return valid_ref(c, in);
    case WI_FC(8): case WI_FC(9): case WI_FC(10): case WI_FC(11):
        return valid_memory_op(c, in);
    case WI_FC(12): case WI_FC(13): case WI_FC(14): case WI_FC(15): case WI_FC(16):
    case WI_FC(17):
        return valid_table_op(c, in);
    }
    if (op >= 0x28 && op <= 0x3E)
        return valid_load_store(c, in);
    if ((op >> 16) == 0xFE)
        return valid_atomic(c, in);
    if ((op >> 16) == 0xFD)
        return valid_simd(c, in);
    return valid_numeric(c, op);
}

/* ---- one function ---- */

/* A body that ends before its final `end`. The reference interpreter reads on past the
 * function's size and reports what it then meets; the spec tests expect its messages. */
static weft_error *valid_missing_end(const weft_module *m, size_t at)
{
    const char *msg = at >= m->len              ? "unexpected end of section or function"
                      : m->bytes[at] == 0x0B    ? "section size mismatch"
                                                : "END opcode expected";
    return err_new(WEFT_ERR_DECODE, at, "%s at byte 0x%zx", msg, at);
}

static bool valid_locals(valid_ctx *c, const wm_functype *t, const wm_func *f)
{
    size_t n = (size_t)t->nparams + f->nlocals;
    if (!xgrow((void **)&c->locals, &c->caplocals, n + 1, sizeof *c->locals) ||
        !xgrow((void **)&c->set, &c->capset, n + 1, 1))
        return valid_oom(c);
    for (uint32_t i = 0; i < t->nparams; i++)
        c->locals[i] = t->vts[i];
    for (uint32_t i = 0; i < f->nlocals; i++)
        c->locals[t->nparams + i] = f->local_vts ? f->local_vts[i] : f->local_types[i];
    for (size_t i = 0; i < n; i++)
        c->set[i] = i < t->nparams || wm_vt_defaultable(c->locals[i]);
    c->nlocals = n;
    c->nlog = 0;
    return true;
}

static weft_error *valid_body(valid_ctx *c, uint32_t defidx)
{
    const weft_module *m = c->m;
    const wm_func *f = &m->funcs[defidx];
    const wm_functype *t = &m->types[m->func_types[m->nfunc_imports + defidx]];
    wr_reader r;
    wi_instr in;

    c->nvals = c->nctrls = 0;
    c->ntry = 0;
    c->at = f->body_offset;
    if (f->body_offset > f->body_end || f->body_end > m->len)
        return err_new(WEFT_ERR_DECODE, f->code_offset, "function body out of bounds");
    if (!valid_locals(c, t, f) ||
        !valid_push_ctrl(c, 0, NULL, 0, t->vts + t->nparams, t->nresults, 0))
        return c->err;
    wr_init(&r, m->bytes + f->body_offset, f->body_end - f->body_offset, f->body_offset);
    while (c->nctrls > 0) {
        if (wr_eof(&r))
            return valid_missing_end(m, f->body_end);
        if (!wi_read(&r, &in, &c->targets))
            return r.err;
        c->at = in.offset;
        if (!valid_instr(c, &in))
            return c->err;
    }
    if (!wr_eof(&r))
        return err_new(WEFT_ERR_DECODE, wr_offset(&r), "section size mismatch at byte 0x%zx",
                       wr_offset(&r));
    c->m->funcs[defidx].ntry = c->ntry;
    return NULL;
}

static weft_error *valid_code(weft_module *m)
{
    valid_ctx c;
    weft_error *e = NULL;
    memset(&c, 0, sizeof c);
    c.m = m;
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports && !e; i++) {
        c.err = NULL;
        e = valid_body(&c, i);
        if (e) {
            uint32_t fi = m->nfunc_imports + i;
            err_set_func(e, fi, m->func_names ? m->func_names[fi] : NULL);
        }
    }
    free(c.vals);
    free(c.ctrls);
    free(c.locals);
    free(c.set);
    free(c.log);
    free(c.scratch);
    wi_targets_free(&c.targets);
    return e;
}

weft_error *validate_module(weft_module *m)
{
    weft_error *e;
    if ((e = valid_func_types(m)) || (e = valid_type_refs(m)) || (e = valid_tables_mems(m)) ||
        (e = valid_tags(m)) || (e = valid_table_inits(m)) || (e = valid_globals(m)) ||
        (e = valid_elems(m)) || (e = valid_datas(m)) || (e = valid_start(m)) ||
        (e = valid_exports(m)) || (e = valid_declared(m)))
        return e;
    return valid_code(m);
}
