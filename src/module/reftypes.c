/*
 * reftypes.c - subtyping of full value types (wm_vt, module.h) for typed function
 * references (WebAssembly 3.0 without GC): two hierarchies, func and extern, each
 *   bottom (nofunc / noextern)  <:  concrete function types ($t, func only)  <:  top,
 * and (ref ht) <: (ref null ht). Function types are all final here (no GC `sub`
 * declarations), so two concrete types are related only when they are the same type: within
 * one module the same canonical index (decode.c canonicalises them), across two modules the
 * same structure.
 */
#include "module.h"

/* Across modules a concrete type is compared by structure: the types it names, recursively
 * (they precede it, or are itself: a reference to the type being compared matches only the
 * same in the other). Deeper than this the types count as different, which only an
 * adversarial module reaches. */
#define REFTYPES_MAX_DEPTH 32

static bool reftypes_eq_across(const weft_module *ma, uint32_t ia, const weft_module *mb,
                               uint32_t ib, int depth);

/* a (in ma) <: b (in mb); depth: of the structural comparison that asks */
static bool reftypes_sub(const weft_module *ma, wm_vt a, const weft_module *mb, wm_vt b,
                         int depth)
{
    if (a == b && ma == mb)
        return true;
    if (!wm_vt_is_ref(a) || !wm_vt_is_ref(b))
        return a == b; /* numeric and vector types: only themselves */
    if (wm_vt_code(a) != wm_vt_code(b))
        return false;
    if (!(a & WM_VT_NONNULL) && (b & WM_VT_NONNULL))
        return false;
    if (a & WM_VT_BOTTOM)
        return true; /* the bottom type is below everything of its hierarchy */
    if (b & WM_VT_BOTTOM)
        return false;
    if (!(b & WM_VT_CONCRETE))
        return true; /* the top: func or extern */
    if (!(a & WM_VT_CONCRETE))
        return false;
    uint32_t i = wm_vt_index(a), j = wm_vt_index(b);
    if (ma == mb && ma)
        return i == j ||
               (i < ma->ntypes && j < ma->ntypes && ma->type_canon[i] == ma->type_canon[j]);
    return reftypes_eq_across(ma, i, mb, j, depth + 1);
}

bool wm_vt_sub(const weft_module *m, wm_vt a, wm_vt b) { return reftypes_sub(m, a, m, b, 0); }

bool wm_vt_sub_across(const weft_module *ma, wm_vt a, const weft_module *mb, wm_vt b)
{
    return reftypes_sub(ma, a, mb, b, 0);
}

/* A value type of type sa (in ma) equals one of type sb (in mb); a reference to the type
 * itself (a recursive type) matches only the same. */
static bool reftypes_vt_eq_across(const weft_module *ma, uint32_t sa, wm_vt a,
                                  const weft_module *mb, uint32_t sb, wm_vt b, int depth)
{
    const wm_vt low = (1u << WM_VT_SHIFT) - 1;
    if ((a & low) != (b & low))
        return false;
    if (!(a & WM_VT_CONCRETE))
        return true;
    uint32_t i = wm_vt_index(a), j = wm_vt_index(b);
    if (i == sa || j == sb)
        return i == sa && j == sb;
    return reftypes_eq_across(ma, i, mb, j, depth + 1);
}

static bool reftypes_eq_across(const weft_module *ma, uint32_t ia, const weft_module *mb,
                               uint32_t ib, int depth)
{
    if (!ma || !mb || ia >= ma->ntypes || ib >= mb->ntypes || depth > REFTYPES_MAX_DEPTH)
        return false;
    if (ma == mb && ma->type_canon[ia] == mb->type_canon[ib])
        return true;
    const wm_functype *a = &ma->types[ia], *b = &mb->types[ib];
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    for (uint32_t k = 0; k < a->nparams + a->nresults; k++)
        if (!reftypes_vt_eq_across(ma, ia, wm_functype_vt(a, k), mb, ib, wm_functype_vt(b, k),
                                   depth))
            return false;
    return true;
}

bool wm_functype_eq_across(const weft_module *ma, uint32_t ia, const weft_module *mb,
                           uint32_t ib)
{
    return reftypes_eq_across(ma, ia, mb, ib, 0);
}
