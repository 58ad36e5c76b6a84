/*
 * wast.c - `weft wast SCRIPT.json`: runs a spec test script as wabt's wast2json writes it.
 *
 * The JSON lists commands in script order: modules to load (binary files next to the JSON),
 * registrations, actions and assertions. Everything runs in one store, and one linker holds
 * the `spectest` host module and every registered instance, so that later modules can
 * import from earlier ones as the scripts expect. Only the public API is used.
 *
 * Every command counts as passed, failed or skipped, per kind. A failure prints
 * `SCRIPT.wast:LINE: expected ..., got ...`; the last line of output is always
 * `N passed, M failed, K skipped`.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "cli/wast_v128.h"

/* The kinds of command, in the order the summary lists them. */
typedef enum wast_kind {
    WK_MODULE,
    WK_REGISTER,
    WK_ACTION,
    WK_ASSERT_RETURN,
    WK_ASSERT_TRAP,
    WK_ASSERT_EXHAUSTION,
    WK_ASSERT_INVALID,
    WK_ASSERT_MALFORMED,
    WK_ASSERT_UNLINKABLE,
    WK_ASSERT_UNINSTANTIABLE,
    WK_ASSERT_EXCEPTION,
    WK_OTHER,
    WK_COUNT
} wast_kind;

static const char *const wast_kind_names[WK_COUNT] = {
    "module", "register", "action", "assert_return", "assert_trap", "assert_exhaustion",
    "assert_invalid", "assert_malformed", "assert_unlinkable", "assert_uninstantiable",
    "assert_exception", "other"};

/* A `(module $name ...)`: the name binds to the instance, or to NULL when loading failed so
 * that later commands naming it fail with a clear reason. */
typedef struct wast_named {
    char *name;
    weft_instance *inst;
} wast_named;

typedef struct wast_runner {
    weft_engine *engine;
    weft_store *store;
    weft_linker *linker;
    weft_memory *spectest_memory, *spectest_shared;
    char *dir;          /* directory of the JSON file, ending in '/' (or empty) */
    char *script;       /* the .wast's base name, for messages */
    weft_instance *current;
    wast_named *named;
    size_t nnamed, named_cap;
    weft_module **modules; /* every module loaded, freed after the store */
    size_t nmodules, modules_cap;
    unsigned long passed[WK_COUNT], failed[WK_COUNT], skipped[WK_COUNT];
    long line;          /* line of the command being run */
    bool strict;        /* --strict: error messages must start with the script's text */
    uint32_t disabled;  /* the engine's disabled features */
    const char *skip_reasons[16]; /* reasons for skipping already printed (static strings) */
    size_t nskip_reasons;
} wast_runner;

/* ------------------------------------------------------------------------------------------ */
/* Reporting                                                                                  */

static void wast_fail(wast_runner *r, wast_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void wast_fail(wast_runner *r, wast_kind kind, const char *fmt, ...)
{
    va_list ap;
    r->failed[kind]++;
    printf("%s:%ld: ", r->script, r->line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    /* Flushed per line: if the engine crashes later, the failures so far are not lost. */
    fflush(stdout);
}

/* Something the runner does not support (an unknown command or value type of a newer
 * script): skipped, and the reason printed once per script so that skips are explained. */
static void wast_skip_note(wast_runner *r, const char *reason, const char *what)
{
    for (size_t i = 0; i < r->nskip_reasons; i++)
        if (r->skip_reasons[i] == reason)
            return;
    if (r->nskip_reasons < sizeof r->skip_reasons / sizeof r->skip_reasons[0])
        r->skip_reasons[r->nskip_reasons++] = reason;
    printf("%s:%ld: skipped: %s \"%s\"\n", r->script, r->line, reason, what ? what : "");
    fflush(stdout);
}

static const char *wast_type_name(uint8_t t)
{
    const char *name = weft_valtype_name(t);
    return name ? name : "?";
}

/* Formats a value for a failure message: the type, the bits, and the number they mean. */
static const char *wast_val_str(weft_val v, char *buf, size_t n)
{
    switch (v.type) {
    case WEFT_I32:
        snprintf(buf, n, "i32:%" PRId32, v.of.i32);
        break;
    case WEFT_I64:
        snprintf(buf, n, "i64:%" PRId64, v.of.i64);
        break;
    case WEFT_F32:
        snprintf(buf, n, "f32:0x%08" PRIx32 " (%.9g)", v.of.f32_bits,
                 (double)weft_val_as_f32(v));
        break;
    case WEFT_F64:
        snprintf(buf, n, "f64:0x%016" PRIx64 " (%.17g)", v.of.f64_bits, weft_val_as_f64(v));
        break;
    case WEFT_FUNCREF:
        snprintf(buf, n, v.of.funcref ? "funcref:%p" : "funcref:null", (void *)v.of.funcref);
        break;
    case WEFT_EXTERNREF:
        if (v.of.externref)
            snprintf(buf, n, "externref:%" PRIuPTR, (uintptr_t)v.of.externref - 1);
        else
            snprintf(buf, n, "externref:null");
        break;
    default:
        snprintf(buf, n, "%s", wast_type_name(v.type));
    }
    return buf;
}

static const char *wast_err_kind_name(weft_error_kind k)
{
    switch (k) {
    case WEFT_ERR_DECODE: return "decode error";
    case WEFT_ERR_VALIDATE: return "validation error";
    case WEFT_ERR_LINK: return "link error";
    case WEFT_ERR_TRAP: return "trap";
    case WEFT_ERR_EXIT: return "exit";
    case WEFT_ERR_RESOURCE: return "resource error";
    case WEFT_ERR_ARG: return "argument error";
    default: return "error";
    }
}

/* Under --strict, an expected failure must also carry the script's message (as a prefix:
 * weft appends where, e.g. " at byte 0x1c"). Off by default: engines word errors their own
 * way, and the assertion is about the kind of failure. */
static bool wast_message_ok(const wast_runner *r, const weft_error *e, const char *text)
{
    return !r->strict || !text || strncmp(weft_error_message(e), text, strlen(text)) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Values in the script                                                                       */

typedef enum wast_expect {
    WX_EXACT,          /* compare type and bits */
    WX_NAN_CANONICAL,
    WX_NAN_ARITHMETIC,
    WX_ANY_REF,        /* a non-null reference of the type */
    WX_V128            /* lane by lane, as the wast_lanes beside it say */
} wast_expect;

typedef enum wast_vparse { WV_OK, WV_SKIP, WV_BAD } wast_vparse;

static bool wast_parse_u64(const char *s, uint64_t *out)
{
    bool neg = false;
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (uint64_t)0 - v : v;
    return true;
}

static bool wast_valtype(const char *name, uint8_t *out)
{
    static const struct { const char *name; uint8_t type; } types[] = {
        {"i32", WEFT_I32}, {"i64", WEFT_I64}, {"f32", WEFT_F32}, {"f64", WEFT_F64},
        {"v128", WEFT_V128}, {"funcref", WEFT_FUNCREF}, {"externref", WEFT_EXTERNREF}};
    for (size_t i = 0; name && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i].name) == 0) {
            *out = types[i].type;
            return true;
        }
    return false;
}

/* A reference: "null", or for externref a number N that the runner encodes as the host
 * pointer N+1 so that extern 0 is not null. A non-null funcref can only be expected. */
static wast_vparse wast_parse_ref(uint8_t type, const char *s, weft_val *out, wast_expect *how)
{
    uint64_t n;
    out->type = type;
    out->of.i64 = 0;
    if (strcmp(s, "null") == 0)
        return WV_OK;
    if (type == WEFT_EXTERNREF && wast_parse_u64(s, &n) && n < UINTPTR_MAX) {
        out->of.externref = (void *)(uintptr_t)(n + 1);
        return WV_OK;
    }
    if (how) {
        *how = WX_ANY_REF;
        return WV_OK;
    }
    return WV_BAD;
}

/* One {"type": ..., "value": ...} of the script. `how` is NULL for arguments (which must be
 * exact values) and receives the kind of comparison for expected results. */
static wast_vparse wast_parse_val(const json_value *jv, weft_val *out, wast_expect *how,
                                  wast_lanes *lanes)
{
    uint8_t type;
    uint64_t bits;
    const char *s = json_get_str(jv, "value");
    if (how)
        *how = WX_EXACT;
    if (!json_get_str(jv, "type"))
        return WV_BAD;
    if (!wast_valtype(json_get_str(jv, "type"), &type))
        return WV_SKIP; /* a type of a later proposal (anyref, exnref, ...) */
    if (type == WEFT_V128) {
        if (how)
            *how = WX_V128;
        return wast_parse_v128(jv, out, how ? lanes : NULL) ? WV_OK : WV_BAD;
    }
    if (!s)
        return WV_BAD;
    if (type == WEFT_FUNCREF || type == WEFT_EXTERNREF)
        return wast_parse_ref(type, s, out, how);
    if (how && (type == WEFT_F32 || type == WEFT_F64) && strncmp(s, "nan:", 4) == 0) {
        if (strcmp(s, "nan:canonical") == 0)
            *how = WX_NAN_CANONICAL;
        else if (strcmp(s, "nan:arithmetic") == 0)
            *how = WX_NAN_ARITHMETIC;
        else
            return WV_BAD;
        out->type = type;
        out->of.i64 = 0;
        return WV_OK;
    }
    if (!wast_parse_u64(s, &bits))
        return WV_BAD;
    switch (type) {
    case WEFT_I32: *out = weft_val_i32((int32_t)(uint32_t)bits); break;
    case WEFT_I64: *out = weft_val_i64((int64_t)bits); break;
    case WEFT_F32: *out = weft_val_f32_bits((uint32_t)bits); break;
    default: *out = weft_val_f64_bits(bits); break;
    }
    return WV_OK;
}

static bool wast_val_matches(weft_val got, weft_val want, wast_expect how)
{
    if (got.type != want.type)
        return false;
    switch (how) {
    case WX_NAN_CANONICAL:
        if (got.type == WEFT_F32)
            return (got.of.f32_bits & 0x7fffffffu) == 0x7fc00000u;
        return (got.of.f64_bits & UINT64_C(0x7fffffffffffffff)) == UINT64_C(0x7ff8000000000000);
    case WX_NAN_ARITHMETIC:
        if (got.type == WEFT_F32)
            return (got.of.f32_bits & 0x7fc00000u) == 0x7fc00000u;
        return (got.of.f64_bits & UINT64_C(0x7ff8000000000000)) == UINT64_C(0x7ff8000000000000);
    case WX_ANY_REF:
        return got.of.externref != NULL || got.of.funcref != NULL;
    default:
        break;
    }
    switch (got.type) {
    case WEFT_I32: return got.of.i32 == want.of.i32;
    case WEFT_F32: return got.of.f32_bits == want.of.f32_bits;
    case WEFT_I64: return got.of.i64 == want.of.i64;
    case WEFT_F64: return got.of.f64_bits == want.of.f64_bits;
    case WEFT_FUNCREF: return got.of.funcref == want.of.funcref;
    case WEFT_EXTERNREF: return got.of.externref == want.of.externref;
    default: return false;
    }
}

static const char *wast_expect_str(weft_val want, wast_expect how, char *buf, size_t n)
{
    switch (how) {
    case WX_NAN_CANONICAL:
        snprintf(buf, n, "%s:nan:canonical", wast_type_name(want.type));
        return buf;
    case WX_NAN_ARITHMETIC:
        snprintf(buf, n, "%s:nan:arithmetic", wast_type_name(want.type));
        return buf;
    case WX_ANY_REF:
        snprintf(buf, n, "%s:non-null", wast_type_name(want.type));
        return buf;
    default:
        return wast_val_str(want, buf, n);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Instances by name                                                                          */

static bool wast_bind(wast_runner *r, const char *name, weft_instance *inst)
{
    for (size_t i = 0; i < r->nnamed; i++)
        if (strcmp(r->named[i].name, name) == 0) {
            r->named[i].inst = inst;
            return true;
        }
    if (r->nnamed == r->named_cap) {
        size_t cap = r->named_cap ? r->named_cap * 2 : 8;
        wast_named *n = realloc(r->named, cap * sizeof *n);
        if (!n)
            return false;
        r->named = n;
        r->named_cap = cap;
    }
    char *copy = malloc(strlen(name) + 1);
    if (!copy)
        return false;
    strcpy(copy, name);
    r->named[r->nnamed].name = copy;
    r->named[r->nnamed].inst = inst;
    r->nnamed++;
    return true;
}

/* The instance a command names (or the current one). NULL with a reason in why. */
static weft_instance *wast_instance(wast_runner *r, const char *name, char *why, size_t n)
{
    if (!name) {
        if (!r->current)
            snprintf(why, n, "no module is loaded (the last one failed)");
        return r->current;
    }
    for (size_t i = 0; i < r->nnamed; i++)
        if (strcmp(r->named[i].name, name) == 0) {
            if (!r->named[i].inst)
                snprintf(why, n, "module %s failed to load", name);
            return r->named[i].inst;
        }
    snprintf(why, n, "unknown module %s", name);
    return NULL;
}

/* Keeps every module until the store is gone: a failed instantiation may already have put
 * the module's functions into an imported table that later commands call through. */
static bool wast_keep_module(wast_runner *r, weft_module *m)
{
    if (r->nmodules == r->modules_cap) {
        size_t cap = r->modules_cap ? r->modules_cap * 2 : 64;
        weft_module **a = realloc(r->modules, cap * sizeof *a);
        if (!a)
            return false;
        r->modules = a;
        r->modules_cap = cap;
    }
    r->modules[r->nmodules++] = m;
    return true;
}

/* Loads a binary module named by the command's "filename", relative to the JSON file.
 * Returns NULL with *err set (a weft error) or with why filled (a file problem). */
static weft_module *wast_load(wast_runner *r, const json_value *cmd, weft_error **err,
                              char *why, size_t n)
{
    const char *file = json_get_str(cmd, "filename");
    *err = NULL;
    if (!file) {
        snprintf(why, n, "command has no filename");
        return NULL;
    }
    size_t plen = strlen(r->dir) + strlen(file) + 1;
    char *path = malloc(plen);
    if (!path) {
        snprintf(why, n, "out of memory");
        return NULL;
    }
    snprintf(path, plen, "%s%s", r->dir, file);
    char ferr[128];
    size_t len;
    uint8_t *bytes = cli_read_file(path, &len, ferr, sizeof ferr);
    if (!bytes) {
        snprintf(why, n, "cannot read %s: %s", path, ferr);
        free(path);
        return NULL;
    }
    free(path);
    weft_module *m = NULL;
    *err = weft_module_new(r->engine, bytes, len, &m);
    free(bytes);
    if (*err)
        return NULL;
    if (!wast_keep_module(r, m)) {
        weft_module_free(m);
        snprintf(why, n, "out of memory");
        return NULL;
    }
    return m;
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                    */

typedef enum wast_status {
    WS_RAN,    /* the action ran: err is NULL or the error it returned */
    WS_SKIP,   /* it uses something the runner cannot express (v128) */
    WS_CANNOT  /* it could not be run: why says what is wrong */
} wast_status;

typedef struct wast_outcome {
    wast_status status;
    weft_error *err;
    weft_val *results;
    size_t nresults;
    char why[256];
} wast_outcome;

static void wast_outcome_free(wast_outcome *o)
{
    weft_error_free(o->err);
    free(o->results);
    o->err = NULL;
    o->results = NULL;
}

static wast_status wast_cannot(wast_outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static wast_status wast_cannot(wast_outcome *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->why, sizeof o->why, fmt, ap);
    va_end(ap);
    return o->status = WS_CANNOT;
}

/* The export `field` of the wanted kind, or false. The name is looked up with its length:
 * wasm names may hold NUL bytes, and names.wast exports both "" and "\0\1...". */
static bool wast_export(weft_instance *inst, const json_value *field, weft_extern_kind kind,
                        weft_extern *out)
{
    return weft_instance_export_n(inst, field->str, field->len, out) && out->kind == kind;
}

static wast_status wast_get(wast_runner *r, weft_instance *inst, const json_value *fieldv,
                            wast_outcome *o)
{
    weft_extern x;
    const char *field = fieldv->str;
    weft_global *g = wast_export(inst, fieldv, WEFT_EXTERN_GLOBAL, &x) ? x.of.global : NULL;
    if (!g)
        return wast_cannot(o, "no global export \"%s\"", field);
    o->results = malloc(sizeof *o->results);
    if (!o->results)
        return wast_cannot(o, "out of memory");
    o->results[0] = weft_global_get(g);
    o->nresults = 1;
    (void)r;
    return o->status = WS_RAN;
}

static wast_status wast_invoke(wast_runner *r, weft_instance *inst, const json_value *fieldv,
                               const json_value *args, wast_outcome *o)
{
    weft_extern x;
    const char *field = fieldv->str;
    weft_func *f = wast_export(inst, fieldv, WEFT_EXTERN_FUNC, &x) ? x.of.func : NULL;
    if (!f)
        return wast_cannot(o, "no function export \"%s\"", field);
    const weft_functype *ft = weft_func_type(f);
    size_t nargs = json_len(args), nres = weft_functype_nresults(ft);
    if (nargs != weft_functype_nparams(ft))
        return wast_cannot(o, "\"%s\" takes %" PRIu32 " arguments, the script passes %zu",
                           field, weft_functype_nparams(ft), nargs);
    weft_val *argv = calloc(nargs ? nargs : 1, sizeof *argv);
    o->results = calloc(nres ? nres : 1, sizeof *o->results);
    if (!argv || !o->results) {
        free(argv);
        return wast_cannot(o, "out of memory");
    }
    for (size_t i = 0; i < nargs; i++) {
        wast_vparse p = wast_parse_val(json_at(args, i), &argv[i], NULL, NULL);
        if (p != WV_OK) {
            free(argv);
            if (p == WV_SKIP) {
                wast_skip_note(r, "unsupported value type",
                               json_get_str(json_at(args, i), "type"));
                return o->status = WS_SKIP;
            }
            return wast_cannot(o, "bad argument %zu in the script", i);
        }
    }
    o->err = weft_call(r->store, f, argv, nargs, o->results, nres);
    o->nresults = nres;
    free(argv);
    return o->status = WS_RAN;
}

/* Runs an {"type": "invoke"|"get", "module"?, "field", "args"} action. */
static wast_status wast_action(wast_runner *r, const json_value *action, wast_outcome *o)
{
    memset(o, 0, sizeof *o);
    const char *type = json_get_str(action, "type");
    const json_value *field = json_get(action, "field");
    if (!type || !json_str(field))
        return wast_cannot(o, "malformed action in the script");
    weft_instance *inst = wast_instance(r, json_get_str(action, "module"), o->why,
                                        sizeof o->why);
    if (!inst)
        return o->status = WS_CANNOT;
    if (strcmp(type, "invoke") == 0)
        return wast_invoke(r, inst, field, json_get(action, "args"), o);
    if (strcmp(type, "get") == 0)
        return wast_get(r, inst, field, o);
    return wast_cannot(o, "unknown action type \"%s\"", type);
}

/* Describes an outcome that was not what an assertion wanted, for its failure line. */
static const char *wast_outcome_str(const wast_outcome *o, char *buf, size_t n)
{
    if (o->status == WS_CANNOT) {
        snprintf(buf, n, "could not run: %s", o->why);
    } else if (o->err) {
        snprintf(buf, n, "%s \"%s\"", wast_err_kind_name(weft_error_kind_of(o->err)),
                 weft_error_message(o->err));
    } else {
        size_t used = (size_t)snprintf(buf, n, "returned (");
        for (size_t i = 0; i < o->nresults && used < n; i++) {
            char v[96];
            used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? " " : "",
                                     wast_val_str(o->results[i], v, sizeof v));
        }
        if (used < n)
            snprintf(buf + used, n - used, ")");
    }
    return buf;
}

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                   */

/* Each returns the kind to count and whether the command passed, failed (already printed)
 * or was skipped. */
typedef enum wast_result { WR_PASS, WR_FAIL, WR_SKIP } wast_result;

/* `(module definition ...)`: the module must decode and validate; it is not instantiated
 * and does not become the current module (no converted script instantiates one later). */
static wast_result wast_cmd_module_definition(wast_runner *r, const json_value *cmd)
{
    weft_error *err;
    char why[512];
    if (wast_load(r, cmd, &err, why, sizeof why))
        return WR_PASS;
    wast_fail(r, WK_MODULE, "module definition failed to load: %s",
              err ? weft_error_message(err) : why);
    weft_error_free(err);
    return WR_FAIL;
}

static wast_result wast_cmd_module(wast_runner *r, const json_value *cmd)
{
    const char *name = json_get_str(cmd, "name");
    const char *def = json_get_str(cmd, "definition");
    weft_error *err;
    char why[512];
    if (def && strcmp(def, "true") == 0)
        return wast_cmd_module_definition(r, cmd);
    r->current = NULL;
    if (name && !wast_bind(r, name, NULL)) {
        wast_fail(r, WK_MODULE, "out of memory");
        return WR_FAIL;
    }
    weft_module *m = wast_load(r, cmd, &err, why, sizeof why);
    if (!m) {
        if (err)
            wast_fail(r, WK_MODULE, "module failed to load: %s", weft_error_message(err));
        else
            wast_fail(r, WK_MODULE, "module failed to load: %s", why);
        weft_error_free(err);
        return WR_FAIL;
    }
    weft_instance *inst = NULL;
    err = weft_linker_instantiate(r->linker, m, &inst);
    if (err) {
        wast_fail(r, WK_MODULE, "module failed to instantiate: %s %s",
                  wast_err_kind_name(weft_error_kind_of(err)), weft_error_message(err));
        weft_error_free(err);
        return WR_FAIL;
    }
    r->current = inst;
    if (name)
        wast_bind(r, name, inst); /* the slot exists already: cannot fail */
    return WR_PASS;
}

static wast_result wast_cmd_register(wast_runner *r, const json_value *cmd)
{
    char why[256];
    const char *as = json_get_str(cmd, "as");
    if (!as) {
        wast_fail(r, WK_REGISTER, "register without \"as\"");
        return WR_FAIL;
    }
    weft_instance *inst = wast_instance(r, json_get_str(cmd, "name"), why, sizeof why);
    if (!inst) {
        wast_fail(r, WK_REGISTER, "cannot register \"%s\": %s", as, why);
        return WR_FAIL;
    }
    weft_error *err = weft_linker_define_instance(r->linker, as, inst);
    if (err) {
        wast_fail(r, WK_REGISTER, "cannot register \"%s\": %s", as, weft_error_message(err));
        weft_error_free(err);
        return WR_FAIL;
    }
    return WR_PASS;
}

/* Runs cmd's action; passes when it ran and `expect` holds of its outcome (the error it
 * returned, or NULL), else fails with "expected WHAT, got ...". */
static wast_result wast_run_expecting(wast_runner *r, const json_value *cmd, wast_kind kind,
                                      bool (*expect)(const weft_error *), const char *what)
{
    wast_outcome o;
    char buf[512];
    wast_status s = wast_action(r, json_get(cmd, "action"), &o);
    wast_result res = WR_PASS;
    if (s == WS_SKIP) {
        res = WR_SKIP;
    } else if (s != WS_RAN || !expect(o.err)) {
        wast_fail(r, kind, "expected %s, got %s", what, wast_outcome_str(&o, buf, sizeof buf));
        res = WR_FAIL;
    }
    wast_outcome_free(&o);
    return res;
}

static bool wast_no_error(const weft_error *e) { return e == NULL; }

static wast_result wast_cmd_action(wast_runner *r, const json_value *cmd)
{
    return wast_run_expecting(r, cmd, WK_ACTION, wast_no_error, "the action to run");
}

/* Entry i of an "expected" or "either" list: WR_PASS with it parsed, WR_SKIP (a type this
 * runner does not know, the reason printed once) or WR_FAIL (printed). */
static wast_result wast_expected(wast_runner *r, const json_value *list, size_t i, weft_val *v,
                                 wast_expect *how, wast_lanes *lanes)
{
    wast_vparse p = wast_parse_val(json_at(list, i), v, how, lanes);
    if (p == WV_SKIP) {
        wast_skip_note(r, "unsupported value type", json_get_str(json_at(list, i), "type"));
        return WR_SKIP;
    }
    if (p == WV_BAD) {
        wast_fail(r, WK_ASSERT_RETURN, "bad expected value %zu in the script", i);
        return WR_FAIL;
    }
    return WR_PASS;
}

/* Compares the result `got` with entry i of an "expected" or "either" list: WR_PASS when it
 * matches; WR_FAIL with both described in want and have when not; or, with *bad set, what
 * wast_expected said of an entry it cannot read (a skip, or a failure already printed). */
static wast_result wast_compare(wast_runner *r, const json_value *list, size_t i, weft_val got,
                                char *want, char *have, size_t n, bool *bad)
{
    weft_val v;
    wast_expect how;
    wast_lanes lanes;
    wast_result e = wast_expected(r, list, i, &v, &how, &lanes);
    *bad = e != WR_PASS;
    if (*bad)
        return e;
    if (how == WX_V128 ? wast_v128_matches(got, v, &lanes) : wast_val_matches(got, v, how))
        return WR_PASS;
    if (how == WX_V128) {
        wast_v128_str(v, &lanes, want, n);
        wast_v128_str(got, &lanes, have, n);
    } else {
        wast_expect_str(v, how, want, n);
        wast_val_str(got, have, n);
    }
    return WR_FAIL;
}

/* Compares results with the "expected" list; prints the first difference. */
static wast_result wast_check_results(wast_runner *r, const json_value *expected,
                                      const wast_outcome *o)
{
    char buf[512], want[256], have[256];
    bool bad;
    size_t n = json_len(expected);
    if (o->nresults != n) {
        wast_fail(r, WK_ASSERT_RETURN, "expected %zu results, got %s", n,
                  wast_outcome_str(o, buf, sizeof buf));
        return WR_FAIL;
    }
    for (size_t i = 0; i < n; i++) {
        wast_result e = wast_compare(r, expected, i, o->results[i], want, have, sizeof want, &bad);
        if (e != WR_PASS) {
            if (!bad)
                wast_fail(r, WK_ASSERT_RETURN, "result %zu: expected %s, got %s", i, want, have);
            return e;
        }
    }
    return WR_PASS;
}

/* "either": [...] (relaxed SIMD): the one result may be any of the listed values. */
static wast_result wast_check_either(wast_runner *r, const json_value *either,
                                     const wast_outcome *o)
{
    char buf[512], want[256], have[256];
    bool bad;
    size_t n = json_len(either);
    if (o->nresults != 1) {
        wast_fail(r, WK_ASSERT_RETURN, "expected 1 result (one of %zu), got %s", n,
                  wast_outcome_str(o, buf, sizeof buf));
        return WR_FAIL;
    }
    for (size_t i = 0; i < n; i++) {
        wast_result e = wast_compare(r, either, i, o->results[0], want, have, sizeof want, &bad);
        if (e == WR_PASS || bad)
            return e;
    }
    wast_fail(r, WK_ASSERT_RETURN, "expected one of %zu results, got %s", n,
              wast_outcome_str(o, buf, sizeof buf));
    return WR_FAIL;
}

static wast_result wast_cmd_assert_return(wast_runner *r, const json_value *cmd)
{
    wast_outcome o;
    char buf[512];
    wast_status s = wast_action(r, json_get(cmd, "action"), &o);
    wast_result res;
    if (s == WS_SKIP) {
        res = WR_SKIP;
    } else if (s == WS_CANNOT || o.err) {
        wast_fail(r, WK_ASSERT_RETURN, "expected a return, got %s",
                  wast_outcome_str(&o, buf, sizeof buf));
        res = WR_FAIL;
    } else if (json_get(cmd, "either")) {
        res = wast_check_either(r, json_get(cmd, "either"), &o);
    } else {
        res = wast_check_results(r, json_get(cmd, "expected"), &o);
    }
    wast_outcome_free(&o);
    return res;
}

/* assert_trap and assert_exhaustion: the action must trap (with a stack overflow for
 * exhaustion). The message is not compared: engines word traps their own way. */
static wast_result wast_expect_trap(wast_runner *r, const json_value *cmd, wast_kind kind)
{
    wast_outcome o;
    char buf[512];
    const char *text = json_get_str(cmd, "text");
    wast_status s = wast_action(r, json_get(cmd, "action"), &o);
    wast_result res = WR_PASS;
    bool ok = s == WS_RAN && o.err && weft_error_kind_of(o.err) == WEFT_ERR_TRAP;
    if (ok && kind == WK_ASSERT_EXHAUSTION)
        ok = weft_error_trap(o.err) == WEFT_TRAP_STACK_EXHAUSTED;
    if (ok)
        ok = wast_message_ok(r, o.err, text);
    if (s == WS_SKIP) {
        res = WR_SKIP;
    } else if (!ok) {
        wast_fail(r, kind, "expected trap \"%s\", got %s", text ? text : "",
                  wast_outcome_str(&o, buf, sizeof buf));
        res = WR_FAIL;
    }
    wast_outcome_free(&o);
    return res;
}

static wast_result wast_cmd_assert_trap(wast_runner *r, const json_value *cmd)
{
    return wast_expect_trap(r, cmd, WK_ASSERT_TRAP);
}

static wast_result wast_cmd_assert_exhaustion(wast_runner *r, const json_value *cmd)
{
    return wast_expect_trap(r, cmd, WK_ASSERT_EXHAUSTION);
}

/* assert_exception: the action must end with a wasm exception that nothing caught (a trap
 * is not one). */
static bool wast_is_exception(const weft_error *e)
{
    return weft_error_exception(e, NULL, NULL, 0, NULL);
}

static wast_result wast_cmd_assert_exception(wast_runner *r, const json_value *cmd)
{
    return wast_run_expecting(r, cmd, WK_ASSERT_EXCEPTION, wast_is_exception,
                              "an uncaught exception");
}

/* assert_invalid and assert_malformed: loading must fail. Text modules would need a text
 * parser, which weft does not have: they are skipped. */
static wast_result wast_expect_load_failure(wast_runner *r, const json_value *cmd,
                                            wast_kind kind)
{
    const char *type = json_get_str(cmd, "module_type");
    const char *text = json_get_str(cmd, "text");
    weft_error *err;
    char why[512];
    if (type && strcmp(type, "binary") != 0)
        return WR_SKIP;
    weft_module *m = wast_load(r, cmd, &err, why, sizeof why);
    if (m) {
        wast_fail(r, kind, "expected the module to fail to load (\"%s\"), it loaded",
                  text ? text : "");
        return WR_FAIL;
    }
    if (!err) {
        wast_fail(r, kind, "%s", why);
        return WR_FAIL;
    }
    if (!wast_message_ok(r, err, text)) {
        wast_fail(r, kind, "expected \"%s\", got %s \"%s\"", text,
                  wast_err_kind_name(weft_error_kind_of(err)), weft_error_message(err));
        weft_error_free(err);
        return WR_FAIL;
    }
    weft_error_free(err);
    return WR_PASS;
}

static wast_result wast_cmd_assert_invalid(wast_runner *r, const json_value *cmd)
{
    return wast_expect_load_failure(r, cmd, WK_ASSERT_INVALID);
}

static wast_result wast_cmd_assert_malformed(wast_runner *r, const json_value *cmd)
{
    return wast_expect_load_failure(r, cmd, WK_ASSERT_MALFORMED);
}

/* assert_unlinkable and assert_uninstantiable: the module loads, but instantiating it
 * fails with a link error or a trap (a segment out of bounds, a trapping start). */
static wast_result wast_expect_inst_failure(wast_runner *r, const json_value *cmd,
                                            wast_kind kind, weft_error_kind want)
{
    const char *type = json_get_str(cmd, "module_type");
    const char *text = json_get_str(cmd, "text");
    weft_error *err;
    char why[512];
    if (type && strcmp(type, "binary") != 0)
        return WR_SKIP;
    weft_module *m = wast_load(r, cmd, &err, why, sizeof why);
    if (!m) {
        if (err)
            wast_fail(r, kind, "expected %s \"%s\", the module failed to load: %s",
                      wast_err_kind_name(want), text ? text : "", weft_error_message(err));
        else
            wast_fail(r, kind, "%s", why);
        weft_error_free(err);
        return WR_FAIL;
    }
    weft_instance *inst = NULL;
    err = weft_linker_instantiate(r->linker, m, &inst);
    if (err && weft_error_kind_of(err) == want && wast_message_ok(r, err, text)) {
        weft_error_free(err);
        return WR_PASS;
    }
    if (err)
        wast_fail(r, kind, "expected %s \"%s\", got %s \"%s\"", wast_err_kind_name(want),
                  text ? text : "", wast_err_kind_name(weft_error_kind_of(err)),
                  weft_error_message(err));
    else
        wast_fail(r, kind, "expected %s \"%s\", the module instantiated",
                  wast_err_kind_name(want), text ? text : "");
    weft_error_free(err);
    return WR_FAIL;
}

static wast_result wast_cmd_assert_unlinkable(wast_runner *r, const json_value *cmd)
{
    return wast_expect_inst_failure(r, cmd, WK_ASSERT_UNLINKABLE, WEFT_ERR_LINK);
}

static wast_result wast_cmd_assert_uninstantiable(wast_runner *r, const json_value *cmd)
{
    return wast_expect_inst_failure(r, cmd, WK_ASSERT_UNINSTANTIABLE, WEFT_ERR_TRAP);
}

static const struct wast_command {
    const char *type;
    wast_kind kind;
    wast_result (*run)(wast_runner *r, const json_value *cmd);
} wast_commands[] = {
    {"module", WK_MODULE, wast_cmd_module},
    {"register", WK_REGISTER, wast_cmd_register},
    {"action", WK_ACTION, wast_cmd_action},
    {"assert_return", WK_ASSERT_RETURN, wast_cmd_assert_return},
    {"assert_trap", WK_ASSERT_TRAP, wast_cmd_assert_trap},
    {"assert_exhaustion", WK_ASSERT_EXHAUSTION, wast_cmd_assert_exhaustion},
    {"assert_invalid", WK_ASSERT_INVALID, wast_cmd_assert_invalid},
    {"assert_malformed", WK_ASSERT_MALFORMED, wast_cmd_assert_malformed},
    {"assert_unlinkable", WK_ASSERT_UNLINKABLE, wast_cmd_assert_unlinkable},
    {"assert_uninstantiable", WK_ASSERT_UNINSTANTIABLE, wast_cmd_assert_uninstantiable},
    {"assert_exception", WK_ASSERT_EXCEPTION, wast_cmd_assert_exception},
};

static void wast_run_command(wast_runner *r, const json_value *cmd)
{
    const char *type = json_get_str(cmd, "type");
    const json_value *line = json_get(cmd, "line");
    r->line = line && line->type == JSON_NUMBER ? strtol(line->str, NULL, 10) : 0;
    for (size_t i = 0; type && i < sizeof wast_commands / sizeof wast_commands[0]; i++) {
        if (strcmp(type, wast_commands[i].type) != 0)
            continue;
        wast_kind k = wast_commands[i].kind;
        wast_result res = wast_commands[i].run(r, cmd);
        if (res == WR_PASS)
            r->passed[k]++;
        else if (res == WR_SKIP)
            r->skipped[k]++;
        return; /* failures are counted where they are printed */
    }
    /* A command this runner does not know (a newer wast2json): skipped, not failed. */
    wast_skip_note(r, "unknown command", type);
    r->skipped[WK_OTHER]++;
}

/* ------------------------------------------------------------------------------------------ */
/* The spectest module                                                                        */

static weft_error *wast_print_fn(weft_caller *caller, void *env, const weft_val *args,
                                 weft_val *results)
{
    (void)caller, (void)env, (void)args, (void)results;
    return NULL; /* the scripts' print functions print nothing here: output is for results */
}

static weft_error *wast_define_print(wast_runner *r, const char *name, const uint8_t *params,
                                     uint32_t nparams)
{
    weft_functype *t = weft_functype_new(params, nparams, NULL, 0);
    if (!t)
        return weft_trap_new("out of memory");
    weft_error *err = weft_linker_define_func(r->linker, "spectest", name, t, wast_print_fn,
                                              NULL, NULL);
    weft_functype_free(t);
    return err;
}

static weft_error *wast_define_prints(wast_runner *r)
{
    static const struct { const char *name; uint8_t params[2]; uint32_t n; } prints[] = {
        {"print", {0}, 0},
        {"print_i32", {WEFT_I32}, 1},
        {"print_i64", {WEFT_I64}, 1},
        {"print_f32", {WEFT_F32}, 1},
        {"print_f64", {WEFT_F64}, 1},
        {"print_i32_f32", {WEFT_I32, WEFT_F32}, 2},
        {"print_f64_f64", {WEFT_F64, WEFT_F64}, 2},
    };
    for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        weft_error *err = wast_define_print(r, prints[i].name, prints[i].params, prints[i].n);
        if (err)
            return err;
    }
    return NULL;
}

static weft_error *wast_define_global(wast_runner *r, const char *name, weft_val v)
{
    weft_extern ext;
    ext.kind = WEFT_EXTERN_GLOBAL;
    ext.of.global = weft_global_new(r->store, v.type, false, v);
    if (!ext.of.global)
        return weft_trap_new("cannot create spectest global %s", name);
    return weft_linker_define(r->linker, "spectest", name, ext);
}

static weft_error *wast_define_memory(wast_runner *r, const char *name, bool shared,
                                      weft_memory **keep)
{
    weft_extern ext;
    weft_error *err = weft_memory_new(r->engine, 1, 2, true, shared, keep);
    if (err)
        return err;
    ext.kind = WEFT_EXTERN_MEMORY;
    ext.of.memory = *keep;
    return weft_linker_define(r->linker, "spectest", name, ext);
}

/* spectest's table64 (i64 indices, 10..20 funcref). The API makes 32-bit tables only, so it
 * comes from a module of its own: (module (table (export "table64") i64 10 20 funcref)). */
static weft_error *wast_define_table64(wast_runner *r)
{
    static const uint8_t bytes[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,             /* magic, version */
        0x04, 0x05, 0x01, 0x70, 0x05, 0x0a, 0x14,                   /* table i64 10 20 */
        0x07, 0x0b, 0x01, 0x07, 't', 'a', 'b', 'l', 'e', '6', '4', 0x01, 0x00}; /* export */
    weft_module *m = NULL;
    weft_instance *inst = NULL;
    weft_extern ext;
    weft_error *err = weft_module_new(r->engine, bytes, sizeof bytes, &m);
    if (err)
        return err;
    if (!wast_keep_module(r, m)) {
        weft_module_free(m);
        return weft_trap_new("out of memory");
    }
    err = weft_linker_instantiate(r->linker, m, &inst);
    if (err)
        return err;
    if (!weft_instance_export(inst, "table64", &ext))
        return weft_trap_new("spectest table64: no export");
    return weft_linker_define(r->linker, "spectest", "table64", ext);
}

static weft_error *wast_define_spectest(wast_runner *r)
{
    weft_error *err = wast_define_prints(r);
    if (!err)
        err = wast_define_global(r, "global_i32", weft_val_i32(666));
    if (!err)
        err = wast_define_global(r, "global_i64", weft_val_i64(666));
    if (!err)
        err = wast_define_global(r, "global_f32", weft_val_f32(666.6f));
    if (!err)
        err = wast_define_global(r, "global_f64", weft_val_f64(666.6));
    if (!err) {
        weft_extern ext;
        ext.kind = WEFT_EXTERN_TABLE;
        err = weft_table_new(r->store, WEFT_FUNCREF, 10, 20, true, &ext.of.table);
        if (!err)
            err = weft_linker_define(r->linker, "spectest", "table", ext);
    }
    if (!err && !(r->disabled & WEFT_FEATURE_MEMORY64))
        err = wast_define_table64(r);
    if (!err)
        err = wast_define_memory(r, "memory", false, &r->spectest_memory);
    if (!err) {
        /* Only the threads scripts import it; an engine without shared memories still
         * runs the rest, and those imports then fail to link with a clear reason. */
        weft_error *e = wast_define_memory(r, "shared_memory", true, &r->spectest_shared);
        weft_error_free(e);
    }
    return err;
}

/* ------------------------------------------------------------------------------------------ */
/* Setup, summary, main                                                                       */

/* The directory of the JSON file (modules live next to it) and the script's name. */
static bool wast_paths(wast_runner *r, const char *json_path, const json_value *root)
{
    const char *slash = strrchr(json_path, '/');
    size_t dlen = slash ? (size_t)(slash - json_path) + 1 : 0;
    r->dir = malloc(dlen + 1);
    if (!r->dir)
        return false;
    memcpy(r->dir, json_path, dlen);
    r->dir[dlen] = '\0';
    const char *src = json_get_str(root, "source_filename");
    const char *base = src ? src : json_path;
    const char *s = strrchr(base, '/');
    base = s ? s + 1 : base;
    size_t blen = strlen(base);
    r->script = malloc(blen + 6);
    if (!r->script)
        return false;
    memcpy(r->script, base, blen + 1);
    if (!src && blen > 5 && strcmp(base + blen - 5, ".json") == 0)
        strcpy(r->script + blen - 5, ".wast");
    return true;
}

static void wast_summary(const wast_runner *r, bool counts)
{
    unsigned long passed = 0, failed = 0, skipped = 0;
    for (int k = 0; k < WK_COUNT; k++) {
        passed += r->passed[k];
        failed += r->failed[k];
        skipped += r->skipped[k];
        if (!r->passed[k] && !r->failed[k] && !r->skipped[k])
            continue;
        printf("%-22s %lu passed", wast_kind_names[k], r->passed[k]);
        if (r->failed[k])
            printf(", %lu failed", r->failed[k]);
        if (r->skipped[k])
            printf(", %lu skipped", r->skipped[k]);
        putchar('\n');
    }
    if (counts) {
        printf("counts");
        for (int k = 0; k < WK_COUNT; k++)
            printf(" %s=%lu", wast_kind_names[k], r->passed[k]);
        for (int k = 0; k < WK_COUNT; k++)
            if (r->skipped[k])
                printf(" skipped_%s=%lu", wast_kind_names[k], r->skipped[k]);
        printf(" failed=%lu skipped=%lu\n", failed, skipped);
    }
    printf("%lu passed, %lu failed, %lu skipped\n", passed, failed, skipped);
}

static void wast_free(wast_runner *r)
{
    if (r->linker)
        weft_linker_free(r->linker);
    if (r->store)
        weft_store_free(r->store);
    for (size_t i = 0; i < r->nmodules; i++)
        weft_module_free(r->modules[i]);
    free(r->modules);
    if (r->spectest_memory)
        weft_memory_free(r->spectest_memory);
    if (r->spectest_shared)
        weft_memory_free(r->spectest_shared);
    for (size_t i = 0; i < r->nnamed; i++)
        free(r->named[i].name);
    free(r->named);
    free(r->dir);
    free(r->script);
    if (r->engine)
        weft_engine_free(r->engine);
}

static int wast_run(const char *json_path, const json_value *root, bool counts, bool strict,
                    const weft_config *engine_cfg)
{
    weft_config cfg = *engine_cfg;
    wast_runner r;
    memset(&r, 0, sizeof r);
    r.strict = strict;
    r.disabled = cfg.disabled_features;
    const json_value *cmds = json_get(root, "commands");
    if (!cmds || cmds->type != JSON_ARRAY) {
        fprintf(stderr, "weft: %s: no \"commands\" list (is it wast2json output?)\n",
                json_path);
        return CLI_EXIT_FAIL;
    }
    r.engine = weft_engine_new(&cfg);
    r.store = r.engine ? weft_store_new(r.engine) : NULL;
    r.linker = r.store ? weft_linker_new(r.store) : NULL;
    if (r.linker && cfg.consume_fuel)
        weft_error_free(weft_store_set_fuel(r.store, UINT64_MAX));
    if (!r.linker || !wast_paths(&r, json_path, root)) {
        fprintf(stderr, "weft: %s: out of memory\n", json_path);
        wast_free(&r);
        return CLI_EXIT_FAIL;
    }
    weft_error *err = wast_define_spectest(&r);
    if (err) {
        fprintf(stderr, "weft: %s: cannot set up the spectest module: %s\n", json_path,
                weft_error_message(err));
        weft_error_free(err);
        wast_free(&r);
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < json_len(cmds); i++)
        wast_run_command(&r, json_at(cmds, i));
    wast_summary(&r, counts);
    unsigned long failed = 0;
    for (int k = 0; k < WK_COUNT; k++)
        failed += r.failed[k];
    wast_free(&r);
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

#define WAST_USAGE                                                                            \
    "usage: weft wast [--counts] [--strict] [--disable FEATURE] [--compile [-O N]\n"           \
    "                 [--cache-dir DIR]] [--fuel] [--epoch] SCRIPT.json\n"

static void wast_usage(FILE *f)
{
    fprintf(f, WAST_USAGE
               "  Runs a spec test script converted by `wast2json --enable-threads`.\n"
               "  --counts   also print a line `counts KIND=PASSED ...` before the total\n"
               "  --strict   also require each expected error's message (as a prefix)\n"
               "  --disable FEATURE\n"
               "             validate without FEATURE (repeatable): reference-types (one\n"
               "             table at most, as the threads proposal's scripts expect),\n"
               "             memory64 (no i64 memories or tables), multi-memory (one\n"
               "             memory at most, as the 2.0 scripts expect), relaxed-simd,\n"
               "             exceptions, legacy-exceptions, tail-call, extended-const (one\n"
               "             instruction per constant expression, global.get of imports\n"
               "             only), function-references\n"
               "  --compile  run every module as native code (the compiled tier)\n"
               "  -O N       the C compiler's optimisation level for --compile (0-3; default 2)\n"
               "  --cache-dir DIR\n"
               "             the compiled tier's cache (default: $WEFT_CACHE_DIR, else\n"
               "             $XDG_CACHE_HOME/weft, else ~/.cache/weft)\n"
               "  --fuel     translate with fuel accounting, and give the store all the fuel\n"
               "             there is (checks that counting changes no result)\n"
               "  --epoch    translate with epoch checks (no deadline is ever reached)\n");
}

/* The features --disable knows, by the names of weft_known_features(). */
static const struct wast_feature_name {
    const char *name;
    uint32_t bit;
} wast_features[] = {
    {"reference-types", WEFT_FEATURE_REFERENCE_TYPES},
    {"memory64", WEFT_FEATURE_MEMORY64},
    {"multi-memory", WEFT_FEATURE_MULTI_MEMORY},
    {"relaxed-simd", WEFT_FEATURE_RELAXED_SIMD},
    {"exceptions", WEFT_FEATURE_EXCEPTIONS},
    {"legacy-exceptions", WEFT_FEATURE_LEGACY_EXCEPTIONS},
    {"tail-call", WEFT_FEATURE_TAIL_CALL},
    {"extended-const", WEFT_FEATURE_EXTENDED_CONST},
    {"function-references", WEFT_FEATURE_FUNCTION_REFERENCES},
};
#define WAST_FEATURE_NAMES                                                                    \
    "reference-types, memory64, multi-memory, relaxed-simd, exceptions, legacy-exceptions, "  \
    "tail-call, extended-const, function-references"

/* --disable NAME: the engine feature bit, or 0 for an unknown name. */
static uint32_t wast_feature(const char *name)
{
    for (size_t i = 0; i < sizeof wast_features / sizeof wast_features[0]; i++)
        if (strcmp(name, wast_features[i].name) == 0)
            return wast_features[i].bit;
    return 0;
}

int cli_wast_main(int argc, char **argv)
{
    bool counts = false, strict = false;
    weft_config cfg = {0};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--counts") == 0) {
            counts = true;
        } else if (strcmp(a, "--strict") == 0) {
            strict = true;
        } else if (strcmp(a, "--disable") == 0 || strncmp(a, "--disable=", 10) == 0) {
            const char *name = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : "");
            uint32_t bit = wast_feature(name);
            if (!bit) {
                fprintf(stderr, "weft wast: --disable: unknown feature '%s' (known: %s)\n", name,
                        WAST_FEATURE_NAMES);
                return CLI_EXIT_USAGE;
            }
            cfg.disabled_features |= bit;
        } else if (strcmp(a, "--compile") == 0) {
            cfg.tier = WEFT_TIER_COMPILED;
        } else if (strcmp(a, "-O") == 0 || (a[0] == '-' && a[1] == 'O' && a[2])) {
            const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "");
            if (v[0] < '0' || v[0] > '3' || v[1]) {
                fprintf(stderr, "weft wast: -O: must be 0, 1, 2 or 3\n");
                return CLI_EXIT_USAGE;
            }
            cfg.compile_opt = (uint32_t)(v[0] - '0') + 1;
        } else if (strcmp(a, "--cache-dir") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "weft wast: --cache-dir needs a directory\n");
                return CLI_EXIT_USAGE;
            }
            cfg.cache_dir = argv[++i];
        } else if (strcmp(a, "--fuel") == 0) {
            cfg.consume_fuel = true;
        } else if (strcmp(a, "--epoch") == 0) {
            cfg.epoch_interruption = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            wast_usage(stdout);
            return CLI_EXIT_OK;
        } else if (a[0] == '-' && a[1] && !path) {
            fprintf(stderr, "weft wast: unknown option %s\n" WAST_USAGE, a);
            return CLI_EXIT_USAGE;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, WAST_USAGE);
            return CLI_EXIT_USAGE;
        }
    }
    if (!path) {
        fprintf(stderr, WAST_USAGE);
        return CLI_EXIT_USAGE;
    }
    char err[256];
    size_t len;
    char *text = (char *)cli_read_file(path, &len, err, sizeof err);
    if (!text) {
        fprintf(stderr, "weft: %s: %s\n", path, err);
        return CLI_EXIT_FAIL;
    }
    json_value *root = json_parse(text, len, err, sizeof err);
    free(text);
    if (!root) {
        fprintf(stderr, "weft: %s: bad JSON: %s\n", path, err);
        return CLI_EXIT_FAIL;
    }
    int status = wast_run(path, root, counts, strict, &cfg);
    json_free(root);
    return status;
}
