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
#define WI_MEMARG_MEMIDX 0x40u /* memarg flags: a memory index follows (multi-memory) */
/* wi_instr.enc3: what a 2.0 decoder would have refused (the validator refuses it when the
 * feature is disabled): a memory index (memarg flag bit 6, or an index that is not the one
 * reserved 0x00 byte), a memarg offset that is no u32 LEB128 (memory64). */
#define WI_ENC_MEMIDX 1u
#define WI_ENC_OFFSET64 2u

/* Block types: WI_BT_EMPTY, a value type (0x7F..0x6F), or a type index (>= 0). */
#define WI_BT_EMPTY (-64) /* 0x40 as s33 */
/* wi_instr.blocktype holds the raw s33: WI_BT_EMPTY, a value type as a NEGATIVE number
 * (0x7F i32 reads as -1, 0x6F externref as -17), or a type index >= 0. For a value type
 * (blocktype < 0 and != WI_BT_EMPTY) this gives its type byte (WEFT_I32 ...). */
static inline uint8_t wi_bt_valtype(int64_t bt) { return (uint8_t)(bt & 0x7F); }

/* try_table's catch clauses (wi_instr.a of them, three target entries each: kind, tag,
 * label). */
enum { WI_CATCH = 0, WI_CATCH_REF = 1, WI_CATCH_ALL = 2, WI_CATCH_ALL_REF = 3 };

typedef struct wi_instr {
    uint32_t op;
    size_t offset;        /* module byte offset of the opcode's first byte */
    /* Immediates, by instruction:
     *   block/loop/if:           blocktype
     *   br, br_if:               a = label
     *   br_table:                a = number of targets (not counting the default); the targets
     *                            and then the default are in *targets (a+1 entries)
     *   try_table:               blocktype, a = number of catch clauses, in *targets (see
     *                            WI_CATCH)
     *   throw, catch:            a = tag index; rethrow, delegate: a = label
     *   call, ref.func:          a = function index
     *   call_indirect:           a = type index, b = table index
     *   local.*, global.*:       a = index
     *   table.get/set/size/grow/fill: a = table index
     *   table.copy:              a = dst table, b = src table
     *   table.init:              a = elem index, b = table index
     *   elem.drop:               a = elem index
     *   memory.init:             a = data index, mem = memory index
     *   data.drop:               a = data index
     *   loads/stores/atomics:    a = align exponent, imm = offset (u64), mem = memory index
     *   i32.const, i64.const:    imm = value (sign extended to 64 bits)
     *   f32.const, f64.const:    imm = bits
     *   ref.null:                a = reftype (erased), imm = its full type (wm_vt)
     *   select with types:       a = number of types, b = the first type (erased), imm =
     *                            its full type
     *   block types of a reference type: imm = the full type (blocktype has the erased one)
     *   return_call, call_ref, return_call_ref: a = function or type index
     *   return_call_indirect:    a = type index, b = table index
     *   br_on_null, br_on_non_null: a = label
     *   memory.size/grow/fill:   mem = memory index
     *   memory.copy:             mem = destination memory, mem2 = source memory
     *   atomic.fence:            reserved byte checked to be 0x00
     *   SIMD (0xFD): memory ops as loads, with b = lane for load/store*_lane; extract and
     *                replace_lane: b = lane; v128.const, i8x16.shuffle: bytes -> 16 bytes */
    int64_t blocktype;
    uint32_t a, b;
    uint32_t mem, mem2; /* memory indices (multi-memory) */
    uint8_t enc3;       /* WI_ENC_*: encodings that only WebAssembly 3.0 reads */
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
/* An instruction that accesses a memory (in->mem): the values it pops, whether the last of
 * them is a v128, and the type it pushes (0: none), for a memory of address type at. False
 * for every other instruction (data.drop and atomic.fence included). */
bool wi_mem_sig(uint32_t op, uint8_t at, uint32_t *npop, bool *v128_in, uint8_t *result);
/* Whether a memory instruction takes the tiers' inline paths: memory 0 with i32 addresses
 * (both memories, for memory.copy). Every other goes through exec_memx. */
static inline bool wi_mem_fast(const weft_module *m, const wi_instr *in)
{
    return in->mem == 0 && (in->op != WI_FC(10) || in->mem2 == 0) && m->nmems &&
           !m->mems[0].is64;
}
/* The operands of a table instruction that are i64 indices or lengths of a 64-bit table
 * (memory64): bit k set for the operand k entries below the top. 0 for 32-bit tables and
 * every other instruction. */
uint32_t wi_table64_operands(const weft_module *m, const wi_instr *in);
/* A printable mnemonic for an opcode (for error messages), e.g. "i32.add". */
const char *wi_name(uint32_t op);

/*
 * Fuel accounting (weft_config.consume_fuel), decided once here for both tiers so that they
 * charge the same amounts at the same instructions. A function body is cut into regions,
 * each charged whole when entered: the body, the body of each loop (charged at every
 * iteration) and each arm of an if. The code after a block's, loop's or if's end belongs to
 * the region its start is in, and so does the code after a br_if: everything that runs at
 * most once per entry of a region without a choice in between is charged with it, so a loop
 * body without ifs costs one charge per iteration. A region's cost is the number of its
 * reachable instructions (block, loop, else and end count zero: they execute nothing); a
 * branch out of a region does not give back what it skips. A tier charges a region's cost
 * just before translating its first instruction (which may itself be a block or a loop)
 * when that cost is not zero.
 */
typedef struct wi_charge {
    size_t offset;  /* module offset of the run's first instruction */
    uint32_t cost;
} wi_charge;
typedef struct wi_fuel_plan {
    wi_charge *v;
    size_t n, cap, next; /* next: the cursor of wi_fuel_at */
} wi_fuel_plan;
/* The runs of defined function defidx of m (a validated module). False when out of memory
 * or the body cannot be read. */
bool wi_fuel_plan_make(wi_fuel_plan *p, const weft_module *m, uint32_t defidx);
/* The cost to charge before the instruction at offset (0: none). Ask with increasing
 * offsets (instructions a tier skips as dead may be skipped). */
uint32_t wi_fuel_at(wi_fuel_plan *p, size_t offset);
void wi_fuel_plan_free(wi_fuel_plan *p);

#endif
