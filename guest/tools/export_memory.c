/* export_memory.c - host tool: add `(export "memory" (memory 0))` to a wasm module.
 *
 *   export_memory FILE.wasm     rewrites FILE.wasm in place; no-op if "memory" is exported
 *
 * Why: wasi-threads modules import their shared memory, and wasm-ld 14 has no
 * --export-memory flag (it arrived in LLVM 15), so an imported memory cannot be exported
 * at link time. WASI hosts that look for the "memory" export (node's node:wasi, wasmtime)
 * need it. This edits the export section (id 7) and leaves every other byte alone. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { unsigned char *p; size_t len, cap; } buf;

static void put(buf *b, const void *data, size_t n)
{
    if (n == 0) return;
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { perror("export_memory"); exit(1); }
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_uleb(buf *b, uint32_t v)
{
    do {
        unsigned char byte = v & 0x7f;
        v >>= 7;
        if (v) byte |= 0x80;
        put(b, &byte, 1);
    } while (v);
}

/* Reads a LEB128 u32 at *pos, bounded by end; returns 0 on malformed input. */
static int get_uleb(const unsigned char *p, size_t *pos, size_t end, uint32_t *out)
{
    uint32_t v = 0;
    for (int shift = 0; shift < 35 && *pos < end; shift += 7) {
        unsigned char byte = p[(*pos)++];
        v |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) { *out = v; return 1; }
    }
    return 0;
}

/* Does the export section body (after its count) already export a name "memory"? */
static int exports_memory(const unsigned char *p, size_t pos, size_t end, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len, index;
        if (!get_uleb(p, &pos, end, &len) || pos + len + 1 > end) return 0;
        int hit = len == 6 && memcmp(p + pos, "memory", 6) == 0;
        pos += len + 1; /* name, kind byte */
        if (!get_uleb(p, &pos, end, &index)) return 0;
        if (hit) return 1;
    }
    return 0;
}

static void put_export_section(buf *out, const unsigned char *body, size_t n, uint32_t count)
{
    buf sec = {0};
    put_uleb(&sec, count + 1);
    put(&sec, body, n);
    put_uleb(&sec, 6);
    put(&sec, "memory", 6);
    put(&sec, "\x02\x00", 2); /* kind memory, index 0 */
    put(out, "\x07", 1);
    put_uleb(out, (uint32_t)sec.len);
    put(out, sec.p, sec.len);
    free(sec.p);
}

/* Section ids that must come after the export section in a module. */
static int after_exports(unsigned id)
{
    return id == 8 || id == 9 || id == 10 || id == 11 || id == 12;
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: export_memory FILE.wasm\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    buf in = {0};
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) put(&in, chunk, n);
    fclose(f);
    if (in.len < 8 || memcmp(in.p, "\0asm", 4) != 0) {
        fprintf(stderr, "%s: not a wasm module\n", argv[1]);
        return 1;
    }
    buf out = {0};
    put(&out, in.p, 8);
    int done = 0;
    size_t pos = 8;
    while (pos < in.len) {
        size_t start = pos;
        unsigned id = in.p[pos++];
        uint32_t size;
        if (!get_uleb(in.p, &pos, in.len, &size) || pos + size > in.len) {
            fprintf(stderr, "%s: malformed section\n", argv[1]);
            return 1;
        }
        size_t body = pos, end = pos + size;
        pos = end;
        if (!done && id == 7) {
            uint32_t count;
            size_t p = body;
            if (!get_uleb(in.p, &p, end, &count)) { fprintf(stderr, "bad exports\n"); return 1; }
            if (exports_memory(in.p, p, end, count)) return 0; /* nothing to do */
            put_export_section(&out, in.p + p, end - p, count);
            done = 1;
            continue;
        }
        if (!done && after_exports(id)) {
            put_export_section(&out, NULL, 0, 0);
            done = 1;
        }
        put(&out, in.p + start, end - start);
    }
    if (!done) put_export_section(&out, NULL, 0, 0);
    f = fopen(argv[1], "wb");
    if (!f || fwrite(out.p, 1, out.len, f) != out.len || fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    free(in.p);
    free(out.p);
    return 0;
}
