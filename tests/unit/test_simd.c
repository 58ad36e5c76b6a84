/*
 * test_simd.c - v128 through the embedding API (a host function with v128 parameters and
 * results beside i32 ones, an imported v128 global initialising a mutable one, weft_call and
 * weft_global_get/set with v128), and edge cases of simd.h's semantics called directly.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"
#include "exec/simd.h"

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __LINE__)
static void check(bool ok, const char *what, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

/*
 * (module
 *   (import "env" "swap" (func $swap (param v128 i32) (result i32 v128)))
 *   (import "env" "gin" (global $gin v128))
 *   (global $g (export "g") (mut v128) (global.get $gin))
 *   (func (export "call") (param v128 i32) (result v128 i32)
 *     (local $k i32)
 *     (call $swap (local.get 0) (local.get 1))
 *     (local.set 0) (local.set $k) (local.get 0) (local.get $k))
 *   (func (export "bump")
 *     (global.set $g (i32x4.add (global.get $g) (v128.const i32x4 1 1 1 1)))))
 */
static const uint8_t simd_api_wasm[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x12, 0x03, 0x60,
  0x02, 0x7b, 0x7f, 0x02, 0x7f, 0x7b, 0x60, 0x02, 0x7b, 0x7f, 0x02, 0x7b,
  0x7f, 0x60, 0x00, 0x00, 0x02, 0x17, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x04,
  0x73, 0x77, 0x61, 0x70, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x67,
  0x69, 0x6e, 0x03, 0x7b, 0x00, 0x03, 0x03, 0x02, 0x01, 0x02, 0x06, 0x06,
  0x01, 0x7b, 0x01, 0x23, 0x00, 0x0b, 0x07, 0x13, 0x03, 0x01, 0x67, 0x03,
  0x01, 0x04, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x01, 0x04, 0x62, 0x75, 0x6d,
  0x70, 0x00, 0x02, 0x0a, 0x30, 0x02, 0x12, 0x01, 0x01, 0x7f, 0x20, 0x00,
  0x20, 0x01, 0x10, 0x00, 0x21, 0x00, 0x21, 0x02, 0x20, 0x00, 0x20, 0x02,
  0x0b, 0x1b, 0x00, 0x23, 0x01, 0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xfd,
  0xae, 0x01, 0x24, 0x01, 0x0b
};

static weft_val v128_of_u32(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    weft_val v;
    uint32_t lanes[4] = {a, b, c, d};
    v.type = WEFT_V128;
    memcpy(v.of.v128, lanes, 16);
    return v;
}

static uint32_t lane32(weft_val v, int i)
{
    uint32_t x;
    memcpy(&x, v.of.v128 + 4 * i, 4);
    return x;
}

/* swap(v, k) = (k + 1, v with lane 0 increased by k) */
static weft_error *host_swap(weft_caller *caller, void *env, const weft_val *args,
                             weft_val *results)
{
    (void)caller;
    (void)env;
    uint32_t k = (uint32_t)args[1].of.i32;
    results[0] = weft_val_i32((int32_t)(k + 1));
    results[1] = args[0];
    uint32_t l0 = lane32(args[0], 0) + k;
    memcpy(results[1].of.v128, &l0, 4);
    return NULL;
}

static void test_api(void)
{
    weft_engine *eng = weft_engine_new(NULL);
    weft_store *s = weft_store_new(eng);
    weft_module *m = NULL;
    weft_instance *inst = NULL;
    weft_error *e = weft_module_new(eng, simd_api_wasm, sizeof simd_api_wasm, &m);
    CHECK(e == NULL);
    if (e) {
        printf("  %s\n", weft_error_message(e));
        weft_error_free(e);
        return;
    }
    uint8_t params[2] = {WEFT_V128, WEFT_I32}, results[2] = {WEFT_I32, WEFT_V128};
    weft_functype *ft = weft_functype_new(params, 2, results, 2);
    weft_extern im[2];
    im[0].kind = WEFT_EXTERN_FUNC;
    im[0].of.func = weft_func_new(s, ft, host_swap, NULL, NULL);
    im[1].kind = WEFT_EXTERN_GLOBAL;
    im[1].of.global = weft_global_new(s, WEFT_V128, false, v128_of_u32(10, 20, 30, 40));
    weft_functype_free(ft);
    CHECK(im[0].of.func && im[1].of.global);
    e = weft_instance_new(s, m, im, 2, &inst);
    CHECK(e == NULL);
    if (e) {
        printf("  %s\n", weft_error_message(e));
        weft_error_free(e);
    } else {
        weft_val args[2] = {v128_of_u32(1, 2, 3, 0xFFFFFFFFu), weft_val_i32(5)}, res[2];
        e = weft_call(s, weft_instance_func(inst, "call"), args, 2, res, 2);
        CHECK(e == NULL);
        CHECK(res[0].type == WEFT_V128 && lane32(res[0], 0) == 6 && lane32(res[0], 1) == 2 &&
              lane32(res[0], 3) == 0xFFFFFFFFu);
        CHECK(res[1].type == WEFT_I32 && res[1].of.i32 == 6);
        weft_global *g = weft_instance_global(inst, "g");
        CHECK(g && lane32(weft_global_get(g), 2) == 30);
        CHECK(weft_call(s, weft_instance_func(inst, "bump"), NULL, 0, NULL, 0) == NULL);
        CHECK(g && lane32(weft_global_get(g), 0) == 11 && lane32(weft_global_get(g), 3) == 41);
        CHECK(g && weft_global_set(g, v128_of_u32(7, 7, 7, 0xFFFFFFFFu)) == NULL);
        CHECK(weft_call(s, weft_instance_func(inst, "bump"), NULL, 0, NULL, 0) == NULL);
        CHECK(g && lane32(weft_global_get(g), 0) == 8 && lane32(weft_global_get(g), 3) == 0);
    }
    weft_store_free(s);
    weft_module_free(m);
    weft_engine_free(eng);
}

static uint32_t f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* The spec's corner cases, on simd.h directly. */
static void test_semantics(void)
{
    wv128 pz = simd_f32x4_splat(f32_bits(0.0f)), nz = simd_f32x4_splat(f32_bits(-0.0f));
    wv128 nan = simd_f32x4_splat(0x7fc00001u), one = simd_f32x4_splat(f32_bits(1.0f));
    CHECK(simd_f32x4_extract_lane(simd_f32x4_min(pz, nz), 0) == 0x80000000u);
    CHECK(simd_f32x4_extract_lane(simd_f32x4_max(nz, pz), 1) == 0);
    CHECK((simd_f32x4_extract_lane(simd_f32x4_min(one, nan), 2) & 0x7fc00000u) == 0x7fc00000u);
    /* pmin/pmax return the first operand when either is NaN */
    CHECK(simd_f32x4_extract_lane(simd_f32x4_pmin(one, nan), 0) == f32_bits(1.0f));
    CHECK(simd_f32x4_extract_lane(simd_f32x4_pmax(nan, one), 0) == 0x7fc00001u);
    CHECK(simd_f32x4_extract_lane(simd_f32x4_nearest(simd_f32x4_splat(f32_bits(2.5f))), 0) ==
          f32_bits(2.0f));
    CHECK(simd_i32x4_extract_lane(simd_i32x4_trunc_sat_f32x4_s(nan), 0) == 0);
    CHECK(simd_i32x4_extract_lane(
              simd_i32x4_trunc_sat_f32x4_u(simd_f32x4_splat(f32_bits(-5.0f))), 0) == 0);
    CHECK(simd_i32x4_extract_lane(
              simd_i32x4_trunc_sat_f32x4_s(simd_f32x4_splat(f32_bits(3e9f))), 0) == 0x7fffffffu);
    wv128 m = simd_i16x8_splat(0x8000);
    CHECK(simd_i16x8_extract_lane_s(simd_i16x8_q15mulr_sat_s(m, m), 0) == 0x7fff);
    CHECK(simd_i8x16_extract_lane_u(simd_i8x16_narrow_i16x8_u(simd_i16x8_splat(300), m), 0) ==
          255);
    CHECK(simd_i8x16_extract_lane_u(simd_i8x16_narrow_i16x8_u(m, m), 0) == 0);
    CHECK(simd_i8x16_extract_lane_u(simd_i8x16_avgr_u(simd_i8x16_splat(255),
                                                      simd_i8x16_splat(254)), 5) == 255);
    CHECK(simd_i8x16_extract_lane_u(simd_i8x16_abs(simd_i8x16_splat(0x80)), 3) == 0x80);
    CHECK(simd_i32x4_extract_lane(simd_i32x4_dot_i16x8_s(m, m), 0) == 0x80000000u);
    CHECK(simd_i16x8_bitmask(simd_i16x8_splat(0xFFFF)) == 0xFF);
    CHECK(simd_i8x16_extract_lane_u(simd_i8x16_shl(simd_i8x16_splat(1), 9), 0) == 2);
    CHECK(simd_i64x2_extract_lane(simd_i64x2_shr_s(simd_i64x2_splat(UINT64_MAX), 65), 1) ==
          UINT64_MAX);
    uint8_t lanes[16] = {31, 0, 16, 15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    wv128 r = simd_i8x16_shuffle(simd_i8x16_splat(1), simd_i8x16_splat(2), lanes);
    CHECK(simd_i8x16_extract_lane_u(r, 0) == 2 && simd_i8x16_extract_lane_u(r, 1) == 1);
    CHECK(simd_i32x4_extract_lane(simd_v128_load16x4_s(0xFFFF00000000FFFEull), 0) ==
          0xFFFFFFFEu);
    CHECK(simd_v128_store16_lane(simd_v128_load16_lane(pz, 0xBEEF, 5), 5) == 0xBEEF);
}

int main(void)
{
    test_api();
    test_semantics();
    printf("test_simd: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
