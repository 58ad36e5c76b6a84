/*
 * compile_dump.c - a listing of translated code, for whoever tunes the translator: set
 * WEFT_DUMP_CODE=all (every function) or WEFT_DUMP_CODE=<function index> and the listing goes to
 * stderr as each module is compiled. It runs once per function at load, never while code runs.
 *
 * The code array does not record where instructions start, so the listing takes any word
 * equal to a handler address as the start of an instruction; an operand (a slot pair, an
 * offset, an immediate) is practically never such an address, and a wrong guess only
 * misprints the listing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "compile_dump.h"

#define DUMP_NAME_(n) #n,
#define DUMP_NAME_RI_(n) #n, #n "_ri",
#define DUMP_NAME_BR_(n) "brc_" #n, "brc_" #n "_ri",
#define DUMP_NAME_LDX_(n) #n "_x", #n "_xi",
#define DUMP_NAME_SHOP_(n) "i32_" #n "_shl", "i32_" #n "_shr_u", "i32_" #n "_rotl",
#define DUMP_NAME_LDS_(n) #n "_xs", #n "_sxi",
#define DUMP_NAME_SIMD_(sub, name, text, shape, n, t) text,
static const char *const dump_names[OP_COUNT_] = {
    CODE_OPS(DUMP_NAME_)
    CODE_OPS_RI(DUMP_NAME_RI_)
    CODE_OPS_BR(DUMP_NAME_BR_)
    CODE_OPS_LDX(DUMP_NAME_LDX_)
    CODE_OPS_STX(DUMP_NAME_LDX_)
    CODE_OPS_SHOP(DUMP_NAME_SHOP_)
    CODE_OPS_LDS(DUMP_NAME_LDS_)
    CODE_OPS_EXTRA(DUMP_NAME_)
    CODE_OPS_V128(DUMP_NAME_)
    SIMD_OPS(DUMP_NAME_SIMD_)
};

static int dump_op(const void *const *hs, const void *h)
{
    for (int i = 0; i < OP_COUNT_; i++)
        if (hs[i] == h)
            return i;
    return -1;
}

bool compile_dump_wanted(const char *v, uint32_t funcidx)
{
    char *end;
    unsigned long n;
    if (!v || !*v)
        return false;
    if (!strcmp(v, "all"))
        return true;
    n = strtoul(v, &end, 10);
    return !*end && n == funcidx;
}

void compile_dump(const code_func *cf, const void *const *hs)
{
    fprintf(stderr, "func %u: params %u, locals %u, slots %u, %u words\n", cf->funcidx,
            cf->nparams, cf->nlocals, cf->nslots, cf->ncode);
    for (uint32_t i = 0; i < cf->ncode;) {
        int op = dump_op(hs, cf->code[i].h);
        fprintf(stderr, "  %5u  %-16s", i, op >= 0 ? dump_names[op] : "?");
        for (i++; i < cf->ncode && dump_op(hs, cf->code[i].h) < 0; i++)
            fprintf(stderr, " [%d|%d]", (int32_t)cf->code[i].p.a, (int32_t)cf->code[i].p.b);
        fputc('\n', stderr);
    }
}
