/*
 * wasm.h - the standard WebAssembly C API (the interface of the WebAssembly/wasm-c-api
 * repository, which wasmtime, WAMR, V8 and Wasmer implement), as weft provides it.
 *
 * The names, types and signatures below are the standard's, so a program written against
 * another runtime's wasm.h builds against this one unchanged. Underneath, every object is a
 * weft object: a wasm_func_t is a weft_func, a wasm_store_t a weft_store, a trap a weft
 * trap. include/weft_wasm.h bridges the two APIs (a shared memory, the weft_ object behind a
 * wasm_ handle, the reason a call returned NULL).
 *
 * Ownership. A parameter or result marked `own` passes ownership: whoever receives it must
 * release it with the matching wasm_xxx_delete. An `own` vector owns its elements too. An
 * `own ... *out` parameter is the exception: the callee fills it and the caller owns it.
 *
 * Lifetimes in weft. The objects a store holds (functions, globals, tables, memories,
 * instances, foreign objects) live exactly as long as their store: deleting a handle only
 * says that the caller no longer uses it, and wasm_xxx_copy hands back the same object.
 * Host-info finalizers of those objects run when the store is deleted. Modules, shared
 * modules, traps, frames and every type object are independent values, freed when their
 * last owner deletes them. A store belongs to one thread at a time; modules, shared modules
 * and the engine may be used from any thread.
 */
#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#if defined(__GNUC__)
#define WASM_API_EXTERN __attribute__((visibility("default")))
#else
#define WASM_API_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Machine types                                                                              */

/* C11 and C++ say it with a static assertion; C99 (which -pedantic holds to the letter) with
 * an array type whose size is negative when the check fails. */
#if defined(__cplusplus)
static_assert(sizeof(float) == 4 && sizeof(double) == 8, "wasm.h needs IEEE binary32/64");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(float) == 4 && sizeof(double) == 8, "wasm.h needs IEEE binary32/64");
#else
typedef char wasm_needs_ieee_binary32_and_64_[sizeof(float) == 4 && sizeof(double) == 8 ? 1 : -1];
#endif

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Marks ownership transfer (see above); it expands to nothing. */
#define own

/* Every owned object type has a delete function. */
#define WASM_DECLARE_OWN(name)                                                                \
    typedef struct wasm_##name##_t wasm_##name##_t;                                           \
    WASM_API_EXTERN void wasm_##name##_delete(own wasm_##name##_t *);

/* ------------------------------------------------------------------------------------------ */
/* Vectors: a size and a heap array. An element type `ptr_or_none` of `*` makes a vector of
 * owned pointers (deleting the vector deletes them; copying it copies them). */

#define WASM_DECLARE_VEC(name, ptr_or_none)                                                   \
    typedef struct wasm_##name##_vec_t {                                                      \
        size_t size;                                                                          \
        wasm_##name##_t ptr_or_none *data;                                                    \
    } wasm_##name##_vec_t;                                                                    \
    WASM_API_EXTERN void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t *out);           \
    WASM_API_EXTERN void wasm_##name##_vec_new_uninitialized(own wasm_##name##_vec_t *out,    \
                                                             size_t);                         \
    WASM_API_EXTERN void wasm_##name##_vec_new(own wasm_##name##_vec_t *out, size_t,          \
                                               own wasm_##name##_t ptr_or_none const[]);      \
    WASM_API_EXTERN void wasm_##name##_vec_copy(own wasm_##name##_vec_t *out,                 \
                                                const wasm_##name##_vec_t *);                 \
    WASM_API_EXTERN void wasm_##name##_vec_delete(own wasm_##name##_vec_t *);

/* Bytes, and names (byte vectors that are not NUL-terminated unless made with _nt). */
typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

typedef wasm_byte_vec_t wasm_name_t;

#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s), s);
}

/* The same, keeping the terminating NUL in the vector (as trap messages do). */
static inline void wasm_name_new_from_string_nt(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s) + 1, s);
}

/* ------------------------------------------------------------------------------------------ */
/* Configuration, engine, store                                                               */

WASM_DECLARE_OWN(config)
WASM_API_EXTERN own wasm_config_t *wasm_config_new(void);

/* An engine is a weft_engine: thread-safe, shared by every thread's store. */
WASM_DECLARE_OWN(engine)
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new(void);
/* Takes the configuration (and deletes it). */
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new_with_config(own wasm_config_t *);

/* A store is a weft_store: one thread at a time. Deleting it frees everything it holds. */
WASM_DECLARE_OWN(store)
WASM_API_EXTERN own wasm_store_t *wasm_store_new(wasm_engine_t *);

/* ------------------------------------------------------------------------------------------ */
/* Types                                                                                      */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
    WASM_CONST,
    WASM_VAR,
};

/* Limits in pages (memories) or elements (tables). A max of wasm_limits_max_default means
 * "no maximum". */
typedef struct wasm_limits_t {
    uint32_t min;
    uint32_t max;
} wasm_limits_t;

static const uint32_t wasm_limits_max_default = 0xffffffff;

/* Every type object is owned, has a vector form and a deep copy. */
#define WASM_DECLARE_TYPE(name)                                                               \
    WASM_DECLARE_OWN(name)                                                                    \
    WASM_DECLARE_VEC(name, *)                                                                 \
    WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *);

/* Value types. */
WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
    WASM_I32,
    WASM_I64,
    WASM_F32,
    WASM_F64,
    WASM_EXTERNREF = 128,
    WASM_FUNCREF,
};
/* The standard's earlier name of externref. */
#define WASM_ANYREF WASM_EXTERNREF

WASM_API_EXTERN own wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t *t)
{
    return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t *t)
{
    return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Function types: takes both vectors (their contents move into the type). */
WASM_DECLARE_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t *wasm_functype_new(own wasm_valtype_vec_t *params,
                                                       own wasm_valtype_vec_t *results);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *);

/* Global types. */
WASM_DECLARE_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t *wasm_globaltype_new(own wasm_valtype_t *,
                                                           wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *);

/* Table types: the element type is a reference type. */
WASM_DECLARE_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t *wasm_tabletype_new(own wasm_valtype_t *,
                                                         const wasm_limits_t *);
WASM_API_EXTERN const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *);

/* Memory types, in 64 KiB pages. (A shared memory type: weft_wasm.h.) */
WASM_DECLARE_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *);

/* Extern types: any of the four above, seen through one type. The _as_ conversions return
 * the same object (not a copy), or NULL when the kind differs. */
WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
    WASM_EXTERN_FUNC,
    WASM_EXTERN_GLOBAL,
    WASM_EXTERN_TABLE,
    WASM_EXTERN_MEMORY,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *);

WASM_API_EXTERN wasm_externtype_t *wasm_functype_as_externtype(wasm_functype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_globaltype_as_externtype(wasm_globaltype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_tabletype_as_externtype(wasm_tabletype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_memorytype_as_externtype(wasm_memorytype_t *);

WASM_API_EXTERN wasm_functype_t *wasm_externtype_as_functype(wasm_externtype_t *);
WASM_API_EXTERN wasm_globaltype_t *wasm_externtype_as_globaltype(wasm_externtype_t *);
WASM_API_EXTERN wasm_tabletype_t *wasm_externtype_as_tabletype(wasm_externtype_t *);
WASM_API_EXTERN wasm_memorytype_t *wasm_externtype_as_memorytype(wasm_externtype_t *);

WASM_API_EXTERN const wasm_externtype_t *
wasm_functype_as_externtype_const(const wasm_functype_t *);
WASM_API_EXTERN const wasm_externtype_t *
wasm_globaltype_as_externtype_const(const wasm_globaltype_t *);
WASM_API_EXTERN const wasm_externtype_t *
wasm_tabletype_as_externtype_const(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_externtype_t *
wasm_memorytype_as_externtype_const(const wasm_memorytype_t *);

WASM_API_EXTERN const wasm_functype_t *
wasm_externtype_as_functype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_globaltype_t *
wasm_externtype_as_globaltype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_tabletype_t *
wasm_externtype_as_tabletype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_memorytype_t *
wasm_externtype_as_memorytype_const(const wasm_externtype_t *);

/* Import types: module name, field name, type. */
WASM_DECLARE_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t *wasm_importtype_new(own wasm_name_t *module,
                                                           own wasm_name_t *name,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *);

/* Export types: name, type. */
WASM_DECLARE_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t *wasm_exporttype_new(own wasm_name_t *,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *);

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */

struct wasm_ref_t;

/* A value: `kind` says which member of `of` holds it. A reference value owns its reference
 * (wasm_val_delete releases it); a null reference is NULL. */
typedef struct wasm_val_t {
    wasm_valkind_t kind;
    union {
        int32_t i32;
        int64_t i64;
        float32_t f32;
        float64_t f64;
        struct wasm_ref_t *ref;
    } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t *v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t *out, const wasm_val_t *);

WASM_DECLARE_VEC(val, )

/* ------------------------------------------------------------------------------------------ */
/* References: every runtime object is one. `same` says whether two handles name one object;
 * host info is a pointer the embedder attaches to the object (not to the handle), with an
 * optional finalizer called once the object dies (for store objects: with the store). */

#define WASM_DECLARE_REF_BASE(name)                                                           \
    WASM_DECLARE_OWN(name)                                                                    \
    WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *);         \
    WASM_API_EXTERN bool wasm_##name##_same(const wasm_##name##_t *,                          \
                                            const wasm_##name##_t *);                         \
    WASM_API_EXTERN void *wasm_##name##_get_host_info(const wasm_##name##_t *);               \
    WASM_API_EXTERN void wasm_##name##_set_host_info(wasm_##name##_t *, void *);              \
    WASM_API_EXTERN void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t *,        \
                                                                    void *, void (*)(void *));

/* A reference kind that converts to and from wasm_ref_t (same object, no copy; NULL when
 * the reference is of another kind). */
#define WASM_DECLARE_REF(name)                                                                \
    WASM_DECLARE_REF_BASE(name)                                                               \
    WASM_API_EXTERN wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *);                      \
    WASM_API_EXTERN wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *);                        \
    WASM_API_EXTERN const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *);    \
    WASM_API_EXTERN const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *);

/* A kind that can move between threads: share it on one thread, obtain it in a store on
 * another. */
#define WASM_DECLARE_SHARABLE_REF(name)                                                       \
    WASM_DECLARE_REF(name)                                                                    \
    WASM_DECLARE_OWN(shared_##name)                                                           \
    WASM_API_EXTERN own wasm_shared_##name##_t *wasm_##name##_share(const wasm_##name##_t *); \
    WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_obtain(wasm_store_t *,                 \
                                                              const wasm_shared_##name##_t *);

WASM_DECLARE_REF_BASE(ref)

/* ------------------------------------------------------------------------------------------ */
/* Frames and traps                                                                           */

/* A frame: the instance, the function index, and the code offset both within the function
 * body and within the module's bytes. weft records one frame per trap, the innermost wasm
 * function, so a trace holds at most that frame. */
WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t *wasm_frame_copy(const wasm_frame_t *);

WASM_API_EXTERN struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t *);

/* Trap messages are NUL-terminated names (the NUL is counted in size). */
typedef wasm_name_t wasm_message_t;

WASM_DECLARE_REF(trap)

WASM_API_EXTERN own wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t *, own wasm_message_t *out);
/* The innermost wasm frame, or NULL (a trap made by the host, or one without a location). */
WASM_API_EXTERN own wasm_frame_t *wasm_trap_origin(const wasm_trap_t *);
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t *, own wasm_frame_vec_t *out);

/* ------------------------------------------------------------------------------------------ */
/* Foreign objects: host objects that wasm code can hold as externref values.                 */

WASM_DECLARE_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t *wasm_foreign_new(wasm_store_t *);

/* ------------------------------------------------------------------------------------------ */
/* Modules                                                                                    */

/* A module is a weft_module: decoded, validated and translated once, immutable, usable in any
 * store of the engine. wasm_module_share/obtain carry it to another thread. */
WASM_DECLARE_SHARABLE_REF(module)

/* NULL when the binary is malformed or invalid (weft_wasm_store_error says why). */
WASM_API_EXTERN own wasm_module_t *wasm_module_new(wasm_store_t *,
                                                   const wasm_byte_vec_t *binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t *, const wasm_byte_vec_t *binary);

WASM_API_EXTERN void wasm_module_imports(const wasm_module_t *,
                                         own wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t *,
                                         own wasm_exporttype_vec_t *out);

/* weft serializes a module as a small container holding its WebAssembly binary (README,
 * "Serialized modules"); deserializing checks the container and loads the binary again. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t *, own wasm_byte_vec_t *out);
WASM_API_EXTERN own wasm_module_t *wasm_module_deserialize(wasm_store_t *,
                                                           const wasm_byte_vec_t *);

/* ------------------------------------------------------------------------------------------ */
/* Functions                                                                                  */

WASM_DECLARE_REF(func)

/* A host function. args holds the parameters; results has one value per result, with its
 * kind preset. Return NULL, or a trap (wasm_trap_new), which the call then raises. */
typedef own wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args,
                                                  own wasm_val_vec_t *results);
typedef own wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env,
                                                           const wasm_val_vec_t *args,
                                                           wasm_val_vec_t *results);

WASM_API_EXTERN own wasm_func_t *wasm_func_new(wasm_store_t *, const wasm_functype_t *,
                                               wasm_func_callback_t);
/* finalizer (may be NULL) is called on env when the function dies, with its store. */
WASM_API_EXTERN own wasm_func_t *wasm_func_new_with_env(wasm_store_t *,
                                                        const wasm_functype_t *type,
                                                        wasm_func_callback_with_env_t,
                                                        void *env, void (*finalizer)(void *));

WASM_API_EXTERN own wasm_functype_t *wasm_func_type(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t *);

/* Call on the store's thread. results must have room for the function's results. Returns
 * NULL, or the trap (also for arguments of the wrong number or kinds). */
WASM_API_EXTERN own wasm_trap_t *wasm_func_call(const wasm_func_t *, const wasm_val_vec_t *args,
                                                wasm_val_vec_t *results);

/* ------------------------------------------------------------------------------------------ */
/* Globals                                                                                    */

WASM_DECLARE_REF(global)

WASM_API_EXTERN own wasm_global_t *wasm_global_new(wasm_store_t *, const wasm_globaltype_t *,
                                                   const wasm_val_t *);
WASM_API_EXTERN own wasm_globaltype_t *wasm_global_type(const wasm_global_t *);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t *, own wasm_val_t *out);
/* Ignored when the global is immutable or the value's kind is not the global's. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t *, const wasm_val_t *);

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                     */

WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

/* init (may be NULL) fills every element. */
WASM_API_EXTERN own wasm_table_t *wasm_table_new(wasm_store_t *, const wasm_tabletype_t *,
                                                 wasm_ref_t *init);
WASM_API_EXTERN own wasm_tabletype_t *wasm_table_type(const wasm_table_t *);
/* NULL for a null element or an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t *wasm_table_get(const wasm_table_t *, wasm_table_size_t index);
/* false when the index is out of bounds or the reference is of the wrong kind. */
WASM_API_EXTERN bool wasm_table_set(wasm_table_t *, wasm_table_size_t index, wasm_ref_t *);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t *);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t *, wasm_table_size_t delta,
                                     wasm_ref_t *init);

/* ------------------------------------------------------------------------------------------ */
/* Memories                                                                                   */

WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

WASM_API_EXTERN own wasm_memory_t *wasm_memory_new(wasm_store_t *, const wasm_memorytype_t *);
WASM_API_EXTERN own wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *);
/* weft's memories never move: the pointer stays valid across growth. */
WASM_API_EXTERN byte_t *wasm_memory_data(wasm_memory_t *);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t *);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t *, wasm_memory_pages_t delta);

/* ------------------------------------------------------------------------------------------ */
/* Externs: a function, global, table or memory seen through one type (the same object).     */

WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t *);
WASM_API_EXTERN own wasm_externtype_t *wasm_extern_type(const wasm_extern_t *);

WASM_API_EXTERN wasm_extern_t *wasm_func_as_extern(wasm_func_t *);
WASM_API_EXTERN wasm_extern_t *wasm_global_as_extern(wasm_global_t *);
WASM_API_EXTERN wasm_extern_t *wasm_table_as_extern(wasm_table_t *);
WASM_API_EXTERN wasm_extern_t *wasm_memory_as_extern(wasm_memory_t *);

WASM_API_EXTERN wasm_func_t *wasm_extern_as_func(wasm_extern_t *);
WASM_API_EXTERN wasm_global_t *wasm_extern_as_global(wasm_extern_t *);
WASM_API_EXTERN wasm_table_t *wasm_extern_as_table(wasm_extern_t *);
WASM_API_EXTERN wasm_memory_t *wasm_extern_as_memory(wasm_extern_t *);

WASM_API_EXTERN const wasm_extern_t *wasm_func_as_extern_const(const wasm_func_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_global_as_extern_const(const wasm_global_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_table_as_extern_const(const wasm_table_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_memory_as_extern_const(const wasm_memory_t *);

WASM_API_EXTERN const wasm_func_t *wasm_extern_as_func_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_global_t *wasm_extern_as_global_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_table_t *wasm_extern_as_table_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_memory_t *wasm_extern_as_memory_const(const wasm_extern_t *);

/* ------------------------------------------------------------------------------------------ */
/* Instances                                                                                  */

WASM_DECLARE_REF(instance)

/* imports in the module's import order. On failure NULL, and *trap (when trap is not NULL)
 * receives the reason: the start function's trap, a segment out of bounds, or a link error
 * (a missing import, or one of the wrong kind or type) as a trap message. */
WASM_API_EXTERN own wasm_instance_t *wasm_instance_new(wasm_store_t *, const wasm_module_t *,
                                                       const wasm_extern_vec_t *imports,
                                                       own wasm_trap_t **trap);
/* In the module's export order. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t *, own wasm_extern_vec_t *out);

/* ------------------------------------------------------------------------------------------ */
/* Convenience                                                                                */

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

static inline own wasm_valtype_t *wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t *wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t *wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t *wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t *wasm_valtype_new_externref(void)
{
    return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t *wasm_valtype_new_anyref(void)
{
    return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t *wasm_valtype_new_funcref(void)
{
    return wasm_valtype_new(WASM_FUNCREF);
}

/* wasm_functype_new_P_R: a function type of P parameters and R results, taking the value
 * types given. One helper builds them all. */
static inline own wasm_functype_t *wasm_functype_new_n_m_(size_t np, wasm_valtype_t *const *ps,
                                                          size_t nr, wasm_valtype_t *const *rs)
{
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, np, ps);
    wasm_valtype_vec_new(&results, nr, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_0_0(void)
{
    return wasm_functype_new_n_m_(0, NULL, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_1_0(own wasm_valtype_t *p)
{
    wasm_valtype_t *ps[1] = {p};
    return wasm_functype_new_n_m_(1, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_2_0(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2)
{
    wasm_valtype_t *ps[2] = {p1, p2};
    return wasm_functype_new_n_m_(2, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_3_0(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3};
    return wasm_functype_new_n_m_(3, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_0_1(own wasm_valtype_t *r)
{
    wasm_valtype_t *rs[1] = {r};
    return wasm_functype_new_n_m_(0, NULL, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_1_1(own wasm_valtype_t *p,
                                                         own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[1] = {p}, *rs[1] = {r};
    return wasm_functype_new_n_m_(1, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_2_1(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[2] = {p1, p2}, *rs[1] = {r};
    return wasm_functype_new_n_m_(2, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_3_1(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3,
                                                         own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3}, *rs[1] = {r};
    return wasm_functype_new_n_m_(3, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_0_2(own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2)
{
    wasm_valtype_t *rs[2] = {r1, r2};
    return wasm_functype_new_n_m_(0, NULL, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_1_2(own wasm_valtype_t *p,
                                                         own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[1] = {p}, *rs[2] = {r1, r2};
    return wasm_functype_new_n_m_(1, ps, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_2_2(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[2] = {p1, p2}, *rs[2] = {r1, r2};
    return wasm_functype_new_n_m_(2, ps, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_3_2(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3,
                                                         own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3}, *rs[2] = {r1, r2};
    return wasm_functype_new_n_m_(3, ps, 2, rs);
}

/* A host pointer carried as an integer value of the pointer's width. */
static inline void wasm_val_init_ptr(own wasm_val_t *out, void *p)
{
#if UINTPTR_MAX == UINT32_MAX
    out->kind = WASM_I32;
    out->of.i32 = (int32_t)(intptr_t)p;
#else
    out->kind = WASM_I64;
    out->of.i64 = (int64_t)(intptr_t)p;
#endif
}

static inline void *wasm_val_ptr(const wasm_val_t *val)
{
#if UINTPTR_MAX == UINT32_MAX
    return (void *)(intptr_t)val->of.i32;
#else
    return (void *)(intptr_t)val->of.i64;
#endif
}

/* Value initialisers: WASM_I32_VAL(7) and the like, usable in array initialisers. C gets
 * designated initialisers (constant expressions); C++ before C++20 has none for a union
 * member other than the first, so it gets inline functions instead. */
#ifndef __cplusplus
#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}
#else
static inline wasm_val_t wasm_val_make_i32_(int32_t v) { wasm_val_t r; r.kind = WASM_I32; r.of.i64 = 0; r.of.i32 = v; return r; }
static inline wasm_val_t wasm_val_make_i64_(int64_t v) { wasm_val_t r; r.kind = WASM_I64; r.of.i64 = v; return r; }
static inline wasm_val_t wasm_val_make_f32_(float32_t v) { wasm_val_t r; r.kind = WASM_F32; r.of.i64 = 0; r.of.f32 = v; return r; }
static inline wasm_val_t wasm_val_make_f64_(float64_t v) { wasm_val_t r; r.kind = WASM_F64; r.of.f64 = v; return r; }
static inline wasm_val_t wasm_val_make_ref_(struct wasm_ref_t *v) { wasm_val_t r; r.kind = WASM_EXTERNREF; r.of.ref = v; return r; }
#define WASM_I32_VAL(i) wasm_val_make_i32_(i)
#define WASM_I64_VAL(i) wasm_val_make_i64_(i)
#define WASM_F32_VAL(z) wasm_val_make_f32_(z)
#define WASM_F64_VAL(z) wasm_val_make_f64_(z)
#define WASM_REF_VAL(r) wasm_val_make_ref_(r)
#define WASM_INIT_VAL wasm_val_make_ref_(NULL)
#endif

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASM_H */
