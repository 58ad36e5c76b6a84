/*
 * runtime.h - what exists at run time: the engine, stores, function instances, memories,
 * tables, globals and module instances. The interpreter (exec/) reads these structs directly.
 *
 * Values in the runtime are 64-bit slots (uint64_t): i32 in the low 32 bits (upper bits
 * unspecified), i64, f32 bits in the low 32, f64 bits, and references as pointers
 * (uintptr_t): a funcref is a weft_func *, an externref the embedder's pointer, null is 0.
 */
#ifndef WEFT_RUNTIME_H
#define WEFT_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>

#include "../module/module.h"

struct exec_ctx; /* exec/exec.h */
struct wn_exec;  /* native/nat_abi.h: compiled code's view of an exec_ctx */
struct wn_inst;  /* native/nat_abi.h: compiled code's view of an instance */

struct weft_engine {
    weft_config cfg; /* with defaults filled in */
    bool max_memory_set; /* the embedder gave cfg.max_memory_bytes */
    _Atomic uint64_t epoch; /* weft_engine_increment_epoch; stores' deadlines compare to it */
};

/* A function instance: wasm (inst != NULL) or host. */
struct weft_func {
    const wm_functype *type; /* for wasm funcs: the module's canonical type */
    weft_instance *inst;     /* owning instance for wasm functions, NULL for host ones */
    weft_store *store;       /* host: the store that owns it (wasm: inst->store) */
    uint32_t index;          /* function index in its module (wasm) */
    const wm_func *def;      /* wasm: the definition (code, locals) */
    weft_host_fn host;       /* host */
    void *env;
    void (*finalize)(void *env);
    wm_functype *owned_type; /* host: our copy of the type */
    weft_func *next;         /* store's list of functions it owns */
    /* Compiled tier (native/): set when the function's module has native code. */
    void *native;            /* typed C entry, called by compiled callers */
    void (*nslots)(struct wn_exec *, struct wn_inst *, uint64_t *); /* entry with slots */
    struct wn_inst *ninst;   /* the instance as compiled code sees it */
};

struct weft_memory {
    uint8_t *base;            /* start of the reservation; never moves */
    _Atomic uint64_t size;    /* accessible bytes (pages * 64 KiB) */
    uint64_t max_pages;       /* the effective maximum (type's max capped by the engine) */
    uint64_t type_max;        /* the type's maximum (when has_max), for import matching */
    bool has_max;             /* the type's */
    bool shared;
    bool is64;                /* memory64: i64 addresses */
    size_t reserved;          /* bytes of address space reserved */
    atomic_int refs;
    pthread_mutex_t grow_lock;
    weft_engine *engine;
    _Atomic(struct thr_lot *) lot; /* wait/notify parking lot (threads/), created on first
                                      use; must start NULL, freed with the memory */
};

struct weft_table {
    uint8_t reftype;
    wm_vt vt;                 /* the full reference type, in the types of vmod */
    const weft_module *vmod;  /* the defining module, NULL for a host table */
    uint32_t size;
    uint32_t max; /* effective maximum (UINT32_MAX when none) */
    uint64_t type_max; /* the type's maximum (when has_max), for import matching */
    bool has_max;
    bool is64;    /* memory64: i64 indices */
    uintptr_t *elems; /* size entries; may move on growth */
    weft_table *next; /* store's list */
};

struct weft_global {
    uint8_t type;
    bool mut;
    wm_vt vt;                 /* the full value type, in the types of vmod */
    const weft_module *vmod;  /* the defining module, NULL for a host global */
    uint64_t val;
    uint64_t hi;       /* a v128's high 8 bytes (val holds the low ones) */
    weft_global *next; /* store's list */
};

/* A tag: exceptions are caught by the identity of their tag (exn.c). */
struct weft_tag {
    const wm_functype *type; /* the defining module's canonical type, or owned_type */
    wm_functype *owned_type; /* weft_tag_new: our copy of the type */
    char name[48];           /* for messages: "tag 3", or the name it is exported as */
    weft_tag *next;          /* store's list */
};

/* An exception: its tag and the values it carries, as slots. Owned by the store (an exnref
 * is a plain pointer that wasm code copies freely, so it lives as long as the store). */
struct weft_exn {
    weft_tag *tag;
    uint32_t nslots;
    uint32_t funcidx;              /* where it was thrown (for the uncaught error) */
    size_t offset;
    const weft_instance *origin;   /* NULL when a host function threw it */
    weft_exn *next;                /* store's list */
    uint64_t slots[];
};

/* An element segment at run time: its evaluated references, len 0 once dropped. */
typedef struct rt_elem { /* see rt_table_init */
    uint32_t len;
    uintptr_t *items;
} rt_elem;

/* A data segment at run time: len 0 once dropped. */
typedef struct rt_data { /* see rt_memory_init */
    uint32_t len;
    const uint8_t *bytes;
} rt_data;

struct weft_instance {
    weft_store *store;
    weft_module *module; /* holds a reference */
    weft_func **funcs;   /* module->nfuncs */
    weft_table **tables; /* module->ntables */
    weft_memory **mems;  /* module->nmems; each holds a reference */
    weft_global **globals; /* module->nglobals */
    weft_tag **tags;       /* module->ntags */
    rt_elem *elems;      /* module->nelems */
    rt_data *datas;      /* module->ndatas */
    weft_func *own_funcs;  /* block of module->nfuncs - nfunc_imports function instances */
    weft_instance *next;   /* store's list */
    struct wn_inst *native; /* compiled tier: this instance for compiled code, or NULL */
};

/* What a host function sees of its caller. */
struct weft_caller {
    weft_instance *inst; /* calling instance, NULL when called by the embedder */
    struct exec_ctx *ctx;
};

struct weft_store {
    weft_engine *engine;
    struct exec_ctx *ctx; /* this store's execution stack (created on first call) */
    weft_instance *instances;
    weft_func *funcs;
    weft_table *tables;
    weft_global *globals;
    weft_tag *tags;
    weft_exn *exns;
    weft_memory **mems; size_t nmems, cap_mems; /* references the store holds */
    weft_interrupt_handle *intr; /* the store's interrupt handle, made on first request */
    /* weft_store_set_limiter: limiter points at own_limiter when set, else NULL */
    const weft_limiter *limiter;
    weft_limiter own_limiter;
    uint32_t ninstances, ntables, nmemories; /* what the limits count */
};

/* memory.c */
weft_error *memory_create(weft_engine *e, const wm_limits *lim, weft_memory **out);
/* Grow by delta pages: old size in pages, or -1. Atomic with respect to other threads. The
 * limits of the store growing it (may be NULL) are checked under the memory's lock. */
int64_t memory_grow(weft_memory *m, uint64_t delta_pages, const weft_limiter *lim);

/* limits.c: whether a memory of `bytes` (growing from `current`; maximum `max` bytes) or a
 * table of `elems` entries is allowed by lim (NULL allows everything) */
bool rt_limit_memory(const weft_limiter *lim, uint64_t current, uint64_t bytes, uint64_t max);
bool rt_limit_table(const weft_limiter *lim, uint64_t current, uint64_t elems, uint64_t max);
/* Whether the store may hold what instantiating m adds (instances, tables, memories, and
 * their initial sizes): NULL, or a RESOURCE error naming the limit. */
weft_error *rt_limit_instance(const weft_store *s, const weft_module *m);

/* table.c */
weft_table *table_create(weft_store *s, const wm_tabletype *tt, uintptr_t init);
/* Grow by delta entries filled with init: old size, or -1 (also when the limits of the store
 * growing it, which may be NULL, refuse). */
int64_t table_grow(weft_table *t, uint32_t delta, uintptr_t init, const weft_limiter *lim);

/* The bulk operations of both tiers (table.c, memory.c): the range is checked before anything
 * is written; WEFT_TRAP_NONE on success. Operands are the instructions' u32 values. */
weft_trap_code rt_table_fill(weft_table *t, uint64_t i, uintptr_t v, uint64_t n);
weft_trap_code rt_table_copy(weft_table *dt, const weft_table *st, uint64_t d, uint64_t s,
                             uint64_t n);
weft_trap_code rt_table_init(weft_table *t, const struct rt_elem *seg, uint64_t d, uint64_t s,
                             uint64_t n);
weft_trap_code rt_memory_init(weft_memory *m, const struct rt_data *seg, uint64_t d, uint64_t s,
                              uint64_t n);

/* func.c: call a host function with slot arguments (nparams slots in, nresults slots out,
 * both at `slots`). The caller instance may be NULL. */
weft_error *func_call_host(struct exec_ctx *ctx, weft_instance *caller, weft_func *f,
                           uint64_t *slots);

/* instance.c: a trap error located at a module byte offset of the function funcidx of inst. */
weft_error *rt_trap(weft_trap_code code, const weft_instance *inst, uint32_t funcidx,
                    size_t offset);

/* exn.c: exceptions. A new exception of tag carrying the tag's slots (NULL: out of memory). */
weft_exn *rt_exn_new(weft_store *s, weft_tag *tag, const uint64_t *slots);
/* The error that carries exn out of wasm code: a WEFT_TRAP_EXCEPTION trap naming the tag. */
weft_error *rt_exn_error(weft_exn *exn);
/* The exception an error carries, if it is one wasm code may catch (never a trap). */
weft_exn *rt_exn_of(const weft_error *e);
/* The module's defined tags for a new instance (imports are bound already), named by their
 * exports. */
weft_error *rt_make_tags(weft_instance *inst);
void rt_free_tags_exns(weft_store *s);
/* trace.c: append a wasm frame (function funcidx of inst, at module offset `offset`) to a
 * trap's backtrace; the error keeps inst's module alive. Errors other than traps are left
 * alone. Each tier pushes the frames it ran, innermost first, as the trap passes through. */
void rt_trace_push(weft_error *e, const weft_instance *inst, uint32_t funcidx, size_t offset);
/* The function whose code holds module offset `offset` (0 when none does). */
uint32_t rt_func_at(const weft_module *m, size_t offset);
/* The module offset where function funcidx's code starts (past its body size), or 0. */
size_t rt_func_code_start(const weft_module *m, uint32_t funcidx);

/* convert between typed values and slots */
uint64_t rt_val_to_slot(weft_val v);
weft_val rt_slot_to_val(uint64_t slot, uint8_t type);
/* The same for a value of any type, v128 (two slots) included: returns the slots written. */
uint32_t rt_val_to_slots(weft_val v, uint64_t *slots);
weft_val rt_slots_to_val(const uint64_t *slots, uint8_t type);

/* ------------------------------------------------------------------------------------------ */
/* Helpers shared by the runtime's own files (added by the runtime layer). */

/* global.c: val holds the global's slots (two for a v128) */
weft_global *global_create(weft_store *s, const wm_globaltype *gt, const uint64_t *val);
void table_free(weft_table *t);                                                  /* table.c */
void func_free(weft_func *f);          /* func.c: a host function (finalizer, owned type) */
void instance_free(weft_instance *inst);                                         /* instance.c */
/* store.c: call f (wasm or host) on the store's execution stack, created on first use. */
weft_error *rt_invoke(weft_store *s, weft_func *f, uint64_t *slots);
/* store.c: the store's execution context, created if needed (NULL when out of memory). */
struct exec_ctx *rt_store_ctx(weft_store *s);
/* store_stop.c: the store is being freed: its interrupt handle (if any) lets go of it. */
void rt_store_stop_free(weft_store *s);
/* imports.c: the kind and type of each extern given for the module's imports. */
weft_error *rt_check_imports(const weft_module *m, const weft_extern *imports, size_t n);
/* exports.c: the extern of export number i. */
bool rt_export_at(const weft_instance *inst, uint32_t i, weft_extern *out);
/* describe.c: text forms of types for error messages ("i32", "func (i32)->i32"). */
void rt_describe_import(char *buf, size_t n, const weft_module *m, const wm_import *im);
void rt_describe_extern(char *buf, size_t n, const weft_extern *x);

#endif
