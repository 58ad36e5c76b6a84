/*
 * nat_abi.h - what the compiled tier's generated C and the runtime agree on. This header is
 * part of the library and is also pasted, verbatim, into the prelude of every generated
 * translation unit (with weft.h and exec/numeric.h), so it may include only standard headers.
 *
 * Generated code never links against a symbol of weft: everything it needs from the runtime
 * is reached through the instance (wn_inst.rt), so the same shared object works whether weft
 * is a static library inside a program or a shared one. The runtime's own structs (weft_func,
 * weft_table, the execution context) are read through byte offsets that the generator writes
 * into each unit (WN_OFF_* in nat_cgen.c), so their layout is free to change.
 */
#ifndef WEFT_NAT_ABI_H
#define WEFT_NAT_ABI_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

typedef struct wn_inst wn_inst;
typedef struct wn_exec wn_exec; /* the runtime's execution context; opaque here */

/* A try body's registration (exception handling): while it runs, an unwind (a trap or an
 * exception) lands in jb instead of the unwind it replaced (saved). */
typedef struct wn_eh {
    jmp_buf jb;
    void *saved;
} wn_eh;

/* Runtime services for generated code. Every function that can trap takes the trapping
 * function's index and the module byte offset of the instruction, so a trap from compiled
 * code names the same place as one from the interpreter. A trap never returns: it unwinds to
 * the entry into compiled code (nat_rt.c). */
typedef struct wn_rt {
    __attribute__((noreturn)) void (*trap)(wn_exec *X, wn_inst *I, uint32_t func,
                                           uint32_t code, uint32_t offset);
    /* call any function that has no native entry (host, or interpreted): slots hold the
     * arguments on entry and the results on return */
    void (*call)(wn_exec *X, wn_inst *I, void *func, uint64_t *slots, uint32_t caller,
                 uint32_t offset);
    int (*type_eq)(const void *a, const void *b); /* two function types, structurally */
    uint32_t (*mem_grow)(wn_inst *I, uint32_t delta);
    void (*mem_init)(wn_exec *X, wn_inst *I, uint32_t seg, uint32_t d, uint32_t s, uint32_t n,
                     uint32_t func, uint32_t offset);
    void (*data_drop)(wn_inst *I, uint32_t seg);
    uint32_t (*wait)(wn_exec *X, wn_inst *I, uint64_t ea, uint64_t expected, int width,
                     int64_t timeout, uint32_t func, uint32_t offset);
    uint32_t (*notify)(wn_inst *I, uint64_t ea, uint32_t count);
    uintptr_t (*table_get)(wn_exec *X, wn_inst *I, uint32_t t, uint32_t i, uint32_t func,
                           uint32_t offset);
    void (*table_set)(wn_exec *X, wn_inst *I, uint32_t t, uint32_t i, uintptr_t v,
                      uint32_t func, uint32_t offset);
    uint32_t (*table_size)(wn_inst *I, uint32_t t);
    uint32_t (*table_grow)(wn_inst *I, uint32_t t, uintptr_t init, uint32_t n);
    void (*table_fill)(wn_exec *X, wn_inst *I, uint32_t t, uint32_t i, uintptr_t v, uint32_t n,
                       uint32_t func, uint32_t offset);
    void (*table_copy)(wn_exec *X, wn_inst *I, uint32_t dt, uint32_t st, uint32_t d, uint32_t s,
                       uint32_t n, uint32_t func, uint32_t offset);
    void (*table_init)(wn_exec *X, wn_inst *I, uint32_t t, uint32_t seg, uint32_t d, uint32_t s,
                       uint32_t n, uint32_t func, uint32_t offset);
    void (*elem_drop)(wn_inst *I, uint32_t seg);
    /* any memory instruction on a memory other than an i32 memory 0 (multi-memory,
     * memory64): exec_memx's contract, operands and result in v */
    void (*memx)(wn_exec *X, wn_inst *I, uint32_t op, uint32_t mem, uint32_t x, uint64_t off,
                 uint64_t *v, uint32_t func, uint32_t offset);
    /* exception handling. eh_push registers a try body (then setjmp(e->jb)), eh_pop
     * restores the unwind it replaced; after a landing in jb, eh_catch restores it too and
     * returns the exception, or passes anything else (a trap) on to it; eh_is tells whether
     * an exception has the module's tag `tag`, eh_values gives its values as slots */
    void (*eh_push)(wn_exec *X, wn_eh *e);
    void (*eh_pop)(wn_exec *X, wn_eh *e);
    void *(*eh_catch)(wn_exec *X, wn_eh *e);
    int (*eh_is)(wn_inst *I, void *exn, uint32_t tag);
    const uint64_t *(*eh_values)(void *exn);
    __attribute__((noreturn)) void (*eh_throw)(wn_exec *X, wn_inst *I, uint32_t tag,
                                               const uint64_t *slots, uint32_t func,
                                               uint32_t offset);
    __attribute__((noreturn)) void (*eh_rethrow)(wn_exec *X, wn_inst *I, void *exn,
                                                 uint32_t func, uint32_t offset);
    void *(*eh_get)(wn_exec *X); /* the current unwind (a function's entry keeps it) */
    void (*eh_set)(wn_exec *X, void *unwind);
    /* a function's entry found its depth D over the limit or the C stack (its sp) below
     * its floor: traps "interrupted" if the limit read 0 (an interrupt), else "call stack
     * exhausted" */
    __attribute__((noreturn)) void (*enter_slow)(wn_exec *X, wn_inst *I, uint64_t D,
                                                 uintptr_t sp, uint32_t func,
                                                 uint32_t offset);
} wn_rt;

/* An instance as compiled code sees it: built by nat_rt.c when a module with native code is
 * instantiated. */
struct wn_inst {
    uint8_t *mem0;                 /* memory 0's base (never moves), or NULL */
    _Atomic uint64_t *mem0_size;   /* its size in bytes: grows only, read relaxed */
    uint64_t **globals;            /* the value of each global (imported or own) */
    void **funcs;                  /* the weft_func of each function index */
    void **tables;                 /* the weft_table of each table index */
    const void **types;            /* each type index's canonical type, for call_indirect */
    const wn_rt *rt;
    void *inst;                    /* the weft_instance */
    uint8_t **mems;                /* every memory's base (multi-memory, memory64) */
    _Atomic uint64_t **mem_sizes;  /* and its size in bytes */
};

/* The entries of a compiled module, exported by the shared object as WN_MODULE_SYMBOL. */
typedef void (*wn_slots_fn)(wn_exec *X, wn_inst *I, uint64_t *slots);
typedef struct wn_module {
    uint32_t abi;          /* NAT_ABI_VERSION (native_io.h) of the generator */
    uint32_t nfuncs;       /* defined functions */
    void *const *entry;    /* typed C entry of each defined function */
    const wn_slots_fn *slots; /* each defined function with its arguments and results in slots */
} wn_module;

#define WN_MODULE_SYMBOL "weft_native_module"
#define WN_LIKELY(x) __builtin_expect(!!(x), 1)
#define WN_UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif
