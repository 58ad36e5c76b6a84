/*
 * module.h - the decoded form of a module (struct weft_module) and the layer's entry points:
 * decode (bytes -> module), validate, and the name section. A module is immutable once
 * weft_module_new has returned it, and is shared by every thread that runs it.
 */
#ifndef WEFT_MODULE_H
#define WEFT_MODULE_H

#include <stdatomic.h>

#include "../util/util.h"

#define WM_PAGE_SIZE 65536u
#define WM_MAX_PAGES 65536u /* 4 GiB for a 32-bit memory */
#define WM_MAX_PAGES64 (UINT64_C(1) << 48) /* 2^64 bytes for a 64-bit memory (memory64) */

/* A function type. Module types are canonicalised: identical types within one module share
 * one index (wm_functype.canon), so call_indirect can compare pointers first. */
struct weft_functype {
    uint32_t nparams, nresults;
    uint8_t *types; /* nparams params, then nresults results */
    uint32_t *vts;  /* module types: the same as full types (wm_vt), else NULL */
};
typedef struct weft_functype wm_functype;
static inline const uint8_t *wm_params(const wm_functype *t) { return t->types; }
static inline const uint8_t *wm_results(const wm_functype *t) { return t->types + t->nparams; }
/* Frame slots that values of these types take: a v128 takes two 64-bit slots, anything else
 * one. */
static inline uint32_t wm_slots(const uint8_t *types, uint32_t n)
{
    uint32_t s = n;
    for (uint32_t i = 0; i < n; i++)
        s += types[i] == WEFT_V128;
    return s;
}
static inline uint32_t wm_param_slots(const wm_functype *t)
{
    return wm_slots(wm_params(t), t->nparams);
}
static inline uint32_t wm_result_slots(const wm_functype *t)
{
    return wm_slots(wm_results(t), t->nresults);
}
/* Structural equality. */
bool wm_functype_eq(const wm_functype *a, const wm_functype *b);

/* Full value types (typed function references, WebAssembly 3.0), as validation sees them. The
 * low byte is the type as the rest of weft knows it (WEFT_I32 ... WEFT_FUNCREF,
 * WEFT_EXTERNREF: what the value is at run time), so erasing is taking that byte; a reference
 * type says more above it. (ref null func) is plain WEFT_FUNCREF, (ref $t) is
 * WEFT_FUNCREF | WM_VT_NONNULL | WM_VT_CONCRETE | t << WM_VT_SHIFT. */
typedef uint32_t wm_vt;
#define WM_VT_NONNULL 0x100u  /* (ref ht): no null */
#define WM_VT_BOTTOM 0x200u   /* heap type nofunc / noextern: the bottom of the hierarchy */
#define WM_VT_CONCRETE 0x400u /* heap type: the function type of index vt >> WM_VT_SHIFT */
#define WM_VT_SHIFT 11
#define WM_VT_MAX_INDEX (UINT32_MAX >> WM_VT_SHIFT)
static inline uint8_t wm_vt_code(wm_vt t) { return (uint8_t)t; }
static inline bool wm_vt_is_ref(wm_vt t)
{
    return wm_vt_code(t) == WEFT_FUNCREF || wm_vt_code(t) == WEFT_EXTERNREF ||
           wm_vt_code(t) == WEFT_EXNREF;
}
static inline uint32_t wm_vt_index(wm_vt t) { return t >> WM_VT_SHIFT; }
static inline wm_vt wm_vt_concrete(uint32_t typeidx, bool nullable)
{
    return WEFT_FUNCREF | WM_VT_CONCRETE | (nullable ? 0 : WM_VT_NONNULL) |
           typeidx << WM_VT_SHIFT;
}
/* Whether a value of this type has a default (zero, or null): a (ref ...) has none. */
static inline bool wm_vt_defaultable(wm_vt t) { return !(t & WM_VT_NONNULL); }
/* The full type of a function type's i-th value (parameters, then results). */
static inline wm_vt wm_functype_vt(const wm_functype *t, uint32_t i)
{
    return t->vts ? t->vts[i] : t->types[i];
}

typedef struct wm_limits {
    uint64_t min, max;
    bool has_max, shared;
    bool is64; /* memory64: addresses (or table indices) are i64 */
} wm_limits;
/* The address type of a memory or table: WEFT_I64 for memory64's, else WEFT_I32. */
static inline uint8_t wm_addr_type(const wm_limits *l) { return l->is64 ? WEFT_I64 : WEFT_I32; }

typedef struct wm_tabletype {
    uint8_t reftype; /* WEFT_FUNCREF or WEFT_EXTERNREF */
    wm_limits lim;
    wm_vt vt;        /* the full reference type, or 0: reftype itself */
} wm_tabletype;

typedef struct wm_globaltype {
    uint8_t type;
    bool mut;
    wm_vt vt;        /* the full value type, or 0: type itself */
} wm_globaltype;

static inline wm_vt wm_table_vt(const wm_tabletype *t) { return t->vt ? t->vt : t->reftype; }
static inline wm_vt wm_global_vt(const wm_globaltype *g) { return g->vt ? g->vt : g->type; }

/* A constant expression: one instruction then `end`, or (extended constant expressions,
 * WebAssembly 3.0) several, kind WM_CONST_EXPR: ops holds them in order (each of the other
 * kinds, or WM_CONST_BINOP: an i32/i64 add, sub or mul, `index` its opcode) and they run on a
 * stack. The decoder rejects other instructions ("constant expression required" is a
 * validation error, reported with kind VALIDATE; a missing `end` is malformed). */
enum { WM_CONST_VALUE = 1, WM_CONST_REF_NULL, WM_CONST_REF_FUNC, WM_CONST_GLOBAL_GET,
       WM_CONST_BINOP, WM_CONST_EXPR };
typedef struct wm_constexpr {
    uint8_t kind;   /* WM_CONST_* */
    uint8_t type;   /* VALUE: the value's type; REF_NULL: the reftype */
    wm_vt vt;       /* REF_NULL: the full reference type */
    uint32_t nops;  /* EXPR: the instructions */
    struct wm_constexpr *ops;
    uint32_t index; /* REF_FUNC: function index; GLOBAL_GET: global index */
    uint64_t bits;  /* VALUE: i32/i64 value or f32/f64 bits; v128: its low 8 bytes */
    uint64_t bits_hi; /* VALUE: a v128's high 8 bytes */
    size_t offset;  /* byte offset of the instruction, for errors */
} wm_constexpr;

typedef struct wm_import {
    char *module, *name; /* NUL-terminated copies */
    uint32_t module_len, name_len;
    uint8_t kind; /* weft_extern_kind */
    union {
        uint32_t typeidx;     /* FUNC, TAG */
        wm_tabletype table;   /* TABLE */
        wm_limits mem;        /* MEMORY */
        wm_globaltype global; /* GLOBAL */
    } desc;
} wm_import;

typedef struct wm_export {
    char *name;
    uint32_t name_len;
    uint8_t kind; /* weft_extern_kind */
    uint32_t index;
} wm_export;

/* A function defined by the module. */
typedef struct wm_func {
    uint32_t typeidx;
    uint32_t nlocals;     /* declared locals, not counting parameters */
    uint8_t *local_types; /* nlocals types */
    wm_vt *local_vts;     /* their full types */
    size_t body_offset;   /* module byte offset of the first instruction (after the locals) */
    size_t body_end;      /* module byte offset just past the final `end` */
    size_t code_offset;   /* module byte offset of the code entry (its size field) */
    void *code;           /* the translated code (compile layer), owned by the module */
    uint32_t ntry;        /* legacy `try` blocks nested at most (set by validation): each
                           * level keeps its caught exception in a slot for `rethrow` */
} wm_func;

enum { WM_SEG_ACTIVE = 0, WM_SEG_PASSIVE = 1, WM_SEG_DECLARATIVE = 2 };

typedef struct wm_elem {
    uint8_t mode;         /* WM_SEG_* */
    uint8_t reftype;
    wm_vt vt;             /* the full reference type */
    uint32_t table;       /* ACTIVE */
    wm_constexpr offset;  /* ACTIVE */
    uint32_t count;
    wm_constexpr *items;  /* count items: REF_FUNC, REF_NULL or GLOBAL_GET */
} wm_elem;

typedef struct wm_data {
    uint8_t mode;          /* WM_SEG_ACTIVE or WM_SEG_PASSIVE */
    uint32_t memory;       /* ACTIVE */
    wm_constexpr offset;   /* ACTIVE */
    const uint8_t *bytes;  /* points into weft_module.bytes */
    uint32_t len;
} wm_data;

typedef struct wm_custom {
    char *name;
    const uint8_t *data; /* points into weft_module.bytes */
    size_t len;
} wm_custom;

struct weft_module {
    atomic_int refs;
    weft_engine *engine;
    uint8_t *bytes; /* our own copy of the binary */
    size_t len;

    uint32_t ntypes;
    wm_functype *types;
    uint32_t *type_canon; /* ntypes: the smallest index of an identical type */

    uint32_t nimports;
    wm_import *imports;

    /* Index spaces: imports first, then definitions. */
    uint32_t nfuncs, nfunc_imports;
    uint32_t *func_types; /* nfuncs type indices (imported and defined) */
    wm_func *funcs;       /* nfuncs - nfunc_imports definitions */

    uint32_t ntables, ntable_imports;
    wm_tabletype *tables; /* ntables */
    wm_constexpr *table_init; /* ntables - ntable_imports: kind 0 when the table has none */

    uint32_t nmems, nmem_imports;
    wm_limits *mems; /* nmems */

    uint32_t ntags, ntag_imports;
    uint32_t *tag_types; /* ntags type indices (exception handling) */

    uint32_t nglobals, nglobal_imports;
    wm_globaltype *globals;    /* nglobals */
    wm_constexpr *global_init; /* nglobals - nglobal_imports */

    uint32_t nexports;
    wm_export *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    wm_elem *elems;

    uint32_t ndatas;
    wm_data *datas;
    bool has_datacount;
    uint32_t datacount;

    uint32_t ncustoms;
    wm_custom *customs;

    /* Function names from the "name" section (nfuncs entries, each NULL if absent), or NULL.
     * A malformed name section is ignored, as the spec asks. */
    char **func_names;
    char *module_name;

    /* weft_feature bits switched off by the engine; set by the loader before validation */
    uint32_t disabled_features;

    /* Set by validation: some function makes tail calls (return_call*): the compiled tier
     * leaves those functions to the interpreter (native/nat_cgen.c) */
    bool tail_calls;
    /* Set by validation: funcs that may be referenced by ref.func (C.refs), nfuncs flags. */
    uint8_t *func_declared;

    /* Compiled tier: native code for every defined function (native/nat_module.c), or NULL.
     * Set once: before the module is shared, or later by the background compile of tiered
     * execution (native/nat_tier.c), hence atomic (release store, acquire load). */
    _Atomic(struct nat_module *) native;
    struct nat_tierup *tierup; /* the background compile, or NULL */
    bool tiered;               /* translated for tiered execution (OP_call_tiered) */
    /* Translated with fuel accounting / epoch checks (the engine's consume_fuel and
     * epoch_interruption, set by the loader before translation; both tiers read them) */
    bool consume_fuel, epoch_checks;

    size_t code_start;         /* module offset of the code section's contents (DWARF's
                                  addresses count from there) */
    /* Source lines from DWARF (dwarf.c), read on first use: NULL until then */
    _Atomic(struct wm_lines *) lines;
};

/* decode.c: bytes -> module (copies the bytes). Errors are kind DECODE (malformed) or
 * VALIDATE (things the spec calls invalid that are simplest to see while decoding, such as a
 * constant expression that is not constant). */
weft_error *decode_module(const uint8_t *bytes, size_t len, weft_module **out);
/* Frees everything decode, validate and compile attached (calls compile_free_func). */
void module_free(weft_module *m);
const wm_functype *module_func_type(const weft_module *m, uint32_t funcidx);
/* The function's name (name section) or NULL. */
const char *module_func_name(const weft_module *m, uint32_t funcidx);
/* dwarf.c: the source position of the instruction at module offset `offset`, from the
 * module's DWARF line tables (clang -g): the file (owned by the module), *line and *column;
 * NULL when unknown. The tables are read on first use, with libdwarf when the build found
 * its header and the system has libdwarf.so.1 (loaded then). Thread-safe. */
const char *module_source_line(const weft_module *m, size_t offset, uint32_t *line,
                               uint32_t *column);
void module_lines_free(struct wm_lines *lines);

/* names.c: the "name" custom section's payload (after the section name) into m->func_names
 * and m->module_name. Needs m->nfuncs. A malformed name section is ignored, as the spec asks. */
void decode_names(weft_module *m, const uint8_t *data, size_t len);

/* Full types: a <: b (reftypes.c). */
bool wm_vt_sub(const weft_module *m, wm_vt a, wm_vt b);
/* The same across two modules (import matching): a in the types of ma, b in those of mb; a
 * module may be NULL when its type names no type index (a host's). */
bool wm_vt_sub_across(const weft_module *ma, wm_vt a, const weft_module *mb, wm_vt b);
/* Type ia of ma and type ib of mb are the same function type (iso-recursive equivalence). */
bool wm_functype_eq_across(const weft_module *ma, uint32_t ia, const weft_module *mb,
                           uint32_t ib);
/* Frees what a constant expression owns (an extended one's instructions). */
void wm_const_free(wm_constexpr *c);

/* validate.c: the full WebAssembly 2.0 validation (+ threads proposal). Kind VALIDATE errors
 * carry the byte offset and, in code, the function index. */
weft_error *validate_module(weft_module *m);

#endif
