/* instance.c - instantiation, following the spec's order: check the imports, allocate the
 * functions, tables, memories and globals, evaluate the segments, then initialise tables and
 * memories from the active segments one by one (a segment out of bounds traps, and the
 * effects of the segments before it stay), and finally run the start function.
 *
 * The instance joins its store as soon as it exists, even if a later step fails: its
 * functions may already sit in an imported table, so only the store may free it. */
#include <string.h>

#include "runtime.h"
#include "../native/native.h"

weft_error *rt_trap(weft_trap_code code, const weft_instance *inst, uint32_t funcidx,
                    size_t offset)
{
    weft_error *e = err_trap(code);
    /* Out of memory yields a shared static error of kind RESOURCE: never write to it. */
    if (e->kind != WEFT_ERR_TRAP)
        return e;
    e->offset = offset;
    e->origin = inst;
    err_set_func(e, funcidx, inst ? weft_module_func_name(inst->module, funcidx) : NULL);
    return e;
}

void instance_free(weft_instance *inst)
{
    const weft_module *m = inst->module;
    nat_instance_free(inst);
    for (uint32_t i = 0; inst->mems && i < m->nmems; i++)
        weft_memory_free(inst->mems[i]);
    for (uint32_t i = 0; inst->elems && i < m->nelems; i++)
        free(inst->elems[i].items);
    free(inst->funcs);
    free(inst->tables);
    free(inst->mems);
    free(inst->globals);
    free(inst->tags);
    free(inst->elems);
    free(inst->datas);
    free(inst->own_funcs);
    weft_module_free(inst->module);
    free(inst);
}

static weft_error *inst_oom(void)
{
    return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
}

/* The instance and its index-space arrays, linked into the store. */
static weft_instance *inst_alloc(weft_store *s, weft_module *m)
{
    weft_instance *inst = calloc(1, sizeof *inst);
    if (!inst)
        return NULL;
    inst->store = s;
    inst->module = weft_module_ref(m);
    inst->next = s->instances;
    s->instances = inst;
    s->ninstances++;
    inst->funcs = xcalloc(m->nfuncs, sizeof *inst->funcs);
    inst->tables = xcalloc(m->ntables, sizeof *inst->tables);
    inst->mems = xcalloc(m->nmems, sizeof *inst->mems);
    inst->globals = xcalloc(m->nglobals, sizeof *inst->globals);
    inst->tags = xcalloc(m->ntags, sizeof *inst->tags);
    inst->elems = xcalloc(m->nelems, sizeof *inst->elems);
    inst->datas = xcalloc(m->ndatas, sizeof *inst->datas);
    inst->own_funcs = xcalloc(m->nfuncs - m->nfunc_imports, sizeof *inst->own_funcs);
    if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals || !inst->tags ||
        !inst->elems ||
        !inst->datas || !inst->own_funcs)
        return NULL; /* the store frees what was allocated */
    return inst;
}

/* Imports take the first places of each index space, in import order. */
static void inst_bind_imports(weft_instance *inst, const weft_extern *imports)
{
    const weft_module *m = inst->module;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0, nx = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const weft_extern *x = &imports[i];
        switch (x->kind) {
        case WEFT_EXTERN_FUNC: inst->funcs[nf++] = x->of.func; break;
        case WEFT_EXTERN_TABLE: inst->tables[nt++] = x->of.table; break;
        case WEFT_EXTERN_MEMORY: inst->mems[nm++] = weft_memory_ref(x->of.memory); break;
        case WEFT_EXTERN_GLOBAL: inst->globals[ng++] = x->of.global; break;
        case WEFT_EXTERN_TAG: inst->tags[nx++] = x->of.tag; break;
        }
    }
}

static void inst_make_funcs(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        weft_func *f = &inst->own_funcs[i - m->nfunc_imports];
        uint32_t ti = m->func_types[i];
        f->type = &m->types[m->type_canon[ti]];
        f->inst = inst;
        f->index = i;
        f->def = &m->funcs[i - m->nfunc_imports];
        inst->funcs[i] = f;
    }
}

static weft_error *inst_make_mems(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
        weft_error *e = memory_create(inst->store->engine, &m->mems[i], &inst->mems[i]);
        if (e)
            return e;
        inst->store->nmemories++;
    }
    return NULL;
}

static uint64_t inst_const2(const weft_instance *inst, const wm_constexpr *c, uint64_t *hi);

/* An extended constant expression: i32/i64 add, sub and mul (wrapping) on a stack. */
static uint64_t inst_const_expr(const weft_instance *inst, const wm_constexpr *c, uint64_t *hi)
{
    uint64_t small[8], *v = c->nops <= 8 ? small : xcalloc(c->nops, sizeof *v), r = 0;
    uint32_t h = 0;
    if (!v)
        return 0;
    for (uint32_t i = 0; i < c->nops; i++) {
        const wm_constexpr *op = &c->ops[i];
        if (op->kind != WM_CONST_BINOP) {
            uint64_t ohi; /* only i32 and i64 values meet here */
            v[h++] = inst_const2(inst, op, &ohi);
            continue;
        }
        if (h < 2)
            break; /* validation rules this out */
        uint64_t a = v[h - 2], b = v[h - 1], x;
        switch (op->index) {
        case 0x6A: case 0x7C: x = a + b; break;
        case 0x6B: case 0x7D: x = a - b; break;
        default: x = a * b; break;
        }
        v[h - 2] = op->type == WEFT_I32 ? (uint32_t)x : x;
        h--;
    }
    r = h ? v[0] : 0;
    *hi = 0;
    if (v != small)
        free(v);
    return r;
}

/* A constant expression's value as a slot. Validation guarantees the indices; we still
 * check them so that a bad module can never make us read out of bounds. */
static uint64_t inst_const2(const weft_instance *inst, const wm_constexpr *c, uint64_t *hi)
{
    const weft_module *m = inst->module;
    *hi = 0;
    switch (c->kind) {
    case WM_CONST_EXPR: return inst_const_expr(inst, c, hi);
    case WM_CONST_VALUE: *hi = c->bits_hi; return c->bits;
    case WM_CONST_REF_FUNC:
        return c->index < m->nfuncs ? (uint64_t)(uintptr_t)inst->funcs[c->index] : 0;
    case WM_CONST_GLOBAL_GET:
        if (c->index >= m->nglobals || !inst->globals[c->index])
            return 0;
        *hi = inst->globals[c->index]->hi;
        return inst->globals[c->index]->val;
    default: return 0; /* ref.null */
    }
}

static uint64_t inst_const(const weft_instance *inst, const wm_constexpr *c)
{
    uint64_t hi;
    return inst_const2(inst, c, &hi);
}

static weft_error *inst_make_tables(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        /* a table's initialiser (typed function references) fills it; else null */
        const wm_constexpr *init = m->table_init ? &m->table_init[i - m->ntable_imports] : NULL;
        inst->tables[i] = table_create(inst->store, &m->tables[i],
                                       init && init->kind ? (uintptr_t)inst_const(inst, init) : 0);
        if (inst->tables[i])
            inst->tables[i]->vmod = m;
        if (!inst->tables[i])
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                           "cannot allocate table %u of %llu entries", i,
                           (unsigned long long)m->tables[i].lim.min);
    }
    return NULL;
}

static weft_error *inst_make_globals(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        uint64_t v[2];
        v[0] = inst_const2(inst, &m->global_init[i - m->nglobal_imports], &v[1]);
        inst->globals[i] = global_create(inst->store, &m->globals[i], v);
        if (!inst->globals[i])
            return inst_oom();
        inst->globals[i]->vmod = m;
    }
    return NULL;
}

static weft_error *inst_make_segments(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wm_elem *el = &m->elems[i];
        rt_elem *re = &inst->elems[i];
        re->items = xcalloc(el->count, sizeof *re->items);
        if (!re->items)
            return inst_oom();
        for (uint32_t j = 0; j < el->count; j++)
            re->items[j] = (uintptr_t)inst_const(inst, &el->items[j]);
        re->len = el->count;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        inst->datas[i].bytes = m->datas[i].bytes;
        inst->datas[i].len = m->datas[i].len;
    }
    return NULL;
}

static void inst_drop_elem(rt_elem *re)
{
    free(re->items);
    re->items = NULL;
    re->len = 0;
}

/* table.init of a whole active segment, then elem.drop. The range is checked before any
 * element is written, as table.init does. */
static weft_error *inst_init_elems(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wm_elem *el = &m->elems[i];
        rt_elem *re = &inst->elems[i];
        if (el->mode == WM_SEG_ACTIVE) {
            if (el->table >= m->ntables)
                return err_trap(WEFT_TRAP_TABLE_OOB);
            weft_table *t = inst->tables[el->table];
            uint64_t at = inst_const(inst, &el->offset);
            if (!m->tables[el->table].lim.is64)
                at = (uint32_t)at;
            if (at > t->size || re->len > t->size - at)
                return err_trap(WEFT_TRAP_TABLE_OOB);
            if (re->len)
                memcpy(t->elems + at, re->items, re->len * sizeof *re->items);
        }
        if (el->mode != WM_SEG_PASSIVE)
            inst_drop_elem(re);
    }
    return NULL;
}

/* memory.init of a whole active segment, then data.drop. */
static weft_error *inst_init_datas(weft_instance *inst)
{
    const weft_module *m = inst->module;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wm_data *d = &m->datas[i];
        if (d->mode != WM_SEG_ACTIVE)
            continue;
        if (d->memory >= m->nmems)
            return err_trap(WEFT_TRAP_MEMORY_OOB);
        weft_memory *mem = inst->mems[d->memory];
        uint64_t size = weft_memory_size(mem), at = inst_const(inst, &d->offset);
        if (!m->mems[d->memory].is64)
            at = (uint32_t)at;
        if (at > size || d->len > size - at)
            return err_trap(WEFT_TRAP_MEMORY_OOB);
        if (d->len)
            memcpy(mem->base + at, d->bytes, d->len);
        inst->datas[i].len = 0;
    }
    return NULL;
}

static weft_error *inst_run_start(weft_instance *inst)
{
    const weft_module *m = inst->module;
    if (!m->has_start || m->start >= m->nfuncs)
        return NULL;
    uint64_t slots[1] = {0};
    return rt_invoke(inst->store, inst->funcs[m->start], slots);
}

static weft_error *inst_build(weft_instance *inst, const weft_extern *imports)
{
    inst_bind_imports(inst, imports);
    inst_make_funcs(inst);
    /* globals first: a table's initialiser may read them */
    weft_error *e = inst_make_globals(inst);
    if (!e)
        e = inst_make_tables(inst);
    if (!e)
        e = rt_make_tags(inst);
    if (!e)
        e = inst_make_mems(inst);
    if (!e)
        e = nat_instance_attach(inst);
    if (!e)
        e = inst_make_segments(inst);
    if (!e)
        e = inst_init_elems(inst);
    if (!e)
        e = inst_init_datas(inst);
    if (!e)
        e = inst_run_start(inst);
    return e;
}

weft_error *weft_instance_new(weft_store *store, weft_module *module,
                              const weft_extern *imports, size_t nimports,
                              weft_instance **out)
{
    if (!out)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_instance_new: out is NULL");
    *out = NULL;
    if (!store || !module || (nimports && !imports))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_instance_new: NULL argument");
    weft_error *e = rt_check_imports(module, imports, nimports);
    if (!e)
        e = rt_limit_instance(store, module);
    if (e)
        return e;
    weft_instance *inst = inst_alloc(store, module);
    if (!inst)
        return inst_oom();
    e = inst_build(inst, imports);
    if (e)
        return e;
    *out = inst;
    return NULL;
}
