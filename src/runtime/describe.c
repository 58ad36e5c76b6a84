/* describe.c - short text forms of types for error messages: "(i32 i32)->i32",
 * "memory 1..2 shared", "global (mut i64)". Link errors show what was expected and what
 * was given in the same words. */
#include <stdio.h>
#include <string.h>

#include "runtime.h"

/* Appends to buf (size n, always NUL-terminated), truncating quietly. */
static void desc_add(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void desc_add(char *buf, size_t n, const char *fmt, ...)
{
    size_t used = strnlen(buf, n);
    if (used + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}

static const char *desc_type(uint8_t t)
{
    const char *s = weft_valtype_name(t);
    return s ? s : "?";
}

static void desc_types(char *buf, size_t n, const uint8_t *t, uint32_t count, bool parens)
{
    if (parens)
        desc_add(buf, n, "(");
    for (uint32_t i = 0; i < count; i++)
        desc_add(buf, n, "%s%s", i ? " " : "", desc_type(t[i]));
    if (parens)
        desc_add(buf, n, ")");
}

static void desc_functype(char *buf, size_t n, const wm_functype *t)
{
    desc_types(buf, n, wm_params(t), t->nparams, true);
    desc_add(buf, n, "->");
    desc_types(buf, n, wm_results(t), t->nresults, t->nresults != 1);
}

static void desc_limits(char *buf, size_t n, const wm_limits *l)
{
    desc_add(buf, n, "%s %llu", l->is64 ? " i64" : "", (unsigned long long)l->min);
    if (l->has_max)
        desc_add(buf, n, "..%llu", (unsigned long long)l->max);
    if (l->shared)
        desc_add(buf, n, " shared");
}

static void desc_global(char *buf, size_t n, uint8_t type, bool mut)
{
    desc_add(buf, n, mut ? "global (mut %s)" : "global %s", desc_type(type));
}

void rt_describe_import(char *buf, size_t n, const weft_module *m, const wm_import *im)
{
    buf[0] = 0;
    switch (im->kind) {
    case WEFT_EXTERN_FUNC:
        desc_add(buf, n, "func ");
        if (im->desc.typeidx < m->ntypes)
            desc_functype(buf, n, &m->types[im->desc.typeidx]);
        break;
    case WEFT_EXTERN_TABLE:
        desc_add(buf, n, "table");
        desc_limits(buf, n, &im->desc.table.lim);
        desc_add(buf, n, " %s", desc_type(im->desc.table.reftype));
        break;
    case WEFT_EXTERN_MEMORY:
        desc_add(buf, n, "memory");
        desc_limits(buf, n, &im->desc.mem);
        break;
    default:
        desc_global(buf, n, im->desc.global.type, im->desc.global.mut);
        break;
    }
}

void rt_describe_extern(char *buf, size_t n, const weft_extern *x)
{
    buf[0] = 0;
    switch (x->kind) {
    case WEFT_EXTERN_FUNC:
        desc_add(buf, n, "func ");
        desc_functype(buf, n, x->of.func->type);
        break;
    case WEFT_EXTERN_TABLE: {
        const weft_table *t = x->of.table;
        wm_limits l = {t->size, t->type_max, t->has_max, false, t->is64};
        desc_add(buf, n, "table");
        desc_limits(buf, n, &l);
        desc_add(buf, n, " %s", desc_type(t->reftype));
        break;
    }
    case WEFT_EXTERN_MEMORY: {
        const weft_memory *mem = x->of.memory;
        wm_limits l = {weft_memory_size(mem) / WM_PAGE_SIZE, mem->type_max, mem->has_max,
                       mem->shared, mem->is64};
        desc_add(buf, n, "memory");
        desc_limits(buf, n, &l);
        break;
    }
    case WEFT_EXTERN_GLOBAL:
        desc_global(buf, n, x->of.global->type, x->of.global->mut);
        break;
    default:
        desc_add(buf, n, "unknown extern");
        break;
    }
}
