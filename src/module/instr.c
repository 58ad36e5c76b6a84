/*
 * instr.c - reading one instruction: its opcode and immediates. The encoding knowledge lives
 * in three small tables (single-byte opcodes, the 0xFC prefix, the 0xFE prefix) that give for
 * each opcode its mnemonic and the shape of its immediates; wi_read then has one case per shape.
 */
#include <stdio.h>

#include "instr.h"
#define SIMD_OPS_ONLY
#include "../exec/simd.h"
#undef SIMD_OPS_ONLY

/* Shapes of immediates. */
enum {
    IM_BAD = 0,   /* not an opcode */
    IM_NONE,      /* no immediates */
    IM_BLOCK,     /* block type */
    IM_IDX,       /* one u32 index into a */
    IM_BR_TABLE,  /* vector of labels + default */
    IM_CALL_IND,  /* type index, table index */
    IM_SELECT_T,  /* vector of value types */
    IM_MEMARG,    /* align, offset */
    IM_I32,       /* s32 */
    IM_I64,       /* s64 */
    IM_F32,       /* 4 bytes */
    IM_F64,       /* 8 bytes */
    IM_ZERO,      /* one reserved 0x00 byte */
    IM_MEM_INIT,  /* data index, memory index */
    IM_MEM,       /* one memory index into mem (multi-memory; 0x00 before) */
    IM_MEM2,      /* two memory indices into mem, mem2 (memory.copy) */
    IM_IDX2,      /* two u32 indices into a, b (table.copy, table.init) */
    IM_REFTYPE,   /* one reftype byte */
    IM_LANE,      /* one lane index byte into b */
    IM_MEMARG_LANE, /* align, offset, then a lane index byte into b */
    IM_BYTES16,   /* 16 bytes (v128.const, i8x16.shuffle's lanes): bytes points at them */
    IM_TRY_TABLE  /* block type, then a vector of catch clauses */
};

typedef struct wi_info {
    const char *name;
    uint8_t imm;
} wi_info;

/* Single-byte opcodes. Numeric instructions without immediates are filled in below by name
 * only; the shape of any entry with a name and no explicit shape is IM_NONE. */
static const wi_info wi_single[256] = {
    [0x00] = {"unreachable", IM_NONE}, [0x01] = {"nop", IM_NONE},
    [0x02] = {"block", IM_BLOCK}, [0x03] = {"loop", IM_BLOCK}, [0x04] = {"if", IM_BLOCK},
    [0x05] = {"else", IM_NONE}, [0x0B] = {"end", IM_NONE},
    [0x06] = {"try", IM_BLOCK}, [0x07] = {"catch", IM_IDX}, [0x08] = {"throw", IM_IDX},
    [0x09] = {"rethrow", IM_IDX}, [0x0A] = {"throw_ref", IM_NONE},
    [0x18] = {"delegate", IM_IDX}, [0x19] = {"catch_all", IM_NONE},
    [0x1F] = {"try_table", IM_TRY_TABLE},
    [0x0C] = {"br", IM_IDX}, [0x0D] = {"br_if", IM_IDX}, [0x0E] = {"br_table", IM_BR_TABLE},
    [0x0F] = {"return", IM_NONE}, [0x10] = {"call", IM_IDX},
    [0x11] = {"call_indirect", IM_CALL_IND},
    [0x12] = {"return_call", IM_IDX}, [0x13] = {"return_call_indirect", IM_CALL_IND},
    [0x14] = {"call_ref", IM_IDX}, [0x15] = {"return_call_ref", IM_IDX},
    [0x1A] = {"drop", IM_NONE}, [0x1B] = {"select", IM_NONE}, [0x1C] = {"select", IM_SELECT_T},
    [0x20] = {"local.get", IM_IDX}, [0x21] = {"local.set", IM_IDX}, [0x22] = {"local.tee", IM_IDX},
    [0x23] = {"global.get", IM_IDX}, [0x24] = {"global.set", IM_IDX},
    [0x25] = {"table.get", IM_IDX}, [0x26] = {"table.set", IM_IDX},
    [0x28] = {"i32.load", IM_MEMARG}, [0x29] = {"i64.load", IM_MEMARG},
    [0x2A] = {"f32.load", IM_MEMARG}, [0x2B] = {"f64.load", IM_MEMARG},
    [0x2C] = {"i32.load8_s", IM_MEMARG}, [0x2D] = {"i32.load8_u", IM_MEMARG},
    [0x2E] = {"i32.load16_s", IM_MEMARG}, [0x2F] = {"i32.load16_u", IM_MEMARG},
    [0x30] = {"i64.load8_s", IM_MEMARG}, [0x31] = {"i64.load8_u", IM_MEMARG},
    [0x32] = {"i64.load16_s", IM_MEMARG}, [0x33] = {"i64.load16_u", IM_MEMARG},
    [0x34] = {"i64.load32_s", IM_MEMARG}, [0x35] = {"i64.load32_u", IM_MEMARG},
    [0x36] = {"i32.store", IM_MEMARG}, [0x37] = {"i64.store", IM_MEMARG},
    [0x38] = {"f32.store", IM_MEMARG}, [0x39] = {"f64.store", IM_MEMARG},
    [0x3A] = {"i32.store8", IM_MEMARG}, [0x3B] = {"i32.store16", IM_MEMARG},
    [0x3C] = {"i64.store8", IM_MEMARG}, [0x3D] = {"i64.store16", IM_MEMARG},
    [0x3E] = {"i64.store32", IM_MEMARG},
    [0x3F] = {"memory.size", IM_MEM}, [0x40] = {"memory.grow", IM_MEM},
    [0x41] = {"i32.const", IM_I32}, [0x42] = {"i64.const", IM_I64},
    [0x43] = {"f32.const", IM_F32}, [0x44] = {"f64.const", IM_F64},
    [0x45] = {"i32.eqz", IM_NONE}, [0x46] = {"i32.eq", IM_NONE}, [0x47] = {"i32.ne", IM_NONE},
    [0x48] = {"i32.lt_s", IM_NONE}, [0x49] = {"i32.lt_u", IM_NONE},
    [0x4A] = {"i32.gt_s", IM_NONE}, [0x4B] = {"i32.gt_u", IM_NONE},
    [0x4C] = {"i32.le_s", IM_NONE}, [0x4D] = {"i32.le_u", IM_NONE},
    [0x4E] = {"i32.ge_s", IM_NONE}, [0x4F] = {"i32.ge_u", IM_NONE},
    [0x50] = {"i64.eqz", IM_NONE}, [0x51] = {"i64.eq", IM_NONE}, [0x52] = {"i64.ne", IM_NONE},
    [0x53] = {"i64.lt_s", IM_NONE}, [0x54] = {"i64.lt_u", IM_NONE},
    [0x55] = {"i64.gt_s", IM_NONE}, [0x56] = {"i64.gt_u", IM_NONE},
    [0x57] = {"i64.le_s", IM_NONE}, [0x58] = {"i64.le_u", IM_NONE},
    [0x59] = {"i64.ge_s", IM_NONE}, [0x5A] = {"i64.ge_u", IM_NONE},
    [0x5B] = {"f32.eq", IM_NONE}, [0x5C] = {"f32.ne", IM_NONE}, [0x5D] = {"f32.lt", IM_NONE},
    [0x5E] = {"f32.gt", IM_NONE}, [0x5F] = {"f32.le", IM_NONE}, [0x60] = {"f32.ge", IM_NONE},
    [0x61] = {"f64.eq", IM_NONE}, [0x62] = {"f64.ne", IM_NONE}, [0x63] = {"f64.lt", IM_NONE},
    [0x64] = {"f64.gt", IM_NONE}, [0x65] = {"f64.le", IM_NONE}, [0x66] = {"f64.ge", IM_NONE},
    [0x67] = {"i32.clz", IM_NONE}, [0x68] = {"i32.ctz", IM_NONE},
    [0x69] = {"i32.popcnt", IM_NONE}, [0x6A] = {"i32.add", IM_NONE},
    [0x6B] = {"i32.sub", IM_NONE}, [0x6C] = {"i32.mul", IM_NONE},
    [0x6D] = {"i32.div_s", IM_NONE}, [0x6E] = {"i32.div_u", IM_NONE},
    [0x6F] = {"i32.rem_s", IM_NONE}, [0x70] = {"i32.rem_u", IM_NONE},
    [0x71] = {"i32.and", IM_NONE}, [0x72] = {"i32.or", IM_NONE}, [0x73] = {"i32.xor", IM_NONE},
    [0x74] = {"i32.shl", IM_NONE}, [0x75] = {"i32.shr_s", IM_NONE},
    [0x76] = {"i32.shr_u", IM_NONE}, [0x77] = {"i32.rotl", IM_NONE},
    [0x78] = {"i32.rotr", IM_NONE},
    [0x79] = {"i64.clz", IM_NONE}, [0x7A] = {"i64.ctz", IM_NONE},
    [0x7B] = {"i64.popcnt", IM_NONE}, [0x7C] = {"i64.add", IM_NONE},
    [0x7D] = {"i64.sub", IM_NONE}, [0x7E] = {"i64.mul", IM_NONE},
    [0x7F] = {"i64.div_s", IM_NONE}, [0x80] = {"i64.div_u", IM_NONE},
    [0x81] = {"i64.rem_s", IM_NONE}, [0x82] = {"i64.rem_u", IM_NONE},
    [0x83] = {"i64.and", IM_NONE}, [0x84] = {"i64.or", IM_NONE}, [0x85] = {"i64.xor", IM_NONE},
    [0x86] = {"i64.shl", IM_NONE}, [0x87] = {"i64.shr_s", IM_NONE},
    [0x88] = {"i64.shr_u", IM_NONE}, [0x89] = {"i64.rotl", IM_NONE},
    [0x8A] = {"i64.rotr", IM_NONE},
    [0x8B] = {"f32.abs", IM_NONE}, [0x8C] = {"f32.neg", IM_NONE}, [0x8D] = {"f32.ceil", IM_NONE},
    [0x8E] = {"f32.floor", IM_NONE}, [0x8F] = {"f32.trunc", IM_NONE},
    [0x90] = {"f32.nearest", IM_NONE}, [0x91] = {"f32.sqrt", IM_NONE},
    [0x92] = {"f32.add", IM_NONE}, [0x93] = {"f32.sub", IM_NONE}, [0x94] = {"f32.mul", IM_NONE},
    [0x95] = {"f32.div", IM_NONE}, [0x96] = {"f32.min", IM_NONE}, [0x97] = {"f32.max", IM_NONE},
    [0x98] = {"f32.copysign", IM_NONE},
    [0x99] = {"f64.abs", IM_NONE}, [0x9A] = {"f64.neg", IM_NONE}, [0x9B] = {"f64.ceil", IM_NONE},
    [0x9C] = {"f64.floor", IM_NONE}, [0x9D] = {"f64.trunc", IM_NONE},
    [0x9E] = {"f64.nearest", IM_NONE}, [0x9F] = {"f64.sqrt", IM_NONE},
    [0xA0] = {"f64.add", IM_NONE}, [0xA1] = {"f64.sub", IM_NONE}, [0xA2] = {"f64.mul", IM_NONE},
    [0xA3] = {"f64.div", IM_NONE}, [0xA4] = {"f64.min", IM_NONE}, [0xA5] = {"f64.max", IM_NONE},
    [0xA6] = {"f64.copysign", IM_NONE},
    [0xA7] = {"i32.wrap_i64", IM_NONE},
    [0xA8] = {"i32.trunc_f32_s", IM_NONE}, [0xA9] = {"i32.trunc_f32_u", IM_NONE},
    [0xAA] = {"i32.trunc_f64_s", IM_NONE}, [0xAB] = {"i32.trunc_f64_u", IM_NONE},
    [0xAC] = {"i64.extend_i32_s", IM_NONE}, [0xAD] = {"i64.extend_i32_u", IM_NONE},
    [0xAE] = {"i64.trunc_f32_s", IM_NONE}, [0xAF] = {"i64.trunc_f32_u", IM_NONE},
    [0xB0] = {"i64.trunc_f64_s", IM_NONE}, [0xB1] = {"i64.trunc_f64_u", IM_NONE},
    [0xB2] = {"f32.convert_i32_s", IM_NONE}, [0xB3] = {"f32.convert_i32_u", IM_NONE},
    [0xB4] = {"f32.convert_i64_s", IM_NONE}, [0xB5] = {"f32.convert_i64_u", IM_NONE},
    [0xB6] = {"f32.demote_f64", IM_NONE},
    [0xB7] = {"f64.convert_i32_s", IM_NONE}, [0xB8] = {"f64.convert_i32_u", IM_NONE},
    [0xB9] = {"f64.convert_i64_s", IM_NONE}, [0xBA] = {"f64.convert_i64_u", IM_NONE},
    [0xBB] = {"f64.promote_f32", IM_NONE},
    [0xBC] = {"i32.reinterpret_f32", IM_NONE}, [0xBD] = {"i64.reinterpret_f64", IM_NONE},
    [0xBE] = {"f32.reinterpret_i32", IM_NONE}, [0xBF] = {"f64.reinterpret_i64", IM_NONE},
    [0xC0] = {"i32.extend8_s", IM_NONE}, [0xC1] = {"i32.extend16_s", IM_NONE},
    [0xC2] = {"i64.extend8_s", IM_NONE}, [0xC3] = {"i64.extend16_s", IM_NONE},
    [0xC4] = {"i64.extend32_s", IM_NONE},
    [0xD0] = {"ref.null", IM_REFTYPE}, [0xD1] = {"ref.is_null", IM_NONE},
    [0xD2] = {"ref.func", IM_IDX},
    [0xD4] = {"ref.as_non_null", IM_NONE}, [0xD5] = {"br_on_null", IM_IDX},
    [0xD6] = {"br_on_non_null", IM_IDX},
};

/* 0xFC prefix: saturating truncation, bulk memory, tables. */
static const wi_info wi_fc[18] = {
    [0] = {"i32.trunc_sat_f32_s", IM_NONE}, [1] = {"i32.trunc_sat_f32_u", IM_NONE},
    [2] = {"i32.trunc_sat_f64_s", IM_NONE}, [3] = {"i32.trunc_sat_f64_u", IM_NONE},
    [4] = {"i64.trunc_sat_f32_s", IM_NONE}, [5] = {"i64.trunc_sat_f32_u", IM_NONE},
    [6] = {"i64.trunc_sat_f64_s", IM_NONE}, [7] = {"i64.trunc_sat_f64_u", IM_NONE},
    [8] = {"memory.init", IM_MEM_INIT}, [9] = {"data.drop", IM_IDX},
    [10] = {"memory.copy", IM_MEM2}, [11] = {"memory.fill", IM_MEM},
    [12] = {"table.init", IM_IDX2}, [13] = {"elem.drop", IM_IDX},
    [14] = {"table.copy", IM_IDX2}, [15] = {"table.grow", IM_IDX},
    [16] = {"table.size", IM_IDX}, [17] = {"table.fill", IM_IDX},
};

/* 0xFE prefix: the threads proposal. Every entry but atomic.fence takes a memarg. */
static const char *const wi_fe_names[0x4F] = {
    [0x00] = "memory.atomic.notify", [0x01] = "memory.atomic.wait32",
    [0x02] = "memory.atomic.wait64", [0x03] = "atomic.fence",
    [0x10] = "i32.atomic.load", [0x11] = "i64.atomic.load",
    [0x12] = "i32.atomic.load8_u", [0x13] = "i32.atomic.load16_u",
    [0x14] = "i64.atomic.load8_u", [0x15] = "i64.atomic.load16_u",
    [0x16] = "i64.atomic.load32_u",
    [0x17] = "i32.atomic.store", [0x18] = "i64.atomic.store",
    [0x19] = "i32.atomic.store8", [0x1A] = "i32.atomic.store16",
    [0x1B] = "i64.atomic.store8", [0x1C] = "i64.atomic.store16",
    [0x1D] = "i64.atomic.store32",
#define WI_RMW(base, op)                                                                      \
    [base + 0] = "i32.atomic.rmw." op, [base + 1] = "i64.atomic.rmw." op,                     \
    [base + 2] = "i32.atomic.rmw8." op "_u", [base + 3] = "i32.atomic.rmw16." op "_u",        \
    [base + 4] = "i64.atomic.rmw8." op "_u", [base + 5] = "i64.atomic.rmw16." op "_u",        \
    [base + 6] = "i64.atomic.rmw32." op "_u"
    WI_RMW(0x1E, "add"), WI_RMW(0x25, "sub"), WI_RMW(0x2C, "and"), WI_RMW(0x33, "or"),
    WI_RMW(0x3A, "xor"), WI_RMW(0x41, "xchg"), WI_RMW(0x48, "cmpxchg"),
#undef WI_RMW
};

/* 0xFD prefix: SIMD, from the list of simd.h; the shape of an instruction gives its
 * immediates. */
#define WI_IM_LOAD IM_MEMARG
#define WI_IM_LOAD_EXT IM_MEMARG
#define WI_IM_LOAD_SPLAT IM_MEMARG
#define WI_IM_LOAD_ZERO IM_MEMARG
#define WI_IM_STORE IM_MEMARG
#define WI_IM_LOAD_LANE IM_MEMARG_LANE
#define WI_IM_STORE_LANE IM_MEMARG_LANE
#define WI_IM_EXTRACT IM_LANE
#define WI_IM_REPLACE IM_LANE
#define WI_IM_CONST IM_BYTES16
#define WI_IM_SHUFFLE IM_BYTES16
#define WI_IM_SPLAT IM_NONE
#define WI_IM_UN IM_NONE
#define WI_IM_BIN IM_NONE
#define WI_IM_TERN IM_NONE
#define WI_IM_SHIFT IM_NONE
#define WI_IM_TEST IM_NONE
#define WI_FD_ENTRY(sub, name, text, shape, n, t) [sub] = {text, WI_IM_##shape},
static const wi_info wi_fd[SIMD_NSUB] = {SIMD_OPS(WI_FD_ENTRY)};
#undef WI_FD_ENTRY

/* The table entry for an opcode, or NULL when it is not one. */
static const wi_info *wi_lookup(uint32_t op, wi_info *tmp)
{
    uint32_t sub = op & 0xFFFFu;
    switch (op >> 16) {
    case 0:
        return op < 256 && wi_single[op].imm ? &wi_single[op] : NULL;
    case 0xFC:
        return sub < 18 && wi_fc[sub].imm ? &wi_fc[sub] : NULL;
    case 0xFD:
        return sub < SIMD_NSUB && wi_fd[sub].imm ? &wi_fd[sub] : NULL;
    case 0xFE:
        if (sub >= 0x4F || !wi_fe_names[sub])
            return NULL;
        tmp->name = wi_fe_names[sub];
        tmp->imm = sub == 0x03 ? IM_ZERO : IM_MEMARG;
        return tmp;
    default:
        return NULL;
    }
}

const char *wi_name(uint32_t op)
{
    wi_info tmp;
    const wi_info *info = wi_lookup(op, &tmp);
    if (info)
        return info->name;
    return "unknown";
}

void wi_targets_free(wi_targets *t)
{
    if (!t)
        return;
    free(t->v);
    t->v = NULL;
    t->cap = 0;
}

/* A reserved byte: exactly 0x00 (a LEB128 encoding of zero in more bytes is malformed). */
static bool wi_zero(wr_reader *r)
{
    uint8_t b;
    size_t at = wr_offset(r);
    if (!wr_u8(r, &b))
        return false;
    return b == 0 ? true : wr_fail_at(r, at, "zero byte expected");
}

/* br_table's targets. The count comes from the input, so the vector grows as labels are
 * actually read instead of being allocated from the count up front. */
static bool wi_br_table(wr_reader *r, wi_instr *in, wi_targets *t)
{
    uint32_t n;
    if (!wr_u32(r, &n))
        return false;
    if (!t)
        return wr_fail(r, "br_table needs a target buffer");
    /* every label takes at least one byte: a count beyond the bytes left cannot be met */
    if ((size_t)n >= wr_left(r)) {
        r->p = r->end;
        return wr_fail(r, "unexpected end");
    }
    if (!xgrow((void **)&t->v, &t->cap, (size_t)n + 1, sizeof *t->v))
        return wr_fail(r, "out of memory");
    for (size_t i = 0; i <= n; i++)
        if (!wr_u32(r, &t->v[i]))
            return false;
    in->a = n;
    return true;
}

static bool wi_blocktype(wr_reader *r, wi_instr *in);

/* try_table's catch clauses, three entries each in t: kind (WI_CATCH_*), tag (0 for the
 * catch_all ones) and label. */
static bool wi_try_table(wr_reader *r, wi_instr *in, wi_targets *t)
{
    uint32_t n;
    if (!wi_blocktype(r, in) || !wr_u32(r, &n))
        return false;
    if (!t)
        return wr_fail(r, "try_table needs a target buffer");
    /* every clause takes at least two bytes */
    if ((size_t)n > wr_left(r) / 2) {
        r->p = r->end;
        return wr_fail(r, "unexpected end");
    }
    if (!xgrow((void **)&t->v, &t->cap, (size_t)n * 3 + 1, sizeof *t->v))
        return wr_fail(r, "out of memory");
    for (size_t i = 0; i < n; i++) {
        uint8_t kind;
        size_t at = wr_offset(r);
        uint32_t *c = &t->v[3 * i];
        if (!wr_u8(r, &kind))
            return false;
        if (kind > WI_CATCH_ALL_REF)
            return wr_fail_at(r, at, "malformed catch clause");
        c[0] = kind;
        c[1] = 0;
        if (kind < WI_CATCH_ALL && !wr_u32(r, &c[1]))
            return false;
        if (!wr_u32(r, &c[2]))
            return false;
    }
    in->a = n;
    return true;
}

/* A heap type after 0x63/0x64 (or ref.null's immediate): a type index, or an abstract one. */
bool wi_heaptype(wr_reader *r, bool nullable, wm_vt *vt)
{
    int64_t ht;
    size_t at = wr_offset(r);
    if (!wr_s33(r, &ht))
        return false;
    wm_vt nn = nullable ? 0 : WM_VT_NONNULL;
    if (ht >= 0) {
        /* an index past what a wm_vt holds is past any module's types: "unknown type" */
        *vt = wm_vt_concrete(ht > WM_VT_MAX_INDEX ? WM_VT_MAX_INDEX : (uint32_t)ht, nullable);
        return true;
    }
    switch (ht + 0x80) {
    case WEFT_FUNCREF: *vt = WEFT_FUNCREF | nn; return true;
    case WEFT_EXTERNREF: *vt = WEFT_EXTERNREF | nn; return true;
    case WEFT_EXNREF: *vt = WEFT_EXNREF | nn; return true;
    case 0x73: *vt = WEFT_FUNCREF | WM_VT_BOTTOM | nn; return true;   /* nofunc */
    case 0x72: *vt = WEFT_EXTERNREF | WM_VT_BOTTOM | nn; return true; /* noextern */
    default: return wr_fail_at(r, at, "malformed heap type");
    }
}

/* A value type whose first byte b has been read. */
static bool wi_valtype_rest(wr_reader *r, uint8_t b, size_t at, wm_vt *vt)
{
    switch (b) {
    case WEFT_I32: case WEFT_I64: case WEFT_F32: case WEFT_F64: case WEFT_V128:
    case WEFT_FUNCREF: case WEFT_EXTERNREF: case WEFT_EXNREF:
        *vt = b;
        return true;
    case 0x73: *vt = WEFT_FUNCREF | WM_VT_BOTTOM; return true;   /* nullfuncref */
    case 0x72: *vt = WEFT_EXTERNREF | WM_VT_BOTTOM; return true; /* nullexternref */
    case 0x63: case 0x64: return wi_heaptype(r, b == 0x63, vt);
    default: return wr_fail_at(r, at, "malformed value type");
    }
}

bool wi_valtype(wr_reader *r, wm_vt *vt)
{
    uint8_t b;
    size_t at = wr_offset(r);
    return wr_u8(r, &b) && wi_valtype_rest(r, b, at, vt);
}

/* A block type is kept as its raw s33 value: WI_BT_EMPTY, a negative one-byte value type code
 * (wi_bt_valtype gives the type byte), or a type index >= 0. A reference type of several
 * bytes is given as its erased one-byte code there, and in full in imm. */
static bool wi_blocktype(wr_reader *r, wi_instr *in)
{
    int64_t bt;
    size_t at = wr_offset(r);
    if (!wr_s33(r, &bt))
        return false;
    if (bt < 0 && bt != WI_BT_EMPTY) {
        wm_vt vt;
        if (bt < -0x40 || !wi_valtype_rest(r, (uint8_t)(bt + 0x80), at, &vt))
            return bt < -0x40 ? wr_fail_at(r, at, "malformed value type") : false;
        bt = (int64_t)wm_vt_code(vt) - 0x80;
        in->imm = vt;
    }
    in->blocktype = bt;
    return true;
}

/* select with types: a = their number, b the first one's erased code, imm its full type; the
 * validator checks that there is exactly one. */
static bool wi_select_t(wr_reader *r, wi_instr *in)
{
    uint32_t n;
    if (!wr_u32(r, &n))
        return false;
    in->a = n;
    in->b = 0;
    for (uint32_t i = 0; i < n; i++) {
        wm_vt t;
        if (!wi_valtype(r, &t))
            return false;
        if (i == 0) {
            in->b = wm_vt_code(t);
            in->imm = t;
        }
    }
    return true;
}

/* A lane index: one plain byte (not LEB128); the validator checks its range. */
static bool wi_lane(wr_reader *r, wi_instr *in)
{
    uint8_t b;
    if (!wr_u8(r, &b))
        return false;
    in->b = b;
    return true;
}

/* A u64 LEB128 and where it started. */
static bool wi_u64_at(wr_reader *r, uint64_t *v, size_t *at)
{
    *at = wr_offset(r);
    return wr_u64(r, v);
}

/* A memory index, where 2.0 had one reserved 0x00 byte. */
static bool wi_memidx(wr_reader *r, wi_instr *in, uint32_t *x)
{
    size_t at = wr_offset(r);
    if (!wr_u32(r, x))
        return false;
    if (*x != 0 || wr_offset(r) - at != 1)
        in->enc3 |= WI_ENC_MEMIDX;
    return true;
}

static bool wi_immediates(wr_reader *r, wi_instr *in, wi_targets *t, uint8_t imm)
{
    size_t at;
    switch (imm) {
    case IM_NONE:
        return true;
    case IM_BLOCK:
        return wi_blocktype(r, in);
    case IM_IDX:
        return wr_u32(r, &in->a);
    case IM_BR_TABLE:
        return wi_br_table(r, in, t);
    case IM_TRY_TABLE:
        return wi_try_table(r, in, t);
    case IM_CALL_IND:
    case IM_IDX2:
        return wr_u32(r, &in->a) && wr_u32(r, &in->b);
    case IM_SELECT_T:
        return wi_select_t(r, in);
    case IM_MEMARG:
    case IM_MEMARG_LANE:
        /* multi-memory: flag bit 6 says a memory index follows the alignment; memory64:
         * the offset is a u64 (the validator bounds it for 32-bit memories) */
        if (!wr_u32(r, &in->a))
            return false;
        if ((in->a & WI_MEMARG_MEMIDX) && !wr_u32(r, &in->mem))
            return false;
        if (in->a & WI_MEMARG_MEMIDX)
            in->enc3 |= WI_ENC_MEMIDX;
        in->a &= ~WI_MEMARG_MEMIDX;
        if (!wi_u64_at(r, &in->imm, &at))
            return false;
        if (wr_offset(r) - at > 5 || in->imm > UINT32_MAX)
            in->enc3 |= WI_ENC_OFFSET64;
        return imm == IM_MEMARG || wi_lane(r, in);
    case IM_LANE:
        return wi_lane(r, in);
    case IM_BYTES16:
        if (wr_left(r) < 16) {
            r->p = r->end;
            return wr_fail(r, "unexpected end");
        }
        in->bytes = r->p;
        r->p += 16;
        return true;
    case IM_I32: {
        int32_t v;
        if (!wr_s32(r, &v))
            return false;
        in->imm = (uint64_t)(int64_t)v;
        return true;
    }
    case IM_I64: {
        int64_t v;
        if (!wr_s64(r, &v))
            return false;
        in->imm = (uint64_t)v;
        return true;
    }
    case IM_F32: {
        uint32_t bits;
        if (!wr_f32(r, &bits))
            return false;
        in->imm = bits;
        return true;
    }
    case IM_F64:
        return wr_f64(r, &in->imm);
    case IM_ZERO:
        return wi_zero(r);
    case IM_MEM_INIT:
        return wr_u32(r, &in->a) && wi_memidx(r, in, &in->mem);
    case IM_MEM:
        return wi_memidx(r, in, &in->mem);
    case IM_MEM2:
        return wi_memidx(r, in, &in->mem) && wi_memidx(r, in, &in->mem2);
    case IM_REFTYPE: { /* a heap type: a = the erased reftype, imm the full nullable type */
        wm_vt vt;
        if (!wi_heaptype(r, true, &vt))
            return false;
        in->a = wm_vt_code(vt);
        in->imm = vt;
        return true;
    }
    default:
        return wr_fail(r, "internal: bad immediate shape");
    }
}

bool wi_read(wr_reader *r, wi_instr *in, wi_targets *targets)
{
    uint8_t b;
    wi_info tmp;
    const wi_info *info;

    in->offset = wr_offset(r);
    in->blocktype = 0;
    in->a = in->b = 0;
    in->mem = in->mem2 = 0;
    in->enc3 = 0;
    in->imm = 0;
    in->bytes = NULL;
    if (!wr_u8(r, &b))
        return false;
    in->op = b;
    if (b == 0xFC || b == 0xFD || b == 0xFE) {
        uint32_t sub;
        if (!wr_u32(r, &sub))
            return false;
        if (sub > 0xFFFFu)
            return wr_fail_at(r, in->offset, "illegal opcode 0x%02x 0x%x", b, sub);
        in->op = (uint32_t)b << 16 | sub;
    }
    info = wi_lookup(in->op, &tmp);
    if (!info) {
        if (in->op > 0xFF)
            return wr_fail_at(r, in->offset, "illegal opcode 0x%02x 0x%x", in->op >> 16,
                              in->op & 0xFFFFu);
        return wr_fail_at(r, in->offset, "illegal opcode 0x%02x", in->op);
    }
    return wi_immediates(r, in, targets, info->imm);
}

/* Conversions 0xA7..0xBF: operand and result types. */
static const uint8_t wi_cvt[0xC0 - 0xA7][2] = {
    {WEFT_I64, WEFT_I32}, {WEFT_F32, WEFT_I32}, {WEFT_F32, WEFT_I32}, {WEFT_F64, WEFT_I32},
    {WEFT_F64, WEFT_I32}, {WEFT_I32, WEFT_I64}, {WEFT_I32, WEFT_I64}, {WEFT_F32, WEFT_I64},
    {WEFT_F32, WEFT_I64}, {WEFT_F64, WEFT_I64}, {WEFT_F64, WEFT_I64}, {WEFT_I32, WEFT_F32},
    {WEFT_I32, WEFT_F32}, {WEFT_I64, WEFT_F32}, {WEFT_I64, WEFT_F32}, {WEFT_F64, WEFT_F32},
    {WEFT_I32, WEFT_F64}, {WEFT_I32, WEFT_F64}, {WEFT_I64, WEFT_F64}, {WEFT_I64, WEFT_F64},
    {WEFT_F32, WEFT_F64}, {WEFT_F32, WEFT_I32}, {WEFT_F64, WEFT_I64}, {WEFT_I32, WEFT_F32},
    {WEFT_I64, WEFT_F64}};

/* The signature of a numeric opcode (0x45..0xC4 and the saturating truncations): operand
 * type a, second operand b (0 for unary), result r. False when op is not numeric. */
bool wi_numeric_sig(uint32_t op, uint8_t *a, uint8_t *b, uint8_t *r)
{
    static const struct { uint32_t lo, hi; uint8_t a, b, r; } ranges[] = {
        {0x45, 0x45, WEFT_I32, 0, WEFT_I32},        {0x46, 0x4F, WEFT_I32, WEFT_I32, WEFT_I32},
        {0x50, 0x50, WEFT_I64, 0, WEFT_I32},        {0x51, 0x5A, WEFT_I64, WEFT_I64, WEFT_I32},
        {0x5B, 0x60, WEFT_F32, WEFT_F32, WEFT_I32}, {0x61, 0x66, WEFT_F64, WEFT_F64, WEFT_I32},
        {0x67, 0x69, WEFT_I32, 0, WEFT_I32},        {0x6A, 0x78, WEFT_I32, WEFT_I32, WEFT_I32},
        {0x79, 0x7B, WEFT_I64, 0, WEFT_I64},        {0x7C, 0x8A, WEFT_I64, WEFT_I64, WEFT_I64},
        {0x8B, 0x91, WEFT_F32, 0, WEFT_F32},        {0x92, 0x98, WEFT_F32, WEFT_F32, WEFT_F32},
        {0x99, 0x9F, WEFT_F64, 0, WEFT_F64},        {0xA0, 0xA6, WEFT_F64, WEFT_F64, WEFT_F64},
        {0xC0, 0xC1, WEFT_I32, 0, WEFT_I32},        {0xC2, 0xC4, WEFT_I64, 0, WEFT_I64},
        {WI_FC(0), WI_FC(1), WEFT_F32, 0, WEFT_I32}, {WI_FC(2), WI_FC(3), WEFT_F64, 0, WEFT_I32},
        {WI_FC(4), WI_FC(5), WEFT_F32, 0, WEFT_I64}, {WI_FC(6), WI_FC(7), WEFT_F64, 0, WEFT_I64},
    };
    if (op >= 0xA7 && op <= 0xBF) {
        *a = wi_cvt[op - 0xA7][0];
        *b = 0;
        *r = wi_cvt[op - 0xA7][1];
        return true;
    }
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (op >= ranges[i].lo && op <= ranges[i].hi) {
            *a = ranges[i].a;
            *b = ranges[i].b;
            *r = ranges[i].r;
            return true;
        }
    return false;
}

bool wi_mem_sig(uint32_t op, uint8_t at, uint32_t *npop, bool *v128_in, uint8_t *result)
{
    static const uint8_t loads[0x36 - 0x28] = {
        WEFT_I32, WEFT_I64, WEFT_F32, WEFT_F64, WEFT_I32, WEFT_I32, WEFT_I32,
        WEFT_I32, WEFT_I64, WEFT_I64, WEFT_I64, WEFT_I64, WEFT_I64, WEFT_I64};
    static const uint8_t atomic_types[7] = {WEFT_I32, WEFT_I64, WEFT_I32, WEFT_I32,
                                            WEFT_I64, WEFT_I64, WEFT_I64};
    *v128_in = false;
    *result = 0;
    if (op >= 0x28 && op <= 0x35) {
        *npop = 1;
        *result = loads[op - 0x28];
        return true;
    }
    if (op >= 0x36 && op <= 0x3E) {
        *npop = 2;
        return true;
    }
    switch (op) {
    case 0x3F: *npop = 0; *result = at; return true;
    case 0x40: *npop = 1; *result = at; return true;
    case WI_FC(8): case WI_FC(10): case WI_FC(11): *npop = 3; return true;
    }
    if ((op >> 16) == 0xFE) {
        uint32_t sub = op & 0xFFFFu;
        if (sub == 0x03 || sub > 0x4E || (sub > 0x03 && sub < 0x10))
            return false;
        if (sub <= 0x02) {
            *npop = sub == 0x00 ? 2 : 3;
            *result = WEFT_I32;
        } else {
            uint8_t t = atomic_types[sub < 0x17 ? sub - 0x10 : sub < 0x1E ? sub - 0x17
                                                                         : (sub - 0x1E) % 7];
            *npop = sub < 0x17 ? 1 : sub < 0x48 ? 2 : 3;
            *result = sub >= 0x17 && sub < 0x1E ? 0 : t;
        }
        return true;
    }
    if ((op >> 16) == 0xFD) {
        uint32_t sub = op & 0xFFFFu;
        if (sub <= 0x0A || sub == 0x5C || sub == 0x5D) { /* loads */
            *npop = 1;
            *result = WEFT_V128;
        } else if (sub == 0x0B || (sub >= 0x58 && sub <= 0x5B)) { /* store, store_lane */
            *npop = 2;
            *v128_in = true;
        } else if (sub >= 0x54 && sub <= 0x57) { /* load_lane */
            *npop = 2;
            *v128_in = true;
            *result = WEFT_V128;
        } else {
            return false;
        }
        return true;
    }
    return false;
}

static bool wi_table64(const weft_module *m, uint32_t t)
{
    return t < m->ntables && m->tables[t].lim.is64;
}

uint32_t wi_table64_operands(const weft_module *m, const wi_instr *in)
{
    switch (in->op) {
    case 0x11: /* call_indirect: the index on top */
        return wi_table64(m, in->b) ? 1u : 0u;
    case 0x25: case WI_FC(15): /* table.get i; table.grow init n */
        return wi_table64(m, in->a) ? 1u : 0u;
    case 0x26: /* table.set i v */
        return wi_table64(m, in->a) ? 2u : 0u;
    case WI_FC(12): /* table.init d s n */
        return wi_table64(m, in->b) ? 4u : 0u;
    case WI_FC(14): { /* table.copy d s n: n is i64 when both tables are 64-bit */
        bool d64 = wi_table64(m, in->a), s64 = wi_table64(m, in->b);
        return (d64 ? 4u : 0u) | (s64 ? 2u : 0u) | (d64 && s64 ? 1u : 0u);
    }
    case WI_FC(17): /* table.fill i v n */
        return wi_table64(m, in->a) ? 5u : 0u;
    }
    return 0;
}
