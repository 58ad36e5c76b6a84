/*
 * gen_big.c - writes a large, valid WebAssembly module for measuring translation time.
 *   gen_big OUT.wasm [MEGABYTES]      (default 10)
 *
 * Every function has the same signature (i32 i32) -> i32 and a body made of a repeated
 * segment that mixes what real code has: local traffic, arithmetic with constants, loads and
 * stores with offsets, a loop with a conditional back edge, an if/else, a br_table and a
 * direct call to an earlier function. Constants vary so no two segments are identical.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, uint8_t byte)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fputs("gen_big: out of memory\n", stderr);
            exit(1);
        }
    }
    b->p[b->n++] = byte;
}

static void putn(buf *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(b, s[i]);
}

static void uleb(buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        put(b, (uint8_t)(byte | (v ? 0x80 : 0)));
    } while (v);
}

static void sleb(buf *b, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7F;
        v >>= 7; /* arithmetic shift on the targets we build for */
        if ((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40))) {
            put(b, byte);
            return;
        }
        put(b, byte | 0x80);
    }
}

static void section(buf *out, uint8_t id, const buf *content)
{
    put(out, id);
    uleb(out, content->n);
    putn(out, content->p, content->n);
}

/* One segment of a body. Locals: 0,1 params; 2,3,4 i32; 5 i64; 6 f64. */
static void segment(buf *b, uint32_t k, uint32_t self)
{
    /* local2 = (p0 + p1) * k; local3 = load(local2 & 0xFFF0 + 8) */
    putn(b, (const uint8_t[]){0x20, 0, 0x20, 1, 0x6A, 0x41}, 6);
    sleb(b, (int32_t)(k * 2654435761u) >> 8);
    putn(b, (const uint8_t[]){0x6C, 0x21, 2, 0x20, 2, 0x41}, 6);
    sleb(b, 0xFFF0);
    putn(b, (const uint8_t[]){0x71, 0x28, 2, 8, 0x21, 3}, 6);
    /* store local3 ^ k at local2 & 0xFFF0 + 16 */
    putn(b, (const uint8_t[]){0x20, 2, 0x41}, 3);
    sleb(b, 0xFFF0);
    putn(b, (const uint8_t[]){0x71, 0x20, 3, 0x41}, 4);
    sleb(b, (int32_t)k);
    putn(b, (const uint8_t[]){0x73, 0x36, 2, 16}, 4);
    /* loop: local4 += local3; local3 -= 1; br_if while local3 >u k */
    putn(b, (const uint8_t[]){0x03, 0x40, 0x20, 4, 0x20, 3, 0x6A, 0x21, 4,
                              0x20, 3, 0x41, 1, 0x6B, 0x22, 3, 0x41}, 17);
    sleb(b, (int32_t)(k & 0xFF));
    putn(b, (const uint8_t[]){0x4B, 0x0D, 0, 0x0B}, 4);
    /* i64 and f64 work: local5 = local5 * k + extend(local4); local6 += convert(local5) */
    putn(b, (const uint8_t[]){0x20, 5, 0x42}, 3);
    sleb(b, (int64_t)k * 7 + 1);
    putn(b, (const uint8_t[]){0x7E, 0x20, 4, 0xAD, 0x7C, 0x22, 5, 0xB9, 0x20, 6, 0xA0, 0x21, 6}, 13);
    /* if (local4 & 1) local2 = local4 else local2 = local3 */
    putn(b, (const uint8_t[]){0x20, 4, 0x41, 1, 0x71, 0x04, 0x40, 0x20, 4, 0x21, 2, 0x05,
                              0x20, 3, 0x21, 2, 0x0B}, 17);
    /* block block block (br_table on local2 & 3) end end end */
    putn(b, (const uint8_t[]){0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 2, 0x41, 3, 0x71,
                              0x0E, 3, 0, 1, 2, 0, 0x0B, 0x20, 4, 0x41, 5, 0x6A, 0x21, 4,
                              0x0B, 0x20, 4, 0x41, 3, 0x6C, 0x21, 4, 0x0B}, 34);
    /* a call to an earlier function (or to itself in the first one), under a guard */
    putn(b, (const uint8_t[]){0x20, 0, 0x41, 0, 0x4A, 0x04, 0x40, 0x20, 0, 0x41, 1, 0x6B,
                              0x20, 4, 0x10}, 15);
    uleb(b, self > 0 ? (self * 7919u) % self : 0);
    putn(b, (const uint8_t[]){0x21, 1, 0x0B}, 3);
}

int main(int argc, char **argv)
{
    buf out = {0}, sec = {0}, body = {0}, code = {0};
    double mb = argc > 2 ? atof(argv[2]) : 10;
    size_t target = (size_t)(mb * 1024 * 1024);
    const uint32_t segs = 24;
    uint32_t nfuncs;
    FILE *f;

    if (argc < 2 || mb <= 0) {
        fputs("usage: gen_big OUT.wasm [MEGABYTES]\n", stderr);
        return 2;
    }
    /* size one body to know how many functions make the target size */
    for (uint32_t s = 0; s < segs; s++)
        segment(&body, s, 1);
    nfuncs = (uint32_t)(target / (body.n + 8)) + 1;

    putn(&out, (const uint8_t[]){0, 'a', 's', 'm', 1, 0, 0, 0}, 8);
    putn(&sec, (const uint8_t[]){1, 0x60, 2, 0x7F, 0x7F, 1, 0x7F}, 7); /* type */
    section(&out, 1, &sec);
    sec.n = 0;
    uleb(&sec, nfuncs); /* function */
    for (uint32_t i = 0; i < nfuncs; i++)
        put(&sec, 0);
    section(&out, 3, &sec);
    sec.n = 0;
    putn(&sec, (const uint8_t[]){1, 0, 1}, 3); /* memory: one, min 1 page */
    section(&out, 5, &sec);
    sec.n = 0;
    putn(&sec, (const uint8_t[]){1, 3, 'r', 'u', 'n', 0, 0}, 7); /* export "run" = func 0 */
    section(&out, 7, &sec);

    uleb(&code, nfuncs);
    for (uint32_t i = 0; i < nfuncs; i++) {
        body.n = 0;
        putn(&body, (const uint8_t[]){3, 3, 0x7F, 1, 0x7E, 1, 0x7C}, 7); /* locals */
        for (uint32_t s = 0; s < segs; s++)
            segment(&body, i * segs + s, i);
        putn(&body, (const uint8_t[]){0x20, 4, 0x0B}, 3);
        uleb(&code, body.n);
        putn(&code, body.p, body.n);
    }
    section(&out, 10, &code);

    f = fopen(argv[1], "wb");
    if (!f || fwrite(out.p, 1, out.n, f) != out.n || fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    printf("%s: %u functions, %zu bytes\n", argv[1], nfuncs, out.n);
    free(out.p);
    free(sec.p);
    free(body.p);
    free(code.p);
    return 0;
}
