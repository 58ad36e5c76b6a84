/*
 * names.c - the "name" custom section: the module's name (subsection 0) and function names
 * (subsection 1), used in error messages and traces. Other subsections are skipped. The spec
 * makes a malformed name section no error: whatever fails here is simply dropped.
 */
#include <string.h>

#include "module.h"

/* Reads a name, as long as it is valid UTF-8; *out is a new NUL-terminated copy. */
static bool names_name(wr_reader *r, char **out)
{
    uint32_t n;
    const uint8_t *b;
    if (!wr_u32(r, &n) || !wr_bytes(r, n, &b) || !utf8_valid(b, n))
        return false;
    *out = xstrndup((const char *)b, n);
    return *out != NULL;
}

/* Subsection 1: a name map of function index -> name, indices strictly increasing. */
static bool names_funcs(wr_reader *r, const weft_module *m, char **names)
{
    uint32_t n, idx, prev = 0;
    if (!wr_u32(r, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        char *s;
        if (!wr_u32(r, &idx) || idx >= m->nfuncs || (i > 0 && idx <= prev))
            return false;
        if (!names_name(r, &s))
            return false;
        names[idx] = s;
        prev = idx;
    }
    return wr_eof(r);
}

static void names_drop(char **names, uint32_t n)
{
    if (!names)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void decode_names(weft_module *m, const uint8_t *data, size_t len)
{
    wr_reader r;
    char **names = NULL;
    char *modname = NULL;
    bool ok = true;

    wr_init(&r, data, len, 0);
    while (ok && !wr_eof(&r)) {
        uint8_t id;
        uint32_t size;
        const uint8_t *body;
        wr_reader sub;
        if (!wr_u8(&r, &id) || !wr_u32(&r, &size) || !wr_bytes(&r, size, &body)) {
            ok = false;
            break;
        }
        wr_init(&sub, body, size, 0);
        if (id == 0 && !modname) {
            ok = names_name(&sub, &modname) && wr_eof(&sub);
        } else if (id == 1 && !names && m->nfuncs > 0) {
            names = xcalloc(m->nfuncs, sizeof *names);
            ok = names && names_funcs(&sub, m, names);
        }
        weft_error_free(sub.err);
    }
    weft_error_free(r.err);
    if (!ok) {
        names_drop(names, m->nfuncs);
        free(modname);
        return;
    }
    m->func_names = names;
    m->module_name = modname;
}
