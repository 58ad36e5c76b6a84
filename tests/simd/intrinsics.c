/*
 * intrinsics.c - SIMD through wasm_simd128.h, one line per operation: its name and the 16
 * bytes of the result. Built for wasm32 with -msimd128 it runs the intrinsics; built natively
 * it runs the scalar reference written beside each one (the WebAssembly semantics spelled out
 * in plain C), and both must print the same.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#define SIMD 1
#endif

typedef struct { uint8_t b[16]; } v16;

static void show(const char *name, const void *p)
{
    const uint8_t *b = p;
    printf("%-28s", name);
    for (int i = 0; i < 16; i++)
        printf("%02x", b[i]);
    printf("\n");
}

/* Inputs: bytes chosen for the edges (0x80, 0xff, 0x7f, 0, small). */
static const uint8_t IN_A[16] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0xc0,
                                 0x10, 0x20, 0x81, 0x7e, 0x33, 0xcc, 0x05, 0xfa};
static const uint8_t IN_B[16] = {0xff, 0x01, 0x01, 0x80, 0x02, 0x7f, 0x40, 0x41,
                                 0xf0, 0x30, 0x80, 0x90, 0x11, 0x22, 0xfb, 0x06};
static const float F_A[4] = {1.5f, -2.5f, 0.0f, -0.0f};
static const float F_B[4] = {3.25f, 1e30f, -0.0f, 0.0f};
static const float F_T[4] = {3e9f, -3e9f, -1.5f, 2.7f};
static const double D_A[2] = {2.5, -1e300};
static const double D_B[2] = {-0.0, 3.0};

/* Scalar references of the float rules wasm fixes and C leaves open. */
static float wminf(float a, float b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static float wmaxf(float a, float b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}
static double wmin(double a, double b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static int32_t sat_f32_s(float x)
{
    if (x != x) return 0;
    if (x <= -2147483648.0f) return INT32_MIN;
    if (x >= 2147483648.0f) return INT32_MAX;
    return (int32_t)x;
}
static uint32_t sat_f32_u(float x)
{
    if (x != x || x <= -1.0f) return 0;
    if (x >= 4294967296.0f) return UINT32_MAX;
    return (uint32_t)x;
}
static int32_t sat_f64_s(double x)
{
    if (x != x) return 0;
    if (x <= -2147483649.0) return INT32_MIN;
    if (x >= 2147483648.0) return INT32_MAX;
    return (int32_t)x;
}
static int sat(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }

/* OP(name, lane type, lanes, SIMD expression of a and b, scalar expression of a[i], b[i]) */
#ifdef SIMD
#define OP(name, T, N, simd, scalar)                                                          \
    {                                                                                         \
        v128_t a = wasm_v128_load(ia), b = wasm_v128_load(ib), r_ = (simd);                   \
        (void)a; (void)b;                                                                     \
        show(name, &r_);                                                                      \
    }
#else
#define OP(name, T, N, simd, scalar)                                                          \
    {                                                                                         \
        T a[N], b[N], o[N];                                                                   \
        memcpy(a, ia, 16);                                                                    \
        memcpy(b, ib, 16);                                                                    \
        for (int i = 0; i < (N); i++)                                                         \
            o[i] = (T)(scalar);                                                               \
        show(name, o);                                                                        \
    }
#endif

/* Operations whose result lanes differ in type or count from the operands': the scalar
 * side reads the operand views sa/ua/... and writes o. */
#ifdef SIMD
#define OPX(name, OT, ON, simd, body)                                                         \
    {                                                                                         \
        v128_t a = wasm_v128_load(ia), b = wasm_v128_load(ib), r_ = (simd);                   \
        (void)a; (void)b;                                                                     \
        show(name, &r_);                                                                      \
    }
#else
#define OPX(name, OT, ON, simd, body)                                                         \
    {                                                                                         \
        int8_t s8a[16], s8b[16]; uint8_t u8a[16], u8b[16];                                    \
        int16_t s16a[8], s16b[8]; uint16_t u16a[8], u16b[8];                                  \
        int32_t s32a[4], s32b[4]; uint32_t u32a[4];                                           \
        float fa[4]; double da[2];                                                            \
        OT o[ON];                                                                             \
        memcpy(s8a, ia, 16); memcpy(s8b, ib, 16); memcpy(u8a, ia, 16); memcpy(u8b, ib, 16);   \
        memcpy(s16a, ia, 16); memcpy(s16b, ib, 16); memcpy(u16a, ia, 16);                     \
        memcpy(u16b, ib, 16); memcpy(s32a, ia, 16); memcpy(s32b, ib, 16);                     \
        memcpy(u32a, ia, 16); memcpy(fa, ia, 16); memcpy(da, ia, 16);                         \
        (void)s8a; (void)s8b; (void)u8a; (void)u8b; (void)s16a; (void)s16b; (void)u16a;       \
        (void)u16b; (void)s32a; (void)s32b; (void)u32a; (void)fa; (void)da;                   \
        for (int i = 0; i < (ON); i++)                                                        \
            o[i] = (OT)(body);                                                                \
        show(name, o);                                                                        \
    }
#endif

/* Shift counts stay below the lane width: clang's header shifts in C, where a larger count
 * is undefined (wasm would take it modulo the width). */
static void integers(const void *ia, const void *ib)
{
    OP("i8x16.add", uint8_t, 16, wasm_i8x16_add(a, b), a[i] + b[i])
    OP("i8x16.sub", uint8_t, 16, wasm_i8x16_sub(a, b), a[i] - b[i])
    OP("i8x16.add_sat_s", int8_t, 16, wasm_i8x16_add_sat(a, b), sat(a[i] + b[i], -128, 127))
    OP("i8x16.add_sat_u", uint8_t, 16, wasm_u8x16_add_sat(a, b), sat(a[i] + b[i], 0, 255))
    OP("i8x16.sub_sat_u", uint8_t, 16, wasm_u8x16_sub_sat(a, b), sat(a[i] - b[i], 0, 255))
    OP("i8x16.min_s", int8_t, 16, wasm_i8x16_min(a, b), a[i] < b[i] ? a[i] : b[i])
    OP("i8x16.max_u", uint8_t, 16, wasm_u8x16_max(a, b), a[i] > b[i] ? a[i] : b[i])
    OP("i8x16.avgr_u", uint8_t, 16, wasm_u8x16_avgr(a, b), (a[i] + b[i] + 1) / 2)
    OP("i8x16.abs", int8_t, 16, wasm_i8x16_abs(a), a[i] < 0 ? -a[i] : a[i])
    OP("i8x16.neg", uint8_t, 16, wasm_i8x16_neg(a), 0u - a[i])
    OP("i8x16.popcnt", uint8_t, 16, wasm_i8x16_popcnt(a), __builtin_popcount(a[i]))
    OP("i8x16.eq", uint8_t, 16, wasm_i8x16_eq(a, b), a[i] == b[i] ? 0xff : 0)
    OP("i8x16.gt_s", int8_t, 16, wasm_i8x16_gt(a, b), a[i] > b[i] ? -1 : 0)
    OP("i8x16.shl", uint8_t, 16, wasm_i8x16_shl(a, 3), a[i] << 3)
    OP("i8x16.shr_s", int8_t, 16, wasm_i8x16_shr(a, 3), a[i] >> 3)
    OP("i8x16.shr_u", uint8_t, 16, wasm_u8x16_shr(a, 3), a[i] >> 3)
    OP("i8x16.swizzle", uint8_t, 16, wasm_i8x16_swizzle(a, b),
       b[i] < 16 ? ((const uint8_t *)ia)[b[i]] : 0)
    OP("i8x16.shuffle", uint8_t, 16,
       wasm_i8x16_shuffle(a, b, 0, 17, 2, 19, 31, 30, 7, 6, 16, 8, 9, 24, 1, 15, 3, 28),
       ((const uint8_t *)(("\x00\x11\x02\x13\x1f\x1e\x07\x06\x10\x08\x09\x18\x01\x0f\x03\x1c")[i] < 16 ? ia : ib))
           [("\x00\x11\x02\x13\x1f\x1e\x07\x06\x10\x08\x09\x18\x01\x0f\x03\x1c")[i] & 15])
    OP("v128.andnot", uint8_t, 16, wasm_v128_andnot(a, b), a[i] & ~b[i])
    OP("v128.bitselect", uint8_t, 16, wasm_v128_bitselect(a, b, wasm_i8x16_splat(0x3c)),
       (a[i] & 0x3c) | (b[i] & ~0x3c))
    OP("i16x8.add", uint16_t, 8, wasm_i16x8_add(a, b), a[i] + b[i])
    OP("i16x8.mul", uint16_t, 8, wasm_i16x8_mul(a, b), (uint32_t)a[i] * b[i])
    OP("i16x8.q15mulr_sat_s", int16_t, 8, wasm_i16x8_q15mulr_sat(a, b),
       sat((a[i] * b[i] + 0x4000) >> 15, -32768, 32767))
    OP("i16x8.min_u", uint16_t, 8, wasm_u16x8_min(a, b), a[i] < b[i] ? a[i] : b[i])
    OP("i16x8.lt_u", uint16_t, 8, wasm_u16x8_lt(a, b), a[i] < b[i] ? 0xffff : 0)
    OP("i16x8.avgr_u", uint16_t, 8, wasm_u16x8_avgr(a, b), (a[i] + b[i] + 1) / 2)
    OP("i16x8.sub_sat_s", int16_t, 8, wasm_i16x8_sub_sat(a, b), sat(a[i] - b[i], -32768, 32767))
    OP("i32x4.mul", uint32_t, 4, wasm_i32x4_mul(a, b), a[i] * b[i])
    OP("i32x4.min_s", int32_t, 4, wasm_i32x4_min(a, b), a[i] < b[i] ? a[i] : b[i])
    OP("i32x4.shr_s", int32_t, 4, wasm_i32x4_shr(a, 3), a[i] >> 3)
    OP("i32x4.ge_u", uint32_t, 4, wasm_u32x4_ge(a, b), a[i] >= b[i] ? 0xffffffffu : 0)
    OP("i64x2.add", uint64_t, 2, wasm_i64x2_add(a, b), a[i] + b[i])
    OP("i64x2.mul", uint64_t, 2, wasm_i64x2_mul(a, b), a[i] * b[i])
    OP("i64x2.neg", uint64_t, 2, wasm_i64x2_neg(a), 0 - a[i])
    OP("i64x2.shr_u", uint64_t, 2, wasm_u64x2_shr(a, 7), a[i] >> 7)
    OP("i64x2.gt_s", int64_t, 2, wasm_i64x2_gt(a, b), a[i] > b[i] ? -1 : 0)
    OPX("i8x16.narrow_i16x8_u", uint8_t, 16, wasm_u8x16_narrow_i16x8(a, b),
        sat(i < 8 ? s16a[i] : s16b[i - 8], 0, 255))
    OPX("i16x8.narrow_i32x4_s", int16_t, 8, wasm_i16x8_narrow_i32x4(a, b),
        sat(i < 4 ? s32a[i] : s32b[i - 4], -32768, 32767))
    OPX("i16x8.extmul_low_u8x16", uint16_t, 8, wasm_u16x8_extmul_low_u8x16(a, b),
        u8a[i] * u8b[i])
    OPX("i16x8.extadd_pairwise_s", int16_t, 8, wasm_i16x8_extadd_pairwise_i8x16(a),
        s8a[2 * i] + s8a[2 * i + 1])
    OPX("i16x8.extend_high_s", int16_t, 8, wasm_i16x8_extend_high_i8x16(a), s8a[i + 8])
    OPX("i32x4.extend_low_u16", uint32_t, 4, wasm_u32x4_extend_low_u16x8(a), u16a[i])
    OPX("i32x4.dot_i16x8_s", uint32_t, 4, wasm_i32x4_dot_i16x8(a, b),
        (uint32_t)(s16a[2 * i] * s16b[2 * i]) + (uint32_t)(s16a[2 * i + 1] * s16b[2 * i + 1]))
    OPX("i64x2.extmul_high_i32x4_s", int64_t, 2, wasm_i64x2_extmul_high_i32x4(a, b),
        (int64_t)s32a[i + 2] * s32b[i + 2])
}

static void tests_and_masks(const void *ia)
{
    uint32_t r[6];
#ifdef SIMD
    v128_t a = wasm_v128_load(ia);
    r[0] = wasm_i8x16_bitmask(a);
    r[1] = wasm_i16x8_bitmask(a);
    r[2] = wasm_i8x16_all_true(a);
    r[3] = wasm_i32x4_all_true(wasm_i32x4_splat(3));
    r[4] = wasm_v128_any_true(wasm_i64x2_splat(0));
    r[5] = wasm_i32x4_bitmask(a);
#else
    int8_t s8[16];
    int16_t s16[8];
    int32_t s32[4];
    memcpy(s8, ia, 16);
    memcpy(s16, ia, 16);
    memcpy(s32, ia, 16);
    r[0] = r[1] = r[5] = 0;
    r[2] = 1;
    for (int i = 0; i < 16; i++) {
        r[0] |= (uint32_t)(s8[i] < 0) << i;
        r[2] &= s8[i] != 0;
    }
    for (int i = 0; i < 8; i++)
        r[1] |= (uint32_t)(s16[i] < 0) << i;
    for (int i = 0; i < 4; i++)
        r[5] |= (uint32_t)(s32[i] < 0) << i;
    r[3] = 1;
    r[4] = 0;
#endif
    printf("%-28s%u %u %u %u %u %u\n", "masks", r[0], r[1], r[2], r[3], r[4], r[5]);
}

static void floats(void)
{
    const void *ia = F_A, *ib = F_B;
    OP("f32x4.add", float, 4, wasm_f32x4_add(a, b), a[i] + b[i])
    OP("f32x4.mul", float, 4, wasm_f32x4_mul(a, b), a[i] * b[i])
    OP("f32x4.div", float, 4, wasm_f32x4_div(b, wasm_f32x4_splat(3.0f)), b[i] / 3.0f)
    OP("f32x4.sqrt", float, 4, wasm_f32x4_sqrt(wasm_f32x4_abs(b)), sqrtf(fabsf(b[i])))
    OP("f32x4.min", float, 4, wasm_f32x4_min(a, b), wminf(a[i], b[i]))
    OP("f32x4.max", float, 4, wasm_f32x4_max(a, b), wmaxf(a[i], b[i]))
    OP("f32x4.pmin", float, 4, wasm_f32x4_pmin(a, b), b[i] < a[i] ? b[i] : a[i])
    OP("f32x4.pmax", float, 4, wasm_f32x4_pmax(a, b), a[i] < b[i] ? b[i] : a[i])
    OP("f32x4.neg", float, 4, wasm_f32x4_neg(a), -a[i])
    OP("f32x4.lt", int32_t, 4, wasm_f32x4_lt(a, b), ((const float *)ia)[i] < ((const float *)ib)[i] ? -1 : 0)
    OP("f32x4.ceil", float, 4, wasm_f32x4_ceil(a), ceilf(a[i]))
    OP("f32x4.floor", float, 4, wasm_f32x4_floor(a), floorf(a[i]))
    OP("f32x4.trunc", float, 4, wasm_f32x4_trunc(a), truncf(a[i]))
    OP("f32x4.nearest", float, 4, wasm_f32x4_nearest(a), nearbyintf(a[i]))
    ia = F_T;
    OP("i32x4.trunc_sat_f32x4_s", int32_t, 4, wasm_i32x4_trunc_sat_f32x4(a),
       sat_f32_s(((const float *)ia)[i]))
    OP("i32x4.trunc_sat_f32x4_u", uint32_t, 4, wasm_u32x4_trunc_sat_f32x4(a),
       sat_f32_u(((const float *)ia)[i]))
    ia = IN_A;
    OP("f32x4.convert_i32x4_s", float, 4, wasm_f32x4_convert_i32x4(a),
       (float)((const int32_t *)ia)[i])
    OP("f32x4.convert_i32x4_u", float, 4, wasm_f32x4_convert_u32x4(a),
       (float)((const uint32_t *)ia)[i])
    OP("f64x2.convert_low_i32x4_s", double, 2, wasm_f64x2_convert_low_i32x4(a),
       (double)((const int32_t *)ia)[i])
    ia = D_A;
    ib = D_B;
    OP("f64x2.add", double, 2, wasm_f64x2_add(a, b), a[i] + b[i])
    OP("f64x2.div", double, 2, wasm_f64x2_div(a, b), a[i] / b[i])
    OP("f64x2.min", double, 2, wasm_f64x2_min(a, b), wmin(a[i], b[i]))
    OP("f64x2.nearest", double, 2, wasm_f64x2_nearest(a), nearbyint(a[i]))
    OP("i32x4.trunc_sat_f64x2_s_zero", int32_t, 4, wasm_i32x4_trunc_sat_f64x2_zero(a),
       i < 2 ? sat_f64_s(((const double *)ia)[i]) : 0)
    OP("f32x4.demote_f64x2_zero", float, 4, wasm_f32x4_demote_f64x2_zero(a),
       i < 2 ? (float)((const double *)ia)[i] : 0.0f)
    ia = F_A;
    OP("f64x2.promote_low_f32x4", double, 2, wasm_f64x2_promote_low_f32x4(a),
       (double)((const float *)ia)[i])
}

static void memory(void)
{
    uint8_t buf[32];
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(i * 37 + 11);
    v16 r[4];
#ifdef SIMD
    wasm_v128_store(&r[0], wasm_i16x8_load8x8(buf + 3));
    wasm_v128_store(&r[1], wasm_v128_load16_splat(buf + 5));
    wasm_v128_store(&r[2], wasm_v128_load32_zero(buf + 9));
    wasm_v128_store(&r[3], wasm_v128_load64_lane(buf + 17, wasm_v128_load(buf), 1));
    wasm_v128_store8_lane(buf + 30, wasm_v128_load(buf), 7);
#else
    for (int i = 0; i < 8; i++) {
        int16_t x = (int8_t)buf[3 + i];
        memcpy(r[0].b + 2 * i, &x, 2);
        memcpy(r[1].b + 2 * i, buf + 5, 2);
    }
    memset(&r[2], 0, 16);
    memcpy(r[2].b, buf + 9, 4);
    memcpy(r[3].b, buf, 8);
    memcpy(r[3].b + 8, buf + 17, 8);
    buf[30] = buf[7];
#endif
    show("v128.load8x8_s", &r[0]);
    show("v128.load16_splat", &r[1]);
    show("v128.load32_zero", &r[2]);
    show("v128.load64_lane", &r[3]);
    show("v128.store8_lane", buf + 16);
}

int main(void)
{
    integers(IN_A, IN_B);
    integers(IN_B, IN_A);
    tests_and_masks(IN_A);
    tests_and_masks(IN_B);
    floats();
    memory();
    return 0;
}
