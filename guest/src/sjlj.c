/* sjlj.c - the runtime behind clang's WebAssembly setjmp/longjmp lowering: LLVM 18 and
 * later's interface (clang 19) first, then clang 14's, at the end.
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
 * Built with -mllvm -wasm-enable-sjlj, the lowering's own flag: only then does clang define
 * the __c_longjmp tag that __builtin_wasm_throw(1, ...) throws (weakly, in each object). */
#include <setjmp.h>
#include <stdlib.h>

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

/* ---- clang 14 to 17: the older interface ----
 * There a function calling setjmp keeps a table of {id, label} pairs (malloc'd, ended by
 * id 0, `size` entries of room), which it frees on return:
 *   table = saveSetjmp(env, label, table, size); size = getTempRet0();
 * gives env a new id and records it; after catching __c_longjmp (the same payload),
 *   label = testSetjmp(*(int *)env, table, size)
 * is the label of the setjmp that owns env, or 0. The id sits where __wasm_setjmp keeps
 * the frame; ids are unique across threads, the "temp return" (a second result) is per
 * thread. */
static _Thread_local unsigned temp_ret0;
static unsigned next_id; /* atomically incremented */

struct slot {
    unsigned id, label;
};

unsigned getTempRet0(void)
{
    return temp_ret0;
}

void setTempRet0(unsigned value)
{
    temp_ret0 = value;
}

void *saveSetjmp(void *env, unsigned label, void *table, unsigned size)
{
    struct slot *slots = table;
    unsigned id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
    if (id == 0) /* 0 ends a table: skip it when the counter wraps */
        id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
    *(unsigned *)env = id;
    unsigned i = 0;
    while (i < size && slots[i].id != 0)
        i++;
    if (i + 1 >= size) { /* room for this one and the end mark */
        struct slot *grown = realloc(slots, 2 * size * sizeof *slots);
        if (!grown)
            abort();
        slots = grown;
        size *= 2;
    }
    slots[i] = (struct slot){id, label};
    slots[i + 1].id = 0;
    temp_ret0 = size;
    return slots;
}

unsigned testSetjmp(unsigned id, void *table, unsigned size)
{
    const struct slot *slots = table;
    for (unsigned i = 0; i < size && slots[i].id != 0; i++)
        if (slots[i].id == id)
            return slots[i].label;
    return 0;
}
