/* cxa.c - the exception half of the C++ ABI, for C++ guests built with weft-c++ (clang 19,
 * -fwasm-exceptions).
 *
 * Debian's libc++abi for wasm32 is built without exceptions: it has the type_info classes,
 * operator new, std::terminate and the rest, but no __cxa_throw, and there is no libunwind
 * for wasm32. This file is that missing part, written from the Itanium C++ ABI and from
 * what clang 19 emits:
 *   - `throw x` calls __cxa_allocate_exception(size), constructs x there, and calls
 *     __cxa_throw(object, type, destructor), which throws the __cpp_exception tag (tag 0 of
 *     __builtin_wasm_throw) with a pointer to the exception's header;
 *   - a try block with typed catch clauses catches that tag, stores its landing-pad index
 *     and its LSDA (the function's GCC_except_table) in __wasm_lpad_context, and calls
 *     _Unwind_CallPersonality(header), which sets __wasm_lpad_context.selector to the
 *     number of the clause that matches (0: none, and the code rethrows);
 *   - the clause's code calls __cxa_begin_catch(header) for the object (adjusted to the
 *     caught base class) and __cxa_end_catch() when it is done, `throw;` calls __cxa_rethrow;
 *   - destructors run in catch_all blocks that rethrow, with no call here;
 *   - std::exception_ptr (libc++) counts references to an exception and throws it again
 *     with __cxa_rethrow_primary_exception.
 * WebAssembly has no two-phase unwinding: an exception no clause catches leaves _start as
 * an uncaught wasm exception (weft reports it like a trap) instead of calling
 * std::terminate.
 *
 * Type matching covers what a catch clause can name: the same type; a public, unambiguous
 * base class (through single, multiple and virtual inheritance); a pointer to such a base,
 * to void, or with more cv-qualification; nullptr for any pointer; catch (...). Pointers to
 * members and multi-level pointer conversions match only their exact type.
 *
 * The caught-exception stack and the landing pad's context are per thread; an exception's
 * reference count (std::exception_ptr may cross threads) is atomic. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- type_info, as laid out by the Itanium ABI on wasm32 ---- */

struct type_info {
    const void *vtable;
    const char *name;
};

struct si_class_type_info { /* one public, non-virtual base at offset 0 */
    struct type_info info;
    const struct type_info *base;
};

struct base_class {
    const struct type_info *type;
    long offset_flags; /* offset << 8 | flags; for a virtual base, where its offset is in the vtable */
};

enum { BASE_VIRTUAL = 1, BASE_PUBLIC = 2 };

struct vmi_class_type_info { /* anything else */
    struct type_info info;
    unsigned flags, count;
    struct base_class bases[];
};

struct pointer_type_info {
    struct type_info info;
    unsigned flags; /* 1 const, 2 volatile, 4 restrict, ... of the pointee */
    const struct type_info *pointee;
};

enum { QUALIFIERS = 1 | 2 | 4 };

/* libc++abi's vtables tell the kinds apart; an object's vtable pointer is two words in. */
extern const char class_vtable[] __asm__("_ZTVN10__cxxabiv117__class_type_infoE");
extern const char si_vtable[] __asm__("_ZTVN10__cxxabiv120__si_class_type_infoE");
extern const char vmi_vtable[] __asm__("_ZTVN10__cxxabiv121__vmi_class_type_infoE");
extern const char pointer_vtable[] __asm__("_ZTVN10__cxxabiv119__pointer_type_infoE");

static int is_kind(const struct type_info *t, const char *vtable)
{
    return t->vtable == vtable + 2 * sizeof(void *);
}

static int is_class(const struct type_info *t)
{
    return is_kind(t, class_vtable) || is_kind(t, si_vtable) || is_kind(t, vmi_vtable);
}

/* Merged weak definitions make one type_info per type, but a type's name is unique too. */
static int same_type(const struct type_info *a, const struct type_info *b)
{
    return a == b || strcmp(a->name, b->name) == 0;
}

struct search {
    const struct type_info *target;
    char *found; /* the base subobject (NULL when the object is only a type: a null pointer) */
    int hits;    /* distinct subobjects found: 2 means ambiguous */
};

/* Walks the public bases of `type` (whose object is at obj) looking for s->target. */
static void find_base(const struct type_info *type, char *obj, struct search *s)
{
    if (same_type(type, s->target)) {
        if (s->hits == 0) {
            s->found = obj;
            s->hits = 1;
        } else if (!obj || s->found != obj) {
            s->hits = 2; /* (without an object, two paths count as two subobjects) */
        }
        return;
    }
    if (is_kind(type, si_vtable)) {
        find_base(((const struct si_class_type_info *)type)->base, obj, s);
    } else if (is_kind(type, vmi_vtable)) {
        const struct vmi_class_type_info *v = (const struct vmi_class_type_info *)type;
        for (unsigned i = 0; i < v->count && s->hits < 2; i++) {
            long flags = v->bases[i].offset_flags & 0xff, offset = v->bases[i].offset_flags >> 8;
            if (!(flags & BASE_PUBLIC))
                continue;
            char *sub = NULL;
            if (obj) {
                if (flags & BASE_VIRTUAL) /* the vtable holds the virtual base's offset */
                    offset = *(const long *)(*(const char *const *)obj + offset);
                sub = obj + offset;
            }
            find_base(v->bases[i].type, sub, s);
        }
    }
}

static int find_unique_base(const struct type_info *type, char *obj, const struct type_info *target, void **out)
{
    struct search s = {target, NULL, 0};
    find_base(type, obj, &s);
    if (s.hits != 1)
        return 0;
    *out = s.found;
    return 1;
}

/* Can a clause for `caught` take an exception of type `thrown` whose object is at obj?
 * On yes, *adjusted is what __cxa_begin_catch hands the clause: the (base) object, or for
 * a pointer clause the (converted) pointer itself. */
static int can_catch(const struct type_info *caught, const struct type_info *thrown, void *obj, void **adjusted)
{
    if (!caught || same_type(caught, thrown)) { /* catch (...), or the very type */
        *adjusted = is_kind(thrown, pointer_vtable) ? *(void **)obj : obj;
        return 1;
    }
    if (is_class(caught))
        return is_class(thrown) && find_unique_base(thrown, obj, caught, adjusted);
    if (!is_kind(caught, pointer_vtable))
        return 0;
    const struct pointer_type_info *cp = (const struct pointer_type_info *)caught;
    if (strcmp(thrown->name, "Dn") == 0) { /* nullptr converts to any pointer */
        *adjusted = NULL;
        return 1;
    }
    if (!is_kind(thrown, pointer_vtable))
        return 0;
    const struct pointer_type_info *tp = (const struct pointer_type_info *)thrown;
    void *ptr = *(void **)obj;
    if ((tp->flags & QUALIFIERS) & ~(cp->flags & QUALIFIERS))
        return 0; /* a clause cannot drop const or volatile */
    if (same_type(cp->pointee, tp->pointee) ||
        (strcmp(cp->pointee->name, "v") == 0 && tp->pointee->name[0] != 'F')) {
        *adjusted = ptr; /* T* as const T*, or any object pointer as void* */
        return 1;
    }
    if (!is_class(cp->pointee) || !is_class(tp->pointee))
        return 0;
    if (!ptr) { /* a null Derived* converts to a null Base* if the base is unambiguous */
        void *ignored;
        if (!find_unique_base(tp->pointee, NULL, cp->pointee, &ignored))
            return 0;
        *adjusted = NULL;
        return 1;
    }
    return find_unique_base(tp->pointee, ptr, cp->pointee, adjusted);
}

/* ---- exceptions ---- */

/* The header in front of every thrown object (16-byte aligned, as is the object). A
 * std::exception_ptr thrown again by std::rethrow_exception is a header of its own, with no
 * object, pointing at the one it repeats (the primary), so that both can be in flight. */
struct exception {
    const struct type_info *type;
    void *(*destroy)(void *);  /* WebAssembly's C++ ABI: destructors return `this` */
    struct exception *next;    /* the thread's stack of caught exceptions */
    int handlers;              /* catch clauses inside it; negated while it is being rethrown */
    void *adjusted;            /* the object as the matching clause sees it */
    struct exception *primary; /* for a repeat: the exception it repeats, else NULL */
    unsigned refs;             /* a primary's owners: the throw, exception_ptrs, repeats */
} __attribute__((aligned(16)));

static _Thread_local struct exception *caught_stack;
static _Thread_local unsigned uncaught_count;

static struct exception *header_of(void *object)
{
    return (struct exception *)object - 1;
}

static void *object_of(struct exception *e)
{
    return e->primary ? (void *)(e->primary + 1) : (void *)(e + 1);
}

void *__cxa_allocate_exception(size_t size)
{
    struct exception *e = calloc(1, sizeof *e + size);
    if (!e)
        abort(); /* no memory even for the exception: std::terminate in spirit */
    return e + 1;
}

void __cxa_free_exception(void *object)
{
    free(header_of(object));
}

struct exception *__cxa_init_primary_exception(void *object, const struct type_info *type, void *(*destroy)(void *))
{
    struct exception *e = header_of(object);
    e->type = type;
    e->destroy = destroy;
    e->adjusted = object;
    e->primary = NULL;
    e->refs = 0; /* std::make_exception_ptr's exception_ptr takes the first reference */
    return e;
}

void __cxa_increment_exception_refcount(void *object)
{
    if (object)
        __atomic_add_fetch(&header_of(object)->refs, 1, __ATOMIC_RELAXED);
}

void __cxa_decrement_exception_refcount(void *object)
{
    if (!object)
        return;
    struct exception *e = header_of(object);
    if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        if (e->destroy)
            (void)e->destroy(object);
        free(e);
    }
}

_Noreturn void __cxa_throw(void *object, const struct type_info *type, void *(*destroy)(void *))
{
    struct exception *e = __cxa_init_primary_exception(object, type, destroy);
    e->refs = 1;
    uncaught_count++;
    __builtin_wasm_throw(0, e); /* tag 0: __cpp_exception */
}

void *__cxa_get_exception_ptr(void *thrown)
{
    return ((struct exception *)thrown)->adjusted;
}

void *__cxa_begin_catch(void *thrown)
{
    struct exception *e = thrown;
    e->handlers = (e->handlers < 0 ? -e->handlers : e->handlers) + 1;
    if (e != caught_stack) {
        e->next = caught_stack;
        caught_stack = e;
    }
    if (uncaught_count)
        uncaught_count--;
    return e->adjusted;
}

void __cxa_end_catch(void)
{
    struct exception *e = caught_stack;
    if (!e)
        return;
    if (e->handlers < 0) { /* rethrown: it lives on, but is no longer caught here */
        if (++e->handlers == 0)
            caught_stack = e->next;
        return;
    }
    if (--e->handlers == 0) {
        caught_stack = e->next;
        void *object = object_of(e);
        if (e->primary)
            free(e);
        __cxa_decrement_exception_refcount(object);
    }
}

_Noreturn void __cxa_rethrow(void)
{
    struct exception *e = caught_stack;
    if (!e)
        abort(); /* `throw;` with nothing caught: std::terminate in spirit */
    e->handlers = -e->handlers;
    uncaught_count++;
    __builtin_wasm_throw(0, e);
}

/* std::current_exception: the exception being handled, as a new reference. */
void *__cxa_current_primary_exception(void)
{
    if (!caught_stack)
        return NULL;
    void *object = object_of(caught_stack);
    __cxa_increment_exception_refcount(object);
    return object;
}

/* std::rethrow_exception: throws a repeat of the exception_ptr's exception. */
void __cxa_rethrow_primary_exception(void *object)
{
    if (!object)
        return; /* libc++ then calls std::terminate */
    struct exception *repeat = calloc(1, sizeof *repeat), *primary = header_of(object);
    if (!repeat)
        abort();
    repeat->primary = primary;
    repeat->type = primary->type;
    repeat->adjusted = object;
    __cxa_increment_exception_refcount(object);
    uncaught_count++;
    __builtin_wasm_throw(0, repeat);
}

void *__cxa_current_exception_type(void)
{
    return caught_stack ? (void *)caught_stack->type : NULL;
}

int __cxa_uncaught_exceptions(void)
{
    return (int)uncaught_count;
}

_Bool __cxa_uncaught_exception(void)
{
    return uncaught_count != 0;
}

/* ---- the personality: which catch clause of a landing pad takes the exception ---- */

/* Written by the landing pad before the call, read after it (clang 19's layout). Thread-
 * local because the kit's flags enable atomics and bulk memory, with which clang 19 makes
 * its references thread-local too (without them it expects a plain global). */
_Thread_local struct lpad_context {
    uintptr_t index;            /* the landing pad's number in the function's call-site table */
    const unsigned char *lsda;  /* the function's GCC_except_table */
    uintptr_t selector;         /* out: the matching clause's type index, 0 for none */
} __wasm_lpad_context;

enum { URC_HANDLER_FOUND = 6, URC_CONTINUE_UNWIND = 8 };

/* A LEB128 number's bits; *shift is how many its bytes carried, *last its final byte. */
static uintptr_t read_leb(const unsigned char **p, unsigned *shift, unsigned char *last)
{
    uintptr_t v = 0;
    unsigned char b;
    *shift = 0;
    do {
        b = *(*p)++;
        if (*shift < 8 * sizeof v)
            v |= (uintptr_t)(b & 0x7f) << *shift;
        *shift += 7;
    } while (b & 0x80);
    *last = b;
    return v;
}

static uintptr_t read_uleb(const unsigned char **p)
{
    unsigned shift;
    unsigned char last;
    return read_leb(p, &shift, &last);
}

static intptr_t read_sleb(const unsigned char **p)
{
    unsigned shift;
    unsigned char last;
    uintptr_t v = read_leb(p, &shift, &last);
    if ((last & 0x40) && shift < 8 * sizeof v)
        v |= ~(uintptr_t)0 << shift;
    return (intptr_t)v;
}

/* DWARF pointer encodings: the low nibble is the format, 0x80 means "the address of the
 * pointer"; a wasm LSDA uses absolute values only (no pc- or data-relative bases). */
enum { ENC_OMIT = 0xff, ENC_ULEB = 0x01, ENC_U2 = 0x02, ENC_U4 = 0x03, ENC_U8 = 0x04,
       ENC_SLEB = 0x09, ENC_S2 = 0x0a, ENC_S4 = 0x0b, ENC_S8 = 0x0c, ENC_INDIRECT = 0x80 };

static size_t encoded_size(unsigned char enc)
{
    switch (enc & 0x0f) {
    case 0x00: return sizeof(void *);
    case ENC_U2: case ENC_S2: return 2;
    case ENC_U4: case ENC_S4: return 4;
    case ENC_U8: case ENC_S8: return 8;
    default: abort(); /* a type table needs fixed-size entries */
    }
}

static uintptr_t read_encoded(const unsigned char **p, unsigned char enc)
{
    uintptr_t v;
    switch (enc & 0x0f) {
    case 0x00: { uintptr_t x; memcpy(&x, *p, sizeof x); v = x; break; }
    case ENC_ULEB: return read_uleb(p);
    case ENC_SLEB: return (uintptr_t)read_sleb(p);
    case ENC_U2: { uint16_t x; memcpy(&x, *p, 2); v = x; break; }
    case ENC_S2: { int16_t x; memcpy(&x, *p, 2); v = (uintptr_t)(intptr_t)x; break; }
    case ENC_U4: { uint32_t x; memcpy(&x, *p, 4); v = x; break; }
    case ENC_S4: { int32_t x; memcpy(&x, *p, 4); v = (uintptr_t)(intptr_t)x; break; }
    case ENC_U8: { uint64_t x; memcpy(&x, *p, 8); v = (uintptr_t)x; break; }
    case ENC_S8: { int64_t x; memcpy(&x, *p, 8); v = (uintptr_t)x; break; }
    default: abort(); /* not an encoding clang writes for wasm */
    }
    *p += encoded_size(enc);
    if (v && (enc & ENC_INDIRECT))
        v = *(const uintptr_t *)v;
    return v;
}

/* The LSDA: an optional landing-pad base, the type table's encoding and end, then one
 * call-site record per landing pad (its index and its first action, 1-based, 0 for none),
 * the action records (a type index, 0 for a cleanup, and the offset of the next record),
 * and the type table, indexed backwards from its end. */
int _Unwind_CallPersonality(void *thrown)
{
    struct exception *e = thrown;
    struct lpad_context *ctx = &__wasm_lpad_context;
    ctx->selector = 0;
    const unsigned char *p = ctx->lsda;
    if (!p)
        return URC_CONTINUE_UNWIND;
    unsigned char lpstart_enc = *p++;
    if (lpstart_enc != ENC_OMIT)
        (void)read_encoded(&p, lpstart_enc);
    unsigned char type_enc = *p++;
    const unsigned char *types_end = NULL;
    if (type_enc != ENC_OMIT) {
        uintptr_t off = read_uleb(&p);
        types_end = p + off;
    }
    unsigned char site_enc = *p++;
    uintptr_t sites_len = read_uleb(&p);
    const unsigned char *actions = p + sites_len;
    uintptr_t action = 0;
    int found = 0;
    while (p < actions) {
        uintptr_t index = read_encoded(&p, site_enc);
        uintptr_t first = read_uleb(&p);
        if (index == ctx->index) {
            action = first;
            found = 1;
            break;
        }
    }
    if (!found || action == 0)
        return URC_CONTINUE_UNWIND;
    const unsigned char *rec = actions + action - 1;
    for (;;) {
        intptr_t filter = read_sleb(&rec);
        const unsigned char *next_at = rec;
        intptr_t next = read_sleb(&rec);
        if (filter > 0 && types_end) {
            const unsigned char *entry = types_end - (uintptr_t)filter * encoded_size(type_enc);
            const struct type_info *type = (const struct type_info *)read_encoded(&entry, type_enc);
            void *adjusted;
            if (can_catch(type, e->type, object_of(e), &adjusted)) {
                e->adjusted = adjusted;
                ctx->selector = (uintptr_t)filter;
                return URC_HANDLER_FOUND;
            }
        }
        /* filter 0 is a cleanup, negative ones are dynamic exception specifications
         * (gone from C++17): neither selects a clause */
        if (next == 0)
            return URC_CONTINUE_UNWIND;
        rec = next_at + next;
    }
}
