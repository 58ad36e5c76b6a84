/*
 * test_validate.c - the validator over hand-written binaries: decode_module + validate_module,
 * then the expected outcome (valid, or the error's message prefix, kind and offset).
 *
 * Most cases are one function body placed in a small standard module (see mod_build) that
 * offers types, a table, a memory, globals, an element and a data segment, so that each test
 * is the few bytes of the behaviour it names.
 */
#include <stdio.h>
#include <string.h>

#include "module/module.h"

static int passed, failed;

/* ------------------------------------------------------------------------------------------ */
/* Building modules */

typedef struct buf {
    uint8_t b[8192];
    size_t n;
} buf;

static void put(buf *o, const uint8_t *p, size_t n)
{
    if (o->n + n > sizeof o->b) {
        fprintf(stderr, "test buffer overflow\n");
        exit(2);
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put_u8(buf *o, uint8_t v) { put(o, &v, 1); }

static void put_u32(buf *o, uint32_t v)
{
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        put_u8(o, (uint8_t)(v ? b | 0x80 : b));
    } while (v);
}

static void section(buf *o, uint8_t id, const buf *content)
{
    put_u8(o, id);
    put_u32(o, (uint32_t)content->n);
    put(o, content->b, content->n);
}

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/* Options of the standard module. */
enum {
    NO_MEM = 1,       /* no memory */
    NO_TABLE = 2,     /* no table */
    NO_DATACOUNT = 4, /* no data count section */
    SHARED_MEM = 8,   /* memory 1 1 shared */
    EXTERN_TABLE = 16 /* the table holds externref */
};

/* Types of the standard module. */
enum { T_V_V, T_I_I, T_V_I, T_II_I, T_I_V, T_V_II, T_I_II, T_F_V };

/*
 * The standard module: types T_*; function 0 of type `type` whose body (locals + code) is
 * given; function 1 of [] -> [] (body `end`), referenced by the element segment and so
 * declared; function 2 of [] -> [] never referenced; a table of 2 funcref; a memory of 1
 * page; globals 0 (i32 immutable) and 1 (i64 mutable); one passive element segment (funcref,
 * function 1) and one passive data segment; a data count section.
 */
static void mod_build(buf *o, uint32_t type, const uint8_t *body, size_t n, int opts)
{
    buf s;
    static const uint8_t types[] = {
        8,                                  /* count */
        0x60, 0, 0,                         /* T_V_V */
        0x60, 1, 0x7F, 1, 0x7F,             /* T_I_I */
        0x60, 0, 1, 0x7F,                   /* T_V_I */
        0x60, 2, 0x7F, 0x7F, 1, 0x7F,       /* T_II_I */
        0x60, 1, 0x7F, 0,                   /* T_I_V */
        0x60, 0, 2, 0x7F, 0x7F,             /* T_V_II */
        0x60, 1, 0x7F, 2, 0x7F, 0x7F,       /* T_I_II */
        0x60, 1, 0x7D, 0,                   /* T_F_V */
    };
    o->n = 0;
    put(o, BYTES(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00));
    s.n = 0, put(&s, types, sizeof types), section(o, 1, &s);
    s.n = 0, put(&s, BYTES(3, 0, 0, 0)), s.b[1] = (uint8_t)type, section(o, 3, &s);
    if (!(opts & NO_TABLE)) {
        s.n = 0, put(&s, BYTES(1, (opts & EXTERN_TABLE) ? 0x6F : 0x70, 0x00, 2));
        section(o, 4, &s);
    }
    if (!(opts & NO_MEM)) {
        s.n = 0;
        if (opts & SHARED_MEM)
            put(&s, BYTES(1, 0x03, 1, 1));
        else
            put(&s, BYTES(1, 0x00, 1));
        section(o, 5, &s);
    }
    s.n = 0;
    put(&s, BYTES(2, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7E, 0x01, 0x42, 0x00, 0x0B));
    section(o, 6, &s);
    s.n = 0, put(&s, BYTES(1, 0x01, 0x00, 1, 1)), section(o, 9, &s); /* passive, funcref, f1 */
    if (!(opts & NO_DATACOUNT))
        s.n = 0, put_u32(&s, 1), section(o, 12, &s);
    s.n = 0;
    put_u32(&s, 3);
    put_u32(&s, (uint32_t)n), put(&s, body, n);
    put(&s, BYTES(2, 0x00, 0x0B));
    put(&s, BYTES(2, 0x00, 0x0B));
    section(o, 10, &s);
    s.n = 0, put(&s, BYTES(1, 0x01, 2, 'h', 'i')), section(o, 11, &s); /* passive data */
}

/* ------------------------------------------------------------------------------------------ */
/* Checking */

/* Decodes and validates; `want` NULL means valid, otherwise the error message must start
 * with it. want_kind 0 accepts any kind. */
static void check(const char *name, const uint8_t *bytes, size_t n, const char *want,
                  int want_kind)
{
    weft_module *m = NULL;
    weft_error *e = decode_module(bytes, n, &m);
    if (!e)
        e = validate_module(m);
    if (!want && e) {
        printf("FAIL %s: expected valid, got \"%s\"\n", name, weft_error_message(e));
        failed++;
    } else if (want && !e) {
        printf("FAIL %s: expected \"%s\", got valid\n", name, want);
        failed++;
    } else if (want && strncmp(weft_error_message(e), want, strlen(want)) != 0) {
        printf("FAIL %s: expected \"%s\", got \"%s\"\n", name, want, weft_error_message(e));
        failed++;
    } else if (want && want_kind && (int)weft_error_kind_of(e) != want_kind) {
        printf("FAIL %s: expected kind %d, got %d (\"%s\")\n", name, want_kind,
               (int)weft_error_kind_of(e), weft_error_message(e));
        failed++;
    } else {
        passed++;
    }
    weft_error_free(e);
    module_free(m);
}

/* A function body in the standard module. */
static void body(const char *name, uint32_t type, const uint8_t *code, size_t n,
                 const char *want, int opts)
{
    buf o;
    mod_build(&o, type, code, n, opts);
    check(name, o.b, o.n, want, want && *want ? WEFT_ERR_VALIDATE : 0);
}

#define VALID(name, type, ...) body(name, type, BYTES(__VA_ARGS__), NULL, 0)
#define INVALID(name, type, want, ...) body(name, type, BYTES(__VA_ARGS__), want, 0)
#define VALID_O(name, type, opts, ...) body(name, type, BYTES(__VA_ARGS__), NULL, opts)
#define INVALID_O(name, type, want, opts, ...) body(name, type, BYTES(__VA_ARGS__), want, opts)

/* ------------------------------------------------------------------------------------------ */
/* Function bodies */

static void test_basics(void)
{
    VALID("empty function", T_V_V, 0, 0x0B);
    VALID("i32.add", T_V_I, 0, 0x41, 1, 0x41, 2, 0x6A, 0x0B);
    INVALID("missing result", T_V_I, "type mismatch", 0, 0x0B);
    INVALID("extra value at end", T_V_V, "type mismatch", 0, 0x41, 1, 0x0B);
    INVALID("i32.add of i64", T_V_I, "type mismatch", 0, 0x42, 1, 0x41, 2, 0x6A, 0x0B);
    INVALID("f32.neg of i32", T_V_V, "type mismatch", 0, 0x41, 1, 0x8C, 0x1A, 0x0B);
    VALID("conversions chain", T_V_I, 0, 0x41, 1, 0xAC, 0xB9, 0xB6, 0xBC, 0x0B);
    INVALID("wrong conversion operand", T_V_I, "type mismatch", 0, 0x41, 1, 0xA7, 0x0B);
    VALID("sign extension", T_V_I, 0, 0x41, 1, 0xC0, 0xC1, 0x0B);
    VALID("saturating truncation", T_V_I, 0, 0x43, 0, 0, 0, 0, 0xFC, 0x01, 0x0B);
    INVALID("saturating truncation from i32", T_V_I, "type mismatch",
            0, 0x41, 0, 0xFC, 0x00, 0x0B);
    VALID("drop", T_V_V, 0, 0x41, 1, 0x1A, 0x0B);
    INVALID("drop on empty stack", T_V_V, "type mismatch", 0, 0x1A, 0x0B);
}

static void test_locals_globals(void)
{
    VALID("param local.get", T_I_I, 0, 0x20, 0, 0x0B);
    VALID("declared local", T_V_I, 1, 2, 0x7E, 0x20, 1, 0xA7, 0x0B);
    INVALID("unknown local", T_I_I, "unknown local 1", 0, 0x20, 1, 0x0B);
    INVALID("local.set wrong type", T_I_V, "type mismatch", 0, 0x42, 0, 0x21, 0, 0x0B);
    VALID("local.tee", T_I_I, 0, 0x41, 3, 0x22, 0, 0x0B);
    VALID("global.get", T_V_I, 0, 0x23, 0, 0x0B);
    VALID("global.set mutable", T_V_V, 0, 0x42, 0, 0x24, 1, 0x0B);
    INVALID("global.set immutable", T_V_V, "global is immutable", 0, 0x41, 0, 0x24, 0, 0x0B);
    INVALID("unknown global", T_V_I, "unknown global 2", 0, 0x23, 2, 0x0B);
}

static void test_blocks(void)
{
    VALID("block result", T_V_I, 0, 0x02, 0x7F, 0x41, 1, 0x0B, 0x0B);
    INVALID("block missing result", T_V_I, "type mismatch", 0, 0x02, 0x7F, 0x0B, 0x0B);
    INVALID("block cannot see outside", T_V_I, "type mismatch",
            0, 0x41, 1, 0x02, 0x7F, 0x6A, 0x0B, 0x0B);
    VALID("block with params (type index)", T_V_I,
          0, 0x41, 1, 0x02, T_I_I, 0x41, 2, 0x6A, 0x0B, 0x0B);
    VALID("loop with params", T_V_I, 0, 0x41, 1, 0x03, T_I_I, 0x0B, 0x0B);
    VALID("multi-value block", T_V_I, 0, 0x02, T_V_II, 0x41, 1, 0x41, 2, 0x0B, 0x6A, 0x0B);
    INVALID("unknown block type", T_V_V, "unknown type", 0, 0x02, 0x20, 0x0B, 0x0B);
    VALID("if else", T_V_I, 0, 0x41, 1, 0x04, 0x7F, 0x41, 2, 0x05, 0x41, 3, 0x0B, 0x0B);
    INVALID("if without condition", T_V_V, "type mismatch", 0, 0x04, 0x40, 0x0B, 0x0B);
    INVALID("if without else with result", T_V_I, "type mismatch",
            0, 0x41, 1, 0x04, 0x7F, 0x41, 2, 0x0B, 0x0B);
    VALID("if without else, params = results", T_V_I,
          0, 0x41, 5, 0x41, 1, 0x04, T_I_I, 0x0B, 0x0B);
    INVALID("else branch wrong type", T_V_I, "type mismatch",
            0, 0x41, 1, 0x04, 0x7F, 0x41, 2, 0x05, 0x42, 3, 0x0B, 0x0B);
    /* malformed to the decoder's scan, or invalid here: either way an error */
    body("else without if", T_V_V, BYTES(0, 0x02, 0x40, 0x05, 0x0B, 0x0B), "", 0);
}

static void test_branches(void)
{
    VALID("br to block with value", T_V_I, 0, 0x02, 0x7F, 0x41, 1, 0x0C, 0, 0x0B, 0x0B);
    INVALID("br unknown label", T_V_V, "unknown label", 0, 0x0C, 1, 0x0B);
    VALID("br to loop takes params", T_V_V,
          0, 0x41, 1, 0x03, T_I_V, 0x41, 2, 0x0C, 0, 0x0B, 0x0B);
    VALID("br_if keeps values", T_V_I, 0, 0x02, 0x7F, 0x41, 1, 0x41, 0, 0x0D, 0, 0x0B, 0x0B);
    INVALID("br_if needs i32", T_V_V, "type mismatch", 0, 0x42, 0, 0x0D, 0, 0x0B);
    VALID("br_table", T_V_V, 0, 0x02, 0x40, 0x41, 0, 0x0E, 2, 0, 1, 0, 0x0B, 0x0B);
    INVALID("br_table arity mismatch", T_V_I, "type mismatch",
            0, 0x02, 0x40, 0x41, 1, 0x41, 0, 0x0E, 1, 0, 1, 0x0B, 0x41, 0, 0x0B);
    INVALID("br_table unknown label", T_V_V, "unknown label",
            0, 0x41, 0, 0x0E, 1, 0, 5, 0x0B);
    /* In unreachable code the operand is unknown, which fits labels of different types. */
    VALID("br_table polymorphic", T_V_V,
          0, 0x02, 0x7F, 0x02, 0x7D, 0x00, 0x0E, 1, 0, 1, 0x0B, 0x1A, 0x41, 0, 0x0B, 0x1A,
          0x0B);
    INVALID("br_table known operand of wrong type", T_V_V, "type mismatch",
            0, 0x02, 0x7F, 0x02, 0x7D, 0x41, 0, 0x41, 0, 0x0E, 1, 0, 1, 0x0B, 0x1A,
            0x41, 0, 0x0B, 0x1A, 0x0B);
    VALID("return", T_V_I, 0, 0x41, 1, 0x0F, 0x0B);
    INVALID("return wrong type", T_V_I, "type mismatch", 0, 0x42, 1, 0x0F, 0x0B);
    VALID("unreachable then anything", T_V_I, 0, 0x00, 0x6A, 0x0B);
    VALID("unreachable then i64 result missing", T_V_I, 0, 0x00, 0x0B);
    INVALID("unreachable keeps types checked", T_V_I, "type mismatch",
            0, 0x00, 0x42, 0, 0x6A, 0x0B);
    INVALID("unreachable does not reach the outer block", T_V_V, "type mismatch",
            0, 0x02, 0x40, 0x00, 0x0B, 0x6A, 0x1A, 0x0B);
}

static void test_calls(void)
{
    VALID("call", T_V_V, 0, 0x10, 1, 0x0B);
    INVALID("call unknown function", T_V_V, "unknown function 9", 0, 0x10, 9, 0x0B);
    INVALID("call with missing argument", T_I_I, "type mismatch", 0, 0x10, 0, 0x0B);
    VALID("recursive call", T_I_I, 0, 0x20, 0, 0x10, 0, 0x0B);
    VALID("call_indirect", T_V_I, 0, 0x41, 1, 0x41, 0, 0x11, T_I_I, 0, 0x0B);
    INVALID("call_indirect unknown type", T_V_V, "unknown type", 0, 0x41, 0, 0x11, 30, 0, 0x0B);
    INVALID("call_indirect unknown table", T_V_V, "unknown table", 0, 0x41, 0, 0x11, 0, 3,
            0x0B);
    INVALID_O("call_indirect no table", T_V_V, "unknown table", NO_TABLE,
              0, 0x41, 0, 0x11, 0, 0, 0x0B);
    INVALID_O("call_indirect externref table", T_V_V, "type mismatch", EXTERN_TABLE,
              0, 0x41, 0, 0x11, 0, 0, 0x0B);
}

static void test_select(void)
{
    VALID("select i32", T_V_I, 0, 0x41, 1, 0x41, 2, 0x41, 0, 0x1B, 0x0B);
    INVALID("select mixed", T_V_I, "type mismatch", 0, 0x41, 1, 0x42, 2, 0x41, 0, 0x1B, 0x0B);
    INVALID("select of references untyped", T_V_V, "type mismatch",
            0, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0, 0x1B, 0x1A, 0x0B);
    VALID("typed select of references", T_V_V,
          0, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0, 0x1C, 1, 0x70, 0x1A, 0x0B);
    INVALID("typed select two types", T_V_V, "invalid result arity",
            0, 0x41, 1, 0x41, 2, 0x41, 0, 0x1C, 2, 0x7F, 0x7F, 0x1A, 0x0B);
    INVALID("typed select no type", T_V_V, "invalid result arity",
            0, 0x41, 1, 0x41, 2, 0x41, 0, 0x1C, 0, 0x1A, 0x0B);
    VALID("select in unreachable code", T_V_I, 0, 0x00, 0x1B, 0x0B);
}

static void test_memory(void)
{
    VALID("i32.load", T_V_I, 0, 0x41, 0, 0x28, 2, 0, 0x0B);
    VALID("i64.load32_u less aligned", T_V_V, 0, 0x41, 0, 0x35, 0, 4, 0x1A, 0x0B);
    INVALID("alignment too large", T_V_I, "alignment must not be larger than natural",
            0, 0x41, 0, 0x28, 3, 0, 0x0B);
    INVALID("i32.load8 alignment", T_V_I, "alignment must not be larger than natural",
            0, 0x41, 0, 0x2C, 1, 0, 0x0B);
    INVALID_O("load without memory", T_V_I, "unknown memory", NO_MEM,
              0, 0x41, 0, 0x28, 2, 0, 0x0B);
    VALID("f64.store", T_V_V, 0, 0x41, 0, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x39, 3, 0, 0x0B);
    INVALID("store wrong value type", T_V_V, "type mismatch",
            0, 0x41, 0, 0x41, 0, 0x39, 3, 0, 0x0B);
    VALID("memory.size and grow", T_V_I, 0, 0x3F, 0, 0x40, 0, 0x0B);
    INVALID_O("memory.grow without memory", T_V_I, "unknown memory", NO_MEM,
              0, 0x41, 0, 0x40, 0, 0x0B);
    VALID("memory.copy/fill", T_V_V, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 10, 0, 0,
          0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 11, 0, 0x0B);
    VALID("memory.init and data.drop", T_V_V,
          0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 8, 0, 0, 0xFC, 9, 0, 0x0B);
    INVALID("unknown data segment", T_V_V, "unknown data segment 1", 0, 0xFC, 9, 1, 0x0B);
    INVALID_O("memory.init without memory", T_V_V, "unknown memory 0", NO_MEM,
              0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 8, 0, 0, 0x0B);
}

static void test_tables_refs(void)
{
    VALID("table.get/set", T_V_V, 0, 0x41, 0, 0x41, 1, 0x25, 0, 0x26, 0, 0x0B);
    INVALID("table.set wrong ref", T_V_V, "type mismatch",
            0, 0x41, 0, 0xD0, 0x6F, 0x26, 0, 0x0B);
    INVALID("table.get unknown table", T_V_V, "unknown table 1", 0, 0x41, 0, 0x25, 1, 0x1A,
            0x0B);
    VALID("table.size/grow/fill", T_V_V, 0, 0xFC, 16, 0, 0xD0, 0x70, 0x41, 1, 0xFC, 15, 0,
          0x6A, 0x41, 0, 0xD0, 0x70, 0x41, 0, 0xFC, 17, 0, 0x1A, 0x0B);
    VALID("table.init/elem.drop/copy", T_V_V, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 12, 0, 0,
          0xFC, 13, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 14, 0, 0, 0x0B);
    INVALID("unknown elem segment", T_V_V, "unknown elem segment 3", 0, 0xFC, 13, 3, 0x0B);
    INVALID_O("table.init reftype mismatch", T_V_V, "type mismatch", EXTERN_TABLE,
              0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 12, 0, 0, 0x0B);
    VALID("ref.is_null", T_V_I, 0, 0xD0, 0x6F, 0xD1, 0x0B);
    INVALID("ref.is_null of i32", T_V_I, "type mismatch", 0, 0x41, 0, 0xD1, 0x0B);
    VALID("ref.func declared", T_V_V, 0, 0xD2, 1, 0x1A, 0x0B);
    INVALID("ref.func undeclared", T_V_V, "undeclared function reference",
            0, 0xD2, 2, 0x1A, 0x0B);
    INVALID("ref.func unknown", T_V_V, "unknown function 7", 0, 0xD2, 7, 0x1A, 0x0B);
}

static void test_atomics(void)
{
    VALID_O("i32.atomic.load", T_V_I, SHARED_MEM, 0, 0x41, 0, 0xFE, 0x10, 2, 0, 0x0B);
    VALID("atomic on unshared memory", T_V_I, 0, 0x41, 0, 0xFE, 0x10, 2, 0, 0x0B);
    INVALID("atomic under-aligned", T_V_I, "atomic alignment must be natural",
            0, 0x41, 0, 0xFE, 0x10, 1, 0, 0x0B);
    INVALID("atomic over-aligned", T_V_I, "atomic alignment",
            0, 0x41, 0, 0xFE, 0x10, 3, 0, 0x0B);
    INVALID_O("atomic without memory", T_V_I, "unknown memory", NO_MEM,
              0, 0x41, 0, 0xFE, 0x10, 2, 0, 0x0B);
    VALID("i64.atomic.store32", T_V_V, 0, 0x41, 0, 0x42, 0, 0xFE, 0x1D, 2, 0, 0x0B);
    VALID("i32.atomic.rmw8.add_u", T_V_I, 0, 0x41, 0, 0x41, 1, 0xFE, 0x20, 0, 0, 0x0B);
    INVALID("rmw wrong operand", T_V_I, "type mismatch",
            0, 0x41, 0, 0x42, 1, 0xFE, 0x1E, 2, 0, 0x0B);
    VALID("i64.atomic.rmw32.cmpxchg_u", T_V_V,
          0, 0x41, 0, 0x42, 1, 0x42, 2, 0xFE, 0x4E, 2, 0, 0x1A, 0x0B);
    VALID("notify", T_V_I, 0, 0x41, 0, 0x41, 1, 0xFE, 0x00, 2, 0, 0x0B);
    VALID("wait32", T_V_I, 0, 0x41, 0, 0x41, 0, 0x42, 0, 0xFE, 0x01, 2, 0, 0x0B);
    VALID("wait64", T_V_I, 0, 0x41, 0, 0x42, 0, 0x42, 0, 0xFE, 0x02, 3, 0, 0x0B);
    INVALID("wait64 with i32 expected", T_V_I, "type mismatch",
            0, 0x41, 0, 0x41, 0, 0x42, 0, 0xFE, 0x02, 3, 0, 0x0B);
    VALID_O("fence needs no memory", T_V_V, NO_MEM, 0, 0xFE, 0x03, 0, 0x0B);
}

static void test_body_end(void)
{
    buf o;
    /* Bodies that end before their final `end`, or go on after it, are malformed; the
     * decoder's scan or the validator says so (the message depends on what follows). */
    mod_build(&o, T_V_V, BYTES(0, 0x01, 0x01), 0);
    check("missing final end", o.b, o.n, "", 0);
    mod_build(&o, T_V_V, BYTES(0, 0x0B, 0x01), 0);
    check("bytes after final end", o.b, o.n, "", 0);
}

/* An error in code carries the function index and the instruction's offset. */
static void test_error_location(void)
{
    buf o;
    weft_module *m = NULL;
    weft_error *e;
    uint32_t fi = 99;
    mod_build(&o, T_V_V, BYTES(0, 0x01, 0x20, 0, 0x0B), 0);
    e = decode_module(o.b, o.n, &m);
    if (!e)
        e = validate_module(m);
    /* the body is the last 5 bytes before the two trivial bodies and the data section */
    size_t at = 0;
    for (size_t i = 0; i + 4 < o.n; i++)
        if (memcmp(o.b + i, "\x00\x01\x20\x00\x0b", 5) == 0)
            at = i + 2;
    if (e && weft_error_func(e, &fi, NULL) && fi == 0 && weft_error_offset(e) == at &&
        strstr(weft_error_message(e), "unknown local 0 at byte 0x")) {
        passed++;
    } else {
        printf("FAIL error location: %s func %u offset %zu (want %zu)\n",
               e ? weft_error_message(e) : "valid", fi, e ? weft_error_offset(e) : 0, at);
        failed++;
    }
    weft_error_free(e);
    module_free(m);
}

/* ------------------------------------------------------------------------------------------ */
/* Module level, over complete hand-written binaries. */

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00
#define MOD_VALID(name, ...) check(name, BYTES(HDR, __VA_ARGS__), NULL, 0)
#define MOD_INVALID(name, want, ...) check(name, BYTES(HDR, __VA_ARGS__), want, 0)

static void test_module(void)
{
    MOD_VALID("empty module");
    MOD_VALID("memory 0 65536", 0x05, 0x06, 1, 0x01, 0x00, 0x80, 0x80, 0x04);
    MOD_INVALID("memory min too large", "memory size must be at most 65536 pages",
                0x05, 0x05, 1, 0x00, 0x81, 0x80, 0x04);
    MOD_INVALID("memory max too large", "memory size must be at most 65536 pages",
                0x05, 0x06, 1, 0x01, 0x00, 0x81, 0x80, 0x04);
    MOD_INVALID("memory min > max", "size minimum must not be greater than maximum",
                0x05, 0x04, 1, 0x01, 2, 1);
    MOD_VALID("two memories (multi-memory)", 0x05, 0x05, 2, 0x00, 1, 0x00, 1);
    MOD_VALID("a 64-bit memory (memory64)", 0x05, 0x04, 1, 0x05, 1, 2);
    MOD_INVALID("a 64-bit memory past 2^48 pages", "memory size must be at most 2^48 pages",
                0x05, 0x0C, 1, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    MOD_VALID("shared memory with max", 0x05, 0x04, 1, 0x03, 1, 2);
    MOD_INVALID("shared memory without max", "shared memory must have maximum",
                0x05, 0x03, 1, 0x02, 1);
    MOD_INVALID("table min > max", "size minimum must not be greater than maximum",
                0x04, 0x05, 1, 0x70, 0x01, 2, 1);
    MOD_VALID("two tables", 0x04, 0x07, 2, 0x70, 0x00, 1, 0x6F, 0x00, 1);
    MOD_INVALID("global init type", "type mismatch",
                0x06, 0x06, 1, 0x7F, 0x00, 0x42, 0x00, 0x0B);
    /* 3.0 (extended constant expressions): an earlier global, not a later one */
    MOD_VALID("global.get of an earlier defined global",
              0x06, 0x0B, 2, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x23, 0x00, 0x0B);
    MOD_INVALID("global.get of a later global", "unknown global 1",
                0x06, 0x0B, 2, 0x7F, 0x00, 0x23, 0x01, 0x0B, 0x7F, 0x00, 0x41, 0x00, 0x0B);
    MOD_INVALID("global.get of a mutable import", "constant expression required",
                0x02, 0x08, 1, 1, 'm', 1, 'g', 0x03, 0x7F, 0x01,
                0x06, 0x06, 1, 0x7F, 0x00, 0x23, 0x00, 0x0B);
    MOD_VALID("global.get of an immutable import",
              0x02, 0x08, 1, 1, 'm', 1, 'g', 0x03, 0x7F, 0x00,
              0x06, 0x06, 1, 0x7F, 0x00, 0x23, 0x00, 0x0B);
    MOD_INVALID("ref.func unknown in global", "unknown function 0",
                0x06, 0x06, 1, 0x70, 0x00, 0xD2, 0x00, 0x0B);
    MOD_INVALID("function of unknown type", "unknown type",
                0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 5, 0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("start function with params", "start function",
                0x01, 0x05, 1, 0x60, 1, 0x7F, 0, 0x03, 0x02, 1, 0, 0x08, 0x01, 0,
                0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("start function unknown", "unknown function 1",
                0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 0, 0x08, 0x01, 1,
                0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("duplicate export", "duplicate export name",
                0x05, 0x03, 1, 0x00, 1, 0x07, 0x09, 2, 1, 'a', 0x02, 0, 1, 'a', 0x02, 0);
    MOD_VALID("distinct exports", 0x05, 0x03, 1, 0x00, 1,
              0x07, 0x0A, 2, 1, 'a', 0x02, 0, 2, 'a', 'b', 0x02, 0);
    MOD_INVALID("export unknown memory", "unknown memory 0", 0x07, 0x05, 1, 1, 'a', 0x02, 0);
    MOD_INVALID("export unknown global", "unknown global 3", 0x07, 0x05, 1, 1, 'a', 0x03, 3);
    /* element segments: active into table 0 with func 0 */
    MOD_VALID("active elem",
              0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 0, 0x04, 0x04, 1, 0x70, 0x00, 1,
              0x09, 0x07, 1, 0x00, 0x41, 0x00, 0x0B, 1, 0, 0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("active elem without table", "unknown table 0",
                0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 0, 0x09, 0x07, 1, 0x00, 0x41, 0x00,
                0x0B, 1, 0, 0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("elem offset i64", "type mismatch",
                0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 0, 0x04, 0x04, 1, 0x70, 0x00, 1,
                0x09, 0x07, 1, 0x00, 0x42, 0x00, 0x0B, 1, 0, 0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("funcref elem into externref table", "type mismatch",
                0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 0, 0x04, 0x04, 1, 0x6F, 0x00, 1,
                0x09, 0x07, 1, 0x00, 0x41, 0x00, 0x0B, 1, 0, 0x0A, 0x04, 1, 2, 0, 0x0B);
    MOD_INVALID("active data without memory", "unknown memory 0",
                0x0B, 0x06, 1, 0x00, 0x41, 0x00, 0x0B, 0);
    MOD_VALID("active data", 0x05, 0x03, 1, 0x00, 1, 0x0B, 0x07, 1, 0x00, 0x41, 0x00, 0x0B, 1,
              'x');
    /* ref.func in a body is declared by an export of the function */
    MOD_VALID("ref.func declared by export",
              0x01, 0x04, 1, 0x60, 0, 0, 0x03, 0x02, 1, 0, 0x07, 0x05, 1, 1, 'f', 0x00, 0,
              0x0A, 0x07, 1, 5, 0, 0xD2, 0, 0x1A, 0x0B);
}

int main(void)
{
    test_basics();
    test_locals_globals();
    test_blocks();
    test_branches();
    test_calls();
    test_select();
    test_memory();
    test_tables_refs();
    test_atomics();
    test_body_end();
    test_error_location();
    test_module();
    printf("test_validate: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
