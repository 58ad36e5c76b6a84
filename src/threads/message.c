/*
 * message.c - message trees with structured-clone semantics, and buffers (the web's
 * ArrayBuffer and SharedArrayBuffer).
 *
 * Posting clones the tree. Three things are not copied: a plain buffer in the transfer list
 * moves (the clone takes its bytes, the original is detached), and shared buffers and shared
 * memories are shared by reference. A buffer that appears twice in one message appears twice
 * as one buffer in the copy, as structured clone preserves identity within a message.
 */
#include <string.h>

#include "worker.h"
#include "../util/util.h"

/* ------------------------------------------------------------------------------------------ */
/* Buffers */

static weft_error *msg_detached_error(void)
{
    return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "detached buffer");
}

weft_buffer *weft_buffer_new(size_t len)
{
    weft_buffer *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    /* calloc(len or 1): a zero-length buffer still has an address, so that "detached" (NULL)
     * and "empty" stay distinguishable */
    if (!(b->data = calloc(len ? len : 1, 1))) {
        free(b);
        return NULL;
    }
    b->len = len;
    atomic_init(&b->refs, 1);
    return b;
}

weft_buffer *weft_buffer_of_memory(weft_memory *m)
{
    if (!m || !weft_memory_is_shared(m))
        return NULL;
    weft_buffer *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->memory = weft_memory_ref(m);
    b->data = weft_memory_data(m);
    b->len = (size_t)weft_memory_size(m);
    atomic_init(&b->refs, 1);
    return b;
}

weft_error *weft_buffer_new_shared(weft_engine *engine, size_t len, weft_buffer **out)
{
    weft_memory *m = NULL;
    uint64_t pages = ((uint64_t)len + WM_PAGE_SIZE - 1) / WM_PAGE_SIZE;
    *out = NULL;
    if (!engine)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_buffer_new_shared: no engine");
    weft_error *err = weft_memory_new(engine, pages ? pages : 1, pages ? pages : 1, true, true,
                                      &m);
    if (err)
        return err;
    weft_buffer *b = weft_buffer_of_memory(m);
    weft_memory_free(m); /* the buffer holds its own reference */
    if (!b)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    b->len = len;
    *out = b;
    return NULL;
}

weft_buffer *weft_buffer_ref(weft_buffer *b)
{
    if (b)
        atomic_fetch_add(&b->refs, 1);
    return b;
}

void weft_buffer_free(weft_buffer *b)
{
    if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
        return;
    if (b->memory)
        weft_memory_free(b->memory);
    else
        free(b->data);
    free(b);
}

uint8_t *weft_buffer_data(const weft_buffer *b) { return b && !b->detached ? b->data : NULL; }
size_t weft_buffer_len(const weft_buffer *b) { return b && !b->detached ? b->len : 0; }
bool weft_buffer_is_detached(const weft_buffer *b) { return b && b->detached; }
bool weft_buffer_is_shared(const weft_buffer *b) { return b && b->memory; }
weft_memory *weft_buffer_memory(const weft_buffer *b) { return b ? b->memory : NULL; }

static weft_error *msg_buffer_range(const weft_buffer *b, size_t offset, size_t len)
{
    if (!b)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "no buffer");
    if (b->detached)
        return msg_detached_error();
    if (offset > b->len || len > b->len - offset)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "buffer range [%zu, +%zu) is outside its %zu bytes", offset, len, b->len);
    return NULL;
}

weft_error *weft_buffer_read(const weft_buffer *b, size_t offset, void *dst, size_t len)
{
    weft_error *err = msg_buffer_range(b, offset, len);
    if (!err && len)
        memcpy(dst, b->data + offset, len);
    return err;
}

weft_error *weft_buffer_write(weft_buffer *b, size_t offset, const void *src, size_t len)
{
    weft_error *err = msg_buffer_range(b, offset, len);
    if (!err && len)
        memcpy(b->data + offset, src, len);
    return err;
}

/* ------------------------------------------------------------------------------------------ */
/* Building */

static weft_msg *msg_new(weft_msg_kind kind)
{
    weft_msg *m = calloc(1, sizeof *m);
    if (m)
        m->kind = kind;
    return m;
}

weft_msg *weft_msg_null(void) { return msg_new(WEFT_MSG_NULL); }
weft_msg *weft_msg_array(void) { return msg_new(WEFT_MSG_ARRAY); }
weft_msg *weft_msg_map(void) { return msg_new(WEFT_MSG_MAP); }

weft_msg *weft_msg_bool(bool v)
{
    weft_msg *m = msg_new(WEFT_MSG_BOOL);
    if (m)
        m->u.b = v;
    return m;
}

weft_msg *weft_msg_int(int64_t v)
{
    weft_msg *m = msg_new(WEFT_MSG_INT);
    if (m)
        m->u.i = v;
    return m;
}

weft_msg *weft_msg_double(double v)
{
    weft_msg *m = msg_new(WEFT_MSG_DOUBLE);
    if (m)
        m->u.d = v;
    return m;
}

weft_msg *weft_msg_string_n(const char *s, size_t len)
{
    weft_msg *m = msg_new(WEFT_MSG_STRING);
    if (!m)
        return NULL;
    if (!(m->u.str.s = malloc(len + 1))) {
        free(m);
        return NULL;
    }
    if (len)
        memcpy(m->u.str.s, s, len);
    m->u.str.s[len] = '\0';
    m->u.str.len = len;
    return m;
}

weft_msg *weft_msg_string(const char *s) { return weft_msg_string_n(s ? s : "", s ? strlen(s) : 0); }

/* Takes the caller's reference to b. */
static weft_msg *msg_wrap_buffer(weft_buffer *b)
{
    weft_msg *m = b ? msg_new(WEFT_MSG_BUFFER) : NULL;
    if (m)
        m->u.buf = b;
    else
        weft_buffer_free(b);
    return m;
}

weft_msg *weft_msg_buffer(weft_buffer *b) { return b ? msg_wrap_buffer(weft_buffer_ref(b)) : NULL; }

weft_msg *weft_msg_bytes(const void *data, size_t len)
{
    weft_buffer *b = weft_buffer_new(len);
    if (b && len)
        memcpy(b->data, data, len);
    return msg_wrap_buffer(b);
}

weft_msg *weft_msg_memory(weft_memory *mem)
{
    if (!mem || !weft_memory_is_shared(mem))
        return NULL;
    weft_msg *m = msg_new(WEFT_MSG_MEMORY);
    if (m)
        m->u.mem = weft_memory_ref(mem);
    return m;
}

/* Whether item may be placed under parent: it has no parent and is not parent itself or one
 * of parent's ancestors (that would make a cycle, and free would never end). */
static bool msg_can_adopt(const weft_msg *parent, const weft_msg *item)
{
    if (item->parent)
        return false;
    for (const weft_msg *p = parent; p; p = p->parent)
        if (p == item)
            return false;
    return true;
}

static bool msg_append(weft_msg *list, char *key, weft_msg *item)
{
    if (!xgrow((void **)&list->u.list.items, &list->u.list.cap, list->u.list.n + 1,
               sizeof *list->u.list.items))
        return false;
    if (list->kind == WEFT_MSG_MAP) {
        size_t cap = list->u.list.cap; /* keys grow to the same capacity */
        char **keys = realloc(list->u.list.keys, cap * sizeof *keys);
        if (!keys)
            return false;
        list->u.list.keys = keys;
        keys[list->u.list.n] = key;
    }
    list->u.list.items[list->u.list.n++] = item;
    item->parent = list;
    return true;
}

/* Refusals free the item, except when it already belongs to a tree (has a parent, or is
 * the container or one of its ancestors): freeing it there would break that tree. */
static bool msg_refuse(const weft_msg *parent, weft_msg *item)
{
    if (item->parent || (parent && !msg_can_adopt(parent, item)))
        return false;
    weft_msg_free(item);
    return false;
}

bool weft_msg_push(weft_msg *arr, weft_msg *item)
{
    if (!item)
        return false;
    if (!arr || arr->kind != WEFT_MSG_ARRAY || !msg_can_adopt(arr, item) ||
        !msg_append(arr, NULL, item))
        return msg_refuse(arr, item);
    return true;
}

static ptrdiff_t msg_find_key(const weft_msg *map, const char *key)
{
    for (size_t i = 0; i < map->u.list.n; i++)
        if (strcmp(map->u.list.keys[i], key) == 0)
            return (ptrdiff_t)i;
    return -1;
}

bool weft_msg_set(weft_msg *map, const char *key, weft_msg *item)
{
    if (!item)
        return false;
    if (!map || map->kind != WEFT_MSG_MAP || !key || !msg_can_adopt(map, item))
        return msg_refuse(map, item);
    ptrdiff_t at = msg_find_key(map, key);
    if (at >= 0) {
        weft_msg *old = map->u.list.items[at];
        old->parent = NULL;
        weft_msg_free(old);
        map->u.list.items[at] = item;
        item->parent = map;
        return true;
    }
    char *k = xstrdup(key);
    if (!k || !msg_append(map, k, item)) {
        free(k);
        weft_msg_free(item);
        return false;
    }
    return true;
}

void weft_msg_free(weft_msg *m)
{
    if (!m)
        return;
    switch (m->kind) {
    case WEFT_MSG_STRING: free(m->u.str.s); break;
    case WEFT_MSG_BUFFER: weft_buffer_free(m->u.buf); break;
    case WEFT_MSG_MEMORY: weft_memory_free(m->u.mem); break;
    case WEFT_MSG_ARRAY:
    case WEFT_MSG_MAP:
        for (size_t i = 0; i < m->u.list.n; i++) {
            weft_msg_free(m->u.list.items[i]);
            if (m->u.list.keys)
                free(m->u.list.keys[i]);
        }
        free(m->u.list.items);
        free(m->u.list.keys);
        break;
    default: break;
    }
    free(m);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading */

weft_msg_kind weft_msg_kind_of(const weft_msg *m) { return m ? m->kind : WEFT_MSG_NULL; }
bool weft_msg_as_bool(const weft_msg *m) { return m && m->kind == WEFT_MSG_BOOL && m->u.b; }
int64_t weft_msg_as_int(const weft_msg *m) { return m && m->kind == WEFT_MSG_INT ? m->u.i : 0; }

double weft_msg_as_double(const weft_msg *m)
{
    if (m && m->kind == WEFT_MSG_DOUBLE)
        return m->u.d;
    return m && m->kind == WEFT_MSG_INT ? (double)m->u.i : 0.0;
}

const char *weft_msg_as_string(const weft_msg *m, size_t *len)
{
    bool ok = m && m->kind == WEFT_MSG_STRING;
    if (len)
        *len = ok ? m->u.str.len : 0;
    return ok ? m->u.str.s : NULL;
}

weft_buffer *weft_msg_as_buffer(const weft_msg *m)
{
    return m && m->kind == WEFT_MSG_BUFFER ? m->u.buf : NULL;
}

weft_memory *weft_msg_as_memory(const weft_msg *m)
{
    return m && m->kind == WEFT_MSG_MEMORY ? m->u.mem : NULL;
}

static bool msg_is_list(const weft_msg *m)
{
    return m && (m->kind == WEFT_MSG_ARRAY || m->kind == WEFT_MSG_MAP);
}

size_t weft_msg_len(const weft_msg *m) { return msg_is_list(m) ? m->u.list.n : 0; }

weft_msg *weft_msg_at(const weft_msg *m, size_t i)
{
    return msg_is_list(m) && i < m->u.list.n ? m->u.list.items[i] : NULL;
}

const char *weft_msg_key_at(const weft_msg *m, size_t i)
{
    return m && m->kind == WEFT_MSG_MAP && i < m->u.list.n ? m->u.list.keys[i] : NULL;
}

weft_msg *weft_msg_get(const weft_msg *map, const char *key)
{
    if (!map || map->kind != WEFT_MSG_MAP || !key)
        return NULL;
    ptrdiff_t at = msg_find_key(map, key);
    return at >= 0 ? map->u.list.items[at] : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Cloning. The memo maps each source buffer to its copy, so identity is kept and a transfer
 * can be undone if the clone fails half-way. A linear table: messages hold few buffers. */

typedef struct msg_memo_entry {
    weft_buffer *src, *dst;
    bool moved;
} msg_memo_entry;

typedef struct msg_memo {
    msg_memo_entry *e;
    size_t n, cap;
} msg_memo;

static msg_memo_entry *msg_memo_find(msg_memo *memo, const weft_buffer *src)
{
    for (size_t i = 0; i < memo->n; i++)
        if (memo->e[i].src == src)
            return &memo->e[i];
    return NULL;
}

static bool msg_memo_add(msg_memo *memo, weft_buffer *src, weft_buffer *dst, bool moved)
{
    if (!xgrow((void **)&memo->e, &memo->cap, memo->n + 1, sizeof *memo->e))
        return false;
    memo->e[memo->n++] = (msg_memo_entry){src, dst, moved};
    return true;
}

/* A receiver-side buffer that takes src's bytes (src is detached only on commit). */
static weft_buffer *msg_buffer_steal(const weft_buffer *src)
{
    weft_buffer *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->data = src->data;
    b->len = src->len;
    atomic_init(&b->refs, 1);
    return b;
}

static weft_buffer *msg_buffer_copy(const weft_buffer *src)
{
    weft_buffer *b = weft_buffer_new(src->len);
    if (b && src->len)
        memcpy(b->data, src->data, src->len);
    return b;
}

/* The copy of a buffer for this message (a new reference). */
static weft_buffer *msg_clone_buffer(weft_buffer *src, msg_memo *memo)
{
    if (src->memory)
        return weft_buffer_ref(src);
    msg_memo_entry *e = msg_memo_find(memo, src);
    if (e)
        return weft_buffer_ref(e->dst);
    weft_buffer *dst = msg_buffer_copy(src);
    if (dst && !msg_memo_add(memo, src, dst, false)) {
        weft_buffer_free(dst);
        return NULL;
    }
    return weft_buffer_ref(dst); /* one for the memo (dropped at the end), one for the tree */
}

static weft_msg *msg_clone_node(const weft_msg *m, msg_memo *memo);

static weft_msg *msg_clone_list(const weft_msg *m, msg_memo *memo)
{
    weft_msg *c = msg_new(m->kind);
    if (!c)
        return NULL;
    for (size_t i = 0; i < m->u.list.n; i++) {
        weft_msg *item = msg_clone_node(m->u.list.items[i], memo);
        char *key = NULL;
        if (item && m->kind == WEFT_MSG_MAP && !(key = xstrdup(m->u.list.keys[i]))) {
            weft_msg_free(item);
            item = NULL;
        }
        if (!item || !msg_append(c, key, item)) {
            free(key);
            weft_msg_free(item);
            weft_msg_free(c);
            return NULL;
        }
    }
    return c;
}

static weft_msg *msg_clone_node(const weft_msg *m, msg_memo *memo)
{
    switch (m->kind) {
    case WEFT_MSG_STRING: return weft_msg_string_n(m->u.str.s, m->u.str.len);
    case WEFT_MSG_BUFFER: return msg_wrap_buffer(msg_clone_buffer(m->u.buf, memo));
    case WEFT_MSG_MEMORY: return weft_msg_memory(m->u.mem);
    case WEFT_MSG_ARRAY:
    case WEFT_MSG_MAP: return msg_clone_list(m, memo);
    default: {
        weft_msg *c = msg_new(m->kind);
        if (c)
            c->u = m->u;
        return c;
    }
    }
}

/* Refuse what cannot be cloned before anything is copied: detached buffers, deep nesting. */
static weft_error *msg_check_tree(const weft_msg *m, int depth)
{
    if (depth > MSG_MAX_DEPTH)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "message nested deeper than %d levels",
                       MSG_MAX_DEPTH);
    if (m->kind == WEFT_MSG_BUFFER && m->u.buf->detached)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "the message holds a detached buffer");
    if (msg_is_list(m))
        for (size_t i = 0; i < m->u.list.n; i++) {
            weft_error *err = msg_check_tree(m->u.list.items[i], depth + 1);
            if (err)
                return err;
        }
    return NULL;
}

static weft_error *msg_check_transfer(weft_buffer *const *transfer, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const weft_buffer *b = transfer[i];
        const char *why = !b ? "is NULL"
                        : b->memory ? "is a shared buffer (shared buffers cannot be transferred)"
                        : b->detached ? "is already detached"
                        : NULL;
        for (size_t j = 0; !why && j < i; j++)
            if (transfer[j] == b)
                why = "appears twice";
        if (why)
            return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "transfer list item %zu %s", i, why);
    }
    return NULL;
}

/* Drop the memo's references; on failure first give transferred bytes back to their source
 * (the half-built copy must not free them). */
static void msg_memo_end(msg_memo *memo, bool commit)
{
    for (size_t i = 0; i < memo->n; i++) {
        msg_memo_entry *e = &memo->e[i];
        if (e->moved && commit) {
            e->src->detached = true;
            e->src->data = NULL;
            e->src->len = 0;
        } else if (e->moved) {
            e->dst->data = NULL;
        }
    }
    for (size_t i = 0; i < memo->n; i++)
        weft_buffer_free(memo->e[i].dst);
    free(memo->e);
}

weft_error *msg_post_clone(const weft_msg *msg, weft_buffer *const *transfer, size_t ntransfer,
                           weft_msg **out)
{
    msg_memo memo = {0};
    *out = NULL;
    if (!msg)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "no message");
    if (ntransfer && !transfer)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "no transfer list");
    weft_error *err = msg_check_transfer(transfer, ntransfer);
    if (!err)
        err = msg_check_tree(msg, 0);
    if (err)
        return err;
    for (size_t i = 0; i < ntransfer; i++) {
        weft_buffer *dst = msg_buffer_steal(transfer[i]);
        if (!dst || !msg_memo_add(&memo, transfer[i], dst, true)) {
            free(dst);
            msg_memo_end(&memo, false);
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        }
    }
    weft_msg *copy = msg_clone_node(msg, &memo);
    if (!copy) {
        msg_memo_end(&memo, false);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    msg_memo_end(&memo, true);
    *out = copy;
    return NULL;
}

weft_msg *weft_msg_clone(const weft_msg *m)
{
    weft_msg *copy = NULL;
    weft_error_free(msg_post_clone(m, NULL, 0, &copy));
    return copy;
}
