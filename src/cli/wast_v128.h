/*
 * wast_v128.h - v128 values in spec scripts: wast2json writes them as a lane type and one
 * string per lane ({"type": "v128", "lane_type": "f32", "value": ["1", "nan:canonical",
 * ...]}); results are compared lane by lane, a NaN lane by its class.
 */
#ifndef WEFT_WAST_V128_H
#define WEFT_WAST_V128_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "weft.h"

/* What each lane of an expected v128 must be. */
enum { WL_EXACT = 0, WL_NAN_CANONICAL, WL_NAN_ARITHMETIC };
typedef struct wast_lanes {
    unsigned width;    /* bytes per lane: 1, 2, 4 or 8 */
    bool is_float;     /* f32 or f64 lanes */
    uint8_t kind[16];  /* WL_* per lane */
} wast_lanes;

/* Parses a v128 value into out (type WEFT_V128). lanes, when not NULL, receives the lane
 * shape and NaN expectations (an argument must be exact: lanes NULL refuses NaN classes). */
bool wast_parse_v128(const json_value *jv, weft_val *out, wast_lanes *lanes);
bool wast_v128_matches(weft_val got, weft_val want, const wast_lanes *lanes);
/* "v128:i32x4 0x... 0x... ..." in the lane shape of `lanes`, NaN classes by name. */
const char *wast_v128_str(weft_val v, const wast_lanes *lanes, char *buf, size_t n);

#endif
