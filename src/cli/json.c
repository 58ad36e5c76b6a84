/*
 * json.c - a recursive-descent JSON parser (RFC 8259) building a tree of json_value.
 *
 * Strict where it costs nothing (no trailing commas, no comments, no leading zeros, no
 * control characters in strings) and bounded everywhere: every read checks the end, and
 * nesting is limited so that a hostile file cannot exhaust the C stack.
 */
#include "cli/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 256

typedef struct json_parser {
    const char *p, *start, *end;
    int depth;
    char *err;
    size_t errlen;
    bool failed;
} json_parser;

/* Record the first error with its line and column; later ones would only be noise. */
static bool json_fail(json_parser *ps, const char *what)
{
    if (ps->failed)
        return false;
    ps->failed = true;
    size_t line = 1, col = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (ps->err && ps->errlen)
        snprintf(ps->err, ps->errlen, "%s at line %zu column %zu", what, line, col);
    return false;
}

static void json_skip_ws(json_parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool json_literal(json_parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return json_fail(ps, "invalid literal");
    ps->p += n;
    return true;
}

/* A growable byte buffer for decoded strings. */
typedef struct json_buf {
    char *data;
    size_t len, cap;
} json_buf;

static bool json_buf_put(json_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return false;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

static int json_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool json_read_hex4(json_parser *ps, uint32_t *out)
{
    if (ps->end - ps->p < 4)
        return json_fail(ps, "truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = json_hex(ps->p[i]);
        if (h < 0)
            return json_fail(ps, "bad \\u escape");
        v = v * 16 + (uint32_t)h;
    }
    ps->p += 4;
    *out = v;
    return true;
}

static size_t json_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* \uXXXX, joining a surrogate pair into one code point. A lone surrogate is kept as its
 * own (WTF-8) encoding rather than refused: names in the spec scripts are arbitrary. */
static bool json_unicode_escape(json_parser *ps, json_buf *b)
{
    uint32_t cp;
    if (!json_read_hex4(ps, &cp))
        return false;
    if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
        ps->p[1] == 'u') {
        const char *save = ps->p;
        uint32_t lo;
        ps->p += 2;
        if (!json_read_hex4(ps, &lo))
            return false;
        if (lo >= 0xDC00 && lo < 0xE000)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        else
            ps->p = save;
    }
    char enc[4];
    size_t n = json_utf8_encode(cp, enc);
    return json_buf_put(b, enc, n) || json_fail(ps, "out of memory");
}

static bool json_escape(json_parser *ps, json_buf *b)
{
    if (ps->p >= ps->end)
        return json_fail(ps, "unterminated string");
    char c = *ps->p++;
    char out;
    switch (c) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u': return json_unicode_escape(ps, b);
    default: ps->p--; return json_fail(ps, "bad escape");
    }
    return json_buf_put(b, &out, 1) || json_fail(ps, "out of memory");
}

/* Parses a string starting at the opening quote; *out is a new buffer, *len its length. */
static bool json_string(json_parser *ps, char **out, size_t *len)
{
    json_buf b = {0};
    ps->p++; /* the opening quote */
    if (!json_buf_put(&b, "", 0))
        return json_fail(ps, "out of memory");
    for (;;) {
        if (ps->p >= ps->end) {
            free(b.data);
            return json_fail(ps, "unterminated string");
        }
        const char *run = ps->p;
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
               (unsigned char)*ps->p >= 0x20)
            ps->p++;
        if (ps->p > run && !json_buf_put(&b, run, (size_t)(ps->p - run))) {
            free(b.data);
            return json_fail(ps, "out of memory");
        }
        if (ps->p >= ps->end)
            continue;
        char c = *ps->p;
        if (c == '"') {
            ps->p++;
            *out = b.data;
            *len = b.len;
            return true;
        }
        if ((unsigned char)c < 0x20) {
            free(b.data);
            return json_fail(ps, "control character in string");
        }
        ps->p++; /* the backslash */
        if (!json_escape(ps, &b)) {
            free(b.data);
            return false;
        }
    }
}

static bool json_digits(json_parser *ps)
{
    const char *s = ps->p;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    return ps->p > s || json_fail(ps, "digit expected");
}

static bool json_number(json_parser *ps, json_value *v)
{
    const char *s = ps->p;
    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0')
        ps->p++;
    else if (!json_digits(ps))
        return false;
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!json_digits(ps))
            return false;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!json_digits(ps))
            return false;
    }
    size_t n = (size_t)(ps->p - s);
    v->str = malloc(n + 1);
    if (!v->str)
        return json_fail(ps, "out of memory");
    memcpy(v->str, s, n);
    v->str[n] = '\0';
    v->len = n;
    v->type = JSON_NUMBER;
    return true;
}

static bool json_value_parse(json_parser *ps, json_value *v);

/* Make room for one more element of an array or object. */
static bool json_grow(json_parser *ps, json_value *v, size_t *cap, bool with_keys)
{
    if (v->count < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 4;
    json_value *items = realloc(v->items, ncap * sizeof *items);
    if (!items)
        return json_fail(ps, "out of memory");
    v->items = items;
    if (with_keys) {
        char **keys = realloc(v->keys, ncap * sizeof *keys);
        if (!keys)
            return json_fail(ps, "out of memory");
        v->keys = keys;
    }
    *cap = ncap;
    return true;
}

static bool json_array(json_parser *ps, json_value *v)
{
    size_t cap = 0;
    v->type = JSON_ARRAY;
    ps->p++; /* [ */
    json_skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return true;
    }
    for (;;) {
        if (!json_grow(ps, v, &cap, false))
            return false;
        memset(&v->items[v->count], 0, sizeof v->items[0]);
        v->count++;
        if (!json_value_parse(ps, &v->items[v->count - 1]))
            return false;
        json_skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        /* wabt 1.0.32 writes the expected types of a multi-value assert_trap without
         * commas (`[{...}{...}]`): accept an object right after an object. */
        if (ps->p < ps->end && *ps->p == '{' && v->items[v->count - 1].type == JSON_OBJECT)
            continue;
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return true;
        }
        return json_fail(ps, "',' or ']' expected");
    }
}

static bool json_member(json_parser *ps, json_value *v, size_t *cap)
{
    json_skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != '"')
        return json_fail(ps, "member name expected");
    if (!json_grow(ps, v, cap, true))
        return false;
    size_t i = v->count;
    memset(&v->items[i], 0, sizeof v->items[0]);
    v->keys[i] = NULL;
    v->count++;
    size_t klen;
    if (!json_string(ps, &v->keys[i], &klen))
        return false;
    json_skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != ':')
        return json_fail(ps, "':' expected");
    ps->p++;
    return json_value_parse(ps, &v->items[i]);
}

static bool json_object(json_parser *ps, json_value *v)
{
    size_t cap = 0;
    v->type = JSON_OBJECT;
    ps->p++; /* { */
    json_skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return true;
    }
    for (;;) {
        if (!json_member(ps, v, &cap))
            return false;
        json_skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return true;
        }
        return json_fail(ps, "',' or '}' expected");
    }
}

static bool json_value_parse(json_parser *ps, json_value *v)
{
    json_skip_ws(ps);
    if (ps->p >= ps->end)
        return json_fail(ps, "unexpected end of input");
    if (ps->depth >= JSON_MAX_DEPTH)
        return json_fail(ps, "nesting too deep");
    bool ok;
    ps->depth++;
    switch (*ps->p) {
    case '{': ok = json_object(ps, v); break;
    case '[': ok = json_array(ps, v); break;
    case '"':
        v->type = JSON_STRING;
        ok = json_string(ps, &v->str, &v->len);
        break;
    case 't': v->type = JSON_BOOL; v->boolean = true; ok = json_literal(ps, "true"); break;
    case 'f': v->type = JSON_BOOL; ok = json_literal(ps, "false"); break;
    case 'n': v->type = JSON_NULL; ok = json_literal(ps, "null"); break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            ok = json_number(ps, v);
        else
            ok = json_fail(ps, "unexpected character");
    }
    ps->depth--;
    return ok;
}

/* Frees what a node owns, not the node itself (nodes live inside their parent's array). */
static void json_free_inner(json_value *v)
{
    free(v->str);
    for (size_t i = 0; i < v->count; i++) {
        json_free_inner(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    json_parser ps = {text, text, text + len, 0, err, errlen, false};
    if (err && errlen)
        err[0] = '\0';
    json_value *root = calloc(1, sizeof *root);
    if (!root) {
        json_fail(&ps, "out of memory");
        return NULL;
    }
    if (json_value_parse(&ps, root)) {
        json_skip_ws(&ps);
        if (ps.p == ps.end)
            return root;
        json_fail(&ps, "trailing characters");
    }
    json_free(root);
    return NULL;
}

void json_free(json_value *v)
{
    if (!v)
        return;
    json_free_inner(v);
    free(v);
}

const json_value *json_get(const json_value *v, const char *key)
{
    if (!v || v->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (v->keys[i] && strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const char *json_str(const json_value *v)
{
    return v && v->type == JSON_STRING ? v->str : NULL;
}

const char *json_get_str(const json_value *v, const char *key)
{
    return json_str(json_get(v, key));
}

size_t json_len(const json_value *v)
{
    return v && v->type == JSON_ARRAY ? v->count : 0;
}

const json_value *json_at(const json_value *v, size_t i)
{
    return v && v->type == JSON_ARRAY && i < v->count ? &v->items[i] : NULL;
}
