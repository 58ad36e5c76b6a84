/*
 * capi.h - the standard wasm.h API over weft's own objects. This layer adds no engine: a
 * wasm_func_t names a weft_func, a wasm_store_t wraps a weft_store, a trap carries a weft
 * trap's message and location.
 *
 * Handles. Every runtime object of wasm.h (function, global, table, memory, instance,
 * foreign, module, trap) is a capi_obj, and wasm_ref_t, wasm_extern_t and the kind-specific
 * types are all that same struct seen through different names, so the _as_ conversions are
 * casts. Two families:
 *  - store objects (func, global, table, memory, instance, foreign) die with their store,
 *    as the weft objects under them do. A store keeps one capi_obj per weft object (a hash
 *    map keyed by the weft pointer), so asking twice for the same export gives the same
 *    handle, `copy` returns its argument and `delete` does nothing;
 *  - independent objects (modules, traps) are reference counted: copy adds one, delete
 *    drops one, the last delete frees.
 * A reference value crossing into wasm becomes a weft slot: a funcref is the weft_func *, an
 * externref the capi_obj * itself (so host info and identity survive the round trip).
 */
#ifndef WEFT_CAPI_H
#define WEFT_CAPI_H

#include <stdatomic.h>

#include "wasm.h"
#include "weft_wasm.h"
#include "../runtime/runtime.h"

typedef enum capi_kind {
    CAPI_FUNC = 1,
    CAPI_GLOBAL,
    CAPI_TABLE,
    CAPI_MEMORY,
    CAPI_INSTANCE,
    CAPI_FOREIGN,
    CAPI_MODULE,
    CAPI_TRAP
} capi_kind;

typedef struct capi_obj {
    uint8_t kind;           /* capi_kind */
    bool counted;           /* an independent object: refs counts its owners */
    atomic_int refs;
    wasm_store_t *store;    /* the store it lives in (traps: the store that made them) */
    void *ptr;              /* the weft object; a foreign object points at itself */
    void *host_info;
    void (*finalizer)(void *);
    struct capi_obj *next;  /* the store's list of its objects */
} capi_obj;

/* The public struct names are capi_obj underneath (traps and modules add fields after it). */
struct wasm_ref_t { capi_obj base; };
struct wasm_extern_t { capi_obj base; };
struct wasm_func_t { capi_obj base; };
struct wasm_global_t { capi_obj base; };
struct wasm_table_t { capi_obj base; };
struct wasm_memory_t { capi_obj base; };
struct wasm_instance_t { capi_obj base; };
struct wasm_foreign_t { capi_obj base; };
struct wasm_module_t { capi_obj base; };

struct wasm_trap_t {
    capi_obj base;
    char *message;          /* NUL-terminated */
    bool has_origin;        /* trapped in wasm code: frames[0] is where */
    wasm_frame_t *frames;   /* the backtrace, innermost first (a host's trap starts at its
                               wasm caller) */
    size_t nframes;
};

struct wasm_frame_t {
    wasm_instance_t *instance;
    uint32_t func_index;
    size_t func_offset, module_offset;
};

struct wasm_shared_module_t { weft_module *module; };

struct wasm_config_t { weft_config cfg; };
struct wasm_engine_t { weft_engine *engine; };

struct wasm_store_t {
    wasm_engine_t *engine;
    weft_store *store;
    capi_obj **map;         /* open addressing on ptr; cap is a power of two */
    size_t map_cap, map_len;
    capi_obj *objs;         /* every store object, newest first */
    char error[256];        /* weft_wasm_store_error */
};

#define CAPI_OBJ(x) ((capi_obj *)(void *)(x))
#define CAPI_CONST_OBJ(x) ((const capi_obj *)(const void *)(x))

/* Types: one struct behind every wasm_*type_t except value, import and export types. */
typedef struct capi_type {
    wasm_externkind_t kind;
    union {
        struct { wasm_valtype_vec_t params, results; } func;
        struct { wasm_valtype_t *content; wasm_mutability_t mut; } global;
        struct { wasm_valtype_t *element; wasm_limits_t limits; } table;
        struct { wasm_limits_t limits; bool shared; } memory;
    } u;
} capi_type;

struct wasm_valtype_t { wasm_valkind_t kind; };
struct wasm_externtype_t { capi_type t; };
struct wasm_functype_t { capi_type t; };
struct wasm_globaltype_t { capi_type t; };
struct wasm_tabletype_t { capi_type t; };
struct wasm_memorytype_t { capi_type t; };
struct wasm_importtype_t { wasm_name_t module, name; wasm_externtype_t *type; };
struct wasm_exporttype_t { wasm_name_t name; wasm_externtype_t *type; };

#define CAPI_TYPE(x) ((capi_type *)(void *)(x))
#define CAPI_CONST_TYPE(x) ((const capi_type *)(const void *)(x))

/* capi_store.c: the handle of weft object ptr in the store (made on first use), or NULL
 * when ptr is NULL or out of memory. A new memory handle takes a reference on the memory
 * for the store. */
capi_obj *capi_wrap(wasm_store_t *s, capi_kind kind, void *ptr);
/* A new foreign object of the store. */
capi_obj *capi_foreign(wasm_store_t *s);
/* A counted object of `size` bytes (a capi_obj first), one reference. */
void *capi_counted_new(capi_kind kind, size_t size, wasm_store_t *store, void *ptr);
/* Record why an operation of the store failed and free the error. */
void capi_set_error(wasm_store_t *s, weft_error *e);

/* capi_types.c */
/* weft's value type codes <-> wasm.h's value kinds; false for a code wasm.h lacks (v128). */
bool capi_kind_of_weft(uint8_t weft_type, wasm_valkind_t *out);
uint8_t capi_weft_of_kind(wasm_valkind_t kind); /* 0 for an unknown kind */
/* The types of weft things, as new wasm.h type objects (NULL when out of memory). */
wasm_functype_t *capi_functype_of(const weft_functype *t);
/* A weft function type with the same value types (free with weft_functype_free). */
weft_functype *capi_functype_to_weft(const wasm_functype_t *t);
wasm_externtype_t *capi_global_type(uint8_t type, bool mut);
wasm_externtype_t *capi_table_type(uint8_t reftype, uint64_t min, uint64_t max, bool has_max);
wasm_externtype_t *capi_memory_type(uint64_t min, uint64_t max, bool has_max, bool shared);
/* The type of an extern of a weft module (import or export descriptions). */
wasm_externtype_t *capi_import_type(const weft_module *m, const wm_import *im);
wasm_externtype_t *capi_export_type(const weft_module *m, const wm_export *ex);

/* capi_func.c: values between the two APIs. A funcref going out is looked up (or wrapped)
 * in store s. to_weft fails (false) for a reference of the wrong kind. */
bool capi_val_to_weft(const wasm_val_t *v, weft_val *out);
void capi_val_of_weft(wasm_store_t *s, const weft_val *v, wasm_val_t *out);
/* A weft slot of reference type `reftype` for ref (false for a ref of the wrong kind). */
bool capi_ref_to_slot(const wasm_ref_t *ref, uint8_t reftype, uintptr_t *out);
wasm_ref_t *capi_ref_of_slot(wasm_store_t *s, uintptr_t slot, uint8_t reftype);
/* A trap object for a weft error (consumed), made in store s. */
wasm_trap_t *capi_trap_of_error(wasm_store_t *s, weft_error *e);

#endif
