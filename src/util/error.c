/* error.c - the weft_error value: construction and the public accessors. */
#include <stdio.h>
#include <string.h>

#include "util.h"

static weft_error oom_error = {.kind = WEFT_ERR_RESOURCE, .offset = WEFT_NO_OFFSET,
                               .msg = "out of memory"};

weft_error *err_vnew(weft_error_kind kind, size_t offset, const char *fmt, va_list ap)
{
    weft_error *e = calloc(1, sizeof *e);
    if (!e)
        return &oom_error;
    e->kind = kind;
    e->offset = offset;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return e;
}

weft_error *err_new(weft_error_kind kind, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    weft_error *e = err_vnew(kind, offset, fmt, ap);
    va_end(ap);
    return e;
}

const char *err_trap_message(weft_trap_code code)
{
    switch (code) {
    case WEFT_TRAP_NONE: return "no trap";
    case WEFT_TRAP_UNREACHABLE: return "unreachable";
    case WEFT_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case WEFT_TRAP_TABLE_OOB: return "out of bounds table access";
    case WEFT_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case WEFT_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case WEFT_TRAP_INDIRECT_TYPE: return "indirect call type mismatch";
    case WEFT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WEFT_TRAP_DIV_ZERO: return "integer divide by zero";
    case WEFT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WEFT_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case WEFT_TRAP_UNALIGNED_ATOMIC: return "unaligned atomic";
    case WEFT_TRAP_EXPECTED_SHARED: return "expected shared memory";
    case WEFT_TRAP_NULL_REF: return "null reference";
    case WEFT_TRAP_INTERRUPTED: return "interrupted";
    case WEFT_TRAP_HOST: return "host trap";
    case WEFT_TRAP_EXCEPTION: return "uncaught exception";
    case WEFT_TRAP_OUT_OF_FUEL: return "out of fuel";
    case WEFT_TRAP_NULL_FUNC_REF: return "null function reference";
    }
    return "trap";
}

weft_error *err_trap(weft_trap_code code)
{
    weft_error *e = err_new(WEFT_ERR_TRAP, WEFT_NO_OFFSET, "%s", err_trap_message(code));
    if (e != &oom_error)
        e->trap = code;
    return e;
}

void err_set_func(weft_error *e, uint32_t func, const char *name)
{
    if (!e || e == &oom_error || e->has_func)
        return;
    e->has_func = true;
    e->func = func;
    e->func_name = name ? xstrdup(name) : NULL;
}

bool err_push_frame(weft_error *e, const err_frame *f)
{
    if (!e || e == &oom_error || e->kind != WEFT_ERR_TRAP)
        return false;
    if (!xgrow((void **)&e->frames, &e->capframes, e->nframes + 1, sizeof *e->frames))
        return false;
    e->frames[e->nframes++] = *f;
    return true;
}

bool err_holds(const weft_error *e, const void *obj)
{
    for (size_t i = 0; e && i < e->nheld; i++)
        if (e->held[i] == obj)
            return true;
    return false;
}

bool err_hold(weft_error *e, void *obj, void (*release)(void *))
{
    if (!e || e == &oom_error || (e->release && e->release != release))
        return false;
    if (!xgrow((void **)&e->held, &e->capheld, e->nheld + 1, sizeof *e->held))
        return false;
    e->held[e->nheld++] = obj;
    e->release = release;
    return true;
}

weft_error *weft_trap_new(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    weft_error *e = err_vnew(WEFT_ERR_TRAP, WEFT_NO_OFFSET, fmt, ap);
    va_end(ap);
    if (e != &oom_error)
        e->trap = WEFT_TRAP_HOST;
    return e;
}

weft_error *weft_exit_new(int code)
{
    weft_error *e = err_new(WEFT_ERR_EXIT, WEFT_NO_OFFSET, "exit with status %d", code);
    if (e != &oom_error)
        e->exit_code = code;
    return e;
}

/* Every reader takes NULL (no error) and answers "nothing". */
weft_error_kind weft_error_kind_of(const weft_error *e) { return e ? e->kind : 0; }
const char *weft_error_message(const weft_error *e) { return e ? e->msg : "no error"; }
size_t weft_error_offset(const weft_error *e) { return e ? e->offset : WEFT_NO_OFFSET; }
weft_trap_code weft_error_trap(const weft_error *e) { return e ? e->trap : WEFT_TRAP_NONE; }
int weft_error_exit_code(const weft_error *e) { return e ? e->exit_code : 0; }

bool weft_error_func(const weft_error *e, uint32_t *index, const char **name)
{
    if (!e || !e->has_func)
        return false;
    if (index)
        *index = e->func;
    if (name)
        *name = e->func_name;
    return true;
}

void weft_error_free(weft_error *e)
{
    if (!e || e == &oom_error)
        return;
    for (size_t i = 0; i < e->nheld; i++)
        e->release(e->held[i]);
    free(e->held);
    free(e->frames);
    free(e->func_name);
    free(e);
}
