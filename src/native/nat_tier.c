/*
 * nat_tier.c - tiered execution: the module runs in the interpreter from the start while a
 * thread builds its native code (through the cache); once the code is attached, each
 * translated function's tier_up flag sends new calls to native code, from the interpreter's
 * call instruction and from exec_invoke. Frames already running finish in the interpreter.
 *
 * The thread holds no reference to the module: the module's last release stops it (the
 * compiler processes are killed, see nat_cc.c) and joins it before anything is freed.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "native.h"
#include "../compile/code.h"

struct nat_tierup {
    pthread_t thread;
    atomic_bool cancel;
    weft_module *m;
    nat_options o;
    char *cache_dir; /* copy, or NULL for the default */
};

/* New calls of every function go to native code from now on (the code is attached: the
 * release pairs with nat_instance_attach's acquire of m->native). */
static void tier_flag_all(weft_module *m)
{
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        code_func *cf = m->funcs[i].code;
        if (cf)
            atomic_store_explicit(&cf->tier_up, true, memory_order_release);
    }
}

static void *tier_main(void *arg)
{
    nat_tierup *t = arg;
    weft_module *m = t->m;
    weft_error *e = nat_compile_cached(m, &t->o, t->cache_dir, false);
    if (e) {
        /* no compiler, a failed or abandoned compile: the interpreter simply goes on */
        weft_error_free(e);
        return NULL;
    }
    tier_flag_all(m);
    return NULL;
}

void nat_tier_start(weft_module *m, const nat_options *o, const char *cache_dir)
{
    weft_error *e = nat_compile_cached(m, o, cache_dir, true);
    weft_error_free(e);
    if (atomic_load_explicit(&m->native, memory_order_acquire)) {
        tier_flag_all(m);
        return;
    }
    nat_tierup *t = calloc(1, sizeof *t);
    if (!t)
        return;
    t->m = m;
    t->o = *o;
    t->o.cancel = &t->cancel;
    atomic_init(&t->cancel, false);
    if (cache_dir && !(t->cache_dir = xstrdup(cache_dir))) {
        free(t);
        return;
    }
    if (pthread_create(&t->thread, NULL, tier_main, t) != 0) {
        free(t->cache_dir);
        free(t);
        return; /* the interpreter alone */
    }
    m->tierup = t;
}

void nat_tier_stop(weft_module *m)
{
    nat_tierup *t = m->tierup;
    if (!t)
        return;
    atomic_store_explicit(&t->cancel, true, memory_order_relaxed);
    pthread_join(t->thread, NULL);
    free(t->cache_dir);
    free(t);
    m->tierup = NULL;
}

bool nat_tier_ready(weft_instance *inst, weft_func *f)
{
    if (!f->nslots && !inst->native) {
        weft_error *e = nat_instance_attach(inst);
        weft_error_free(e); /* out of memory: stay in the interpreter */
    }
    return f->nslots != NULL;
}
