/* reader.c - bounds-checked reading of bytes, LEB128 integers, floats and UTF-8 names. */
#include <stdio.h>
#include <string.h>

#include "util.h"

void wr_init(wr_reader *r, const uint8_t *data, size_t len, size_t base)
{
    r->start = r->p = data;
    r->end = data + len;
    r->base = base;
    r->err = NULL;
}

static bool wr_vfail_at(wr_reader *r, size_t offset, const char *fmt, va_list ap)
{
    if (!r->err) {
        char msg[200];
        vsnprintf(msg, sizeof msg, fmt, ap);
        r->err = err_new(WEFT_ERR_DECODE, offset, "%s at byte 0x%zx", msg, offset);
    }
    r->p = r->end; /* every later read fails */
    return false;
}

bool wr_fail(wr_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_vfail_at(r, wr_offset(r), fmt, ap);
    va_end(ap);
    return false;
}

bool wr_fail_at(wr_reader *r, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_vfail_at(r, offset, fmt, ap);
    va_end(ap);
    return false;
}

bool wr_u8(wr_reader *r, uint8_t *out)
{
    if (r->err || r->p >= r->end)
        return r->err ? false : wr_fail(r, "unexpected end");
    *out = *r->p++;
    return true;
}

/* Unsigned LEB128 of at most `bits` bits. */
static bool wr_uleb(wr_reader *r, unsigned bits, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    size_t at = wr_offset(r);
    for (;;) {
        uint8_t b;
        if (r->err)
            return false;
        if (r->p >= r->end)
            return wr_fail(r, "unexpected end");
        b = *r->p++;
        if (shift + 7 >= bits) {
            /* last allowed byte: no continuation, unused bits must be zero */
            unsigned used = bits - shift;
            if (b & 0x80)
                return wr_fail_at(r, at, "integer representation too long");
            if (used < 7 && (b >> used) != 0)
                return wr_fail_at(r, at, "integer too large");
            v |= (uint64_t)b << shift;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    *out = v;
    return true;
}

/* Signed LEB128 of at most `bits` bits. */
static bool wr_sleb(wr_reader *r, unsigned bits, int64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    size_t at = wr_offset(r);
    uint8_t b = 0;
    for (;;) {
        if (r->err)
            return false;
        if (r->p >= r->end)
            return wr_fail(r, "unexpected end");
        b = *r->p++;
        if (shift + 7 >= bits) {
            unsigned used = bits - shift; /* value bits in this byte, the rest must be sign */
            if (b & 0x80)
                return wr_fail_at(r, at, "integer representation too long");
            if (used < 7) {
                /* bits above `used-1` (within the 7 payload bits) must equal the sign bit */
                uint8_t sign = (b >> (used - 1)) & 1;
                uint8_t rest = (uint8_t)((b & 0x7f) >> used);
                uint8_t want = sign ? (uint8_t)(0x7f >> used) : 0;
                if (rest != want)
                    return wr_fail_at(r, at, "integer too large");
            }
            v |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    *out = (int64_t)v;
    return true;
}

bool wr_u32(wr_reader *r, uint32_t *out)
{
    uint64_t v;
    if (!wr_uleb(r, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool wr_u64(wr_reader *r, uint64_t *out) { return wr_uleb(r, 64, out); }

bool wr_s32(wr_reader *r, int32_t *out)
{
    int64_t v;
    if (!wr_sleb(r, 32, &v))
        return false;
    *out = (int32_t)v;
    return true;
}

bool wr_s33(wr_reader *r, int64_t *out) { return wr_sleb(r, 33, out); }
bool wr_s64(wr_reader *r, int64_t *out) { return wr_sleb(r, 64, out); }

bool wr_f32(wr_reader *r, uint32_t *bits)
{
    const uint8_t *b = NULL;
    if (!wr_bytes(r, 4, &b))
        return false;
    *bits = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

bool wr_f64(wr_reader *r, uint64_t *bits)
{
    const uint8_t *b = NULL;
    if (!wr_bytes(r, 8, &b))
        return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    *bits = v;
    return true;
}

bool wr_bytes(wr_reader *r, size_t n, const uint8_t **out)
{
    if (r->err)
        return false;
    if (wr_left(r) < n)
        return wr_fail(r, "unexpected end");
    *out = r->p;
    r->p += n;
    return true;
}

bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        uint32_t cp;
        size_t len;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        else return false;
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return false; /* overlong */
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

bool wr_name(wr_reader *r, char **out, uint32_t *len)
{
    uint32_t n;
    const uint8_t *b;
    size_t at = wr_offset(r);
    if (!wr_u32(r, &n))
        return false;
    /* a length past the end is "length out of bounds", not "unexpected end" (the spec) */
    if (n > wr_left(r))
        return wr_fail_at(r, at, "length out of bounds");
    at = wr_offset(r);
    if (!wr_bytes(r, n, &b))
        return false;
    if (!utf8_valid(b, n))
        return wr_fail_at(r, at, "malformed UTF-8 encoding");
    char *s = xstrndup((const char *)b, n);
    if (!s)
        return wr_fail(r, "out of memory");
    *out = s;
    if (len)
        *len = n;
    return true;
}

void *xcalloc(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    return calloc(n, size);
}

bool xgrow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem)
            return false;
        nc *= 2;
    }
    void *p = realloc(*arr, nc * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}
