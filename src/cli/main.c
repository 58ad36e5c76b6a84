/*
 * main.c - the weft command: dispatch to run, validate, wast, features, help.
 *
 * The CLI is the embedding API's first user: it includes weft.h only. The library never
 * prints; this file decides what a user sees and which status the process exits with
 * (see CLI_EXIT_* in cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* environ */

#include "cli/cli.h"

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                      */

uint8_t *cli_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break; /* end of file or an error, told apart below */
        uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf) {
        snprintf(err, errlen, "out of memory");
    } else if (ferror(f)) {
        snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
        free(buf);
        buf = NULL;
    } else {
        buf[n] = '\0';
        *len = n;
    }
    fclose(f);
    return buf;
}

/* ------------------------------------------------------------------------------------------ */
/* Options of `weft run`: one row per option, so that a new one is a row and a setter.        */

typedef struct cli_run_opts {
    const char *invoke;
    const char **env;   /* "KEY=VALUE" strings for the guest (--env, then inherited) */
    int envc;
    bool inherit_env;
    weft_wasi_preopen *dirs; /* --dir, in order: the guest's descriptors 3, 4, ... */
    int ndirs;
    weft_config cfg;
    uint64_t fuel, timeout_ns; /* --fuel (with cfg.consume_fuel), --timeout (0: none) */
} cli_run_opts;

typedef struct cli_option {
    const char *name;   /* "--invoke" */
    const char *arg;    /* the value's placeholder in the help, NULL for a flag */
    const char *help;
    /* Returns NULL, or what is wrong with the value. */
    const char *(*set)(cli_run_opts *o, const char *value);
} cli_option;

static const char *cli_set_invoke(cli_run_opts *o, const char *v)
{
    if (!*v)
        return "needs a function name";
    o->invoke = v;
    return NULL;
}

/* weft's own "NAME=VALUE" for NAME, or NULL when it has no such variable */
static const char *cli_host_env(const char *name)
{
    size_t n = strlen(name);
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e;
    return NULL;
}

/* --env KEY=VALUE, or --env KEY: weft's own KEY, if it has one */
static const char *cli_set_env(cli_run_opts *o, const char *v)
{
    if (!*v || v[0] == '=')
        return "must be KEY=VALUE, or KEY to pass on weft's own";
    if (!strchr(v, '=') && !(v = cli_host_env(v)))
        return NULL; /* not set here: the guest does not get it either */
    const char **env = realloc(o->env, (size_t)(o->envc + 1) * sizeof *env);
    if (!env)
        return "out of memory";
    env[o->envc++] = v;
    o->env = env;
    return NULL;
}

/* --dir HOST[::GUEST]: HOST is given to the guest under the name GUEST (default: HOST as
 * written). The pieces point into argv (GUEST) or are copied (HOST, cut at "::"). */
static const char *cli_set_dir(cli_run_opts *o, const char *v)
{
    const char *sep = strstr(v, "::");
    size_t hl = sep ? (size_t)(sep - v) : strlen(v);
    if (hl == 0 || (sep && !sep[2]))
        return "must be HOST or HOST::GUEST, both non-empty";
    weft_wasi_preopen *d = realloc(o->dirs, (size_t)(o->ndirs + 1) * sizeof *d);
    if (!d)
        return "out of memory";
    o->dirs = d;
    char *host = malloc(hl + 1);
    if (!host)
        return "out of memory";
    memcpy(host, v, hl);
    host[hl] = '\0';
    d[o->ndirs].host_path = host;
    d[o->ndirs].guest_path = sep ? sep + 2 : host;
    o->ndirs++;
    return NULL;
}

static const char *cli_set_inherit_env(cli_run_opts *o, const char *v)
{
    (void)v;
    o->inherit_env = true;
    return NULL;
}

static void cli_run_opts_free(cli_run_opts *o)
{
    for (int i = 0; i < o->ndirs; i++)
        free((char *)o->dirs[i].host_path);
    free(o->dirs);
    free(o->env);
}

/* A decimal count with an optional K, M or G suffix (powers of 1024). */
static bool cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    int shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (*end == 'i' && shift)
        end++;
    if ((*end == 'b' || *end == 'B') && shift)
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static const char *cli_set_max_memory(cli_run_opts *o, const char *v)
{
    uint64_t n;
    if (!cli_parse_size(v, &n) || n == 0)
        return "must be a size in bytes, like 65536, 64K, 256M or 4G";
    o->cfg.max_memory_bytes = n;
    return NULL;
}

static const char *cli_set_max_call_depth(cli_run_opts *o, const char *v)
{
    uint64_t n;
    if (!cli_parse_size(v, &n) || n == 0 || n > 10000000)
        return "must be a number of calls (1-10000000)";
    o->cfg.max_call_depth = (uint32_t)n;
    return NULL;
}

static const char *cli_set_max_threads(cli_run_opts *o, const char *v)
{
    uint64_t n;
    if (!cli_parse_size(v, &n) || n == 0 || n > UINT32_MAX)
        return "must be a positive number";
    o->cfg.max_threads = (uint32_t)n;
    return NULL;
}

static const char *cli_set_compile(cli_run_opts *o, const char *v)
{
    (void)v;
    o->cfg.tier = WEFT_TIER_COMPILED;
    return NULL;
}

static const char *cli_set_tiered(cli_run_opts *o, const char *v)
{
    (void)v;
    o->cfg.tier = WEFT_TIER_TIERED;
    return NULL;
}

static const char *cli_set_cache_dir(cli_run_opts *o, const char *v)
{
    if (!*v)
        return "needs a directory";
    o->cfg.cache_dir = v;
    return NULL;
}

static const char *cli_set_opt_level(cli_run_opts *o, const char *v)
{
    if (v[0] < '0' || v[0] > '3' || v[1])
        return "must be 0, 1, 2 or 3";
    o->cfg.compile_opt = (uint32_t)(v[0] - '0') + WEFT_OPT_O0;
    return NULL;
}

static const char *cli_set_jobs(cli_run_opts *o, const char *v)
{
    uint64_t n;
    if (!cli_parse_size(v, &n) || n == 0 || n > 1024)
        return "must be a number of processes (1-1024)";
    o->cfg.compile_jobs = (int)n;
    return NULL;
}

static const char *cli_set_fuel(cli_run_opts *o, const char *v)
{
    if (!cli_parse_fuel(v, &o->fuel))
        return "must be a number of instructions, like 1000000";
    o->cfg.consume_fuel = true;
    return NULL;
}

static const char *cli_set_timeout(cli_run_opts *o, const char *v)
{
    if (!cli_parse_duration(v, &o->timeout_ns))
        return "must be a duration with a unit, like 500ms, 3s or 2m";
    return NULL;
}

static const cli_option cli_run_options[] = {
    {"--invoke", "NAME", "call the exported function NAME with ARGS and print its results,\n"
                         "                       instead of running the WASI command (_start)",
     cli_set_invoke},
    {"--dir", "HOST[::GUEST]", "let the guest use the host directory HOST, under the name\n"
                               "                       GUEST (default: HOST as written); repeatable, the guest\n"
                               "                       sees nothing else of the filesystem",
     cli_set_dir},
    {"--env", "KEY[=VALUE]", "add a variable to the guest's environment (repeatable; the\n"
                             "                       environment is empty otherwise); KEY alone\n"
                             "                       passes on weft's own KEY, if it has one",
     cli_set_env},
    {"--inherit-env", NULL, "give the guest weft's own environment (--env adds to it and\n"
                            "                       overrides it)",
     cli_set_inherit_env},
    {"--max-memory", "SIZE", "limit any one linear memory to SIZE bytes (K, M, G suffixes)",
     cli_set_max_memory},
    {"--max-threads", "N", "limit the threads a guest may spawn", cli_set_max_threads},
    {"--fuel", "N", "stop the guest (trap \"out of fuel\") after about N wasm\n"
                    "                       instructions; each thread has its own N",
     cli_set_fuel},
    {"--timeout", "DURATION", "stop the guest (trap \"interrupted\") after DURATION of\n"
                              "                       wall-clock time: 500ms, 3s, 2m, 1h",
     cli_set_timeout},
    {"--max-call-depth", "N", "wasm calls that may be active at once before a trap \"call\n"
                              "                       stack exhausted\" (default 10000)",
     cli_set_max_call_depth},
    {"--compile", NULL, "run native code made by the system C compiler (the compiled tier),\n"
                        "                       through the cache: the first run compiles, later\n"
                        "                       runs load the cached code",
     cli_set_compile},
    {"--tiered", NULL, "start in the interpreter at once and switch new calls to native\n"
                       "                       code when a background compile (or the cache) has it",
     cli_set_tiered},
    {"--cache-dir", "DIR", "the compiled tier's cache (default: $WEFT_CACHE_DIR, else\n"
                           "                       $XDG_CACHE_HOME/weft, else ~/.cache/weft)",
     cli_set_cache_dir},
    {"--opt-level", "N", "the C compiler's optimisation level, 0-3 (default 2)",
     cli_set_opt_level},
    {"--jobs", "N", "compiler processes at a time (default: one per CPU)", cli_set_jobs},
};
#define CLI_NRUN_OPTIONS (sizeof cli_run_options / sizeof cli_run_options[0])

/* One line (or more) per option of `weft run`. */
static void cli_run_options_help(FILE *f)
{
    for (size_t i = 0; i < CLI_NRUN_OPTIONS; i++) {
        const cli_option *o = &cli_run_options[i];
        char head[48];
        snprintf(head, sizeof head, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-20s %s\n", head, o->help);
    }
    fprintf(f, "  %-20s %s\n", "-h, --help", "show this help");
}

static void cli_run_usage(FILE *f)
{
    fprintf(f, "usage: weft run [OPTIONS] FILE.wasm [ARGS...]\n"
               "  Runs a WASI command (argv is FILE.wasm then ARGS), or with --invoke calls one\n"
               "  export with ARGS parsed by its parameter types (integers in decimal or 0x hex,\n"
               "  floats in decimal, inf or nan). Options go before FILE; `--` ends them.\n"
               "  The exit status is the guest's (proc_exit); 134 after a trap.\n"
               "options:\n");
    cli_run_options_help(f);
}

static const cli_option *cli_find_option(const char *arg, size_t namelen)
{
    for (size_t i = 0; i < CLI_NRUN_OPTIONS; i++)
        if (strlen(cli_run_options[i].name) == namelen &&
            strncmp(cli_run_options[i].name, arg, namelen) == 0)
            return &cli_run_options[i];
    return NULL;
}

/* Parses the options before FILE. Returns the index of FILE in argv, or -1 after printing
 * a usage error, or 0 when help was asked for (and printed). Accepts `--opt value` and
 * `--opt=value`. */
static int cli_parse_run_options(int argc, char **argv, cli_run_opts *o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1 < argc ? i + 1 : (fprintf(stderr, "weft run: FILE expected\n"), -1);
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_run_usage(stdout);
            return 0;
        }
        const char *eq = strchr(a, '=');
        size_t namelen = eq ? (size_t)(eq - a) : strlen(a);
        const cli_option *opt = cli_find_option(a, namelen);
        if (!opt) {
            fprintf(stderr, "weft run: unknown option %.*s\n", (int)namelen, a);
            return -1;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (opt->arg && !value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "weft run: %s needs a value (%s)\n", opt->name, opt->arg);
                return -1;
            }
            value = argv[++i];
        } else if (!opt->arg && value) {
            fprintf(stderr, "weft run: %s takes no value\n", opt->name);
            return -1;
        }
        const char *bad = opt->set(o, value ? value : "");
        if (bad) {
            fprintf(stderr, "weft run: %s %s: %s\n", opt->name, value ? value : "", bad);
            return -1;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "weft run: FILE expected\n");
        return -1;
    }
    return i;
}

/* ------------------------------------------------------------------------------------------ */
/* Values on the command line                                                                 */

/* An integer: optional sign, then decimal or 0x hex. Accepts the signed and the unsigned
 * range of a `bits`-wide integer, so that -1 and 0xffffffff both mean all ones. */
static bool cli_parse_int(const char *s, int bits, uint64_t *out)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else if (*s == '_')
            continue;
        else
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    uint64_t nmax = UINT64_C(1) << (bits - 1); /* magnitude of the most negative */
    if (neg ? v > nmax : v > umax)
        return false;
    *out = neg ? (uint64_t)0 - v : v;
    return true;
}

/* A v128 argument: SHAPE:L0,L1,... with SHAPE one of i8x16 i16x8 i32x4 i64x2 (lanes as
 * integers, decimal or 0x hex, signed or not) or f32x4 f64x2 (lanes as numbers), the lanes
 * in lane order, as v128.const writes them. */
static bool cli_parse_v128(const char *s, weft_val *out)
{
    static const struct { const char *name; unsigned width; bool fl; } shapes[] = {
        {"i8x16:", 1, false}, {"i16x8:", 2, false}, {"i32x4:", 4, false},
        {"i64x2:", 8, false}, {"f32x4:", 4, true},  {"f64x2:", 8, true}};
    size_t k = 0;
    memset(out, 0, sizeof *out);
    out->type = WEFT_V128;
    while (k < 6 && strncmp(s, shapes[k].name, 6) != 0)
        k++;
    if (k == 6)
        return false;
    s += 6;
    for (unsigned i = 0; i < 16 / shapes[k].width; i++) {
        char lane[64], *end;
        size_t n = strcspn(s, ",");
        uint64_t v;
        if (n == 0 || n >= sizeof lane || (s[n] == ',') != (i + 1 < 16 / shapes[k].width))
            return false;
        memcpy(lane, s, n);
        lane[n] = '\0';
        s += n + (s[n] == ',');
        if (!shapes[k].fl) {
            if (!cli_parse_int(lane, (int)shapes[k].width * 8, &v))
                return false;
        } else if (shapes[k].width == 4) {
            float f = strtof(lane, &end);
            uint32_t b;
            if (*end)
                return false;
            memcpy(&b, &f, sizeof b);
            v = b;
        } else {
            double d = strtod(lane, &end);
            if (*end)
                return false;
            memcpy(&v, &d, sizeof v);
        }
        memcpy(out->of.v128 + i * shapes[k].width, &v, shapes[k].width); /* little-endian */
    }
    return *s == '\0';
}

static bool cli_parse_arg(const char *s, uint8_t type, weft_val *out)
{
    uint64_t v;
    char *end;
    switch (type) {
    case WEFT_I32:
        if (!cli_parse_int(s, 32, &v))
            return false;
        *out = weft_val_i32((int32_t)(uint32_t)v);
        return true;
    case WEFT_I64:
        if (!cli_parse_int(s, 64, &v))
            return false;
        *out = weft_val_i64((int64_t)v);
        return true;
    case WEFT_F32: {
        /* strtof, not strtod then a cast: rounding twice can be off by one ulp. */
        float f = strtof(s, &end);
        if (!*s || *end)
            return false;
        *out = weft_val_f32(f);
        return true;
    }
    case WEFT_F64: {
        double d = strtod(s, &end);
        if (!*s || *end)
            return false;
        *out = weft_val_f64(d);
        return true;
    }
    case WEFT_EXTERNREF:
    case WEFT_FUNCREF:
        out->type = type;
        out->of.i64 = 0;
        if (strcmp(s, "null") == 0)
            return true;
        /* Host references are numbered as the spec runner does: N is pointer N+1. */
        if (type == WEFT_EXTERNREF && cli_parse_int(s, 32, &v)) {
            out->of.externref = (void *)(uintptr_t)((uint32_t)v + UINT64_C(1));
            return true;
        }
        return false;
    case WEFT_V128:
        return cli_parse_v128(s, out);
    default:
        return false;
    }
}

static void cli_print_float(double d, bool is_f32)
{
    if (isnan(d))
        printf("%snan\n", signbit(d) ? "-" : "");
    else if (isinf(d))
        printf("%sinf\n", d < 0 ? "-" : "");
    else
        printf(is_f32 ? "%.9g\n" : "%.17g\n", d);
}

static void cli_print_val(weft_val v)
{
    switch (v.type) {
    case WEFT_I32: printf("%" PRId32 "\n", v.of.i32); break;
    case WEFT_I64: printf("%" PRId64 "\n", v.of.i64); break;
    case WEFT_F32: cli_print_float((double)weft_val_as_f32(v), true); break;
    case WEFT_F64: cli_print_float(weft_val_as_f64(v), false); break;
    case WEFT_EXTERNREF:
        if (v.of.externref)
            printf("ref.extern %" PRIuPTR "\n", (uintptr_t)v.of.externref - 1);
        else
            printf("null\n");
        break;
    case WEFT_FUNCREF: printf(v.of.funcref ? "ref.func\n" : "null\n"); break;
    case WEFT_V128: /* as i32x4 lanes in hex, a form --invoke reads back */
        for (int i = 0; i < 4; i++) {
            uint32_t lane;
            memcpy(&lane, v.of.v128 + 4 * i, sizeof lane);
            printf("%s0x%08" PRIx32, i ? "," : "i32x4:", lane);
        }
        putchar('\n');
        break;
    default: printf("?\n"); break;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* weft run                                                                                   */

/* Whether FILE's bytes are a binary module (or an artifact); if not, says what they are. A
 * text module (a .wat or .wast file, or text starting with "(" or a comment) gets its own
 * message: weft reads the binary format only. */
static bool cli_is_binary(const char *file, const uint8_t *bytes, size_t len)
{
    if ((len >= 4 && memcmp(bytes, "\0asm", 4) == 0) || weft_is_artifact(bytes, len))
        return true;
    size_t n = strlen(file), i = 0;
    bool wat_name = (n > 4 && strcmp(file + n - 4, ".wat") == 0) ||
                    (n > 5 && strcmp(file + n - 5, ".wast") == 0);
    while (i < len && strchr(" \t\r\n", bytes[i]))
        i++;
    bool wat_text = i < len && (bytes[i] == '(' || (bytes[i] == ';' && i + 1 < len &&
                                                     bytes[i + 1] == ';'));
    if (wat_name || wat_text)
        fprintf(stderr, "weft: %s: the WebAssembly text format is not supported; convert it "
                        "to a binary module with wat2wasm\n", file);
    else
        fprintf(stderr, "weft: %s: not a WebAssembly module (it does not start with \\0asm)\n",
                file);
    return false;
}

/* Everything a run holds, released in one place whatever path the run ends on. */
typedef struct cli_run {
    const char *file;
    uint8_t *bytes;
    weft_engine *engine;
    weft_module *module;
    weft_store *store;
    weft_linker *linker;
    weft_wasi *wasi;
    weft_threads *threads; /* wasi-threads programs only */
    weft_instance *inst;
    const char **argv; /* the guest's argv: FILE then ARGS */
    const char **env;  /* the guest's environment */
    cli_stop stop;     /* --fuel, --timeout */
} cli_run;

static void cli_run_free(cli_run *r)
{
    cli_stop_end(&r->stop);
    if (r->linker)
        weft_linker_free(r->linker);
    if (r->store)
        weft_store_free(r->store);
    if (r->threads)
        weft_threads_free(r->threads);
    if (r->wasi)
        weft_wasi_free(r->wasi);
    if (r->module)
        weft_module_free(r->module);
    if (r->engine)
        weft_engine_free(r->engine);
    free(r->bytes);
    free(r->argv);
    free(r->env);
}

/* The frames of a trap under `wasm backtrace:`, innermost first, as wasmtime prints them:
 * `  N: 0xOFFSET - MODULE!FUNCTION` and, with DWARF line tables, `at FILE:LINE:COLUMN`. A
 * deep recursion prints its first and last frames only. */
static void cli_print_frame(size_t i, const weft_frame *f)
{
    fprintf(stderr, "  %4zu: ", i);
    if (f->module_offset != (size_t)-1)
        fprintf(stderr, "%#8zx - ", f->module_offset);
    else
        fprintf(stderr, "%8s - ", "?");
    if (f->module_name)
        fprintf(stderr, "%s!", f->module_name);
    if (f->func_name)
        fprintf(stderr, "%s\n", f->func_name);
    else
        fprintf(stderr, "<wasm function %" PRIu32 ">\n", f->func_index);
    if (f->file && f->line && f->column)
        fprintf(stderr, "                    at %s:%" PRIu32 ":%" PRIu32 "\n", f->file, f->line,
                f->column);
    else if (f->file && f->line)
        fprintf(stderr, "                    at %s:%" PRIu32 "\n", f->file, f->line);
}

#define CLI_FRAMES_HEAD 40 /* frames shown from each end of a longer backtrace */

static void cli_print_backtrace(const weft_error *e)
{
    size_t n = weft_error_frame_count(e);
    if (!n)
        return;
    fprintf(stderr, "wasm backtrace:\n");
    for (size_t i = 0; i < n; i++) {
        weft_frame f;
        if (n > 2 * CLI_FRAMES_HEAD && i == CLI_FRAMES_HEAD) {
            fprintf(stderr, "        ... %zu frames not shown ...\n", n - 2 * CLI_FRAMES_HEAD);
            i = n - CLI_FRAMES_HEAD;
        }
        if (weft_error_frame(e, i, &f))
            cli_print_frame(i, &f);
    }
}

/* `trap: REASON (in function NAME_OR_INDEX at offset 0xOFF)` on stderr, then the backtrace. */
static void cli_print_trap(const weft_error *e)
{
    uint32_t index;
    const char *name = NULL;
    size_t off = weft_error_offset(e);
    bool has_func = weft_error_func(e, &index, &name);
    fprintf(stderr, "trap: %s", weft_error_message(e));
    if (has_func && name)
        fprintf(stderr, " (in function %s", name);
    else if (has_func)
        fprintf(stderr, " (in function %" PRIu32, index);
    if (off != (size_t)-1)
        fprintf(stderr, "%sat offset 0x%zx", has_func ? " " : " (", off);
    if (has_func || off != (size_t)-1)
        fputc(')', stderr);
    fputc('\n', stderr);
    cli_print_backtrace(e);
}

/* A load, link or validation error as one line: the file, the reason (which carries the byte
 * offset) and, for an error inside code, the function it is in. */
static void cli_print_error(const char *file, const weft_error *e)
{
    uint32_t index;
    const char *name = NULL;
    fprintf(stderr, "weft: %s: %s", file, weft_error_message(e));
    if (weft_error_func(e, &index, &name)) {
        if (name)
            fprintf(stderr, " (in function %" PRIu32 " %s)", index, name);
        else
            fprintf(stderr, " (in function %" PRIu32 ")", index);
    }
    fputc('\n', stderr);
}

/* Turns an error into what the user sees and the exit status; frees it. */
static int cli_report(const cli_run *r, weft_error *e)
{
    int status;
    switch (weft_error_kind_of(e)) {
    case WEFT_ERR_TRAP:
        fflush(stdout);
        cli_print_trap(e);
        status = CLI_EXIT_TRAP;
        break;
    case WEFT_ERR_EXIT:
        status = weft_error_exit_code(e);
        if (status < 0 || status > CLI_EXIT_MAX_GUEST) {
            /* 126 and up mean "cannot run" and "killed by a signal" to a shell, and an exit
             * status keeps 8 bits: refused, as wasmtime refuses them */
            fflush(stdout);
            fprintf(stderr, "weft: %s: exit with invalid exit status %d, outside of [0..%d]\n",
                    r->file, status, CLI_EXIT_MAX_GUEST);
            status = CLI_EXIT_FAIL;
        }
        break;
    default:
        cli_print_error(r->file, e);
        status = CLI_EXIT_FAIL;
    }
    weft_error_free(e);
    return status;
}

/* Whether "KEY=..." sets a variable named in one of the n strings of list. */
static bool cli_env_has(const char *const *list, int n, const char *kv)
{
    size_t kl = strcspn(kv, "=");
    for (int i = 0; i < n; i++)
        if (strncmp(list[i], kv, kl) == 0 && list[i][kl] == '=')
            return true;
    return false;
}

/* The guest's environment: with --inherit-env, weft's own variables except those --env
 * sets, then the --env ones. A new array (free it), NULL when empty or out of memory. */
static const char **cli_guest_env(const cli_run_opts *o, int *count)
{
    int n = 0, host = 0;
    if (o->inherit_env)
        while (environ && environ[host])
            host++;
    *count = host + o->envc;
    const char **env = *count ? calloc((size_t)*count, sizeof *env) : NULL;
    if (!env)
        return NULL;
    for (int i = 0; i < host; i++)
        if (strchr(environ[i], '=') && !cli_env_has(o->env, o->envc, environ[i]))
            env[n++] = environ[i];
    for (int i = 0; i < o->envc; i++)
        env[n++] = o->env[i];
    *count = n;
    return env;
}

/* A wasi-threads program spawns threads, or at least shares its imported memory with
 * them: either way the host creates that memory and the threads machinery runs it. */
static bool cli_wants_threads(const weft_module *m)
{
    if (weft_module_uses_threads(m))
        return true;
    for (uint32_t i = 0; i < weft_module_import_count(m); i++) {
        weft_import_desc d;
        weft_module_import(m, i, &d);
        if (d.kind == WEFT_EXTERN_MEMORY && d.shared)
            return true;
    }
    return false;
}

/* Reads, decodes and instantiates FILE with WASI (and wasi-threads) defined. Returns -1 when ready, or the
 * exit status after reporting the failure. */
static int cli_run_setup(cli_run *r, const cli_run_opts *o, int nargs, char **args)
{
    char why[256];
    size_t len;
    r->bytes = cli_read_file(r->file, &len, why, sizeof why);
    if (!r->bytes) {
        fprintf(stderr, "weft: %s: %s\n", r->file, why);
        return CLI_EXIT_FAIL;
    }
    if (!cli_is_binary(r->file, r->bytes, len))
        return CLI_EXIT_FAIL;
    r->argv = calloc((size_t)nargs + 2, sizeof *r->argv);
    r->engine = r->argv ? weft_engine_new(&o->cfg) : NULL;
    if (!r->engine) {
        fprintf(stderr, "weft: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    weft_error *e = weft_module_new(r->engine, r->bytes, len, &r->module);
    if (e)
        return cli_report(r, e);
    r->argv[0] = r->file;
    for (int i = 0; i < nargs; i++)
        r->argv[i + 1] = args[i];
    weft_wasi_config wc;
    memset(&wc, 0, sizeof wc);
    wc.argc = nargs + 1;
    wc.argv = r->argv;
    r->env = cli_guest_env(o, &wc.envc);
    wc.envp = r->env;
    wc.npreopens = o->ndirs;
    wc.preopens = o->dirs;
    r->store = weft_store_new(r->engine);
    r->linker = r->store ? weft_linker_new(r->store) : NULL;
    if (!r->store || !r->linker || (!r->env && wc.envc)) {
        fprintf(stderr, "weft: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    const char *why_stop = cli_stop_begin(&r->stop, r->store, o->cfg.consume_fuel, o->fuel,
                                          o->timeout_ns);
    if (why_stop) {
        fprintf(stderr, "weft: %s\n", why_stop);
        return CLI_EXIT_FAIL;
    }
    e = weft_wasi_create(&wc, &r->wasi);
    if (e) {
        fprintf(stderr, "weft: %s\n", weft_error_message(e));
        weft_error_free(e);
        return CLI_EXIT_FAIL;
    }
    e = weft_wasi_define(r->wasi, r->linker);
    if (!e && cli_wants_threads(r->module)) {
        e = weft_threads_new(r->engine, r->module, r->wasi, o->cfg.max_threads, &r->threads);
        if (!e)
            e = weft_threads_define(r->threads, r->linker);
    }
    if (!e)
        e = weft_linker_instantiate(r->linker, r->module, &r->inst);
    return e ? cli_report(r, e) : -1;
}

/* --invoke: call one export with the remaining arguments, print one result per line. */
static int cli_invoke(cli_run *r, const char *name, int nargs, char **args)
{
    weft_func *f = weft_instance_func(r->inst, name);
    if (!f) {
        fprintf(stderr, "weft: %s: no exported function \"%s\"\n", r->file, name);
        return CLI_EXIT_FAIL;
    }
    /* A reactor initialises itself before its exports are used. */
    weft_func *init = weft_instance_func(r->inst, "_initialize");
    if (init && f != init) {
        weft_error *e = weft_call(r->store, init, NULL, 0, NULL, 0);
        if (e)
            return cli_report(r, e);
    }
    const weft_functype *t = weft_func_type(f);
    uint32_t np = weft_functype_nparams(t), nr = weft_functype_nresults(t);
    if ((uint32_t)nargs != np) {
        fprintf(stderr, "weft: %s takes %" PRIu32 " argument%s, %d given\n", name, np,
                np == 1 ? "" : "s", nargs);
        return CLI_EXIT_USAGE;
    }
    weft_val *vals = calloc((size_t)np + nr + 1, sizeof *vals);
    if (!vals) {
        fprintf(stderr, "weft: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    for (uint32_t i = 0; i < np; i++) {
        uint8_t ty = weft_functype_param(t, i);
        if (!cli_parse_arg(args[i], ty, &vals[i])) {
            fprintf(stderr, "weft: argument %" PRIu32 " of %s: \"%s\" is not a valid %s\n",
                    i + 1, name, args[i], ty == WEFT_V128 ? "v128 (SHAPE:lane,...)" :
                    ty == WEFT_I32 ? "i32" : ty == WEFT_I64 ? "i64" : ty == WEFT_F32 ? "f32" :
                    ty == WEFT_F64 ? "f64" : "reference");
            free(vals);
            return CLI_EXIT_USAGE;
        }
    }
    weft_error *e = weft_call(r->store, f, vals, np, vals + np, nr);
    if (!e)
        for (uint32_t i = 0; i < nr; i++)
            cli_print_val(vals[np + i]);
    free(vals);
    return e ? cli_report(r, e) : CLI_EXIT_OK;
}

static int cli_cmd_run(int argc, char **argv)
{
    cli_run_opts o;
    memset(&o, 0, sizeof o);
    int at = cli_parse_run_options(argc, argv, &o);
    if (at <= 0) {
        cli_run_opts_free(&o);
        if (at < 0)
            fprintf(stderr, "usage: weft run [OPTIONS] FILE.wasm [ARGS...]"
                            " (`weft run --help` lists the options)\n");
        return at < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    cli_run r;
    memset(&r, 0, sizeof r);
    r.file = argv[at];
    int nargs = argc - at - 1;
    char **args = argv + at + 1;
    int status = cli_run_setup(&r, &o, nargs, args);
    if (status < 0 && o.invoke) {
        status = cli_invoke(&r, o.invoke, nargs, args);
    } else if (status < 0) {
        weft_error *e = r.threads ? weft_threads_run(r.threads, r.store, r.inst)
                                  : weft_wasi_run(r.wasi, r.store, r.inst);
        status = e ? cli_report(&r, e) : CLI_EXIT_OK;
    }
    fflush(stdout);
    cli_run_free(&r);
    cli_run_opts_free(&o);
    return status;
}

/* ------------------------------------------------------------------------------------------ */
/* weft validate, features, help                                                              */

static int cli_cmd_validate(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: weft validate FILE.wasm\n  Decodes and validates a module.\n");
        return CLI_EXIT_OK;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: weft validate FILE.wasm\n");
        return CLI_EXIT_USAGE;
    }
    const char *file = argv[1];
    char why[256];
    size_t len;
    uint8_t *bytes = cli_read_file(file, &len, why, sizeof why);
    if (!bytes) {
        fprintf(stderr, "weft: %s: %s\n", file, why);
        return CLI_EXIT_FAIL;
    }
    if (!cli_is_binary(file, bytes, len)) {
        free(bytes);
        return CLI_EXIT_FAIL;
    }
    weft_engine *engine = weft_engine_new(NULL);
    if (!engine) {
        free(bytes);
        fprintf(stderr, "weft: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    weft_error *e = weft_module_validate(engine, bytes, len);
    int status = CLI_EXIT_OK;
    if (e) {
        cli_print_error(file, e);
        weft_error_free(e);
        status = CLI_EXIT_FAIL;
    } else {
        printf("%s: valid\n", file);
    }
    weft_engine_free(engine);
    free(bytes);
    return status;
}

/* ------------------------------------------------------------------------------------------ */
/* weft compile, weft cache                                                                   */

#define CLI_COMPILE_USAGE "usage: weft compile [-o FILE.cwasm] [--opt-level N] [-j N] FILE.wasm\n"

static void cli_compile_usage(FILE *f)
{
    fprintf(f, CLI_COMPILE_USAGE
               "  Translates FILE.wasm to C, builds it with the system C compiler ($CC, else cc)\n"
               "  and writes an artifact (default: FILE.cwasm) that `weft run` runs as native\n"
               "  code, without a compiler. An artifact is native code: run only artifacts you\n"
               "  made or trust as you trust a program binary.\n"
               "  -o FILE          where to write the artifact\n"
               "  --opt-level N    the C compiler's optimisation level, 0-3 (default 2)\n"
               "  -j, --jobs N     compiler processes at a time (default: one per CPU)\n");
}

/* The artifact's default name: FILE.wasm -> FILE.cwasm, else FILE.cwasm appended. */
static char *cli_artifact_name(const char *file)
{
    size_t n = strlen(file);
    bool ext = n > 5 && strcmp(file + n - 5, ".wasm") == 0;
    char *out = malloc(n + 7);
    if (out)
        snprintf(out, n + 7, "%.*s.cwasm", (int)(ext ? n - 5 : n), file);
    return out;
}

static int cli_write_file(const char *path, const uint8_t *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "weft: %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static int cli_cmd_compile(int argc, char **argv)
{
    cli_run_opts o;
    const char *file = NULL, *out = NULL;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *bad = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_compile_usage(stdout);
            return CLI_EXIT_OK;
        }
        bool takes = strcmp(a, "-o") == 0 || strcmp(a, "--opt-level") == 0 ||
                     strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0;
        if (takes && i + 1 >= argc) {
            fprintf(stderr, "weft compile: %s needs a value\n" CLI_COMPILE_USAGE, a);
            return CLI_EXIT_USAGE;
        }
        if (strcmp(a, "-o") == 0)
            out = argv[++i];
        else if (strcmp(a, "--opt-level") == 0)
            bad = cli_set_opt_level(&o, argv[++i]);
        else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0)
            bad = cli_set_jobs(&o, argv[++i]);
        else if (strncmp(a, "-j", 2) == 0 && a[2] >= '0' && a[2] <= '9') /* -j2, as make */
            bad = cli_set_jobs(&o, a + 2);
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "weft compile: unknown option %s\n" CLI_COMPILE_USAGE, a);
            return CLI_EXIT_USAGE;
        } else if (!file)
            file = a;
        else {
            fprintf(stderr, CLI_COMPILE_USAGE);
            return CLI_EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "weft compile: %s %s: %s\n", a, argv[i], bad);
            return CLI_EXIT_USAGE;
        }
    }
    if (!file) {
        fprintf(stderr, CLI_COMPILE_USAGE);
        return CLI_EXIT_USAGE;
    }
    char why[256];
    size_t len, alen = 0;
    uint8_t *bytes = cli_read_file(file, &len, why, sizeof why), *art = NULL;
    if (!bytes) {
        fprintf(stderr, "weft: %s: %s\n", file, why);
        return CLI_EXIT_FAIL;
    }
    if (!cli_is_binary(file, bytes, len)) {
        free(bytes);
        return CLI_EXIT_FAIL;
    }
    char *dflt = out ? NULL : cli_artifact_name(file);
    weft_engine *engine = weft_engine_new(&o.cfg);
    weft_error *e = engine ? weft_module_compile(engine, bytes, len, &art, &alen) : NULL;
    int status = CLI_EXIT_OK;
    if (!engine || (!out && !dflt)) {
        fprintf(stderr, "weft: out of memory\n");
        status = CLI_EXIT_FAIL;
    } else if (e) {
        cli_print_error(file, e);
        weft_error_free(e);
        status = CLI_EXIT_FAIL;
    } else {
        status = cli_write_file(out ? out : dflt, art, alen);
    }
    weft_bytes_free(art);
    weft_engine_free(engine);
    free(dflt);
    free(bytes);
    return status;
}

static int cli_cmd_cache(int argc, char **argv)
{
    const char *dir = NULL;
    int i = 1;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: weft cache clean [--cache-dir DIR]\n"
               "  Removes the compiled tier's cached artifacts (from DIR, else\n"
               "  $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else ~/.cache/weft).\n");
        return CLI_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[i++], "clean") != 0 ||
        (argc > 2 && (argc != 4 || strcmp(argv[2], "--cache-dir") != 0))) {
        fprintf(stderr, "usage: weft cache clean [--cache-dir DIR]\n");
        return CLI_EXIT_USAGE;
    }
    if (argc == 4)
        dir = argv[3];
    char path[4096];
    size_t files = 0;
    uint64_t bytes = 0;
    weft_error *e = weft_cache_dir(dir, path, sizeof path);
    if (!e)
        e = weft_cache_clean(path, &files, &bytes);
    if (e) {
        fprintf(stderr, "weft: %s\n", weft_error_message(e));
        weft_error_free(e);
        return CLI_EXIT_FAIL;
    }
    printf("%s: removed %zu artifacts (%" PRIu64 " bytes)\n", path, files, bytes);
    return CLI_EXIT_OK;
}

/* One line per feature weft knows: "yes" or "no". `--list` prints the supported ones on one
 * line, as weft_features() gives them. */
static int cli_cmd_features(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        printf("%s\n", weft_features());
        return CLI_EXIT_OK;
    }
    const char *p = weft_known_features();
    while (*p) {
        size_t n = strcspn(p, " ");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        printf("%-26s %s\n", name, weft_has_feature(name) ? "yes" : "no");
        p += n;
        p += *p == ' ';
    }
    return CLI_EXIT_OK;
}

static void cli_usage(FILE *f)
{
    fprintf(f,
            "usage: weft COMMAND [ARGS...]\n"
            "commands:\n"
            "  run [OPTIONS] FILE.wasm [ARGS...]  run a WASI command, or one export (--invoke)\n"
            "  [OPTIONS] FILE.wasm [ARGS...]      the same as run (options of run, then FILE)\n"
            "  validate FILE.wasm                 decode and validate a module\n"
            "  compile [-o OUT] FILE.wasm         compile to native code (an artifact, .cwasm)\n"
            "  cache clean                        empty the compiled tier's cache\n"
            "  wast [--counts] SCRIPT.json        run a spec test script (wast2json output)\n"
            "  features                           list what this build supports\n"
            "  help [COMMAND]                     show this help, or a command's\n"
            "  --version                          print the version\n"
            "`weft COMMAND --help` lists a command's options.\n"
            "options of run:\n");
    cli_run_options_help(f);
}

static int cli_cmd_help(int argc, char **argv);

static const struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
} cli_commands[] = {
    {"run", cli_cmd_run},
    {"validate", cli_cmd_validate},
    {"compile", cli_cmd_compile},
    {"cache", cli_cmd_cache},
    {"wast", cli_wast_main},
    {"features", cli_cmd_features},
    {"help", cli_cmd_help},
};

static const struct cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

static int cli_cmd_help(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "help") != 0) {
        const struct cli_command *c = cli_find_command(argv[1]);
        if (c) {
            static char help_opt[] = "--help";
            char *help_argv[] = {argv[1], help_opt, NULL};
            return c->run(2, help_argv);
        }
        fprintf(stderr, "weft: unknown command %s\n", argv[1]);
        fprintf(stderr, "usage: weft help [COMMAND]\n");
        return CLI_EXIT_USAGE;
    }
    cli_usage(stdout);
    return CLI_EXIT_OK;
}

/* `weft FILE.wasm ARGS...` (or options first, or `--`) is short for `weft run ...`: the first
 * word is an option, is named like a module or has a path (a missing one is then reported
 * as missing), or is a file that exists. */
static bool cli_is_run_short_form(const char *word)
{
    size_t n = strlen(word);
    if (word[0] == '-')
        return true;
    bool named = (n > 5 && strcmp(word + n - 5, ".wasm") == 0) ||
                 (n > 6 && strcmp(word + n - 6, ".cwasm") == 0) ||
                 (n > 4 && strcmp(word + n - 4, ".wat") == 0) || strchr(word, '/');
    return named || access(word, F_OK) == 0;
}

static void cli_short_usage(void)
{
    fprintf(stderr, "usage: weft COMMAND [ARGS...] (`weft help` lists the commands)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_short_usage();
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 ||
        strcmp(cmd, "version") == 0) {
        printf("weft %s\n", WEFT_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cli_cmd_help(1, argv + 1);
    const struct cli_command *c = cli_find_command(cmd);
    if (!c && cli_is_run_short_form(cmd))
        return cli_cmd_run(argc, argv); /* `weft [OPTIONS] FILE ARGS...`: argv[0] as "run" */
    if (!c) {
        fprintf(stderr, "weft: unknown command %s\n", cmd);
        cli_short_usage();
        return CLI_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
