/*
 * native.h - the compiled tier as the rest of the library sees it: build a module's native
 * code (translate to C, compile, package as an artifact), attach native code to a module,
 * make an instance callable from compiled code, and enter compiled code.
 */
#ifndef WEFT_NATIVE_H
#define WEFT_NATIVE_H

#include "../runtime/runtime.h"

struct exec_ctx;

/* How to build. */
typedef struct nat_options {
    int opt_level; /* the C compiler's -O level (0..3) */
    int jobs;      /* compiler processes at a time (<= 0: the number of CPUs) */
    const atomic_bool *cancel; /* optional: abandons the build once set */
    bool fuel, epoch;          /* the engine's consume_fuel and epoch_interruption: the
                                  code differs, so they are part of the cache key */
} nat_options;

/* Native code loaded for a module (one copy per process, shared by every thread). */
typedef struct nat_tierup nat_tierup;
typedef struct nat_module {
    void *so;                   /* nat_so_open's handle */
    const struct wn_module *tab; /* the shared object's entries */
} nat_module;

/* nat_module.c: translate the validated module m and compile it; *artifact is the packed
 * .cwasm (the module's bytes and the shared object). */
weft_error *nat_build(const weft_module *m, const nat_options *o, uint8_t **artifact,
                      size_t *artifact_len);
/* The words the cache key and an artifact's flags carry for fuel accounting and epoch
 * checks; nat_check_stops refuses an artifact whose code does not match the engine's. */
#define NAT_KEY_FUEL " +fuel"
#define NAT_KEY_EPOCH " +epoch"
weft_error *nat_check_stops(const char *flags, bool fuel, bool epoch);
/* Load a shared object made by nat_build for m and attach it (m->native). */
weft_error *nat_attach(weft_module *m, const uint8_t *so, size_t so_len);
/* Compile through the cache (dir NULL: the default one; "": none) and attach. With
 * lookup_only, attach only what the cache holds (a miss is no error and attaches nothing). */
weft_error *nat_compile_cached(weft_module *m, const nat_options *o, const char *cache_dir,
                               bool lookup_only);
void nat_module_free(nat_module *nm);

/* nat_tier.c: tiered execution. The module keeps running in the interpreter while its native
 * code is built in the background (or comes from the cache at once); when it is ready, new
 * calls go to native code (frames already running finish in the interpreter). */
void nat_tier_start(weft_module *m, const nat_options *o, const char *cache_dir);
/* Abandon a background compile still running and wait for its thread. */
void nat_tier_stop(weft_module *m);
/* Whether f (of inst) can now be called natively: attaches the instance to the module's
 * native code on first use. Called on the instance's own thread. */
bool nat_tier_ready(weft_instance *inst, weft_func *f);

/* nat_rt.c: give a new instance of a module with native code its compiled-code view and its
 * functions their native entries. Call once its memories, tables and globals exist. */
weft_error *nat_instance_attach(weft_instance *inst);
void nat_instance_free(weft_instance *inst);
/* Call f (which has a native entry) with its arguments and results in slots, as
 * exec_invoke does for interpreted functions. */
weft_error *nat_invoke(struct exec_ctx *ctx, weft_func *f, uint64_t *slots);

#endif
