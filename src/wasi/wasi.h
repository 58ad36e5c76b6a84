/*
 * wasi.h - WASI preview1 inside weft: the per-program state (arguments, environment, the
 * descriptor table), the sandboxed path resolver and the helpers the host functions share.
 *
 * The host functions are ordinary weft host functions (weft_host_fn) defined through the
 * public linker, so this layer sits on top of the embedding API and needs no runtime
 * internals. Each one reads and writes guest memory only through wasi_mem_* below, which
 * bounds-check every pointer and length against the memory's current size: a bad pointer
 * gives the guest EFAULT and never touches host memory.
 *
 * Files:
 *   wasi.c        the weft_wasi object, the table of every preview1 function, guest memory
 *                 helpers, the errno mapping
 *   wasi_table.c  the descriptor table: reference-counted host handles, preopens, fdstat,
 *                 prestat, close and renumber
 *   wasi_fd.c     fd_* on open descriptors: read, write, seek, sync, filestat, readdir ...
 *   wasi_path.c   the sandbox: resolving a guest path beneath a directory descriptor
 *   wasi_fs.c     path_* (open, mkdir, rename, links ...) on top of wasi_path.c
 *   wasi_proc.c   arguments, environment, clocks, randomness, exit, poll_oneoff
 *   wasi_sock.c   sock_* on sockets the host handed over
 *
 * Threads: wasi-threads calls these functions from several threads at once. The arguments
 * and environment are immutable after creation; the descriptor table is guarded by `lock`,
 * held only while a slot is read or changed. I/O runs on a wasi_handle taken out of the
 * table with a reference (wasi_fd_acquire), so a concurrent fd_close only drops the table's
 * reference: the host descriptor stays open, and its number unused by anyone else, until
 * the last user lets go. There is no global state: two weft_wasi objects are independent.
 */
#ifndef WEFT_WASI_H
#define WEFT_WASI_H

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>

#include "util/util.h"

/* errno values of preview1 (the guest sees them as u16). */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG, WASI_EACCES, WASI_EADDRINUSE, WASI_EADDRNOTAVAIL,
    WASI_EAFNOSUPPORT, WASI_EAGAIN, WASI_EALREADY, WASI_EBADF, WASI_EBADMSG, WASI_EBUSY,
    WASI_ECANCELED, WASI_ECHILD, WASI_ECONNABORTED, WASI_ECONNREFUSED, WASI_ECONNRESET,
    WASI_EDEADLK, WASI_EDESTADDRREQ, WASI_EDOM, WASI_EDQUOT, WASI_EEXIST, WASI_EFAULT,
    WASI_EFBIG, WASI_EHOSTUNREACH, WASI_EIDRM, WASI_EILSEQ, WASI_EINPROGRESS, WASI_EINTR,
    WASI_EINVAL, WASI_EIO, WASI_EISCONN, WASI_EISDIR, WASI_ELOOP, WASI_EMFILE, WASI_EMLINK,
    WASI_EMSGSIZE, WASI_EMULTIHOP, WASI_ENAMETOOLONG, WASI_ENETDOWN, WASI_ENETRESET,
    WASI_ENETUNREACH, WASI_ENFILE, WASI_ENOBUFS, WASI_ENODEV, WASI_ENOENT, WASI_ENOEXEC,
    WASI_ENOLCK, WASI_ENOLINK, WASI_ENOMEM, WASI_ENOMSG, WASI_ENOPROTOOPT, WASI_ENOSPC,
    WASI_ENOSYS, WASI_ENOTCONN, WASI_ENOTDIR, WASI_ENOTEMPTY, WASI_ENOTRECOVERABLE,
    WASI_ENOTSOCK, WASI_ENOTSUP, WASI_ENOTTY, WASI_ENXIO, WASI_EOVERFLOW, WASI_EOWNERDEAD,
    WASI_EPERM, WASI_EPIPE, WASI_EPROTO, WASI_EPROTONOSUPPORT, WASI_EPROTOTYPE, WASI_ERANGE,
    WASI_EROFS, WASI_ESPIPE, WASI_ESRCH, WASI_ESTALE, WASI_ETIMEDOUT, WASI_ETXTBSY,
    WASI_EXDEV, WASI_ENOTCAPABLE /* = 76 */
};

enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1, WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3, WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7
};

/* fdflags */
#define WASI_FDFLAG_APPEND 1u
#define WASI_FDFLAG_DSYNC 2u
#define WASI_FDFLAG_NONBLOCK 4u
#define WASI_FDFLAG_RSYNC 8u
#define WASI_FDFLAG_SYNC 16u
/* oflags of path_open */
#define WASI_O_CREAT 1u
#define WASI_O_DIRECTORY 2u
#define WASI_O_EXCL 4u
#define WASI_O_TRUNC 8u
/* lookupflags */
#define WASI_LOOKUP_SYMLINK_FOLLOW 1u
/* fstflags of the set_times functions */
#define WASI_FST_ATIM 1u
#define WASI_FST_ATIM_NOW 2u
#define WASI_FST_MTIM 4u
#define WASI_FST_MTIM_NOW 8u

/* Rights bits (preview1's `rights` flags), in the witx order. */
#define WASI_RIGHT_FD_DATASYNC (1ull << 0)
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS (1ull << 3)
#define WASI_RIGHT_FD_SYNC (1ull << 4)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_FD_ADVISE (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE (1ull << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY (1ull << 9)
#define WASI_RIGHT_PATH_CREATE_FILE (1ull << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE (1ull << 11)
#define WASI_RIGHT_PATH_LINK_TARGET (1ull << 12)
#define WASI_RIGHT_PATH_OPEN (1ull << 13)
#define WASI_RIGHT_FD_READDIR (1ull << 14)
#define WASI_RIGHT_PATH_READLINK (1ull << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE (1ull << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET (1ull << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET (1ull << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define WASI_RIGHT_FD_FILESTAT_GET (1ull << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE (1ull << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES (1ull << 23)
#define WASI_RIGHT_PATH_SYMLINK (1ull << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY (1ull << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE (1ull << 26)
#define WASI_RIGHT_POLL_FD_READWRITE (1ull << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN (1ull << 28)
#define WASI_RIGHT_SOCK_ACCEPT (1ull << 29)
#define WASI_RIGHTS_ALL ((1ull << 30) - 1)

/* What a regular file and a directory can ever do. A descriptor's rights are the ones it
 * was opened with, cut down to these for its type. */
#define WASI_RIGHTS_FILE                                                                  \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |                   \
     WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |           \
     WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |                \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                       \
     WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR                                                                   \
    (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC |        \
     WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE |                     \
     WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN |    \
     WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE |    \
     WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET |                       \
     WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |             \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES |                      \
     WASI_RIGHT_PATH_SYMLINK | WASI_RIGHT_PATH_REMOVE_DIRECTORY |                         \
     WASI_RIGHT_PATH_UNLINK_FILE | WASI_RIGHT_POLL_FD_READWRITE)

/* What a socket can do: read, write, poll and shut down (accept: a listening one). */
#define WASI_RIGHTS_SOCKET                                                                \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FILESTAT_GET |              \
     WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_SOCK_SHUTDOWN)

/* ------------------------------------------------------------------------------------------ */
/* Handles and the descriptor table */

/* An open host descriptor, shared by the table slot and by every call using it. */
typedef struct wasi_handle {
    atomic_uint refs;
    int host;
    bool owned;             /* close `host` with the last reference (not the host's stdio) */
    pthread_mutex_t lock;   /* guards the directory stream below */
    DIR *dir;               /* fd_readdir's stream, opened on first use */
    uint64_t dir_next;      /* the cookie of the entry `dir` returns next */
} wasi_handle;

typedef struct wasi_fd {
    wasi_handle *h;          /* NULL: a free slot */
    uint8_t filetype;        /* WASI_FILETYPE_* */
    uint16_t flags;          /* fdflags */
    uint64_t rights_base, rights_inheriting;
    char *preopen;           /* guest-visible name of a preopened directory, or NULL */
} wasi_fd;

struct weft_wasi {
    /* Immutable after creation: the strings as the guest sees them, each NUL-ended,
     * back to back in one buffer. */
    uint32_t argc, envc;
    char *argbuf, *envbuf;
    uint32_t argbuf_len, envbuf_len;

    pthread_mutex_t lock;    /* guards the descriptor table */
    wasi_fd *fds;            /* indexed by guest descriptor number */
    size_t nfds, capfds;

    /* Cancellation (wasi_cancel): while set, every call that could block ends at once with
     * an "interrupted" trap. The pipe's read end is readable while set; blocking calls poll
     * it beside their own descriptors, so a thread already asleep wakes up too. */
    atomic_bool cancelled;
    atomic_bool threaded;    /* a wasi-threads program: writes to streams are cancellable */
    int cancel_rd, cancel_wr;
};

#define WASI_MAX_FDS 4096

/* A new handle with one reference on host (closed with it when owned). NULL: no memory. */
wasi_handle *wasi_handle_new(int host, bool owned);
void wasi_handle_release(wasi_handle *h);

/* The table with the three standard streams on host descriptors host[0..2] (a negative
 * one leaves its slot empty). */
bool wasi_fds_init(weft_wasi *w, const int host[3]);
void wasi_fds_free(weft_wasi *w);
/* Copy descriptor fd's slot into *out with a new reference on its handle (release it with
 * wasi_fd_release). WASI_EBADF when not open. out->preopen is not copied (NULL). */
int32_t wasi_fd_acquire(weft_wasi *w, uint32_t fd, wasi_fd *out);
static inline void wasi_fd_release(wasi_fd *f) { wasi_handle_release(f->h); f->h = NULL; }
/* Store *f in the lowest free descriptor and return its number in *out. The table takes
 * f->h's reference and f->preopen; on failure both are released. */
int32_t wasi_fd_insert(weft_wasi *w, wasi_fd *f, uint32_t *out);
/* Open host directory `host_path` as a preopen named `guest` (the next descriptor). */
weft_error *wasi_fd_preopen(weft_wasi *w, const char *host_path, const char *guest);
/* The WASI file type of a host stat mode. */
uint8_t wasi_filetype_of_mode(unsigned mode);

/* ------------------------------------------------------------------------------------------ */
/* Cancellation. wasi-threads ends a program (proc_exit, a trap, _start returning) while
 * other threads may sit in a WASI call waiting for input or a clock; those calls poll the
 * cancel pipe too and return the trap below, which unwinds their thread. */

/* Set (on) or clear the cancellation of w's blocking calls. Safe from any thread. */
void wasi_cancel(weft_wasi *w, bool on);
/* Mark w as used by a wasi-threads program (makes stream writes cancellable too). */
void wasi_set_threaded(weft_wasi *w);
static inline bool wasi_is_cancelled(weft_wasi *w) { return atomic_load(&w->cancelled); }
/* The trap a cancelled call returns (WEFT_TRAP_INTERRUPTED). */
weft_error *wasi_cancel_trap(void);
/* Wait until host descriptor fd has `events` (POLLIN, POLLOUT), w is cancelled or the
 * caller's store is interrupted (weft_interrupt). Returns 0 when fd is ready (or in error:
 * the I/O call will say), 1 when cancelled or interrupted. */
int wasi_wait_ready(weft_wasi *w, weft_caller *caller, int fd, short events);
/* The caller's store's wake descriptor (readable once weft_interrupt is called on it), or
 * -1: blocking calls poll it beside their own descriptors. */
int wasi_wake_fd(weft_caller *caller);
/* True when the caller's store was interrupted; the interrupt is then consumed (the call
 * returns wasi_cancel_trap(), which delivers it). */
bool wasi_take_interrupt(weft_caller *caller);

/* ------------------------------------------------------------------------------------------ */
/* Guest memory access. A wasi_mem is a snapshot of memory 0 of the caller; memories only
 * grow, so a range valid against the snapshot stays valid while the host function runs. */

typedef struct wasi_mem {
    uint8_t *base;
    uint64_t size;
} wasi_mem;

/* false when the caller has no memory 0. */
bool wasi_mem_of(weft_caller *caller, wasi_mem *m);
/* A host pointer to [ptr, ptr+len) of guest memory, or NULL when any byte is outside. */
uint8_t *wasi_mem_range(const wasi_mem *m, uint32_t ptr, uint64_t len);
/* Little-endian loads and stores; false (nothing written) when out of bounds. */
bool wasi_mem_get32(const wasi_mem *m, uint32_t ptr, uint32_t *out);
bool wasi_mem_get64(const wasi_mem *m, uint32_t ptr, uint64_t *out);
bool wasi_mem_put8(const wasi_mem *m, uint32_t ptr, uint8_t v);
bool wasi_mem_put16(const wasi_mem *m, uint32_t ptr, uint16_t v);
bool wasi_mem_put32(const wasi_mem *m, uint32_t ptr, uint32_t v);
bool wasi_mem_put64(const wasi_mem *m, uint32_t ptr, uint64_t v);

/* At most this many iovecs per call, like the host's IOV_MAX: the guest cannot make us walk
 * an arbitrarily long array. */
#define WASI_IOV_MAX 1024

struct iovec;
/* Check the guest's iovec array [iovs, iovs + n*8) and every buffer it names before any
 * I/O, so a bad pointer never leaves a half-done transfer behind; with `out` (room for n),
 * fill host iovecs too. Returns an errno. */
int32_t wasi_iovs_check(const wasi_mem *m, uint32_t iovs, uint32_t n, struct iovec *out);

/* The host's errno as a WASI errno (EIO for the few with no counterpart). */
int32_t wasi_errno_from_host(int host_errno);
/* errno after a failed host call, as a WASI errno. */
int32_t wasi_errno(void);

/* Common start of the fd_* functions: take descriptor fd (a reference: release it) and
 * check it has all of `rights` (else `norights`, and nothing is held), then take the
 * caller's memory and check [res, res+reslen) lies inside it. */
int32_t wasi_fd_begin(weft_wasi *w, weft_caller *caller, uint32_t fd, uint64_t rights,
                      int32_t norights, uint32_t res, uint64_t reslen, wasi_fd *f,
                      wasi_mem *m);
/* Write a filestat for a host stat at guest address p (checked by the caller), in
 * preview1's layout or, with p0, in snapshot 0's (wasi_unstable). */
#define WASI_FILESTAT_SIZE(p0) ((p0) ? 56u : 64u)
struct stat;
void wasi_filestat_put(const wasi_mem *m, uint32_t p, const struct stat *st, bool p0);
/* struct timespec pair for utimensat/futimens from (atim, mtim, fstflags); false when the
 * flags contradict each other (EINVAL). */
struct timespec;
bool wasi_times_of(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

/* ------------------------------------------------------------------------------------------ */
/* The sandbox (wasi_path.c). A guest path is resolved beneath a directory descriptor one
 * component at a time, never letting the kernel walk more than one name: see wasi_path.c
 * for the rules. The result is a host directory and one final name in it, which the caller
 * uses with the *at() call of its operation, without following a symbolic link there. */

#define WASI_PATH_MAX 4096
#define WASI_SYMLINK_MAX 32

typedef struct wasi_resolved {
    int dir;            /* host directory descriptor holding `name` */
    bool owned;         /* `dir` is ours to close (wasi_resolved_free) */
    bool dir_required;  /* the path ended with '/': it must name a directory */
    char name[256];     /* the final component; "." when the path names `dir` itself */
} wasi_resolved;

/* Resolve the guest path [path, path+len) beneath host directory `base`. With `follow`, a
 * symbolic link as the final component is followed too. Returns an errno; on success
 * release *out with wasi_resolved_free. */
int32_t wasi_path_resolve(int base, const char *path, size_t len, bool follow,
                          wasi_resolved *out);
void wasi_resolved_free(wasi_resolved *r);

/* ------------------------------------------------------------------------------------------ */
/* Host functions. All have the weft_host_fn shape; env is the weft_wasi. The wasi_p0_ ones
 * are the snapshot 0 (wasi_unstable) forms of the few whose layout or numbering differs. */

#define WASI_HOSTFN(name) \
    weft_error *name(weft_caller *caller, void *env, const weft_val *args, weft_val *results)

/* wasi_proc.c */
WASI_HOSTFN(wasi_args_get);
WASI_HOSTFN(wasi_args_sizes_get);
WASI_HOSTFN(wasi_environ_get);
WASI_HOSTFN(wasi_environ_sizes_get);
WASI_HOSTFN(wasi_clock_res_get);
WASI_HOSTFN(wasi_clock_time_get);
WASI_HOSTFN(wasi_random_get);
WASI_HOSTFN(wasi_proc_exit);
WASI_HOSTFN(wasi_proc_raise);
WASI_HOSTFN(wasi_sched_yield);
WASI_HOSTFN(wasi_poll_oneoff);
WASI_HOSTFN(wasi_p0_poll_oneoff);

/* wasi_sock.c */
WASI_HOSTFN(wasi_sock_accept);
WASI_HOSTFN(wasi_sock_recv);
WASI_HOSTFN(wasi_sock_send);
WASI_HOSTFN(wasi_sock_shutdown);
/* SOCKET_STREAM or SOCKET_DGRAM for a host socket. */
uint8_t wasi_socket_type(int host);

/* wasi_table.c */
WASI_HOSTFN(wasi_fd_close);
WASI_HOSTFN(wasi_fd_renumber);
WASI_HOSTFN(wasi_fd_fdstat_get);
WASI_HOSTFN(wasi_fd_fdstat_set_flags);
WASI_HOSTFN(wasi_fd_fdstat_set_rights);
WASI_HOSTFN(wasi_fd_prestat_get);
WASI_HOSTFN(wasi_fd_prestat_dir_name);

/* wasi_fd.c */
WASI_HOSTFN(wasi_fd_write);
WASI_HOSTFN(wasi_fd_read);
WASI_HOSTFN(wasi_fd_pwrite);
WASI_HOSTFN(wasi_fd_pread);
WASI_HOSTFN(wasi_fd_seek);
WASI_HOSTFN(wasi_fd_tell);
WASI_HOSTFN(wasi_fd_sync);
WASI_HOSTFN(wasi_fd_datasync);
WASI_HOSTFN(wasi_fd_advise);
WASI_HOSTFN(wasi_fd_allocate);
WASI_HOSTFN(wasi_fd_filestat_get);
WASI_HOSTFN(wasi_p0_fd_filestat_get);
WASI_HOSTFN(wasi_p0_fd_seek);
WASI_HOSTFN(wasi_fd_filestat_set_size);
WASI_HOSTFN(wasi_fd_filestat_set_times);
WASI_HOSTFN(wasi_fd_readdir);

/* wasi_fs.c */
WASI_HOSTFN(wasi_path_open);
WASI_HOSTFN(wasi_path_create_directory);
WASI_HOSTFN(wasi_path_remove_directory);
WASI_HOSTFN(wasi_path_unlink_file);
WASI_HOSTFN(wasi_path_rename);
WASI_HOSTFN(wasi_path_symlink);
WASI_HOSTFN(wasi_path_readlink);
WASI_HOSTFN(wasi_path_link);
WASI_HOSTFN(wasi_path_filestat_get);
WASI_HOSTFN(wasi_p0_path_filestat_get);
WASI_HOSTFN(wasi_path_filestat_set_times);

/* Set the i32 errno result. Returns NULL, so host functions can `return wasi_ret(...)`. */
static inline weft_error *wasi_ret(weft_val *results, int32_t err)
{
    results[0].type = WEFT_I32;
    results[0].of.i64 = 0;
    results[0].of.i32 = err;
    return NULL;
}

/* Argument i of a host function as an unsigned 32-bit value. */
#define WASI_U32(i) ((uint32_t)args[i].of.i32)

#endif
