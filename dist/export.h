/*
 * export.h - forced into every object of the shared library (-include), which is compiled
 * with -fvisibility=hidden: the public headers are read here first, between these pragmas,
 * so their declarations (weft_* and wasm_*) keep default visibility and everything else of
 * the library stays hidden. Internal calls then bind directly (no PLT, no interposition),
 * and dist/libweft.map checks the result: only weft_* and wasm_* may be exported.
 */
#pragma GCC visibility push(default)
#include "weft.h"
#include "wasm.h"
#include "weft_wasm.h"
#pragma GCC visibility pop
