/* setjmp.h - setjmp and longjmp for wasm32 guests built with `weft-cc --sjlj`.
 *
 * WebAssembly has no way to save and restore a stack, so clang does the work at compile
 * time (-mllvm -wasm-enable-sjlj, which weft-cc --sjlj adds): each function calling setjmp
 * records the call in its jmp_buf through __wasm_setjmp, and wraps its calls in a handler
 * for the __c_longjmp exception tag; longjmp throws that tag. The runtime those calls need
 * is guest/src/sjlj.c. See guest/README.md ("setjmp/longjmp and C++ exceptions"). */
#ifndef WEFT_GUEST_SETJMP_H
#define WEFT_GUEST_SETJMP_H

#if !defined(__wasm_exception_handling__)
#error "setjmp/longjmp need the exception-handling lowering: build with weft-cc --sjlj"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The fields are the runtime's (guest/src/sjlj.c); a program only passes the buffer. */
struct __weft_jmp_buf {
    void *__frame;       /* the invocation of the function that called setjmp */
    unsigned __label;    /* which of that function's setjmp calls, counted from 1 */
    void *__target;      /* longjmp's payload: this buffer ... */
    int __value;         /* ... and the value setjmp returns the second time */
    unsigned __spare[4];
};

typedef struct __weft_jmp_buf jmp_buf[1];
typedef struct __weft_jmp_buf sigjmp_buf[1];

/* clang rewrites direct calls of these two names; the call must be direct, as in C. */
int setjmp(jmp_buf env);
_Noreturn void longjmp(jmp_buf env, int value);

/* No signals in WASI: the signal-mask variants are the plain ones. */
#define _setjmp(env) setjmp(env)
#define _longjmp(env, value) longjmp(env, value)
#define sigsetjmp(env, savemask) ((void)(savemask), setjmp(env))
#define siglongjmp(env, value) longjmp(env, value)

#ifdef __cplusplus
}
#endif

#endif
