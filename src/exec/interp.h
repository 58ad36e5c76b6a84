/*
 * interp.h - the execution context, private to exec/ (ctx.c builds it, interp.c runs on it).
 */
#ifndef WEFT_INTERP_H
#define WEFT_INTERP_H

#include <stdatomic.h>

#include "exec.h"
#include "../compile/code.h"
#include "../threads/threads.h"

/* What a call saves to return to its caller. Kept in the context, not on the C stack, so
 * that wasm recursion depth is bounded by the engine's limit and never by the host stack. */
typedef struct interp_frame {
    const code_word *ip;   /* where to continue in the caller */
    uint64_t *fp;
    const code_func *fn;
    weft_instance *inst;
} interp_frame;

/* Nested exec_invoke (host -> wasm -> host ...) uses the C stack; bound it separately. */
#define EXEC_MAX_REENTRY 1000

struct exec_ctx {
    weft_engine *engine;
    uint64_t *stack, *stack_end; /* value slots (mapped, see ctx.c) */
    size_t stack_bytes, frames_bytes;
    uint64_t *top;               /* first slot free for a nested exec_invoke */
    interp_frame *frames;
    uint32_t depth, max_depth;   /* active wasm frames, and the limit */
    uint32_t reentry;            /* nested exec_invoke calls */
    thr_cancel cancel;           /* lets another thread cancel an atomic wait of ours */
    atomic_int wake_rd, wake_wr; /* exec_enable_wake's pipe, or -1 */
    /* Stopping guests: fuel left (consume_fuel) and the epoch deadline (epoch_interruption),
     * read by the interpreter's fuel and epoch ops and by compiled code (WN_OFF_X_*) */
    uint64_t fuel;
    uint64_t deadline;
    const _Atomic uint64_t *epoch; /* the engine's epoch counter */
    _Atomic uint64_t no_epoch;     /* what epoch points at without an engine */
    /* Compiled tier (native/nat_rt.c): compiled code runs on the C stack of the calling
     * thread, down to this address at most; a trap unwinds to the innermost entry. */
    uintptr_t nat_stack_limit;
    pthread_t nat_thread;        /* the thread nat_stack_limit was computed for */
    bool nat_thread_known;
    void *nat_jmp;               /* jmp_buf * of the innermost entry, NULL outside */
    weft_error *nat_err;         /* the error being carried to it */
    uint32_t nat_top;            /* the deepest valid record (below) when a trap unwinds */
    const weft_instance *nat_inner; /* and the instance of the frame above it */
    /* max_depth as compiled code counts it (NAT_D_STEP each), or 0 while an interrupt is
     * pending: the one word that says both, so a compiled function's entry checks its depth
     * and interrupts with one compare, and its slow path tells them apart; loop headers (both
     * tiers) test it for 0 (exec_interrupt, exec_interrupt_clear) */
    _Atomic uint64_t nat_max_d;
    /* Compiled code's backtrace records, one per depth (max_depth + 1; the context is mapped
     * with them, see ctx.c). A function at depth d about to call writes its record's `site`,
     * NAT_SITE(cross, the call's module offset): one store of a constant at a fixed distance
     * from the context, since compiled code counts its depth in bytes of records (its hidden
     * parameter D is d * NAT_D_STEP). The function is the one whose code holds the offset.
     * Before a call that may leave the instance (an import, call_indirect) it also writes
     * `caller`, its wn_inst, and sets `cross`. Must stay the last member. */
    struct nat_site {
        uint32_t site;
        uint32_t unused;
        const void *caller;
    } nat_sites[];
};

#define NAT_D_STEP sizeof(struct nat_site)

/* A site record: the call's module offset (below 2 GiB; larger ones are recorded as
 * NAT_SITE_UNKNOWN) and whether the record holds the caller's instance. */
#define NAT_SITE_UNKNOWN 0x7fffffffu
#define NAT_SITE(cross, offset)                                                               \
    ((uint32_t)(cross) << 31 | ((offset) < NAT_SITE_UNKNOWN ? (uint32_t)(offset) : NAT_SITE_UNKNOWN))

/* Run fn (whose frame is set up at fp: parameters in place, locals zeroed) in inst until it
 * returns; depth counts its frame already. */
weft_error *interp_run(exec_ctx *ctx, weft_instance *inst, const code_func *fn, uint64_t *fp);

/* interp_simd.c: run the SIMD ops from ip on (each [h][its handler][operands], h the same
 * for all, see code.h) until one that is not; returns it, or the op that trapped with *trap
 * set. interp_simd_handlers gives the handler addresses, indexed from OP_v128_global_get. */
const code_word *interp_simd(const code_word *ip, uint64_t *fp, weft_instance *inst,
                             weft_memory *mem, uint64_t msize, weft_trap_code *trap,
                             const void *const **handlers);
const void *const *interp_simd_handlers(void);

/* The module byte offset of the instruction at code word index pos of fn. */
size_t interp_offset(const code_func *fn, size_t pos);

#endif
