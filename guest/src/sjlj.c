/* sjlj.c - the runtime behind clang's WebAssembly setjmp/longjmp lowering (LLVM 18 and
 * later; weft-cc --sjlj uses clang 19).
 *
 * What the compiler emits, in a function that calls setjmp:
 *   - each setjmp(env) becomes __wasm_setjmp(env, label, frame) and yields 0: label numbers
 *     the setjmp calls of the function from 1, frame is the address of a stack slot unique
 *     to this invocation of the function;
 *   - every call that may longjmp sits in a handler for the __c_longjmp tag (one i32: a
 *     pointer to {env, value}). The handler asks __wasm_setjmp_test(env, frame) whether the
 *     jump is to one of its own setjmp calls: a label means yes (the code continues after
 *     that setjmp, which now yields value), 0 means no and the handler throws it on with
 *     __wasm_longjmp(env, value);
 *   - longjmp(env, value) becomes __wasm_longjmp(env, value).
 * Everything lives in the caller's jmp_buf, so threads need no shared state, and the
 * payload outlives the frames the exception unwinds (the jmp_buf's owner is still live).
 * Built with -mexception-handling and without the lowering itself. */
#include <setjmp.h>

struct jump { /* the tag's payload, as the compiler reads it */
    void *env;
    int value;
};

_Static_assert(__builtin_offsetof(struct __weft_jmp_buf, __value) -
               __builtin_offsetof(struct __weft_jmp_buf, __target) == __builtin_offsetof(struct jump, value),
               "the payload inside jmp_buf has the compiler's layout");

void __wasm_setjmp(void *env, unsigned label, void *frame)
{
    struct __weft_jmp_buf *b = env;
    b->__frame = frame;
    b->__label = label;
}

unsigned __wasm_setjmp_test(void *env, void *frame)
{
    const struct __weft_jmp_buf *b = env;
    return b->__frame == frame ? b->__label : 0;
}

_Noreturn void __wasm_longjmp(void *env, int value)
{
    struct __weft_jmp_buf *b = env;
    b->__target = env;
    b->__value = value ? value : 1; /* longjmp(env, 0) makes setjmp return 1 */
    __builtin_wasm_throw(1, &b->__target); /* tag 1: __c_longjmp */
}

/* Calls the compiler did not rewrite (through a pointer, or from code built without
 * --sjlj) land here and jump all the same. */
_Noreturn void longjmp(jmp_buf env, int value)
{
    __wasm_longjmp(env, value);
}
