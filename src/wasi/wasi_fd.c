/*
 * wasi_fd.c - the fd_* functions of WASI preview1 that work on an open descriptor: read,
 * write, pread, pwrite, seek, tell, sync, advise, allocate, filestat and readdir.
 *
 * Each takes a reference on the descriptor's handle for the length of the call (see
 * wasi_table.c for why), checks the rights the call needs, checks every guest pointer
 * before any I/O, and does its I/O on the host descriptor without holding a lock.
 *
 * A missing read or write right answers EBADF (what POSIX says for a descriptor not open
 * for reading or writing); a missing seek right answers ESPIPE on a stream; any other
 * missing right answers ENOTCAPABLE.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

/* ------------------------------------------------------------------------------------------ */
/* Iovecs */

int32_t wasi_iovs_check(const wasi_mem *m, uint32_t iovs, uint32_t n, struct iovec *out)
{
    if (n > WASI_IOV_MAX)
        return WASI_EINVAL;
    if (!wasi_mem_range(m, iovs, (uint64_t)n * 8))
        return WASI_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = 0, len = 0;
        wasi_mem_get32(m, iovs + i * 8, &buf);
        wasi_mem_get32(m, iovs + i * 8 + 4, &len);
        uint8_t *p = wasi_mem_range(m, buf, len);
        if (!p)
            return WASI_EFAULT;
        if (out) {
            out[i].iov_base = p;
            out[i].iov_len = len;
        }
    }
    return WASI_ESUCCESS;
}

/* Store a byte count and answer success. */
static weft_error *wasi_ret_count(const wasi_mem *m, uint32_t resp, uint64_t total,
                                  weft_val *results)
{
    wasi_mem_put32(m, resp, (uint32_t)(total > UINT32_MAX ? UINT32_MAX : total));
    return wasi_ret(results, WASI_ESUCCESS);
}

/* The start of fd_read, fd_write, fd_pread and fd_pwrite, whose arguments begin with
 * (fd, iovs, iovs_len) and whose result pointer is args[resarg]: the descriptor with
 * `rights`, the memory, the result area and every iovec checked into iov. */
static int32_t wasi_rw_begin(weft_wasi *w, weft_caller *caller, const weft_val *args,
                             unsigned resarg, uint64_t rights, wasi_fd *f, wasi_mem *m,
                             struct iovec *iov)
{
    int32_t rc = wasi_fd_begin(w, caller, WASI_U32(0), rights & ~WASI_RIGHT_FD_SEEK,
                               WASI_EBADF, WASI_U32(resarg), 4, f, m);
    if (rc)
        return rc;
    if ((rights & WASI_RIGHT_FD_SEEK) && !(f->rights_base & WASI_RIGHT_FD_SEEK))
        rc = f->filetype == WASI_FILETYPE_REGULAR_FILE ? WASI_ENOTCAPABLE : WASI_ESPIPE;
    else
        rc = wasi_iovs_check(m, WASI_U32(1), WASI_U32(2), iov);
    if (rc)
        wasi_fd_release(f);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Writing */

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

/* Whether I/O on a descriptor of this type may wait for another party (a pipe, a terminal,
 * a socket) rather than only for the disk. Such waits are made cancellable. */
static bool wasi_is_stream(const wasi_fd *f)
{
    return f->filetype != WASI_FILETYPE_REGULAR_FILE &&
           f->filetype != WASI_FILETYPE_DIRECTORY && f->filetype != WASI_FILETYPE_BLOCK_DEVICE;
}

/* Write all of the n buffers of iov (which it advances) with one writev, and more only when
 * a blocking descriptor takes them in pieces: one call's buffers (stdio's "text" + "\n")
 * reach a pipe or terminal together, not interleaved with other threads' writes. In a
 * threaded program a stream that is full is waited on through wasi_wait_ready, so that the
 * program's end can stop the wait (*cancelled). Returns bytes written; *err is set when it
 * stopped early because of an error. */
static uint64_t wasi_writev_all(weft_wasi *w, weft_caller *caller, const wasi_fd *f,
                                struct iovec *iov, int n, int *err, bool *cancelled)
{
    bool wait = wasi_is_stream(f) && !(f->flags & WASI_FDFLAG_NONBLOCK) &&
                atomic_load(&w->threaded);
    uint64_t done = 0;
    for (;;) {
        while (n > 0 && iov[0].iov_len == 0)
            iov++, n--;
        if (n == 0)
            break;
        if (wait && (*cancelled = wasi_wait_ready(w, caller, f->h->host, POLLOUT)))
            break;
        ssize_t k = writev(f->h->host, iov, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            *err = k < 0 ? errno : EIO;
            break;
        }
        done += (uint64_t)k;
        size_t left = (size_t)k; /* step over what went out */
        while (n > 0 && left >= iov[0].iov_len)
            left -= iov[0].iov_len, iov++, n--;
        if (n > 0) {
            iov[0].iov_base = (uint8_t *)iov[0].iov_base + left;
            iov[0].iov_len -= left;
        }
    }
    return done;
}

/* fd_write(fd, iovs, iovs_len, nwritten: *u32) */
WASI_HOSTFN(wasi_fd_write)
{
    struct iovec iov[WASI_IOV_MAX];
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_rw_begin(env, caller, args, 3, WASI_RIGHT_FD_WRITE, &f, &m, iov);
    if (rc)
        return wasi_ret(results, rc);
    int err = 0;
    bool cancelled = false;
    wasi_sigpipe sp;
    wasi_sigpipe_block(&sp);
    uint64_t total = wasi_writev_all(env, caller, &f, iov, (int)WASI_U32(2), &err, &cancelled);
    wasi_sigpipe_restore(&sp, err == EPIPE);
    wasi_fd_release(&f);
    if (cancelled)
        return wasi_cancel_trap();
    /* Like POSIX: an error after some bytes went out is reported as a short write. */
    if (err && total == 0)
        return wasi_ret(results, wasi_errno_from_host(err));
    return wasi_ret_count(&m, WASI_U32(3), total, results);
}

/* ------------------------------------------------------------------------------------------ */
/* fd_read, fd_pread, fd_pwrite: one vectored host call each. */

typedef enum wasi_io_kind { WASI_IO_READ, WASI_IO_PREAD, WASI_IO_PWRITE } wasi_io_kind;

static ssize_t wasi_io_call(wasi_io_kind kind, int fd, const struct iovec *iov, int n, off_t at)
{
    ssize_t r;
    do
        r = kind == WASI_IO_READ ? readv(fd, iov, n)
            : kind == WASI_IO_PREAD ? preadv(fd, iov, n, at) : pwritev(fd, iov, n, at);
    while (r < 0 && errno == EINTR);
    return r;
}

/* fd_read(fd, iovs, iovs_len, nread: *u32), and with an offset: u64 before the result
 * pointer, fd_pread and fd_pwrite, which leave the descriptor's own offset alone. One
 * readv returns what is ready now (or end of file) rather than blocking once per iovec. */
static weft_error *wasi_vector_io(weft_caller *caller, weft_wasi *w, const weft_val *args,
                                  weft_val *results, wasi_io_kind kind)
{
    struct iovec iov[WASI_IOV_MAX];
    bool at = kind != WASI_IO_READ;
    unsigned resarg = at ? 4 : 3;
    uint64_t rights = (kind == WASI_IO_PWRITE ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ) |
                      (at ? WASI_RIGHT_FD_SEEK : 0);
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_rw_begin(w, caller, args, resarg, rights, &f, &m, iov);
    if (rc)
        return wasi_ret(results, rc);
    off_t off = at ? (off_t)args[3].of.i64 : 0;
    ssize_t n = -1;
    int e = EINVAL;
    wasi_sigpipe sp;
    /* A read from a pipe or terminal waits for input where the program's end can stop it. */
    if (kind == WASI_IO_READ && wasi_is_stream(&f) && !(f.flags & WASI_FDFLAG_NONBLOCK) &&
        wasi_wait_ready(w, caller, f.h->host, POLLIN)) {
        wasi_fd_release(&f);
        return wasi_cancel_trap();
    }
    if (off >= 0) {
        if (kind == WASI_IO_PWRITE)
            wasi_sigpipe_block(&sp);
        n = wasi_io_call(kind, f.h->host, iov, (int)WASI_U32(2), off);
        e = errno;
        if (kind == WASI_IO_PWRITE)
            wasi_sigpipe_restore(&sp, n < 0 && e == EPIPE);
    }
    wasi_fd_release(&f);
    if (n < 0)
        return wasi_ret(results, wasi_errno_from_host(e));
    return wasi_ret_count(&m, WASI_U32(resarg), (uint64_t)n, results);
}

WASI_HOSTFN(wasi_fd_read)
{
    return wasi_vector_io(caller, env, args, results, WASI_IO_READ);
}

WASI_HOSTFN(wasi_fd_pread)
{
    return wasi_vector_io(caller, env, args, results, WASI_IO_PREAD);
}

WASI_HOSTFN(wasi_fd_pwrite)
{
    return wasi_vector_io(caller, env, args, results, WASI_IO_PWRITE);
}

/* ------------------------------------------------------------------------------------------ */
/* Offsets */

/* fd_seek(fd, offset: i64, whence: u8, newoffset: *u64). Reading the offset (0 from the
 * current one) needs only the tell right. */
WASI_HOSTFN(wasi_fd_seek)
{
    static const int host_whence[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
    int64_t offset = args[1].of.i64;
    uint32_t whence = WASI_U32(2) & 0xff, resp = WASI_U32(3);
    uint64_t right = whence == 1 && offset == 0 ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_fd_acquire(env, WASI_U32(0), &f);
    if (rc)
        return wasi_ret(results, rc);
    if (!(f.rights_base & right))
        rc = f.filetype == WASI_FILETYPE_REGULAR_FILE || f.filetype == WASI_FILETYPE_DIRECTORY
                 ? WASI_ENOTCAPABLE : WASI_ESPIPE;
    else if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, resp, 8))
        rc = WASI_EFAULT;
    else if (whence > 2)
        rc = WASI_EINVAL;
    else {
        off_t pos = lseek(f.h->host, (off_t)offset, host_whence[whence]);
        if (pos < 0)
            rc = wasi_errno();
        else
            wasi_mem_put64(&m, resp, (uint64_t)pos);
    }
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}

/* Snapshot 0 numbers whence cur 0, end 1, set 2; preview1 set 0, cur 1, end 2. */
WASI_HOSTFN(wasi_p0_fd_seek)
{
    static const int32_t p1_whence[3] = {1, 2, 0};
    uint32_t whence = WASI_U32(2) & 0xff;
    weft_val a[4] = {args[0], args[1], weft_val_i32(whence < 3 ? p1_whence[whence] : 3),
                     args[3]};
    return wasi_fd_seek(caller, env, a, results);
}

/* fd_tell(fd, offset: *u64) is fd_seek(fd, 0, CUR, offset). */
WASI_HOSTFN(wasi_fd_tell)
{
    weft_val a[4] = {args[0], weft_val_i64(0), weft_val_i32(1), args[1]};
    return wasi_fd_seek(caller, env, a, results);
}

/* ------------------------------------------------------------------------------------------ */
/* sync, datasync, advise, allocate, set_size: one host call each on a descriptor with a
 * right. The call is `op` below, given the host descriptor and the arguments. */

typedef int (*wasi_fd_op)(int host, const weft_val *args);

static weft_error *wasi_fd_simple(weft_wasi *w, const weft_val *args, uint64_t right,
                                  wasi_fd_op op, weft_val *results)
{
    wasi_fd f;
    int32_t rc = wasi_fd_acquire(w, WASI_U32(0), &f);
    if (rc)
        return wasi_ret(results, rc);
    if (!(f.rights_base & right))
        rc = WASI_ENOTCAPABLE;
    else
        rc = op(f.h->host, args);
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}

static int wasi_op_sync(int host, const weft_val *args)
{
    WEFT_UNUSED(args);
    return fsync(host) == 0 ? WASI_ESUCCESS : wasi_errno();
}

static int wasi_op_datasync(int host, const weft_val *args)
{
    WEFT_UNUSED(args);
    return fdatasync(host) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* fd_advise(fd, offset, len, advice): the preview1 advice numbers in POSIX's order. */
static int wasi_op_advise(int host, const weft_val *args)
{
    static const int advice[6] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                  POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    uint32_t a = (uint32_t)args[3].of.i32 & 0xff;
    if (a > 5 || args[1].of.i64 < 0 || args[2].of.i64 < 0)
        return WASI_EINVAL;
    return wasi_errno_from_host(
        posix_fadvise(host, (off_t)args[1].of.i64, (off_t)args[2].of.i64, advice[a]));
}

/* fd_allocate(fd, offset, len) */
static int wasi_op_allocate(int host, const weft_val *args)
{
    int64_t off = args[1].of.i64, len = args[2].of.i64;
    if (off < 0 || len <= 0 || len > INT64_MAX - off)
        return off < 0 || len < 0 ? WASI_EINVAL : len == 0 ? WASI_EINVAL : WASI_EFBIG;
    return wasi_errno_from_host(posix_fallocate(host, (off_t)off, (off_t)len));
}

/* fd_filestat_set_size(fd, size) */
static int wasi_op_set_size(int host, const weft_val *args)
{
    if (args[1].of.i64 < 0)
        return WASI_EFBIG;
    return ftruncate(host, (off_t)args[1].of.i64) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* fd_filestat_set_times(fd, atim, mtim, fstflags) */
static int wasi_op_set_times(int host, const weft_val *args)
{
    struct timespec ts[2];
    if (!wasi_times_of((uint64_t)args[1].of.i64, (uint64_t)args[2].of.i64,
                       (uint32_t)args[3].of.i32 & 0xffff, ts))
        return WASI_EINVAL;
    return futimens(host, ts) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* The host functions: each one right and one op. */
#define WASI_FD_SIMPLE(name, right, op)                                                   \
    WASI_HOSTFN(name)                                                                     \
    {                                                                                     \
        WEFT_UNUSED(caller);                                                              \
        return wasi_fd_simple(env, args, right, op, results);                             \
    }

WASI_FD_SIMPLE(wasi_fd_sync, WASI_RIGHT_FD_SYNC, wasi_op_sync)
WASI_FD_SIMPLE(wasi_fd_datasync, WASI_RIGHT_FD_DATASYNC, wasi_op_datasync)
WASI_FD_SIMPLE(wasi_fd_advise, WASI_RIGHT_FD_ADVISE, wasi_op_advise)
WASI_FD_SIMPLE(wasi_fd_allocate, WASI_RIGHT_FD_ALLOCATE, wasi_op_allocate)
WASI_FD_SIMPLE(wasi_fd_filestat_set_size, WASI_RIGHT_FD_FILESTAT_SET_SIZE, wasi_op_set_size)
WASI_FD_SIMPLE(wasi_fd_filestat_set_times, WASI_RIGHT_FD_FILESTAT_SET_TIMES, wasi_op_set_times)

/* ------------------------------------------------------------------------------------------ */
/* filestat */

static uint64_t wasi_ns(struct timespec t)
{
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* filestat: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48,
 * ctim @56 (all u64 but filetype). Snapshot 0's nlink is a u32 @20, which moves the rest
 * 8 bytes back (56 bytes in all). */
void wasi_filestat_put(const wasi_mem *m, uint32_t p, const struct stat *st, bool p0)
{
    uint32_t rest = p0 ? p + 24 : p + 32;
    memset(wasi_mem_range(m, p, WASI_FILESTAT_SIZE(p0)), 0, WASI_FILESTAT_SIZE(p0));
    wasi_mem_put64(m, p, (uint64_t)st->st_dev);
    wasi_mem_put64(m, p + 8, (uint64_t)st->st_ino);
    wasi_mem_put8(m, p + 16, wasi_filetype_of_mode(st->st_mode));
    if (p0)
        wasi_mem_put32(m, p + 20, st->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->st_nlink);
    else
        wasi_mem_put64(m, p + 24, (uint64_t)st->st_nlink);
    wasi_mem_put64(m, rest, (uint64_t)st->st_size);
    wasi_mem_put64(m, rest + 8, wasi_ns(st->st_atim));
    wasi_mem_put64(m, rest + 16, wasi_ns(st->st_mtim));
    wasi_mem_put64(m, rest + 24, wasi_ns(st->st_ctim));
}

bool wasi_times_of(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2])
{
    const uint64_t t[2] = {atim, mtim};
    if (fst & ~0xfu)
        return false;
    for (int i = 0; i < 2; i++) {
        uint32_t set = i ? WASI_FST_MTIM : WASI_FST_ATIM;
        uint32_t now = i ? WASI_FST_MTIM_NOW : WASI_FST_ATIM_NOW;
        if ((fst & set) && (fst & now))
            return false;
        ts[i].tv_sec = 0;
        ts[i].tv_nsec = (fst & now) ? UTIME_NOW : UTIME_OMIT;
        if (fst & set) {
            ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
            ts[i].tv_nsec = (long)(t[i] % 1000000000u);
        }
    }
    return true;
}

/* fd_filestat_get(fd, buf: *filestat), with the type the descriptor's slot gives. */
static weft_error *wasi_fd_filestat(weft_caller *caller, weft_wasi *w, const weft_val *args,
                                    weft_val *results, bool p0)
{
    uint32_t p = WASI_U32(1);
    wasi_fd f;
    wasi_mem m;
    struct stat st;
    int32_t rc = wasi_fd_begin(w, caller, WASI_U32(0), WASI_RIGHT_FD_FILESTAT_GET,
                               WASI_ENOTCAPABLE, p, WASI_FILESTAT_SIZE(p0), &f, &m);
    if (rc)
        return wasi_ret(results, rc);
    if (fstat(f.h->host, &st) != 0)
        rc = wasi_errno();
    else {
        wasi_filestat_put(&m, p, &st, p0);
        wasi_mem_put8(&m, p + 16, f.filetype); /* a terminal's, a socket's kind */
    }
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}

WASI_HOSTFN(wasi_fd_filestat_get)
{
    return wasi_fd_filestat(caller, env, args, results, false);
}

WASI_HOSTFN(wasi_p0_fd_filestat_get)
{
    return wasi_fd_filestat(caller, env, args, results, true);
}

/* ------------------------------------------------------------------------------------------ */
/* readdir */

/* The WASI type of a directory entry; DT_UNKNOWN (some filesystems) asks the filesystem. */
static uint8_t wasi_dirent_type(DIR *d, const struct dirent *e)
{
    struct stat st;
    switch (e->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN:
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_filetype_of_mode(st.st_mode);
        return WASI_FILETYPE_UNKNOWN;
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* Position the handle's directory stream at entry number `cookie`, opening it on first
 * use. The stream is a fresh open of the directory (not the handle's descriptor, whose
 * offset we leave alone). Cookies are entry indexes; d_next is the next one's. */
static int32_t wasi_dir_seek(wasi_handle *h, uint64_t cookie)
{
    if (!h->dir) {
        int fd = openat(h->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return wasi_errno();
        h->dir = fdopendir(fd);
        if (!h->dir) {
            int32_t rc = wasi_errno();
            close(fd);
            return rc;
        }
        h->dir_next = 0;
    }
    if (cookie == h->dir_next)
        return WASI_ESUCCESS;
    /* Back to the start (which also sees entries made since) and skip `cookie` entries. */
    rewinddir(h->dir);
    h->dir_next = 0;
    while (h->dir_next < cookie && readdir(h->dir))
        h->dir_next++;
    return WASI_ESUCCESS;
}

/* Fill buf with entries: dirent header (d_next u64 @0, d_ino u64 @8, d_namlen u32 @16,
 * d_type u8 @20; 24 bytes) then the name, unterminated. The last entry may be cut at the
 * end of the buffer: bufused == buf_len tells the guest to ask again from the last whole
 * entry's d_next (the cut entry is read again then). Returns bytes used or -errno. */
static int64_t wasi_dir_fill(wasi_handle *h, uint8_t *buf, uint32_t len)
{
    uint32_t used = 0;
    while (used < len) {
        long pos = telldir(h->dir);
        errno = 0;
        struct dirent *e = readdir(h->dir);
        if (!e) {
            if (errno && used == 0)
                return -(int64_t)wasi_errno();
            break;
        }
        size_t namlen = strlen(e->d_name);
        uint8_t head[24] = {0};
        uint64_t next = h->dir_next + 1, ino = (uint64_t)e->d_ino;
        for (int i = 0; i < 8; i++) {
            head[i] = (uint8_t)(next >> (8 * i));
            head[8 + i] = (uint8_t)(ino >> (8 * i));
        }
        for (int i = 0; i < 4; i++)
            head[16 + i] = (uint8_t)((uint32_t)namlen >> (8 * i));
        head[20] = wasi_dirent_type(h->dir, e);
        uint32_t room = len - used;
        memcpy(buf + used, head, room < 24 ? room : 24);
        if (room > 24)
            memcpy(buf + used + 24, e->d_name, room - 24 < namlen ? room - 24 : namlen);
        if (24 + namlen > room) {
            seekdir(h->dir, pos); /* cut: give it again on the next call */
            return len;
        }
        used += 24 + (uint32_t)namlen;
        h->dir_next = next;
    }
    return used;
}

/* fd_readdir(fd, buf, buf_len, cookie: u64, bufused: *u32) */
WASI_HOSTFN(wasi_fd_readdir)
{
    uint32_t buf = WASI_U32(1), len = WASI_U32(2), resp = WASI_U32(4);
    wasi_fd f;
    wasi_mem m;
    uint8_t *out;
    int32_t rc = wasi_fd_acquire(env, WASI_U32(0), &f);
    if (rc)
        return wasi_ret(results, rc);
    if (f.filetype != WASI_FILETYPE_DIRECTORY)
        rc = WASI_ENOTDIR;
    else if (!(f.rights_base & WASI_RIGHT_FD_READDIR))
        rc = WASI_ENOTCAPABLE;
    else if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, resp, 4) ||
             !(out = wasi_mem_range(&m, buf, len)))
        rc = WASI_EFAULT;
    else {
        pthread_mutex_lock(&f.h->lock);
        rc = wasi_dir_seek(f.h, (uint64_t)args[3].of.i64);
        int64_t used = rc ? 0 : wasi_dir_fill(f.h, out, len);
        pthread_mutex_unlock(&f.h->lock);
        if (used < 0)
            rc = (int32_t)-used;
        else if (!rc)
            wasi_mem_put32(&m, resp, (uint32_t)used);
    }
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}
