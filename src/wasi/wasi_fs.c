/*
 * wasi_fs.c - the path_* functions of WASI preview1: open, create and remove directories,
 * unlink, rename, symbolic and hard links, and the filestat of a path.
 *
 * Every function resolves its guest path with wasi_path_resolve (the sandbox, in
 * wasi_path.c) and then makes one *at() call on the directory and final name it returns,
 * in a form that does not follow a symbolic link at that final name. Rights are checked
 * on the directory descriptor first: a missing right is ENOTCAPABLE.
 *
 * One choice of ours: path_symlink refuses an absolute target (ENOTCAPABLE). The guest
 * could not follow it anyway, but a host program walking the directory later would.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* renameat */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* A path operation in progress: the directory descriptor (a reference) and the resolved
 * path beneath it. */
typedef struct wasi_pathop {
    wasi_fd f;
    wasi_resolved r;
} wasi_pathop;

/* Take directory descriptor fd with `rights`, read the guest path [ptr, ptr+len) and
 * resolve it (following a final link when `follow`). On success release with
 * wasi_pathop_end. */
static int32_t wasi_pathop_begin(weft_wasi *w, const wasi_mem *m, uint32_t fd,
                                 uint64_t rights, uint32_t ptr, uint32_t len, bool follow,
                                 wasi_pathop *op)
{
    const uint8_t *path = wasi_mem_range(m, ptr, len);
    int32_t rc = wasi_fd_acquire(w, fd, &op->f);
    if (rc)
        return rc;
    if (op->f.filetype != WASI_FILETYPE_DIRECTORY)
        rc = WASI_ENOTDIR;
    else if ((op->f.rights_base & rights) != rights)
        rc = WASI_ENOTCAPABLE;
    else if (!path)
        rc = WASI_EFAULT;
    else
        rc = wasi_path_resolve(op->f.h->host, (const char *)path, len, follow, &op->r);
    if (rc)
        wasi_fd_release(&op->f);
    return rc;
}

static void wasi_pathop_end(wasi_pathop *op)
{
    wasi_resolved_free(&op->r);
    wasi_fd_release(&op->f);
}

/* The caller's memory, or EFAULT for a module without one. */
#define WASI_MEM_OR_FAULT(m)                                                              \
    do {                                                                                  \
        if (!wasi_mem_of(caller, &(m)))                                                   \
            return wasi_ret(results, WASI_EFAULT);                                        \
    } while (0)

/* Whether the resolved name is a directory (not following a link); false if missing. */
static bool wasi_is_dir(const wasi_resolved *r)
{
    struct stat st;
    return fstatat(r->dir, r->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* ------------------------------------------------------------------------------------------ */
/* path_open */

/* Host open flags for preview1 oflags, fdflags and the rights asked for. */
static int wasi_open_flags(uint32_t oflags, uint32_t fdflags, uint64_t base, bool dir)
{
    int fl = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
    bool rd = base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
    bool wr = (base & (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
                       WASI_RIGHT_FD_FILESTAT_SET_SIZE)) || (oflags & WASI_O_TRUNC);
    if (dir)
        wr = false; /* a directory opens for reading only (its entries) */
    fl |= rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
    if (oflags & WASI_O_CREAT)
        fl |= O_CREAT;
    if (oflags & WASI_O_EXCL)
        fl |= O_EXCL;
    if (oflags & WASI_O_TRUNC)
        fl |= O_TRUNC;
    if (dir)
        fl |= O_DIRECTORY;
    if (fdflags & WASI_FDFLAG_APPEND)
        fl |= O_APPEND;
    if (fdflags & WASI_FDFLAG_DSYNC)
        fl |= O_DSYNC;
    if (fdflags & WASI_FDFLAG_NONBLOCK)
        fl |= O_NONBLOCK;
    if (fdflags & WASI_FDFLAG_RSYNC)
        fl |= O_RSYNC;
    if (fdflags & WASI_FDFLAG_SYNC)
        fl |= O_SYNC;
    return fl;
}

/* The rights of a newly opened descriptor: those asked for (within what the directory
 * passes on), cut to what its type can do and to how the host descriptor was opened. */
static uint64_t wasi_open_rights(uint64_t base, uint8_t type, int fl)
{
    if (type == WASI_FILETYPE_DIRECTORY)
        return base & WASI_RIGHTS_DIR;
    base &= WASI_RIGHTS_FILE;
    if ((fl & O_ACCMODE) == O_WRONLY)
        base &= ~WASI_RIGHT_FD_READ;
    if ((fl & O_ACCMODE) == O_RDONLY)
        base &= ~(WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
                  WASI_RIGHT_FD_FILESTAT_SET_SIZE);
    return base;
}

/* The rights that ask to change a file's contents: a directory cannot have them. */
#define WASI_RIGHTS_WRITE \
    (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE)

/* Open the resolved path and put it in the table. Returns an errno. */
static int32_t wasi_open_at(weft_wasi *w, const wasi_pathop *op, uint32_t oflags,
                            uint32_t fdflags, uint64_t base, uint64_t inh, uint32_t *out)
{
    bool dir = (oflags & WASI_O_DIRECTORY) || op->r.dir_required;
    int fl = wasi_open_flags(oflags, fdflags, base, dir);
    int fd = openat(op->r.dir, op->r.name, fl, 0666);
    struct stat st;
    if (fd < 0)
        return wasi_errno();
    /* A directory opens read-only on the host (see wasi_open_flags), so asking it for write
     * rights must fail here, as opening a directory for writing fails in POSIX. */
    int32_t rc = fstat(fd, &st) != 0                               ? wasi_errno()
                 : S_ISDIR(st.st_mode) && (base & WASI_RIGHTS_WRITE) ? WASI_EISDIR
                                                                    : WASI_ESUCCESS;
    if (rc) {
        close(fd);
        return rc;
    }
    wasi_fd f;
    memset(&f, 0, sizeof f);
    f.h = wasi_handle_new(fd, true);
    if (!f.h) {
        close(fd);
        return WASI_ENOMEM;
    }
    f.filetype = wasi_filetype_of_mode(st.st_mode);
    f.flags = (uint16_t)fdflags;
    f.rights_base = wasi_open_rights(base, f.filetype, fl);
    f.rights_inheriting = inh;
    return wasi_fd_insert(w, &f, out);
}

/* path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting,
 *           fdflags, opened_fd: *fd) */
WASI_HOSTFN(wasi_path_open)
{
    weft_wasi *w = env;
    uint32_t oflags = WASI_U32(4) & 0xffff, fdflags = WASI_U32(7) & 0xffff;
    uint32_t resp = WASI_U32(8);
    uint64_t need = WASI_RIGHT_PATH_OPEN;
    wasi_mem m;
    wasi_pathop op;
    WASI_MEM_OR_FAULT(m);
    if (oflags & ~0xfu || fdflags & ~0x1fu ||
        ((oflags & WASI_O_CREAT) && (oflags & WASI_O_DIRECTORY)))
        return wasi_ret(results, WASI_EINVAL);
    if (!wasi_mem_range(&m, resp, 4))
        return wasi_ret(results, WASI_EFAULT);
    if (oflags & WASI_O_CREAT)
        need |= WASI_RIGHT_PATH_CREATE_FILE;
    if (oflags & WASI_O_TRUNC)
        need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
    /* As in POSIX, CREAT|EXCL never follows a final link: a link there is EEXIST. */
    bool excl = (oflags & WASI_O_CREAT) && (oflags & WASI_O_EXCL);
    bool follow = (WASI_U32(1) & WASI_LOOKUP_SYMLINK_FOLLOW) && !excl;
    int32_t rc = wasi_pathop_begin(w, &m, WASI_U32(0), need, WASI_U32(2), WASI_U32(3),
                                   follow, &op);
    if (rc)
        return wasi_ret(results, rc);
    /* A descriptor gets no right its directory does not pass on. */
    uint64_t base = (uint64_t)args[5].of.i64 & op.f.rights_inheriting;
    uint64_t inh = (uint64_t)args[6].of.i64 & op.f.rights_inheriting;
    uint32_t fd = 0;
    rc = wasi_open_at(w, &op, oflags, fdflags, base, inh, &fd);
    wasi_pathop_end(&op);
    if (!rc)
        wasi_mem_put32(&m, resp, fd);
    return wasi_ret(results, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* Directories, unlink */

/* path_create_directory, path_remove_directory, path_unlink_file: (fd, path, path_len),
 * one right and one host call on the resolved name, `op`, which returns an errno. */
typedef int32_t (*wasi_name_op)(const wasi_resolved *r);

static weft_error *wasi_path_simple(weft_caller *caller, weft_wasi *w, const weft_val *args,
                                    uint64_t right, wasi_name_op op, weft_val *results)
{
    wasi_mem m;
    wasi_pathop p;
    WASI_MEM_OR_FAULT(m);
    int32_t rc = wasi_pathop_begin(w, &m, WASI_U32(0), right, WASI_U32(1), WASI_U32(2), false,
                                   &p);
    if (rc)
        return wasi_ret(results, rc);
    rc = op(&p.r);
    wasi_pathop_end(&p);
    return wasi_ret(results, rc);
}

static int32_t wasi_op_mkdir(const wasi_resolved *r)
{
    return mkdirat(r->dir, r->name, 0777) == 0 ? WASI_ESUCCESS : wasi_errno();
}

static int32_t wasi_op_rmdir(const wasi_resolved *r)
{
    return unlinkat(r->dir, r->name, AT_REMOVEDIR) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* "name/" names a directory, which unlink refuses. */
static int32_t wasi_op_unlink(const wasi_resolved *r)
{
    if (r->dir_required)
        return wasi_is_dir(r) ? WASI_EISDIR : WASI_ENOTDIR;
    return unlinkat(r->dir, r->name, 0) == 0 ? WASI_ESUCCESS : wasi_errno();
}

WASI_HOSTFN(wasi_path_create_directory)
{
    return wasi_path_simple(caller, env, args, WASI_RIGHT_PATH_CREATE_DIRECTORY, wasi_op_mkdir,
                            results);
}

WASI_HOSTFN(wasi_path_remove_directory)
{
    return wasi_path_simple(caller, env, args, WASI_RIGHT_PATH_REMOVE_DIRECTORY, wasi_op_rmdir,
                            results);
}

WASI_HOSTFN(wasi_path_unlink_file)
{
    return wasi_path_simple(caller, env, args, WASI_RIGHT_PATH_UNLINK_FILE, wasi_op_unlink,
                            results);
}

/* ------------------------------------------------------------------------------------------ */
/* Two paths: rename, link */

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len) */
WASI_HOSTFN(wasi_path_rename)
{
    wasi_mem m;
    wasi_pathop from, to;
    WASI_MEM_OR_FAULT(m);
    int32_t rc = wasi_pathop_begin(env, &m, WASI_U32(0), WASI_RIGHT_PATH_RENAME_SOURCE,
                                   WASI_U32(1), WASI_U32(2), false, &from);
    if (rc)
        return wasi_ret(results, rc);
    rc = wasi_pathop_begin(env, &m, WASI_U32(3), WASI_RIGHT_PATH_RENAME_TARGET, WASI_U32(4),
                           WASI_U32(5), false, &to);
    if (!rc) {
        /* A trailing '/' on either side says the source is a directory. */
        if ((from.r.dir_required || to.r.dir_required) && !wasi_is_dir(&from.r))
            rc = WASI_ENOTDIR;
        else if (renameat(from.r.dir, from.r.name, to.r.dir, to.r.name) != 0)
            rc = wasi_errno();
        wasi_pathop_end(&to);
    }
    wasi_pathop_end(&from);
    return wasi_ret(results, rc);
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len) */
WASI_HOSTFN(wasi_path_link)
{
    wasi_mem m;
    wasi_pathop from, to;
    WASI_MEM_OR_FAULT(m);
    int32_t rc = wasi_pathop_begin(env, &m, WASI_U32(0), WASI_RIGHT_PATH_LINK_SOURCE,
                                   WASI_U32(2), WASI_U32(3),
                                   WASI_U32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &from);
    if (rc)
        return wasi_ret(results, rc);
    rc = wasi_pathop_begin(env, &m, WASI_U32(4), WASI_RIGHT_PATH_LINK_TARGET, WASI_U32(5),
                           WASI_U32(6), false, &to);
    if (!rc) {
        if (to.r.dir_required)
            rc = WASI_ENOENT;
        /* flags 0: never follows, and a link swapped in after our walk stays a link. */
        else if (linkat(from.r.dir, from.r.name, to.r.dir, to.r.name, 0) != 0)
            rc = wasi_errno();
        wasi_pathop_end(&to);
    }
    wasi_pathop_end(&from);
    return wasi_ret(results, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* Symbolic links */

/* path_symlink(old_path, old_len, fd, new_path, new_len): a link at new_path whose
 * target is the text old_path. */
WASI_HOSTFN(wasi_path_symlink)
{
    wasi_mem m;
    wasi_pathop op;
    WASI_MEM_OR_FAULT(m);
    uint32_t tlen = WASI_U32(1);
    const uint8_t *t = wasi_mem_range(&m, WASI_U32(0), tlen);
    if (!t)
        return wasi_ret(results, WASI_EFAULT);
    if (tlen == 0 || memchr(t, '\0', tlen))
        return wasi_ret(results, tlen ? WASI_EINVAL : WASI_ENOENT);
    if (tlen > WASI_PATH_MAX)
        return wasi_ret(results, WASI_ENAMETOOLONG);
    if (t[0] == '/')
        return wasi_ret(results, WASI_ENOTCAPABLE);
    char *target = xstrndup((const char *)t, tlen);
    if (!target)
        return wasi_ret(results, WASI_ENOMEM);
    int32_t rc = wasi_pathop_begin(env, &m, WASI_U32(2), WASI_RIGHT_PATH_SYMLINK, WASI_U32(3),
                                   WASI_U32(4), false, &op);
    if (!rc) {
        /* "name/" would have to be a directory, which a new link never is; Linux would
         * create "name" regardless. An existing name is EEXIST either way. */
        struct stat st;
        if (op.r.dir_required)
            rc = fstatat(op.r.dir, op.r.name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? WASI_EEXIST
                                                                             : WASI_ENOENT;
        else if (symlinkat(target, op.r.dir, op.r.name) != 0)
            rc = wasi_errno();
        wasi_pathop_end(&op);
    }
    free(target);
    return wasi_ret(results, rc);
}

/* path_readlink(fd, path, path_len, buf, buf_len, bufused: *size). A target longer than
 * buf_len is cut, as readlink(2) does. */
WASI_HOSTFN(wasi_path_readlink)
{
    wasi_mem m;
    wasi_pathop op;
    WASI_MEM_OR_FAULT(m);
    uint32_t buflen = WASI_U32(4), resp = WASI_U32(5);
    uint8_t *buf = wasi_mem_range(&m, WASI_U32(3), buflen);
    if (!buf || !wasi_mem_range(&m, resp, 4))
        return wasi_ret(results, WASI_EFAULT);
    int32_t rc = wasi_pathop_begin(env, &m, WASI_U32(0), WASI_RIGHT_PATH_READLINK, WASI_U32(1),
                                   WASI_U32(2), false, &op);
    if (rc)
        return wasi_ret(results, rc);
    char target[WASI_PATH_MAX];
    ssize_t n = readlinkat(op.r.dir, op.r.name, target, sizeof target);
    if (n < 0)
        rc = wasi_errno();
    else {
        size_t k = (size_t)n < buflen ? (size_t)n : buflen;
        memcpy(buf, target, k);
        wasi_mem_put32(&m, resp, (uint32_t)k);
    }
    wasi_pathop_end(&op);
    return wasi_ret(results, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* filestat of a path */

/* path_filestat_get(fd, flags, path, path_len, buf: *filestat) */
static weft_error *wasi_path_filestat(weft_caller *caller, weft_wasi *w, const weft_val *args,
                                      weft_val *results, bool p0)
{
    wasi_mem m;
    wasi_pathop op;
    struct stat st;
    WASI_MEM_OR_FAULT(m);
    uint32_t p = WASI_U32(4);
    if (!wasi_mem_range(&m, p, WASI_FILESTAT_SIZE(p0)))
        return wasi_ret(results, WASI_EFAULT);
    int32_t rc = wasi_pathop_begin(w, &m, WASI_U32(0), WASI_RIGHT_PATH_FILESTAT_GET,
                                   WASI_U32(2), WASI_U32(3),
                                   WASI_U32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &op);
    if (rc)
        return wasi_ret(results, rc);
    if (fstatat(op.r.dir, op.r.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        rc = wasi_errno();
    else if (op.r.dir_required && !S_ISDIR(st.st_mode))
        rc = WASI_ENOTDIR;
    else
        wasi_filestat_put(&m, p, &st, p0);
    wasi_pathop_end(&op);
    return wasi_ret(results, rc);
}

WASI_HOSTFN(wasi_path_filestat_get)
{
    return wasi_path_filestat(caller, env, args, results, false);
}

WASI_HOSTFN(wasi_p0_path_filestat_get)
{
    return wasi_path_filestat(caller, env, args, results, true);
}

/* path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fstflags) */
WASI_HOSTFN(wasi_path_filestat_set_times)
{
    wasi_mem m;
    wasi_pathop op;
    struct timespec ts[2];
    WASI_MEM_OR_FAULT(m);
    if (!wasi_times_of((uint64_t)args[4].of.i64, (uint64_t)args[5].of.i64,
                       WASI_U32(6) & 0xffff, ts))
        return wasi_ret(results, WASI_EINVAL);
    int32_t rc = wasi_pathop_begin(env, &m, WASI_U32(0), WASI_RIGHT_PATH_FILESTAT_SET_TIMES,
                                   WASI_U32(2), WASI_U32(3),
                                   WASI_U32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &op);
    if (rc)
        return wasi_ret(results, rc);
    if (utimensat(op.r.dir, op.r.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
        rc = wasi_errno();
    wasi_pathop_end(&op);
    return wasi_ret(results, rc);
}
