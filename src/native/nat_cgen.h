/*
 * nat_cgen.h - the compiled tier's translator: a validated module -> C source, split into
 * translation units that the system compiler builds in parallel (nat_module.c drives it).
 *
 * The C looks like the wasm: one C function per wasm function, its locals as C locals, each
 * operand stack position as a C variable (the compiler's register allocator does the rest),
 * blocks as labels and gotos. Semantics that C does not give directly come from the same
 * helpers the interpreter uses (exec/numeric.h, pasted into the prelude). Nothing from the
 * module is ever pasted into the C as text: functions, types and labels are named by index.
 */
#ifndef WEFT_NAT_CGEN_H
#define WEFT_NAT_CGEN_H

#include "../module/module.h"

/* A piece of generated C. */
typedef struct nat_text {
    char *p;
    size_t len, cap;
    bool oom;
} nat_text;

void nat_text_free(nat_text *t);

/* The prelude every unit starts with: the translator's checksum, weft.h, numeric.h, simd.h,
 * nat_abi.h and the offsets of the runtime's structs. Constant for a build of weft (it goes
 * into the cache key). */
void nat_prelude(nat_text *t);

/* Translate m into at most `max_units` units (at least 1; fewer for small modules). On
 * success *units is an array of *nunits texts (free each, then the array). */
weft_error *nat_cgen_module(const weft_module *m, size_t max_units, nat_text **units,
                            size_t *nunits);

#endif
