/*
 * compile_dump.h - a listing of translated code on stderr, asked for with WEFT_DUMP_CODE
 * (see compile_dump.c). A tuning aid: it costs nothing unless the variable is set.
 */
#ifndef WEFT_COMPILE_DUMP_H
#define WEFT_COMPILE_DUMP_H

#include "code.h"

/* Does v, the value of WEFT_DUMP_CODE (read once per module: getenv walks the environment),
 * ask for the function with this index ("all" or the index)? */
bool compile_dump_wanted(const char *v, uint32_t funcidx);
void compile_dump(const code_func *cf, const void *const *hs);

#endif
