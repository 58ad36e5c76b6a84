/*
 * decode.c - the WebAssembly 2.0 binary format (plus the threads proposal) into a weft_module.
 *
 * Like the reference interpreter, sections are read from a reader that runs to the end of the
 * module and their declared size is checked afterwards ("section size mismatch"); lengths are
 * checked against the bytes left in the module ("length out of bounds"). That makes our errors
 * the ones the spec testsuite expects. Function bodies are scanned instruction by instruction
 * (wi_read) so that every malformed encoding is a DECODE error found in module order; typing is
 * left to the validator. The few VALIDATE errors seen here (non-constant constant expressions)
 * are held back until the whole module is known not to be malformed, since a malformed module
 * must be reported as such.
 */
#include <stdio.h>
#include <string.h>

#include "instr.h"
#include "module.h"

/* Declared locals per function. The spec allows 2^32-1, but the local types are stored one
 * byte each, so a five-byte entry could otherwise demand gigabytes; engines cap this the same
 * way (50000 is the limit of V8 and wasmtime). */
#define DECODE_MAX_LOCALS 50000u

typedef struct decoder {
    weft_module *m;
    wr_reader r;          /* over the whole module */
    weft_error *pending;  /* the first VALIDATE error, returned if nothing is malformed */
    wi_targets targets;   /* br_table scratch for the body scan */
    uint8_t *ifs;         /* per open block: 1 while it is an `if` that has not seen `else` */
    size_t cap_ifs;
    size_t cap_ftypes, cap_tables, cap_mems, cap_globals, cap_customs, cap_tags;
    uint32_t nfunc_decls; /* entries of the function section */
    size_t data_use;      /* offset of the first memory.init/data.drop, or WEFT_NO_OFFSET */
    bool has_code;
} decoder;

/* ------------------------------------------------------------------------------------------ */
/* Small readers */

/* A name's byte length (and a section's size): it cannot exceed the bytes left. */
static bool decode_len(wr_reader *r, uint32_t *n)
{
    size_t at = wr_offset(r);
    if (!wr_u32(r, n))
        return false;
    if (*n > wr_left(r))
        return wr_fail_at(r, at, "length out of bounds");
    return true;
}

/* A vector count. It is not checked against the bytes left: like the reference we read until
 * the bytes run out ("unexpected end"). Every item takes at least one byte, though, so storage
 * for more than left+1 items is never needed: *cap gets the number of items to allocate, and
 * loops stop at it (a read has failed by then). */
static bool decode_count(wr_reader *r, uint32_t *n, uint32_t *cap)
{
    if (!wr_u32(r, n))
        return false;
    *cap = *n <= wr_left(r) ? *n : (uint32_t)wr_left(r) + 1;
    return true;
}

static bool decode_valtype(wr_reader *r, wm_vt *t) { return wi_valtype(r, t); }

static bool decode_reftype(wr_reader *r, wm_vt *t)
{
    size_t at = wr_offset(r);
    if (!wi_valtype(r, t))
        return false;
    if (!wm_vt_is_ref(*t))
        return wr_fail_at(r, at, "malformed reference type");
    return true;
}

/* Limits. Flags: bit 0 a maximum follows, bit 1 shared (memories only; the validator
 * rejects shared memories without a maximum), bit 2 i64 addresses (memory64: then the
 * bounds are u64). */
static bool decode_limit(wr_reader *r, bool is64, uint64_t *out)
{
    uint32_t v;
    if (is64)
        return wr_u64(r, out);
    if (!wr_u32(r, &v))
        return false;
    *out = v;
    return true;
}

static bool decode_limits(wr_reader *r, wm_limits *lim, bool memory)
{
    uint8_t flags;
    size_t at = wr_offset(r);
    if (!wr_u8(r, &flags))
        return false;
    /* the flags are a LEB128 number of one byte, as the reference reads them */
    if (flags & 0x80)
        return wr_fail_at(r, at, "integer representation too long");
    if (flags > 7 || (!memory && (flags & 2)))
        return wr_fail_at(r, at, "integer too large");
    lim->shared = (flags & 2) != 0;
    lim->has_max = (flags & 1) != 0;
    lim->is64 = (flags & 4) != 0;
    lim->max = 0;
    return decode_limit(r, lim->is64, &lim->min) &&
           (!lim->has_max || decode_limit(r, lim->is64, &lim->max));
}

static bool decode_tabletype(wr_reader *r, wm_tabletype *t)
{
    if (!decode_reftype(r, &t->vt))
        return false;
    t->reftype = wm_vt_code(t->vt);
    return decode_limits(r, &t->lim, false);
}

static bool decode_globaltype(wr_reader *r, wm_globaltype *g)
{
    uint8_t mut;
    size_t at;
    if (!decode_valtype(r, &g->vt))
        return false;
    g->type = wm_vt_code(g->vt);
    at = wr_offset(r);
    if (!wr_u8(r, &mut))
        return false;
    if (mut > 1)
        return wr_fail_at(r, at, "malformed mutability");
    g->mut = mut == 1;
    return true;
}

/* Keep the first validation error; a later malformed one still wins (see the top). */
static void decode_invalid(decoder *d, size_t at, const char *msg)
{
    if (!d->pending)
        d->pending = err_new(WEFT_ERR_VALIDATE, at, "%s at byte 0x%zx", msg, at);
}

/* Block nesting for a scan of instructions that ends at the `end` matching depth 1. An `else`
 * belongs only directly in an `if`, once; anywhere else the binary grammar wants an `end`. */
static bool decode_nest(decoder *d, const wi_instr *in, uint32_t *depth)
{
    switch (in->op) {
    case 0x02: case 0x03: case 0x04: case 0x06: case 0x1F: /* 0x06 try, 0x1F try_table */
        if (!xgrow((void **)&d->ifs, &d->cap_ifs, (size_t)*depth + 1, 1))
            return wr_fail(&d->r, "out of memory");
        d->ifs[*depth] = in->op == 0x04;
        (*depth)++;
        return true;
    case 0x05:
        if (*depth < 2 || !d->ifs[*depth - 1])
            return wr_fail_at(&d->r, in->offset, "END opcode expected");
        d->ifs[*depth - 1] = 0;
        return true;
    case 0x0B: case 0x18: /* 0x18 delegate ends its try */
        (*depth)--;
        return true;
    default:
        return true;
    }
}

static bool decode_is_const_op(uint32_t op)
{
    return op == 0x41 || op == 0x42 || op == 0x43 || op == 0x44 || op == 0xD0 || op == 0xD2 ||
           op == 0x23 || op == WI_FD(0x0C) || op == 0x6A || op == 0x6B || op == 0x6C ||
           op == 0x7C || op == 0x7D || op == 0x7E;
}

/* One instruction of a constant expression (decode_is_const_op says it is one). */
static void decode_const_op(const wi_instr *in, wm_constexpr *ce)
{
    ce->offset = in->offset;
    switch (in->op) {
    case 0x41: ce->kind = WM_CONST_VALUE; ce->type = WEFT_I32; ce->bits = (uint32_t)in->imm; break;
    case 0x42: ce->kind = WM_CONST_VALUE; ce->type = WEFT_I64; ce->bits = in->imm; break;
    case 0x43: ce->kind = WM_CONST_VALUE; ce->type = WEFT_F32; ce->bits = in->imm; break;
    case 0x44: ce->kind = WM_CONST_VALUE; ce->type = WEFT_F64; ce->bits = in->imm; break;
    case 0xD0:
        ce->kind = WM_CONST_REF_NULL;
        ce->type = (uint8_t)in->a;
        ce->vt = (wm_vt)in->imm;
        break;
    case 0xD2: ce->kind = WM_CONST_REF_FUNC; ce->type = WEFT_FUNCREF; ce->index = in->a; break;
    case 0x23: ce->kind = WM_CONST_GLOBAL_GET; ce->index = in->a; break;
    case WI_FD(0x0C): /* v128.const: its 16 bytes, little-endian halves */
        ce->kind = WM_CONST_VALUE;
        ce->type = WEFT_V128;
        memcpy(&ce->bits, in->bytes, 8);
        memcpy(&ce->bits_hi, in->bytes + 8, 8);
        break;
    default: /* i32/i64 add, sub, mul */
        ce->kind = WM_CONST_BINOP;
        ce->type = in->op < 0x7C ? WEFT_I32 : WEFT_I64;
        ce->index = in->op;
        break;
    }
}

/* A constant expression, up to its `end`: one instruction is kept as itself, several
 * (extended constant expressions) as an WM_CONST_EXPR of them. The whole expression is read
 * (it may be malformed further on); a non-constant instruction is a validation error, and
 * so is a wrong number of operands (the validator checks the rest of the typing). */
static bool decode_constexpr(decoder *d, wm_constexpr *ce)
{
    wr_reader *r = &d->r;
    wi_instr in;
    uint32_t depth = 1, count = 0, height = 0;
    size_t cap = 0, bad_at = 0;
    const char *bad = NULL;
    wm_constexpr *ops = NULL;

    memset(ce, 0, sizeof *ce);
    ce->offset = wr_offset(r);
    for (;;) {
        if (!wi_read(r, &in, &d->targets) || !decode_nest(d, &in, &depth)) {
            free(ops);
            return false;
        }
        if (depth == 0)
            break;
        count++;
        if (bad)
            continue;
        if (!decode_is_const_op(in.op)) {
            bad = "constant expression required";
            bad_at = in.offset;
            continue;
        }
        if (!xgrow((void **)&ops, &cap, count, sizeof *ops)) {
            free(ops);
            return wr_fail(r, "out of memory");
        }
        memset(&ops[count - 1], 0, sizeof *ops);
        decode_const_op(&in, &ops[count - 1]);
        bool binop = ops[count - 1].kind == WM_CONST_BINOP;
        if (binop && height < 2) {
            bad = "type mismatch";
            bad_at = in.offset;
            continue;
        }
        height = binop ? height - 1 : height + 1;
    }
    if (bad)
        decode_invalid(d, bad_at, bad);
    else if (height != 1)
        decode_invalid(d, count ? in.offset : ce->offset, "type mismatch");
    if (bad || height != 1 || count == 0) {
        free(ops);
        return true;
    }
    if (count == 1) {
        *ce = ops[0];
        free(ops);
        return true;
    }
    ce->kind = WM_CONST_EXPR;
    ce->nops = count;
    ce->ops = ops;
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Sections */

/* A type's full value type k with a concrete reference to an earlier type replaced by that
 * type's canonical index, and one to itself by a marker (a recursive type: iso-recursive
 * equivalence compares it as "this type"), so that identical types compare equal. */
static wm_vt decode_canon_vt(const weft_module *m, uint32_t self, wm_vt vt)
{
    if (!(vt & WM_VT_CONCRETE))
        return vt;
    uint32_t j = wm_vt_index(vt);
    vt &= (1u << WM_VT_SHIFT) - 1;
    if (j == self)
        return vt | WM_VT_BOTTOM; /* never set with CONCRETE otherwise */
    return vt | (j < self ? m->type_canon[j] : j) << WM_VT_SHIFT;
}

static uint64_t decode_type_hash(const weft_module *m, uint32_t i)
{
    const wm_functype *t = &m->types[i];
    uint64_t h = 0xcbf29ce484222325ull ^ ((uint64_t)t->nparams << 32 | t->nresults);
    for (uint32_t k = 0; k < t->nparams + t->nresults; k++)
        h = (h ^ decode_canon_vt(m, i, t->vts[k])) * 0x100000001b3ull;
    return h ^ h >> 29;
}

static bool decode_type_eq(const weft_module *m, uint32_t i, uint32_t j)
{
    const wm_functype *a = &m->types[i], *b = &m->types[j];
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    for (uint32_t k = 0; k < a->nparams + a->nresults; k++)
        if (decode_canon_vt(m, i, a->vts[k]) != decode_canon_vt(m, j, b->vts[k]))
            return false;
    return true;
}

/* type_canon[i] = the first type identical to type i, found through a hash table: comparing
 * each type with every earlier one would be quadratic, and a module of a few megabytes can
 * declare a million types (a load that never ends is a hang). */
static bool decode_canon_types(weft_module *m)
{
    size_t size = 16;
    while (size < 2 * (size_t)m->ntypes)
        size *= 2;
    uint32_t *slot = malloc(size * sizeof *slot);
    if (!slot)
        return false;
    memset(slot, 0xff, size * sizeof *slot); /* UINT32_MAX: empty */
    for (uint32_t i = 0; i < m->ntypes; i++) {
        size_t at = (size_t)decode_type_hash(m, i) & (size - 1);
        for (;;) {
            uint32_t j = slot[at];
            if (j == UINT32_MAX) {
                slot[at] = i;
                m->type_canon[i] = i;
                break;
            }
            if (decode_type_eq(m, j, i)) {
                m->type_canon[i] = j;
                break;
            }
            at = (at + 1) & (size - 1);
        }
    }
    free(slot);
    return true;
}

/* A vector of value types appended to *vts after `have` of them (*n: how many). */
static bool decode_valtypes(wr_reader *r, wm_vt **vts, uint32_t *n, uint32_t have)
{
    uint32_t cap;
    size_t capb = 0;
    if (!decode_count(r, n, &cap))
        return false;
    if (!xgrow((void **)vts, &capb, (size_t)have + cap + 1, sizeof **vts))
        return wr_fail(r, "out of memory");
    for (uint32_t k = 0; k < *n; k++)
        if (k >= cap ? !wr_fail(r, "unexpected end") : !decode_valtype(r, &(*vts)[have + k]))
            return false;
    return true;
}

static bool decode_types(decoder *d)
{
    wr_reader *r = &d->r;
    weft_module *m = d->m;
    uint32_t n, cap;
    if (!decode_count(r, &n, &cap))
        return false;
    m->types = xcalloc(cap, sizeof *m->types);
    m->type_canon = xcalloc(cap, sizeof *m->type_canon);
    if (!m->types || !m->type_canon)
        return wr_fail(r, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        wm_functype *t = &m->types[i];
        if (i >= cap)
            return wr_fail(r, "unexpected end");
        m->ntypes = i + 1; /* freed with the module even if it fails half-read */
        uint32_t np, nr;
        uint8_t form;
        size_t at = wr_offset(r);
        if (!wr_u8(r, &form))
            return false;
        if (form & 0x80)
            return wr_fail_at(r, at, "integer representation too long");
        if (form != 0x60)
            return wr_fail_at(r, at, "malformed function type");
        if (!decode_valtypes(r, &t->vts, &np, 0) || !decode_valtypes(r, &t->vts, &nr, np))
            return false;
        t->types = xcalloc((size_t)np + nr + 1, 1);
        if (!t->types)
            return wr_fail(r, "out of memory");
        for (uint32_t k = 0; k < np + nr; k++)
            t->types[k] = wm_vt_code(t->vts[k]);
        t->nparams = np;
        t->nresults = nr;
    }
    if (!decode_canon_types(m))
        return wr_fail(r, "out of memory");
    return true;
}

/* Appending to the index spaces, imports first (the import section precedes the others). */
static bool decode_push_func(decoder *d, uint32_t typeidx)
{
    weft_module *m = d->m;
    if (m->nfuncs == UINT32_MAX ||
        !xgrow((void **)&m->func_types, &d->cap_ftypes, (size_t)m->nfuncs + 1, sizeof(uint32_t)))
        return wr_fail(&d->r, "out of memory");
    m->func_types[m->nfuncs++] = typeidx;
    return true;
}

static wm_tabletype *decode_push_table(decoder *d)
{
    weft_module *m = d->m;
    if (!xgrow((void **)&m->tables, &d->cap_tables, (size_t)m->ntables + 1, sizeof *m->tables)) {
        wr_fail(&d->r, "out of memory");
        return NULL;
    }
    memset(&m->tables[m->ntables], 0, sizeof *m->tables);
    return &m->tables[m->ntables++];
}

static wm_limits *decode_push_mem(decoder *d)
{
    weft_module *m = d->m;
    if (!xgrow((void **)&m->mems, &d->cap_mems, (size_t)m->nmems + 1, sizeof *m->mems)) {
        wr_fail(&d->r, "out of memory");
        return NULL;
    }
    memset(&m->mems[m->nmems], 0, sizeof *m->mems);
    return &m->mems[m->nmems++];
}

static wm_globaltype *decode_push_global(decoder *d)
{
    weft_module *m = d->m;
    if (!xgrow((void **)&m->globals, &d->cap_globals, (size_t)m->nglobals + 1,
               sizeof *m->globals)) {
        wr_fail(&d->r, "out of memory");
        return NULL;
    }
    memset(&m->globals[m->nglobals], 0, sizeof *m->globals);
    return &m->globals[m->nglobals++];
}

/* A tag type: attribute 0 (an exception), then the index of its function type. */
static bool decode_tagtype(decoder *d, uint32_t *typeidx)
{
    size_t at = wr_offset(&d->r);
    uint8_t attr;
    if (!wr_u8(&d->r, &attr))
        return false;
    if (attr != 0)
        return wr_fail_at(&d->r, at, "malformed tag attribute");
    return wr_u32(&d->r, typeidx);
}

static bool decode_push_tag(decoder *d, uint32_t typeidx)
{
    weft_module *m = d->m;
    if (m->ntags == UINT32_MAX ||
        !xgrow((void **)&m->tag_types, &d->cap_tags, (size_t)m->ntags + 1, sizeof(uint32_t)))
        return wr_fail(&d->r, "out of memory");
    m->tag_types[m->ntags++] = typeidx;
    return true;
}

/* The tag section (13, between memory and global). */
static bool decode_tags(decoder *d)
{
    uint32_t n, t;
    if (!wr_u32(&d->r, &n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!decode_tagtype(d, &t) || !decode_push_tag(d, t))
            return false;
    return true;
}

static bool decode_import_desc(decoder *d, wm_import *im)
{
    wr_reader *r = &d->r;
    weft_module *m = d->m;
    size_t at = wr_offset(r);
    if (!wr_u8(r, &im->kind))
        return false;
    switch (im->kind) {
    case WEFT_EXTERN_FUNC:
        if (!wr_u32(r, &im->desc.typeidx) || !decode_push_func(d, im->desc.typeidx))
            return false;
        m->nfunc_imports++;
        return true;
    case WEFT_EXTERN_TABLE: {
        wm_tabletype *t;
        if (!decode_tabletype(r, &im->desc.table) || !(t = decode_push_table(d)))
            return false;
        *t = im->desc.table;
        m->ntable_imports++;
        return true;
    }
    case WEFT_EXTERN_MEMORY: {
        wm_limits *l;
        if (!decode_limits(r, &im->desc.mem, true) || !(l = decode_push_mem(d)))
            return false;
        *l = im->desc.mem;
        m->nmem_imports++;
        return true;
    }
    case WEFT_EXTERN_GLOBAL: {
        wm_globaltype *g;
        if (!decode_globaltype(r, &im->desc.global) || !(g = decode_push_global(d)))
            return false;
        *g = im->desc.global;
        m->nglobal_imports++;
        return true;
    }
    case WEFT_EXTERN_TAG:
        if (!decode_tagtype(d, &im->desc.typeidx) || !decode_push_tag(d, im->desc.typeidx))
            return false;
        m->ntag_imports++;
        return true;
    default:
        return wr_fail_at(r, at, "malformed import kind");
    }
}

static bool decode_imports(decoder *d)
{
    wr_reader *r = &d->r;
    weft_module *m = d->m;
    uint32_t n, cap;
    if (!decode_count(r, &n, &cap))
        return false;
    m->imports = xcalloc(cap, sizeof *m->imports);
    if (!m->imports)
        return wr_fail(r, "out of memory");
    m->nimports = cap;
    for (uint32_t i = 0; i < n; i++) {
        wm_import *im = &m->imports[i];
        if (i >= cap)
            return wr_fail(r, "unexpected end");
        if (!wr_name(r, &im->module, &im->module_len) ||
            !wr_name(r, &im->name, &im->name_len) || !decode_import_desc(d, im))
            return false;
    }
    return true;
}

static bool decode_functions(decoder *d)
{
    uint32_t n, t;
    if (!wr_u32(&d->r, &n))
        return false;
    d->nfunc_decls = n;
    for (uint32_t i = 0; i < n; i++)
        if (!wr_u32(&d->r, &t) || !decode_push_func(d, t))
            return false;
    d->m->funcs = xcalloc(n, sizeof *d->m->funcs);
    if (!d->m->funcs)
        return wr_fail(&d->r, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        d->m->funcs[i].typeidx = d->m->func_types[d->m->nfunc_imports + i];
    return true;
}

/* A table: its type, or (typed function references) 0x40 0x00, its type and an initialiser
 * expression for its elements. */
static bool decode_tables(decoder *d)
{
    wr_reader *r = &d->r;
    weft_module *m = d->m;
    uint32_t n, cap;
    wm_tabletype *t;
    if (!decode_count(r, &n, &cap))
        return false;
    m->table_init = xcalloc(cap + 1, sizeof *m->table_init);
    if (!m->table_init)
        return wr_fail(r, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        wm_constexpr *init = &m->table_init[i];
        if (i >= cap)
            return wr_fail(r, "unexpected end");
        if (!(t = decode_push_table(d)))
            return false;
        if (r->p < r->end && *r->p == 0x40) {
            r->p++;
            size_t at = wr_offset(r);
            uint8_t zero;
            if (!wr_u8(r, &zero))
                return false;
            if (zero != 0)
                return wr_fail_at(r, at, "malformed table");
            if (!decode_tabletype(r, t) || !decode_constexpr(d, init))
                return false;
            if (!init->kind) /* an invalid expression: keep the table's slot non-empty */
                init->kind = WM_CONST_REF_NULL;
        } else if (!decode_tabletype(r, t)) {
            return false;
        }
    }
    return true;
}

static bool decode_memories(decoder *d)
{
    uint32_t n;
    wm_limits *l;
    if (!wr_u32(&d->r, &n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!(l = decode_push_mem(d)) || !decode_limits(&d->r, l, true))
            return false;
    return true;
}

static bool decode_globals(decoder *d)
{
    weft_module *m = d->m;
    uint32_t n, cap;
    wm_globaltype *g;
    if (!decode_count(&d->r, &n, &cap))
        return false;
    m->global_init = xcalloc(cap, sizeof *m->global_init);
    if (!m->global_init)
        return wr_fail(&d->r, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        if (i >= cap)
            return wr_fail(&d->r, "unexpected end");
        if (!(g = decode_push_global(d)) || !decode_globaltype(&d->r, g) ||
            !decode_constexpr(d, &m->global_init[i]))
            return false;
    }
    return true;
}

static bool decode_exports(decoder *d)
{
    wr_reader *r = &d->r;
    weft_module *m = d->m;
    uint32_t n, cap;
    if (!decode_count(r, &n, &cap))
        return false;
    m->exports = xcalloc(cap, sizeof *m->exports);
    if (!m->exports)
        return wr_fail(r, "out of memory");
    m->nexports = cap;
    for (uint32_t i = 0; i < n; i++) {
        wm_export *ex = &m->exports[i];
        size_t at;
        if (i >= cap)
            return wr_fail(r, "unexpected end");
        if (!wr_name(r, &ex->name, &ex->name_len))
            return false;
        at = wr_offset(r);
        if (!wr_u8(r, &ex->kind))
            return false;
        if (ex->kind > WEFT_EXTERN_TAG)
            return wr_fail_at(r, at, "malformed export kind");
        if (!wr_u32(r, &ex->index))
            return false;
    }
    return true;
}

static bool decode_start(decoder *d)
{
    d->m->has_start = true;
    return wr_u32(&d->r, &d->m->start);
}

/* The items of an element segment: function indices (flags 0-3) or expressions (4-7). */
static bool decode_elem_items(decoder *d, wm_elem *e, bool exprs)
{
    wr_reader *r = &d->r;
    uint32_t n, cap;
    if (!decode_count(r, &n, &cap))
        return false;
    e->items = xcalloc(cap, sizeof *e->items);
    if (!e->items)
        return wr_fail(r, "out of memory");
    e->count = cap;
    for (uint32_t i = 0; i < n; i++) {
        wm_constexpr *it = &e->items[i];
        if (i >= cap)
            return wr_fail(r, "unexpected end");
        if (exprs) {
            if (!decode_constexpr(d, it))
                return false;
            continue;
        }
        it->offset = wr_offset(r);
        it->kind = WM_CONST_REF_FUNC;
        it->type = WEFT_FUNCREF;
        if (!wr_u32(r, &it->index))
            return false;
    }
    return true;
}

/* Element segment flags: bit 0 passive/declarative, bit 1 explicit table (active) or
 * declarative (otherwise), bit 2 expressions instead of function indices. */
static bool decode_elem(decoder *d, wm_elem *e)
{
    wr_reader *r = &d->r;
    uint32_t flags;
    size_t at = wr_offset(r);
    bool exprs;
    if (!wr_u32(r, &flags))
        return false;
    if (flags > 7)
        return wr_fail_at(r, at, "malformed elements segment kind");
    exprs = (flags & 4) != 0;
    e->reftype = WEFT_FUNCREF;
    e->vt = exprs ? WEFT_FUNCREF : WEFT_FUNCREF | WM_VT_NONNULL; /* elemkind func: (ref func) */
    if (flags & 1) {
        e->mode = (flags & 2) ? WM_SEG_DECLARATIVE : WM_SEG_PASSIVE;
    } else {
        e->mode = WM_SEG_ACTIVE;
        if ((flags & 2) && !wr_u32(r, &e->table))
            return false;
        if (!decode_constexpr(d, &e->offset))
            return false;
    }
    /* an element kind / reference type is present unless the flags are 0 or 4 */
    if (flags & 3) {
        if (exprs) {
            if (!decode_reftype(r, &e->vt))
                return false;
            e->reftype = wm_vt_code(e->vt);
        } else {
            uint8_t kind;
            at = wr_offset(r);
            if (!wr_u8(r, &kind))
                return false;
            if (kind != 0x00)
                return wr_fail_at(r, at, "malformed element kind");
        }
    }
    return decode_elem_items(d, e, exprs);
}

static bool decode_elems(decoder *d)
{
    weft_module *m = d->m;
    uint32_t n, cap;
    if (!decode_count(&d->r, &n, &cap))
        return false;
    m->elems = xcalloc(cap, sizeof *m->elems);
    if (!m->elems)
        return wr_fail(&d->r, "out of memory");
    m->nelems = cap;
    for (uint32_t i = 0; i < n; i++) {
        if (i >= cap)
            return wr_fail(&d->r, "unexpected end");
        if (!decode_elem(d, &m->elems[i]))
            return false;
    }
    return true;
}

static bool decode_datacount(decoder *d)
{
    d->m->has_datacount = true;
    return wr_u32(&d->r, &d->m->datacount);
}

static bool decode_data(decoder *d, wm_data *s)
{
    wr_reader *r = &d->r;
    uint32_t flags;
    size_t at = wr_offset(r);
    if (!wr_u32(r, &flags))
        return false;
    if (flags > 2)
        return wr_fail_at(r, at, "malformed data segment kind");
    s->mode = flags == 1 ? WM_SEG_PASSIVE : WM_SEG_ACTIVE;
    if (flags == 2 && !wr_u32(r, &s->memory))
        return false;
    if (flags != 1 && !decode_constexpr(d, &s->offset))
        return false;
    return wr_u32(r, &s->len) && wr_bytes(r, s->len, &s->bytes);
}

static bool decode_datas(decoder *d)
{
    weft_module *m = d->m;
    uint32_t n, cap;
    if (!decode_count(&d->r, &n, &cap))
        return false;
    m->datas = xcalloc(cap, sizeof *m->datas);
    if (!m->datas)
        return wr_fail(&d->r, "out of memory");
    m->ndatas = cap;
    for (uint32_t i = 0; i < n; i++) {
        if (i >= cap)
            return wr_fail(&d->r, "unexpected end");
        if (!decode_data(d, &m->datas[i]))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Code */

static bool decode_locals(decoder *d, wm_func *f)
{
    wr_reader *r = &d->r;
    uint32_t ngroups, count;
    uint64_t total = 0;
    wm_vt t;
    const uint8_t *start;
    size_t at = wr_offset(r);

    if (!wr_u32(r, &ngroups))
        return false;
    /* first pass: check and count, so that we allocate only what the input justifies */
    start = r->p;
    for (uint32_t i = 0; i < ngroups; i++) {
        at = wr_offset(r);
        if (!wr_u32(r, &count) || !decode_valtype(r, &t))
            return false;
        total += count;
        if (total > UINT32_MAX)
            return wr_fail_at(r, at, "too many locals");
    }
    if (total > DECODE_MAX_LOCALS)
        return wr_fail_at(r, at, "too many locals");
    f->local_types = xcalloc((size_t)total + 1, 1);
    f->local_vts = xcalloc((size_t)total + 1, sizeof *f->local_vts);
    if (!f->local_types || !f->local_vts)
        return wr_fail(r, "out of memory");
    f->nlocals = (uint32_t)total;
    /* second pass over the same, already checked, bytes */
    {
        wr_reader again;
        size_t k = 0;
        wr_init(&again, start, (size_t)(r->p - start), 0);
        for (uint32_t i = 0; i < ngroups; i++) {
            wr_u32(&again, &count);
            decode_valtype(&again, &t);
            memset(f->local_types + k, wm_vt_code(t), count);
            for (uint32_t j = 0; j < count; j++)
                f->local_vts[k + j] = t;
            k += count;
        }
    }
    return true;
}

/* Scan a body to its final `end`: malformed instructions are found here, in module order. */
static bool decode_body(decoder *d)
{
    wr_reader *r = &d->r;
    wi_instr in;
    uint32_t depth = 1;
    while (depth > 0) {
        if (!wi_read(r, &in, &d->targets) || !decode_nest(d, &in, &depth))
            return false;
        if ((in.op == WI_FC(8) || in.op == WI_FC(9)) && d->data_use == WEFT_NO_OFFSET)
            d->data_use = in.offset;
    }
    return true;
}

static bool decode_code(decoder *d)
{
    wr_reader *r = &d->r;
    weft_module *m = d->m;
    uint32_t n;
    size_t at = wr_offset(r);
    if (!wr_u32(r, &n))
        return false;
    if (n != d->nfunc_decls)
        return wr_fail_at(r, at, "function and code section have inconsistent lengths");
    d->has_code = true;
    m->code_start = at;
    for (uint32_t i = 0; i < n; i++) {
        wm_func *f = &m->funcs[i];
        uint32_t size;
        size_t end;
        f->code_offset = wr_offset(r);
        if (!decode_len(r, &size))
            return false;
        end = wr_offset(r) + size;
        if (!decode_locals(d, f))
            return false;
        f->body_offset = wr_offset(r);
        f->body_end = end;
        if (!decode_body(d))
            return false;
        if (wr_offset(r) != end)
            return wr_fail(r, "section size mismatch");
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Custom sections and the module */

/* A custom section: its name, then opaque bytes. Read within the section's own bounds. */
static bool decode_custom(decoder *d, size_t size)
{
    weft_module *m = d->m;
    wr_reader sub;
    wm_custom *c;
    wr_init(&sub, d->r.p, size, wr_offset(&d->r));
    if (!xgrow((void **)&m->customs, &d->cap_customs, (size_t)m->ncustoms + 1, sizeof *c))
        return wr_fail(&d->r, "out of memory");
    c = &m->customs[m->ncustoms];
    memset(c, 0, sizeof *c);
    if (!wr_name(&sub, &c->name, NULL)) {
        d->r.err = sub.err;
        d->r.p = d->r.end;
        return false;
    }
    m->ncustoms++;
    c->data = sub.p;
    c->len = wr_left(&sub);
    d->r.p += size;
    return true;
}

/* The order of the known sections: data count (12) sits between element (9) and code (10),
 * tag (13) between memory (5) and global (6). */
static int decode_rank(uint8_t id)
{
    static const int rank[14] = {0, 2, 4, 6, 8, 10, 13, 14, 15, 16, 18, 19, 17, 11};
    return id <= 13 ? rank[id] : -1;
}

static bool decode_section_body(decoder *d, uint8_t id)
{
    switch (id) {
    case 1: return decode_types(d);
    case 2: return decode_imports(d);
    case 3: return decode_functions(d);
    case 4: return decode_tables(d);
    case 5: return decode_memories(d);
    case 6: return decode_globals(d);
    case 7: return decode_exports(d);
    case 8: return decode_start(d);
    case 9: return decode_elems(d);
    case 10: return decode_code(d);
    case 11: return decode_datas(d);
    case 12: return decode_datacount(d);
    case 13: return decode_tags(d);
    default: return wr_fail(&d->r, "malformed section id");
    }
}

/* Inside a section, running out of bytes gets the spec's wording. */
static void decode_reword_end(wr_reader *r)
{
    static const char prefix[] = "unexpected end at ";
    if (r->err && strncmp(r->err->msg, prefix, sizeof prefix - 1) == 0) {
        char rest[64];
        snprintf(rest, sizeof rest, "%s", r->err->msg + sizeof prefix - 1);
        snprintf(r->err->msg, sizeof r->err->msg, "unexpected end of section or function at %s",
                 rest);
    }
}

static bool decode_sections(decoder *d)
{
    wr_reader *r = &d->r;
    int last = 0;
    while (!wr_eof(r)) {
        uint8_t id;
        uint32_t size;
        size_t at = wr_offset(r), end;
        bool ok;
        wr_u8(r, &id);
        if (decode_rank(id) < 0)
            return wr_fail_at(r, at, "malformed section id");
        if (!decode_len(r, &size))
            return false;
        end = wr_offset(r) + size;
        if (id == 0) {
            if (!decode_custom(d, size))
                return false;
            continue;
        }
        if (decode_rank(id) <= last)
            return wr_fail_at(r, at, "unexpected content after last section");
        last = decode_rank(id);
        ok = decode_section_body(d, id);
        decode_reword_end(r);
        if (!ok)
            return false;
        if (wr_offset(r) != end)
            return wr_fail(r, "section size mismatch");
    }
    return true;
}

static bool decode_header(wr_reader *r)
{
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
    const uint8_t *b;
    uint32_t version;
    if (!wr_bytes(r, 4, &b))
        return false;
    if (memcmp(b, magic, 4) != 0)
        return wr_fail_at(r, 0, "magic header not detected");
    if (!wr_bytes(r, 4, &b))
        return false;
    version = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    if (version != 1)
        return wr_fail_at(r, 4, "unknown binary version");
    return true;
}

/* Checks that need the whole module. */
static bool decode_finish(decoder *d)
{
    weft_module *m = d->m;
    if (!d->has_code && d->nfunc_decls != 0)
        return wr_fail(&d->r, "function and code section have inconsistent lengths");
    if (m->has_datacount && m->datacount != m->ndatas)
        return wr_fail(&d->r, "data count and data section have inconsistent lengths");
    /* Data indices in code need the data count section. Without any data segment the index
     * is out of range anyway: that is left to the validator ("unknown data segment"), which
     * is what the spec tests expect of modules from text where no data count is emitted. */
    if (d->data_use != WEFT_NO_OFFSET && !m->has_datacount && m->ndatas > 0)
        return wr_fail_at(&d->r, d->data_use, "data count section required");
    for (uint32_t i = 0; i < m->ncustoms; i++)
        if (strcmp(m->customs[i].name, "name") == 0) {
            decode_names(m, m->customs[i].data, m->customs[i].len);
            break;
        }
    return true;
}

weft_error *decode_module(const uint8_t *bytes, size_t len, weft_module **out)
{
    decoder d;
    weft_module *m;
    bool ok;

    *out = NULL;
    if (!bytes && len)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "no module bytes");
    memset(&d, 0, sizeof d);
    d.data_use = WEFT_NO_OFFSET;
    m = xcalloc(1, sizeof *m);
    if (!m)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    atomic_init(&m->refs, 1);
    m->bytes = xcalloc(len, 1);
    if (!m->bytes) {
        free(m);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    if (len)
        memcpy(m->bytes, bytes, len);
    m->len = len;
    d.m = m;
    wr_init(&d.r, m->bytes, len, 0);
    ok = decode_header(&d.r) && decode_sections(&d) && decode_finish(&d);
    wi_targets_free(&d.targets);
    free(d.ifs);
    if (!ok || d.pending) {
        weft_error *e = ok ? d.pending : d.r.err;
        if (!ok)
            weft_error_free(d.pending);
        if (!e)
            e = err_new(WEFT_ERR_DECODE, WEFT_NO_OFFSET, "malformed module");
        else if (e->kind != WEFT_ERR_RESOURCE && strncmp(e->msg, "out of memory", 13) == 0)
            e->kind = WEFT_ERR_RESOURCE;
        module_free(m);
        return e;
    }
    *out = m;
    return NULL;
}
