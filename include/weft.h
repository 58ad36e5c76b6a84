/*
 * weft.h - the public embedding API of weft, a WebAssembly runtime built around threads.
 *
 * This is the only header an embedder includes. Every symbol is prefixed `weft_`.
 *
 * Object model (the same as the web's, made native):
 *   weft_engine   configuration and engine-wide services (the wait/notify parking lot).
 *                 Thread-safe. Several engines may live in one process.
 *   weft_module   a decoded, validated and translated module. Immutable, reference counted,
 *                 thread-safe: every thread that runs the module shares one.
 *   weft_store    a single-threaded collection of instances and the functions, tables and
 *                 globals they own. Everything in a store is freed with the store. Use one
 *                 store per OS thread (a worker, a wasi-thread).
 *   weft_instance an instantiated module inside a store.
 *   weft_memory   a linear memory. Reference counted and, when shared, usable from many
 *                 stores and threads at once. A memory never moves: growth commits pages
 *                 in place, so the pointer from weft_memory_data() stays valid.
 *
 * Errors are values: every call that can fail returns a weft_error * (NULL on success) that
 * the caller frees with weft_error_free(). weft never prints.
 */
#ifndef WEFT_H
#define WEFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_VERSION "0.1.0"

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */

/* Value types. The numbers are the binary format's encodings. */
typedef enum weft_valtype {
    WEFT_I32 = 0x7F,
    WEFT_I64 = 0x7E,
    WEFT_F32 = 0x7D,
    WEFT_F64 = 0x7C,
    WEFT_V128 = 0x7B,
    WEFT_FUNCREF = 0x70,
    WEFT_EXTERNREF = 0x6F
} weft_valtype;

/* The text name of a value type ("i32", "funcref", ...), or NULL if t is not one. */
const char *weft_valtype_name(uint8_t t);

typedef struct weft_engine weft_engine;
typedef struct weft_module weft_module;
typedef struct weft_store weft_store;
typedef struct weft_instance weft_instance;
typedef struct weft_func weft_func;
typedef struct weft_table weft_table;
typedef struct weft_memory weft_memory;
typedef struct weft_global weft_global;
typedef struct weft_functype weft_functype;
typedef struct weft_error weft_error;
typedef struct weft_caller weft_caller;

/* A typed value. Floats are carried as bits so that NaN payloads survive every copy.
 * A null reference is a NULL pointer. */
typedef struct weft_val {
    uint8_t type; /* a weft_valtype */
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32_bits;
        uint64_t f64_bits;
        weft_func *funcref;
        void *externref;
    } of;
} weft_val;

static inline weft_val weft_val_i32(int32_t v) { weft_val r; r.type = WEFT_I32; r.of.i64 = 0; r.of.i32 = v; return r; }
static inline weft_val weft_val_i64(int64_t v) { weft_val r; r.type = WEFT_I64; r.of.i64 = v; return r; }
static inline weft_val weft_val_f32_bits(uint32_t b) { weft_val r; r.type = WEFT_F32; r.of.i64 = 0; r.of.f32_bits = b; return r; }
static inline weft_val weft_val_f64_bits(uint64_t b) { weft_val r; r.type = WEFT_F64; r.of.f64_bits = b; return r; }
/* weft_val_f32()/weft_val_f64() and the readers weft_val_as_f32/f64 convert through memcpy. */
weft_val weft_val_f32(float v);
weft_val weft_val_f64(double v);
float weft_val_as_f32(weft_val v);
double weft_val_as_f64(weft_val v);

/* ------------------------------------------------------------------------------------------ */
/* Errors and traps                                                                           */

typedef enum weft_error_kind {
    WEFT_ERR_DECODE = 1, /* malformed binary: weft_error_offset() is the byte offset */
    WEFT_ERR_VALIDATE,   /* invalid module: byte offset, and the function index when in code */
    WEFT_ERR_LINK,       /* an import is missing or has the wrong type */
    WEFT_ERR_TRAP,       /* execution trapped: weft_error_trap() says why */
    WEFT_ERR_EXIT,       /* the guest asked to exit (WASI proc_exit): weft_error_exit_code() */
    WEFT_ERR_RESOURCE,   /* out of memory, too many threads, a limit of the engine */
    WEFT_ERR_ARG         /* the embedder passed a wrong argument (type mismatch, bad index) */
} weft_error_kind;

typedef enum weft_trap_code {
    WEFT_TRAP_NONE = 0,
    WEFT_TRAP_UNREACHABLE,          /* "unreachable" */
    WEFT_TRAP_MEMORY_OOB,           /* "out of bounds memory access" */
    WEFT_TRAP_TABLE_OOB,            /* "out of bounds table access" */
    WEFT_TRAP_UNDEFINED_ELEMENT,    /* "undefined element" (call_indirect index past the table) */
    WEFT_TRAP_UNINITIALIZED_ELEMENT,/* "uninitialized element" (call_indirect on a null) */
    WEFT_TRAP_INDIRECT_TYPE,        /* "indirect call type mismatch" */
    WEFT_TRAP_INT_OVERFLOW,         /* "integer overflow" */
    WEFT_TRAP_DIV_ZERO,             /* "integer divide by zero" */
    WEFT_TRAP_INVALID_CONVERSION,   /* "invalid conversion to integer" */
    WEFT_TRAP_STACK_EXHAUSTED,      /* "call stack exhausted" */
    WEFT_TRAP_UNALIGNED_ATOMIC,     /* "unaligned atomic" */
    WEFT_TRAP_EXPECTED_SHARED,      /* "expected shared memory" (wait on an unshared memory) */
    WEFT_TRAP_NULL_REF,             /* "null reference" */
    WEFT_TRAP_INTERRUPTED,          /* "interrupted" (the embedder stopped the execution) */
    WEFT_TRAP_HOST                  /* a host function trapped with its own message */
} weft_trap_code;

weft_error_kind weft_error_kind_of(const weft_error *e);
/* One line, no trailing newline, e.g. "integer divide by zero" or "unexpected end at byte 0x1c". */
const char *weft_error_message(const weft_error *e);
/* Decode/validate: byte offset in the module. Trap: offset of the trapping instruction in the
 * module's bytes. (size_t)-1 when unknown. */
size_t weft_error_offset(const weft_error *e);
/* The function the error or trap is in: true and its index (and name, from the name section,
 * or NULL) when known. */
bool weft_error_func(const weft_error *e, uint32_t *index, const char **name);
weft_trap_code weft_error_trap(const weft_error *e);
int weft_error_exit_code(const weft_error *e);
void weft_error_free(weft_error *e);

/* For host functions: make a trap with a message (printf-style), or a request to exit. */
weft_error *weft_trap_new(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
weft_error *weft_exit_new(int code);

/* ------------------------------------------------------------------------------------------ */
/* Engine                                                                                     */

/* Proposals that can be switched off (weft_config.disabled_features), for running code or
 * test scripts written against an older baseline. */
typedef enum weft_feature {
    /* reference types: with it off, a module may have at most one table, and ref.null,
     * ref.is_null, ref.func, table.get/set/size/grow/fill and typed select are invalid
     * (the threads proposal's test scripts are written against that baseline) */
    WEFT_FEATURE_REFERENCE_TYPES = 1u << 0
} weft_feature;

typedef struct weft_config {
    uint32_t disabled_features; /* weft_feature bits; 0: everything on */
    uint64_t max_memory_bytes; /* upper bound for any one linear memory (0: 4 GiB) */
    uint32_t max_call_depth;   /* wasm call frames before "call stack exhausted" (0: 10000) */
    uint32_t stack_slots;      /* 8-byte value slots per execution stack (0: 1 Mi slots) */
    uint32_t max_threads;      /* wasi-threads / workers limit (0: 64) */
} weft_config;

/* cfg may be NULL for the defaults. Returns NULL only when out of memory. */
weft_engine *weft_engine_new(const weft_config *cfg);
void weft_engine_free(weft_engine *engine);

/* ------------------------------------------------------------------------------------------ */
/* Function types                                                                             */

weft_functype *weft_functype_new(const uint8_t *params, uint32_t nparams,
                                 const uint8_t *results, uint32_t nresults);
void weft_functype_free(weft_functype *t);
uint32_t weft_functype_nparams(const weft_functype *t);
uint32_t weft_functype_nresults(const weft_functype *t);
uint8_t weft_functype_param(const weft_functype *t, uint32_t i);
uint8_t weft_functype_result(const weft_functype *t, uint32_t i);

/* ------------------------------------------------------------------------------------------ */
/* Modules                                                                                    */

typedef enum weft_extern_kind {
    WEFT_EXTERN_FUNC = 0,
    WEFT_EXTERN_TABLE = 1,
    WEFT_EXTERN_MEMORY = 2,
    WEFT_EXTERN_GLOBAL = 3
} weft_extern_kind;

/* Decode, validate and translate a module. The bytes are copied; the caller keeps them.
 * On failure *module is NULL and the error says what and where. */
weft_error *weft_module_new(weft_engine *engine, const uint8_t *bytes, size_t len,
                            weft_module **module);
/* Only decode and validate (no translation); for `weft validate`. */
weft_error *weft_module_validate(weft_engine *engine, const uint8_t *bytes, size_t len);
weft_module *weft_module_ref(weft_module *m);  /* +1 reference, returns m */
void weft_module_free(weft_module *m);         /* -1 reference */

typedef struct weft_import_desc {
    const char *module, *name; /* NUL-terminated copies (names with NUL bytes are cut there) */
    weft_extern_kind kind;
    const weft_functype *functype;  /* kind == FUNC */
    uint8_t global_type; bool global_mutable;                  /* kind == GLOBAL */
    uint8_t table_reftype;                                     /* kind == TABLE */
    uint64_t min, max; bool has_max; bool shared;              /* TABLE and MEMORY limits */
} weft_import_desc;

typedef struct weft_export_desc {
    const char *name;
    weft_extern_kind kind;
    uint32_t index;
} weft_export_desc;

uint32_t weft_module_import_count(const weft_module *m);
void weft_module_import(const weft_module *m, uint32_t i, weft_import_desc *out);
uint32_t weft_module_export_count(const weft_module *m);
void weft_module_export(const weft_module *m, uint32_t i, weft_export_desc *out);
/* A function's name from the name section, or NULL. */
const char *weft_module_func_name(const weft_module *m, uint32_t funcidx);

/* ------------------------------------------------------------------------------------------ */
/* Stores and externs                                                                         */

weft_store *weft_store_new(weft_engine *engine);
/* Frees every instance, function, table and global of the store; drops its memory references. */
void weft_store_free(weft_store *store);

/* Anything that can be imported or exported. */
typedef struct weft_extern {
    weft_extern_kind kind;
    union {
        weft_func *func;
        weft_table *table;
        weft_memory *memory;
        weft_global *global;
    } of;
} weft_extern;

/* A host function. args holds the parameters, results receives the results (their `type`
 * is preset). Return NULL, or a trap (weft_trap_new) or an exit (weft_exit_new). */
typedef weft_error *(*weft_host_fn)(weft_caller *caller, void *env,
                                    const weft_val *args, weft_val *results);

/* The type is copied. `finalize` (may be NULL) is called on env when the store is freed. */
weft_func *weft_func_new(weft_store *store, const weft_functype *type, weft_host_fn fn,
                         void *env, void (*finalize)(void *env));
const weft_functype *weft_func_type(const weft_func *f);

/* Inside a host function: the calling instance (NULL when called from the embedder),
 * and its memory number idx (NULL if none). */
weft_instance *weft_caller_instance(weft_caller *caller);
weft_memory *weft_caller_memory(weft_caller *caller, uint32_t idx);

weft_global *weft_global_new(weft_store *store, uint8_t type, bool mutable_, weft_val init);
weft_val weft_global_get(const weft_global *g);
weft_error *weft_global_set(weft_global *g, weft_val v);

weft_table *weft_table_new(weft_store *store, uint8_t reftype, uint32_t min, uint32_t max,
                           bool has_max, weft_error **err);
uint32_t weft_table_size(const weft_table *t);
weft_error *weft_table_get(const weft_table *t, uint32_t i, weft_val *out);
weft_error *weft_table_set(weft_table *t, uint32_t i, weft_val v);

/* Memories. min and max are in 64 KiB pages. A shared memory needs a maximum. The memory
 * starts with one reference, owned by the caller (weft_memory_free drops it). */
weft_error *weft_memory_new(weft_engine *engine, uint64_t min_pages, uint64_t max_pages,
                            bool has_max, bool shared, weft_memory **out);
weft_memory *weft_memory_ref(weft_memory *m);
void weft_memory_free(weft_memory *m);
uint8_t *weft_memory_data(const weft_memory *m);  /* never moves */
uint64_t weft_memory_size(const weft_memory *m);  /* bytes, read atomically */
bool weft_memory_is_shared(const weft_memory *m);
/* Grows by delta pages; returns the old size in pages or -1. */
int64_t weft_memory_grow(weft_memory *m, uint64_t delta_pages);
/* Bounds-checked copies; an error (WEFT_ERR_ARG) when [offset, offset+len) is outside. */
weft_error *weft_memory_read(const weft_memory *m, uint64_t offset, void *dst, size_t len);
weft_error *weft_memory_write(weft_memory *m, uint64_t offset, const void *src, size_t len);

/* ------------------------------------------------------------------------------------------ */
/* Instances                                                                                  */

/* Instantiate with imports given in the module's import order. Runs the start function.
 * Errors: WEFT_ERR_LINK (count, kind or type of an import), WEFT_ERR_TRAP (a segment out of
 * bounds, or the start function trapped). */
weft_error *weft_instance_new(weft_store *store, weft_module *module,
                              const weft_extern *imports, size_t nimports,
                              weft_instance **out);
weft_module *weft_instance_module(const weft_instance *inst);
/* Look up an export by name: true and *out filled when it exists. */
bool weft_instance_export(weft_instance *inst, const char *name, weft_extern *out);
/* The same for a name of len bytes that may hold NUL bytes (wasm names may: the spec's
 * names.wast exports both "" and "\00\01..."). */
bool weft_instance_export_n(weft_instance *inst, const char *name, size_t len,
                            weft_extern *out);
weft_func *weft_instance_func(weft_instance *inst, const char *name);     /* or NULL */
weft_memory *weft_instance_memory(weft_instance *inst, const char *name); /* or NULL */
weft_global *weft_instance_global(weft_instance *inst, const char *name); /* or NULL */
weft_table *weft_instance_table(weft_instance *inst, const char *name);   /* or NULL */

/* Call a function (wasm or host). args must match the parameter types; results has room for
 * nresults values. A trap comes back as a WEFT_ERR_TRAP error; the store stays usable. */
weft_error *weft_call(weft_store *store, weft_func *f, const weft_val *args, size_t nargs,
                      weft_val *results, size_t nresults);

/* ------------------------------------------------------------------------------------------ */
/* Linker: resolve imports by (module, name)                                                  */

typedef struct weft_linker weft_linker;

weft_linker *weft_linker_new(weft_store *store);
void weft_linker_free(weft_linker *l);
/* Define one extern. A later definition of the same (module, name) replaces the earlier. */
weft_error *weft_linker_define(weft_linker *l, const char *module, const char *name,
                               weft_extern ext);
/* Define every export of an instance under the module name (the spec scripts' `register`). */
weft_error *weft_linker_define_instance(weft_linker *l, const char *module,
                                        weft_instance *inst);
/* Shortcut: define a host function. */
weft_error *weft_linker_define_func(weft_linker *l, const char *module, const char *name,
                                    const weft_functype *type, weft_host_fn fn, void *env,
                                    void (*finalize)(void *env));
/* Resolve every import of the module, then weft_instance_new. A missing import is a
 * WEFT_ERR_LINK error naming the module, the name and the expected type. */
weft_error *weft_linker_instantiate(weft_linker *l, weft_module *module, weft_instance **out);

/* ------------------------------------------------------------------------------------------ */
/* WASI preview1                                                                              */

typedef struct weft_wasi weft_wasi;

typedef struct weft_wasi_config {
    int argc; const char *const *argv;   /* argv[0] is the program name */
    int envc; const char *const *envp;   /* "KEY=VALUE" strings */
    int stdin_fd, stdout_fd, stderr_fd;  /* host descriptors (defaults 0, 1, 2 when all 0) */
} weft_wasi_config;

weft_wasi *weft_wasi_new(const weft_wasi_config *cfg);
void weft_wasi_free(weft_wasi *w);
/* Define the wasi_snapshot_preview1 functions in the linker. */
weft_error *weft_wasi_define(weft_wasi *w, weft_linker *l);
/* Run a command: call `_start`. Returns NULL when it returned normally, else the error
 * (WEFT_ERR_EXIT with the proc_exit code, or a trap). */
weft_error *weft_wasi_run(weft_wasi *w, weft_store *store, weft_instance *inst);

/* ------------------------------------------------------------------------------------------ */
/* wasi-threads: pthreads programs with real OS threads                                       */

/* A threaded program: `wasi` `thread-spawn` starts an OS thread running a new instance of the
 * module (in a store of its own) on the same shared memory, with the same WASI context, and
 * calls its export `wasi_thread_start(tid, arg)`. The first trap or proc_exit in any thread
 * ends every thread (including ones blocked in memory.atomic.wait) and is the program's
 * outcome. A spawn beyond max_threads running threads (0: the engine's limit) returns a
 * negative number to the guest.
 *
 *   weft_threads *t; weft_threads_new(engine, module, wasi, 0, &t);
 *   weft_wasi_define(wasi, linker); weft_threads_define(t, linker);  // memory + thread-spawn
 *   weft_linker_instantiate(linker, module, &inst);
 *   err = weft_threads_run(t, store, inst);    // _start, then waits for every thread
 *   weft_threads_free(t);
 */
typedef struct weft_threads weft_threads;

/* If the module imports a memory, it must be shared; it is created from the import's type. */
weft_error *weft_threads_new(weft_engine *engine, weft_module *module, weft_wasi *wasi,
                             uint32_t max_threads, weft_threads **out);
/* Define `wasi` `thread-spawn` and the shared memory (under the import's names). */
weft_error *weft_threads_define(weft_threads *t, weft_linker *l);
/* Run `_start` on the calling thread as the program's main thread, then end and wait for
 * every other thread. Returns NULL, or the program's outcome (WEFT_ERR_EXIT or a trap). */
weft_error *weft_threads_run(weft_threads *t, weft_store *store, weft_instance *inst);
/* The shared memory (NULL if the module imports none). */
weft_memory *weft_threads_memory(weft_threads *t);
/* Threads spawned so far. */
uint32_t weft_threads_spawned(const weft_threads *t);
void weft_threads_free(weft_threads *t);
/* Whether a module uses wasi-threads (imports `wasi` `thread-spawn`). */
bool weft_module_uses_threads(const weft_module *m);

/* ------------------------------------------------------------------------------------------ */
/* Features                                                                                   */

/* A space-separated list of what this build supports, e.g. "mvp bulk-memory ...". */
const char *weft_features(void);

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
