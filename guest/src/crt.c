/* crt.c - the program entry point for modules built with the guest kit.
 *
 * Replaces wasi-libc's crt1-command.o on purpose. With crt1-command.o, wasm-ld 14 treats
 * the module as a "command" and wraps every export (wasi_thread_start included) in code
 * that runs __wasm_call_ctors before and __wasm_call_dtors after: each thread's end would
 * then run the atexit handlers and tear down stdio. Linked with -nostartfiles and this
 * _start, which calls the constructors itself, the exports stay plain.
 *
 * The main thread also needs a TLS block: wasm-ld 14 leaves __tls_base at 0 and only
 * initialises TLS when __wasm_init_tls is called, so _start does that first. */
#include <stdint.h>
#include <stdlib.h>

extern void __wasm_init_tls(void *block);
extern void __wasm_call_ctors(void);
extern int __main_void(void); /* wasi-libc: fetches argv and calls main */

#define MAIN_TLS_STATIC 512

static _Alignas(16) unsigned char main_tls[MAIN_TLS_STATIC];

static void init_main_tls(void)
{
    size_t size = __builtin_wasm_tls_size(), align = __builtin_wasm_tls_align();
    void *block = main_tls;
    if (size > MAIN_TLS_STATIC || align > 16) {
        /* The kit's malloc uses no TLS, so it is safe to call this early. */
        block = aligned_alloc(align < 16 ? 16 : align, size ? size : 1);
        if (!block)
            abort();
    }
    __wasm_init_tls(block);
}

__attribute__((export_name("_start")))
void _start(void)
{
    init_main_tls();
    __wasm_call_ctors();
    exit(__main_void());
}
