/*
 * wasi_path.c - the sandbox: resolving a guest path beneath a directory descriptor.
 *
 * The guest names files by (directory descriptor, relative path). Whatever the path says,
 * the result must lie beneath that directory. The kernel is never given more than one
 * name to walk: we split the path into components and open each directory ourselves with
 * openat(dir, component, O_PATH | O_NOFOLLOW), keeping every directory of the walk open on
 * a stack. So:
 *
 *   - an absolute path (leading '/') is refused: ENOTCAPABLE;
 *   - ".." pops our stack and never asks the kernel for "..": at the stack's bottom (the
 *     base directory) it is refused with ENOTCAPABLE, and since the stack holds open
 *     descriptors, renaming directories under us cannot move the walk outside;
 *   - a symbolic link met along the way (or as the last component, when following) is
 *     read with readlinkat on the very inode we opened, and its target is spliced in
 *     front of the rest of the path and walked by the same rules from the link's own
 *     directory: an absolute target is refused with ENOTCAPABLE, a target climbing out
 *     with ".." too, and more than WASI_SYMLINK_MAX links in one resolution is ELOOP;
 *   - the final component is handed back as a name in its directory, and every caller
 *     uses it with a call that does not follow a link there (O_NOFOLLOW,
 *     AT_SYMLINK_NOFOLLOW, or calls like unlinkat that never follow), so swapping the
 *     final component for a link between our check and the use cannot escape either.
 *
 * ENOTCAPABLE (76) is what the guest sees for every escape, as wasmtime answers; the
 * guest's libc reports it as ENOTCAPABLE. Linux's openat2(RESOLVE_BENEATH) could do the
 * walk in the kernel, but it differs in how it treats ".." through links and is not on
 * every kernel; one walk for every kernel is simpler to reason about.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* The walk's state: the stack of open directories (dirs[0] is the base, not ours) and the
 * path still to walk, which symlink expansion rewrites. */
typedef struct wasi_walk {
    int *dirs;
    size_t n, cap;
    char *rest;        /* owned, NUL-terminated */
    unsigned links;    /* symbolic links expanded so far */
} wasi_walk;

static int wasi_walk_top(const wasi_walk *k)
{
    return k->dirs[k->n - 1];
}

/* Push fd on the stack (on failure the caller still owns it). A path of WASI_PATH_MAX
 * bytes has fewer components than that, so a deeper stack means links led us on. */
static int32_t wasi_walk_push(wasi_walk *k, int fd)
{
    if (k->n == k->cap) {
        if (k->cap >= WASI_PATH_MAX)
            return WASI_ENAMETOOLONG;
        if (!xgrow((void **)&k->dirs, &k->cap, k->n + 1, sizeof *k->dirs))
            return WASI_ENOMEM;
    }
    k->dirs[k->n++] = fd;
    return WASI_ESUCCESS;
}

static void wasi_walk_free(wasi_walk *k)
{
    for (size_t i = 1; i < k->n; i++)
        close(k->dirs[i]);
    free(k->dirs);
    free(k->rest);
}

/* Replace the walk's rest with `target` + "/" + `after` (after may be empty; `slash`
 * keeps a trailing '/' the path had). */
static int32_t wasi_walk_splice(wasi_walk *k, const char *target, const char *after,
                                bool slash)
{
    size_t tl = strlen(target), al = strlen(after);
    if (tl + al + 2 > WASI_PATH_MAX * 2)
        return WASI_ENAMETOOLONG;
    char *s = malloc(tl + al + 3);
    if (!s)
        return WASI_ENOMEM;
    memcpy(s, target, tl);
    size_t n = tl;
    if (al || slash)
        s[n++] = '/';
    memcpy(s + n, after, al);
    s[n + al] = '\0';
    free(k->rest);
    k->rest = s;
    return WASI_ESUCCESS;
}

/* Finish: the top of the stack becomes the result's directory. */
static int32_t wasi_walk_done(wasi_walk *k, const char *name, size_t len, bool slash,
                              wasi_resolved *out)
{
    memcpy(out->name, name, len);
    out->name[len] = '\0';
    out->dir_required = slash;
    out->dir = wasi_walk_top(k);
    out->owned = k->n > 1;
    if (out->owned)
        k->n--; /* handed over: wasi_walk_free leaves it open */
    return WASI_ESUCCESS;
}

/* Expand the symbolic link open as `fd` (closed here) in front of `after`. */
static int32_t wasi_walk_link(wasi_walk *k, int fd, const char *after, bool slash)
{
    char target[WASI_PATH_MAX + 1];
    ssize_t n = readlinkat(fd, "", target, sizeof target);
    int e = errno;
    close(fd);
    if (n < 0)
        return wasi_errno_from_host(e);
    if (n > WASI_PATH_MAX)
        return WASI_ENAMETOOLONG;
    if (++k->links > WASI_SYMLINK_MAX)
        return WASI_ELOOP;
    target[n] = '\0';
    if (n == 0)
        return WASI_ENOENT;
    if (target[0] == '/')
        return WASI_ENOTCAPABLE;
    /* `after` points into k->rest, which the splice replaces: copy it first. */
    char *tail = xstrdup(after);
    if (!tail)
        return WASI_ENOMEM;
    int32_t rc = wasi_walk_splice(k, target, tail, slash);
    free(tail);
    return rc;
}

/* One step on the component [c, c+len) with `after` the rest of the path (after the
 * slashes that follow it). Returns 1 to go on, 0 when *out is filled, or -errno. */
static int wasi_walk_step(wasi_walk *k, const char *c, size_t len, const char *after,
                          bool slash, bool follow, wasi_resolved *out)
{
    bool last = *after == '\0';
    if (len == 1 && c[0] == '.')
        return last ? (wasi_walk_done(k, ".", 1, slash, out), 0) : 1;
    if (len == 2 && c[0] == '.' && c[1] == '.') {
        if (k->n == 1)
            return -WASI_ENOTCAPABLE;
        close(k->dirs[--k->n]);
        return last ? (wasi_walk_done(k, ".", 1, slash, out), 0) : 1;
    }
    if (len >= sizeof out->name)
        return -WASI_ENAMETOOLONG;
    if (last && !follow && !slash)
        return wasi_walk_done(k, c, len, false, out), 0;
    char name[sizeof out->name];
    memcpy(name, c, len);
    name[len] = '\0';
    int fd = openat(wasi_walk_top(k), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        /* A missing last component is fine: path_open may create it. */
        if (last && errno == ENOENT)
            return wasi_walk_done(k, c, len, slash, out), 0;
        return -wasi_errno();
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int32_t rc = wasi_errno();
        close(fd);
        return -rc;
    }
    if (S_ISLNK(st.st_mode)) {
        if (last && !follow && !slash) {
            close(fd);
            return wasi_walk_done(k, c, len, false, out), 0;
        }
        int32_t rc = wasi_walk_link(k, fd, after, slash);
        return rc ? -rc : 2; /* 2: the rest was rewritten, start over on it */
    }
    if (last) {
        close(fd);
        if (slash && !S_ISDIR(st.st_mode))
            return -WASI_ENOTDIR;
        return wasi_walk_done(k, c, len, slash, out), 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        close(fd);
        return -WASI_ENOTDIR;
    }
    int32_t rc = wasi_walk_push(k, fd);
    if (rc)
        close(fd);
    return rc ? -rc : 1;
}

static int32_t wasi_walk_run(wasi_walk *k, bool follow, wasi_resolved *out)
{
    const char *p = k->rest;
    for (;;) {
        if (*p == '/')
            return WASI_ENOTCAPABLE; /* absolute: only at the start of a path or a target */
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - c);
        bool slash = *p == '/';
        while (*p == '/')
            p++;
        int r;
        if (len == 0) /* the empty path */
            return WASI_ENOENT;
        r = wasi_walk_step(k, c, len, p, slash && !*p, follow, out);
        if (r <= 0)
            return (int32_t)-r;
        if (r == 2)
            p = k->rest;
    }
}

int32_t wasi_path_resolve(int base, const char *path, size_t len, bool follow,
                          wasi_resolved *out)
{
    memset(out, 0, sizeof *out);
    out->dir = -1;
    if (len == 0)
        return WASI_ENOENT;
    if (len > WASI_PATH_MAX)
        return WASI_ENAMETOOLONG;
    if (memchr(path, '\0', len))
        return WASI_EINVAL; /* the host could not see past the NUL: refuse, do not cut */
    wasi_walk k;
    memset(&k, 0, sizeof k);
    k.rest = xstrndup(path, len);
    int32_t rc = k.rest ? wasi_walk_push(&k, base) : WASI_ENOMEM;
    if (!rc)
        rc = wasi_walk_run(&k, follow, out);
    wasi_walk_free(&k);
    if (rc) {
        memset(out, 0, sizeof *out);
        out->dir = -1;
    }
    return rc;
}

void wasi_resolved_free(wasi_resolved *r)
{
    if (r->owned && r->dir >= 0)
        close(r->dir);
    r->dir = -1;
    r->owned = false;
}
