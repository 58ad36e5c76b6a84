/* wast_v128.c - v128 values of spec scripts: parsing lanes, comparing, printing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wast_v128.h"

static bool wl_shape(const char *lt, wast_lanes *l)
{
    static const struct { const char *name; unsigned width; bool fl; } shapes[] = {
        {"i8", 1, false}, {"i16", 2, false}, {"i32", 4, false},
        {"i64", 8, false}, {"f32", 4, true},  {"f64", 8, true}};
    for (size_t i = 0; lt && i < sizeof shapes / sizeof shapes[0]; i++)
        if (strcmp(lt, shapes[i].name) == 0) {
            l->width = shapes[i].width;
            l->is_float = shapes[i].fl;
            return true;
        }
    return false;
}

/* A lane: an unsigned or negative decimal integer (floats as their bits), wrapped to its
 * width. */
static bool wl_number(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-') {
        long long v = strtoll(s, &end, 10);
        *out = (uint64_t)v;
    } else {
        *out = strtoull(s, &end, 10);
    }
    return errno == 0 && end != s && *end == '\0';
}

bool wast_parse_v128(const json_value *jv, weft_val *out, wast_lanes *lanes)
{
    wast_lanes tmp;
    wast_lanes *l = lanes ? lanes : &tmp;
    const json_value *vals = json_get(jv, "value");
    unsigned n;
    memset(l, 0, sizeof *l);
    memset(out, 0, sizeof *out);
    out->type = WEFT_V128;
    if (!wl_shape(json_get_str(jv, "lane_type"), l) || !vals)
        return false;
    n = 16 / l->width;
    if (json_len(vals) != n)
        return false;
    for (unsigned i = 0; i < n; i++) {
        const char *s = json_str(json_at(vals, i));
        uint64_t x;
        if (!s)
            return false;
        if (l->is_float && strncmp(s, "nan:", 4) == 0) {
            if (!lanes)
                return false;
            l->kind[i] = strcmp(s, "nan:canonical") == 0    ? WL_NAN_CANONICAL
                         : strcmp(s, "nan:arithmetic") == 0 ? WL_NAN_ARITHMETIC
                                                            : 0xFF;
            if (l->kind[i] == 0xFF)
                return false;
            continue;
        }
        if (!wl_number(s, &x))
            return false;
        memcpy(out->of.v128 + i * l->width, &x, l->width); /* little-endian host */
    }
    return true;
}

/* A NaN lane: canonical means the quiet bit alone in the payload, arithmetic the quiet bit
 * set; the sign is free. */
static bool wl_nan_ok(uint64_t bits, unsigned width, uint8_t kind)
{
    uint64_t q = width == 4 ? 0x7fc00000u : UINT64_C(0x7ff8000000000000);
    uint64_t mag = width == 4 ? 0x7fffffffu : UINT64_C(0x7fffffffffffffff);
    if (kind == WL_NAN_CANONICAL)
        return (bits & mag) == q;
    return (bits & q) == q;
}

bool wast_v128_matches(weft_val got, weft_val want, const wast_lanes *l)
{
    unsigned n = 16 / l->width;
    if (got.type != WEFT_V128)
        return false;
    for (unsigned i = 0; i < n; i++) {
        uint64_t g = 0, w = 0;
        memcpy(&g, got.of.v128 + i * l->width, l->width);
        memcpy(&w, want.of.v128 + i * l->width, l->width);
        if (l->kind[i] != WL_EXACT ? !wl_nan_ok(g, l->width, l->kind[i]) : g != w)
            return false;
    }
    return true;
}

const char *wast_v128_str(weft_val v, const wast_lanes *l, char *buf, size_t n)
{
    static const char *const shape[2][9] = {
        {NULL, "i8x16", "i16x8", NULL, "i32x4", NULL, NULL, NULL, "i64x2"},
        {NULL, NULL, NULL, NULL, "f32x4", NULL, NULL, NULL, "f64x2"}};
    unsigned width = l && l->width ? l->width : 4, lanes = 16 / width;
    size_t k = (size_t)snprintf(buf, n, "v128:%s", shape[l && l->is_float][width]);
    for (unsigned i = 0; i < lanes && k < n; i++) {
        uint64_t x = 0;
        memcpy(&x, v.of.v128 + i * width, width);
        if (l && l->kind[i] != WL_EXACT)
            k += (size_t)snprintf(buf + k, n - k, " nan:%s",
                                  l->kind[i] == WL_NAN_CANONICAL ? "canonical" : "arithmetic");
        else
            k += (size_t)snprintf(buf + k, n - k, " 0x%0*llx", (int)(2 * width),
                                  (unsigned long long)x);
    }
    return buf;
}
