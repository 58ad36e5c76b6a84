/*
 * ctx.c - execution contexts (a value stack and a frame stack per store) and the entry
 * into the interpreter.
 */
#include <string.h>

#include "interp.h"

exec_ctx *exec_ctx_new(weft_engine *e)
{
    exec_ctx *ctx = xcalloc(1, sizeof *ctx);
    uint32_t slots = e && e->cfg.stack_slots ? e->cfg.stack_slots : 1u << 20;
    uint32_t depth = e && e->cfg.max_call_depth ? e->cfg.max_call_depth : 10000;
    if (!ctx)
        return NULL;
    ctx->engine = e;
    /* calloc: the kernel hands out the pages lazily, so a large stack costs little until used */
    ctx->stack = xcalloc(slots, sizeof *ctx->stack);
    ctx->frames = xcalloc((size_t)depth + 1, sizeof *ctx->frames);
    if (!ctx->stack || !ctx->frames) {
        exec_ctx_free(ctx);
        return NULL;
    }
    ctx->stack_end = ctx->stack + slots;
    ctx->top = ctx->stack;
    ctx->max_depth = depth;
    atomic_init(&ctx->interrupt, false);
    return ctx;
}

void exec_ctx_free(exec_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->stack);
    free(ctx->frames);
    free(ctx);
}

/* Also wakes a memory.atomic.wait in progress: a thread blocked forever would otherwise
 * never reach a back-edge. The interpreter consumes both flags when it delivers the trap, so
 * the context can run again afterwards. */
void exec_interrupt(exec_ctx *ctx)
{
    if (!ctx)
        return;
    thr_cancel_signal(&ctx->cancel);
    atomic_store_explicit(&ctx->interrupt, true, memory_order_relaxed);
}

weft_error *exec_invoke(exec_ctx *ctx, weft_func *f, uint64_t *slots)
{
    const code_func *cf;
    uint64_t *fp, *saved_top;
    uint32_t saved_depth;
    weft_error *err;

    if (!ctx || !f)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "no function to call");
    if (!f->inst)
        return func_call_host(ctx, NULL, f, slots);
    cf = f->def ? f->def->code : NULL;
    if (!cf)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "function %u has no code", f->index);
    fp = ctx->top;
    if (ctx->reentry >= EXEC_MAX_REENTRY || ctx->depth >= ctx->max_depth ||
        cf->nslots > (size_t)(ctx->stack_end - fp))
        return rt_trap(WEFT_TRAP_STACK_EXHAUSTED, f->inst, cf->funcidx, WEFT_NO_OFFSET);

    if (cf->nparams)
        memmove(fp, slots, cf->nparams * sizeof *fp);
    memset(fp + cf->nparams, 0, cf->nlocals * sizeof *fp);
    saved_top = ctx->top;
    saved_depth = ctx->depth;
    ctx->depth++;
    ctx->reentry++;
    err = interp_run(ctx, f->inst, cf, fp);
    ctx->reentry--;
    ctx->depth = saved_depth;
    ctx->top = saved_top;
    if (!err && cf->nresults)
        memmove(slots, fp, cf->nresults * sizeof *fp);
    return err;
}
