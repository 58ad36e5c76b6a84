/*
 * nat_module.c - a module's native code: translate (nat_cgen.c), compile and package
 * (native_io.h), load and attach, through the cache when asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"
#include "nat_abi.h"
#include "nat_cgen.h"
#include "native_io.h"

/* The C compiler's flags. The generated code relies on none of C's undefined behaviour (it
 * computes in unsigned types and reads memory with memcpy), but the flags still say what
 * the wasm semantics need: IEEE arithmetic exactly as written (no contraction into FMA, no
 * fast-math), no aliasing assumptions between guest memory accesses. */
typedef char nat_march[64]; /* holds "-march=..." while argv is used */

static void nat_flags(const nat_options *o, const char **argv, size_t n, char *key, size_t kn,
                      nat_march march_flag)
{
    static const char *const levels[4] = {"-O0", "-O1", "-O2", "-O3"};
    static const char *const fixed[] = {"-std=gnu11", "-fPIC", "-fno-strict-aliasing",
                                        "-ffp-contract=off", "-fno-math-errno",
                                        "-fno-fast-math", "-g0", "-w", NULL};
    size_t k = 0;
    int lvl = o && o->opt_level >= 0 && o->opt_level <= 3 ? o->opt_level : 2;
    argv[k++] = levels[lvl];
    /* Built for this CPU's class (SIMD needs SSE4.1-class instructions to be fast; rounding
     * and shuffles are single instructions there; see nat_cpu_march). The artifact records
     * the CPU's features and is refused on another. */
    /* WEFT_MARCH names another level (x86-64-v3, say: valgrind decodes no AVX-512); the
     * artifact is still tied to this CPU's features */
    const char *march = getenv("WEFT_MARCH");
    if (march && *march && strlen(march) < 40 && strspn(march, "abcdefghijklmnopqrstuvwxyz"
                                                              "0123456789-_.") == strlen(march)) {
        snprintf(march_flag, sizeof(nat_march), "-march=%s", march);
        argv[k++] = march_flag;
    } else {
        const char *cpu = nat_cpu_march(); /* reads /proc/cpuinfo: once */
        if (cpu)
            argv[k++] = cpu;
    }
    for (size_t i = 0; fixed[i] && k + 1 < n; i++)
        argv[k++] = fixed[i];
    argv[k] = NULL;
    /* The key: what ties artifacts to this build of weft beyond its version, the flags and
     * the prelude (the layout of the runtime structs generated code reads, the translator's
     * checksum). */
    key[0] = 0;
    for (size_t i = 0; i < k; i++) {
        size_t len = strlen(key);
        snprintf(key + len, kn - len, "%s%s", i ? " " : "", argv[i]);
    }
    nat_text p = {0};
    uint8_t h[32];
    char hex[17];
    nat_prelude(&p);
    sha256(p.p ? p.p : "", p.len, h);
    nat_text_free(&p);
    hex_encode(h, 8, hex);
    size_t len = strlen(key);
    snprintf(key + len, kn - len, " prelude:%s%s%s", hex, o && o->fuel ? NAT_KEY_FUEL : "",
             o && o->epoch ? NAT_KEY_EPOCH : "");
}

weft_error *nat_check_stops(const char *flags, bool fuel, bool epoch)
{
    bool af = strstr(flags, NAT_KEY_FUEL) != NULL, ae = strstr(flags, NAT_KEY_EPOCH) != NULL;
    if (af != fuel || ae != epoch)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "artifact: compiled %s %s, but the engine %s it: compile it again "
                       "with the engine's settings",
                       af != fuel ? (af ? "with" : "without") : (ae ? "with" : "without"),
                       af != fuel ? "fuel accounting" : "epoch checks",
                       af != fuel ? (fuel ? "needs" : "has no") : (epoch ? "needs" : "has no"));
    return NULL;
}

weft_error *nat_build(const weft_module *m, const nat_options *o, uint8_t **artifact,
                      size_t *artifact_len)
{
    const char *argv[16];
    nat_march march;
    char key[384];
    nat_text *units = NULL;
    size_t nunits = 0;
    nat_cc cc;
    uint8_t *so = NULL;
    size_t so_len = 0;
    int jobs = o ? o->jobs : 0;

    *artifact = NULL;
    *artifact_len = 0;
    weft_error *e = nat_cc_find(&cc);
    if (e)
        return e;
    cc.cancel = o ? o->cancel : NULL;
    nat_flags(o, argv, sizeof argv / sizeof argv[0], key, sizeof key, march);
    e = nat_cgen_module(m, 1024, &units, &nunits);
    if (!e) {
        const char **texts = calloc(nunits, sizeof *texts);
        size_t *lens = calloc(nunits, sizeof *lens);
        if (!texts || !lens) {
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        } else {
            for (size_t i = 0; i < nunits; i++) {
                texts[i] = units[i].p;
                lens[i] = units[i].len;
            }
            /* WEFT_KEEP_C=1 keeps the generated C and the compiler's files for debugging
             * (the error, or WEFT_KEEP_C's report on stderr, names the directory) */
            const char *keep = getenv("WEFT_KEEP_C");
            char kept[4096];
            if (keep && *keep) {
                e = nat_cc_build_keep(&cc, texts, lens, nunits, argv, jobs, kept, sizeof kept,
                                      &so, &so_len);
                if (!e)
                    fprintf(stderr, "weft: generated C kept in %s\n", kept);
            } else {
                e = nat_cc_build(&cc, texts, lens, nunits, argv, jobs, &so, &so_len);
            }
        }
        free(texts);
        free(lens);
        for (size_t i = 0; i < nunits; i++)
            nat_text_free(&units[i]);
        free(units);
    }
    if (!e) {
        nat_meta meta;
        nat_meta_init(&meta, &cc, key, m->bytes, m->len);
        e = nat_artifact_pack(&meta, m->bytes, m->len, so, so_len, artifact, artifact_len);
    }
    free(so);
    nat_cc_free(&cc);
    return e;
}

void nat_module_free(nat_module *nm)
{
    if (!nm)
        return;
    if (nm->so)
        nat_so_close(nm->so);
    free(nm);
}

weft_error *nat_attach(weft_module *m, const uint8_t *so, size_t so_len)
{
    nat_module *nm = calloc(1, sizeof *nm);
    if (!nm)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    weft_error *e = nat_so_open(so, so_len, &nm->so);
    if (!e) {
        nm->tab = nat_so_sym(nm->so, WN_MODULE_SYMBOL);
        if (!nm->tab)
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                        "compiled code has no %s: not made by weft", WN_MODULE_SYMBOL);
        else if (nm->tab->abi != NAT_ABI_VERSION ||
                 nm->tab->nfuncs != m->nfuncs - m->nfunc_imports)
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                        "compiled code does not match the module (ABI %u, %u functions)",
                        nm->tab->abi, nm->tab->nfuncs);
    }
    if (e) {
        nat_module_free(nm);
        return e;
    }
    atomic_store_explicit(&m->native, nm, memory_order_release);
    return NULL;
}

/* Unpack an artifact for m and attach its code. */
static weft_error *nat_attach_artifact(weft_module *m, const uint8_t *art, size_t len,
                                       const char *what)
{
    nat_meta meta;
    const uint8_t *wasm, *so;
    size_t wasm_len, so_len;
    weft_error *e = nat_artifact_unpack(art, len, what, &meta, &wasm, &wasm_len, &so, &so_len);
    if (e)
        return e;
    if (wasm_len != m->len || memcmp(wasm, m->bytes, wasm_len) != 0)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "%s: made from another module", what);
    return nat_attach(m, so, so_len);
}

weft_error *nat_compile_cached(weft_module *m, const nat_options *o, const char *cache_dir,
                               bool lookup_only)
{
    char dir[4096], key[65], fkey[384];
    const char *argv[16];
    nat_march march;
    uint8_t *art = NULL;
    size_t len = 0;
    nat_cc cc;
    nat_meta meta;
    bool use_cache = !cache_dir || cache_dir[0];
    weft_error *e;

    if (use_cache) {
        if ((e = nat_cache_dir(cache_dir, dir, sizeof dir)) != NULL)
            return e;
        if ((e = nat_cc_find(&cc)) != NULL)
            return e;
        nat_flags(o, argv, sizeof argv / sizeof argv[0], fkey, sizeof fkey, march);
        nat_meta_init(&meta, &cc, fkey, m->bytes, m->len);
        nat_cc_free(&cc);
        nat_cache_key(&meta, key);
        if ((e = nat_cache_get(dir, key, &art, &len)) != NULL)
            return e;
        if (art) {
            e = nat_attach_artifact(m, art, len, "cached artifact");
            free(art);
            if (!e)
                return NULL;
            /* a damaged or stale entry: rebuild it */
            weft_error_free(e);
            art = NULL;
        }
    }
    if (lookup_only)
        return NULL;
    if ((e = nat_build(m, o, &art, &len)) != NULL)
        return e;
    e = nat_attach_artifact(m, art, len, "new artifact");
    if (!e && use_cache) {
        /* a cache that cannot be written only costs the next run a compile */
        weft_error *pe = nat_cache_put(dir, key, art, len);
        weft_error_free(pe);
    }
    free(art);
    return e;
}
