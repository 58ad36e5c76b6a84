/* trace.c - a trap's backtrace: each tier appends the wasm frames it ran as the trap passes
 * through it (innermost first), and the embedder reads them back with names and, when the
 * module carries DWARF line tables, source positions. */
#include "runtime.h"

static void trace_release(void *module) { weft_module_free(module); }

void rt_trace_push(weft_error *e, const weft_instance *inst, uint32_t func, size_t offset)
{
    if (!e || e->kind != WEFT_ERR_TRAP || !inst)
        return;
    weft_module *m = inst->module;
    err_frame f = {m, inst, func, offset};
    if (!err_holds(e, m)) {
        weft_module_ref(m);
        if (!err_hold(e, m, trace_release)) {
            weft_module_free(m); /* out of memory: the backtrace is cut here */
            return;
        }
    }
    err_push_frame(e, &f);
}

size_t weft_error_frame_count(const weft_error *e) { return e ? e->nframes : 0; }

/* Where a function's code starts: just past its body's size field (wasm.h's base of function
 * offsets). */
size_t rt_func_code_start(const weft_module *m, uint32_t funcidx)
{
    if (funcidx < m->nfunc_imports || funcidx >= m->nfuncs)
        return 0;
    size_t at = m->funcs[funcidx - m->nfunc_imports].code_offset;
    while (at < m->len && (m->bytes[at] & 0x80))
        at++;
    return at + 1;
}

uint32_t rt_func_at(const weft_module *m, size_t offset)
{
    uint32_t lo = 0, hi = m->nfuncs - m->nfunc_imports;
    if (!hi || offset < m->funcs[0].code_offset)
        return 0;
    /* the last function whose code starts at or before offset (the bodies are in order) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->funcs[mid].code_offset <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return m->nfunc_imports + lo;
}

bool weft_error_frame(const weft_error *e, size_t i, weft_frame *out)
{
    if (!e || i >= e->nframes || !out)
        return false;
    const err_frame *f = &e->frames[i];
    const weft_module *m = f->module;
    size_t start = rt_func_code_start(m, f->func);
    out->func_index = f->func;
    out->func_name = weft_module_func_name(m, f->func);
    out->module_name = m->module_name;
    out->module_offset = f->offset;
    out->func_offset = f->offset != WEFT_NO_OFFSET && f->offset >= start ? f->offset - start
                                                                          : WEFT_NO_OFFSET;
    out->line = out->column = 0;
    out->file = f->offset != WEFT_NO_OFFSET
                    ? module_source_line(m, f->offset, &out->line, &out->column)
                    : NULL;
    return true;
}
