/*
 * json.h - a small JSON reader for the CLI (the spec runner reads wast2json's output).
 *
 * The whole document is parsed into a tree of json_value nodes that the caller frees with
 * json_free(). Numbers keep their source text: the spec scripts carry 64-bit integers that
 * a double would round, so the caller converts them itself. Strings are decoded (escapes,
 * \u surrogate pairs to UTF-8) and NUL-terminated; `len` counts bytes, since a decoded
 * string may hold NUL bytes.
 */
#ifndef WEFT_CLI_JSON_H
#define WEFT_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    bool boolean;        /* JSON_BOOL */
    char *str;           /* JSON_STRING: decoded text; JSON_NUMBER: the source text */
    size_t len;          /* bytes in str */
    json_value *items;   /* JSON_ARRAY elements, JSON_OBJECT member values */
    char **keys;         /* JSON_OBJECT member names, parallel to items */
    size_t count;
};

/* Parse text[0..len). On failure returns NULL and writes a one-line reason with the line
 * and column into err (errlen bytes). Nesting deeper than 256 levels is refused. */
json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(json_value *v);

/* The member `key` of an object, or NULL (also when v is NULL or not an object). */
const json_value *json_get(const json_value *v, const char *key);
/* The string of a JSON_STRING, or NULL. */
const char *json_str(const json_value *v);
/* The string of member `key` when it is a string, or NULL. */
const char *json_get_str(const json_value *v, const char *key);
/* Element count of an array (0 for anything else) and element i (NULL past the end). */
size_t json_len(const json_value *v);
const json_value *json_at(const json_value *v, size_t i);

#endif /* WEFT_CLI_JSON_H */
