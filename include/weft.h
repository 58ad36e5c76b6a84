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
 *
 * Ownership: every weft_*_free() (and weft_event_clear) accepts NULL. A `const char *`
 * that weft returns is never the caller's to free: it lives as long as the object it came
 * from (the error, module, message), or forever for the static strings (type names,
 * feature lists); each declaration below says which.
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
    WEFT_EXTERNREF = 0x6F,
    WEFT_EXNREF = 0x69 /* a caught exception (exception handling); null is NULL */
} weft_valtype;

/* The text name of a value type ("i32", "funcref", ...), a static string, or NULL if t is
 * not one. */
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
typedef struct weft_tag weft_tag;
typedef struct weft_exn weft_exn;

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
        weft_exn *exnref;
        uint8_t v128[16]; /* WEFT_V128: the 16 bytes, lane 0 first (little-endian lanes) */
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
    WEFT_ERR_NONE = 0,   /* only what weft_error_kind_of(NULL) answers */
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
    WEFT_TRAP_INTERRUPTED,          /* "interrupted" (the embedder stopped the execution: an
                                       interrupt handle, an epoch deadline, a worker's end) */
    WEFT_TRAP_HOST,                 /* a host function trapped with its own message */
    WEFT_TRAP_OUT_OF_FUEL,          /* "out of fuel" (the store's fuel ran out) */
    WEFT_TRAP_EXCEPTION,            /* "uncaught exception": a wasm exception left the
                                       outermost call (weft_error_exception says which) */
    WEFT_TRAP_NULL_FUNC_REF         /* "null function reference" (call_ref on a null) */
} weft_trap_code;

/* The readers of an error accept NULL (no error): kind WEFT_ERR_NONE, message "no error",
 * no offset, no function, WEFT_TRAP_NONE, exit code 0. */
weft_error_kind weft_error_kind_of(const weft_error *e);
/* One line, no trailing newline, e.g. "integer divide by zero" or "unexpected end at byte
 * 0x1c". Owned by the error: valid until weft_error_free(e). */
const char *weft_error_message(const weft_error *e);
/* Decode/validate: byte offset in the module. Trap: offset of the trapping instruction in the
 * module's bytes. (size_t)-1 when unknown. */
size_t weft_error_offset(const weft_error *e);
/* The function the error or trap is in: true and its index (and name, from the name section,
 * or NULL; owned by the error) when known. */
bool weft_error_func(const weft_error *e, uint32_t *index, const char **name);
weft_trap_code weft_error_trap(const weft_error *e);
int weft_error_exit_code(const weft_error *e);
void weft_error_free(weft_error *e);

/* A trap's backtrace: every wasm frame, innermost first. Frame 0 is the function that
 * trapped, at the trapping instruction; each next one is its caller, at the call. Both tiers
 * give the same frames, also across calls between them and between instances. Host functions
 * leave no frame: a trap a host function returns starts at the wasm function that called it.
 * Other errors (and a trap made by weft_trap_new that never crossed wasm) have 0 frames. */
typedef struct weft_frame {
    uint32_t func_index;     /* the function's index in its module */
    const char *func_name;   /* from the module's name section, or NULL */
    const char *module_name; /* the module's own name (name section), or NULL */
    size_t module_offset;    /* byte offset of the instruction in the module, or (size_t)-1 */
    size_t func_offset;      /* the same from the start of the function's code (after its
                                body size, as wasm.h counts), or (size_t)-1 */
    const char *file;        /* the source file, when the module has DWARF line tables
                                (clang -g) and weft found libdwarf (below); else NULL */
    uint32_t line, column;   /* the source position with `file`; 0 when unknown */
} weft_frame;

/* The number of frames of e's backtrace (0 for NULL or an error that is not a trap). */
size_t weft_error_frame_count(const weft_error *e);
/* Frame i (0: innermost) into *out: false when i is past the last. The strings are owned by
 * the error: valid until weft_error_free(e) (the error keeps the modules alive). file:line
 * come from the module's .debug_line and .debug_info sections, read with libdwarf, which weft
 * loads when first needed (libdwarf.so.1, Debian's libdwarf1); without it they stay empty. */
bool weft_error_frame(const weft_error *e, size_t i, weft_frame *out);

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
    WEFT_FEATURE_REFERENCE_TYPES = 1u << 0,
    /* memory64: memories and tables with i64 addresses (limits flag 0x04) are invalid */
    WEFT_FEATURE_MEMORY64 = 1u << 1,
    /* multi-memory: a module may have at most one memory */
    WEFT_FEATURE_MULTI_MEMORY = 1u << 2,
    /* tail calls: return_call, return_call_indirect, return_call_ref are invalid */
    WEFT_FEATURE_TAIL_CALL = 1u << 3,
    /* extended constant expressions: only one instruction, global.get of imports only */
    WEFT_FEATURE_EXTENDED_CONST = 1u << 4,
    /* typed function references: call_ref, ref.as_non_null, br_on_null, br_on_non_null
     * are invalid (the types themselves are still read) */
    WEFT_FEATURE_FUNCTION_REFERENCES = 1u << 5,
    /* relaxed SIMD (the 0xFD 0x100.. instructions): with it off they are invalid */
    WEFT_FEATURE_RELAXED_SIMD = 1u << 8,
    /* exception handling: tags, throw, throw_ref, try_table, exnref; with it off a tag
     * section, tag imports and exports and those instructions are invalid */
    WEFT_FEATURE_EXCEPTIONS = 1u << 9,
    /* the legacy exception instructions (try, catch, catch_all, delegate, rethrow) that
     * LLVM still emits; with it off they are invalid */
    WEFT_FEATURE_LEGACY_EXCEPTIONS = 1u << 10
} weft_feature;

/* How modules run. */
typedef enum weft_tier {
    WEFT_TIER_INTERP = 0, /* the interpreter: starts at once, needs no compiler */
    WEFT_TIER_COMPILED,   /* native code made by the system C compiler (through the cache)
                             before the module is returned; needs a C compiler unless the
                             bytes are an artifact (see weft_module_compile) */
    WEFT_TIER_TIERED      /* start in the interpreter at once; native code from the cache at
                             once, else compiled in the background, and new calls switch to
                             it when it is ready. Without a compiler: the interpreter */
} weft_tier;

/* The C compiler's optimisation level for the compiled tier (weft_config.compile_opt). */
typedef enum weft_opt {
    WEFT_OPT_DEFAULT = 0, /* -O2 */
    WEFT_OPT_O0, WEFT_OPT_O1, WEFT_OPT_O2, WEFT_OPT_O3
} weft_opt;

typedef struct weft_config {
    uint32_t disabled_features; /* weft_feature bits; 0: everything on */
    uint64_t max_memory_bytes; /* upper bound for any one linear memory (0: 4 GiB, and
                                  16 GiB for a memory64 one, whose address space is then
                                  reserved: it never moves) */
    uint32_t max_call_depth;   /* wasm call frames before "call stack exhausted" (0: 10000),
                                  in both tiers */
    uint32_t stack_slots;      /* 8-byte value slots per execution stack (0: 1 Mi slots);
                                  the interpreter's; compiled code keeps its values on the
                                  calling thread's C stack, whose end it checks */
    uint32_t max_threads;      /* wasi-threads / workers limit (0: 64) */
    uint32_t tier;             /* weft_tier (0: the interpreter) */
    uint32_t compile_opt;      /* weft_opt (0: -O2) */
    int compile_jobs;          /* compiler processes at a time (0: one per CPU) */
    const char *cache_dir;     /* compiled tier's cache of artifacts (copied). NULL: the
                                  default ($WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else
                                  ~/.cache/weft); "": no cache */
    bool consume_fuel;         /* count executed instructions against each store's fuel
                                  (weft_store_set_fuel); modules are translated with the
                                  counting only when this is on: off, it costs nothing */
    bool epoch_interruption;   /* check each store's epoch deadline at loop headers and
                                  function entries (weft_store_set_epoch_deadline); off, the
                                  checks are not even in the code */
} weft_config;

/* cfg may be NULL for the defaults. Returns NULL only when out of memory. */
weft_engine *weft_engine_new(const weft_config *cfg);
void weft_engine_free(weft_engine *engine);
/* Advance the engine's epoch by one: code running in any store whose deadline the epoch
 * reaches stops with a WEFT_TRAP_INTERRUPTED trap at its next loop header or call. One
 * atomic addition: cheap, safe from any thread (a timer thread ticking every few ms) and
 * from a signal handler. Meaningful only with weft_config.epoch_interruption. */
void weft_engine_increment_epoch(weft_engine *engine);
/* The epoch now (starts at 0). */
uint64_t weft_engine_epoch(const weft_engine *engine);

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
    WEFT_EXTERN_GLOBAL = 3,
    WEFT_EXTERN_TAG = 4 /* an exception tag (exception handling) */
} weft_extern_kind;

/* Decode, validate and translate a module. The bytes are copied; the caller keeps them.
 * On failure *module is NULL and the error says what and where. */
weft_error *weft_module_new(weft_engine *engine, const uint8_t *bytes, size_t len,
                            weft_module **module);
/* The compiled tier. An artifact (a ".cwasm") holds a module's bytes and its native code
 * (a shared object made by the system C compiler), tied by a SHA-256 checksum to this
 * version of weft, this CPU architecture and the module. weft_module_new accepts an
 * artifact in place of the module's bytes and then runs its native code without needing a
 * compiler. An artifact is native code: load only artifacts you made or trust as you trust
 * a program binary. *artifact is malloc'd: release it with weft_bytes_free. */
weft_error *weft_module_compile(weft_engine *engine, const uint8_t *wasm, size_t len,
                                uint8_t **artifact, size_t *artifact_len);
void weft_bytes_free(uint8_t *bytes);
/* Whether bytes look like an artifact (its magic; weft_module_new checks the rest). */
bool weft_is_artifact(const uint8_t *bytes, size_t len);
/* The compiled tier's cache directory: dir if non-NULL, else $WEFT_CACHE_DIR, else
 * $XDG_CACHE_HOME/weft, else ~/.cache/weft. */
weft_error *weft_cache_dir(const char *dir, char *out, size_t n);
/* Remove the artifacts of the cache in dir (NULL: the default) and count them. */
weft_error *weft_cache_clean(const char *dir, size_t *files, uint64_t *bytes);
/* Whether the module runs native code (compiled tier). */
bool weft_module_is_compiled(const weft_module *m);

/* Only decode and validate (no translation); for `weft validate`. */
weft_error *weft_module_validate(weft_engine *engine, const uint8_t *bytes, size_t len);
weft_module *weft_module_ref(weft_module *m);  /* +1 reference, returns m */
void weft_module_free(weft_module *m);         /* -1 reference */

typedef struct weft_import_desc {
    /* NUL-terminated (names with NUL bytes are cut there), owned by the module: valid while
     * the caller holds its reference */
    const char *module, *name;
    weft_extern_kind kind;
    const weft_functype *functype;  /* kind == FUNC, and TAG (the tag's parameters) */
    uint8_t global_type; bool global_mutable;                  /* kind == GLOBAL */
    uint8_t table_reftype;                                     /* kind == TABLE */
    uint64_t min, max; bool has_max; bool shared;              /* TABLE and MEMORY limits */
} weft_import_desc;

typedef struct weft_export_desc {
    const char *name;          /* owned by the module, like weft_import_desc's names */
    weft_extern_kind kind;
    uint32_t index;
} weft_export_desc;

uint32_t weft_module_import_count(const weft_module *m);
void weft_module_import(const weft_module *m, uint32_t i, weft_import_desc *out);
uint32_t weft_module_export_count(const weft_module *m);
void weft_module_export(const weft_module *m, uint32_t i, weft_export_desc *out);
/* A function's name from the name section (owned by the module), or NULL. */
const char *weft_module_func_name(const weft_module *m, uint32_t funcidx);

/* ------------------------------------------------------------------------------------------ */
/* Stores and externs                                                                         */

weft_store *weft_store_new(weft_engine *engine);

/* Resource limits of one store: a few numbers, and optionally callbacks that decide each
 * growth themselves (the shape of wasmtime's ResourceLimiter and StoreLimits). A number at 0
 * sets no limit; the engine's own (weft_config.max_memory_bytes) still apply.
 *  - Growth beyond a limit fails the way the guest expects: memory.grow and table.grow return
 *    -1, in both tiers; the guest carries on.
 *  - Instantiation beyond a limit (one instance, table or memory too many, or a memory or
 *    table whose initial size is over its limit) fails with a WEFT_ERR_RESOURCE error naming
 *    the limit, e.g. "instantiation would exceed the store's limit of 4 memories".
 *  - A shared memory is grown under its own lock: the limit of the store whose code grows it
 *    is checked against the size at that moment, so threads racing to grow it cannot pass
 *    the limit together. */
typedef struct weft_limiter {
    uint64_t memory_bytes;   /* the size any one linear memory may reach, in bytes */
    uint64_t table_elements; /* the size any one table may reach, in elements */
    uint32_t instances;      /* instances in the store */
    uint32_t tables;         /* tables defined in the store (by instances, weft_table_new) */
    uint32_t memories;       /* memories defined by the store's instances */
    /* Optional, asked after the numbers allowed a growth: return false to refuse it (the grow
     * returns -1; at instantiation, where current is 0 and desired the initial size, the
     * instantiation fails). maximum is the memory's or table's own maximum (UINT64_MAX when
     * it has none). Called on the thread that grows: for a shared memory that may be any
     * thread of the program, under the memory's growth lock (the callback must not grow that
     * memory itself, and must be thread-safe when the store's threads share `user`). */
    bool (*memory_growing)(void *user, uint64_t current_bytes, uint64_t desired_bytes,
                           uint64_t maximum_bytes);
    bool (*table_growing)(void *user, uint64_t current, uint64_t desired, uint64_t maximum);
    void *user;
} weft_limiter;

/* Set the store's limits (copied; NULL removes them). They apply to what is instantiated and
 * grown from now on; what already exists stays as it is. Threads a program spawns through
 * wasi-threads from this store get the same limits in their own stores. Errors: WEFT_ERR_ARG
 * when store is NULL. */
weft_error *weft_store_set_limiter(weft_store *store, const weft_limiter *limiter);
/* Frees every instance, function, table and global of the store; drops its memory references. */
void weft_store_free(weft_store *store);

/* Stopping guests. Three ways, in both tiers, also inside loops that make no call:
 *
 * Fuel (weft_config.consume_fuel): a deterministic budget of wasm instructions per store.
 * The code is cut into regions: a function's body, each loop's body (at every iteration) and
 * each arm of an if; the code after a block, loop or if ends belongs to the region around it.
 * Entering a region charges the number of wasm instructions in it (each counts one except
 * block, loop, else and end; a branch that leaves the region early gives nothing back), and
 * when the fuel left is smaller than that the region does not start: the code stops with a
 * WEFT_TRAP_OUT_OF_FUEL trap and the fuel stays what it was. The same program with the same
 * fuel therefore stops at the same instruction every run, in the interpreter and in compiled
 * code alike. A store starts with 0 fuel. Errors of the three calls: WEFT_ERR_ARG when the
 * engine does not consume fuel, WEFT_ERR_RESOURCE.
 * In a wasi-threads program each thread has its own store and its own fuel: a thread
 * spawned by weft_threads_run starts with the fuel the main store had when the run began. */
weft_error *weft_store_set_fuel(weft_store *store, uint64_t fuel);
weft_error *weft_store_get_fuel(weft_store *store, uint64_t *fuel);
/* Add delta to the fuel left (saturating at UINT64_MAX); *fuel (may be NULL) receives the
 * new amount. After an out-of-fuel trap, refuel and call again to carry on. */
weft_error *weft_store_add_fuel(weft_store *store, uint64_t delta, uint64_t *fuel);

/* Epoch deadline (weft_config.epoch_interruption): code of this store stops with a
 * WEFT_TRAP_INTERRUPTED trap at its next loop header or function entry once the engine's
 * epoch reaches now + ticks (weft_engine_increment_epoch advances it). The deadline stays
 * until set again, so a store that hit it traps again at once until it gets a new one.
 * A store has no deadline until one is set. A guest blocked in a host call (a WASI read,
 * memory.atomic.wait) is not woken by the epoch: use an interrupt handle for that. Threads
 * spawned by weft_threads_run get the main store's deadline. Errors: WEFT_ERR_ARG when the
 * engine has no epoch interruption, WEFT_ERR_RESOURCE. */
weft_error *weft_store_set_epoch_deadline(weft_store *store, uint64_t ticks);

/* Interrupt handles: stop what a store runs, from any thread. weft_interrupt makes the
 * store's running code stop with a WEFT_TRAP_INTERRUPTED trap at its next loop back-edge or
 * call, wakes it from memory.atomic.wait and from a blocking WASI call (poll_oneoff, fd_read
 * of a pipe or terminal), in both tiers; in a weft_threads_run program the main thread's
 * trap then ends every thread. If the store is running nothing, its next call stops at its
 * first check; delivering the trap consumes the interrupt. A handle is reference counted and
 * may outlive its store: once the store is freed, weft_interrupt does nothing. No engine
 * option is needed (the check at back-edges and calls is always there). */
typedef struct weft_interrupt_handle weft_interrupt_handle;
/* A new reference to the store's handle (NULL when out of memory); release it with
 * weft_interrupt_handle_free. Call on the store's thread; the handle works from any. */
weft_interrupt_handle *weft_store_interrupt_handle(weft_store *store);
void weft_interrupt(weft_interrupt_handle *h);
void weft_interrupt_handle_free(weft_interrupt_handle *h);

/* Anything that can be imported or exported. */
typedef struct weft_extern {
    weft_extern_kind kind;
    union {
        weft_func *func;
        weft_table *table;
        weft_memory *memory;
        weft_global *global;
        weft_tag *tag;
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

/* A table of min null elements (reftype WEFT_FUNCREF or WEFT_EXTERNREF), owned by the store.
 * Errors: WEFT_ERR_ARG (a bad element type, max below min), WEFT_ERR_RESOURCE. On failure
 * *out is NULL. */
weft_error *weft_table_new(weft_store *store, uint8_t reftype, uint32_t min, uint32_t max,
                           bool has_max, weft_table **out);
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
weft_tag *weft_instance_tag(weft_instance *inst, const char *name);       /* or NULL */

/* Call a function (wasm or host) of this store. args must match the parameter types; results
 * has room for nresults values. A trap comes back as a WEFT_ERR_TRAP error; the store stays
 * usable. A function of another store is a WEFT_ERR_ARG error (stores are per thread). */
weft_error *weft_call(weft_store *store, weft_func *f, const weft_val *args, size_t nargs,
                      weft_val *results, size_t nresults);

/* ------------------------------------------------------------------------------------------ */
/* Exceptions (exception handling)                                                            */

/* A tag: the identity of a kind of exception, with the types of the values it carries (its
 * type's parameters; it has no results). Owned by the store. Tags defined by a module are
 * made when it is instantiated; a tag is caught by the handlers of the tag itself, so two
 * weft_tag_new calls make two tags that never catch each other's exceptions. */
weft_tag *weft_tag_new(weft_store *store, const weft_functype *type);
const weft_functype *weft_tag_type(const weft_tag *tag);

/* Throw from a host function: return this error from the host function and the wasm code
 * that called it sees a wasm exception of `tag` with these values (their types must be the
 * tag's parameters, else the result is a WEFT_ERR_ARG error, which traps). An exception that
 * no wasm handler catches comes back from weft_call as a trap (WEFT_TRAP_EXCEPTION,
 * "uncaught exception" and the tag) that weft_error_exception can read. */
weft_error *weft_exception_new(weft_store *store, weft_tag *tag, const weft_val *vals,
                               size_t nvals);
/* If e is an uncaught wasm exception: true, its tag, and up to nvals of its values copied to
 * vals (*count: how many it carries). The tag lives as long as its store. */
bool weft_error_exception(const weft_error *e, weft_tag **tag, weft_val *vals, size_t nvals,
                          size_t *count);

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

/* A host directory the guest may use, under the name guest_path (NULL: host_path as
 * given). The guest sees the preopens as descriptors 3, 4, ... in the config's order and
 * nothing else of the host's filesystem: no path may leave a preopen, through "..", an
 * absolute path or a symbolic link (such attempts fail with ENOTCAPABLE, 76). */
typedef struct weft_wasi_preopen {
    const char *host_path;
    const char *guest_path;
} weft_wasi_preopen;

/* Everything is copied: the strings and the preopen list need only live for the call.
 * Standard streams, each on its own: 0 (a field left unset) inherits the host's stream of
 * the same number (stdin 0, stdout 1, stderr 2); a positive number is that host descriptor
 * (to use the host's descriptor 0 as an output, pass a dup() of it); -1 gives the guest no
 * such stream (EBADF). weft never closes them. Each reports its real type to the guest: a
 * terminal is a character device (isatty() true), a redirected file a regular file that
 * seeks, a pipe an unknown type, a socket a socket. */
typedef struct weft_wasi_config {
    int argc; const char *const *argv;   /* argv[0] is the program name */
    int envc; const char *const *envp;   /* "KEY=VALUE" strings */
    int stdin_fd, stdout_fd, stderr_fd;  /* host descriptors, see above */
    int npreopens; const weft_wasi_preopen *preopens;  /* directories (may be 0, NULL) */
} weft_wasi_config;

/* Make a WASI context (cfg NULL: no arguments, environment or preopens, the host's
 * streams). Errors: WEFT_ERR_ARG naming a directory that cannot be opened (and the host's
 * reason), WEFT_ERR_RESOURCE. On failure *out is NULL. */
weft_error *weft_wasi_create(const weft_wasi_config *cfg, weft_wasi **out);
void weft_wasi_free(weft_wasi *w);
/* Define the preview1 functions in the linker, under "wasi_snapshot_preview1" and under the
 * older "wasi_unstable" (snapshot 0, whose few differences are translated). */
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
/* Messages: structured-clone values for workers                                              */

/* A message is a tree of values, as a web worker's postMessage carries: null, booleans,
 * integers, doubles, strings, byte buffers, arrays and maps (string keys, insertion order),
 * plus shared buffers and shared memories. Posting deep-copies the tree; the receiver owns its
 * copy. Exceptions: a buffer named in the transfer list moves (the receiver gets the same
 * bytes at the same address, the sender's handle is detached), and shared buffers and shared
 * memories travel by reference (both sides see one reference-counted memory).
 *
 * A message is a tree: every item has at most one parent. The builders below take ownership of
 * the items they are given (and free them on failure); weft_msg_free frees a whole tree.
 * Messages are not thread-safe: build one on one thread, post it, free it. */
typedef struct weft_msg weft_msg;
typedef struct weft_buffer weft_buffer;

typedef enum weft_msg_kind {
    WEFT_MSG_NULL = 0,
    WEFT_MSG_BOOL,
    WEFT_MSG_INT,     /* int64_t */
    WEFT_MSG_DOUBLE,
    WEFT_MSG_STRING,  /* bytes with a length (need not be NUL-free; kept NUL-terminated) */
    WEFT_MSG_BUFFER,  /* a weft_buffer, plain or shared */
    WEFT_MSG_MEMORY,  /* a shared weft_memory, by reference */
    WEFT_MSG_ARRAY,
    WEFT_MSG_MAP
} weft_msg_kind;

/* Builders. Each returns NULL only when out of memory. */
weft_msg *weft_msg_null(void);
weft_msg *weft_msg_bool(bool v);
weft_msg *weft_msg_int(int64_t v);
weft_msg *weft_msg_double(double v);
weft_msg *weft_msg_string(const char *s);                /* copies s */
weft_msg *weft_msg_string_n(const char *s, size_t len);  /* copies len bytes */
weft_msg *weft_msg_bytes(const void *data, size_t len);  /* a new buffer holding a copy */
weft_msg *weft_msg_buffer(weft_buffer *b);   /* refers to b (+1 reference); list b in the
                                                transfer list of a post to move it */
weft_msg *weft_msg_memory(weft_memory *m);   /* refers to m (+1 reference); NULL unless shared */
weft_msg *weft_msg_array(void);
weft_msg *weft_msg_map(void);
/* Append item to an array. Takes ownership of item (freed on failure, unless it already
 * belongs to a tree: then it is left alone). False when arr is not
 * an array, item is NULL or already has a parent, the append would make a cycle, or out of
 * memory. */
bool weft_msg_push(weft_msg *arr, weft_msg *item);
/* Set key (copied) in a map, replacing an existing value. Same ownership rules as push. */
bool weft_msg_set(weft_msg *map, const char *key, weft_msg *item);
void weft_msg_free(weft_msg *m); /* the whole tree; NULL is fine */

/* Readers. A reader applied to the wrong kind returns a zero value (false, 0, NULL). */
weft_msg_kind weft_msg_kind_of(const weft_msg *m);
bool weft_msg_as_bool(const weft_msg *m);
int64_t weft_msg_as_int(const weft_msg *m);
double weft_msg_as_double(const weft_msg *m);  /* an INT is converted */
/* The bytes, owned by the message; len may be NULL */
const char *weft_msg_as_string(const weft_msg *m, size_t *len);
weft_buffer *weft_msg_as_buffer(const weft_msg *m);  /* borrowed */
weft_memory *weft_msg_as_memory(const weft_msg *m);  /* borrowed */
size_t weft_msg_len(const weft_msg *m);               /* items of an array or map, else 0 */
weft_msg *weft_msg_at(const weft_msg *m, size_t i);   /* array or map item i, borrowed */
const char *weft_msg_key_at(const weft_msg *m, size_t i); /* map key i, owned by the map */
weft_msg *weft_msg_get(const weft_msg *map, const char *key); /* borrowed, or NULL */
/* A deep copy, as a post would make (no transfers). NULL when out of memory or m holds a
 * detached buffer. */
weft_msg *weft_msg_clone(const weft_msg *m);

/* Buffers: the ArrayBuffer of the web. A plain buffer is owned by one thread at a time and
 * can be transferred; a shared buffer (backed by a shared weft_memory, so host atomics and
 * guest wait/notify work on it) is shared by reference and cannot be transferred. Buffers are
 * reference counted: a message holding one counts as a reference. */
weft_buffer *weft_buffer_new(size_t len);  /* zero-filled; NULL when out of memory */
/* A shared buffer of len bytes, backed by a new shared memory of ceil(len / 64 KiB) pages. */
weft_error *weft_buffer_new_shared(weft_engine *engine, size_t len, weft_buffer **out);
/* A shared buffer over all of a shared memory (+1 reference on it). NULL if m is not shared. */
weft_buffer *weft_buffer_of_memory(weft_memory *m);
weft_buffer *weft_buffer_ref(weft_buffer *b);
void weft_buffer_free(weft_buffer *b);  /* -1 reference */
/* The bytes: NULL and 0 once detached. The pointer of a plain buffer is stable until it is
 * transferred or freed; a transfer hands that same pointer to the receiver. */
uint8_t *weft_buffer_data(const weft_buffer *b);
size_t weft_buffer_len(const weft_buffer *b);
bool weft_buffer_is_detached(const weft_buffer *b);
bool weft_buffer_is_shared(const weft_buffer *b);
weft_memory *weft_buffer_memory(const weft_buffer *b); /* a shared buffer's memory, borrowed */
/* Bounds-checked copies. Errors: WEFT_ERR_ARG for out of bounds or a detached buffer
 * ("detached buffer"). */
weft_error *weft_buffer_read(const weft_buffer *b, size_t offset, void *dst, size_t len);
weft_error *weft_buffer_write(weft_buffer *b, size_t offset, const void *src, size_t len);

/* ------------------------------------------------------------------------------------------ */
/* Workers                                                                                    */

/* A worker is an OS thread running its own instance of a module, in a store of its own, fed
 * by a FIFO of messages: the web's dedicated Worker, made native.
 *
 *   weft_worker_config cfg = {.module = module, .on_message = handler, .user = ctx};
 *   weft_worker *w; weft_worker_new(engine, &cfg, &w);
 *   weft_worker_post(w, msg, NULL, 0);               // deep copy; the caller keeps msg
 *   weft_event ev; weft_worker_next_event(w, -1, &ev);  // a reply, or an error event
 *   weft_event_clear(&ev); weft_worker_free(w);      // terminates it
 *
 * The worker's behaviour on a message is one of:
 *  - a C handler (cfg.on_message), run on the worker's thread with its scope: the store and
 *    instance (call exports, read and write its memory) and weft_scope_post to reply;
 *  - the guest convention, when on_message is NULL. The module exports `memory` (or has a
 *    memory 0, e.g. an imported shared one), `alloc(i32 size) -> i32` and
 *    `on_message(i32 ptr, i32 len)`, and optionally
 *    `free(i32 ptr)`. For each message (a STRING or a BUFFER; anything else is a messageerror)
 *    the worker calls alloc(len), copies the bytes there, calls on_message(ptr, len), then
 *    free(ptr) if exported. The guest replies through the import
 *    `weft` `post_message(i32 ptr, i32 len)`, which posts a copy of those bytes as a BUFFER.
 *
 * A trap (or any error a handler returns) becomes an ERROR event carrying the error
 * (weft_error_message, weft_error_func and weft_error_offset say what, in which function and
 * where); the worker then carries on with its next message, as a browser worker does. */
typedef struct weft_worker weft_worker;
typedef struct weft_scope weft_scope;

typedef enum weft_event_kind {
    WEFT_EVENT_NONE = 0,
    WEFT_EVENT_MESSAGE,      /* msg: a message the worker posted (owned by the event) */
    WEFT_EVENT_ERROR,        /* error: a trap or a handler's error (the worker carries on) */
    WEFT_EVENT_MESSAGEERROR  /* error: why a message could not be delivered */
} weft_event_kind;

typedef struct weft_event {
    weft_event_kind kind;
    weft_msg *msg;
    weft_error *error;
} weft_event;

/* Frees what the event holds and zeroes it. */
void weft_event_clear(weft_event *ev);

typedef struct weft_worker_config {
    weft_module *module; /* required; the worker holds a reference */
    /* Optional, run on the worker's thread before instantiation: define the imports (a shared
     * memory, host functions) in the worker's linker. The `weft` `post_message` import is
     * already defined; a definition here replaces it. An error ends the worker's start: it
     * becomes an ERROR event and later posts are messageerrors. */
    weft_error *(*setup)(weft_linker *linker, weft_store *store, void *user);
    /* Optional C handler (see above). msg is borrowed for the call. Return NULL, or an error
     * for an ERROR event (a weft_call trap passed through keeps its function and offset). */
    weft_error *(*on_message)(weft_scope *scope, const weft_msg *msg, void *user);
    /* Optional: receive events on the worker's thread (or, for a messageerror of a post, on
     * the posting thread) instead of queueing them for weft_worker_next_event. The callback
     * owns the event's contents. */
    void (*on_event)(weft_worker *w, weft_event *ev, void *user);
    void *user;
} weft_worker_config;

/* Start a worker. Returns at once: instantiation happens on the worker's thread and messages
 * posted meanwhile wait in its queue. Errors: WEFT_ERR_ARG (no module), WEFT_ERR_RESOURCE. */
weft_error *weft_worker_new(weft_engine *engine, const weft_worker_config *cfg,
                            weft_worker **out);
/* Post a message: a deep copy, except the plain buffers listed in transfer (moved; the
 * sender's handles are detached) and shared buffers and memories (by reference). The caller
 * keeps msg. A message that cannot be delivered (a shared, detached, duplicate or NULL item
 * in the transfer list, a detached buffer in the message, a worker terminated or failed to
 * start) is not posted: the call returns the reason and a MESSAGEERROR event is raised. */
weft_error *weft_worker_post(weft_worker *w, const weft_msg *msg, weft_buffer *const *transfer,
                             size_t ntransfer);
/* Take the next event the worker raised, waiting at most timeout_ns (negative: forever, 0: do
 * not wait). True and *out filled (free it with weft_event_clear), or false on timeout. */
bool weft_worker_next_event(weft_worker *w, int64_t timeout_ns, weft_event *out);
/* Stop the worker now: running wasm stops at its next loop back-edge or call, a blocked
 * memory.atomic.wait (or a weft_atomic_wait given the scope) returns, queued messages are
 * dropped, the thread is joined and its store and instance are freed. A C handler stuck in
 * its own C code is waited for. Events already raised stay readable. Idempotent. */
void weft_worker_terminate(weft_worker *w);
/* Terminate if needed, then free the handle and its pending events. */
void weft_worker_free(weft_worker *w);
/* Messages posted to the worker and not yet taken by it. */
size_t weft_worker_pending(weft_worker *w);
/* A direct channel (beyond the web, where workers talk through their parent): from now on the
 * messages `from` posts (weft_scope_post, the guest's post_message) go straight into `to`'s
 * queue, without a hop through the host; to == NULL restores delivery to the parent. In a
 * pool-free pair only. `to` may be freed while connected: `from`'s posts then become
 * messageerror events of `from`. */
weft_error *weft_worker_connect(weft_worker *from, weft_worker *to);

/* The worker side, inside on_message (and setup-created host functions through the user
 * pointer): valid for the duration of the handler call, on the worker's thread. */
weft_store *weft_scope_store(weft_scope *s);
weft_instance *weft_scope_instance(weft_scope *s);
/* Post a message to the worker's parent, with the same copy and transfer rules as
 * weft_worker_post (a transfer from here detaches the worker's handles). In a pool task, the
 * first message posted is the task's result. */
weft_error *weft_scope_post(weft_scope *s, const weft_msg *msg, weft_buffer *const *transfer,
                            size_t ntransfer);

/* ------------------------------------------------------------------------------------------ */
/* Host atomics: Atomics.* on shared buffers and memories                                     */

/* Sequentially consistent operations on the naturally aligned 4- or 8-byte word at `offset`
 * of a memory (a shared buffer's is weft_buffer_memory()). They are the same atomics as the
 * guest's memory.atomic.*, and wait/notify use the memory's parking lot, so a host thread and
 * a guest thread wake each other. Errors (WEFT_ERR_ARG): out of bounds, misaligned, a width
 * other than 4 or 8, a wait on an unshared memory. */
typedef enum weft_atomic_op {
    WEFT_ATOMIC_ADD = 0,
    WEFT_ATOMIC_SUB,
    WEFT_ATOMIC_AND,
    WEFT_ATOMIC_OR,
    WEFT_ATOMIC_XOR,
    WEFT_ATOMIC_EXCHANGE
} weft_atomic_op;

typedef enum weft_wait_result {
    WEFT_WAIT_OK = 0,        /* woken by a notify ("ok") */
    WEFT_WAIT_NOT_EQUAL = 1, /* the value was not the expected one ("not-equal") */
    WEFT_WAIT_TIMED_OUT = 2  /* ("timed-out") */
} weft_wait_result;

/* width is 4 or 8 bytes; 4-byte values are zero-extended into *out. */
weft_error *weft_atomic_load(weft_memory *m, uint64_t offset, int width, uint64_t *out);
weft_error *weft_atomic_store(weft_memory *m, uint64_t offset, int width, uint64_t value);
/* Read-modify-write; *old (may be NULL) receives the value before. */
weft_error *weft_atomic_rmw(weft_memory *m, uint64_t offset, int width, weft_atomic_op op,
                            uint64_t operand, uint64_t *old);
/* Store replacement if the word equals expected; *old receives the value seen. */
weft_error *weft_atomic_cmpxchg(weft_memory *m, uint64_t offset, int width, uint64_t expected,
                                uint64_t replacement, uint64_t *old);
/* Sleep while the word equals expected, at most timeout_ns (negative: forever). From a
 * worker's handler pass its scope so that weft_worker_terminate can end the wait (the call
 * then returns a WEFT_TRAP_INTERRUPTED trap); NULL elsewhere. */
weft_error *weft_atomic_wait(weft_memory *m, uint64_t offset, int width, uint64_t expected,
                             int64_t timeout_ns, weft_scope *scope, weft_wait_result *result);
/* Wake up to count waiters (guest or host) on the word, oldest first; *woken (may be NULL)
 * receives how many. On an unshared memory nobody can wait: 0. */
weft_error *weft_atomic_notify(weft_memory *m, uint64_t offset, uint32_t count,
                               uint32_t *woken);

/* ------------------------------------------------------------------------------------------ */
/* Pools: N workers over one module, a FIFO of tasks, futures                                 */

/* A pool starts n workers from one configuration (the same handler or guest convention) and
 * feeds them tasks from one FIFO queue; an idle worker takes the oldest task. A task's result
 * is the first message its handler posts (a NULL message if it posts none), or its error.
 *
 *   weft_pool *p; weft_pool_new(engine, &cfg, 4, &p);
 *   weft_future *f; weft_pool_submit(p, task, NULL, 0, &f);
 *   weft_future_wait(f, -1); use weft_future_result(f); weft_future_free(f);
 *   weft_pool_shutdown(p, true); weft_pool_free(p);
 */
typedef struct weft_pool weft_pool;
typedef struct weft_future weft_future;

/* Start n workers (1 to the engine's max_threads) and wait until each has instantiated the
 * module; the first start error is returned and nothing is left running. cfg->on_event, if
 * set, receives the events that belong to no task. */
weft_error *weft_pool_new(weft_engine *engine, const weft_worker_config *cfg, uint32_t n,
                          weft_pool **out);
/* Queue a task (copied and transferred as weft_worker_post does). *out is a future the caller
 * frees. Errors: the message cannot be cloned, or the pool is shut down. */
weft_error *weft_pool_submit(weft_pool *p, const weft_msg *task, weft_buffer *const *transfer,
                             size_t ntransfer, weft_future **out);
/* Queue n tasks at once, in order (all or none). out receives n futures. */
weft_error *weft_pool_submit_batch(weft_pool *p, const weft_msg *const *tasks, size_t n,
                                   weft_future **out);
/* Run n tasks and collect their results in submission order: results[i] (owned by the
 * caller; NULL for a failed task) and the first failed task's error (NULL if none). */
weft_error *weft_pool_map(weft_pool *p, const weft_msg *const *tasks, size_t n,
                          weft_msg **results);
/* Stop taking tasks and wait for the workers to end. finish_queued: run the queued tasks
 * first; otherwise they complete at once with a "cancelled" error. Running tasks finish. */
void weft_pool_shutdown(weft_pool *p, bool finish_queued);
/* Cancel queued tasks and interrupt running ones ("interrupted"), then end the workers. */
void weft_pool_terminate(weft_pool *p);
/* Terminates if still running, then frees. Futures stay valid until freed. */
void weft_pool_free(weft_pool *p);
uint32_t weft_pool_size(const weft_pool *p);
/* Tasks queued and not yet taken by a worker. */
size_t weft_pool_pending(weft_pool *p);

/* Wait at most timeout_ns (negative: forever) for the task; true when it is done. */
bool weft_future_wait(weft_future *f, int64_t timeout_ns);
bool weft_future_done(weft_future *f);
/* Once done: the result (borrowed; NULL when the task failed) or the error (borrowed). */
const weft_msg *weft_future_result(weft_future *f);
const weft_error *weft_future_error(weft_future *f);
/* Take the result out of a done future (the caller owns it; later calls return NULL). */
weft_msg *weft_future_take(weft_future *f);
/* Call cb(f, user) once the task is done: at once on this thread if it is, otherwise on the
 * worker's thread when it completes. One callback per future; cb must not free f. */
void weft_future_then(weft_future *f, void (*cb)(weft_future *f, void *user), void *user);
/* Drop the caller's reference; the task still runs (cancel it with a pool shutdown). */
void weft_future_free(weft_future *f);

/* ------------------------------------------------------------------------------------------ */
/* Features                                                                                   */

/* A space-separated list of what this build supports, e.g. "mvp bulk-memory ..." (static). */
const char *weft_features(void);
/* Whether this build supports the named feature: a word of weft_features(). */
bool weft_has_feature(const char *name);
/* Every feature name weft knows, supported or not, space-separated (static). */
const char *weft_known_features(void);

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
