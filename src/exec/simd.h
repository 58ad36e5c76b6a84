/*
 * simd.h - the semantics of WebAssembly's 128-bit SIMD instructions (the 0xFD prefix), written
 * once: the interpreter includes this header, and the compiled tier pastes it verbatim (after
 * numeric.h and weft.h) into the C it generates. Hence the rules it keeps: standard headers and
 * numeric.h only, static inline functions only, no globals, warning-free under gcc and clang
 * with -Wall -Wextra at every -O level.
 *
 * THE VALUE. wv128 is a GCC/clang vector of 16 bytes whose memory image is exactly the v128's
 * 16 bytes in wasm (little-endian) order: lane i of an NxM shape is vector element i of the
 * matching vector type below. memcpy moves it to and from guest memory or a pair of 64-bit
 * frame slots (slot k the low 8 bytes, slot k+1 the high 8). Little-endian hosts only.
 * It is passed and returned by value; it may live anywhere 8-byte aligned only through memcpy.
 *
 * NAMES. One function per instruction: simd_ + the mnemonic with '.' turned into '_'
 * (i8x16.add -> simd_i8x16_add). Scalars cross as unsigned integers, floats AS THEIR BITS (as
 * weft's slots hold them): i32/f32 as uint32_t, i64/f64 as uint64_t. Lane immediates are
 * `unsigned` and are taken modulo the lane count (validation guarantees they are in range).
 *
 * SIGNATURES, by the shape column of SIMD_OPS below:
 *   UN        wv128 f(wv128 a)
 *   BIN       wv128 f(wv128 a, wv128 b)              a is the first operand pushed
 *   TERN      wv128 f(wv128 a, wv128 b, wv128 c)     v128.bitselect(a, b, mask c)
 *   SHIFT     wv128 f(wv128 a, uint32_t n)           n taken modulo the lane width
 *   TEST      uint32_t f(wv128 a)                    any_true, all_true, bitmask -> i32
 *   SPLAT     wv128 f(S x)                           S = uint32_t (i32, f32) or uint64_t
 *   EXTRACT   S f(wv128 a, unsigned lane)            _s/_u extend to 32 bits
 *   REPLACE   wv128 f(wv128 a, unsigned lane, S x)
 *   CONST     wv128 f(const uint8_t bytes[16])       the immediate, as it sits in the binary
 *   SHUFFLE   wv128 f(wv128 a, wv128 b, const uint8_t lanes[16])
 * Memory: the caller computes the effective address, checks bounds, and moves the bytes with
 * memcpy (n is the number of bytes accessed, the "n" column); the header does the lane work.
 *   LOAD      wv128 f(const uint8_t *p)              v128.load: p = the 16 bytes
 *   STORE     void  f(uint8_t *p, wv128 v)           v128.store
 *   LOAD_EXT  wv128 f(uint64_t bytes)                load8x8_s ...: the 8 bytes as a
 *                                                    little-endian uint64_t
 *   LOAD_SPLAT wv128 f(uintN_t x)                    load8_splat ... (N = 8 * n)
 *   LOAD_ZERO wv128 f(uintN_t x)                     load32_zero, load64_zero
 *   LOAD_LANE wv128 f(wv128 v, uintN_t x, unsigned lane)     load8_lane ...
 *   STORE_LANE uintN_t f(wv128 v, unsigned lane)     store8_lane ...: the bytes to store
 * simd_v128_from_bytes/simd_v128_to_bytes convert between wv128 and 16 bytes in memory.
 *
 * FLOATS follow the spec exactly: arithmetic by the host's IEEE operations (a NaN result is
 * then canonical when every NaN operand was, arithmetic otherwise, as x86 and ARM do), min/max
 * NaN-propagating with -0 < +0, pmin/pmax as b < a ? b : a and a < b ? b : a, rounding by
 * ceil/floor/trunc/nearbyint (ties to even) with the NaN result quieted, truncations
 * saturating with NaN -> 0. No -ffast-math, and contraction must be off (-ffp-contract=off).
 */
#ifndef WEFT_SIMD_OPS_
#define WEFT_SIMD_OPS_

/*
 * SIMD_OPS(X): every instruction of the 0xFD prefix, in sub-opcode order, one
 *   X(subopcode, name, "mnemonic", SHAPE, n, T)
 * name is the function's suffix (simd_##name); SHAPE is one of the shapes listed above; n is
 *   LOAD*, STORE*, *_LANE memory ops:  the bytes accessed (the natural alignment is log2 n)
 *   EXTRACT, REPLACE, SPLAT:           the lane count
 *   others:                            0;
 * T is the scalar's wasm type for SPLAT/EXTRACT/REPLACE (I32, I64, F32, F64), else V128.
 * Immediates: LOAD*, STORE: memarg; LOAD_LANE, STORE_LANE: memarg then a lane byte; EXTRACT,
 * REPLACE: a lane byte; CONST: 16 bytes; SHUFFLE: 16 lane bytes (each < 32).
 * Operand types: memory ops take the i32 address first (then the v128 for STORE, *_LANE);
 * SHIFT takes (v128, i32); REPLACE (v128, T); SPLAT (T); EXTRACT gives T; TEST gives i32.
 * Defining SIMD_OPS_ONLY before including this header gives the list alone (no functions, no
 * includes), for the decoder and validator; a later include without it adds the functions.
 */
#define SIMD_OPS(X)                                                                           \
    X(0x00, v128_load, "v128.load", LOAD, 16, V128)                                           \
    X(0x01, v128_load8x8_s, "v128.load8x8_s", LOAD_EXT, 8, V128)                              \
    X(0x02, v128_load8x8_u, "v128.load8x8_u", LOAD_EXT, 8, V128)                              \
    X(0x03, v128_load16x4_s, "v128.load16x4_s", LOAD_EXT, 8, V128)                            \
    X(0x04, v128_load16x4_u, "v128.load16x4_u", LOAD_EXT, 8, V128)                            \
    X(0x05, v128_load32x2_s, "v128.load32x2_s", LOAD_EXT, 8, V128)                            \
    X(0x06, v128_load32x2_u, "v128.load32x2_u", LOAD_EXT, 8, V128)                            \
    X(0x07, v128_load8_splat, "v128.load8_splat", LOAD_SPLAT, 1, V128)                        \
    X(0x08, v128_load16_splat, "v128.load16_splat", LOAD_SPLAT, 2, V128)                      \
    X(0x09, v128_load32_splat, "v128.load32_splat", LOAD_SPLAT, 4, V128)                      \
    X(0x0A, v128_load64_splat, "v128.load64_splat", LOAD_SPLAT, 8, V128)                      \
    X(0x0B, v128_store, "v128.store", STORE, 16, V128)                                        \
    X(0x0C, v128_const, "v128.const", CONST, 0, V128)                                         \
    X(0x0D, i8x16_shuffle, "i8x16.shuffle", SHUFFLE, 0, V128)                                 \
    X(0x0E, i8x16_swizzle, "i8x16.swizzle", BIN, 0, V128)                                     \
    X(0x0F, i8x16_splat, "i8x16.splat", SPLAT, 16, I32)                                       \
    X(0x10, i16x8_splat, "i16x8.splat", SPLAT, 8, I32)                                        \
    X(0x11, i32x4_splat, "i32x4.splat", SPLAT, 4, I32)                                        \
    X(0x12, i64x2_splat, "i64x2.splat", SPLAT, 2, I64)                                        \
    X(0x13, f32x4_splat, "f32x4.splat", SPLAT, 4, F32)                                        \
    X(0x14, f64x2_splat, "f64x2.splat", SPLAT, 2, F64)                                        \
    X(0x15, i8x16_extract_lane_s, "i8x16.extract_lane_s", EXTRACT, 16, I32)                   \
    X(0x16, i8x16_extract_lane_u, "i8x16.extract_lane_u", EXTRACT, 16, I32)                   \
    X(0x17, i8x16_replace_lane, "i8x16.replace_lane", REPLACE, 16, I32)                       \
    X(0x18, i16x8_extract_lane_s, "i16x8.extract_lane_s", EXTRACT, 8, I32)                    \
    X(0x19, i16x8_extract_lane_u, "i16x8.extract_lane_u", EXTRACT, 8, I32)                    \
    X(0x1A, i16x8_replace_lane, "i16x8.replace_lane", REPLACE, 8, I32)                        \
    X(0x1B, i32x4_extract_lane, "i32x4.extract_lane", EXTRACT, 4, I32)                        \
    X(0x1C, i32x4_replace_lane, "i32x4.replace_lane", REPLACE, 4, I32)                        \
    X(0x1D, i64x2_extract_lane, "i64x2.extract_lane", EXTRACT, 2, I64)                        \
    X(0x1E, i64x2_replace_lane, "i64x2.replace_lane", REPLACE, 2, I64)                        \
    X(0x1F, f32x4_extract_lane, "f32x4.extract_lane", EXTRACT, 4, F32)                        \
    X(0x20, f32x4_replace_lane, "f32x4.replace_lane", REPLACE, 4, F32)                        \
    X(0x21, f64x2_extract_lane, "f64x2.extract_lane", EXTRACT, 2, F64)                        \
    X(0x22, f64x2_replace_lane, "f64x2.replace_lane", REPLACE, 2, F64)                        \
    X(0x23, i8x16_eq, "i8x16.eq", BIN, 0, V128)                                               \
    X(0x24, i8x16_ne, "i8x16.ne", BIN, 0, V128)                                               \
    X(0x25, i8x16_lt_s, "i8x16.lt_s", BIN, 0, V128)                                           \
    X(0x26, i8x16_lt_u, "i8x16.lt_u", BIN, 0, V128)                                           \
    X(0x27, i8x16_gt_s, "i8x16.gt_s", BIN, 0, V128)                                           \
    X(0x28, i8x16_gt_u, "i8x16.gt_u", BIN, 0, V128)                                           \
    X(0x29, i8x16_le_s, "i8x16.le_s", BIN, 0, V128)                                           \
    X(0x2A, i8x16_le_u, "i8x16.le_u", BIN, 0, V128)                                           \
    X(0x2B, i8x16_ge_s, "i8x16.ge_s", BIN, 0, V128)                                           \
    X(0x2C, i8x16_ge_u, "i8x16.ge_u", BIN, 0, V128)                                           \
    X(0x2D, i16x8_eq, "i16x8.eq", BIN, 0, V128)                                               \
    X(0x2E, i16x8_ne, "i16x8.ne", BIN, 0, V128)                                               \
    X(0x2F, i16x8_lt_s, "i16x8.lt_s", BIN, 0, V128)                                           \
    X(0x30, i16x8_lt_u, "i16x8.lt_u", BIN, 0, V128)                                           \
    X(0x31, i16x8_gt_s, "i16x8.gt_s", BIN, 0, V128)                                           \
    X(0x32, i16x8_gt_u, "i16x8.gt_u", BIN, 0, V128)                                           \
    X(0x33, i16x8_le_s, "i16x8.le_s", BIN, 0, V128)                                           \
    X(0x34, i16x8_le_u, "i16x8.le_u", BIN, 0, V128)                                           \
    X(0x35, i16x8_ge_s, "i16x8.ge_s", BIN, 0, V128)                                           \
    X(0x36, i16x8_ge_u, "i16x8.ge_u", BIN, 0, V128)                                           \
    X(0x37, i32x4_eq, "i32x4.eq", BIN, 0, V128)                                               \
    X(0x38, i32x4_ne, "i32x4.ne", BIN, 0, V128)                                               \
    X(0x39, i32x4_lt_s, "i32x4.lt_s", BIN, 0, V128)                                           \
    X(0x3A, i32x4_lt_u, "i32x4.lt_u", BIN, 0, V128)                                           \
    X(0x3B, i32x4_gt_s, "i32x4.gt_s", BIN, 0, V128)                                           \
    X(0x3C, i32x4_gt_u, "i32x4.gt_u", BIN, 0, V128)                                           \
    X(0x3D, i32x4_le_s, "i32x4.le_s", BIN, 0, V128)                                           \
    X(0x3E, i32x4_le_u, "i32x4.le_u", BIN, 0, V128)                                           \
    X(0x3F, i32x4_ge_s, "i32x4.ge_s", BIN, 0, V128)                                           \
    X(0x40, i32x4_ge_u, "i32x4.ge_u", BIN, 0, V128)                                           \
    X(0x41, f32x4_eq, "f32x4.eq", BIN, 0, V128)                                               \
    X(0x42, f32x4_ne, "f32x4.ne", BIN, 0, V128)                                               \
    X(0x43, f32x4_lt, "f32x4.lt", BIN, 0, V128)                                               \
    X(0x44, f32x4_gt, "f32x4.gt", BIN, 0, V128)                                               \
    X(0x45, f32x4_le, "f32x4.le", BIN, 0, V128)                                               \
    X(0x46, f32x4_ge, "f32x4.ge", BIN, 0, V128)                                               \
    X(0x47, f64x2_eq, "f64x2.eq", BIN, 0, V128)                                               \
    X(0x48, f64x2_ne, "f64x2.ne", BIN, 0, V128)                                               \
    X(0x49, f64x2_lt, "f64x2.lt", BIN, 0, V128)                                               \
    X(0x4A, f64x2_gt, "f64x2.gt", BIN, 0, V128)                                               \
    X(0x4B, f64x2_le, "f64x2.le", BIN, 0, V128)                                               \
    X(0x4C, f64x2_ge, "f64x2.ge", BIN, 0, V128)                                               \
    X(0x4D, v128_not, "v128.not", UN, 0, V128)                                                \
    X(0x4E, v128_and, "v128.and", BIN, 0, V128)                                               \
    X(0x4F, v128_andnot, "v128.andnot", BIN, 0, V128)                                         \
    X(0x50, v128_or, "v128.or", BIN, 0, V128)                                                 \
    X(0x51, v128_xor, "v128.xor", BIN, 0, V128)                                               \
    X(0x52, v128_bitselect, "v128.bitselect", TERN, 0, V128)                                  \
    X(0x53, v128_any_true, "v128.any_true", TEST, 0, V128)                                    \
    X(0x54, v128_load8_lane, "v128.load8_lane", LOAD_LANE, 1, V128)                           \
    X(0x55, v128_load16_lane, "v128.load16_lane", LOAD_LANE, 2, V128)                         \
    X(0x56, v128_load32_lane, "v128.load32_lane", LOAD_LANE, 4, V128)                         \
    X(0x57, v128_load64_lane, "v128.load64_lane", LOAD_LANE, 8, V128)                         \
    X(0x58, v128_store8_lane, "v128.store8_lane", STORE_LANE, 1, V128)                        \
    X(0x59, v128_store16_lane, "v128.store16_lane", STORE_LANE, 2, V128)                      \
    X(0x5A, v128_store32_lane, "v128.store32_lane", STORE_LANE, 4, V128)                      \
    X(0x5B, v128_store64_lane, "v128.store64_lane", STORE_LANE, 8, V128)                      \
    X(0x5C, v128_load32_zero, "v128.load32_zero", LOAD_ZERO, 4, V128)                         \
    X(0x5D, v128_load64_zero, "v128.load64_zero", LOAD_ZERO, 8, V128)                         \
    X(0x5E, f32x4_demote_f64x2_zero, "f32x4.demote_f64x2_zero", UN, 0, V128)                  \
    X(0x5F, f64x2_promote_low_f32x4, "f64x2.promote_low_f32x4", UN, 0, V128)                  \
    X(0x60, i8x16_abs, "i8x16.abs", UN, 0, V128)                                              \
    X(0x61, i8x16_neg, "i8x16.neg", UN, 0, V128)                                              \
    X(0x62, i8x16_popcnt, "i8x16.popcnt", UN, 0, V128)                                        \
    X(0x63, i8x16_all_true, "i8x16.all_true", TEST, 0, V128)                                  \
    X(0x64, i8x16_bitmask, "i8x16.bitmask", TEST, 0, V128)                                    \
    X(0x65, i8x16_narrow_i16x8_s, "i8x16.narrow_i16x8_s", BIN, 0, V128)                       \
    X(0x66, i8x16_narrow_i16x8_u, "i8x16.narrow_i16x8_u", BIN, 0, V128)                       \
    X(0x67, f32x4_ceil, "f32x4.ceil", UN, 0, V128)                                            \
    X(0x68, f32x4_floor, "f32x4.floor", UN, 0, V128)                                          \
    X(0x69, f32x4_trunc, "f32x4.trunc", UN, 0, V128)                                          \
    X(0x6A, f32x4_nearest, "f32x4.nearest", UN, 0, V128)                                      \
    X(0x6B, i8x16_shl, "i8x16.shl", SHIFT, 0, V128)                                           \
    X(0x6C, i8x16_shr_s, "i8x16.shr_s", SHIFT, 0, V128)                                       \
    X(0x6D, i8x16_shr_u, "i8x16.shr_u", SHIFT, 0, V128)                                       \
    X(0x6E, i8x16_add, "i8x16.add", BIN, 0, V128)                                             \
    X(0x6F, i8x16_add_sat_s, "i8x16.add_sat_s", BIN, 0, V128)                                 \
    X(0x70, i8x16_add_sat_u, "i8x16.add_sat_u", BIN, 0, V128)                                 \
    X(0x71, i8x16_sub, "i8x16.sub", BIN, 0, V128)                                             \
    X(0x72, i8x16_sub_sat_s, "i8x16.sub_sat_s", BIN, 0, V128)                                 \
    X(0x73, i8x16_sub_sat_u, "i8x16.sub_sat_u", BIN, 0, V128)                                 \
    X(0x74, f64x2_ceil, "f64x2.ceil", UN, 0, V128)                                            \
    X(0x75, f64x2_floor, "f64x2.floor", UN, 0, V128)                                          \
    X(0x76, i8x16_min_s, "i8x16.min_s", BIN, 0, V128)                                         \
    X(0x77, i8x16_min_u, "i8x16.min_u", BIN, 0, V128)                                         \
    X(0x78, i8x16_max_s, "i8x16.max_s", BIN, 0, V128)                                         \
    X(0x79, i8x16_max_u, "i8x16.max_u", BIN, 0, V128)                                         \
    X(0x7A, f64x2_trunc, "f64x2.trunc", UN, 0, V128)                                          \
    X(0x7B, i8x16_avgr_u, "i8x16.avgr_u", BIN, 0, V128)                                       \
    X(0x7C, i16x8_extadd_pairwise_i8x16_s, "i16x8.extadd_pairwise_i8x16_s", UN, 0, V128)      \
    X(0x7D, i16x8_extadd_pairwise_i8x16_u, "i16x8.extadd_pairwise_i8x16_u", UN, 0, V128)      \
    X(0x7E, i32x4_extadd_pairwise_i16x8_s, "i32x4.extadd_pairwise_i16x8_s", UN, 0, V128)      \
    X(0x7F, i32x4_extadd_pairwise_i16x8_u, "i32x4.extadd_pairwise_i16x8_u", UN, 0, V128)      \
    X(0x80, i16x8_abs, "i16x8.abs", UN, 0, V128)                                              \
    X(0x81, i16x8_neg, "i16x8.neg", UN, 0, V128)                                              \
    X(0x82, i16x8_q15mulr_sat_s, "i16x8.q15mulr_sat_s", BIN, 0, V128)                         \
    X(0x83, i16x8_all_true, "i16x8.all_true", TEST, 0, V128)                                  \
    X(0x84, i16x8_bitmask, "i16x8.bitmask", TEST, 0, V128)                                    \
    X(0x85, i16x8_narrow_i32x4_s, "i16x8.narrow_i32x4_s", BIN, 0, V128)                       \
    X(0x86, i16x8_narrow_i32x4_u, "i16x8.narrow_i32x4_u", BIN, 0, V128)                       \
    X(0x87, i16x8_extend_low_i8x16_s, "i16x8.extend_low_i8x16_s", UN, 0, V128)                \
    X(0x88, i16x8_extend_high_i8x16_s, "i16x8.extend_high_i8x16_s", UN, 0, V128)              \
    X(0x89, i16x8_extend_low_i8x16_u, "i16x8.extend_low_i8x16_u", UN, 0, V128)                \
    X(0x8A, i16x8_extend_high_i8x16_u, "i16x8.extend_high_i8x16_u", UN, 0, V128)              \
    X(0x8B, i16x8_shl, "i16x8.shl", SHIFT, 0, V128)                                           \
    X(0x8C, i16x8_shr_s, "i16x8.shr_s", SHIFT, 0, V128)                                       \
    X(0x8D, i16x8_shr_u, "i16x8.shr_u", SHIFT, 0, V128)                                       \
    X(0x8E, i16x8_add, "i16x8.add", BIN, 0, V128)                                             \
    X(0x8F, i16x8_add_sat_s, "i16x8.add_sat_s", BIN, 0, V128)                                 \
    X(0x90, i16x8_add_sat_u, "i16x8.add_sat_u", BIN, 0, V128)                                 \
    X(0x91, i16x8_sub, "i16x8.sub", BIN, 0, V128)                                             \
    X(0x92, i16x8_sub_sat_s, "i16x8.sub_sat_s", BIN, 0, V128)                                 \
    X(0x93, i16x8_sub_sat_u, "i16x8.sub_sat_u", BIN, 0, V128)                                 \
    X(0x94, f64x2_nearest, "f64x2.nearest", UN, 0, V128)                                      \
    X(0x95, i16x8_mul, "i16x8.mul", BIN, 0, V128)                                             \
    X(0x96, i16x8_min_s, "i16x8.min_s", BIN, 0, V128)                                         \
    X(0x97, i16x8_min_u, "i16x8.min_u", BIN, 0, V128)                                         \
    X(0x98, i16x8_max_s, "i16x8.max_s", BIN, 0, V128)                                         \
    X(0x99, i16x8_max_u, "i16x8.max_u", BIN, 0, V128)                                         \
    X(0x9B, i16x8_avgr_u, "i16x8.avgr_u", BIN, 0, V128)                                       \
    X(0x9C, i16x8_extmul_low_i8x16_s, "i16x8.extmul_low_i8x16_s", BIN, 0, V128)               \
    X(0x9D, i16x8_extmul_high_i8x16_s, "i16x8.extmul_high_i8x16_s", BIN, 0, V128)             \
    X(0x9E, i16x8_extmul_low_i8x16_u, "i16x8.extmul_low_i8x16_u", BIN, 0, V128)               \
    X(0x9F, i16x8_extmul_high_i8x16_u, "i16x8.extmul_high_i8x16_u", BIN, 0, V128)             \
    X(0xA0, i32x4_abs, "i32x4.abs", UN, 0, V128)                                              \
    X(0xA1, i32x4_neg, "i32x4.neg", UN, 0, V128)                                              \
    X(0xA3, i32x4_all_true, "i32x4.all_true", TEST, 0, V128)                                  \
    X(0xA4, i32x4_bitmask, "i32x4.bitmask", TEST, 0, V128)                                    \
    X(0xA7, i32x4_extend_low_i16x8_s, "i32x4.extend_low_i16x8_s", UN, 0, V128)                \
    X(0xA8, i32x4_extend_high_i16x8_s, "i32x4.extend_high_i16x8_s", UN, 0, V128)              \
    X(0xA9, i32x4_extend_low_i16x8_u, "i32x4.extend_low_i16x8_u", UN, 0, V128)                \
    X(0xAA, i32x4_extend_high_i16x8_u, "i32x4.extend_high_i16x8_u", UN, 0, V128)              \
    X(0xAB, i32x4_shl, "i32x4.shl", SHIFT, 0, V128)                                           \
    X(0xAC, i32x4_shr_s, "i32x4.shr_s", SHIFT, 0, V128)                                       \
    X(0xAD, i32x4_shr_u, "i32x4.shr_u", SHIFT, 0, V128)                                       \
    X(0xAE, i32x4_add, "i32x4.add", BIN, 0, V128)                                             \
    X(0xB1, i32x4_sub, "i32x4.sub", BIN, 0, V128)                                             \
    X(0xB5, i32x4_mul, "i32x4.mul", BIN, 0, V128)                                             \
    X(0xB6, i32x4_min_s, "i32x4.min_s", BIN, 0, V128)                                         \
    X(0xB7, i32x4_min_u, "i32x4.min_u", BIN, 0, V128)                                         \
    X(0xB8, i32x4_max_s, "i32x4.max_s", BIN, 0, V128)                                         \
    X(0xB9, i32x4_max_u, "i32x4.max_u", BIN, 0, V128)                                         \
    X(0xBA, i32x4_dot_i16x8_s, "i32x4.dot_i16x8_s", BIN, 0, V128)                             \
    X(0xBC, i32x4_extmul_low_i16x8_s, "i32x4.extmul_low_i16x8_s", BIN, 0, V128)               \
    X(0xBD, i32x4_extmul_high_i16x8_s, "i32x4.extmul_high_i16x8_s", BIN, 0, V128)             \
    X(0xBE, i32x4_extmul_low_i16x8_u, "i32x4.extmul_low_i16x8_u", BIN, 0, V128)               \
    X(0xBF, i32x4_extmul_high_i16x8_u, "i32x4.extmul_high_i16x8_u", BIN, 0, V128)             \
    X(0xC0, i64x2_abs, "i64x2.abs", UN, 0, V128)                                              \
    X(0xC1, i64x2_neg, "i64x2.neg", UN, 0, V128)                                              \
    X(0xC3, i64x2_all_true, "i64x2.all_true", TEST, 0, V128)                                  \
    X(0xC4, i64x2_bitmask, "i64x2.bitmask", TEST, 0, V128)                                    \
    X(0xC7, i64x2_extend_low_i32x4_s, "i64x2.extend_low_i32x4_s", UN, 0, V128)                \
    X(0xC8, i64x2_extend_high_i32x4_s, "i64x2.extend_high_i32x4_s", UN, 0, V128)              \
    X(0xC9, i64x2_extend_low_i32x4_u, "i64x2.extend_low_i32x4_u", UN, 0, V128)                \
    X(0xCA, i64x2_extend_high_i32x4_u, "i64x2.extend_high_i32x4_u", UN, 0, V128)              \
    X(0xCB, i64x2_shl, "i64x2.shl", SHIFT, 0, V128)                                           \
    X(0xCC, i64x2_shr_s, "i64x2.shr_s", SHIFT, 0, V128)                                       \
    X(0xCD, i64x2_shr_u, "i64x2.shr_u", SHIFT, 0, V128)                                       \
    X(0xCE, i64x2_add, "i64x2.add", BIN, 0, V128)                                             \
    X(0xD1, i64x2_sub, "i64x2.sub", BIN, 0, V128)                                             \
    X(0xD5, i64x2_mul, "i64x2.mul", BIN, 0, V128)                                             \
    X(0xD6, i64x2_eq, "i64x2.eq", BIN, 0, V128)                                               \
    X(0xD7, i64x2_ne, "i64x2.ne", BIN, 0, V128)                                               \
    X(0xD8, i64x2_lt_s, "i64x2.lt_s", BIN, 0, V128)                                           \
    X(0xD9, i64x2_gt_s, "i64x2.gt_s", BIN, 0, V128)                                           \
    X(0xDA, i64x2_le_s, "i64x2.le_s", BIN, 0, V128)                                           \
    X(0xDB, i64x2_ge_s, "i64x2.ge_s", BIN, 0, V128)                                           \
    X(0xDC, i64x2_extmul_low_i32x4_s, "i64x2.extmul_low_i32x4_s", BIN, 0, V128)               \
    X(0xDD, i64x2_extmul_high_i32x4_s, "i64x2.extmul_high_i32x4_s", BIN, 0, V128)             \
    X(0xDE, i64x2_extmul_low_i32x4_u, "i64x2.extmul_low_i32x4_u", BIN, 0, V128)               \
    X(0xDF, i64x2_extmul_high_i32x4_u, "i64x2.extmul_high_i32x4_u", BIN, 0, V128)             \
    X(0xE0, f32x4_abs, "f32x4.abs", UN, 0, V128)                                              \
    X(0xE1, f32x4_neg, "f32x4.neg", UN, 0, V128)                                              \
    X(0xE3, f32x4_sqrt, "f32x4.sqrt", UN, 0, V128)                                            \
    X(0xE4, f32x4_add, "f32x4.add", BIN, 0, V128)                                             \
    X(0xE5, f32x4_sub, "f32x4.sub", BIN, 0, V128)                                             \
    X(0xE6, f32x4_mul, "f32x4.mul", BIN, 0, V128)                                             \
    X(0xE7, f32x4_div, "f32x4.div", BIN, 0, V128)                                             \
    X(0xE8, f32x4_min, "f32x4.min", BIN, 0, V128)                                             \
    X(0xE9, f32x4_max, "f32x4.max", BIN, 0, V128)                                             \
    X(0xEA, f32x4_pmin, "f32x4.pmin", BIN, 0, V128)                                           \
    X(0xEB, f32x4_pmax, "f32x4.pmax", BIN, 0, V128)                                           \
    X(0xEC, f64x2_abs, "f64x2.abs", UN, 0, V128)                                              \
    X(0xED, f64x2_neg, "f64x2.neg", UN, 0, V128)                                              \
    X(0xEF, f64x2_sqrt, "f64x2.sqrt", UN, 0, V128)                                            \
    X(0xF0, f64x2_add, "f64x2.add", BIN, 0, V128)                                             \
    X(0xF1, f64x2_sub, "f64x2.sub", BIN, 0, V128)                                             \
    X(0xF2, f64x2_mul, "f64x2.mul", BIN, 0, V128)                                             \
    X(0xF3, f64x2_div, "f64x2.div", BIN, 0, V128)                                             \
    X(0xF4, f64x2_min, "f64x2.min", BIN, 0, V128)                                             \
    X(0xF5, f64x2_max, "f64x2.max", BIN, 0, V128)                                             \
    X(0xF6, f64x2_pmin, "f64x2.pmin", BIN, 0, V128)                                           \
    X(0xF7, f64x2_pmax, "f64x2.pmax", BIN, 0, V128)                                           \
    X(0xF8, i32x4_trunc_sat_f32x4_s, "i32x4.trunc_sat_f32x4_s", UN, 0, V128)                  \
    X(0xF9, i32x4_trunc_sat_f32x4_u, "i32x4.trunc_sat_f32x4_u", UN, 0, V128)                  \
    X(0xFA, f32x4_convert_i32x4_s, "f32x4.convert_i32x4_s", UN, 0, V128)                      \
    X(0xFB, f32x4_convert_i32x4_u, "f32x4.convert_i32x4_u", UN, 0, V128)                      \
    X(0xFC, i32x4_trunc_sat_f64x2_s_zero, "i32x4.trunc_sat_f64x2_s_zero", UN, 0, V128)        \
    X(0xFD, i32x4_trunc_sat_f64x2_u_zero, "i32x4.trunc_sat_f64x2_u_zero", UN, 0, V128)        \
    X(0xFE, f64x2_convert_low_i32x4_s, "f64x2.convert_low_i32x4_s", UN, 0, V128)              \
    X(0xFF, f64x2_convert_low_i32x4_u, "f64x2.convert_low_i32x4_u", UN, 0, V128)              \
    /* relaxed SIMD (WebAssembly 3.0): SIMD_RELAXED_FIRST and on */                           \
    X(0x100, i8x16_relaxed_swizzle, "i8x16.relaxed_swizzle", BIN, 0, V128)                    \
    X(0x101, i32x4_relaxed_trunc_f32x4_s, "i32x4.relaxed_trunc_f32x4_s", UN, 0, V128)         \
    X(0x102, i32x4_relaxed_trunc_f32x4_u, "i32x4.relaxed_trunc_f32x4_u", UN, 0, V128)         \
    X(0x103, i32x4_relaxed_trunc_f64x2_s_zero, "i32x4.relaxed_trunc_f64x2_s_zero", UN, 0, V128) \
    X(0x104, i32x4_relaxed_trunc_f64x2_u_zero, "i32x4.relaxed_trunc_f64x2_u_zero", UN, 0, V128) \
    X(0x105, f32x4_relaxed_madd, "f32x4.relaxed_madd", TERN, 0, V128)                         \
    X(0x106, f32x4_relaxed_nmadd, "f32x4.relaxed_nmadd", TERN, 0, V128)                       \
    X(0x107, f64x2_relaxed_madd, "f64x2.relaxed_madd", TERN, 0, V128)                         \
    X(0x108, f64x2_relaxed_nmadd, "f64x2.relaxed_nmadd", TERN, 0, V128)                       \
    X(0x109, i8x16_relaxed_laneselect, "i8x16.relaxed_laneselect", TERN, 0, V128)             \
    X(0x10A, i16x8_relaxed_laneselect, "i16x8.relaxed_laneselect", TERN, 0, V128)             \
    X(0x10B, i32x4_relaxed_laneselect, "i32x4.relaxed_laneselect", TERN, 0, V128)             \
    X(0x10C, i64x2_relaxed_laneselect, "i64x2.relaxed_laneselect", TERN, 0, V128)             \
    X(0x10D, f32x4_relaxed_min, "f32x4.relaxed_min", BIN, 0, V128)                            \
    X(0x10E, f32x4_relaxed_max, "f32x4.relaxed_max", BIN, 0, V128)                            \
    X(0x10F, f64x2_relaxed_min, "f64x2.relaxed_min", BIN, 0, V128)                            \
    X(0x110, f64x2_relaxed_max, "f64x2.relaxed_max", BIN, 0, V128)                            \
    X(0x111, i16x8_relaxed_q15mulr_s, "i16x8.relaxed_q15mulr_s", BIN, 0, V128)                \
    X(0x112, i16x8_relaxed_dot_i8x16_i7x16_s, "i16x8.relaxed_dot_i8x16_i7x16_s", BIN, 0, V128) \
    X(0x113, i32x4_relaxed_dot_i8x16_i7x16_add_s, "i32x4.relaxed_dot_i8x16_i7x16_add_s",       \
      TERN, 0, V128)

/* The highest sub-opcode, plus one; the first of relaxed SIMD's (what --disable relaxed-simd
 * refuses). */
#define SIMD_NSUB 0x114
#define SIMD_RELAXED_FIRST 0x100

/* The shapes as numbers (SIMD_SH_##SHAPE), for tables built from SIMD_OPS. 0 is no opcode. */
enum simd_shape {
    SIMD_SH_NONE = 0, SIMD_SH_LOAD, SIMD_SH_LOAD_EXT, SIMD_SH_LOAD_SPLAT, SIMD_SH_LOAD_ZERO,
    SIMD_SH_STORE, SIMD_SH_LOAD_LANE, SIMD_SH_STORE_LANE, SIMD_SH_CONST, SIMD_SH_SHUFFLE,
    SIMD_SH_SPLAT, SIMD_SH_EXTRACT, SIMD_SH_REPLACE, SIMD_SH_UN, SIMD_SH_BIN, SIMD_SH_TERN,
    SIMD_SH_SHIFT, SIMD_SH_TEST
};
#endif /* WEFT_SIMD_OPS_ */

#if !defined(SIMD_OPS_ONLY) && !defined(WEFT_SIMD_H)
#define WEFT_SIMD_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "numeric.h"

#if defined(__SSSE3__)
#include <tmmintrin.h> /* pshufb, for shuffle and swizzle when the build targets it */
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "simd.h: lanes are laid out for a little-endian host"
#endif

/* The vector views. Casting between them reinterprets the 16 bytes (GCC and clang). */
typedef uint8_t wv_u8x16 __attribute__((vector_size(16)));
typedef int8_t wv_i8x16 __attribute__((vector_size(16)));
typedef uint16_t wv_u16x8 __attribute__((vector_size(16)));
typedef int16_t wv_i16x8 __attribute__((vector_size(16)));
typedef uint32_t wv_u32x4 __attribute__((vector_size(16)));
typedef int32_t wv_i32x4 __attribute__((vector_size(16)));
typedef uint64_t wv_u64x2 __attribute__((vector_size(16)));
typedef int64_t wv_i64x2 __attribute__((vector_size(16)));
typedef float wv_f32x4 __attribute__((vector_size(16)));
typedef double wv_f64x2 __attribute__((vector_size(16)));
/* The canonical type, the one every function takes and returns. */
typedef wv_u64x2 wv128;

#define SIMD_U8(v) ((wv_u8x16)(v))
#define SIMD_I8(v) ((wv_i8x16)(v))
#define SIMD_U16(v) ((wv_u16x8)(v))
#define SIMD_I16(v) ((wv_i16x8)(v))
#define SIMD_U32(v) ((wv_u32x4)(v))
#define SIMD_I32(v) ((wv_i32x4)(v))
#define SIMD_I64(v) ((wv_i64x2)(v))
#define SIMD_F32(v) ((wv_f32x4)(v))
#define SIMD_F64(v) ((wv_f64x2)(v))
#define SIMD_V(v) ((wv128)(v))

/* ---- moving the 16 bytes ---- */

static inline wv128 simd_v128_from_bytes(const uint8_t *p)
{
    wv128 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void simd_v128_to_bytes(wv128 v, uint8_t *p) { memcpy(p, &v, sizeof v); }

static inline wv128 simd_v128_make(uint64_t lo, uint64_t hi)
{
    wv128 v = {lo, hi};
    return v;
}

static inline wv128 simd_v128_load(const uint8_t *p) { return simd_v128_from_bytes(p); }
static inline void simd_v128_store(uint8_t *p, wv128 v) { simd_v128_to_bytes(v, p); }
static inline wv128 simd_v128_const(const uint8_t *bytes) { return simd_v128_from_bytes(bytes); }

/* Lane-wise select: the bits of a where m is set, of b elsewhere. */
static inline wv128 simd_sel(wv128 m, wv128 a, wv128 b) { return (a & m) | (b & ~m); }

/* ---- saturation helpers ---- */

static inline int8_t simd_sat_i8(int32_t x) { return (int8_t)(x < -128 ? -128 : x > 127 ? 127 : x); }
static inline uint8_t simd_sat_u8(int32_t x) { return (uint8_t)(x < 0 ? 0 : x > 255 ? 255 : x); }
static inline int16_t simd_sat_i16(int32_t x)
{
    return (int16_t)(x < -32768 ? -32768 : x > 32767 ? 32767 : x);
}
static inline uint16_t simd_sat_u16(int32_t x)
{
    return (uint16_t)(x < 0 ? 0 : x > 65535 ? 65535 : x);
}

/* ---- memory lane work ---- */

static inline wv128 simd_v128_load8x8_s(uint64_t x)
{
    wv_i16x8 r = {0};
    for (unsigned i = 0; i < 8; i++)
        r[i] = (int8_t)(uint8_t)(x >> (8 * i));
    return SIMD_V(r);
}
static inline wv128 simd_v128_load8x8_u(uint64_t x)
{
    wv_u16x8 r = {0};
    for (unsigned i = 0; i < 8; i++)
        r[i] = (uint8_t)(x >> (8 * i));
    return SIMD_V(r);
}
static inline wv128 simd_v128_load16x4_s(uint64_t x)
{
    wv_i32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = (int16_t)(uint16_t)(x >> (16 * i));
    return SIMD_V(r);
}
static inline wv128 simd_v128_load16x4_u(uint64_t x)
{
    wv_u32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = (uint16_t)(x >> (16 * i));
    return SIMD_V(r);
}
static inline wv128 simd_v128_load32x2_s(uint64_t x)
{
    wv_i64x2 r = {(int32_t)(uint32_t)x, (int32_t)(uint32_t)(x >> 32)};
    return SIMD_V(r);
}
static inline wv128 simd_v128_load32x2_u(uint64_t x)
{
    wv128 r = {(uint32_t)x, x >> 32};
    return r;
}

static inline wv128 simd_i8x16_splat(uint32_t x);
static inline wv128 simd_i16x8_splat(uint32_t x);
static inline wv128 simd_i32x4_splat(uint32_t x);
static inline wv128 simd_i64x2_splat(uint64_t x);
static inline wv128 simd_v128_load8_splat(uint8_t x) { return simd_i8x16_splat(x); }
static inline wv128 simd_v128_load16_splat(uint16_t x) { return simd_i16x8_splat(x); }
static inline wv128 simd_v128_load32_splat(uint32_t x) { return simd_i32x4_splat(x); }
static inline wv128 simd_v128_load64_splat(uint64_t x) { return simd_i64x2_splat(x); }
static inline wv128 simd_v128_load32_zero(uint32_t x) { return simd_v128_make(x, 0); }
static inline wv128 simd_v128_load64_zero(uint64_t x) { return simd_v128_make(x, 0); }

#define SIMD_LANE_MEM(bits, n)                                                                \
    static inline wv128 simd_v128_load##bits##_lane(wv128 v, uint##bits##_t x,              \
                                                     unsigned lane)                           \
    {                                                                                         \
        memcpy((uint8_t *)&v + (lane % (n)) * (bits / 8), &x, sizeof x);                      \
        return v;                                                                             \
    }                                                                                         \
    static inline uint##bits##_t simd_v128_store##bits##_lane(wv128 v, unsigned lane)         \
    {                                                                                         \
        uint##bits##_t x;                                                                     \
        memcpy(&x, (const uint8_t *)&v + (lane % (n)) * (bits / 8), sizeof x);                \
        return x;                                                                             \
    }
SIMD_LANE_MEM(8, 16)
SIMD_LANE_MEM(16, 8)
SIMD_LANE_MEM(32, 4)
SIMD_LANE_MEM(64, 2)
#undef SIMD_LANE_MEM

/* ---- shuffles, splats, lanes ---- */

/* Both through a table of 32 bytes: one indexed load per lane and no branch (the indices
 * are data, so the host's constant-index shuffles do not apply). The result is assembled in
 * two 64-bit registers: byte stores read back as a vector would stall store forwarding. */
static inline wv128 simd_bytes_pick(const uint8_t t[32], const uint8_t idx[16])
{
    uint64_t lo = 0, hi = 0;
    for (unsigned i = 0; i < 8; i++) {
        lo |= (uint64_t)t[idx[i]] << (8 * i);
        hi |= (uint64_t)t[idx[i + 8]] << (8 * i);
    }
    return simd_v128_make(lo, hi);
}

static inline wv128 simd_i8x16_shuffle(wv128 a, wv128 b, const uint8_t lanes[16])
{
#if defined(__SSSE3__)
    /* each operand's lanes picked by pshufb, the other's zeroed (mask bit 7), then or-ed */
    __m128i l = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)lanes),
                              _mm_set1_epi8(31));
    __m128i hi = _mm_cmpgt_epi8(l, _mm_set1_epi8(15)); /* lanes taken from b */
    __m128i ma = _mm_or_si128(l, hi), mb = _mm_or_si128(_mm_sub_epi8(l, _mm_set1_epi8(16)),
                                                        _mm_andnot_si128(hi, _mm_set1_epi8(-128)));
    __m128i r = _mm_or_si128(_mm_shuffle_epi8((__m128i)a, ma), _mm_shuffle_epi8((__m128i)b, mb));
    return (wv128)r;
#else
    uint8_t t[32], idx[16];
    memcpy(t, &a, 16);
    memcpy(t + 16, &b, 16);
    for (unsigned i = 0; i < 16; i++)
        idx[i] = lanes[i] & 31u;
    return simd_bytes_pick(t, idx);
#endif
}

static inline wv128 simd_i8x16_swizzle(wv128 a, wv128 s)
{
#if defined(__SSSE3__)
    /* indices 16..255 become 0x80 and above (zero) by a saturating add; 0..15 keep their low
     * four bits */
    return (wv128)_mm_shuffle_epi8((__m128i)a, _mm_adds_epu8((__m128i)s, _mm_set1_epi8(0x70)));
#else
    uint8_t t[32] = {0}, idx[16];
    memcpy(t, &a, 16);
    memcpy(idx, &s, 16);
    for (unsigned i = 0; i < 16; i++)
        idx[i] = idx[i] < 16 ? idx[i] : 16; /* t[16] is 0 */
    return simd_bytes_pick(t, idx);
#endif
}

static inline wv128 simd_i8x16_splat(uint32_t x)
{
    wv_u8x16 r = {0};
    return SIMD_V(r + (uint8_t)x);
}
static inline wv128 simd_i16x8_splat(uint32_t x)
{
    wv_u16x8 r = {0};
    return SIMD_V(r + (uint16_t)x);
}
static inline wv128 simd_i32x4_splat(uint32_t x)
{
    wv_u32x4 r = {x, x, x, x};
    return SIMD_V(r);
}
static inline wv128 simd_i64x2_splat(uint64_t x) { return simd_v128_make(x, x); }
static inline wv128 simd_f32x4_splat(uint32_t bits) { return simd_i32x4_splat(bits); }
static inline wv128 simd_f64x2_splat(uint64_t bits) { return simd_i64x2_splat(bits); }

static inline uint32_t simd_i8x16_extract_lane_s(wv128 v, unsigned l)
{
    return (uint32_t)(int32_t)SIMD_I8(v)[l % 16];
}
static inline uint32_t simd_i8x16_extract_lane_u(wv128 v, unsigned l)
{
    return SIMD_U8(v)[l % 16];
}
static inline uint32_t simd_i16x8_extract_lane_s(wv128 v, unsigned l)
{
    return (uint32_t)(int32_t)SIMD_I16(v)[l % 8];
}
static inline uint32_t simd_i16x8_extract_lane_u(wv128 v, unsigned l)
{
    return SIMD_U16(v)[l % 8];
}
static inline uint32_t simd_i32x4_extract_lane(wv128 v, unsigned l) { return SIMD_U32(v)[l % 4]; }
static inline uint64_t simd_i64x2_extract_lane(wv128 v, unsigned l) { return v[l % 2]; }
static inline uint32_t simd_f32x4_extract_lane(wv128 v, unsigned l) { return SIMD_U32(v)[l % 4]; }
static inline uint64_t simd_f64x2_extract_lane(wv128 v, unsigned l) { return v[l % 2]; }

static inline wv128 simd_i8x16_replace_lane(wv128 v, unsigned l, uint32_t x)
{
    wv_u8x16 r = SIMD_U8(v);
    r[l % 16] = (uint8_t)x;
    return SIMD_V(r);
}
static inline wv128 simd_i16x8_replace_lane(wv128 v, unsigned l, uint32_t x)
{
    wv_u16x8 r = SIMD_U16(v);
    r[l % 8] = (uint16_t)x;
    return SIMD_V(r);
}
static inline wv128 simd_i32x4_replace_lane(wv128 v, unsigned l, uint32_t x)
{
    wv_u32x4 r = SIMD_U32(v);
    r[l % 4] = x;
    return SIMD_V(r);
}
static inline wv128 simd_i64x2_replace_lane(wv128 v, unsigned l, uint64_t x)
{
    v[l % 2] = x;
    return v;
}
static inline wv128 simd_f32x4_replace_lane(wv128 v, unsigned l, uint32_t bits)
{
    return simd_i32x4_replace_lane(v, l, bits);
}
static inline wv128 simd_f64x2_replace_lane(wv128 v, unsigned l, uint64_t bits)
{
    return simd_i64x2_replace_lane(v, l, bits);
}

/* ---- comparisons: the vector relations give all-ones or zero lanes, as wasm wants ---- */

#define SIMD_CMP(name, VIEW, rel)                                                             \
    static inline wv128 simd_##name(wv128 a, wv128 b) { return SIMD_V(VIEW(a) rel VIEW(b)); }
#define SIMD_CMP_INT(shape, S, U)                                                             \
    SIMD_CMP(shape##_eq, U, ==) SIMD_CMP(shape##_ne, U, !=)                                   \
    SIMD_CMP(shape##_lt_s, S, <) SIMD_CMP(shape##_lt_u, U, <)                                 \
    SIMD_CMP(shape##_gt_s, S, >) SIMD_CMP(shape##_gt_u, U, >)                                 \
    SIMD_CMP(shape##_le_s, S, <=) SIMD_CMP(shape##_le_u, U, <=)                               \
    SIMD_CMP(shape##_ge_s, S, >=) SIMD_CMP(shape##_ge_u, U, >=)
SIMD_CMP_INT(i8x16, SIMD_I8, SIMD_U8)
SIMD_CMP_INT(i16x8, SIMD_I16, SIMD_U16)
SIMD_CMP_INT(i32x4, SIMD_I32, SIMD_U32)
SIMD_CMP(i64x2_eq, SIMD_V, ==)
SIMD_CMP(i64x2_ne, SIMD_V, !=)
SIMD_CMP(i64x2_lt_s, SIMD_I64, <)
SIMD_CMP(i64x2_gt_s, SIMD_I64, >)
SIMD_CMP(i64x2_le_s, SIMD_I64, <=)
SIMD_CMP(i64x2_ge_s, SIMD_I64, >=)
/* Float relations are IEEE's: false with a NaN operand, except ne. */
#define SIMD_CMP_FLOAT(shape, F)                                                              \
    SIMD_CMP(shape##_eq, F, ==) SIMD_CMP(shape##_ne, F, !=) SIMD_CMP(shape##_lt, F, <)        \
    SIMD_CMP(shape##_gt, F, >) SIMD_CMP(shape##_le, F, <=) SIMD_CMP(shape##_ge, F, >=)
SIMD_CMP_FLOAT(f32x4, SIMD_F32)
SIMD_CMP_FLOAT(f64x2, SIMD_F64)
#undef SIMD_CMP_FLOAT
#undef SIMD_CMP_INT
#undef SIMD_CMP

/* ---- bitwise ---- */

static inline wv128 simd_v128_not(wv128 a) { return ~a; }
static inline wv128 simd_v128_and(wv128 a, wv128 b) { return a & b; }
static inline wv128 simd_v128_andnot(wv128 a, wv128 b) { return a & ~b; }
static inline wv128 simd_v128_or(wv128 a, wv128 b) { return a | b; }
static inline wv128 simd_v128_xor(wv128 a, wv128 b) { return a ^ b; }
static inline wv128 simd_v128_bitselect(wv128 a, wv128 b, wv128 c) { return simd_sel(c, a, b); }
static inline uint32_t simd_v128_any_true(wv128 a) { return (a[0] | a[1]) != 0; }

/* ---- integer arithmetic: unsigned views, so that wrapping is defined ---- */

#define SIMD_BIN(name, VIEW, expr)                                                            \
    static inline wv128 simd_##name(wv128 a_, wv128 b_)                                       \
    {                                                                                         \
        __typeof__(VIEW(a_)) a = VIEW(a_), b = VIEW(b_);                                      \
        return SIMD_V(expr);                                                                  \
    }
#define SIMD_ADDSUB(shape, U)                                                                 \
    SIMD_BIN(shape##_add, U, a + b)                                                           \
    SIMD_BIN(shape##_sub, U, a - b)
SIMD_ADDSUB(i8x16, SIMD_U8)
SIMD_ADDSUB(i16x8, SIMD_U16)
SIMD_ADDSUB(i32x4, SIMD_U32)
SIMD_ADDSUB(i64x2, SIMD_V)
#undef SIMD_ADDSUB
SIMD_BIN(i16x8_mul, SIMD_U16, a * b)
SIMD_BIN(i32x4_mul, SIMD_U32, a * b)
SIMD_BIN(i64x2_mul, SIMD_V, a * b)

/* min/max through a mask (a relation's lanes are all ones or zero). */
#define SIMD_MINMAX(shape, S, U)                                                              \
    static inline wv128 simd_##shape##_min_s(wv128 a, wv128 b)                                \
    {                                                                                         \
        return simd_sel(SIMD_V(S(a) < S(b)), a, b);                                           \
    }                                                                                         \
    static inline wv128 simd_##shape##_min_u(wv128 a, wv128 b)                                \
    {                                                                                         \
        return simd_sel(SIMD_V(U(a) < U(b)), a, b);                                           \
    }                                                                                         \
    static inline wv128 simd_##shape##_max_s(wv128 a, wv128 b)                                \
    {                                                                                         \
        return simd_sel(SIMD_V(S(a) > S(b)), a, b);                                           \
    }                                                                                         \
    static inline wv128 simd_##shape##_max_u(wv128 a, wv128 b)                                \
    {                                                                                         \
        return simd_sel(SIMD_V(U(a) > U(b)), a, b);                                           \
    }
SIMD_MINMAX(i8x16, SIMD_I8, SIMD_U8)
SIMD_MINMAX(i16x8, SIMD_I16, SIMD_U16)
SIMD_MINMAX(i32x4, SIMD_I32, SIMD_U32)
#undef SIMD_MINMAX

/* Saturating add/sub: unsigned ones by the carry mask; signed ones lane by lane in int. */
static inline wv128 simd_i8x16_add_sat_u(wv128 a, wv128 b)
{
    wv_u8x16 r = SIMD_U8(a) + SIMD_U8(b);
    return SIMD_V(r | (wv_u8x16)(r < SIMD_U8(a)));
}
static inline wv128 simd_i8x16_sub_sat_u(wv128 a, wv128 b)
{
    wv_u8x16 r = SIMD_U8(a) - SIMD_U8(b);
    return SIMD_V(r & (wv_u8x16)(r <= SIMD_U8(a)));
}
static inline wv128 simd_i16x8_add_sat_u(wv128 a, wv128 b)
{
    wv_u16x8 r = SIMD_U16(a) + SIMD_U16(b);
    return SIMD_V(r | (wv_u16x8)(r < SIMD_U16(a)));
}
static inline wv128 simd_i16x8_sub_sat_u(wv128 a, wv128 b)
{
    wv_u16x8 r = SIMD_U16(a) - SIMD_U16(b);
    return SIMD_V(r & (wv_u16x8)(r <= SIMD_U16(a)));
}
#define SIMD_SAT_S(name, VIEW, n, T, sat, op)                                                 \
    static inline wv128 simd_##name(wv128 a_, wv128 b_)                                       \
    {                                                                                         \
        __typeof__(VIEW(a_)) a = VIEW(a_), b = VIEW(b_), r = {0};                                   \
        for (unsigned i = 0; i < (n); i++)                                                    \
            r[i] = (T)sat((int32_t)a[i] op(int32_t) b[i]);                                    \
        return SIMD_V(r);                                                                     \
    }
SIMD_SAT_S(i8x16_add_sat_s, SIMD_I8, 16, int8_t, simd_sat_i8, +)
SIMD_SAT_S(i8x16_sub_sat_s, SIMD_I8, 16, int8_t, simd_sat_i8, -)
SIMD_SAT_S(i16x8_add_sat_s, SIMD_I16, 8, int16_t, simd_sat_i16, +)
SIMD_SAT_S(i16x8_sub_sat_s, SIMD_I16, 8, int16_t, simd_sat_i16, -)
/* Narrowing: a's lanes then b's, each saturated (signed input, signed or unsigned result). */
#define SIMD_NARROW(name, IN, n, OUT, T, sat)                                                 \
    static inline wv128 simd_##name(wv128 a_, wv128 b_)                                       \
    {                                                                                         \
        __typeof__(IN(a_)) a = IN(a_), b = IN(b_);                                            \
        OUT r = {0};                                                                                \
        for (unsigned i = 0; i < (n); i++) {                                                  \
            r[i] = (T)sat((int32_t)a[i]);                                                     \
            r[i + (n)] = (T)sat((int32_t)b[i]);                                               \
        }                                                                                     \
        return SIMD_V(r);                                                                     \
    }
SIMD_NARROW(i8x16_narrow_i16x8_s, SIMD_I16, 8, wv_i8x16, int8_t, simd_sat_i8)
SIMD_NARROW(i8x16_narrow_i16x8_u, SIMD_I16, 8, wv_u8x16, uint8_t, simd_sat_u8)
SIMD_NARROW(i16x8_narrow_i32x4_s, SIMD_I32, 4, wv_i16x8, int16_t, simd_sat_i16)
SIMD_NARROW(i16x8_narrow_i32x4_u, SIMD_I32, 4, wv_u16x8, uint16_t, simd_sat_u16)
#undef SIMD_NARROW
#undef SIMD_SAT_S

/* Rounding average: (a + b + 1) / 2 computed without overflow. */
SIMD_BIN(i8x16_avgr_u, SIMD_U8, (a | b) - ((a ^ b) >> 1))
SIMD_BIN(i16x8_avgr_u, SIMD_U16, (a | b) - ((a ^ b) >> 1))

/* Q15 multiply, rounded, saturated: only -32768 * -32768 overflows. */
static inline wv128 simd_i16x8_q15mulr_sat_s(wv128 a_, wv128 b_)
{
    wv_i16x8 a = SIMD_I16(a_), b = SIMD_I16(b_), r = {0};
    for (unsigned i = 0; i < 8; i++) {
        int32_t p = (int32_t)a[i] * (int32_t)b[i] + 0x4000;
        r[i] = simd_sat_i16(p >> 15); /* arithmetic shift on gcc and clang */
    }
    return SIMD_V(r);
}

/* Dot product of signed 16-bit pairs; the sum of two products can reach 2^31: wraps. */
static inline wv128 simd_i32x4_dot_i16x8_s(wv128 a_, wv128 b_)
{
    wv_i16x8 a = SIMD_I16(a_), b = SIMD_I16(b_);
    wv_u32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = (uint32_t)((int32_t)a[2 * i] * b[2 * i]) +
               (uint32_t)((int32_t)a[2 * i + 1] * b[2 * i + 1]);
    return SIMD_V(r);
}

/* Widening: lanes `from` .. of the narrow view, extended into every lane of the wide one. */
#define SIMD_EXTEND(name, IN, OUT, WT, n, from)                                               \
    static inline wv128 simd_##name(wv128 a_)                                                 \
    {                                                                                         \
        __typeof__(IN(a_)) a = IN(a_);                                                        \
        OUT r = {0};                                                                                \
        for (unsigned i = 0; i < (n); i++)                                                    \
            r[i] = (WT)a[i + (from)];                                                         \
        return SIMD_V(r);                                                                     \
    }
#define SIMD_EXTEND4(wide, narrow, S, U, SOUT, UOUT, ST, UT, n)                               \
    SIMD_EXTEND(wide##_extend_low_##narrow##_s, S, SOUT, ST, n, 0)                            \
    SIMD_EXTEND(wide##_extend_high_##narrow##_s, S, SOUT, ST, n, n)                           \
    SIMD_EXTEND(wide##_extend_low_##narrow##_u, U, UOUT, UT, n, 0)                            \
    SIMD_EXTEND(wide##_extend_high_##narrow##_u, U, UOUT, UT, n, n)
SIMD_EXTEND4(i16x8, i8x16, SIMD_I8, SIMD_U8, wv_i16x8, wv_u16x8, int16_t, uint16_t, 8)
SIMD_EXTEND4(i32x4, i16x8, SIMD_I16, SIMD_U16, wv_i32x4, wv_u32x4, int32_t, uint32_t, 4)
SIMD_EXTEND4(i64x2, i32x4, SIMD_I32, SIMD_U32, wv_i64x2, wv_u64x2, int64_t, uint64_t, 2)
#undef SIMD_EXTEND4
#undef SIMD_EXTEND

/* Extended multiply: the products of the low (or high) halves, exact in the wide lane (an
 * unsigned product in the wide unsigned type, a signed one in the wide signed type). */
#define SIMD_EXTMUL(name, IN, OUT, WT, n, from)                                               \
    static inline wv128 simd_##name(wv128 a_, wv128 b_)                                       \
    {                                                                                         \
        __typeof__(IN(a_)) a = IN(a_), b = IN(b_);                                            \
        OUT r = {0};                                                                                \
        for (unsigned i = 0; i < (n); i++)                                                    \
            r[i] = (WT)((WT)a[i + (from)] * (WT)b[i + (from)]);                               \
        return SIMD_V(r);                                                                     \
    }
#define SIMD_EXTMUL4(wide, narrow, S, U, SOUT, UOUT, ST, UT, n)                               \
    SIMD_EXTMUL(wide##_extmul_low_##narrow##_s, S, SOUT, ST, n, 0)                            \
    SIMD_EXTMUL(wide##_extmul_high_##narrow##_s, S, SOUT, ST, n, n)                           \
    SIMD_EXTMUL(wide##_extmul_low_##narrow##_u, U, UOUT, UT, n, 0)                            \
    SIMD_EXTMUL(wide##_extmul_high_##narrow##_u, U, UOUT, UT, n, n)
/* i16/u16 products of 8-bit lanes: computed in int (promotion), exact in 16 bits. */
SIMD_EXTMUL4(i16x8, i8x16, SIMD_I8, SIMD_U8, wv_i16x8, wv_u16x8, int32_t, uint32_t, 8)
SIMD_EXTMUL4(i32x4, i16x8, SIMD_I16, SIMD_U16, wv_i32x4, wv_u32x4, int32_t, uint32_t, 4)
SIMD_EXTMUL4(i64x2, i32x4, SIMD_I32, SIMD_U32, wv_i64x2, wv_u64x2, int64_t, uint64_t, 2)
#undef SIMD_EXTMUL4
#undef SIMD_EXTMUL

/* Pairwise widening add. */
#define SIMD_PAIRWISE(name, IN, OUT, WT, n)                                                   \
    static inline wv128 simd_##name(wv128 a_)                                                 \
    {                                                                                         \
        __typeof__(IN(a_)) a = IN(a_);                                                        \
        OUT r = {0};                                                                                \
        for (unsigned i = 0; i < (n); i++)                                                    \
            r[i] = (WT)((WT)a[2 * i] + (WT)a[2 * i + 1]);                                     \
        return SIMD_V(r);                                                                     \
    }
SIMD_PAIRWISE(i16x8_extadd_pairwise_i8x16_s, SIMD_I8, wv_i16x8, int16_t, 8)
SIMD_PAIRWISE(i16x8_extadd_pairwise_i8x16_u, SIMD_U8, wv_u16x8, uint16_t, 8)
SIMD_PAIRWISE(i32x4_extadd_pairwise_i16x8_s, SIMD_I16, wv_i32x4, int32_t, 4)
SIMD_PAIRWISE(i32x4_extadd_pairwise_i16x8_u, SIMD_U16, wv_u32x4, uint32_t, 4)
#undef SIMD_PAIRWISE

/* abs and neg: in the unsigned view, so that abs(MIN) = MIN wraps as wasm says. */
#define SIMD_ABSNEG(shape, S, U, bits)                                                        \
    static inline wv128 simd_##shape##_neg(wv128 a) { return SIMD_V(-U(a)); }                 \
    static inline wv128 simd_##shape##_abs(wv128 a)                                           \
    {                                                                                         \
        __typeof__(U(a)) m = (__typeof__(U(a)))(S(a) >> (bits - 1));                          \
        return SIMD_V((U(a) ^ m) - m);                                                        \
    }
SIMD_ABSNEG(i8x16, SIMD_I8, SIMD_U8, 8)
SIMD_ABSNEG(i16x8, SIMD_I16, SIMD_U16, 16)
SIMD_ABSNEG(i32x4, SIMD_I32, SIMD_U32, 32)
SIMD_ABSNEG(i64x2, SIMD_I64, SIMD_V, 64)
#undef SIMD_ABSNEG

static inline wv128 simd_i8x16_popcnt(wv128 a_)
{
    wv_u8x16 a = SIMD_U8(a_), r = {0};
    for (unsigned i = 0; i < 16; i++)
        r[i] = (uint8_t)__builtin_popcount(a[i]);
    return SIMD_V(r);
}

/* ---- shifts: the count is taken modulo the lane width ---- */

#define SIMD_SHIFTS(shape, S, U, bits)                                                        \
    static inline wv128 simd_##shape##_shl(wv128 a, uint32_t n)                               \
    {                                                                                         \
        return SIMD_V(U(a) << (int)(n & (bits - 1)));                                         \
    }                                                                                         \
    static inline wv128 simd_##shape##_shr_s(wv128 a, uint32_t n)                             \
    {                                                                                         \
        return SIMD_V(S(a) >> (int)(n & (bits - 1)));                                         \
    }                                                                                         \
    static inline wv128 simd_##shape##_shr_u(wv128 a, uint32_t n)                             \
    {                                                                                         \
        return SIMD_V(U(a) >> (int)(n & (bits - 1)));                                         \
    }
SIMD_SHIFTS(i8x16, SIMD_I8, SIMD_U8, 8)
SIMD_SHIFTS(i16x8, SIMD_I16, SIMD_U16, 16)
SIMD_SHIFTS(i32x4, SIMD_I32, SIMD_U32, 32)
SIMD_SHIFTS(i64x2, SIMD_I64, SIMD_V, 64)
#undef SIMD_SHIFTS

/* ---- tests ---- */

#define SIMD_TESTS(shape, S, U, n)                                                            \
    static inline uint32_t simd_##shape##_all_true(wv128 a)                                   \
    {                                                                                         \
        __typeof__(U(a)) v = U(a);                                                            \
        for (unsigned i = 0; i < (n); i++)                                                    \
            if (v[i] == 0)                                                                    \
                return 0;                                                                     \
        return 1;                                                                             \
    }                                                                                         \
    static inline uint32_t simd_##shape##_bitmask(wv128 a)                                    \
    {                                                                                         \
        __typeof__(S(a)) v = S(a);                                                            \
        uint32_t r = 0;                                                                       \
        for (unsigned i = 0; i < (n); i++)                                                    \
            r |= (uint32_t)(v[i] < 0) << i;                                                   \
        return r;                                                                             \
    }
SIMD_TESTS(i8x16, SIMD_I8, SIMD_U8, 16)
SIMD_TESTS(i16x8, SIMD_I16, SIMD_U16, 8)
SIMD_TESTS(i32x4, SIMD_I32, SIMD_U32, 4)
SIMD_TESTS(i64x2, SIMD_I64, SIMD_V, 2)
#undef SIMD_TESTS

/* ---- floats ---- */

/* Sign operations on the bits (NaNs keep their payload, as wasm requires). */
static inline wv128 simd_f32x4_abs(wv128 a) { return SIMD_V(SIMD_U32(a) & 0x7FFFFFFFu); }
static inline wv128 simd_f32x4_neg(wv128 a) { return SIMD_V(SIMD_U32(a) ^ 0x80000000u); }
static inline wv128 simd_f64x2_abs(wv128 a) { return a & 0x7FFFFFFFFFFFFFFFull; }
static inline wv128 simd_f64x2_neg(wv128 a) { return a ^ 0x8000000000000000ull; }

/* Arithmetic by the host's IEEE vector operations. */
SIMD_BIN(f32x4_add, SIMD_F32, a + b)
SIMD_BIN(f32x4_sub, SIMD_F32, a - b)
SIMD_BIN(f32x4_mul, SIMD_F32, a * b)
SIMD_BIN(f32x4_div, SIMD_F32, a / b)
SIMD_BIN(f64x2_add, SIMD_F64, a + b)
SIMD_BIN(f64x2_sub, SIMD_F64, a - b)
SIMD_BIN(f64x2_mul, SIMD_F64, a * b)
SIMD_BIN(f64x2_div, SIMD_F64, a / b)
#undef SIMD_BIN

/* Pseudo-min/max: exactly b < a ? b : a and a < b ? b : a (a NaN or equal operands give a). */
static inline wv128 simd_f32x4_pmin(wv128 a, wv128 b)
{
    return simd_sel(SIMD_V(SIMD_F32(b) < SIMD_F32(a)), b, a);
}
static inline wv128 simd_f32x4_pmax(wv128 a, wv128 b)
{
    return simd_sel(SIMD_V(SIMD_F32(a) < SIMD_F32(b)), b, a);
}
static inline wv128 simd_f64x2_pmin(wv128 a, wv128 b)
{
    return simd_sel(SIMD_V(SIMD_F64(b) < SIMD_F64(a)), b, a);
}
static inline wv128 simd_f64x2_pmax(wv128 a, wv128 b)
{
    return simd_sel(SIMD_V(SIMD_F64(a) < SIMD_F64(b)), b, a);
}

/* Lane by lane through a scalar helper of numeric.h or libm: F the float view, n lanes. */
#define SIMD_FMAP2(name, F, n, expr)                                                          \
    static inline wv128 simd_##name(wv128 a_, wv128 b_)                                       \
    {                                                                                         \
        __typeof__(F(a_)) a = F(a_), b = F(b_), r = {0};                                            \
        for (unsigned i = 0; i < (n); i++)                                                    \
            r[i] = expr(a[i], b[i]);                                                          \
        return SIMD_V(r);                                                                     \
    }
SIMD_FMAP2(f32x4_min, SIMD_F32, 4, num_f32_min)
SIMD_FMAP2(f32x4_max, SIMD_F32, 4, num_f32_max)
SIMD_FMAP2(f64x2_min, SIMD_F64, 2, num_f64_min)
SIMD_FMAP2(f64x2_max, SIMD_F64, 2, num_f64_max)
#undef SIMD_FMAP2

/* Rounding: the libm result, a NaN quieted (libm may return a signalling one unchanged). */
#define SIMD_ROUND32(name, fn)                                                                \
    static inline wv128 simd_f32x4_##name(wv128 a_)                                           \
    {                                                                                         \
        wv_u32x4 a = SIMD_U32(a_), r = {0};                                                         \
        for (unsigned i = 0; i < 4; i++)                                                      \
            r[i] = (uint32_t)num_quiet32(num_of_f32(fn(num_f32(a[i]))));                      \
        return SIMD_V(r);                                                                     \
    }
#define SIMD_ROUND64(name, fn)                                                                \
    static inline wv128 simd_f64x2_##name(wv128 a)                                            \
    {                                                                                         \
        for (unsigned i = 0; i < 2; i++)                                                      \
            a[i] = num_quiet64(num_of_f64(fn(num_f64(a[i]))));                                \
        return a;                                                                             \
    }
SIMD_ROUND32(ceil, ceilf)
SIMD_ROUND32(floor, floorf)
SIMD_ROUND32(trunc, truncf)
SIMD_ROUND32(nearest, nearbyintf)
SIMD_ROUND32(sqrt, sqrtf)
SIMD_ROUND64(ceil, ceil)
SIMD_ROUND64(floor, floor)
SIMD_ROUND64(trunc, trunc)
SIMD_ROUND64(nearest, nearbyint)
SIMD_ROUND64(sqrt, sqrt)
#undef SIMD_ROUND32
#undef SIMD_ROUND64

/* ---- conversions ---- */

static inline wv128 simd_i32x4_trunc_sat_f32x4_s(wv128 a_)
{
    wv_f32x4 a = SIMD_F32(a_);
    wv_i32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = num_i32_sat_f32_s(a[i]);
    return SIMD_V(r);
}
static inline wv128 simd_i32x4_trunc_sat_f32x4_u(wv128 a_)
{
    wv_f32x4 a = SIMD_F32(a_);
    wv_u32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = num_i32_sat_f32_u(a[i]);
    return SIMD_V(r);
}
static inline wv128 simd_i32x4_trunc_sat_f64x2_s_zero(wv128 a_)
{
    wv_f64x2 a = SIMD_F64(a_);
    wv_i32x4 r = {num_i32_sat_f64_s(a[0]), num_i32_sat_f64_s(a[1]), 0, 0};
    return SIMD_V(r);
}
static inline wv128 simd_i32x4_trunc_sat_f64x2_u_zero(wv128 a_)
{
    wv_f64x2 a = SIMD_F64(a_);
    wv_u32x4 r = {num_i32_sat_f64_u(a[0]), num_i32_sat_f64_u(a[1]), 0, 0};
    return SIMD_V(r);
}
static inline wv128 simd_f32x4_convert_i32x4_s(wv128 a_)
{
    wv_i32x4 a = SIMD_I32(a_);
    wv_f32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = (float)a[i];
    return SIMD_V(r);
}
static inline wv128 simd_f32x4_convert_i32x4_u(wv128 a_)
{
    wv_u32x4 a = SIMD_U32(a_);
    wv_f32x4 r = {0};
    for (unsigned i = 0; i < 4; i++)
        r[i] = (float)a[i];
    return SIMD_V(r);
}
static inline wv128 simd_f64x2_convert_low_i32x4_s(wv128 a_)
{
    wv_i32x4 a = SIMD_I32(a_);
    wv_f64x2 r = {(double)a[0], (double)a[1]};
    return SIMD_V(r);
}
static inline wv128 simd_f64x2_convert_low_i32x4_u(wv128 a_)
{
    wv_u32x4 a = SIMD_U32(a_);
    wv_f64x2 r = {(double)a[0], (double)a[1]};
    return SIMD_V(r);
}
/* The host's conversions quiet a NaN and keep its payload's top bits: canonical stays
 * canonical, anything else becomes an arithmetic NaN, as the spec asks. */
static inline wv128 simd_f32x4_demote_f64x2_zero(wv128 a_)
{
    wv_f64x2 a = SIMD_F64(a_);
    wv_f32x4 r = {(float)a[0], (float)a[1], 0.0f, 0.0f};
    return SIMD_V(r);
}
static inline wv128 simd_f64x2_promote_low_f32x4(wv128 a_)
{
    wv_f32x4 a = SIMD_F32(a_);
    wv_f64x2 r = {(double)a[0], (double)a[1]};
    return SIMD_V(r);
}

/* ---- relaxed SIMD: one fixed choice each ----
 * The spec lets each relaxed instruction pick among a few results; weft always picks the
 * first, the one of the spec's deterministic profile, so every host and both tiers agree and a
 * relaxed instruction means what its exact counterpart means where it has one:
 *   relaxed_swizzle          = swizzle (an index of 16 or more gives 0)
 *   relaxed_trunc_*          = trunc_sat_* (saturating; NaN gives 0)
 *   relaxed_madd(a, b, c)    = a * b + c rounded twice (unfused), nmadd = -(a * b) + c
 *   relaxed_laneselect       = bitselect (every bit of the mask counts, not only the top one)
 *   relaxed_min / max        = min / max (NaN-propagating, -0 < +0)
 *   relaxed_q15mulr_s        = q15mulr_sat_s (-32768 * -32768 saturates to 32767)
 *   relaxed_dot_i8x16_i7x16  both operands signed; each pair of products summed modulo 2^16
 *                            (the i16x8 result; the _add_s form widens those sums, adds pairs
 *                            and the accumulator modulo 2^32)
 */
static inline wv128 simd_i8x16_relaxed_swizzle(wv128 a, wv128 s)
{
    return simd_i8x16_swizzle(a, s);
}
static inline wv128 simd_i32x4_relaxed_trunc_f32x4_s(wv128 a)
{
    return simd_i32x4_trunc_sat_f32x4_s(a);
}
static inline wv128 simd_i32x4_relaxed_trunc_f32x4_u(wv128 a)
{
    return simd_i32x4_trunc_sat_f32x4_u(a);
}
static inline wv128 simd_i32x4_relaxed_trunc_f64x2_s_zero(wv128 a)
{
    return simd_i32x4_trunc_sat_f64x2_s_zero(a);
}
static inline wv128 simd_i32x4_relaxed_trunc_f64x2_u_zero(wv128 a)
{
    return simd_i32x4_trunc_sat_f64x2_u_zero(a);
}
/* Two roundings: the product is a value of its own (and contraction is off, see above). */
#define SIMD_MADD(shape, F)                                                                   \
    static inline wv128 simd_##shape##_relaxed_madd(wv128 a, wv128 b, wv128 c)                \
    {                                                                                         \
        __typeof__(F(a)) p = F(a) * F(b);                                                     \
        return SIMD_V(p + F(c));                                                              \
    }                                                                                         \
    static inline wv128 simd_##shape##_relaxed_nmadd(wv128 a, wv128 b, wv128 c)               \
    {                                                                                         \
        __typeof__(F(a)) p = F(simd_##shape##_neg(a)) * F(b);                                 \
        return SIMD_V(p + F(c));                                                              \
    }
SIMD_MADD(f32x4, SIMD_F32)
SIMD_MADD(f64x2, SIMD_F64)
#undef SIMD_MADD
static inline wv128 simd_i8x16_relaxed_laneselect(wv128 a, wv128 b, wv128 m)
{
    return simd_sel(m, a, b);
}
static inline wv128 simd_i16x8_relaxed_laneselect(wv128 a, wv128 b, wv128 m)
{
    return simd_sel(m, a, b);
}
static inline wv128 simd_i32x4_relaxed_laneselect(wv128 a, wv128 b, wv128 m)
{
    return simd_sel(m, a, b);
}
static inline wv128 simd_i64x2_relaxed_laneselect(wv128 a, wv128 b, wv128 m)
{
    return simd_sel(m, a, b);
}
static inline wv128 simd_f32x4_relaxed_min(wv128 a, wv128 b) { return simd_f32x4_min(a, b); }
static inline wv128 simd_f32x4_relaxed_max(wv128 a, wv128 b) { return simd_f32x4_max(a, b); }
static inline wv128 simd_f64x2_relaxed_min(wv128 a, wv128 b) { return simd_f64x2_min(a, b); }
static inline wv128 simd_f64x2_relaxed_max(wv128 a, wv128 b) { return simd_f64x2_max(a, b); }
static inline wv128 simd_i16x8_relaxed_q15mulr_s(wv128 a, wv128 b)
{
    return simd_i16x8_q15mulr_sat_s(a, b);
}
static inline wv128 simd_i16x8_relaxed_dot_i8x16_i7x16_s(wv128 a_, wv128 b_)
{
    wv_i8x16 a = SIMD_I8(a_), b = SIMD_I8(b_);
    wv_u16x8 r = {0};
    for (unsigned i = 0; i < 8; i++)
        r[i] = (uint16_t)(a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1]);
    return SIMD_V(r);
}
static inline wv128 simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(wv128 a, wv128 b, wv128 c)
{
    wv_i16x8 d = SIMD_I16(simd_i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    wv_u32x4 r = SIMD_U32(c);
    for (unsigned i = 0; i < 4; i++)
        r[i] += (uint32_t)((int32_t)d[2 * i] + (int32_t)d[2 * i + 1]);
    return SIMD_V(r);
}

#endif /* WEFT_SIMD_H */
