/*
 * numeric.h - the exact WebAssembly semantics of the numeric instructions that C does not
 * give directly: float bit views, min/max, rounding, and the range checks of truncation.
 * Slots hold float bits; every conversion goes through memcpy so NaN payloads survive.
 */
#ifndef WEFT_NUMERIC_H
#define WEFT_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "weft.h"

static inline float num_f32(uint64_t slot)
{
    uint32_t b = (uint32_t)slot;
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static inline double num_f64(uint64_t slot)
{
    double d;
    memcpy(&d, &slot, sizeof d);
    return d;
}

static inline uint64_t num_of_f32(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

static inline uint64_t num_of_f64(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* min/max: NaN if either operand is NaN, and -0 < +0. Adding the operands propagates a NaN
 * (quieted), which the spec accepts as an arithmetic NaN. */
static inline float num_f32_min(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b) /* only ±0 differ here: the result is -0 if either is */
        return num_f32((uint32_t)num_of_f32(a) | (uint32_t)num_of_f32(b));
    return a < b ? a : b;
}

static inline float num_f32_max(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return num_f32((uint32_t)num_of_f32(a) & (uint32_t)num_of_f32(b));
    return a > b ? a : b;
}

static inline double num_f64_min(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return num_f64(num_of_f64(a) | num_of_f64(b));
    return a < b ? a : b;
}

static inline double num_f64_max(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return num_f64(num_of_f64(a) & num_of_f64(b));
    return a > b ? a : b;
}

/* Trapping truncations: a trap code, or NONE with *out set. The bounds are exact powers of
 * two (representable in both float types); a value strictly inside them truncates to a value
 * in range. */
#define NUM_TRUNC(name, F, T, lo_ok, hi)                                                      \
    static inline weft_trap_code name(F x, T *out)                                            \
    {                                                                                         \
        if (x != x)                                                                           \
            return WEFT_TRAP_INVALID_CONVERSION;                                              \
        if (!(lo_ok) || !(x < (hi)))                                                          \
            return WEFT_TRAP_INT_OVERFLOW;                                                    \
        *out = (T)x;                                                                          \
        return WEFT_TRAP_NONE;                                                                \
    }
NUM_TRUNC(num_i32_trunc_f32_s, float, int32_t, x >= -2147483648.0f, 2147483648.0f)
NUM_TRUNC(num_i32_trunc_f32_u, float, uint32_t, x > -1.0f, 4294967296.0f)
NUM_TRUNC(num_i32_trunc_f64_s, double, int32_t, x > -2147483649.0, 2147483648.0)
NUM_TRUNC(num_i32_trunc_f64_u, double, uint32_t, x > -1.0, 4294967296.0)
NUM_TRUNC(num_i64_trunc_f32_s, float, int64_t, x >= -9223372036854775808.0f, 9223372036854775808.0f)
NUM_TRUNC(num_i64_trunc_f32_u, float, uint64_t, x > -1.0f, 18446744073709551616.0f)
NUM_TRUNC(num_i64_trunc_f64_s, double, int64_t, x >= -9223372036854775808.0, 9223372036854775808.0)
NUM_TRUNC(num_i64_trunc_f64_u, double, uint64_t, x > -1.0, 18446744073709551616.0)
#undef NUM_TRUNC

/* Saturating truncations: NaN gives 0, out of range clamps. */
#define NUM_SAT(name, F, T, lo_ok, hi, MINV, MAXV)                                            \
    static inline T name(F x)                                                                 \
    {                                                                                         \
        if (x != x)                                                                           \
            return 0;                                                                         \
        if (!(lo_ok))                                                                         \
            return MINV;                                                                      \
        if (!(x < (hi)))                                                                      \
            return MAXV;                                                                      \
        return (T)x;                                                                          \
    }
NUM_SAT(num_i32_sat_f32_s, float, int32_t, x >= -2147483648.0f, 2147483648.0f, INT32_MIN, INT32_MAX)
NUM_SAT(num_i32_sat_f32_u, float, uint32_t, x > -1.0f, 4294967296.0f, 0, UINT32_MAX)
NUM_SAT(num_i32_sat_f64_s, double, int32_t, x > -2147483649.0, 2147483648.0, INT32_MIN, INT32_MAX)
NUM_SAT(num_i32_sat_f64_u, double, uint32_t, x > -1.0, 4294967296.0, 0, UINT32_MAX)
NUM_SAT(num_i64_sat_f32_s, float, int64_t, x >= -9223372036854775808.0f, 9223372036854775808.0f, INT64_MIN, INT64_MAX)
NUM_SAT(num_i64_sat_f32_u, float, uint64_t, x > -1.0f, 18446744073709551616.0f, 0, UINT64_MAX)
NUM_SAT(num_i64_sat_f64_s, double, int64_t, x >= -9223372036854775808.0, 9223372036854775808.0, INT64_MIN, INT64_MAX)
NUM_SAT(num_i64_sat_f64_u, double, uint64_t, x > -1.0, 18446744073709551616.0, 0, UINT64_MAX)
#undef NUM_SAT

/* ceil/floor/trunc/nearest may hand a signalling NaN back unchanged; the spec wants an
 * arithmetic (quiet) NaN. These set the quiet bit of a NaN result. */
static inline uint64_t num_quiet32(uint64_t b)
{
    return ((uint32_t)b & 0x7FFFFFFFu) > 0x7F800000u ? (b | 0x00400000u) : b;
}

static inline uint64_t num_quiet64(uint64_t b)
{
    return (b & 0x7FFFFFFFFFFFFFFFull) > 0x7FF0000000000000ull ? (b | 0x0008000000000000ull) : b;
}

static inline uint32_t num_rotl32(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x << n) | (x >> ((32 - n) & 31));
}

static inline uint32_t num_rotr32(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x >> n) | (x << ((32 - n) & 31));
}

static inline uint64_t num_rotl64(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x << n) | (x >> ((64 - n) & 63));
}

static inline uint64_t num_rotr64(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x >> n) | (x << ((64 - n) & 63));
}

static inline uint32_t num_clz32(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static inline uint32_t num_ctz32(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static inline uint64_t num_clz64(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : 64; }
static inline uint64_t num_ctz64(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : 64; }

/* Sign-extending shift right without relying on implementation-defined behaviour of >>. */
static inline uint32_t num_shr_s32(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x >> n) | ((x >> 31) ? ~(UINT32_MAX >> n) : 0);
}

static inline uint64_t num_shr_s64(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x >> n) | ((x >> 63) ? ~(UINT64_MAX >> n) : 0);
}

#endif
