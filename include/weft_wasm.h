/*
 * weft_wasm.h - the bridge between the standard API (wasm.h) and weft's own (weft.h), for
 * what wasm.h cannot express:
 *
 *  - shared memories: wasm.h's memory types have no `shared` flag, and it has no way to hand
 *    one memory to a store of another thread. weft_wasm_memorytype_new_shared makes a shared
 *    type (wasm_memory_new then creates a shared memory, and wasm_module_imports reports an
 *    imported shared memory with weft_wasm_memorytype_is_shared true);
 *    weft_wasm_memory_obtain gives another store (another thread's) a handle on the same
 *    memory, which it may import;
 *  - the weft object behind a handle (weft_wasm_*_weft), for the rest of weft.h: host
 *    atomics and wait/notify on a shared memory (weft_atomic_*), workers and pools over a
 *    module (weft_worker_new), WASI (weft_wasi_define on a linker of the store);
 *  - an engine made from a weft_config (limits, features);
 *  - why the last wasm_module_new, wasm_module_validate, wasm_module_deserialize or
 *    wasm_instance_new of a store returned NULL or false (wasm.h only says that it did).
 */
#ifndef WEFT_WASM_H
#define WEFT_WASM_H

#include "wasm.h"
#include "weft.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value kind of v128 in the types weft reports (wasm.h has none). wasm_val_t cannot
 * carry a v128, so a call whose signature holds one fails with a trap. */
#define WEFT_WASM_V128 ((wasm_valkind_t)4)

/* Copy a weft configuration into a wasm.h configuration (wasm_engine_new_with_config): the
 * limits, the features, the tier (WEFT_TIER_COMPILED runs modules as native code). Strings
 * in it (cache_dir) must stay valid until the engine is made. */
WASM_API_EXTERN void weft_wasm_config_set(wasm_config_t *config, const weft_config *cfg);

/* A memory type for a shared memory (it needs a maximum: limits->max other than
 * wasm_limits_max_default, or wasm_memory_new fails). */
WASM_API_EXTERN wasm_memorytype_t *weft_wasm_memorytype_new_shared(const wasm_limits_t *);
WASM_API_EXTERN bool weft_wasm_memorytype_is_shared(const wasm_memorytype_t *);

/* A handle in `store` on the memory behind `memory` (a handle of any store, typically a
 * shared memory made on another thread). The memory lives while any store holding it
 * lives. Owned by the caller like any wasm_memory_t. */
WASM_API_EXTERN wasm_memory_t *weft_wasm_memory_obtain(wasm_store_t *store,
                                                       const wasm_memory_t *memory);
/* A handle in `store` on a weft memory (the store takes a reference on it). */
WASM_API_EXTERN wasm_memory_t *weft_wasm_memory_wrap(wasm_store_t *store, weft_memory *memory);

/* The weft objects behind handles: borrowed, valid while the handle's object lives. */
WASM_API_EXTERN weft_engine *weft_wasm_engine_weft(const wasm_engine_t *);
WASM_API_EXTERN weft_store *weft_wasm_store_weft(const wasm_store_t *);
WASM_API_EXTERN weft_module *weft_wasm_module_weft(const wasm_module_t *);
WASM_API_EXTERN weft_memory *weft_wasm_memory_weft(const wasm_memory_t *);
WASM_API_EXTERN weft_func *weft_wasm_func_weft(const wasm_func_t *);
WASM_API_EXTERN weft_instance *weft_wasm_instance_weft(const wasm_instance_t *);

/* The message of the store's last failed wasm_module_new, wasm_module_validate,
 * wasm_module_deserialize or wasm_instance_new ("" if none failed yet). Valid until the
 * next such call on the store. */
WASM_API_EXTERN const char *weft_wasm_store_error(const wasm_store_t *);

#ifdef __cplusplus
}
#endif
#endif /* WEFT_WASM_H */
