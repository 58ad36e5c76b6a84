/* capi_vec.c - the vectors of wasm.h. Every vector kind has the same five functions and
 * differs only in how one element is copied and released, so one macro writes them all
 * from two element helpers. */
#include <string.h>

#include "capi.h"

/* n elements of `size` bytes, zeroed; NULL for n == 0 or when out of memory. */
static void *capi_array_new(size_t n, size_t size)
{
    return n ? calloc(n, size) : NULL;
}

#define CAPI_VEC_IMPL(name)                                                                   \
    void wasm_##name##_vec_new_empty(wasm_##name##_vec_t *out)                                \
    {                                                                                         \
        out->size = 0;                                                                        \
        out->data = NULL;                                                                     \
    }                                                                                         \
    void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t *out, size_t n)              \
    {                                                                                         \
        out->data = capi_array_new(n, sizeof *out->data);                                     \
        out->size = out->data ? n : 0;                                                        \
    }                                                                                         \
    void wasm_##name##_vec_new(wasm_##name##_vec_t *out, size_t n,                            \
                               const name##_elem_t src[])                                 \
    {                                                                                         \
        wasm_##name##_vec_new_uninitialized(out, n);                                          \
        if (out->size && src)                                                                 \
            memcpy(out->data, src, n * sizeof *out->data);                                    \
    }                                                                                         \
    void wasm_##name##_vec_copy(wasm_##name##_vec_t *out, const wasm_##name##_vec_t *src)     \
    {                                                                                         \
        wasm_##name##_vec_new_uninitialized(out, src ? src->size : 0);                        \
        for (size_t i = 0; i < out->size; i++)                                                \
            name##_elem_copy(&out->data[i], &src->data[i]);                                   \
    }                                                                                         \
    void wasm_##name##_vec_delete(wasm_##name##_vec_t *v)                                     \
    {                                                                                         \
        if (!v)                                                                               \
            return;                                                                           \
        for (size_t i = 0; v->data && i < v->size; i++)                                       \
            name##_elem_release(&v->data[i]);                                                 \
        free(v->data);                                                                        \
        v->data = NULL;                                                                       \
        v->size = 0;                                                                          \
    }

/* Vectors of owned pointers copy and delete each object (NULL elements are kept). */
#define CAPI_PTR_ELEM(name)                                                                   \
    typedef wasm_##name##_t *name##_elem_t;                                                   \
    static void name##_elem_copy(wasm_##name##_t **dst, wasm_##name##_t *const *src)          \
    {                                                                                         \
        *dst = *src ? wasm_##name##_copy(*src) : NULL;                                        \
    }                                                                                         \
    static void name##_elem_release(wasm_##name##_t **e)                                      \
    {                                                                                         \
        if (*e)                                                                               \
            wasm_##name##_delete(*e);                                                         \
    }

typedef wasm_byte_t byte_elem_t;
typedef wasm_val_t val_elem_t;
static void byte_elem_copy(wasm_byte_t *dst, const wasm_byte_t *src) { *dst = *src; }
static void byte_elem_release(wasm_byte_t *e) { (void)e; }
static void val_elem_copy(wasm_val_t *dst, const wasm_val_t *src) { wasm_val_copy(dst, src); }
static void val_elem_release(wasm_val_t *e) { wasm_val_delete(e); }

CAPI_PTR_ELEM(valtype)
CAPI_PTR_ELEM(functype)
CAPI_PTR_ELEM(globaltype)
CAPI_PTR_ELEM(tabletype)
CAPI_PTR_ELEM(memorytype)
CAPI_PTR_ELEM(externtype)
CAPI_PTR_ELEM(importtype)
CAPI_PTR_ELEM(exporttype)
CAPI_PTR_ELEM(frame)
CAPI_PTR_ELEM(extern)

CAPI_VEC_IMPL(byte)
CAPI_VEC_IMPL(val)
CAPI_VEC_IMPL(valtype)
CAPI_VEC_IMPL(functype)
CAPI_VEC_IMPL(globaltype)
CAPI_VEC_IMPL(tabletype)
CAPI_VEC_IMPL(memorytype)
CAPI_VEC_IMPL(externtype)
CAPI_VEC_IMPL(importtype)
CAPI_VEC_IMPL(exporttype)
CAPI_VEC_IMPL(frame)
CAPI_VEC_IMPL(extern)
