/*
 * instr.h - reading one instruction (opcode and immediates) from a code body. Shared by the
 * validator and the compiler so that the knowledge of the instruction encoding lives once.
 */
#ifndef WEFT_INSTR_H
#define WEFT_INSTR_H

#include "module.h"

/* Opcodes: a single-byte opcode is itself; a prefixed one is (prefix << 16) | subopcode. */
#define WI_FC(x) (0xFC0000u | (uint32_t)(x)) /* saturating truncation, bulk memory, tables */
#define WI_FD(x) (0xFD0000u | (uint32_t)(x)) /* SIMD */
#define WI_FE(x) (0xFE0000u | (uint32_t)(x)) /* threads: atomics */

/* Block types: WI_BT_EMPTY, a value type (0x7F..0x6F), or a type index (>= 0). */
#define WI_BT_EMPTY (-64) /* 0x40 as s33 */
/* wi_instr.blocktype holds the raw s33: WI_BT_EMPTY, a value type as a NEGATIVE number
 * (0x7F i32 reads as -1, 0x6F externref as -17), or a type index >= 0. For a value type
 * (blocktype < 0 and != WI_BT_EMPTY) this gives its type byte (WEFT_I32 ...). */
static inline uint8_t wi_bt_valtype(int64_t bt) { return (uint8_t)(bt & 0x7F); }

typedef struct wi_instr {
    uint32_t op;
    size_t offset;        /* module byte offset of the opcode's first byte */
    /* Immediates, by instruction:
     *   block/loop/if:           blocktype
     *   br, br_if:               a = label
     *   br_table:                a = number of targets (not counting the default); the targets
     *                            and then the default are in *targets (a+1 entries)
     *   call, ref.func:          a = function index
     *   call_indirect:           a = type index, b = table index
     *   local.*, global.*:       a = index
     *   table.get/set/size/grow/fill: a = table index
     *   table.copy:              a = dst table, b = src table
     *   table.init:              a = elem index, b = table index
     *   elem.drop:               a = elem index
     *   memory.init:             a = data index (memory index 0 checked to be 0x00)
     *   data.drop:               a = data index
     *   loads/stores/atomics:    a = align exponent, imm = offset
     *   i32.const, i64.const:    imm = value (sign extended to 64 bits)
     *   f32.const, f64.const:    imm = bits
     *   ref.null:                a = reftype (erased), imm = its full type (wm_vt)
     *   select with types:       a = number of types, b = the first type (erased), imm =
     *                            its full type
     *   block types of a reference type: imm = the full type (blocktype has the erased one)
     *   return_call, call_ref, return_call_ref: a = function or type index
     *   return_call_indirect:    a = type index, b = table index
     *   br_on_null, br_on_non_null: a = label
     *   memory.size/grow/copy/fill, atomic.fence: reserved bytes checked to be 0x00
     *   SIMD (0xFD): memory ops as loads, with b = lane for load/store*_lane; extract and
     *                replace_lane: b = lane; v128.const, i8x16.shuffle: bytes -> 16 bytes */
    int64_t blocktype;
    uint32_t a, b;
    uint64_t imm;
    const uint8_t *bytes; /* v128.const, i8x16.shuffle: 16 bytes inside the module's code */
} wi_instr;

typedef struct wi_targets {
    uint32_t *v;
    size_t cap;
} wi_targets;

/* Reads one instruction at r. Returns false with r->err set (kind DECODE) on malformed input:
 * unexpected end, bad LEB128, unknown opcode ("illegal opcode 0x.."), a non-zero reserved byte
 * ("zero byte expected"). `targets` may be NULL only if the caller never meets br_table; its
 * storage is reused between calls and freed with wi_targets_free. */
bool wi_read(wr_reader *r, wi_instr *in, wi_targets *targets);
void wi_targets_free(wi_targets *t);
/* A value type with typed references (0x63/0x64 and a heap type), and a heap type alone. */
bool wi_valtype(wr_reader *r, wm_vt *vt);
bool wi_heaptype(wr_reader *r, bool nullable, wm_vt *vt);
/* The signature of a numeric opcode (0x45..0xC4 and the saturating truncations): operand
 * type a, second operand b (0 for unary), result r. False when op is not numeric. Shared by
 * the validator and the compiled tier's translator. */
bool wi_numeric_sig(uint32_t op, uint8_t *a, uint8_t *b, uint8_t *r);
/* A printable mnemonic for an opcode (for error messages), e.g. "i32.add". */
const char *wi_name(uint32_t op);

#endif
