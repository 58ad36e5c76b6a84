/*
 * compile_memx.c - the translation of what memory64 and multi-memory add: memory
 * instructions on any memory but an i32 memory 0 become one OP_memx each (exec/memx.c does
 * the work, the operands in consecutive slots as for a call), and the i64 indices of 64-bit
 * tables are saturated to u32 before the ordinary table ops see them. An i32 memory 0 keeps
 * every fast path and fusion of compile.c.
 */
#include "compile_int.h"

bool compile_memx(compiler *c, const wi_instr *in)
{
    const weft_module *m = c->m;
    uint32_t npop;
    bool v128_in;
    uint8_t result;
    uint8_t at = in->mem < m->nmems ? wm_addr_type(&m->mems[in->mem]) : WEFT_I32;
    if (!wi_mem_sig(in->op, at, &npop, &v128_in, &result) || wi_mem_fast(m, in))
        return false;
    size_t n = npop + (v128_in ? 1 : 0); /* entries: a v128 takes two */
    if (!compile_need(c, n))
        return true;
    size_t base = c->h - n;
    for (size_t i = base; i < c->h; i++)
        compile_mat(c, i);
    for (size_t i = 0; i < n; i++)
        compile_pop(c);
    if (result == WEFT_V128)
        compile_push_v128(c);
    else if (result)
        compile_push(c);
    uint32_t lane = in->op >> 16 == 0xFD ? in->b : 0;
    compile_op(c, OP_memx);
    compile_pp(c, compile_home(c, base), in->mem);
    compile_pp(c, in->op | lane << 24, in->op == WI_FC(8) ? in->a : in->mem2);
    compile_u64(c, in->imm);
    return true;
}

/* Saturate the i64 operand `depth` entries below the top to u32, in its home slot. */
static void compile_sat_operand(compiler *c, size_t depth)
{
    if (c->h <= depth)
        return;
    size_t i = c->h - 1 - depth;
    compile_mat(c, i);
    compile_op(c, OP_sat32);
    compile_pp(c, compile_home(c, i), compile_home(c, i));
}

void compile_table64_operands(compiler *c, const wi_instr *in)
{
    uint32_t mask = wi_table64_operands(c->m, in);
    for (size_t depth = 0; mask; depth++, mask >>= 1)
        if ((mask & 1) && compile_need(c, depth + 1))
            compile_sat_operand(c, depth);
}

void compile_table64_result(compiler *c, const wi_instr *in)
{
    if (in->op == WI_FC(15) && wi_table64_operands(c->m, in) && c->h > 0) {
        uint32_t d = compile_home(c, c->h - 1);
        compile_op(c, OP_grow64);
        compile_pp(c, d, d);
    }
}
