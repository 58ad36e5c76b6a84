/* dwarf.c - source lines of a module compiled with debug information (clang -g): the line
 * tables of its DWARF custom sections (.debug_info, .debug_line, ...), read with libdwarf
 * from memory (its object interface takes sections from any container).
 *
 * libdwarf is optional twice over: the build uses it when its header is there, and weft
 * loads the library (libdwarf.so.1, the ABI of that header) only when a backtrace first asks
 * for a module's lines, and unloads it once the table is built. So neither the library nor
 * the programs linking it need libdwarf, and no process state is kept: each module holds its
 * own table, built once. Without libdwarf, frames simply have no file:line. */
#include <dlfcn.h>
#include <string.h>

#include "module.h"

/* One row of the table: from module offset `at` on (up to the next row), the source is
 * files[file]:line:column; an end row (file == WM_LINES_END) closes a sequence. */
typedef struct wm_line_row {
    uint64_t at;
    uint32_t line, column, file;
} wm_line_row;

#define WM_LINES_END UINT32_MAX

struct wm_lines {
    wm_line_row *rows; /* sorted by `at` */
    size_t nrows, caprows;
    char **files;
    size_t nfiles, capfiles;
};

void module_lines_free(struct wm_lines *lines)
{
    if (!lines)
        return;
    for (size_t i = 0; i < lines->nfiles; i++)
        free(lines->files[i]);
    free(lines->files);
    free(lines->rows);
    free(lines);
}

#if defined(__has_include)
#if __has_include(<libdwarf/libdwarf.h>)
#define WM_HAVE_LIBDWARF 1
#endif
#endif

#ifdef WM_HAVE_LIBDWARF
#include <libdwarf/libdwarf.h>

/* The libdwarf functions used, looked up in the loaded library. */
#define WM_DWARF_FUNCS(X)                                                                    \
    X(dwarf_object_init_b)                                                                   \
    X(dwarf_object_finish)                                                                   \
    X(dwarf_next_cu_header_d)                                                                \
    X(dwarf_siblingof_b)                                                                     \
    X(dwarf_srclines_b)                                                                      \
    X(dwarf_srclines_from_linecontext)                                                       \
    X(dwarf_srclines_dealloc_b)                                                              \
    X(dwarf_lineaddr)                                                                        \
    X(dwarf_lineno)                                                                          \
    X(dwarf_lineoff_b)                                                                       \
    X(dwarf_linesrc)                                                                         \
    X(dwarf_lineendsequence)                                                                 \
    X(dwarf_dealloc)

typedef struct wm_dwarf_api {
#define WM_DWARF_FIELD(name) __typeof__(&name) name;
    WM_DWARF_FUNCS(WM_DWARF_FIELD)
#undef WM_DWARF_FIELD
} wm_dwarf_api;

/* The module's sections as libdwarf sees an object file: index 0 is an empty placeholder
 * (libdwarf, built for ELF, passes over the first section), then the custom sections. */
typedef struct wm_dwarf_obj {
    const weft_module *m;
} wm_dwarf_obj;

static int wd_section_info(void *obj, Dwarf_Half i, Dwarf_Obj_Access_Section *out, int *err)
{
    const weft_module *m = ((wm_dwarf_obj *)obj)->m;
    (void)err;
    memset(out, 0, sizeof *out);
    if (i == 0) {
        out->name = "";
        return DW_DLV_OK;
    }
    if (i > m->ncustoms)
        return DW_DLV_NO_ENTRY;
    out->name = m->customs[i - 1].name;
    out->size = m->customs[i - 1].len;
    return DW_DLV_OK;
}

static Dwarf_Endianness wd_byte_order(void *obj)
{
    (void)obj;
    return DW_OBJECT_LSB;
}

static Dwarf_Small wd_four(void *obj)
{
    (void)obj;
    return 4; /* wasm32: 4-byte addresses and lengths */
}

static Dwarf_Unsigned wd_section_count(void *obj)
{
    return (Dwarf_Unsigned)((wm_dwarf_obj *)obj)->m->ncustoms + 1;
}

static int wd_load_section(void *obj, Dwarf_Half i, Dwarf_Small **data, int *err)
{
    const weft_module *m = ((wm_dwarf_obj *)obj)->m;
    (void)err;
    if (i == 0 || i > m->ncustoms)
        return DW_DLV_NO_ENTRY;
    *data = (Dwarf_Small *)m->customs[i - 1].data;
    return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods wd_methods = {
    wd_section_info, wd_byte_order, wd_four, wd_four, wd_section_count, wd_load_section, NULL,
};

/* The index of `name` in the table's files, added if new; WM_LINES_END when out of memory. */
static uint32_t wd_file(struct wm_lines *t, const char *name)
{
    for (size_t i = t->nfiles; i-- > 0;)
        if (strcmp(t->files[i], name) == 0)
            return (uint32_t)i;
    char *copy = xstrdup(name);
    if (!copy || !xgrow((void **)&t->files, &t->capfiles, t->nfiles + 1, sizeof *t->files)) {
        free(copy);
        return WM_LINES_END;
    }
    t->files[t->nfiles] = copy;
    return (uint32_t)t->nfiles++;
}

static void wd_add_line(const wm_dwarf_api *api, Dwarf_Debug dbg, struct wm_lines *t,
                        size_t code_start, Dwarf_Line l)
{
    Dwarf_Error err = NULL;
    Dwarf_Addr addr;
    Dwarf_Unsigned line = 0, column = 0;
    Dwarf_Bool end = 0;
    char *src = NULL;
    if (api->dwarf_lineaddr(l, &addr, &err) != DW_DLV_OK ||
        api->dwarf_lineendsequence(l, &end, &err) != DW_DLV_OK ||
        (!end && (api->dwarf_lineno(l, &line, &err) != DW_DLV_OK ||
                  api->dwarf_lineoff_b(l, &column, &err) != DW_DLV_OK ||
                  api->dwarf_linesrc(l, &src, &err) != DW_DLV_OK))) {
        if (err)
            api->dwarf_dealloc(dbg, err, DW_DLA_ERROR);
        return;
    }
    uint32_t file = end ? WM_LINES_END : wd_file(t, src);
    if (src)
        api->dwarf_dealloc(dbg, src, DW_DLA_STRING);
    if ((!end && file == WM_LINES_END) ||
        !xgrow((void **)&t->rows, &t->caprows, t->nrows + 1, sizeof *t->rows))
        return;
    t->rows[t->nrows++] = (wm_line_row){code_start + addr, (uint32_t)line, (uint32_t)column,
                                        file};
}

/* Every compilation unit's line table into t. */
static void wd_read(const wm_dwarf_api *api, Dwarf_Debug dbg, struct wm_lines *t,
                    size_t code_start)
{
    Dwarf_Error err = NULL;
    for (;;) {
        Dwarf_Unsigned len, typeoff, next;
        Dwarf_Half version, addr_size, off_size, ext_size, cu_type;
        Dwarf_Off abbrev;
        Dwarf_Sig8 sig;
        Dwarf_Die cu = NULL;
        if (api->dwarf_next_cu_header_d(dbg, 1, &len, &version, &abbrev, &addr_size, &off_size,
                                        &ext_size, &sig, &typeoff, &next, &cu_type,
                                        &err) != DW_DLV_OK)
            break;
        if (api->dwarf_siblingof_b(dbg, NULL, 1, &cu, &err) == DW_DLV_OK) {
            Dwarf_Unsigned lversion;
            Dwarf_Small ntables;
            Dwarf_Line_Context ctx;
            if (api->dwarf_srclines_b(cu, &lversion, &ntables, &ctx, &err) == DW_DLV_OK) {
                Dwarf_Line *lines;
                Dwarf_Signed n;
                if (api->dwarf_srclines_from_linecontext(ctx, &lines, &n, &err) == DW_DLV_OK)
                    for (Dwarf_Signed i = 0; i < n; i++)
                        wd_add_line(api, dbg, t, code_start, lines[i]);
                api->dwarf_srclines_dealloc_b(ctx);
            }
            api->dwarf_dealloc(dbg, cu, DW_DLA_DIE);
        }
        if (err) {
            api->dwarf_dealloc(dbg, err, DW_DLA_ERROR);
            err = NULL;
        }
    }
    if (err)
        api->dwarf_dealloc(dbg, err, DW_DLA_ERROR);
}

static int wd_row_cmp(const void *a, const void *b)
{
    const wm_line_row *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    /* an end row and a row at the same address: the end closes the previous sequence */
    return (x->file != WM_LINES_END) - (y->file != WM_LINES_END);
}

static void wd_build(const weft_module *m, struct wm_lines *t)
{
    bool any = false;
    for (uint32_t i = 0; i < m->ncustoms && !any; i++)
        any = strcmp(m->customs[i].name, ".debug_line") == 0;
    if (!any)
        return;
    void *lib = dlopen("libdwarf.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    wm_dwarf_api api;
    bool found = true;
#define WM_DWARF_LOOKUP(name)                                                                \
    *(void **)(&api.name) = dlsym(lib, #name);                                               \
    found = found && api.name;
    WM_DWARF_FUNCS(WM_DWARF_LOOKUP)
#undef WM_DWARF_LOOKUP
    wm_dwarf_obj obj = {m};
    Dwarf_Obj_Access_Interface iface = {&obj, &wd_methods};
    Dwarf_Debug dbg = NULL;
    Dwarf_Error err = NULL;
    if (found && api.dwarf_object_init_b(&iface, NULL, NULL, 0, &dbg, &err) == DW_DLV_OK) {
        wd_read(&api, dbg, t, m->code_start);
        api.dwarf_object_finish(dbg, &err);
    }
    dlclose(lib);
    if (t->nrows)
        qsort(t->rows, t->nrows, sizeof *t->rows, wd_row_cmp);
}
#else
static void wd_build(const weft_module *m, struct wm_lines *t)
{
    (void)m;
    (void)t;
}
#endif

/* The module's table, built by the first caller (a racing builder's copy is dropped). */
static struct wm_lines *module_lines(const weft_module *m)
{
    weft_module *mm = (weft_module *)m;
    struct wm_lines *t = atomic_load_explicit(&mm->lines, memory_order_acquire), *none = NULL;
    if (t)
        return t;
    t = xcalloc(1, sizeof *t);
    if (!t)
        return NULL;
    wd_build(m, t);
    if (!atomic_compare_exchange_strong_explicit(&mm->lines, &none, t, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        module_lines_free(t);
        t = none;
    }
    return t;
}

const char *module_source_line(const weft_module *m, size_t offset, uint32_t *line,
                               uint32_t *column)
{
    const struct wm_lines *t = module_lines(m);
    if (!t || !t->nrows || offset < t->rows[0].at)
        return NULL;
    size_t lo = 0, hi = t->nrows;
    while (hi - lo > 1) { /* the last row at or before offset */
        size_t mid = lo + (hi - lo) / 2;
        if (t->rows[mid].at <= offset)
            lo = mid;
        else
            hi = mid;
    }
    const wm_line_row *r = &t->rows[lo];
    if (r->file == WM_LINES_END)
        return NULL;
    *line = r->line;
    *column = r->column;
    return t->files[r->file];
}
