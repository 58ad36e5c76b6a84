/*
 * reftypes.c - subtyping of full value types (wm_vt, module.h) for typed function
 * references (WebAssembly 3.0 without GC): two hierarchies, func and extern, each
 *   bottom (nofunc / noextern)  <:  concrete function types ($t, func only)  <:  top,
 * and (ref ht) <: (ref null ht). Function types are all final here (no GC `sub`
 * declarations), so two concrete types are related only when they are the same type, which
 * within one module is the same canonical index (decode.c canonicalises them).
 */
#include "module.h"

static bool reftypes_heap_sub(const weft_module *m, wm_vt a, wm_vt b)
{
    if (a & WM_VT_BOTTOM)
        return true; /* the bottom type is below everything of its hierarchy */
    if (b & WM_VT_BOTTOM)
        return false;
    if (!(b & WM_VT_CONCRETE))
        return true; /* the top: func or extern */
    if (!(a & WM_VT_CONCRETE))
        return false;
    uint32_t i = wm_vt_index(a), j = wm_vt_index(b);
    if (i == j)
        return true;
    return i < m->ntypes && j < m->ntypes && m->type_canon[i] == m->type_canon[j];
}

bool wm_vt_sub(const weft_module *m, wm_vt a, wm_vt b)
{
    if (a == b)
        return true;
    if (!wm_vt_is_ref(a) || !wm_vt_is_ref(b) || wm_vt_code(a) != wm_vt_code(b))
        return false;
    if (!(a & WM_VT_NONNULL) && (b & WM_VT_NONNULL))
        return false;
    return reftypes_heap_sub(m, a, b);
}
