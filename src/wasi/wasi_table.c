/*
 * wasi_table.c - the descriptor table of WASI preview1: reference-counted host handles,
 * the standard streams, preopened directories, and the fd_* functions that work on the
 * table itself (close, renumber, fdstat, prestat).
 *
 * Why handles are reference counted: wasi-threads programs call WASI from several threads
 * at once, and one thread may close a descriptor while another is blocked reading it. If
 * the table owned the bare host descriptor, close() would free its number, the next open()
 * (by any thread, even the embedder's) could reuse it, and the blocked reader would then
 * read or write somebody else's file. So the table holds one reference on a wasi_handle,
 * each call in flight holds another (wasi_fd_acquire / wasi_fd_release), and the host
 * descriptor is closed with the last reference.
 *
 * The table's mutex is held only to read or change slots, never across I/O. Handles are
 * released after the mutex is dropped, since the last release may block in close().
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* ------------------------------------------------------------------------------------------ */
/* Handles */

wasi_handle *wasi_handle_new(int host, bool owned)
{
    wasi_handle *h = xcalloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (pthread_mutex_init(&h->lock, NULL) != 0) {
        free(h);
        return NULL;
    }
    atomic_init(&h->refs, 1);
    h->host = host;
    h->owned = owned;
    return h;
}

void wasi_handle_release(wasi_handle *h)
{
    if (!h || atomic_fetch_sub(&h->refs, 1) != 1)
        return;
    if (h->dir)
        closedir(h->dir);
    if (h->owned)
        close(h->host);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

uint8_t wasi_filetype_of_mode(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no preview1 type */
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The table */

/* The type and rights of standard stream i (0 in, 1 out, 2 err) on host descriptor `host`:
 * what it really is. A character device only when it is a terminal (the guest's isatty()
 * asks for that type without seek rights); a redirected regular file seeks and tells; a
 * pipe is UNKNOWN (preview1 has no type for it), a socket a socket. The guest reads only
 * stdin and writes only the others (but a socket both ways), and may not change the
 * host's flags (fdstat_set_flags would change them for the host's own process too). */
static void wasi_stdio_kind(int host, int i, wasi_fd *f)
{
    const uint64_t stream = WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE;
    const uint64_t file = WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_ADVISE |
                          WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC;
    uint64_t role = i == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    struct stat st;
    f->filetype = WASI_FILETYPE_UNKNOWN;
    f->rights_base = role | stream;
    f->rights_inheriting = 0;
    if (isatty(host))
        f->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
    else if (fstat(host, &st) != 0)
        return; /* closed: the guest's I/O on it will say EBADF */
    else if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
        f->filetype = wasi_filetype_of_mode(st.st_mode);
        f->rights_base |= file;
    } else if (S_ISSOCK(st.st_mode)) {
        /* a connection both ways (inetd gives one socket as all three streams) */
        f->filetype = wasi_socket_type(host);
        f->rights_base = WASI_RIGHTS_SOCKET;
    }
}

bool wasi_fds_init(weft_wasi *w, const int host[3])
{
    w->capfds = 8;
    w->fds = xcalloc(w->capfds, sizeof *w->fds);
    if (!w->fds)
        return false;
    for (int i = 0; i < 3; i++) {
        wasi_fd *f = &w->fds[i];
        w->nfds = (size_t)i + 1;
        if (host[i] < 0)
            continue; /* the embedder gives the guest no such stream */
        /* The standard streams belong to the host: the guest may close its slot, never
         * the host's descriptor. */
        f->h = wasi_handle_new(host[i], false);
        if (!f->h)
            return false;
        wasi_stdio_kind(host[i], i, f);
    }
    return true;
}

void wasi_fds_free(weft_wasi *w)
{
    for (size_t i = 0; i < w->nfds; i++) {
        wasi_handle_release(w->fds[i].h);
        free(w->fds[i].preopen);
    }
    free(w->fds);
    w->fds = NULL;
    w->nfds = w->capfds = 0;
}

int32_t wasi_fd_acquire(weft_wasi *w, uint32_t fd, wasi_fd *out)
{
    int32_t rc = WASI_EBADF;
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].h) {
        *out = w->fds[fd];
        out->preopen = NULL; /* the name stays owned by the table */
        /* The table holds a reference, so the count cannot reach zero under us. */
        atomic_fetch_add(&out->h->refs, 1);
        rc = WASI_ESUCCESS;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* Store *f in the lowest free descriptor from `first` on (see wasi_fd_insert). */
static int32_t wasi_fd_insert_from(weft_wasi *w, wasi_fd *f, size_t first, uint32_t *out)
{
    int32_t rc = WASI_ESUCCESS;
    pthread_mutex_lock(&w->lock);
    size_t i = first;
    while (i < w->nfds && w->fds[i].h)
        i++;
    if (i == w->nfds) {
        if (w->nfds >= WASI_MAX_FDS)
            rc = WASI_EMFILE;
        else if (!xgrow((void **)&w->fds, &w->capfds, w->nfds + 1, sizeof *w->fds))
            rc = WASI_ENOMEM;
        else
            w->nfds++;
    }
    if (rc == WASI_ESUCCESS) {
        w->fds[i] = *f;
        *out = (uint32_t)i;
    }
    pthread_mutex_unlock(&w->lock);
    if (rc != WASI_ESUCCESS) {
        wasi_handle_release(f->h);
        free(f->preopen);
    }
    f->h = NULL;
    f->preopen = NULL;
    return rc;
}

int32_t wasi_fd_insert(weft_wasi *w, wasi_fd *f, uint32_t *out)
{
    return wasi_fd_insert_from(w, f, 0, out);
}

weft_error *wasi_fd_preopen(weft_wasi *w, const char *host_path, const char *guest)
{
    if (!host_path || !*host_path)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "preopen: empty directory name");
    if (!guest || !*guest)
        guest = host_path;
    int fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "cannot open directory %s: %s",
                       host_path, strerror(errno));
    wasi_fd f;
    memset(&f, 0, sizeof f);
    f.h = wasi_handle_new(fd, true);
    f.preopen = xstrdup(guest);
    if (!f.h || !f.preopen) {
        if (f.h)
            wasi_handle_release(f.h);
        else
            close(fd);
        free(f.preopen);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    f.filetype = WASI_FILETYPE_DIRECTORY;
    f.rights_base = WASI_RIGHTS_DIR;
    f.rights_inheriting = WASI_RIGHTS_FILE | WASI_RIGHTS_DIR;
    /* From 3 on, even when the embedder left a standard stream out: the guest's libc looks
     * for preopens from descriptor 3. */
    uint32_t num;
    if (wasi_fd_insert_from(w, &f, 3, &num) != WASI_ESUCCESS)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "too many preopened directories");
    return NULL;
}

int32_t wasi_fd_begin(weft_wasi *w, weft_caller *caller, uint32_t fd, uint64_t rights,
                      int32_t norights, uint32_t res, uint64_t reslen, wasi_fd *f,
                      wasi_mem *m)
{
    int32_t rc = wasi_fd_acquire(w, fd, f);
    if (rc)
        return rc;
    if ((f->rights_base & rights) != rights)
        rc = norights;
    else if (!wasi_mem_of(caller, m) || !wasi_mem_range(m, res, reslen))
        rc = WASI_EFAULT;
    if (rc)
        wasi_fd_release(f);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* close, renumber */

WASI_HOSTFN(wasi_fd_close)
{
    weft_wasi *w = env;
    uint32_t fd = WASI_U32(0);
    wasi_fd old = {0};
    WEFT_UNUSED(caller);
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].h) {
        old = w->fds[fd];
        memset(&w->fds[fd], 0, sizeof w->fds[fd]);
    }
    pthread_mutex_unlock(&w->lock);
    if (!old.h)
        return wasi_ret(results, WASI_EBADF);
    wasi_handle_release(old.h);
    free(old.preopen);
    return wasi_ret(results, WASI_ESUCCESS);
}

/* fd_renumber(from, to): `to` (which must be open) becomes `from`, and `from` is closed. */
WASI_HOSTFN(wasi_fd_renumber)
{
    weft_wasi *w = env;
    uint32_t from = WASI_U32(0), to = WASI_U32(1);
    wasi_fd old = {0};
    int32_t rc = WASI_EBADF;
    WEFT_UNUSED(caller);
    pthread_mutex_lock(&w->lock);
    if (from < w->nfds && to < w->nfds && w->fds[from].h && w->fds[to].h) {
        rc = WASI_ESUCCESS;
        if (from != to) {
            old = w->fds[to];
            w->fds[to] = w->fds[from];
            memset(&w->fds[from], 0, sizeof w->fds[from]);
        }
    }
    pthread_mutex_unlock(&w->lock);
    wasi_handle_release(old.h);
    free(old.preopen);
    return wasi_ret(results, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* fdstat */

/* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16. */
WASI_HOSTFN(wasi_fd_fdstat_get)
{
    uint32_t p = WASI_U32(1);
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_fd_begin(env, caller, WASI_U32(0), 0, 0, p, 24, &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    memset(wasi_mem_range(&m, p, 24), 0, 24);
    wasi_mem_put8(&m, p, f.filetype);
    wasi_mem_put16(&m, p + 2, f.flags);
    wasi_mem_put64(&m, p + 8, f.rights_base);
    wasi_mem_put64(&m, p + 16, f.rights_inheriting);
    wasi_fd_release(&f);
    return wasi_ret(results, WASI_ESUCCESS);
}

/* Change the slot of descriptor fd if it still holds handle h (another thread may have
 * closed or renumbered it meanwhile): its flags, or its rights when `rights` is set. */
static int32_t wasi_fd_update(weft_wasi *w, uint32_t fd, const wasi_handle *h, int flags,
                              const uint64_t *rights)
{
    int32_t rc = WASI_EBADF;
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].h == h) {
        wasi_fd *s = &w->fds[fd];
        if (rights && ((rights[0] & ~s->rights_base) || (rights[1] & ~s->rights_inheriting)))
            rc = WASI_ENOTCAPABLE; /* rights can only be dropped, never gained */
        else {
            if (rights) {
                s->rights_base = rights[0];
                s->rights_inheriting = rights[1];
            } else {
                s->flags = (uint16_t)flags;
            }
            rc = WASI_ESUCCESS;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* fd_fdstat_set_flags(fd, flags): append and nonblock change on the host descriptor.
 * Linux cannot switch the sync flags of an open file (fcntl ignores them), so asking to
 * change those is ENOTSUP rather than a silent no-op. */
WASI_HOSTFN(wasi_fd_fdstat_set_flags)
{
    const uint32_t sync = WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
    uint32_t fd = WASI_U32(0), want = WASI_U32(1) & 0xffff;
    wasi_fd f;
    int32_t rc = wasi_fd_acquire(env, fd, &f);
    WEFT_UNUSED(caller);
    if (rc)
        return wasi_ret(results, rc);
    if (!(f.rights_base & WASI_RIGHT_FD_FDSTAT_SET_FLAGS))
        rc = WASI_ENOTCAPABLE;
    else if (want & ~0x1fu)
        rc = WASI_EINVAL;
    else if ((want & sync) != (f.flags & sync))
        rc = WASI_ENOTSUP;
    else {
        int fl = fcntl(f.h->host, F_GETFL);
        if (fl >= 0) {
            fl &= ~(O_APPEND | O_NONBLOCK);
            fl |= (want & WASI_FDFLAG_APPEND ? O_APPEND : 0) |
                  (want & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0);
        }
        if (fl < 0 || fcntl(f.h->host, F_SETFL, fl) < 0)
            rc = wasi_errno();
        else
            rc = wasi_fd_update(env, fd, f.h, (int)want, NULL);
    }
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}

/* fd_fdstat_set_rights(fd, base, inheriting): drop rights (ENOTCAPABLE to add any). */
WASI_HOSTFN(wasi_fd_fdstat_set_rights)
{
    uint32_t fd = WASI_U32(0);
    uint64_t rights[2] = {(uint64_t)args[1].of.i64, (uint64_t)args[2].of.i64};
    wasi_fd f;
    WEFT_UNUSED(caller);
    int32_t rc = wasi_fd_acquire(env, fd, &f);
    if (rc)
        return wasi_ret(results, rc);
    rc = wasi_fd_update(env, fd, f.h, 0, rights);
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* Preopens. The guest's libc scans descriptors 3, 4, ... with fd_prestat_get until EBADF,
 * so every preopen must come before the first ordinary descriptor. The name lives in the
 * table, so it is read under the lock. */

/* prestat: tag u8 @0 (0 = directory), name length u32 @4. */
WASI_HOSTFN(wasi_fd_prestat_get)
{
    weft_wasi *w = env;
    uint32_t fd = WASI_U32(0), p = WASI_U32(1);
    wasi_mem m;
    bool have_mem = wasi_mem_of(caller, &m);
    int32_t rc = WASI_EBADF;
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].preopen) {
        uint8_t *out = have_mem ? wasi_mem_range(&m, p, 8) : NULL;
        rc = WASI_EFAULT;
        if (out) {
            memset(out, 0, 8);
            wasi_mem_put32(&m, p + 4, (uint32_t)strlen(w->fds[fd].preopen));
            rc = WASI_ESUCCESS;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return wasi_ret(results, rc);
}

WASI_HOSTFN(wasi_fd_prestat_dir_name)
{
    weft_wasi *w = env;
    uint32_t fd = WASI_U32(0), p = WASI_U32(1), len = WASI_U32(2);
    wasi_mem m;
    bool have_mem = wasi_mem_of(caller, &m);
    int32_t rc = WASI_EBADF;
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].preopen) {
        const char *name = w->fds[fd].preopen;
        size_t n = strlen(name);
        uint8_t *out = have_mem ? wasi_mem_range(&m, p, len) : NULL;
        if (len < n)
            rc = WASI_ENAMETOOLONG;
        else if (!out)
            rc = WASI_EFAULT;
        else {
            memcpy(out, name, n);
            rc = WASI_ESUCCESS;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return wasi_ret(results, rc);
}
