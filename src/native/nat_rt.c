/*
 * nat_rt.c - compiled code at run time: the services generated code calls (wn_rt), the
 * compiled-code view of an instance (wn_inst), and the entry into compiled code.
 *
 * Compiled code runs on the calling thread's C stack. Each entry (nat_invoke) sets a jmp_buf
 * in the execution context; a trap anywhere below longjmps back to the innermost entry with
 * the error. No lock is ever held across a longjmp: every service that takes one returns
 * before the generated code traps. An entry also fixes how deep the C stack may go (the
 * thread's stack less a margin for host functions and libc), and every compiled function
 * checks it on entry, so runaway recursion is a trap, never a crash.
 */
#include <pthread.h>
#include <setjmp.h>
#include <string.h>

#include "native.h"
#include "nat_abi.h"
#include "../exec/interp.h"
#include "../threads/threads.h"

/* What a host function, libc and the unwinding may need below the last compiled frame. */
#define NAT_STACK_MARGIN (256u * 1024u)

#define NAT_CTX(X) ((exec_ctx *)(void *)(X))
#define NAT_INST(I) ((weft_instance *)(I)->inst)

/* Carry e to the innermost entry; top is the deepest backtrace record (ctx->nat_sites) of a
 * frame the error leaves, and I the instance of the frame above it. */
__attribute__((noreturn)) static void nat_unwind(exec_ctx *ctx, weft_error *e, uint32_t top,
                                                 wn_inst *I)
{
    ctx->nat_err = e;
    ctx->nat_top = top;
    ctx->nat_inner = NAT_INST(I);
    longjmp(*(jmp_buf *)ctx->nat_jmp, 1);
}

/* The frames between the entry (whose function ran at depth base + 1) and nat_top join the
 * backtrace, innermost first. A frame's instance is the one above it, unless it called out
 * through an import or a table: then it recorded its own. */
static __attribute__((noinline, cold)) void nat_trace(exec_ctx *ctx, weft_error *e,
                                                      uint32_t base)
{
    const weft_instance *inner = ctx->nat_inner;
    if (weft_error_kind_of(e) != WEFT_ERR_TRAP || rt_exn_of(e)) /* exceptions: no trace */
        return;
    for (uint32_t d = ctx->nat_top; d > base && d <= ctx->max_depth; d--) {
        uint32_t site = ctx->nat_sites[d].site, offset = site & NAT_SITE_UNKNOWN;
        if (site >> 31)
            inner = ((const wn_inst *)ctx->nat_sites[d].caller)->inst;
        rt_trace_push(e, inner, rt_func_at(inner->module, offset),
                      offset == NAT_SITE_UNKNOWN ? WEFT_NO_OFFSET : offset);
    }
}

__attribute__((noreturn)) static void rt_trap_(wn_exec *X, wn_inst *I, uint32_t func,
                                               uint32_t code, uint32_t offset)
{
    exec_ctx *ctx = NAT_CTX(X);
    if (code == WEFT_TRAP_INTERRUPTED) /* delivered: the context can run again */
        exec_interrupt_clear(ctx);
    /* the generated code stored its depth before it called here */
    weft_error *e = rt_trap((weft_trap_code)code, NAT_INST(I), func, offset);
    rt_trace_push(e, NAT_INST(I), func, offset);
    nat_unwind(ctx, e, ctx->depth - 1, I);
}

static void rt_call_(wn_exec *X, wn_inst *I, void *func, uint64_t *slots, uint32_t caller,
                     uint32_t offset)
{
    exec_ctx *ctx = NAT_CTX(X);
    weft_func *f = func;
    weft_error *e;
    (void)caller;
    (void)offset;
    if (f->inst)
        e = exec_invoke(ctx, f, slots); /* an interpreted wasm function */
    else
        e = func_call_host(ctx, NAT_INST(I), f, slots);
    if (e)
        nat_unwind(ctx, e, ctx->depth, I); /* the caller's depth: WN_SYNC_DEPTH before the call */
}

static int rt_type_eq_(const void *a, const void *b) { return wm_functype_eq(a, b); }

static uint32_t rt_mem_grow_(wn_inst *I, uint32_t delta)
{
    return (uint32_t)(int32_t)memory_grow(NAT_INST(I)->mems[0], delta,
                                           NAT_INST(I)->store->limiter);
}

static void rt_check(wn_exec *X, wn_inst *I, weft_trap_code t, uint32_t func, uint32_t offset)
{
    if (t != WEFT_TRAP_NONE)
        rt_trap_(X, I, func, t, offset);
}

static void rt_mem_init_(wn_exec *X, wn_inst *I, uint32_t seg, uint32_t d, uint32_t s,
                         uint32_t n, uint32_t func, uint32_t offset)
{
    weft_instance *inst = NAT_INST(I);
    rt_check(X, I, rt_memory_init(inst->mems[0], &inst->datas[seg], d, s, n), func, offset);
}

static void rt_data_drop_(wn_inst *I, uint32_t seg) { NAT_INST(I)->datas[seg].len = 0; }

static uint32_t rt_wait_(wn_exec *X, wn_inst *I, uint64_t ea, uint64_t expected, int width,
                         int64_t timeout, uint32_t func, uint32_t offset)
{
    weft_trap_code trap = WEFT_TRAP_NONE;
    int32_t r = thr_wait(NAT_INST(I)->mems[0], ea, expected, width, timeout,
                         &NAT_CTX(X)->cancel, &trap);
    if (r < 0)
        rt_trap_(X, I, func, trap != WEFT_TRAP_NONE ? trap : WEFT_TRAP_EXPECTED_SHARED, offset);
    return (uint32_t)r;
}

static uint32_t rt_notify_(wn_inst *I, uint64_t ea, uint32_t count)
{
    return thr_notify(NAT_INST(I)->mems[0], ea, count);
}

static uintptr_t rt_table_get_(wn_exec *X, wn_inst *I, uint32_t t, uint32_t i, uint32_t func,
                               uint32_t offset)
{
    const weft_table *tab = NAT_INST(I)->tables[t];
    if (i >= tab->size)
        rt_trap_(X, I, func, WEFT_TRAP_TABLE_OOB, offset);
    return tab->elems[i];
}

static void rt_table_set_(wn_exec *X, wn_inst *I, uint32_t t, uint32_t i, uintptr_t v,
                          uint32_t func, uint32_t offset)
{
    weft_table *tab = NAT_INST(I)->tables[t];
    if (i >= tab->size)
        rt_trap_(X, I, func, WEFT_TRAP_TABLE_OOB, offset);
    tab->elems[i] = v;
}

static uint32_t rt_table_size_(wn_inst *I, uint32_t t) { return NAT_INST(I)->tables[t]->size; }

static uint32_t rt_table_grow_(wn_inst *I, uint32_t t, uintptr_t init, uint32_t n)
{
    return (uint32_t)(int32_t)table_grow(NAT_INST(I)->tables[t], n, init,
                                          NAT_INST(I)->store->limiter);
}

static void rt_table_fill_(wn_exec *X, wn_inst *I, uint32_t t, uint32_t i, uintptr_t v,
                           uint32_t n, uint32_t func, uint32_t offset)
{
    rt_check(X, I, rt_table_fill(NAT_INST(I)->tables[t], i, v, n), func, offset);
}

static void rt_table_copy_(wn_exec *X, wn_inst *I, uint32_t dt, uint32_t st, uint32_t d,
                           uint32_t s, uint32_t n, uint32_t func, uint32_t offset)
{
    weft_instance *inst = NAT_INST(I);
    rt_check(X, I, rt_table_copy(inst->tables[dt], inst->tables[st], d, s, n), func, offset);
}

static void rt_table_init_(wn_exec *X, wn_inst *I, uint32_t t, uint32_t seg, uint32_t d,
                           uint32_t s, uint32_t n, uint32_t func, uint32_t offset)
{
    weft_instance *inst = NAT_INST(I);
    rt_check(X, I, rt_table_init(inst->tables[t], &inst->elems[seg], d, s, n), func, offset);
}

static void rt_elem_drop_(wn_inst *I, uint32_t seg)
{
    rt_elem *re = &NAT_INST(I)->elems[seg];
    free(re->items);
    re->items = NULL;
    re->len = 0;
}

static void rt_memx_(wn_exec *X, wn_inst *I, uint32_t op, uint32_t mem, uint32_t x,
                     uint64_t off, uint64_t *v, uint32_t func, uint32_t offset)
{
    rt_check(X, I, exec_memx(NAT_CTX(X), NAT_INST(I), op, mem, x, off, v), func, offset);
}

/* ---- exception handling: try bodies replace the unwind target, catches restore it ---- */

static void rt_eh_push_(wn_exec *X, wn_eh *e)
{
    exec_ctx *ctx = NAT_CTX(X);
    e->saved = ctx->nat_jmp;
    ctx->nat_jmp = &e->jb;
}

static void rt_eh_pop_(wn_exec *X, wn_eh *e) { NAT_CTX(X)->nat_jmp = e->saved; }

static void *rt_eh_catch_(wn_exec *X, wn_eh *e)
{
    exec_ctx *ctx = NAT_CTX(X);
    weft_error *err = ctx->nat_err;
    weft_exn *exn = rt_exn_of(err);
    ctx->nat_jmp = e->saved;
    ctx->nat_err = NULL;
    if (!exn) { /* a trap: never caught; on with the frames its unwind recorded */
        ctx->nat_err = err;
        longjmp(*(jmp_buf *)ctx->nat_jmp, 1);
    }
    weft_error_free(err);
    return exn;
}

static int rt_eh_is_(wn_inst *I, void *exn, uint32_t tag)
{
    return NAT_INST(I)->tags[tag] == ((weft_exn *)exn)->tag;
}

static const uint64_t *rt_eh_values_(void *exn) { return ((weft_exn *)exn)->slots; }

__attribute__((noreturn)) static void rt_eh_throw_(wn_exec *X, wn_inst *I, uint32_t tag,
                                                   const uint64_t *slots, uint32_t func,
                                                   uint32_t offset)
{
    weft_instance *inst = NAT_INST(I);
    weft_exn *exn = rt_exn_new(inst->store, inst->tags[tag], slots);
    if (!exn)
        nat_unwind(NAT_CTX(X), err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory"),
                   NAT_CTX(X)->depth, I);
    exn->origin = inst;
    exn->funcidx = func;
    exn->offset = offset;
    nat_unwind(NAT_CTX(X), rt_exn_error(exn), NAT_CTX(X)->depth, I);
}

__attribute__((noreturn)) static void rt_eh_rethrow_(wn_exec *X, wn_inst *I, void *exn,
                                                     uint32_t func, uint32_t offset)
{
    if (!exn)
        rt_trap_(X, I, func, WEFT_TRAP_NULL_REF, offset);
    nat_unwind(NAT_CTX(X), rt_exn_error(exn), NAT_CTX(X)->depth, I);
}

static void *rt_eh_get_(wn_exec *X) { return NAT_CTX(X)->nat_jmp; }
static void rt_eh_set_(wn_exec *X, void *unwind) { NAT_CTX(X)->nat_jmp = unwind; }

__attribute__((noreturn)) static void rt_enter_slow_(wn_exec *X, wn_inst *I, uint64_t D,
                                                     uintptr_t sp, uint32_t func,
                                                     uint32_t offset)
{
    exec_ctx *ctx = NAT_CTX(X);
    uint64_t max = atomic_load(&ctx->nat_max_d);
    /* an entry that saw the limit at 0 stops even if the interrupt was consumed since */
    rt_trap_(X, I, func,
             max != 0 && (D > max || sp < ctx->nat_stack_limit) ? WEFT_TRAP_STACK_EXHAUSTED
                                                                 : WEFT_TRAP_INTERRUPTED,
             offset);
}

static const wn_rt nat_services = {
    rt_trap_,       rt_call_,        rt_type_eq_,    rt_mem_grow_,   rt_mem_init_,
    rt_data_drop_,  rt_wait_,        rt_notify_,     rt_table_get_,  rt_table_set_,
    rt_table_size_, rt_table_grow_,  rt_table_fill_, rt_table_copy_, rt_table_init_,
    rt_elem_drop_,  rt_memx_,        rt_eh_push_,    rt_eh_pop_,     rt_eh_catch_,
    rt_eh_is_,      rt_eh_values_,   rt_eh_throw_,   rt_eh_rethrow_, rt_eh_get_,
    rt_eh_set_,     rt_enter_slow_,
};

/* ---- instances ------------------------------------------------------------------------------ */

void nat_instance_free(weft_instance *inst)
{
    wn_inst *ni = inst->native;
    if (!ni)
        return;
    free(ni->globals);
    free(ni->funcs);
    free(ni->tables);
    free(ni->types);
    free(ni->mems);
    free(ni->mem_sizes);
    free(ni);
    inst->native = NULL;
}

weft_error *nat_instance_attach(weft_instance *inst)
{
    const weft_module *m = inst->module;
    const nat_module *nm = atomic_load_explicit(&((weft_module *)m)->native, memory_order_acquire);
    if (!nm || inst->native)
        return NULL;
    wn_inst *ni = calloc(1, sizeof *ni);
    if (!ni)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    inst->native = ni;
    ni->globals = xcalloc(m->nglobals ? m->nglobals : 1, sizeof *ni->globals);
    ni->funcs = xcalloc(m->nfuncs ? m->nfuncs : 1, sizeof *ni->funcs);
    ni->tables = xcalloc(m->ntables ? m->ntables : 1, sizeof *ni->tables);
    ni->types = xcalloc(m->ntypes ? m->ntypes : 1, sizeof *ni->types);
    ni->mems = xcalloc(m->nmems ? m->nmems : 1, sizeof *ni->mems);
    ni->mem_sizes = xcalloc(m->nmems ? m->nmems : 1, sizeof *ni->mem_sizes);
    if (!ni->globals || !ni->funcs || !ni->tables || !ni->types || !ni->mems ||
        !ni->mem_sizes) {
        nat_instance_free(inst);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    if (m->nmems) {
        ni->mem0 = inst->mems[0]->base;
        ni->mem0_size = &inst->mems[0]->size;
    }
    for (uint32_t i = 0; i < m->nmems; i++) {
        ni->mems[i] = inst->mems[i]->base;
        ni->mem_sizes[i] = &inst->mems[i]->size;
    }
    for (uint32_t i = 0; i < m->nglobals; i++)
        ni->globals[i] = &inst->globals[i]->val;
    for (uint32_t i = 0; i < m->nfuncs; i++)
        ni->funcs[i] = inst->funcs[i];
    for (uint32_t i = 0; i < m->ntables; i++)
        ni->tables[i] = inst->tables[i];
    for (uint32_t i = 0; i < m->ntypes; i++)
        ni->types[i] = &m->types[m->type_canon[i]];
    ni->rt = &nat_services;
    ni->inst = inst;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        weft_func *f = inst->funcs[i];
        f->native = nm->tab->entry[i - m->nfunc_imports];
        f->nslots = nm->tab->slots[i - m->nfunc_imports];
        f->ninst = ni;
    }
    return NULL;
}

/* ---- entering compiled code ------------------------------------------------------------------ */

/* The lowest address compiled code may use on this thread's stack. */
static uintptr_t nat_stack_floor(void)
{
    pthread_attr_t attr;
    void *lo = NULL;
    size_t size = 0;
    char here;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &lo, &size);
        pthread_attr_destroy(&attr);
    }
    if (!lo || size <= 2 * NAT_STACK_MARGIN) /* unknown: allow 1 MiB below here */
        return (uintptr_t)&here - (1u << 20);
    return (uintptr_t)lo + NAT_STACK_MARGIN;
}

/* Run f's compiled code; a trap below longjmps back here with its error. */
static weft_error *nat_run(exec_ctx *ctx, weft_func *f, uint64_t *slots)
{
    jmp_buf jb;
    void *outer = ctx->nat_jmp;
    weft_error *err = NULL;
    ctx->nat_jmp = &jb;
    if (setjmp(jb) == 0)
        f->nslots((wn_exec *)(void *)ctx, f->ninst, slots);
    else
        err = ctx->nat_err;
    ctx->nat_err = NULL;
    ctx->nat_jmp = outer;
    return err;
}

weft_error *nat_invoke(exec_ctx *ctx, weft_func *f, uint64_t *slots)
{
    if (!ctx->nat_jmp) {
        /* the outermost entry on this context: find the stack of the thread running it
         * (pthread_getattr_np reads /proc for the main thread, so only when it changes) */
        pthread_t self = pthread_self();
        if (!ctx->nat_thread_known || !pthread_equal(ctx->nat_thread, self)) {
            ctx->nat_stack_limit = nat_stack_floor();
            ctx->nat_thread = self;
            ctx->nat_thread_known = true;
        }
    }
    if (ctx->reentry >= EXEC_MAX_REENTRY)
        return rt_trap(WEFT_TRAP_STACK_EXHAUSTED, f->inst, f->index, WEFT_NO_OFFSET);
    uint32_t depth = ctx->depth; /* compiled code sets it before it calls out: restore it */
    ctx->reentry++;
    weft_error *err = nat_run(ctx, f, slots);
    if (err)
        nat_trace(ctx, err, depth);
    ctx->depth = depth;
    ctx->reentry--;
    return err;
}
