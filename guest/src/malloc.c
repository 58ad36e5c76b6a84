/* malloc.c - a thread-safe allocator for the guest kit.
 *
 * wasi-libc's dlmalloc has no locking, so the kit replaces it: this file defines every
 * symbol libc.a's dlmalloc.o does (malloc ... malloc_usable_size, __libc_malloc/free/
 * calloc), so the linker never pulls that member in.
 *
 * Design, chosen for being small and predictable:
 *   - every block has a 16-byte header in front of it, so user pointers are 16-aligned;
 *   - small requests (<= 32 KiB) round up to one of 44 size classes (16-byte steps to
 *     256, then four steps per power of two) and recycle through per-class free lists;
 *   - larger requests take whole spans, best fit, from an address-ordered free list that
 *     merges neighbours, and give the top span back to the heap's end;
 *   - fresh memory comes from memory.grow past __heap_base;
 *   - one futex lock guards it all. The threaded programs this kit targets allocate at
 *     setup time, not in their parallel loops, so a single lock is not their bottleneck. */
#include "kit.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HDR        16u
#define ALIGN      16u
#define SMALL_MAX  32768u
#define NCLASSES   44
#define PAGE       65536u
#define LARGE_UNIT 4096u   /* large requests round to this, so freed spans fit later ones */
#define REFILL     16384u  /* bytes carved at once when a small class runs dry */
#define GROW_MIN   32u     /* grow memory by at least this many pages (2 MiB) */

enum { KIND_LARGE = 0x100, KIND_ALIGNED = 0x200 }; /* below 0x100: a small class index */

struct hdr {
    uint32_t size;  /* usable bytes; for KIND_ALIGNED the distance back to the real block */
    uint32_t kind;
    uint32_t pad[2];
};

struct span {       /* a free large span, linked in address order */
    size_t size;    /* whole span in bytes, header included */
    struct span *next;
};

extern unsigned char __heap_base;

static int heap_lock;
static uintptr_t heap_top, heap_end;     /* untouched memory: [heap_top, heap_end) */
static void *small_free[NCLASSES];
static struct span *spans;

static size_t round_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* Size class of a request of n bytes (1 <= n <= SMALL_MAX). */
static unsigned class_of(size_t n)
{
    if (n <= 256)
        return (unsigned)((n + 15) / 16) - 1;
    unsigned p = 31 - (unsigned)__builtin_clz((unsigned)(n - 1)); /* 2^p < n <= 2^(p+1) */
    size_t step = (size_t)1 << (p - 2);
    unsigned k = (unsigned)((n - ((size_t)1 << p) + step - 1) / step); /* 1..4 */
    return 16 + (p - 8) * 4 + (k - 1);
}

static size_t class_size(unsigned c)
{
    if (c < 16)
        return (size_t)(c + 1) * 16;
    unsigned p = 8 + (c - 16) / 4, k = (c - 16) % 4 + 1;
    return ((size_t)1 << p) + k * ((size_t)1 << (p - 2));
}

static struct hdr *header(void *p)
{
    return (struct hdr *)((char *)p - HDR);
}

/* ---- Raw memory from the end of the heap ---- */

static int grow_heap(size_t need)
{
    if (!heap_end) {
        heap_top = round_up((uintptr_t)&__heap_base, ALIGN);
        heap_end = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE;
        if (heap_end - heap_top >= need)
            return 1;
    }
    size_t pages = (need - (heap_end - heap_top) + PAGE - 1) / PAGE;
    size_t old = __builtin_wasm_memory_grow(0, pages < GROW_MIN ? GROW_MIN : pages);
    if (old == (size_t)-1 && pages < GROW_MIN)
        old = __builtin_wasm_memory_grow(0, pages);
    else if (old != (size_t)-1)
        pages = pages < GROW_MIN ? GROW_MIN : pages;
    if (old == (size_t)-1)
        return 0;
    if (old * PAGE != heap_end) /* someone else grew memory: start over at the new end */
        heap_top = old * PAGE;
    heap_end = (old + pages) * PAGE;
    return 1;
}

static void *take_fresh(size_t bytes)
{
    if (heap_end - heap_top < bytes && !grow_heap(bytes))
        return NULL;
    void *p = (void *)heap_top;
    heap_top += bytes;
    return p;
}

/* ---- Large spans ---- */

/* Best fit from the free list, else fresh memory. `bytes` is a multiple of ALIGN. */
static void *take_span(size_t bytes)
{
    struct span **best = NULL;
    for (struct span **p = &spans; *p; p = &(*p)->next) {
        if ((*p)->size >= bytes && (!best || (*p)->size < (*best)->size))
            best = p;
    }
    if (!best)
        return take_fresh(bytes);
    struct span *s = *best;
    size_t rest = s->size - bytes;
    if (rest >= 256) { /* split: the tail stays free, in place in the list */
        struct span *tail = (struct span *)((char *)s + bytes);
        tail->size = rest;
        tail->next = s->next;
        *best = tail;
    } else {
        *best = s->next;
    }
    return s;
}

/* Return a span: merge with free neighbours, or hand it back to the heap's end. */
static void give_span(void *start, size_t bytes)
{
    struct span *s = start, *prev = NULL, *next = spans;
    while (next && (uintptr_t)next < (uintptr_t)s) {
        prev = next;
        next = next->next;
    }
    s->size = bytes;
    s->next = next;
    if (next && (char *)s + s->size == (char *)next) {
        s->size += next->size;
        s->next = next->next;
    }
    if (prev && (char *)prev + prev->size == (char *)s) {
        prev->size += s->size;
        prev->next = s->next;
        s = prev;
    } else if (prev) {
        prev->next = s;
    } else {
        spans = s;
    }
    if ((uintptr_t)s + s->size == heap_top) { /* the last span: back to untouched memory */
        heap_top = (uintptr_t)s;
        if (prev == s) { /* s merged into prev: unlink prev */
            struct span **p = &spans;
            while (*p != s)
                p = &(*p)->next;
            *p = s->next;
        } else if (prev) {
            prev->next = s->next;
        } else {
            spans = s->next;
        }
    }
}

/* ---- Blocks ---- */

static void *alloc_small(unsigned c)
{
    void *p = small_free[c];
    if (p) {
        small_free[c] = *(void **)p;
        return p;
    }
    size_t block = class_size(c) + HDR;
    size_t count = REFILL / block ? REFILL / block : 1;
    char *run = take_span(block * count);
    if (!run)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        struct hdr *h = (struct hdr *)(run + i * block);
        h->size = (uint32_t)class_size(c);
        h->kind = c;
        if (i > 0) { /* all but the first go to the free list */
            *(void **)(h + 1) = small_free[c];
            small_free[c] = h + 1;
        }
    }
    return run + HDR;
}

static void *alloc_large(size_t n)
{
    size_t bytes = round_up(n + HDR, LARGE_UNIT);
    struct hdr *h = take_span(bytes);
    if (!h)
        return NULL;
    h->size = (uint32_t)(bytes - HDR);
    h->kind = KIND_LARGE;
    return h + 1;
}

static void release(void *p)
{
    struct hdr *h = header(p);
    if (h->kind < NCLASSES) {
        *(void **)p = small_free[h->kind];
        small_free[h->kind] = p;
    } else {
        give_span(h, h->size + HDR);
    }
}

void *malloc(size_t n)
{
    if (n > (size_t)UINT32_MAX - LARGE_UNIT - HDR) {
        errno = ENOMEM;
        return NULL;
    }
    kit_lock(&heap_lock);
    void *p = n <= SMALL_MAX ? alloc_small(class_of(n ? n : 1)) : alloc_large(n);
    kit_unlock(&heap_lock);
    if (!p)
        errno = ENOMEM;
    return p;
}

void free(void *p)
{
    if (!p)
        return;
    struct hdr *h = header(p);
    if (h->kind == KIND_ALIGNED)
        p = (char *)p - h->size;
    kit_lock(&heap_lock);
    release(p);
    kit_unlock(&heap_lock);
}

size_t malloc_usable_size(void *p)
{
    if (!p)
        return 0;
    struct hdr *h = header(p);
    if (h->kind == KIND_ALIGNED) {
        size_t offset = h->size;
        return header((char *)p - offset)->size - offset;
    }
    return h->size;
}

void *calloc(size_t count, size_t size)
{
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(n);
    if (p)
        memset(p, 0, n); /* memory.fill with bulk memory: cheap even for large blocks */
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    size_t have = malloc_usable_size(p);
    if (n <= have && header(p)->kind != KIND_ALIGNED && (n > SMALL_MAX || n >= have / 2))
        return p; /* fits and wastes at most half: keep it */
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, n < have ? n : have);
    free(p);
    return q;
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    if (align <= ALIGN) {
        void *p = malloc(n);
        if (!p)
            return ENOMEM;
        *out = p;
        return 0;
    }
    if (n > (size_t)UINT32_MAX / 2 || align > (size_t)UINT32_MAX / 4)
        return ENOMEM;
    char *raw = malloc(n + align + HDR);
    if (!raw)
        return ENOMEM;
    /* Place the block at the first aligned address with room for a header in front,
     * and mark that header so free() finds the real block. */
    char *p = (char *)round_up((uintptr_t)raw + HDR, align);
    struct hdr *h = header(p);
    h->size = (uint32_t)(p - raw);
    h->kind = KIND_ALIGNED;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
    void *p = NULL;
    int rc = posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, n);
    if (rc) {
        errno = rc;
        return NULL;
    }
    return p;
}

/* libc.a's locale and atexit code call these names directly. */
void *__libc_malloc(size_t n) { return malloc(n); }
void __libc_free(void *p) { free(p); }
void *__libc_calloc(size_t count, size_t size) { return calloc(count, size); }
