/*
 * nat_cache.c - the on-disk cache of artifacts: a directory of KEY.cwasm files, KEY the hex
 * SHA-256 of everything that decides the compiled code. Stores are a temp file renamed into
 * place, so concurrent stores of one key are harmless and a reader sees a whole file or none.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "native/native_io.h"

#define CACHE_EXT ".cwasm"
#define CACHE_TMP_AGE 600 /* seconds after which a temp file is a leftover, not a store */

weft_error *nat_cache_dir(const char *override, char *out, size_t n)
{
    const char *env = getenv("WEFT_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    int len;
    if (override && *override)
        len = snprintf(out, n, "%s", override);
    else if (env && *env)
        len = snprintf(out, n, "%s", env);
    else if (xdg && xdg[0] == '/') /* the XDG spec ignores relative paths */
        len = snprintf(out, n, "%s/weft", xdg);
    else if (home && *home)
        len = snprintf(out, n, "%s/.cache/weft", home);
    else
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "no cache directory: set WEFT_CACHE_DIR or HOME, or pass --cache-dir");
    if (len < 0 || (size_t)len >= n)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "cache directory path too long: %.150s...",
                       out);
    return NULL;
}

/* A string and its NUL, so that no two field sequences hash alike. */
static void key_str(sha256_ctx *c, const char *s)
{
    sha256_update(c, s, strlen(s) + 1);
}

void nat_cache_key(const nat_meta *m, char out[65])
{
    sha256_ctx c;
    uint8_t abi[4] = {(uint8_t)m->abi, (uint8_t)(m->abi >> 8), (uint8_t)(m->abi >> 16),
                      (uint8_t)(m->abi >> 24)};
    uint8_t h[32];
    sha256_init(&c);
    key_str(&c, "weft cache key 1");
    sha256_update(&c, m->wasm_sha256, sizeof m->wasm_sha256);
    key_str(&c, m->weft_version);
    sha256_update(&c, abi, sizeof abi);
    key_str(&c, m->cc_ident);
    key_str(&c, m->flags);
    key_str(&c, m->arch);
    key_str(&c, m->cpu);
    sha256_final(&c, h);
    hex_encode(h, sizeof h, out);
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* DIR/KEY.cwasm; the key must be 64 hex digits (it becomes a file name). */
static weft_error *cache_path(const char *dir, const char *key, char *out, size_t n)
{
    if (strlen(key) != 64 || !is_hex(key, 64))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "bad cache key '%.80s' (64 hex digits)",
                       key);
    if ((size_t)snprintf(out, n, "%s/%s" CACHE_EXT, dir, key) >= n)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "cache directory path too long: %.150s",
                       dir);
    return NULL;
}

weft_error *nat_cache_get(const char *dir, const char *key, uint8_t **bytes, size_t *len)
{
    char path[4200];
    *bytes = NULL;
    *len = 0;
    weft_error *e = cache_path(dir, key, path, sizeof path);
    if (e)
        return e;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR
                   ? NULL
                   : err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot read %.150s: %s", path,
                             strerror(errno));
    e = nat_read_fd(fd, path, bytes, len);
    close(fd);
    return e;
}

weft_error *nat_cache_put(const char *dir, const char *key, const uint8_t *bytes, size_t len)
{
    char path[4200];
    weft_error *e = cache_path(dir, key, path, sizeof path);
    if (!e)
        e = nat_mkdir_p(dir, 0700);
    if (!e)
        e = nat_write_file(path, bytes, len);
    return e;
}

/* 0: not ours; 1: an artifact (KEY.cwasm); 2: a store's temp file (KEY.cwasm.tmp.<16 hex>). */
static int cache_file_kind(const char *name)
{
    size_t n = strlen(name), ext = strlen(CACHE_EXT);
    if (n < 64 + ext || !is_hex(name, 64) || memcmp(name + 64, CACHE_EXT, ext) != 0)
        return 0;
    if (n == 64 + ext)
        return 1;
    const char *rest = name + 64 + ext;
    return strncmp(rest, ".tmp.", 5) == 0 && strlen(rest + 5) == 16 && is_hex(rest + 5, 16) ? 2
                                                                                           : 0;
}

weft_error *nat_cache_clean(const char *dir, size_t *files, uint64_t *bytes)
{
    *files = 0;
    *bytes = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? NULL
                               : err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                                         "cannot list %.150s: %s", dir, strerror(errno));
    weft_error *e = NULL;
    char path[4400];
    time_t now = time(NULL);
    for (struct dirent *ent; !e && (ent = readdir(d));) {
        int kind = cache_file_kind(ent->d_name);
        struct stat st;
        if (!kind || (size_t)snprintf(path, sizeof path, "%s/%s", dir, ent->d_name) >= sizeof path
            || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (kind == 2 && now - st.st_mtime < CACHE_TMP_AGE)
            continue; /* perhaps a store under way */
        if (unlink(path) == 0)
            (*files)++, *bytes += (uint64_t)st.st_size;
        else if (errno != ENOENT) /* ENOENT: another clean was first */
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot remove %.150s: %s", path,
                        strerror(errno));
    }
    closedir(d);
    return e;
}
