/*
 * ctx.c - execution contexts (a value stack and a frame stack per store) and the entry
 * into the interpreter.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "interp.h"
#include "../native/native.h"

/* The value and frame stacks are mapped straight from the kernel, not taken from malloc: the
 * pages stay untouched (and cost no memory) until a call goes that deep. calloc gives no such
 * promise: once the heap has grown it zeroes every byte, which made each thread's context
 * cost its whole 8 MB stack up front, or a part of it. */
static void *exec_map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* The context itself is mapped too, with the compiled tier's backtrace records at its end
 * (depth + 1 of them). */
static size_t exec_ctx_bytes(uint32_t depth)
{
    return sizeof(exec_ctx) + ((size_t)depth + 1) * sizeof(struct nat_site);
}

/* The limit word's value when no interrupt is pending: max_depth in compiled code's unit. */
static uint64_t exec_depth_limit(const exec_ctx *ctx)
{
    return (uint64_t)ctx->max_depth * NAT_D_STEP;
}

exec_ctx *exec_ctx_new(weft_engine *e)
{
    uint32_t slots = e && e->cfg.stack_slots ? e->cfg.stack_slots : 1u << 20;
    uint32_t depth = e && e->cfg.max_call_depth ? e->cfg.max_call_depth : 10000;
    exec_ctx *ctx = exec_map(exec_ctx_bytes(depth)); /* zeroed */
    if (!ctx)
        return NULL;
    ctx->engine = e;
    ctx->max_depth = depth;
    atomic_init(&ctx->nat_max_d, exec_depth_limit(ctx));
    ctx->stack_bytes = (size_t)slots * sizeof *ctx->stack;
    ctx->frames_bytes = ((size_t)depth + 1) * sizeof *ctx->frames;
    ctx->stack = exec_map(ctx->stack_bytes);
    ctx->frames = exec_map(ctx->frames_bytes);
    if (!ctx->stack || !ctx->frames) {
        exec_ctx_free(ctx);
        return NULL;
    }
    ctx->stack_end = ctx->stack + slots;
    ctx->top = ctx->stack;
    atomic_init(&ctx->wake_rd, -1);
    atomic_init(&ctx->wake_wr, -1);
    atomic_init(&ctx->no_epoch, 0);
    ctx->epoch = e ? &e->epoch : &ctx->no_epoch;
    ctx->deadline = UINT64_MAX;
    return ctx;
}

void exec_ctx_free(exec_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->stack)
        munmap(ctx->stack, ctx->stack_bytes);
    if (ctx->frames)
        munmap(ctx->frames, ctx->frames_bytes);
    if (atomic_load(&ctx->wake_rd) >= 0) {
        close(atomic_load(&ctx->wake_rd));
        close(atomic_load(&ctx->wake_wr));
    }
    munmap(ctx, exec_ctx_bytes(ctx->max_depth));
}

/* Also wakes a memory.atomic.wait in progress: a thread blocked forever would otherwise
 * never reach a back-edge. Whichever tier delivers the trap consumes both, so
 * the context can run again afterwards. */
void exec_interrupt(exec_ctx *ctx)
{
    if (!ctx)
        return;
    /* the limit word at 0 (the interrupt's flag) first: a host call that finds the pipe
     * readable checks it (seq_cst, so a call registering after our write still sees it) */
    atomic_store(&ctx->nat_max_d, 0);
    thr_cancel_signal(&ctx->cancel);
    int wr = atomic_load(&ctx->wake_wr);
    if (wr >= 0)
        (void)!write(wr, "x", 1);
}

bool exec_interrupted(exec_ctx *ctx)
{
    return ctx && atomic_load(&ctx->nat_max_d) == 0;
}

void exec_interrupt_clear(exec_ctx *ctx)
{
    char buf[16];
    if (!ctx)
        return;
    atomic_store(&ctx->nat_max_d, exec_depth_limit(ctx));
    atomic_store(&ctx->cancel.flag, 0);
    int rd = atomic_load(&ctx->wake_rd);
    if (rd >= 0)
        while (read(rd, buf, sizeof buf) > 0)
            ;
}

bool exec_enable_wake(exec_ctx *ctx)
{
    int p[2];
    if (!ctx)
        return false;
    if (atomic_load(&ctx->wake_rd) >= 0)
        return true;
    if (pipe(p) != 0)
        return false;
    for (int i = 0; i < 2; i++) {
        fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
        fcntl(p[i], F_SETFD, FD_CLOEXEC);
    }
    atomic_store(&ctx->wake_rd, p[0]);
    atomic_store(&ctx->wake_wr, p[1]);
    if (atomic_load(&ctx->nat_max_d) == 0) /* an interrupt that came first: keep it visible */
        (void)!write(p[1], "x", 1);
    return true;
}

int exec_wake_fd(exec_ctx *ctx)
{
    return ctx ? atomic_load(&ctx->wake_rd) : -1;
}

uint64_t *exec_fuel(exec_ctx *ctx) { return &ctx->fuel; }
void exec_set_deadline(exec_ctx *ctx, uint64_t deadline) { ctx->deadline = deadline; }
uint64_t exec_deadline(exec_ctx *ctx) { return ctx->deadline; }

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
    if (f->nslots)
        return nat_invoke(ctx, f, slots);
    cf = f->def ? f->def->code : NULL;
    if (cf && atomic_load_explicit(&cf->tier_up, memory_order_relaxed) &&
        nat_tier_ready(f->inst, f))
        return nat_invoke(ctx, f, slots);
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
