/*
 * test_decode.c - the decoder and the instruction reader on small hand-written binaries:
 * the fields of valid modules, and the error (kind, message, offset) of malformed ones.
 */
#include <stdio.h>
#include <string.h>

#include "module/instr.h"
#include "module/module.h"

#include "check.h"

/* A byte array and its length, as two arguments. */
#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})
#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

static weft_module *decode_ok(const char *what, const uint8_t *b, size_t n)
{
    weft_module *m = NULL;
    weft_error *e = decode_module(b, n, &m);
    CHECK(e == NULL && m != NULL, "%s: expected to decode, got %s", what, e ? e->msg : "NULL");
    if (e)
        weft_error_free(e);
    return m;
}

/* Expects an error of `kind` whose message starts with `msg`, at `offset` (unless -1). */
static void decode_bad(const char *what, const uint8_t *b, size_t n, weft_error_kind kind,
                       const char *msg, long offset)
{
    weft_module *m = NULL;
    weft_error *e = decode_module(b, n, &m);
    CHECK(e != NULL && m == NULL, "%s: expected an error", what);
    if (!e) {
        module_free(m);
        return;
    }
    CHECK(e->kind == kind, "%s: kind %d, expected %d (%s)", what, (int)e->kind, (int)kind, e->msg);
    CHECK(strncmp(e->msg, msg, strlen(msg)) == 0, "%s: message '%s', expected '%s'", what,
          e->msg, msg);
    if (offset >= 0)
        CHECK(e->offset == (size_t)offset, "%s: offset 0x%zx, expected 0x%lx (%s)", what,
              e->offset, offset, e->msg);
    weft_error_free(e);
}

#define DEC_BAD(what, kind, msg, off, ...) decode_bad(what, BYTES(__VA_ARGS__), kind, msg, off)
#define MALFORMED(what, msg, off, ...) DEC_BAD(what, WEFT_ERR_DECODE, msg, off, __VA_ARGS__)
#define INVALID(what, msg, off, ...) DEC_BAD(what, WEFT_ERR_VALIDATE, msg, off, __VA_ARGS__)

/* ------------------------------------------------------------------------------------------ */

static void test_header(void)
{
    weft_module *m = decode_ok("empty module", BYTES(HDR));
    if (m) {
        CHECK(m->ntypes == 0 && m->nfuncs == 0 && m->len == 8, "empty module fields");
        module_free(m);
    }
    decode_bad("no bytes", (const uint8_t *)"", 0, WEFT_ERR_DECODE, "unexpected end", 0);
    MALFORMED("short magic", "unexpected end", 0, 0x00, 0x61, 0x73);
    MALFORMED("bad magic", "magic header not detected", 0, 0x00, 0x41, 0x53, 0x4D, 1, 0, 0, 0);
    MALFORMED("short version", "unexpected end", 4, 0x00, 0x61, 0x73, 0x6D, 1, 0);
    MALFORMED("bad version", "unknown binary version", 4, 0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0);
}

static void test_sections(void)
{
    MALFORMED("section id 14", "malformed section id", 8, HDR, 0x0E, 0x00); /* 13: tags */
    MALFORMED("section id 0x80", "malformed section id", 8, HDR, 0x80, 0x00, 0x01, 0x00);
    MALFORMED("section too long", "length out of bounds", 9, HDR, 0x01, 0x05, 0x00);
    MALFORMED("section size mismatch", "section size mismatch", -1, HDR, 0x01, 0x02, 0x00, 0x00);
    MALFORMED("duplicate type section", "unexpected content after last section", 11, HDR, 0x01,
              0x01, 0x00, 0x01, 0x01, 0x00);
    MALFORMED("memory before table", "unexpected content after last section", 11, HDR, 0x05,
              0x01, 0x00, 0x04, 0x01, 0x00);
    MALFORMED("data count after code", "unexpected content after last section", 11, HDR, 0x0A,
              0x01, 0x00, 0x0C, 0x01, 0x00);
    weft_module *m = decode_ok("data count before code",
                               BYTES(HDR, 0x0C, 0x01, 0x00, 0x0A, 0x01, 0x00));
    if (m) {
        CHECK(m->has_datacount && m->datacount == 0, "data count fields");
        module_free(m);
    }
    MALFORMED("type count beyond", "unexpected end", -1, HDR, 0x01, 0x01, 0x02);
    MALFORMED("leb too long", "integer representation too long", 9, HDR, 0x01,
              0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
}

static void test_custom(void)
{
    weft_module *m = decode_ok("custom", BYTES(HDR, 0x00, 0x05, 0x02, 'h', 'i', 0xAA, 0xBB));
    if (m) {
        CHECK(m->ncustoms == 1 && strcmp(m->customs[0].name, "hi") == 0 &&
                  m->customs[0].len == 2 && m->customs[0].data == m->bytes + 13,
              "custom section fields");
        module_free(m);
    }
    MALFORMED("custom empty", "unexpected end", -1, HDR, 0x00, 0x00);
    MALFORMED("custom name too long", "length out of bounds", 10, HDR, 0x00, 0x02, 0x05, 'a');
    MALFORMED("custom bad utf8", "malformed UTF-8 encoding", 11, HDR, 0x00, 0x02, 0x01, 0xFF);
}

static void test_types(void)
{
    weft_module *m = decode_ok("types", BYTES(HDR, 0x01, 0x0E, 0x03,
                                              0x60, 0x01, 0x7F, 0x01, 0x7E,  /* i32 -> i64 */
                                              0x60, 0x00, 0x00,              /* [] -> [] */
                                              0x60, 0x01, 0x7F, 0x01, 0x7E)); /* = type 0 */
    if (m) {
        CHECK(m->ntypes == 3, "ntypes %u", m->ntypes);
        CHECK(m->types[0].nparams == 1 && m->types[0].nresults == 1 &&
                  wm_params(&m->types[0])[0] == WEFT_I32 && wm_results(&m->types[0])[0] == WEFT_I64,
              "type 0");
        CHECK(m->type_canon[0] == 0 && m->type_canon[1] == 1 && m->type_canon[2] == 0,
              "canon %u %u %u", m->type_canon[0], m->type_canon[1], m->type_canon[2]);
        CHECK(wm_functype_eq(&m->types[0], &m->types[2]) &&
                  !wm_functype_eq(&m->types[0], &m->types[1]),
              "functype_eq");
        module_free(m);
    }
    MALFORMED("bad form", "malformed function type", 11, HDR, 0x01, 0x04, 0x01, 0x61, 0x00, 0x00);
    MALFORMED("signed form", "integer representation too long", 11, HDR, 0x01, 0x05, 0x01,
              0xE0, 0x7F, 0x00, 0x00);
    MALFORMED("bad value type", "malformed value type", 13, HDR, 0x01, 0x05, 0x01, 0x60, 0x01,
              0x55, 0x00);
}

static void test_imports(void)
{
    weft_module *m = decode_ok(
        "imports",
        BYTES(HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
              0x02, 0x1F, 0x04,
              0x01, 'm', 0x01, 'f', 0x00, 0x00,             /* func type 0 */
              0x01, 'm', 0x01, 't', 0x01, 0x6F, 0x01, 0x01, 0x05, /* table externref 1..5 */
              0x01, 'm', 0x01, 'M', 0x02, 0x03, 0x01, 0x02,       /* shared memory 1..2 */
              0x01, 'm', 0x01, 'g', 0x03, 0x7C, 0x01,             /* mut f64 */
              0x03, 0x02, 0x01, 0x00,                             /* one defined func */
              0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B));
    if (m) {
        CHECK(m->nimports == 4 && m->nfuncs == 2 && m->nfunc_imports == 1, "func counts");
        CHECK(m->func_types[0] == 0 && m->func_types[1] == 0, "func types");
        CHECK(m->ntables == 1 && m->ntable_imports == 1 && m->tables[0].reftype == WEFT_EXTERNREF &&
                  m->tables[0].lim.min == 1 && m->tables[0].lim.has_max &&
                  m->tables[0].lim.max == 5,
              "table import");
        CHECK(m->nmems == 1 && m->mems[0].shared && m->mems[0].has_max && m->mems[0].max == 2,
              "memory import");
        CHECK(m->nglobals == 1 && m->globals[0].type == WEFT_F64 && m->globals[0].mut,
              "global import");
        CHECK(strcmp(m->imports[2].name, "M") == 0 && m->imports[2].kind == WEFT_EXTERN_MEMORY,
              "import names");
        CHECK(module_func_type(m, 1) == &m->types[0] && module_func_type(m, 2) == NULL,
              "module_func_type");
        module_free(m);
    }
    MALFORMED("import kind", "malformed import kind", 13, HDR, 0x02, 0x04, 0x01, 0x00, 0x00, 0x05);
    MALFORMED("mutability", "malformed mutability", 15, HDR, 0x02, 0x06, 0x01, 0x00, 0x00,
              0x03, 0x7F, 0x02);
    MALFORMED("table reftype", "malformed reference type", 14, HDR, 0x02, 0x07, 0x01, 0x00,
              0x00, 0x01, 0x7F, 0x00, 0x00);
    MALFORMED("limits flags", "integer too large", 14, HDR, 0x02, 0x06, 0x01, 0x00, 0x00,
              0x02, 0x08, 0x00); /* 0x04 is memory64's i64 flag since 3.0 */
    MALFORMED("limits flags leb", "integer representation too long", 14, HDR, 0x02, 0x07, 0x01,
              0x00, 0x00, 0x02, 0x81, 0x00, 0x00);
    MALFORMED("shared table", "integer too large", 15, HDR, 0x02, 0x08, 0x01, 0x00, 0x00, 0x01,
              0x70, 0x03, 0x00, 0x00);
    MALFORMED("import count beyond", "unexpected end", -1, HDR, 0x02, 0x01, 0x05);
}

static void test_limits_and_globals(void)
{
    weft_module *m = decode_ok("memories",
                               BYTES(HDR, 0x05, 0x05, 0x02, 0x00, 0x01, 0x02, 0x00,
                                     0x06, 0x0B, 0x02, 0x7F, 0x00, 0x41, 0x7F, 0x0B,
                                     0x7E, 0x01, 0x23, 0x00, 0x0B));
    if (m) {
        CHECK(m->nmems == 2 && m->mems[0].min == 1 && !m->mems[0].has_max && m->mems[1].shared &&
                  !m->mems[1].has_max,
              "memory limits");
        CHECK(m->nglobals == 2 && m->global_init[0].kind == WM_CONST_VALUE &&
                  m->global_init[0].type == WEFT_I32 && m->global_init[0].bits == 0xFFFFFFFFu,
              "global 0 init i32.const -1 bits=%llx",
              (unsigned long long)m->global_init[0].bits);
        CHECK(m->global_init[1].kind == WM_CONST_GLOBAL_GET && m->global_init[1].index == 0 &&
                  m->global_init[1].offset == 25,
              "global 1 init");
        module_free(m);
    }
    INVALID("global not constant", "constant expression required", 13, HDR, 0x06, 0x07, 0x01,
            0x7F, 0x00, 0x01, 0x41, 0x00, 0x0B);
    /* extended constant expressions: i32/i64 add, sub, mul, with their two operands */
    {
        weft_module *m = decode_ok("global add", BYTES(HDR, 0x06, 0x09, 0x01, 0x7F, 0x00, 0x41,
                                                        0x00, 0x41, 0x00, 0x6A, 0x0B));
        CHECK(m && m->global_init[0].kind == WM_CONST_EXPR && m->global_init[0].nops == 3 &&
                  m->global_init[0].ops[2].kind == WM_CONST_BINOP,
              "global add: an extended constant expression of 3 instructions");
        module_free(m);
    }
    INVALID("global add of one operand", "type mismatch", 15, HDR, 0x06, 0x07, 0x01, 0x7F, 0x00,
            0x41, 0x00, 0x6A, 0x0B);
    INVALID("global div", "constant expression required", 17, HDR, 0x06, 0x09, 0x01, 0x7F, 0x00,
            0x41, 0x00, 0x41, 0x01, 0x6D, 0x0B);
    INVALID("global two consts", "type mismatch", 17, HDR, 0x06, 0x08, 0x01, 0x7F, 0x00, 0x41,
            0x00, 0x41, 0x00, 0x0B);
    INVALID("global empty", "type mismatch", 13, HDR, 0x06, 0x04, 0x01, 0x7F, 0x00, 0x0B);
    MALFORMED("global no end", "unexpected end", -1, HDR, 0x06, 0x05, 0x01, 0x7F, 0x00, 0x41,
              0x00);
    /* a malformed section after a not-constant expression: malformed wins */
    MALFORMED("malformed beats invalid", "malformed section id", 17, HDR, 0x06, 0x07, 0x01, 0x7F,
              0x00, 0x01, 0x41, 0x00, 0x0B, 0x0E, 0x00);
}

static void test_exports_start(void)
{
    weft_module *m = decode_ok("exports",
                               BYTES(HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01,
                                     0x00, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00, 0x08, 0x01,
                                     0x00, 0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B));
    if (m) {
        CHECK(m->nexports == 1 && strcmp(m->exports[0].name, "f") == 0 &&
                  m->exports[0].kind == WEFT_EXTERN_FUNC && m->exports[0].index == 0,
              "export");
        CHECK(m->has_start && m->start == 0, "start");
        module_free(m);
    }
    MALFORMED("export kind", "malformed export kind", 13, HDR, 0x07, 0x05, 0x01, 0x01, 'f', 0x05,
              0x00); /* 4: a tag */
}

static void test_elems(void)
{
    /* one segment in each of the eight forms */
    weft_module *m = decode_ok(
        "elems",
        BYTES(HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
              0x04, 0x04, 0x01, 0x70, 0x00, 0x01,
              0x09, 0x32, 0x08,
              0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,              /* 0: active, funcidx */
              0x01, 0x00, 0x01, 0x00,                          /* 1: passive, funcidx */
              0x02, 0x00, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x00,  /* 2: active table 0 */
              0x03, 0x00, 0x01, 0x00,                          /* 3: declarative */
              0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B,  /* 4: active, exprs */
              0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B,              /* 5: passive, exprs */
              0x06, 0x00, 0x41, 0x00, 0x0B, 0x70, 0x00,        /* 6: active table 0, none */
              0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B,              /* 7: declarative, exprs */
              0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B));
    if (m) {
        CHECK(m->nelems == 8, "nelems %u", m->nelems);
        CHECK(m->elems[0].mode == WM_SEG_ACTIVE && m->elems[0].table == 0 &&
                  m->elems[0].offset.kind == WM_CONST_VALUE && m->elems[0].count == 1 &&
                  m->elems[0].items[0].kind == WM_CONST_REF_FUNC,
              "elem 0");
        CHECK(m->elems[1].mode == WM_SEG_PASSIVE && m->elems[3].mode == WM_SEG_DECLARATIVE &&
                  m->elems[7].mode == WM_SEG_DECLARATIVE,
              "elem modes");
        CHECK(m->elems[2].offset.bits == 1 && m->elems[4].items[0].kind == WM_CONST_REF_FUNC,
              "elem 2/4");
        CHECK(m->elems[5].items[0].kind == WM_CONST_REF_NULL &&
                  m->elems[5].items[0].type == WEFT_FUNCREF,
              "elem 5");
        CHECK(m->elems[6].count == 0 && m->elems[6].mode == WM_SEG_ACTIVE, "elem 6");
        module_free(m);
    }
    MALFORMED("elem kind", "malformed element kind", 12, HDR, 0x09, 0x04, 0x01, 0x01, 0x01, 0x00);
    MALFORMED("elem flags", "malformed elements segment kind", 11, HDR, 0x09, 0x02, 0x01, 0x08);
    MALFORMED("elem reftype", "malformed reference type", 12, HDR, 0x09, 0x04, 0x01, 0x05, 0x7F,
              0x00);
    INVALID("elem item not constant", "constant expression required", 14, HDR, 0x09, 0x06,
            0x01, 0x05, 0x70, 0x01, 0x01, 0x0B);
}

static void test_datas(void)
{
    weft_module *m = decode_ok(
        "datas", BYTES(HDR, 0x05, 0x03, 0x01, 0x00, 0x01,
                       0x0C, 0x01, 0x03,
                       0x0B, 0x11, 0x03,
                       0x00, 0x41, 0x02, 0x0B, 0x02, 'a', 'b',
                       0x01, 0x01, 'c',
                       0x02, 0x00, 0x41, 0x00, 0x0B, 0x00));
    if (m) {
        CHECK(m->ndatas == 3, "ndatas");
        CHECK(m->datas[0].mode == WM_SEG_ACTIVE && m->datas[0].len == 2 &&
                  memcmp(m->datas[0].bytes, "ab", 2) == 0 && m->datas[0].bytes > m->bytes &&
                  m->datas[0].bytes < m->bytes + m->len && m->datas[0].offset.bits == 2,
              "data 0");
        CHECK(m->datas[1].mode == WM_SEG_PASSIVE && m->datas[1].len == 1, "data 1");
        CHECK(m->datas[2].mode == WM_SEG_ACTIVE && m->datas[2].memory == 0 &&
                  m->datas[2].len == 0,
              "data 2");
        module_free(m);
    }
    MALFORMED("data flags", "malformed data segment kind", 11, HDR, 0x0B, 0x02, 0x01, 0x03);
    MALFORMED("data count mismatch", "data count and data section have inconsistent lengths",
              -1, HDR, 0x0C, 0x01, 0x01);
    MALFORMED("data bytes beyond", "unexpected end", -1, HDR, 0x0B, 0x04, 0x01, 0x01, 0x05, 'a');
}

static void test_code(void)
{
    weft_module *m = decode_ok(
        "code", BYTES(HDR, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7F, 0x00, 0x03, 0x02, 0x01, 0x00,
                      0x0A, 0x0B, 0x01,
                      0x09, 0x02, 0x02, 0x7E, 0x01, 0x7D, 0x20, 0x00, 0x1A, 0x0B));
    if (m) {
        wm_func *f = &m->funcs[0];
        CHECK(f->nlocals == 3 && f->local_types[0] == WEFT_I64 && f->local_types[1] == WEFT_I64 &&
                  f->local_types[2] == WEFT_F32,
              "locals");
        CHECK(f->code_offset == 22 && f->body_offset == 28 && f->body_end == 32,
              "offsets %zu %zu %zu", f->code_offset, f->body_offset, f->body_end);
        CHECK(f->typeidx == 0 && f->code == NULL, "func fields");
        module_free(m);
    }
    MALFORMED("function without code", "function and code section have inconsistent lengths",
              -1, HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00);
    MALFORMED("code count", "function and code section have inconsistent lengths", 20, HDR,
              0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x01, 0x02);
    MALFORMED("too many locals", "too many locals", -1, HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
              0x03, 0x02, 0x01, 0x00, 0x0A, 0x0C, 0x01, 0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,
              0x7F, 0x02, 0x7E, 0x0B);
    MALFORMED("locals over the cap", "too many locals", -1, HDR, 0x01, 0x04, 0x01, 0x60, 0x00,
              0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x0A, 0x01, 0x08, 0x01, 0x80, 0x80, 0x80, 0x80,
              0x01, 0x7F, 0x0B);
    MALFORMED("missing end", "unexpected end of section or function", -1, HDR, 0x01, 0x04, 0x01,
              0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x04, 0x01, 0x02, 0x00, 0x01);
    MALFORMED("junk after end", "section size mismatch", -1, HDR, 0x01, 0x04, 0x01, 0x60, 0x00,
              0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x05, 0x01, 0x03, 0x00, 0x0B, 0x01);
    MALFORMED("illegal opcode", "illegal opcode 0xff", 23, HDR, 0x01, 0x04, 0x01, 0x60, 0x00,
              0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x05, 0x01, 0x03, 0x00, 0xFF, 0x0B);
    /* memory.size's byte is a memory index since multi-memory (validation checks it) */
    module_free(decode_ok("memory.size of memory 1",
                               BYTES(HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02,
                                     0x01, 0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x3F, 0x01,
                                     0x0B)));
    MALFORMED("stray else", "END opcode expected", 23, HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
              0x03, 0x02, 0x01, 0x00, 0x0A, 0x05, 0x01, 0x03, 0x00, 0x05, 0x0B);
    MALFORMED("data count required", "data count section required", 28, HDR, 0x01, 0x04, 0x01,
              0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x00, 0x0A, 0x07,
              0x01, 0x05, 0x00, 0xFC, 0x09, 0x00, 0x0B, 0x0B, 0x03, 0x01, 0x01, 0x00);
}

static void test_names(void)
{
    weft_module *m = decode_ok(
        "names", BYTES(HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x00,
                       0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B,
                       0x00, 0x11, 0x04, 'n', 'a', 'm', 'e',
                       0x00, 0x03, 0x02, 'm', 'm',
                       0x01, 0x05, 0x01, 0x01, 0x02, 'f', 'g'));
    if (m) {
        CHECK(m->module_name && strcmp(m->module_name, "mm") == 0, "module name");
        CHECK(module_func_name(m, 0) == NULL && module_func_name(m, 1) &&
                  strcmp(module_func_name(m, 1), "fg") == 0 && module_func_name(m, 7) == NULL,
              "func names");
        module_free(m);
    }
    /* function index out of range: the name section is ignored, the module is fine */
    m = decode_ok("bad names", BYTES(HDR, 0x00, 0x0C, 0x04, 'n', 'a', 'm', 'e',
                                     0x01, 0x05, 0x01, 0x09, 0x02, 'f', 'g'));
    if (m) {
        CHECK(m->func_names == NULL && m->module_name == NULL, "bad name section ignored");
        module_free(m);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The instruction reader */

static bool read_one(const uint8_t *b, size_t n, wi_instr *in, wi_targets *t, weft_error **e)
{
    wr_reader r;
    wr_init(&r, b, n, 100);
    bool ok = wi_read(&r, in, t);
    *e = r.err;
    return ok && wr_eof(&r);
}

#define READ(in, t, e, ...) read_one(BYTES(__VA_ARGS__), in, t, e)

static void test_instr(void)
{
    wi_instr in;
    wi_targets t = {0};
    weft_error *e;

    CHECK(READ(&in, &t, &e, 0x6A) && in.op == 0x6A && in.offset == 100, "i32.add");
    CHECK(strcmp(wi_name(0x6A), "i32.add") == 0, "wi_name i32.add");
    CHECK(READ(&in, &t, &e, 0x41, 0x7F) && (int64_t)in.imm == -1, "i32.const -1");
    CHECK(READ(&in, &t, &e, 0x42, 0x80, 0x7F) && (int64_t)in.imm == -128, "i64.const -128");
    CHECK(READ(&in, &t, &e, 0x43, 0x00, 0x00, 0x80, 0x3F) && in.imm == 0x3F800000u, "f32.const");
    CHECK(READ(&in, &t, &e, 0x02, 0x40) && in.blocktype == WI_BT_EMPTY, "block empty");
    CHECK(READ(&in, &t, &e, 0x02, 0x7F) && in.blocktype < 0 &&
              wi_bt_valtype(in.blocktype) == WEFT_I32,
          "block i32");
    CHECK(READ(&in, &t, &e, 0x03, 0x05) && in.blocktype == 5, "loop type 5");
    CHECK(!READ(&in, &t, &e, 0x02, 0x55) && e, "bad block type");
    weft_error_free(e);
    CHECK(READ(&in, &t, &e, 0x0E, 0x02, 0x01, 0x02, 0x00) && in.a == 2 && t.v[0] == 1 &&
              t.v[1] == 2 && t.v[2] == 0,
          "br_table");
    CHECK(!READ(&in, &t, &e, 0x0E, 0xFF, 0xFF, 0x03, 0x00) && e, "br_table count too big");
    weft_error_free(e);
    CHECK(READ(&in, &t, &e, 0x11, 0x03, 0x01) && in.a == 3 && in.b == 1, "call_indirect");
    CHECK(READ(&in, &t, &e, 0x28, 0x02, 0x80, 0x01) && in.a == 2 && in.imm == 128, "i32.load");
    CHECK(READ(&in, &t, &e, 0x1C, 0x01, 0x7E) && in.a == 1 && in.b == WEFT_I64, "select t");
    CHECK(READ(&in, &t, &e, 0xD0, 0x6F) && in.a == WEFT_EXTERNREF, "ref.null extern");
    CHECK(!READ(&in, &t, &e, 0xD0, 0x7F) && e && strncmp(e->msg, "malformed heap type", 19) == 0,
          "ref.null i32");
    weft_error_free(e);
    /* typed function references: a heap type that is a type index, erased to funcref */
    CHECK(READ(&in, &t, &e, 0xD0, 0x02) && in.a == WEFT_FUNCREF &&
              in.imm == wm_vt_concrete(2, true),
          "ref.null $2");
    CHECK(READ(&in, &t, &e, 0x02, 0x64, 0x01) && wi_bt_valtype(in.blocktype) == WEFT_FUNCREF &&
              in.imm == wm_vt_concrete(1, false),
          "block (result (ref $1))");
    CHECK(READ(&in, &t, &e, 0x1C, 0x01, 0x63, 0x6F) && in.b == WEFT_EXTERNREF &&
              in.imm == WEFT_EXTERNREF,
          "select (ref null extern)");
    CHECK(READ(&in, &t, &e, 0x12, 0x07) && in.op == 0x12 && in.a == 7, "return_call");
    CHECK(READ(&in, &t, &e, 0x13, 0x03, 0x01) && in.a == 3 && in.b == 1, "return_call_indirect");
    CHECK(READ(&in, &t, &e, 0xD6, 0x02) && in.op == 0xD6 && in.a == 2, "br_on_non_null");
    weft_error_free(e);
    CHECK(READ(&in, &t, &e, 0xFC, 0x08, 0x03, 0x00) && in.op == WI_FC(8) && in.a == 3,
          "memory.init");
    CHECK(READ(&in, &t, &e, 0xFC, 0x0A, 0x00, 0x00) && in.op == WI_FC(10), "memory.copy");
    CHECK(READ(&in, &t, &e, 0xFC, 0x0A, 0x00, 0x01) && in.mem == 0 && in.mem2 == 1 &&
              in.enc3 == WI_ENC_MEMIDX,
          "memory.copy between memories 1 and 0 (multi-memory)");
    CHECK(READ(&in, &t, &e, 0x3F, 0x00) && in.mem == 0 && in.enc3 == 0, "memory.size 0");
    CHECK(READ(&in, &t, &e, 0x3F, 0x80, 0x00) && in.mem == 0 && in.enc3 == WI_ENC_MEMIDX,
          "memory.size 0 in two bytes: not a 2.0 reserved byte");
    CHECK(READ(&in, &t, &e, 0x40, 0x02) && in.mem == 2, "memory.grow 2");
    CHECK(READ(&in, &t, &e, 0x28, 0x42, 0x03, 0x10) && in.a == 2 && in.mem == 3 &&
              in.imm == 16 && in.enc3 == WI_ENC_MEMIDX,
          "i32.load with a memory index (memarg flag bit 6)");
    CHECK(READ(&in, &t, &e, 0x29, 0x03, 0x80, 0x80, 0x80, 0x80, 0x10) && in.mem == 0 &&
              in.imm == (UINT64_C(1) << 32) && in.enc3 == WI_ENC_OFFSET64,
          "i64.load with a 64-bit offset (memory64)");
    CHECK(READ(&in, &t, &e, 0xFC, 0x08, 0x03, 0x01) && in.a == 3 && in.mem == 1,
          "memory.init of memory 1");
    CHECK(READ(&in, &t, &e, 0xFC, 0x0E, 0x01, 0x02) && in.a == 1 && in.b == 2, "table.copy");
    CHECK(READ(&in, &t, &e, 0xFC, 0x0C, 0x04, 0x01) && in.a == 4 && in.b == 1, "table.init");
    CHECK(READ(&in, &t, &e, 0xFC, 0x87, 0x00) && in.op == WI_FC(7), "trunc_sat as 2-byte leb");
    CHECK(!READ(&in, &t, &e, 0xFC, 0x12) && e && strncmp(e->msg, "illegal opcode", 14) == 0,
          "0xFC 18");
    weft_error_free(e);
    CHECK(READ(&in, &t, &e, 0xFE, 0x03, 0x00) && in.op == WI_FE(3), "atomic.fence");
    CHECK(!READ(&in, &t, &e, 0xFE, 0x03, 0x01) && e, "atomic.fence reserved");
    weft_error_free(e);
    CHECK(READ(&in, &t, &e, 0xFE, 0x48, 0x02, 0x04) && in.op == WI_FE(0x48) && in.a == 2 &&
              in.imm == 4,
          "i32.atomic.rmw.cmpxchg");
    CHECK(strcmp(wi_name(WI_FE(0x4E)), "i64.atomic.rmw32.cmpxchg_u") == 0, "wi_name rmw32");
    CHECK(!READ(&in, &t, &e, 0xFE, 0x04) && e, "0xFE 0x04 illegal");
    weft_error_free(e);
    CHECK(!READ(&in, &t, &e, 0xFE, 0x4F) && e, "0xFE 0x4F illegal");
    weft_error_free(e);
    CHECK(READ(&in, &t, &e, 0xFD, 0x0B, 0x04, 0x10) && in.op == WI_FD(0x0B) && in.a == 4 &&
              in.imm == 16,
          "v128.store memarg");
    CHECK(READ(&in, &t, &e, 0xFD, 0x55, 0x01, 0x00, 0x07) && in.b == 7, "load16_lane lane");
    CHECK(strcmp(wi_name(WI_FD(0xBA)), "i32x4.dot_i16x8_s") == 0, "wi_name simd");
    CHECK(!READ(&in, &t, &e, 0xFD, 0x9A, 0x01) && e, "0xFD 0x9A illegal");
    weft_error_free(e);
    CHECK(!READ(&in, &t, &e, 0xFD, 0x0C, 1, 2, 3) && e, "truncated v128.const");
    weft_error_free(e);
    CHECK(!READ(&in, &t, &e, 0x17) && e && strncmp(e->msg, "illegal opcode 0x17", 19) == 0 &&
              e->offset == 100,
          "0x17 (0x06 is the legacy try since exceptions)");
    weft_error_free(e);
    CHECK(!READ(&in, &t, &e, 0x41) && e && strncmp(e->msg, "unexpected end", 14) == 0,
          "truncated i32.const");
    weft_error_free(e);
    /* every single-byte opcode either reads or fails cleanly on a buffer of zeros */
    for (unsigned op = 0; op < 256; op++) {
        uint8_t b[16] = {0};
        wr_reader r;
        b[0] = (uint8_t)op;
        wr_init(&r, b, sizeof b, 0);
        bool ok = wi_read(&r, &in, &t);
        CHECK(ok == (r.err == NULL), "opcode 0x%02x consistent", op);
        weft_error_free(r.err);
    }
    wi_targets_free(&t);
}

/* Many types: type i (for i < N) has 16 params spelling i in i32/i64, and type N + i repeats
 * type i, so every canonical index is known. Canonicalisation goes through a hash table;
 * this checks that it finds every duplicate and merges no distinct types. */
static void test_many_types(void)
{
    enum { N = 3000, PER = 19 }; /* 0x60, count 16, 16 params, 0 results */
    size_t len = 8 + 1 + 5 + 3 + (size_t)2 * N * PER;
    uint8_t *b = malloc(len), *p = b;
    memcpy(p, "\0asm\1\0\0\0", 8);
    p += 8;
    *p++ = 1;
    size_t body = 3 + (size_t)2 * N * PER; /* count (3-byte LEB) + types */
    for (int k = 0; k < 5; k++, body >>= 7)
        *p++ = (uint8_t)((body & 0x7f) | (k < 4 ? 0x80 : 0));
    uint32_t count = 2 * N;
    for (int k = 0; k < 3; k++, count >>= 7)
        *p++ = (uint8_t)((count & 0x7f) | (k < 2 ? 0x80 : 0));
    for (int i = 0; i < 2 * N; i++) {
        *p++ = 0x60;
        *p++ = 16;
        for (int k = 0; k < 16; k++)
            *p++ = ((i % N) >> k) & 1 ? 0x7f : 0x7e;
        *p++ = 0;
    }
    weft_module *m = NULL;
    weft_error *e = decode_module(b, (size_t)(p - b), &m);
    CHECK(!e, "many types: %s", e ? weft_error_message(e) : "");
    if (m) {
        int wrong = 0;
        for (uint32_t i = 0; i < 2 * N; i++)
            wrong += m->type_canon[i] != i % N;
        CHECK(m->ntypes == 2 * N && wrong == 0, "many types: %u types, %d wrong canonical indices",
              m->ntypes, wrong);
        module_free(m);
    }
    weft_error_free(e);
    free(b);
}

int main(void)
{
    test_many_types();
    test_header();
    test_sections();
    test_custom();
    test_types();
    test_imports();
    test_limits_and_globals();
    test_exports_start();
    test_elems();
    test_datas();
    test_code();
    test_names();
    test_instr();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
