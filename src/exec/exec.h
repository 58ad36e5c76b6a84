/*
 * exec.h - running translated code. The compile layer (compile/) turns each validated
 * function into the interpreter's own code once, at load; exec_invoke runs it.
 */
#ifndef WEFT_EXEC_H
#define WEFT_EXEC_H

#include "../runtime/runtime.h"

/* An execution stack: value slots and call frames. One per store (single-threaded). */
typedef struct exec_ctx exec_ctx;

exec_ctx *exec_ctx_new(weft_engine *e);
void exec_ctx_free(exec_ctx *ctx);

/* Call f. slots holds f's parameters on entry and its results on return; it must have room
 * for max(nparams, nresults) slots. Returns NULL or an error (a trap with the function and
 * code offset attached, or a host function's error passed through). Re-entrant: a host
 * function called from wasm may call exec_invoke again on the same ctx. */
weft_error *exec_invoke(exec_ctx *ctx, weft_func *f, uint64_t *slots);

/* Ask the running code to stop with WEFT_TRAP_INTERRUPTED at its next loop back-edge or call.
 * Safe from any thread. Also wakes a memory.atomic.wait, and a blocking host call that polls
 * exec_wake_fd. */
void exec_interrupt(exec_ctx *ctx);
/* Consume a pending interrupt (the flag, the wait's cancel record, the wake pipe): done where
 * the trap is delivered, so that the context can run again. */
void exec_interrupt_clear(exec_ctx *ctx);
/* Whether an interrupt is pending. */
bool exec_interrupted(exec_ctx *ctx);
/* Give the context a wake pipe (for interrupt handles): blocking host calls (WASI) poll its
 * read end beside their own descriptors. False when no pipe can be made. Idempotent. */
bool exec_enable_wake(exec_ctx *ctx);
/* The wake pipe's read end, readable while an interrupt is pending, or -1. */
int exec_wake_fd(exec_ctx *ctx);

/* Fuel left (weft_store_set_fuel ...) and the epoch deadline (absolute; UINT64_MAX: none). */
uint64_t *exec_fuel(exec_ctx *ctx);
void exec_set_deadline(exec_ctx *ctx, uint64_t deadline);
uint64_t exec_deadline(exec_ctx *ctx);

/* memx.c: one memory instruction (wasm opcode op; a SIMD lane op's lane in bits 24..31) on
 * any memory of inst: operands in v[] as the instruction pops them (a v128 takes two
 * slots), the result in v[0] (v[0..1] for a v128). mem2 is memory.copy's source memory and
 * memory.init's data segment. Both tiers take this path for every memory but an i32 memory
 * 0. Returns WEFT_TRAP_NONE or the trap. */
weft_trap_code exec_memx(exec_ctx *ctx, weft_instance *inst, uint32_t op, uint32_t mem,
                         uint32_t mem2, uint64_t off, uint64_t *v);

/* compile.c: translate every defined function of a validated module (fills wm_func.code). */
weft_error *compile_module(weft_module *m);
void compile_free_func(void *code);

#endif
