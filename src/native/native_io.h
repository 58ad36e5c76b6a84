/*
 * native_io.h - the compiled tier's input and output: the system C compiler (find it, build
 * C text into a shared object), the artifact container (.cwasm), loading a shared object held
 * in memory, and the on-disk cache of artifacts. Nothing here knows about wasm semantics; the
 * translator (module -> C) and the runtime integration sit above this layer.
 *
 * Every function that can fail returns a weft_error * (NULL on success) with a one-line
 * message; nothing prints, nothing aborts, nothing keeps global state.
 */
#ifndef WEFT_NATIVE_IO_H
#define WEFT_NATIVE_IO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* The ABI between generated code and the runtime. The lead bumps it when that ABI changes;
 * artifacts of another ABI are refused. */
#define NAT_ABI_VERSION 2

/* ------------------------------------------------------------------------------------------ */
/* The system C compiler (nat_cc.c). */
typedef struct nat_cc {
    char path[4096];    /* resolved executable: the first word of $CC (a name looked up on PATH,
                           or a path), else `cc` on PATH */
    char *extra[8];     /* the further words of $CC, passed first in every argv (owned) */
    int nextra;
    const atomic_bool *cancel; /* optional: once set, running compilers are killed and the
                                  build fails (a background compile being abandoned) */
    char ident[512];    /* identity for cache keys and artifacts: the first line of
                           `CC --version`, the extra words, and the realpath, size and mtime of
                           the executable */
} nat_cc;

/* Finds the compiler and runs `CC --version` once. Error when none works. */
weft_error *nat_cc_find(nat_cc *cc);
void nat_cc_free(nat_cc *cc);

/* Compiles n translation units (C text in memory; unit i is named "unit i" in messages) with
 * cflags (a NULL-terminated argv fragment such as {"-O2", "-fPIC", NULL}), `jobs` compilers at
 * a time (<= 0: the number of online CPUs), then links them with `-shared`. *so receives the
 * shared object's bytes (malloc'd). The compiler runs through posix_spawn with an argument
 * vector (never a shell) in a private directory (mkdtemp under $TMPDIR or /tmp) that is
 * removed afterwards whatever happens. A failing compile names the unit and carries the first
 * lines of the compiler's stderr. */
weft_error *nat_cc_build(const nat_cc *cc, const char *const *units, const size_t *lens, size_t n,
                         const char *const *cflags, int jobs, uint8_t **so, size_t *so_len);
/* The same, but for debugging: when kept_dir is non-NULL the directory (the units as uN.c,
 * their objects, uN.err with each compiler's stderr, out.so) is left in place, its path is
 * copied into kept_dir (kept_n bytes) and named in the error message if any. */
weft_error *nat_cc_build_keep(const nat_cc *cc, const char *const *units, const size_t *lens,
                              size_t n, const char *const *cflags, int jobs, char *kept_dir,
                              size_t kept_n, uint8_t **so, size_t *so_len);

/* ------------------------------------------------------------------------------------------ */
/* The artifact container (nat_artifact.c). */

/* What ties an artifact to what made it and to the module it came from. */
typedef struct nat_meta {
    char weft_version[32];  /* WEFT_VERSION */
    uint32_t abi;           /* NAT_ABI_VERSION */
    char arch[32];          /* uname machine, e.g. x86_64 */
    char cpu[128];          /* nat_cpu_id(): what the code may assume about the CPU */
    char cc_ident[512];     /* nat_cc.ident of the compiler that built it */
    char flags[512];        /* the compiler flags, space separated */
    uint8_t wasm_sha256[32];
} nat_meta;

/* Fills m for this weft, this machine, compiler cc (may be NULL: no identity) and flags. */
void nat_meta_init(nat_meta *m, const nat_cc *cc, const char *flags, const uint8_t *wasm,
                   size_t wasm_len);
/* Whether m was made by compiler cc (the cache's concern, not the loader's). */
bool nat_meta_same_cc(const nat_meta *m, const nat_cc *cc);
/* What the code may assume about this machine's CPU: with the default flags (no -march) the
 * architecture alone. Returns buf. */
const char *nat_cpu_id(char *buf, size_t n);
/* The -march flag compiled code is built with on this machine ("-march=x86-64-v2",
 * "-march=native"), or NULL when the CPU's features are unknown (then the architecture's
 * baseline). A static string. */
const char *nat_cpu_march(void);
/* This machine's architecture (uname machine). Returns buf. */
const char *nat_arch(char *buf, size_t n);

/* Whether bytes start with the artifact magic (nothing else is checked). */
bool nat_is_artifact(const uint8_t *bytes, size_t len);
weft_error *nat_artifact_pack(const nat_meta *m, const uint8_t *wasm, size_t wasm_len,
                              const uint8_t *so, size_t so_len, uint8_t **out, size_t *out_len);
/* Checks magic, length, checksum, weft version, ABI, arch and cpu (not the compiler); on
 * success *wasm and *so point into bytes. `what` names the file in messages. */
weft_error *nat_artifact_unpack(const uint8_t *bytes, size_t len, const char *what, nat_meta *m,
                                const uint8_t **wasm, size_t *wasm_len,
                                const uint8_t **so, size_t *so_len);

/* ------------------------------------------------------------------------------------------ */
/* Shared objects held in memory (nat_so.c). The handle is weft's own, not dlopen's. */

/* Loads through memfd_create and /proc/self/fd (a private temp file, unlinked at once, where
 * those are missing), RTLD_NOW | RTLD_LOCAL. The error carries dlerror(). */
weft_error *nat_so_open(const uint8_t *so, size_t len, void **handle);
/* The temp-file way alone (what nat_so_open falls back to; exposed for tests). */
weft_error *nat_so_open_tmpfile(const uint8_t *so, size_t len, void **handle);
void nat_so_close(void *handle);
void *nat_so_sym(void *handle, const char *name);

/* ------------------------------------------------------------------------------------------ */
/* The cache: a directory of artifacts named KEY.cwasm (nat_cache.c). */

/* override (--cache-dir) if non-NULL, else $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else
 * $HOME/.cache/weft; error if none can be formed or it does not fit in n bytes. */
weft_error *nat_cache_dir(const char *override, char *out, size_t n);
/* Hex SHA-256 over the wasm's hash, weft version, ABI, compiler identity, flags, arch, cpu. */
void nat_cache_key(const nat_meta *m, char out[65]);
/* *bytes = NULL (and no error) when absent. */
weft_error *nat_cache_get(const char *dir, const char *key, uint8_t **bytes, size_t *len);
/* Creates dir (mode 0700) if needed and stores atomically (temp file + rename): safe when
 * several processes store the same key at once; readers never see a partial file. */
weft_error *nat_cache_put(const char *dir, const char *key, const uint8_t *bytes, size_t len);
/* Removes the cache's own files (KEY.cwasm, and its temp files older than ten minutes) and
 * counts them and their bytes; other files are left alone. A missing dir is an empty one. */
weft_error *nat_cache_clean(const char *dir, size_t *files, uint64_t *bytes);

/* ------------------------------------------------------------------------------------------ */
/* Files (nat_file.c). */

/* Reads a whole file; *out is malloc'd with a NUL after the last byte. */
weft_error *nat_read_file(const char *path, uint8_t **out, size_t *len);
/* The same from an open descriptor; `what` names it in messages. */
weft_error *nat_read_fd(int fd, const char *what, uint8_t **out, size_t *len);
/* Writes all len bytes to fd (retrying short writes); false with errno set on failure. */
bool nat_write_fd(int fd, const uint8_t *p, size_t len);
/* Writes atomically: a new file beside path (PATH.tmp.RANDOM, mode 0666 less the umask),
 * then rename(2) over path. */
weft_error *nat_write_file(const char *path, const uint8_t *bytes, size_t len);
/* mkdir -p with the given mode for the directories it creates. */
weft_error *nat_mkdir_p(const char *path, unsigned mode);

#endif
