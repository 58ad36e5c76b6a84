/*
 * wasi.h - WASI preview1 inside weft: the per-program state (arguments, environment, the
 * descriptor table) and the helpers the host functions share.
 *
 * The host functions are ordinary weft host functions (weft_host_fn) defined through the
 * public linker, so this layer sits on top of the embedding API and needs no runtime
 * internals. Each one reads and writes guest memory only through wasi_mem_* below, which
 * bounds-check every pointer and length against the memory's current size: a bad pointer
 * gives the guest EFAULT and never touches host memory.
 *
 * Threads: wasi-threads calls these functions from several threads at once. The arguments
 * and environment are immutable after weft_wasi_new; the descriptor table is guarded by
 * `lock`. There is no global state: two weft_wasi objects are independent.
 */
#ifndef WEFT_WASI_H
#define WEFT_WASI_H

#include <pthread.h>

#include "util/util.h"

/* errno values of preview1 (a subset; the guest sees them as u16). */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EAGAIN = 6, WASI_EBADF = 8,
    WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EINTR = 27, WASI_EINVAL = 28,
    WASI_EIO = 29, WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33,
    WASI_ENAMETOOLONG = 37, WASI_ENOENT = 44, WASI_ENOMEM = 48, WASI_ENOSPC = 51,
    WASI_ENOSYS = 52, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55, WASI_ENOTSUP = 58,
    WASI_ENOTTY = 59, WASI_EOVERFLOW = 61, WASI_EPERM = 63, WASI_EPIPE = 64,
    WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76
};

enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1, WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3, WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_STREAM = 6,
    WASI_FILETYPE_SYMBOLIC_LINK = 7
};

/* Rights bits (preview1's `rights` flags). */
#define WASI_RIGHT_FD_DATASYNC (1ull << 0)
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS (1ull << 3)
#define WASI_RIGHT_FD_SYNC (1ull << 4)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_FD_FILESTAT_GET (1ull << 21)
#define WASI_RIGHT_POLL_FD_READWRITE (1ull << 27)

/* What a slot of the descriptor table holds. Files, directories and preopens arrive with
 * the sandboxed filesystem; the table already has room for them. */
typedef enum wasi_fd_kind {
    WASI_FD_FREE = 0,  /* unused slot (closed or never opened) */
    WASI_FD_STDIO,     /* one of the host's standard streams: never closed by us */
    WASI_FD_FILE,      /* an open host file we own */
    WASI_FD_DIR        /* an open directory; a preopen when `preopen` is set */
} wasi_fd_kind;

typedef struct wasi_fd {
    wasi_fd_kind kind;
    int host;                /* host descriptor */
    uint8_t filetype;        /* WASI_FILETYPE_* */
    uint16_t flags;          /* fdflags */
    uint64_t rights_base, rights_inheriting;
    char *preopen;           /* guest-visible name of a preopened directory, or NULL */
} wasi_fd;

struct weft_wasi {
    /* Immutable after weft_wasi_new: the strings as the guest sees them, each NUL-ended,
     * back to back in one buffer. */
    uint32_t argc, envc;
    char *argbuf, *envbuf;
    uint32_t argbuf_len, envbuf_len;

    pthread_mutex_t lock;    /* guards the descriptor table */
    wasi_fd *fds;            /* indexed by guest descriptor number */
    size_t nfds, capfds;
};

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

/* The host's errno as a WASI errno. */
int32_t wasi_errno_from_host(int host_errno);

/* ------------------------------------------------------------------------------------------ */
/* The descriptor table (wasi_fd.c). */

bool wasi_fds_init(weft_wasi *w, int in, int out, int err);
void wasi_fds_free(weft_wasi *w);
/* Copy the entry of descriptor fd into *out (under the lock). WASI_EBADF when not open. */
int32_t wasi_fd_get(weft_wasi *w, uint32_t fd, wasi_fd *out);
/* Store *f in the lowest free descriptor and return its number in *out (the table takes
 * ownership of f->preopen and, for files and directories, of f->host). */
#define WASI_MAX_FDS 4096
int32_t wasi_fd_insert(weft_wasi *w, const wasi_fd *f, uint32_t *out);

/* ------------------------------------------------------------------------------------------ */
/* Host functions. All have the weft_host_fn shape; env is the weft_wasi. */

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
WASI_HOSTFN(wasi_sched_yield);
WASI_HOSTFN(wasi_poll_oneoff);

/* wasi_fd.c */
WASI_HOSTFN(wasi_fd_write);
WASI_HOSTFN(wasi_fd_read);
WASI_HOSTFN(wasi_fd_close);
WASI_HOSTFN(wasi_fd_seek);
WASI_HOSTFN(wasi_fd_tell);
WASI_HOSTFN(wasi_fd_fdstat_get);
WASI_HOSTFN(wasi_fd_filestat_get);
WASI_HOSTFN(wasi_fd_prestat_get);
WASI_HOSTFN(wasi_fd_prestat_dir_name);

/* wasi.c: every function not implemented yet answers ENOSYS. */
WASI_HOSTFN(wasi_enosys);

/* Set the i32 errno result. Returns NULL, so host functions can `return wasi_ret(...)`. */
static inline weft_error *wasi_ret(weft_val *results, int32_t err)
{
    results[0].type = WEFT_I32;
    results[0].of.i64 = 0;
    results[0].of.i32 = err;
    return NULL;
}

#endif
