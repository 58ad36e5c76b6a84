/*
 * bump_alloc.h - the allocator of the freestanding example guests: alloc(n) and free(p) as
 * the seeds' workers call them. The allocations of one message are freed together, so a bump
 * pointer that goes back to the heap's start when nothing is live is all these guests need.
 * The memory grows when an allocation does not fit.
 */
#ifndef BUMP_ALLOC_H
#define BUMP_ALLOC_H

#include <stddef.h>

extern unsigned char __heap_base;
static size_t heap_top, live;

__attribute__((export_name("alloc"))) void *alloc(size_t n)
{
    if (!heap_top)
        heap_top = (size_t)&__heap_base;
    size_t p = (heap_top + 15) & ~(size_t)15;
    size_t end = p + n, have = __builtin_wasm_memory_size(0) * 65536;
    if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1)
        return 0;
    heap_top = end;
    live++;
    return (void *)p;
}

__attribute__((export_name("free"))) void release(void *p)
{
    if (p && --live == 0)
        heap_top = (size_t)&__heap_base;
}

#endif
