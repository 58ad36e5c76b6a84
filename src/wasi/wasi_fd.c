/*
 * wasi_fd.c - the descriptor table and the fd_* functions of WASI preview1.
 *
 * The table maps guest descriptor numbers to host descriptors with their WASI rights. Today
 * it holds the three standard streams; the sandboxed filesystem adds files, directories and
 * preopens (kinds WASI_FD_FILE and WASI_FD_DIR) to the same table.
 *
 * Locking: the table is guarded by w->lock, held only while a slot is read or changed, never
 * across a blocking read or write. A host function copies the slot (wasi_fd_get) and does
 * its I/O on the copy. That is safe for standard streams, which we never close on the host;
 * when files arrive, a slot closed by one thread while another does I/O on it will need a
 * reference count on the host descriptor.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

/* At most this many iovecs per call, like the host's IOV_MAX: the guest cannot make us walk
 * an arbitrarily long array. */
#define WASI_IOV_MAX 1024

bool wasi_fds_init(weft_wasi *w, int in, int out, int err)
{
    const int host[3] = {in, out, err};
    w->capfds = 8;
    w->fds = xcalloc(w->capfds, sizeof *w->fds);
    if (!w->fds)
        return false;
    for (int i = 0; i < 3; i++) {
        wasi_fd *f = &w->fds[i];
        f->kind = WASI_FD_STDIO;
        f->host = host[i];
        /* A character device without seek or tell rights: this is what the guest's libc
         * reads as "a terminal-like stream" (isatty, no lseek). */
        f->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
        f->rights_base = (i == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE) |
                         WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE;
        f->rights_inheriting = 0;
    }
    w->nfds = 3;
    return true;
}

void wasi_fds_free(weft_wasi *w)
{
    for (size_t i = 0; i < w->nfds; i++) {
        wasi_fd *f = &w->fds[i];
        if (f->kind == WASI_FD_FILE || f->kind == WASI_FD_DIR)
            close(f->host);
        free(f->preopen);
    }
    free(w->fds);
    w->fds = NULL;
    w->nfds = w->capfds = 0;
}

int32_t wasi_fd_get(weft_wasi *w, uint32_t fd, wasi_fd *out)
{
    int32_t rc = WASI_EBADF;
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].kind != WASI_FD_FREE) {
        *out = w->fds[fd];
        out->preopen = NULL; /* the name stays owned by the table */
        rc = WASI_ESUCCESS;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* Put an entry in the lowest free slot, growing the table when full (path_open and
 * preopens use this). WASI_EMFILE when the guest has too many descriptors. */
int32_t wasi_fd_insert(weft_wasi *w, const wasi_fd *f, uint32_t *out)
{
    int32_t rc = WASI_ESUCCESS;
    pthread_mutex_lock(&w->lock);
    size_t i = 0;
    while (i < w->nfds && w->fds[i].kind != WASI_FD_FREE)
        i++;
    if (i == w->nfds) {
        if (w->nfds >= WASI_MAX_FDS || !xgrow((void **)&w->fds, &w->capfds, w->nfds + 1,
                                              sizeof *w->fds))
            rc = w->nfds >= WASI_MAX_FDS ? WASI_EMFILE : WASI_ENOMEM;
        else
            w->nfds++;
    }
    if (rc == WASI_ESUCCESS) {
        w->fds[i] = *f;
        *out = (uint32_t)i;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading and writing */

/* Check the iovec array and every buffer it names before any I/O, so a bad pointer never
 * leaves a half-done transfer behind. Returns an errno. */
static int32_t wasi_iovs_check(const wasi_mem *m, uint32_t iovs, uint32_t n)
{
    if (n > WASI_IOV_MAX)
        return WASI_EINVAL;
    if (!wasi_mem_range(m, iovs, (uint64_t)n * 8))
        return WASI_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = 0, len = 0;
        wasi_mem_get32(m, iovs + i * 8, &buf);
        wasi_mem_get32(m, iovs + i * 8 + 4, &len);
        if (!wasi_mem_range(m, buf, len))
            return WASI_EFAULT;
    }
    return WASI_ESUCCESS;
}

/* Writing to a pipe whose reader has gone raises SIGPIPE, whose default action kills the
 * whole process: a guest's `| head` must not end its embedder. A library may not change
 * the process's signal dispositions, so the writing thread blocks SIGPIPE while it writes
 * and, after an EPIPE, consumes the signal it raised. (If the embedder already blocks
 * SIGPIPE in this thread, the pending signal is left to it.) */
typedef struct wasi_sigpipe {
    sigset_t pipe, old;
} wasi_sigpipe;

static void wasi_sigpipe_block(wasi_sigpipe *s)
{
    sigemptyset(&s->pipe);
    sigaddset(&s->pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &s->pipe, &s->old);
}

static void wasi_sigpipe_restore(wasi_sigpipe *s, bool got_epipe)
{
    if (got_epipe && !sigismember(&s->old, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&s->pipe, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}

/* Write all of buf (a blocking descriptor may take it in pieces). Returns bytes written;
 * *err is set when it stopped early because of an error. */
static size_t wasi_write_all(int fd, const uint8_t *buf, size_t len, int *err)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *err = n < 0 ? errno : EIO;
            break;
        }
        done += (size_t)n;
    }
    return done;
}

/* The common start of the fd_* functions: copy descriptor fd's entry into *f, check that
 * it has one of the rights in `rights` (0: none needed; else `norights` is the errno), take
 * the caller's memory and check that the result area [res, res+reslen) lies inside it. */
static int32_t wasi_fd_begin(weft_wasi *w, weft_caller *caller, uint32_t fd, uint64_t rights,
                             int32_t norights, uint32_t res, uint64_t reslen, wasi_fd *f,
                             wasi_mem *m)
{
    int32_t rc = wasi_fd_get(w, fd, f);
    if (rc)
        return rc;
    if (rights && !(f->rights_base & rights))
        return norights;
    if (!wasi_mem_of(caller, m) || !wasi_mem_range(m, res, reslen))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

/* The start of fd_read and fd_write, whose arguments are (fd, iovs, iovs_len, result):
 * the descriptor with `right`, the memory, the result area and every iovec checked. */
static int32_t wasi_rw_begin(weft_wasi *w, weft_caller *caller, const weft_val *args,
                             uint64_t right, wasi_fd *f, wasi_mem *m)
{
    int32_t rc = wasi_fd_begin(w, caller, (uint32_t)args[0].of.i32, right, WASI_EBADF,
                               (uint32_t)args[3].of.i32, 4, f, m);
    return rc ? rc : wasi_iovs_check(m, (uint32_t)args[1].of.i32, (uint32_t)args[2].of.i32);
}

/* Iovec i of a checked array (wasi_iovs_check): a host pointer and a length. */
static uint8_t *wasi_iov(const wasi_mem *m, uint32_t iovs, uint32_t i, uint32_t *len)
{
    uint32_t buf = 0;
    wasi_mem_get32(m, iovs + i * 8, &buf);
    wasi_mem_get32(m, iovs + i * 8 + 4, len);
    return m->base + buf;
}

/* Store the byte count of fd_read/fd_write and answer success. */
static weft_error *wasi_ret_count(const wasi_mem *m, uint32_t resp, uint64_t total,
                                  weft_val *results)
{
    wasi_mem_put32(m, resp, (uint32_t)(total > UINT32_MAX ? UINT32_MAX : total));
    return wasi_ret(results, WASI_ESUCCESS);
}

/* fd_write(fd, iovs, iovs_len, nwritten: *u32) */
WASI_HOSTFN(wasi_fd_write)
{
    uint32_t iovs = (uint32_t)args[1].of.i32, niovs = (uint32_t)args[2].of.i32;
    uint32_t resp = (uint32_t)args[3].of.i32;
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_rw_begin(env, caller, args, WASI_RIGHT_FD_WRITE, &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    uint64_t total = 0;
    int err = 0;
    wasi_sigpipe sp;
    wasi_sigpipe_block(&sp);
    for (uint32_t i = 0; i < niovs && !err; i++) {
        uint32_t len;
        uint8_t *buf = wasi_iov(&m, iovs, i, &len);
        total += wasi_write_all(f.host, buf, len, &err);
    }
    wasi_sigpipe_restore(&sp, err == EPIPE);
    /* Like POSIX: an error after some bytes went out is reported as a short write. */
    if (err && total == 0)
        return wasi_ret(results, wasi_errno_from_host(err));
    return wasi_ret_count(&m, resp, total, results);
}

/* fd_read(fd, iovs, iovs_len, nread: *u32) */
WASI_HOSTFN(wasi_fd_read)
{
    uint32_t iovs = (uint32_t)args[1].of.i32, niovs = (uint32_t)args[2].of.i32;
    uint32_t resp = (uint32_t)args[3].of.i32;
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_rw_begin(env, caller, args, WASI_RIGHT_FD_READ, &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    uint64_t total = 0;
    for (uint32_t i = 0; i < niovs; i++) {
        uint32_t len;
        uint8_t *buf = wasi_iov(&m, iovs, i, &len);
        if (len == 0)
            continue;
        ssize_t got;
        do
            got = read(f.host, buf, len);
        while (got < 0 && errno == EINTR);
        if (got < 0) {
            if (total == 0)
                return wasi_ret(results, wasi_errno_from_host(errno));
            break;
        }
        total += (uint64_t)got;
        /* A short read means no more is ready now (or end of file): return what we have
         * rather than block for the next iovec. */
        if ((uint32_t)got < len)
            break;
    }
    return wasi_ret_count(&m, resp, total, results);
}

/* ------------------------------------------------------------------------------------------ */
/* Descriptor management and status */

WASI_HOSTFN(wasi_fd_close)
{
    weft_wasi *w = env;
    uint32_t fd = (uint32_t)args[0].of.i32;
    int32_t rc = WASI_EBADF;
    WEFT_UNUSED(caller);
    pthread_mutex_lock(&w->lock);
    if (fd < w->nfds && w->fds[fd].kind != WASI_FD_FREE) {
        wasi_fd *f = &w->fds[fd];
        /* The standard streams belong to the host: the guest only loses its slot. */
        if (f->kind == WASI_FD_FILE || f->kind == WASI_FD_DIR)
            close(f->host);
        free(f->preopen);
        memset(f, 0, sizeof *f);
        f->kind = WASI_FD_FREE;
        rc = WASI_ESUCCESS;
    }
    pthread_mutex_unlock(&w->lock);
    return wasi_ret(results, rc);
}

/* Move (or read) the offset of a descriptor that has one of `rights`, storing the new
 * offset at resp. Streams have neither the seek nor the tell right: ESPIPE. */
static weft_error *wasi_seek(weft_wasi *w, weft_caller *caller, uint32_t fd, uint64_t rights,
                             int64_t offset, uint32_t whence, uint32_t resp, weft_val *results)
{
    static const int host_whence[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_fd_begin(w, caller, fd, rights, WASI_ESPIPE, resp, 8, &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    if (whence > 2)
        return wasi_ret(results, WASI_EINVAL);
    off_t pos = lseek(f.host, (off_t)offset, host_whence[whence]);
    if (pos < 0)
        return wasi_ret(results, wasi_errno_from_host(errno));
    wasi_mem_put64(&m, resp, (uint64_t)pos);
    return wasi_ret(results, WASI_ESUCCESS);
}

/* fd_seek(fd, offset: i64, whence: u8, newoffset: *u64) */
WASI_HOSTFN(wasi_fd_seek)
{
    return wasi_seek(env, caller, (uint32_t)args[0].of.i32,
                     WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL, args[1].of.i64,
                     (uint32_t)args[2].of.i32, (uint32_t)args[3].of.i32, results);
}

/* fd_tell(fd, offset: *u64) */
WASI_HOSTFN(wasi_fd_tell)
{
    return wasi_seek(env, caller, (uint32_t)args[0].of.i32, WASI_RIGHT_FD_TELL, 0, 1,
                     (uint32_t)args[1].of.i32, results);
}

/* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16. */
WASI_HOSTFN(wasi_fd_fdstat_get)
{
    uint32_t p = (uint32_t)args[1].of.i32;
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_fd_begin(env, caller, (uint32_t)args[0].of.i32, 0, 0, p, 24, &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    memset(wasi_mem_range(&m, p, 24), 0, 24);
    wasi_mem_put8(&m, p, f.filetype);
    wasi_mem_put16(&m, p + 2, f.flags);
    wasi_mem_put64(&m, p + 8, f.rights_base);
    wasi_mem_put64(&m, p + 16, f.rights_inheriting);
    return wasi_ret(results, WASI_ESUCCESS);
}

static uint64_t wasi_ns(struct timespec t)
{
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* filestat: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48,
 * ctim @56 (all u64 but filetype). */
WASI_HOSTFN(wasi_fd_filestat_get)
{
    uint32_t p = (uint32_t)args[1].of.i32;
    wasi_fd f;
    wasi_mem m;
    struct stat st;
    int32_t rc = wasi_fd_begin(env, caller, (uint32_t)args[0].of.i32, 0, 0, p, 64, &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    if (fstat(f.host, &st) != 0)
        return wasi_ret(results, wasi_errno_from_host(errno));
    memset(wasi_mem_range(&m, p, 64), 0, 64);
    wasi_mem_put64(&m, p, (uint64_t)st.st_dev);
    wasi_mem_put64(&m, p + 8, (uint64_t)st.st_ino);
    wasi_mem_put8(&m, p + 16, f.filetype);
    wasi_mem_put64(&m, p + 24, (uint64_t)st.st_nlink);
    wasi_mem_put64(&m, p + 32, f.kind == WASI_FD_STDIO ? 0 : (uint64_t)st.st_size);
    wasi_mem_put64(&m, p + 40, wasi_ns(st.st_atim));
    wasi_mem_put64(&m, p + 48, wasi_ns(st.st_mtim));
    wasi_mem_put64(&m, p + 56, wasi_ns(st.st_ctim));
    return wasi_ret(results, WASI_ESUCCESS);
}

/* ------------------------------------------------------------------------------------------ */
/* Preopens: none yet, so every descriptor answers EBADF and the guest's libc stops its scan
 * at descriptor 3. The name lives in the table, so it is read under the lock. */

/* prestat: tag u8 @0 (0 = directory), name length u32 @4. */
WASI_HOSTFN(wasi_fd_prestat_get)
{
    weft_wasi *w = env;
    uint32_t fd = (uint32_t)args[0].of.i32, p = (uint32_t)args[1].of.i32;
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
    uint32_t fd = (uint32_t)args[0].of.i32, p = (uint32_t)args[1].of.i32;
    uint32_t len = (uint32_t)args[2].of.i32;
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
