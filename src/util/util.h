/*
 * util.h - wasm-agnostic helpers: the error value, a bounds-checked byte reader with
 * LEB128, and checked allocation. Every other layer builds on this one.
 */
#ifndef WEFT_UTIL_H
#define WEFT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "weft.h"

#define WEFT_NO_OFFSET ((size_t)-1)

/* One wasm frame of a trap's backtrace. util knows nothing of modules: `module` is the
 * runtime's weft_module, which the error holds a reference to (err_hold), so that names and
 * line tables stay readable as long as the error lives. */
typedef struct err_frame {
    const void *module;
    const void *inst;   /* the frame's instance (for wasm.h); may dangle once its store is freed */
    uint32_t func;      /* function index in its module */
    size_t offset;      /* module byte offset of the instruction (the trapping one, or the
                           call), or WEFT_NO_OFFSET */
} err_frame;

/* The concrete error. Public accessors live in util/error.c. */
struct weft_error {
    weft_error_kind kind;
    weft_trap_code trap;
    int exit_code;
    size_t offset;      /* byte offset in the module, or WEFT_NO_OFFSET */
    bool has_func;
    uint32_t func;
    char *func_name;    /* owned copy, or NULL */
    char msg[240];
    const weft_instance *origin; /* a trap in wasm code: the instance of `func` (wasm.h's
                                    frames need it), or NULL */
    err_frame *frames;  /* the backtrace, innermost first (a trap only) */
    size_t nframes, capframes;
    void **held;        /* objects released with the error, by `release` */
    size_t nheld, capheld;
    void (*release)(void *);
};

/* A new error with a printf-style message. Never returns NULL (falls back to a static
 * out-of-memory error that weft_error_free ignores). */
weft_error *err_new(weft_error_kind kind, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
weft_error *err_vnew(weft_error_kind kind, size_t offset, const char *fmt, va_list ap);
/* The spec's message for a trap code ("integer divide by zero", ...). */
const char *err_trap_message(weft_trap_code code);
/* A trap error: kind TRAP with the spec's message. */
weft_error *err_trap(weft_trap_code code);
/* Attach the function (index and optional name) to an error that has none yet. */
void err_set_func(weft_error *e, uint32_t func, const char *name);
/* Append a frame to the backtrace of a trap (other errors, and the static out-of-memory
 * error, are left alone). False when out of memory: the backtrace is then cut short. */
bool err_push_frame(weft_error *e, const err_frame *f);
/* Keep obj alive as long as e: release(obj) runs when e is freed (every held object shares
 * one release function). True when e took the caller's reference to obj; false when out of
 * memory (the caller keeps its reference). err_holds tells whether e holds obj already. */
bool err_holds(const weft_error *e, const void *obj);
bool err_hold(weft_error *e, void *obj, void (*release)(void *));

/* ------------------------------------------------------------------------------------------ */
/* Byte reader. All reads are bounds checked. On the first failure the reader records an
 * error of kind `kind` (DECODE by default) with the byte offset and every later read fails.
 * `base` is added to offsets so that a reader over a slice reports module offsets. */
typedef struct wr_reader {
    const uint8_t *start, *p, *end;
    size_t base;
    weft_error *err;
} wr_reader;

void wr_init(wr_reader *r, const uint8_t *data, size_t len, size_t base);
static inline size_t wr_offset(const wr_reader *r) { return r->base + (size_t)(r->p - r->start); }
static inline size_t wr_left(const wr_reader *r) { return (size_t)(r->end - r->p); }
static inline bool wr_eof(const wr_reader *r) { return r->p >= r->end; }
/* Record an error at the current offset (keeps the first one). Returns false. */
bool wr_fail(wr_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool wr_fail_at(wr_reader *r, size_t offset, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

bool wr_u8(wr_reader *r, uint8_t *out);
bool wr_u32(wr_reader *r, uint32_t *out);  /* unsigned LEB128, at most 5 bytes */
bool wr_s32(wr_reader *r, int32_t *out);   /* signed LEB128, at most 5 bytes */
bool wr_s33(wr_reader *r, int64_t *out);   /* signed 33-bit (block types) */
bool wr_u64(wr_reader *r, uint64_t *out);  /* unsigned LEB128, at most 10 bytes */
bool wr_s64(wr_reader *r, int64_t *out);   /* signed LEB128, at most 10 bytes */
bool wr_f32(wr_reader *r, uint32_t *bits); /* 4 little-endian bytes */
bool wr_f64(wr_reader *r, uint64_t *bits); /* 8 little-endian bytes */
bool wr_bytes(wr_reader *r, size_t n, const uint8_t **out);
/* A name: u32 length ("length out of bounds" past the end) + UTF-8 bytes, validated
 * ("malformed UTF-8 encoding").
 * *out is a new NUL-terminated copy (free it); *len its length. */
bool wr_name(wr_reader *r, char **out, uint32_t *len);
bool utf8_valid(const uint8_t *s, size_t n);

/* ------------------------------------------------------------------------------------------ */
/* Allocation. These return NULL on failure (never abort); callers turn that into an error. */
void *xcalloc(size_t n, size_t size);
/* Grow *arr (of elem-size items, capacity *cap) to hold at least `need` items. */
bool xgrow(void **arr, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* ------------------------------------------------------------------------------------------ */
/* SHA-256 (util/sha256.c): one-shot, or incremental with init/update/final. */
typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t total;   /* bytes hashed so far */
    uint8_t buf[64];  /* a partial block */
    size_t nbuf;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, uint8_t out[32]);
void sha256(const void *data, size_t len, uint8_t out[32]);
/* Lower-case hex of n bytes into out (2n+1 chars, NUL-terminated). */
void hex_encode(const uint8_t *in, size_t n, char *out);

#define WEFT_UNUSED(x) ((void)(x))

#endif
