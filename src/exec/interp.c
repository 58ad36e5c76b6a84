/*
 * interp.c - the dispatch loop. Direct threading: every instruction word holds the address of
 * its handler's label, so dispatch is one indirect jump (`goto *ip->h`). Operands are frame
 * slots named by the instruction (register style), so no operand stack pointer is kept.
 *
 * The hot state lives in locals: ip, fp, the current function and instance, memory 0's base
 * and a cached copy of its size, and the top of the frame stack. The cached size is only a
 * lower bound: memories never shrink, so an access that fits the cached size is in bounds, and
 * an access that does not re-reads the size (another thread may have grown a shared memory,
 * or a callee any memory) before it traps. The base never moves.
 *
 * wasm -> wasm calls do not recurse in C: the caller's state goes to ctx->frames and the loop
 * continues in the callee. The frame stack's top lives in a local (fr) and is written back to
 * ctx->depth only where someone else looks at it: before a host call (which may re-enter
 * exec_invoke on the same context) and on the way out.
 */
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "interp.h"
#include "numeric.h"
#include "../native/native.h"

size_t interp_offset(const code_func *fn, size_t pos)
{
    size_t lo = 0, hi = fn->nmap;
    if (!fn->nmap || fn->map[0][0] > pos)
        return WEFT_NO_OFFSET;
    /* the last entry whose code index is <= pos */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (fn->map[mid][0] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return fn->map[lo][1];
}

/* A trap leaving this run of the loop: its frames join the backtrace, innermost first. The
 * current function is at ip (the trapping instruction, or the call an error came out of);
 * each saved frame resumes after its call, so the call is the word before. */
static __attribute__((noinline, cold)) void interp_trace(weft_error *err, weft_instance *inst,
                                                        const code_func *fn,
                                                        const code_word *ip,
                                                        const interp_frame *fr,
                                                        const interp_frame *fr_base)
{
    if (weft_error_kind_of(err) != WEFT_ERR_TRAP)
        return;
    rt_trace_push(err, inst, fn->funcidx, interp_offset(fn, (size_t)(ip - fn->code)));
    while (fr-- > fr_base)
        rt_trace_push(err, fr->inst, fr->fn->funcidx,
                      interp_offset(fr->fn, (size_t)(fr->ip - 1 - fr->fn->code)));
}

/* br_table reads its packed offsets as an array of 32-bit fields */
_Static_assert(sizeof(code_word) == 8 && offsetof(code_word, p.a) == 0 &&
                   offsetof(code_word, p.b) == 4,
               "code_word: two 32-bit fields, a then b");

/* Operand fields of the current instruction (see code.h for each op's layout). */
#define A1 (ip[1].p.a)
#define B1 (ip[1].p.b)
#define A2 (ip[2].p.a)
#define B2 (ip[2].p.b)
#define U2 (ip[2].u)
#define A3 (ip[3].p.a)
#define NEXT() goto *ip->h
#define TRAP(code)                                                                            \
    do {                                                                                      \
        trap = (code);                                                                        \
        goto do_trap;                                                                         \
    } while (0)
#define MEMSIZE() atomic_load_explicit(&mem->size, memory_order_relaxed)
#define INTERRUPTED() (atomic_load_explicit(&ctx->nat_max_d, memory_order_relaxed) == 0)
#define LOAD_INST()                                                                           \
    do {                                                                                      \
        mem = inst->module->nmems ? inst->mems[0] : NULL;                                     \
        mbase = mem ? mem->base : NULL;                                                       \
        msize = mem ? MEMSIZE() : 0;                                                          \
    } while (0)
/* Zero a callee's declared locals. Small counts get inline stores: a call to memset costs
 * more than the stores themselves, and spills the loop's registers around it. */
#define ZERO_LOCALS(cf)                                                                       \
    do {                                                                                      \
        uint64_t *z_ = fp + (cf)->nparams;                                                    \
        switch ((cf)->nlocals) {                                                              \
        default: memset(z_, 0, (cf)->nlocals * sizeof *z_); break;                            \
        case 4: z_[3] = 0; /* fall through */                                                 \
        case 3: z_[2] = 0; /* fall through */                                                 \
        case 2: z_[1] = 0; /* fall through */                                                 \
        case 1: z_[0] = 0; /* fall through */                                                 \
        case 0: break;                                                                        \
        }                                                                                     \
    } while (0)
#define SYNC_DEPTH() (ctx->depth = (uint32_t)(fr - ctx->frames))
/* call_indirect's callee into f: element fp[B1] of table A2, of the type ip[3] */
#define INDIRECT_CALLEE()                                                                     \
    do {                                                                                      \
        const weft_table *t_ = inst->tables[A2];                                              \
        uint32_t i_ = (uint32_t)fp[B1];                                                       \
        if (i_ >= t_->size)                                                                   \
            TRAP(WEFT_TRAP_UNDEFINED_ELEMENT);                                                \
        f = (weft_func *)t_->elems[i_];                                                       \
        if (!f)                                                                               \
            TRAP(WEFT_TRAP_UNINITIALIZED_ELEMENT);                                            \
        if (f->type != ip[3].ptr && !wm_functype_eq(f->type, ip[3].ptr))                      \
            TRAP(WEFT_TRAP_INDIRECT_TYPE);                                                    \
    } while (0)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
/* Is [ea, ea + n) outside memory 0? Consults the real size only when the cached one says so. */
#define OUT_OF_BOUNDS(ea, n)                                                                  \
    (UNLIKELY((ea) + (n) > msize) && ((msize = mem ? MEMSIZE() : 0), (ea) + (n) > msize))

/* Integer binops: the register form and the immediate form. */
#define BIN32(name, expr)                                                                     \
    op_##name: {                                                                              \
        uint32_t a = (uint32_t)fp[B1], b = (uint32_t)fp[A2];                                  \
        fp[A1] = (uint32_t)(expr);                                                            \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }                                                                                         \
    op_##name##_ri: {                                                                         \
        uint32_t a = (uint32_t)fp[B1], b = (uint32_t)U2;                                      \
        fp[A1] = (uint32_t)(expr);                                                            \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define BIN64(name, expr)                                                                     \
    op_##name: {                                                                              \
        uint64_t a = fp[B1], b = fp[A2];                                                      \
        fp[A1] = (uint64_t)(expr);                                                            \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }                                                                                         \
    op_##name##_ri: {                                                                         \
        uint64_t a = fp[B1], b = U2;                                                          \
        fp[A1] = (uint64_t)(expr);                                                            \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
/* An i32 binop whose second operand is shifted first (k reduced mod 32 by the compiler), in
 * its three shift forms. */
#define SHOP1(label, expr)                                                                    \
    label: {                                                                                  \
        uint32_t a = (uint32_t)fp[B1], x = (uint32_t)fp[A2], k = B2;                          \
        fp[A1] = (uint32_t)(expr);                                                            \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define SHOP(name, OP)                                                                        \
    SHOP1(op_i32_##name##_shl, a OP (x << k))                                                 \
    SHOP1(op_i32_##name##_shr_u, a OP (x >> k))                                               \
    SHOP1(op_i32_##name##_rotl, a OP num_rotl32(x, k))
/* Division and remainder: T the operands' type, W the slot's width. */
#define DIVOP(name, T, W, overflow, expr)                                                     \
    op_##name: {                                                                              \
        T a = (T)fp[B1], b = (T)fp[A2];                                                       \
        if (b == 0)                                                                           \
            TRAP(WEFT_TRAP_DIV_ZERO);                                                         \
        if (overflow)                                                                         \
            TRAP(WEFT_TRAP_INT_OVERFLOW);                                                     \
        fp[A1] = (W)(expr);                                                                   \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define FBIN32(name, expr)                                                                    \
    op_##name: {                                                                              \
        float a = num_f32(fp[B1]), b = num_f32(fp[A2]);                                       \
        fp[A1] = (expr);                                                                      \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define FBIN64(name, expr)                                                                    \
    op_##name: {                                                                              \
        double a = num_f64(fp[B1]), b = num_f64(fp[A2]);                                      \
        fp[A1] = (expr);                                                                      \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
/* Unops: x is the operand slot. */
#define UN(name, expr)                                                                        \
    op_##name: {                                                                              \
        uint64_t x = fp[B1];                                                                  \
        fp[A1] = (expr);                                                                      \
        ip += 2;                                                                              \
        NEXT();                                                                               \
    }
#define TRUNC(name, F, T, conv, wide)                                                         \
    op_##name: {                                                                              \
        T r;                                                                                  \
        weft_trap_code t = num_##name(conv(fp[B1]), &r);                                      \
        if (t != WEFT_TRAP_NONE)                                                              \
            TRAP(t);                                                                          \
        fp[A1] = (wide)r;                                                                     \
        ip += 2;                                                                              \
        NEXT();                                                                               \
    }
/* Memory: effective address in 64 bits, checked against the current size. */
#define EA(addr_slot, n)                                                                      \
    uint64_t ea = (uint64_t)(uint32_t)fp[addr_slot] + A2;                                     \
    if (OUT_OF_BOUNDS(ea, n))                                                                 \
        TRAP(WEFT_TRAP_MEMORY_OOB)
#define LOAD(name, T, conv)                                                                   \
    op_##name: {                                                                              \
        T v;                                                                                  \
        EA(B1, sizeof v);                                                                     \
        memcpy(&v, mbase + ea, sizeof v);                                                     \
        fp[A1] = (conv);                                                                      \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
/* A load in its five forms: plain, with an i32.add of a slot (_x) or a constant (_xi) fused
 * into the address, and with a scaled index (_xs, _sxi: four words, the shift count in the
 * last). Every sum wraps at 32 bits, as the fused i32 ops would. */
#define LOAD_SUM(T, conv, sum, words)                                                         \
    {                                                                                         \
        T v;                                                                                  \
        uint64_t ea = (uint64_t)(uint32_t)(sum) + B2;                                         \
        if (OUT_OF_BOUNDS(ea, sizeof v))                                                      \
            TRAP(WEFT_TRAP_MEMORY_OOB);                                                       \
        memcpy(&v, mbase + ea, sizeof v);                                                     \
        fp[A1] = (conv);                                                                      \
        ip += (words);                                                                        \
        NEXT();                                                                               \
    }
#define LOAD3(name, T, conv)                                                                  \
    LOAD(name, T, conv)                                                                       \
    op_##name##_x: LOAD_SUM(T, conv, fp[B1] + fp[A2], 3)                                      \
    op_##name##_xi: LOAD_SUM(T, conv, fp[B1] + A2, 3)                                         \
    op_##name##_xs: LOAD_SUM(T, conv, (uint32_t)fp[B1] + ((uint32_t)fp[A2] << A3), 4)         \
    op_##name##_sxi: LOAD_SUM(T, conv, ((uint32_t)fp[B1] << A3) + A2, 4)
/* Stores likewise; the value is in A2 for the fused forms. */
#define STORE_SUM(T, sum)                                                                     \
    {                                                                                         \
        T v = (T)fp[A2];                                                                      \
        uint64_t ea = (uint64_t)(uint32_t)(sum) + B2;                                         \
        if (OUT_OF_BOUNDS(ea, sizeof v))                                                      \
            TRAP(WEFT_TRAP_MEMORY_OOB);                                                       \
        memcpy(mbase + ea, &v, sizeof v);                                                     \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define STORE(name, T)                                                                        \
    op_##name: {                                                                              \
        T v = (T)fp[B1];                                                                      \
        EA(A1, sizeof v);                                                                     \
        memcpy(mbase + ea, &v, sizeof v);                                                     \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }                                                                                         \
    op_##name##_x: STORE_SUM(T, fp[A1] + fp[B1])                                              \
    op_##name##_xi: STORE_SUM(T, fp[A1] + B1)

#define AEA(addr_slot, off, n)                                                                \
    uint64_t ea = (uint64_t)(uint32_t)fp[addr_slot] + (off);                                  \
    if (OUT_OF_BOUNDS(ea, n))                                                                 \
        TRAP(WEFT_TRAP_MEMORY_OOB);                                                           \
    if (ea & ((n) - 1))                                                                       \
        TRAP(WEFT_TRAP_UNALIGNED_ATOMIC)
#define ALOAD(name, T)                                                                        \
    op_##name: {                                                                              \
        AEA(B1, A2, sizeof(T));                                                               \
        fp[A1] = atomic_load((_Atomic T *)(void *)(mbase + ea));                              \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define ASTORE(name, T)                                                                       \
    op_##name: {                                                                              \
        AEA(A1, A2, sizeof(T));                                                               \
        atomic_store((_Atomic T *)(void *)(mbase + ea), (T)fp[B1]);                           \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define RMW(name, T, fn)                                                                      \
    op_##name: {                                                                              \
        AEA(B1, B2, sizeof(T));                                                               \
        fp[A1] = fn((_Atomic T *)(void *)(mbase + ea), (T)fp[A2]);                            \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }
#define RMW_ALL(op, fn)                                                                       \
    RMW(rmw8_##op, uint8_t, fn) RMW(rmw16_##op, uint16_t, fn)                                 \
    RMW(rmw32_##op, uint32_t, fn) RMW(rmw64_##op, uint64_t, fn)
#define CMPXCHG(name, T)                                                                      \
    op_##name: {                                                                              \
        T expected = (T)fp[A2];                                                               \
        AEA(B1, ip[3].p.a, sizeof(T));                                                        \
        atomic_compare_exchange_strong((_Atomic T *)(void *)(mbase + ea), &expected,          \
                                       (T)fp[B2]);                                            \
        fp[A1] = expected;                                                                    \
        ip += 4;                                                                              \
        NEXT();                                                                               \
    }

/* Compare-and-branch: the register and the immediate form. A back edge checks for an
 * interrupt, as br_back does. */
#define BRC_TAKE()                                                                            \
    do {                                                                                      \
        int32_t off = (int32_t)B1;                                                            \
        if (off < 0 && INTERRUPTED())                                                         \
            TRAP(WEFT_TRAP_INTERRUPTED);                                                      \
        ip += off;                                                                            \
        NEXT();                                                                               \
    } while (0)
#define BRC(name, T, rel)                                                                     \
    op_brc_##name: {                                                                          \
        T a = (T)fp[A1], b = (T)fp[A2];                                                       \
        if (rel)                                                                              \
            BRC_TAKE();                                                                       \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }                                                                                         \
    op_brc_##name##_ri: {                                                                     \
        T a = (T)fp[A1], b = (T)U2;                                                           \
        if (rel)                                                                              \
            BRC_TAKE();                                                                       \
        ip += 3;                                                                              \
        NEXT();                                                                               \
    }

/* ---- exceptions: out of the loop, which runs as if they did not exist until one is thrown ---- */

__attribute__((noinline, cold)) static weft_exn *interp_new_exn(weft_instance *inst,
                                                               const code_func *fn,
                                                               const code_word *ip,
                                                               const uint64_t *vals,
                                                               uint32_t tag)
{
    weft_exn *exn = rt_exn_new(inst->store, inst->tags[tag], vals);
    if (exn) {
        exn->origin = inst;
        exn->funcidx = fn->funcidx;
        exn->offset = interp_offset(fn, (size_t)(ip - fn->code));
    }
    return exn;
}

/* Where the loop is: what unwinding reads and changes. */
typedef struct interp_pos {
    const code_word *ip;
    uint64_t *fp;
    const code_func *fn;
    weft_instance *inst;
    interp_frame *fr;
} interp_pos;

/* exn reached the instruction at p->ip: find the innermost handler of that frame which
 * takes it, else leave the frame as a return would and look again at its call. True with p
 * at the handler's code (its values delivered); false when exn leaves this run's frames. */
__attribute__((noinline, cold)) static bool interp_unwind(weft_exn *exn, interp_pos *p,
                                                         const interp_frame *fr_base)
{
    for (;;) {
        const code_func *fn = p->fn;
        size_t pos = (size_t)(p->ip - fn->code);
        uint32_t limit = UINT16_MAX;
        for (uint32_t i = 0; i < fn->nhandlers; i++) {
            const code_handler *h = &fn->handlers[i];
            if (pos < h->start || pos >= h->end || h->level > limit)
                continue;
            if (h->kind == CODE_H_DELEGATE) {
                if (h->pad == CODE_NO_PAD)
                    break;
                pos = h->pad;
                limit = h->limit;
                i = (uint32_t)-1; /* from the innermost again, at the delegate's target */
                continue;
            }
            if (h->tag != CODE_CATCH_ALL && p->inst->tags[h->tag] != exn->tag)
                continue;
            uint32_t k = 0;
            if (h->tag != CODE_CATCH_ALL) {
                memcpy(p->fp + h->dst, exn->slots, exn->nslots * sizeof *p->fp);
                k = exn->nslots;
            }
            if (h->kind == CODE_H_CATCH_REF)
                p->fp[h->dst + k] = (uintptr_t)exn;
            if (h->exn_slot != CODE_NO_SLOT)
                p->fp[h->exn_slot] = (uintptr_t)exn;
            p->ip = fn->code + h->pad;
            return true;
        }
        if (p->fr == fr_base)
            return false;
        p->fr--;
        p->ip = p->fr->ip - 1; /* inside the call instruction */
        p->fp = p->fr->fp;
        p->fn = p->fr->fn;
        p->inst = p->fr->inst;
    }
}

#define CODE_LABEL_(n) &&op_##n,
#define CODE_LABEL_BR_(n) &&op_brc_##n, &&op_brc_##n##_ri,
#define CODE_LABEL_LDX_(n) &&op_##n##_x, &&op_##n##_xi,
#define CODE_LABEL_RI_(n) &&op_##n, &&op_##n##_ri,
#define CODE_LABEL_SHOP_(n) &&op_i32_##n##_shl, &&op_i32_##n##_shr_u, &&op_i32_##n##_rotl,
#define CODE_LABEL_LDS_(n) &&op_##n##_xs, &&op_##n##_sxi,
/* every SIMD op enters interp_simd.c's own loop through op_simd */
#define CODE_LABEL_V128_(n) &&op_simd,
#define CODE_LABEL_SIMD_(sub, name, text, shape, n, t) &&op_simd,

static weft_error *interp_loop(exec_ctx *ctx, weft_instance *inst, const code_func *fn,
                               uint64_t *fp, const void *const **handlers)
{
    static const void *const labels[OP_COUNT_] = {
        CODE_OPS(CODE_LABEL_)
        CODE_OPS_RI(CODE_LABEL_RI_)
        CODE_OPS_BR(CODE_LABEL_BR_)
        CODE_OPS_LDX(CODE_LABEL_LDX_)
        CODE_OPS_STX(CODE_LABEL_LDX_)
        CODE_OPS_SHOP(CODE_LABEL_SHOP_)
        CODE_OPS_LDS(CODE_LABEL_LDS_)
        CODE_OPS_EXTRA(CODE_LABEL_)
        CODE_OPS_V128(CODE_LABEL_V128_)
        SIMD_OPS(CODE_LABEL_SIMD_)
    };
    const code_word *ip, *next_ip;
    weft_memory *mem;
    uint8_t *mbase;
    uint64_t msize;                       /* memory 0's size, a lower bound (see above) */
    interp_frame *fr, *fr_base, *fr_limit; /* frame stack: top, this run's bottom, the end */
    uint32_t base_depth;
    weft_trap_code trap;
    unsigned wait_width; /* 4 or 8: which memory.atomic.wait entry point was taken */
    weft_error *err;
    weft_func *f;
    uint64_t *nfp;
    weft_exn *exn;

    if (handlers) {
        *handlers = labels;
        return NULL;
    }
    base_depth = ctx->depth;
    fr = fr_base = ctx->frames + base_depth;
    fr_limit = ctx->frames + ctx->max_depth;
    ip = fn->code;
    LOAD_INST();
    NEXT();

    /* -------------------------------------------------------------------------------------- */
    /* control */
op_unreachable:
    TRAP(WEFT_TRAP_UNREACHABLE);
op_br:
    ip += (int32_t)A1;
    NEXT();
op_br_back:
    if (INTERRUPTED())
        TRAP(WEFT_TRAP_INTERRUPTED);
    ip += (int32_t)A1;
    NEXT();
op_br_if:
    ip += (uint32_t)fp[A1] ? (int32_t)B1 : 2;
    NEXT();
op_br_unless:
    ip += (uint32_t)fp[A1] ? 2 : (int32_t)B1;
    NEXT();
op_br_if_back:
    if ((uint32_t)fp[A1]) {
        if (INTERRUPTED())
            TRAP(WEFT_TRAP_INTERRUPTED);
        ip += (int32_t)B1;
    } else {
        ip += 2;
    }
    NEXT();
op_br_table: {
    /* The offsets are packed two to a word, a then b, so offset i is the i-th 32-bit field
     * from word 2 on: one load, no test of i's parity (a branch the index decides, which
     * mispredicted as often as the index changed). */
    uint32_t i = (uint32_t)fp[A1], n = B1;
    int32_t off;
    if (i > n)
        i = n;
    memcpy(&off, (const unsigned char *)(ip + 2) + sizeof off * i, sizeof off);
    ip += off;
    NEXT();
}
op_ret1:
    fp[0] = fp[A1];
    /* fall through */
op_ret: {
    if (fr == fr_base) {
        SYNC_DEPTH();
        return NULL;
    }
    --fr;
    ip = fr->ip;
    fp = fr->fp;
    fn = fr->fn;
    if (fr->inst != inst) {
        inst = fr->inst;
        LOAD_INST();
    }
    NEXT();
}
op_call_tiered: {
    /* tiered execution: once the callee has native code, the call goes there (modules
     * without tiering are translated to op_call and never pay for this test) */
    const code_func *cf = ip[2].ptr;
    if (UNLIKELY(atomic_load_explicit(&cf->tier_up, memory_order_relaxed)) &&
        nat_tier_ready(inst, (f = inst->funcs[cf->funcidx]))) {
        nfp = fp + A1;
        next_ip = ip + 3;
        goto call_func;
    }
}
    /* fall through */
op_call: {
    const code_func *cf = ip[2].ptr;
    nfp = fp + A1;
    if (fr >= fr_limit || cf->nslots > (size_t)(ctx->stack_end - nfp))
        TRAP(WEFT_TRAP_STACK_EXHAUSTED);
    if (INTERRUPTED())
        TRAP(WEFT_TRAP_INTERRUPTED);
    fr->ip = ip + 3;
    fr->fp = fp;
    fr->fn = fn;
    fr->inst = inst;
    fr++;
    fp = nfp;
    fn = cf;
    ZERO_LOCALS(cf);
    ip = cf->code;
    NEXT();
}
op_call_ext:
    f = inst->funcs[B1];
    nfp = fp + A1;
    next_ip = ip + 2;
    goto call_func;
op_call_indirect:
    INDIRECT_CALLEE();
    nfp = fp + A1;
    next_ip = ip + 4;
    goto call_func;
op_call_ref:
    f = (weft_func *)(uintptr_t)fp[B1];
    if (!f)
        TRAP(WEFT_TRAP_NULL_FUNC_REF);
    nfp = fp + A1;
    next_ip = ip + 2;
    goto call_func;
op_ref_as_non_null:
    if (!fp[A1])
        TRAP(WEFT_TRAP_NULL_REF);
    ip += 2;
    NEXT();

    /* Tail calls: the callee takes over this frame. Its arguments move down to fp[0..] and
     * no frame is pushed, so a chain of tail calls runs in constant space. A host function
     * or compiled code is called as usual, and its results are returned at once. */
op_return_call: {
    const code_func *cf = ip[2].ptr;
    if (cf->nslots > (size_t)(ctx->stack_end - fp))
        TRAP(WEFT_TRAP_STACK_EXHAUSTED);
    if (INTERRUPTED())
        TRAP(WEFT_TRAP_INTERRUPTED);
    memmove(fp, fp + A1, (size_t)cf->nparams * sizeof *fp);
    fn = cf;
    ZERO_LOCALS(cf);
    ip = cf->code;
    NEXT();
}
op_return_call_ext:
    f = inst->funcs[B1];
    goto tail_func;
op_return_call_indirect:
    INDIRECT_CALLEE();
    goto tail_func;
op_return_call_ref:
    f = (weft_func *)(uintptr_t)fp[B1];
    if (!f)
        TRAP(WEFT_TRAP_NULL_FUNC_REF);
tail_func:
    nfp = fp + A1;
    if (INTERRUPTED())
        TRAP(WEFT_TRAP_INTERRUPTED);
    if (!f->inst || f->nslots) {
        uint64_t *saved_top = ctx->top;
        uint32_t np = wm_param_slots(f->type), nr = wm_result_slots(f->type);
        ctx->top = nfp + (np > nr ? np : nr);
        SYNC_DEPTH();
        err = f->inst ? nat_invoke(ctx, f, nfp) : func_call_host(ctx, inst, f, nfp);
        ctx->top = saved_top;
        if (err)
            goto do_error;
        memmove(fp, nfp, (size_t)nr * sizeof *fp);
        goto op_ret;
    } else {
        const code_func *cf = f->def->code;
        if (cf->nslots > (size_t)(ctx->stack_end - fp))
            TRAP(WEFT_TRAP_STACK_EXHAUSTED);
        memmove(fp, nfp, (size_t)cf->nparams * sizeof *fp);
        if (f->inst != inst) {
            inst = f->inst;
            LOAD_INST();
        }
        fn = cf;
        ZERO_LOCALS(cf);
        ip = cf->code;
        NEXT();
    }
call_func:
    if (INTERRUPTED())
        TRAP(WEFT_TRAP_INTERRUPTED);
    if (!f->inst || f->nslots) {
        /* a host function, or compiled code: a nested exec_invoke must start above its
         * slots */
        uint64_t *saved_top = ctx->top;
        uint32_t np = wm_param_slots(f->type), nr = wm_result_slots(f->type);
        uint32_t n = np > nr ? np : nr;
        ctx->top = nfp + n;
        SYNC_DEPTH();
        err = f->inst ? nat_invoke(ctx, f, nfp) : func_call_host(ctx, inst, f, nfp);
        ctx->top = saved_top;
        if (err) {
            /* a wasm exception may be caught here (the call is in ip's try bodies) */
            if (!(exn = rt_exn_of(err)))
                goto do_error;
            weft_error_free(err);
            goto do_throw;
        }
        ip = next_ip;
        NEXT();
    } else {
        const code_func *cf = f->def->code;
        if (fr >= fr_limit || cf->nslots > (size_t)(ctx->stack_end - nfp))
            TRAP(WEFT_TRAP_STACK_EXHAUSTED);
        fr->ip = next_ip;
        fr->fp = fp;
        fr->fn = fn;
        fr->inst = inst;
        fr++;
        if (f->inst != inst) {
            inst = f->inst;
            LOAD_INST();
        }
        fp = nfp;
        fn = cf;
        ZERO_LOCALS(cf);
        ip = cf->code;
        NEXT();
    }

    /* -------------------------------------------------------------------------------------- */
    /* exceptions */
op_throw:
    if (!(exn = interp_new_exn(inst, fn, ip, fp + A1, B1)))
        TRAP(WEFT_TRAP_STACK_EXHAUSTED); /* out of memory */
    goto do_throw;
op_throw_ref:
    if (!(exn = (weft_exn *)(uintptr_t)fp[A1]))
        TRAP(WEFT_TRAP_NULL_REF);
    goto do_throw;
do_throw: {
    /* out of line, so that the loop's registers stay as they were without exceptions */
    interp_pos p = {ip, fp, fn, inst, fr};
    if (!interp_unwind(exn, &p, fr_base)) {
        err = rt_exn_error(exn);
        goto do_error;
    }
    ip = p.ip;
    fp = p.fp;
    fn = p.fn;
    fr = p.fr;
    if (p.inst != inst) {
        inst = p.inst;
        LOAD_INST();
    }
    NEXT();
}

    /* -------------------------------------------------------------------------------------- */
    /* moves, constants, variables, references */
op_mov:
    fp[A1] = fp[B1];
    ip += 2;
    NEXT();
op_konst:
    fp[A1] = U2;
    ip += 3;
    NEXT();
op_select:
    fp[A1] = (uint32_t)fp[B1] ? fp[A2] : fp[B2];
    ip += 3;
    NEXT();
op_global_get:
    fp[A1] = inst->globals[B1]->val;
    ip += 2;
    NEXT();
op_global_set:
    inst->globals[B1]->val = fp[A1];
    ip += 2;
    NEXT();
op_ref_func:
    fp[A1] = (uintptr_t)inst->funcs[B1];
    ip += 2;
    NEXT();
    UN(ref_is_null, x == 0)

    /* -------------------------------------------------------------------------------------- */
    /* integer arithmetic */
    BIN32(i32_add, a + b)
    BIN32(i32_sub, a - b)
    BIN32(i32_mul, a * b)
    BIN32(i32_and, a & b)
    BIN32(i32_or, a | b)
    BIN32(i32_xor, a ^ b)
    BIN32(i32_shl, a << (b & 31))
    BIN32(i32_shr_s, num_shr_s32(a, b))
    BIN32(i32_shr_u, a >> (b & 31))
    BIN32(i32_rotl, num_rotl32(a, b))
    BIN32(i32_rotr, num_rotr32(a, b))
    BIN32(i32_eq, a == b)
    BIN32(i32_ne, a != b)
    BIN32(i32_lt_s, (int32_t)a < (int32_t)b)
    BIN32(i32_lt_u, a < b)
    BIN32(i32_gt_s, (int32_t)a > (int32_t)b)
    BIN32(i32_gt_u, a > b)
    BIN32(i32_le_s, (int32_t)a <= (int32_t)b)
    BIN32(i32_le_u, a <= b)
    BIN32(i32_ge_s, (int32_t)a >= (int32_t)b)
    BIN32(i32_ge_u, a >= b)
    BIN64(i64_add, a + b)
    BIN64(i64_sub, a - b)
    BIN64(i64_mul, a * b)
    BIN64(i64_and, a & b)
    BIN64(i64_or, a | b)
    BIN64(i64_xor, a ^ b)
    BIN64(i64_shl, a << (b & 63))
    BIN64(i64_shr_s, num_shr_s64(a, b))
    BIN64(i64_shr_u, a >> (b & 63))
    BIN64(i64_rotl, num_rotl64(a, b))
    BIN64(i64_rotr, num_rotr64(a, b))
    BIN64(i64_eq, a == b)
    BIN64(i64_ne, a != b)
    BIN64(i64_lt_s, (int64_t)a < (int64_t)b)
    BIN64(i64_lt_u, a < b)
    BIN64(i64_gt_s, (int64_t)a > (int64_t)b)
    BIN64(i64_gt_u, a > b)
    BIN64(i64_le_s, (int64_t)a <= (int64_t)b)
    BIN64(i64_le_u, a <= b)
    BIN64(i64_ge_s, (int64_t)a >= (int64_t)b)
    BIN64(i64_ge_u, a >= b)

    SHOP(add, +)
    SHOP(sub, -)
    SHOP(and, &)
    SHOP(or, |)
    SHOP(xor, ^)
op_i32_add_shl_ri:
    fp[A1] = (uint32_t)((uint32_t)fp[B1] + A3 + ((uint32_t)fp[A2] << B2));
    ip += 4;
    NEXT();
op_fuel:
    /* one subtraction that sets the carry (undone on the way out) */
    if (UNLIKELY(__builtin_sub_overflow(ctx->fuel, A1, &ctx->fuel))) {
        ctx->fuel += A1;
        TRAP(WEFT_TRAP_OUT_OF_FUEL);
    }
    ip += 2;
    NEXT();
op_epoch:
    if (UNLIKELY(atomic_load_explicit(ctx->epoch, memory_order_relaxed) >= ctx->deadline))
        TRAP(WEFT_TRAP_INTERRUPTED);
    ip += 1;
    NEXT();
op_i32_shl_add_ri:
    fp[A1] = (uint32_t)(((uint32_t)fp[B1] << B2) + A2);
    ip += 3;
    NEXT();

    BRC(i32_eq, uint32_t, a == b)
    BRC(i32_ne, uint32_t, a != b)
    BRC(i32_lt_s, uint32_t, (int32_t)a < (int32_t)b)
    BRC(i32_lt_u, uint32_t, a < b)
    BRC(i32_gt_s, uint32_t, (int32_t)a > (int32_t)b)
    BRC(i32_gt_u, uint32_t, a > b)
    BRC(i32_le_s, uint32_t, (int32_t)a <= (int32_t)b)
    BRC(i32_le_u, uint32_t, a <= b)
    BRC(i32_ge_s, uint32_t, (int32_t)a >= (int32_t)b)
    BRC(i32_ge_u, uint32_t, a >= b)
    BRC(i64_eq, uint64_t, a == b)
    BRC(i64_ne, uint64_t, a != b)
    BRC(i64_lt_s, uint64_t, (int64_t)a < (int64_t)b)
    BRC(i64_lt_u, uint64_t, a < b)
    BRC(i64_gt_s, uint64_t, (int64_t)a > (int64_t)b)
    BRC(i64_gt_u, uint64_t, a > b)
    BRC(i64_le_s, uint64_t, (int64_t)a <= (int64_t)b)
    BRC(i64_le_u, uint64_t, a <= b)
    BRC(i64_ge_s, uint64_t, (int64_t)a >= (int64_t)b)
    BRC(i64_ge_u, uint64_t, a >= b)

    DIVOP(i32_div_s, int32_t, uint32_t, a == INT32_MIN && b == -1, a / b)
    DIVOP(i32_div_u, uint32_t, uint32_t, false, a / b)
    DIVOP(i32_rem_s, int32_t, uint32_t, false, b == -1 ? 0 : a % b) /* INT_MIN % -1 is UB in C */
    DIVOP(i32_rem_u, uint32_t, uint32_t, false, a % b)
    DIVOP(i64_div_s, int64_t, uint64_t, a == INT64_MIN && b == -1, a / b)
    DIVOP(i64_div_u, uint64_t, uint64_t, false, a / b)
    DIVOP(i64_rem_s, int64_t, uint64_t, false, b == -1 ? 0 : a % b)
    DIVOP(i64_rem_u, uint64_t, uint64_t, false, a % b)

    UN(i32_eqz, (uint32_t)x == 0)
    UN(i32_clz, num_clz32((uint32_t)x))
    UN(i32_ctz, num_ctz32((uint32_t)x))
    UN(i32_popcnt, (uint64_t)__builtin_popcount((uint32_t)x))
    UN(i64_eqz, x == 0)
    UN(i64_clz, num_clz64(x))
    UN(i64_ctz, num_ctz64(x))
    UN(i64_popcnt, (uint64_t)__builtin_popcountll(x))

    /* -------------------------------------------------------------------------------------- */
    /* floats: arithmetic by C (IEEE), sign operations on the bits */
    FBIN32(f32_eq, a == b)
    FBIN32(f32_ne, a != b)
    FBIN32(f32_lt, a < b)
    FBIN32(f32_gt, a > b)
    FBIN32(f32_le, a <= b)
    FBIN32(f32_ge, a >= b)
    FBIN64(f64_eq, a == b)
    FBIN64(f64_ne, a != b)
    FBIN64(f64_lt, a < b)
    FBIN64(f64_gt, a > b)
    FBIN64(f64_le, a <= b)
    FBIN64(f64_ge, a >= b)
    FBIN32(f32_add, num_of_f32(a + b))
    FBIN32(f32_sub, num_of_f32(a - b))
    FBIN32(f32_mul, num_of_f32(a * b))
    FBIN32(f32_div, num_of_f32(a / b))
    FBIN32(f32_min, num_of_f32(num_f32_min(a, b)))
    FBIN32(f32_max, num_of_f32(num_f32_max(a, b)))
    FBIN64(f64_add, num_of_f64(a + b))
    FBIN64(f64_sub, num_of_f64(a - b))
    FBIN64(f64_mul, num_of_f64(a * b))
    FBIN64(f64_div, num_of_f64(a / b))
    FBIN64(f64_min, num_of_f64(num_f64_min(a, b)))
    FBIN64(f64_max, num_of_f64(num_f64_max(a, b)))
op_f32_copysign:
    fp[A1] = ((uint32_t)fp[B1] & 0x7FFFFFFFu) | ((uint32_t)fp[A2] & 0x80000000u);
    ip += 3;
    NEXT();
op_f64_copysign:
    fp[A1] = (fp[B1] & 0x7FFFFFFFFFFFFFFFull) | (fp[A2] & 0x8000000000000000ull);
    ip += 3;
    NEXT();

    UN(f32_abs, (uint32_t)x & 0x7FFFFFFFu)
    UN(f32_neg, (uint32_t)x ^ 0x80000000u)
    UN(f32_ceil, num_quiet32(num_of_f32(ceilf(num_f32(x)))))
    UN(f32_floor, num_quiet32(num_of_f32(floorf(num_f32(x)))))
    UN(f32_trunc, num_quiet32(num_of_f32(truncf(num_f32(x)))))
    UN(f32_nearest, num_quiet32(num_of_f32(nearbyintf(num_f32(x)))))
    UN(f32_sqrt, num_of_f32(sqrtf(num_f32(x))))
    UN(f64_abs, x & 0x7FFFFFFFFFFFFFFFull)
    UN(f64_neg, x ^ 0x8000000000000000ull)
    UN(f64_ceil, num_quiet64(num_of_f64(ceil(num_f64(x)))))
    UN(f64_floor, num_quiet64(num_of_f64(floor(num_f64(x)))))
    UN(f64_trunc, num_quiet64(num_of_f64(trunc(num_f64(x)))))
    UN(f64_nearest, num_quiet64(num_of_f64(nearbyint(num_f64(x)))))
    UN(f64_sqrt, num_of_f64(sqrt(num_f64(x))))

    /* -------------------------------------------------------------------------------------- */
    /* conversions */
    UN(i32_wrap_i64, (uint32_t)x)
    TRUNC(i32_trunc_f32_s, float, int32_t, num_f32, uint32_t)
    TRUNC(i32_trunc_f32_u, float, uint32_t, num_f32, uint32_t)
    TRUNC(i32_trunc_f64_s, double, int32_t, num_f64, uint32_t)
    TRUNC(i32_trunc_f64_u, double, uint32_t, num_f64, uint32_t)
    UN(i64_extend_i32_s, (uint64_t)(int64_t)(int32_t)x)
    UN(i64_extend_i32_u, (uint32_t)x)
    TRUNC(i64_trunc_f32_s, float, int64_t, num_f32, uint64_t)
    TRUNC(i64_trunc_f32_u, float, uint64_t, num_f32, uint64_t)
    TRUNC(i64_trunc_f64_s, double, int64_t, num_f64, uint64_t)
    TRUNC(i64_trunc_f64_u, double, uint64_t, num_f64, uint64_t)
    UN(f32_convert_i32_s, num_of_f32((float)(int32_t)x))
    UN(f32_convert_i32_u, num_of_f32((float)(uint32_t)x))
    UN(f32_convert_i64_s, num_of_f32((float)(int64_t)x))
    UN(f32_convert_i64_u, num_of_f32((float)x))
    UN(f32_demote_f64, num_of_f32((float)num_f64(x)))
    UN(f64_convert_i32_s, num_of_f64((double)(int32_t)x))
    UN(f64_convert_i32_u, num_of_f64((double)(uint32_t)x))
    UN(f64_convert_i64_s, num_of_f64((double)(int64_t)x))
    UN(f64_convert_i64_u, num_of_f64((double)x))
    UN(f64_promote_f32, num_of_f64((double)num_f32(x)))
    UN(i32_extend8_s, (uint32_t)(int32_t)(int8_t)x)
    UN(i32_extend16_s, (uint32_t)(int32_t)(int16_t)x)
    UN(i64_extend8_s, (uint64_t)(int64_t)(int8_t)x)
    UN(i64_extend16_s, (uint64_t)(int64_t)(int16_t)x)
    UN(i64_extend32_s, (uint64_t)(int64_t)(int32_t)x)
    UN(i32_trunc_sat_f32_s, (uint32_t)num_i32_sat_f32_s(num_f32(x)))
    UN(i32_trunc_sat_f32_u, num_i32_sat_f32_u(num_f32(x)))
    UN(i32_trunc_sat_f64_s, (uint32_t)num_i32_sat_f64_s(num_f64(x)))
    UN(i32_trunc_sat_f64_u, num_i32_sat_f64_u(num_f64(x)))
    UN(i64_trunc_sat_f32_s, (uint64_t)num_i64_sat_f32_s(num_f32(x)))
    UN(i64_trunc_sat_f32_u, num_i64_sat_f32_u(num_f32(x)))
    UN(i64_trunc_sat_f64_s, (uint64_t)num_i64_sat_f64_s(num_f64(x)))
    UN(i64_trunc_sat_f64_u, num_i64_sat_f64_u(num_f64(x)))

    /* -------------------------------------------------------------------------------------- */
    /* memory */
    LOAD3(ld8s32, int8_t, (uint32_t)(int32_t)v)
    LOAD3(ld16s32, int16_t, (uint32_t)(int32_t)v)
    LOAD3(ld8s64, int8_t, (uint64_t)(int64_t)v)
    LOAD3(ld16s64, int16_t, (uint64_t)(int64_t)v)
    LOAD3(ld32s64, int32_t, (uint64_t)(int64_t)v)
    LOAD3(ld8u, uint8_t, v)
    LOAD3(ld16u, uint16_t, v)
    LOAD3(ld32u, uint32_t, v)
    LOAD3(ld64, uint64_t, v)
    STORE(st8, uint8_t)
    STORE(st16, uint16_t)
    STORE(st32, uint32_t)
    STORE(st64, uint64_t)
op_memory_size:
    fp[A1] = (uint32_t)(MEMSIZE() / WM_PAGE_SIZE);
    ip += 2;
    NEXT();
op_memory_grow:
    fp[A1] = (uint32_t)(int32_t)memory_grow(mem, (uint32_t)fp[B1], inst->store->limiter);
    msize = MEMSIZE();
    ip += 2;
    NEXT();
op_memory_copy: {
    uint64_t d = (uint32_t)fp[A1], s = (uint32_t)fp[B1], n = (uint32_t)fp[A2], size = MEMSIZE();
    if (d + n > size || s + n > size)
        TRAP(WEFT_TRAP_MEMORY_OOB);
    memmove(mbase + d, mbase + s, n);
    ip += 3;
    NEXT();
}
op_memory_fill: {
    uint64_t d = (uint32_t)fp[A1], n = (uint32_t)fp[A2];
    if (d + n > MEMSIZE())
        TRAP(WEFT_TRAP_MEMORY_OOB);
    memset(mbase + d, (int)(uint8_t)fp[B1], n);
    ip += 3;
    NEXT();
}
op_memory_init: {
    trap = rt_memory_init(mem, &inst->datas[B2], (uint32_t)fp[A1], (uint32_t)fp[B1],
                          (uint32_t)fp[A2]);
    if (trap != WEFT_TRAP_NONE)
        TRAP(trap);
    ip += 3;
    NEXT();
}
op_data_drop:
    inst->datas[A1].len = 0;
    ip += 2;
    NEXT();
op_memx:
    trap = exec_memx(ctx, inst, A2, B1, B2, ip[3].u, fp + A1);
    if (UNLIKELY(trap != WEFT_TRAP_NONE))
        TRAP(trap);
    ip += 4;
    NEXT();
op_sat32:
    fp[A1] = fp[B1] > UINT32_MAX ? UINT32_MAX : fp[B1];
    ip += 2;
    NEXT();
op_grow64:
    fp[A1] = (uint32_t)fp[B1] == UINT32_MAX ? UINT64_MAX : (uint32_t)fp[B1];
    ip += 2;
    NEXT();

    /* -------------------------------------------------------------------------------------- */
    /* tables */
op_table_get: {
    const weft_table *t = inst->tables[A2];
    uint32_t i = (uint32_t)fp[B1];
    if (i >= t->size)
        TRAP(WEFT_TRAP_TABLE_OOB);
    fp[A1] = t->elems[i];
    ip += 3;
    NEXT();
}
op_table_set: {
    weft_table *t = inst->tables[A2];
    uint32_t i = (uint32_t)fp[A1];
    if (i >= t->size)
        TRAP(WEFT_TRAP_TABLE_OOB);
    t->elems[i] = (uintptr_t)fp[B1];
    ip += 3;
    NEXT();
}
op_table_size:
    fp[A1] = inst->tables[B1]->size;
    ip += 2;
    NEXT();
op_table_grow:
    fp[A1] = (uint32_t)(int32_t)table_grow(inst->tables[B2], (uint32_t)fp[A2],
                                           (uintptr_t)fp[B1], inst->store->limiter);
    ip += 3;
    NEXT();
op_table_fill:
    trap = rt_table_fill(inst->tables[B2], (uint32_t)fp[A1], (uintptr_t)fp[B1], (uint32_t)fp[A2]);
    if (trap != WEFT_TRAP_NONE)
        TRAP(trap);
    ip += 3;
    NEXT();
op_table_copy:
    trap = rt_table_copy(inst->tables[B2], inst->tables[A3], (uint32_t)fp[A1], (uint32_t)fp[B1],
                         (uint32_t)fp[A2]);
    if (trap != WEFT_TRAP_NONE)
        TRAP(trap);
    ip += 4;
    NEXT();
op_table_init:
    trap = rt_table_init(inst->tables[A3], &inst->elems[B2], (uint32_t)fp[A1], (uint32_t)fp[B1],
                         (uint32_t)fp[A2]);
    if (trap != WEFT_TRAP_NONE)
        TRAP(trap);
    ip += 4;
    NEXT();
op_elem_drop:
    inst->elems[A1].len = 0;
    ip += 2;
    NEXT();

    /* -------------------------------------------------------------------------------------- */
    /* threads: sequentially consistent atomics straight on guest memory */
    ALOAD(atomic_ld8, uint8_t)
    ALOAD(atomic_ld16, uint16_t)
    ALOAD(atomic_ld32, uint32_t)
    ALOAD(atomic_ld64, uint64_t)
    ASTORE(atomic_st8, uint8_t)
    ASTORE(atomic_st16, uint16_t)
    ASTORE(atomic_st32, uint32_t)
    ASTORE(atomic_st64, uint64_t)
    RMW_ALL(add, atomic_fetch_add)
    RMW_ALL(sub, atomic_fetch_sub)
    RMW_ALL(and, atomic_fetch_and)
    RMW_ALL(or, atomic_fetch_or)
    RMW_ALL(xor, atomic_fetch_xor)
    RMW_ALL(xchg, atomic_exchange)
    CMPXCHG(cmpxchg8, uint8_t)
    CMPXCHG(cmpxchg16, uint16_t)
    CMPXCHG(cmpxchg32, uint32_t)
    CMPXCHG(cmpxchg64, uint64_t)
op_atomic_wait32:
    wait_width = 4;
    goto do_atomic_wait;
op_atomic_wait64:
    /* Two entry points, not one label pair: with direct threading both labels would be the
     * same address, and the handler could not tell the widths apart. */
    wait_width = 8;
do_atomic_wait: {
    uint64_t n = wait_width;
    uint64_t expected = n == 8 ? fp[A2] : (uint32_t)fp[A2];
    int64_t timeout = (int64_t)fp[B2];
    int32_t r;
    AEA(B1, ip[3].p.a, n);
    trap = WEFT_TRAP_NONE;
    r = thr_wait(mem, ea, expected, (int)n, timeout, &ctx->cancel, &trap);
    if (r < 0)
        TRAP(trap != WEFT_TRAP_NONE ? trap : WEFT_TRAP_EXPECTED_SHARED);
    fp[A1] = (uint32_t)r;
    ip += 4;
    NEXT();
}
op_atomic_notify: {
    AEA(B1, B2, 4);
    fp[A1] = thr_notify(mem, ea, (uint32_t)fp[A2]);
    ip += 3;
    NEXT();
}
op_atomic_fence:
    atomic_thread_fence(memory_order_seq_cst);
    ip += 1;
    NEXT();

    /* -------------------------------------------------------------------------------------- */
    /* SIMD: a run of SIMD ops in interp_simd.c's loop, which returns the first op after it
     * (or the one that trapped) */
op_simd:
    trap = WEFT_TRAP_NONE;
    ip = interp_simd(ip, fp, inst, mem, msize, &trap, NULL);
    if (UNLIKELY(trap != WEFT_TRAP_NONE))
        goto do_trap;
    NEXT();

    /* -------------------------------------------------------------------------------------- */
do_trap:
    if (trap == WEFT_TRAP_INTERRUPTED)
        exec_interrupt_clear(ctx);
    err = rt_trap(trap, inst, fn->funcidx, interp_offset(fn, (size_t)(ip - fn->code)));
do_error:
    interp_trace(err, inst, fn, ip, fr, fr_base);
    ctx->depth = base_depth;
    return err;
}

weft_error *interp_run(exec_ctx *ctx, weft_instance *inst, const code_func *fn, uint64_t *fp)
{
    return interp_loop(ctx, inst, fn, fp, NULL);
}

const void *const *interp_handlers(void)
{
    const void *const *h = NULL;
    interp_loop(NULL, NULL, NULL, NULL, &h);
    return h;
}
