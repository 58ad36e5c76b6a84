/*
 * wasi.c - WASI preview1: the weft_wasi object, the table of every preview1 function with
 * its signature, guest memory helpers and errno mapping.
 *
 * Every preview1 function is defined with its exact signature and implemented; proc_raise
 * answers ENOSYS, as preview1 has no way to deliver a signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "wasi.h"
#include "../exec/exec.h"

#define WASI_MODULE "wasi_snapshot_preview1"
#define WASI_MODULE_P0 "wasi_unstable"

/* ------------------------------------------------------------------------------------------ */
/* Guest memory */

/* The caller's memory 0; with several memories (multi-memory), its exported "memory", the
 * one WASI programs mean (looked up only then: the export search costs a scan). */
bool wasi_mem_of(weft_caller *caller, wasi_mem *m)
{
    weft_memory *mem = NULL;
    if (weft_caller_memory(caller, 1))
        mem = weft_instance_memory(weft_caller_instance(caller), "memory");
    if (!mem)
        mem = weft_caller_memory(caller, 0);
    if (!mem) {
        m->base = NULL;
        m->size = 0;
        return false;
    }
    m->base = weft_memory_data(mem);
    m->size = weft_memory_size(mem);
    return m->base != NULL || m->size == 0;
}

uint8_t *wasi_mem_range(const wasi_mem *m, uint32_t ptr, uint64_t len)
{
    /* ptr < 2^32 and len is bounded by the caller's arithmetic in 64 bits, so the sum
     * cannot wrap. */
    if (!m->base || (uint64_t)ptr > m->size || len > m->size - ptr)
        return NULL;
    return m->base + ptr;
}

bool wasi_mem_get32(const wasi_mem *m, uint32_t ptr, uint32_t *out)
{
    const uint8_t *p = wasi_mem_range(m, ptr, 4);
    if (!p)
        return false;
    *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

bool wasi_mem_get64(const wasi_mem *m, uint32_t ptr, uint64_t *out)
{
    const uint8_t *p = wasi_mem_range(m, ptr, 8);
    if (!p)
        return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    *out = v;
    return true;
}

static bool wasi_mem_put(const wasi_mem *m, uint32_t ptr, uint64_t v, unsigned n)
{
    uint8_t *p = wasi_mem_range(m, ptr, n);
    if (!p)
        return false;
    for (unsigned i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
    return true;
}

bool wasi_mem_put8(const wasi_mem *m, uint32_t ptr, uint8_t v) { return wasi_mem_put(m, ptr, v, 1); }
bool wasi_mem_put16(const wasi_mem *m, uint32_t ptr, uint16_t v) { return wasi_mem_put(m, ptr, v, 2); }
bool wasi_mem_put32(const wasi_mem *m, uint32_t ptr, uint32_t v) { return wasi_mem_put(m, ptr, v, 4); }
bool wasi_mem_put64(const wasi_mem *m, uint32_t ptr, uint64_t v) { return wasi_mem_put(m, ptr, v, 8); }

/* Host errno -> WASI errno, as a table rather than a switch: on Linux several names share
 * a number (EWOULDBLOCK and EAGAIN, EOPNOTSUPP and ENOTSUP, EDEADLOCK and EDEADLK), which
 * duplicate case labels would reject. */
static const struct { int host; int32_t wasi; } wasi_errnos[] = {
    {E2BIG, WASI_E2BIG}, {EACCES, WASI_EACCES}, {EADDRINUSE, WASI_EADDRINUSE},
    {EADDRNOTAVAIL, WASI_EADDRNOTAVAIL}, {EAFNOSUPPORT, WASI_EAFNOSUPPORT},
    {EAGAIN, WASI_EAGAIN}, {EWOULDBLOCK, WASI_EAGAIN}, {EALREADY, WASI_EALREADY},
    {EBADF, WASI_EBADF}, {EBADMSG, WASI_EBADMSG}, {EBUSY, WASI_EBUSY},
    {ECANCELED, WASI_ECANCELED}, {ECHILD, WASI_ECHILD}, {ECONNABORTED, WASI_ECONNABORTED},
    {ECONNREFUSED, WASI_ECONNREFUSED}, {ECONNRESET, WASI_ECONNRESET},
    {EDEADLK, WASI_EDEADLK}, {EDESTADDRREQ, WASI_EDESTADDRREQ}, {EDOM, WASI_EDOM},
    {EDQUOT, WASI_EDQUOT}, {EEXIST, WASI_EEXIST}, {EFAULT, WASI_EFAULT},
    {EFBIG, WASI_EFBIG}, {EHOSTUNREACH, WASI_EHOSTUNREACH}, {EIDRM, WASI_EIDRM},
    {EILSEQ, WASI_EILSEQ}, {EINPROGRESS, WASI_EINPROGRESS}, {EINTR, WASI_EINTR},
    {EINVAL, WASI_EINVAL}, {EIO, WASI_EIO}, {EISCONN, WASI_EISCONN}, {EISDIR, WASI_EISDIR},
    {ELOOP, WASI_ELOOP}, {EMFILE, WASI_EMFILE}, {EMLINK, WASI_EMLINK},
    {EMSGSIZE, WASI_EMSGSIZE}, {EMULTIHOP, WASI_EMULTIHOP},
    {ENAMETOOLONG, WASI_ENAMETOOLONG}, {ENETDOWN, WASI_ENETDOWN},
    {ENETRESET, WASI_ENETRESET}, {ENETUNREACH, WASI_ENETUNREACH}, {ENFILE, WASI_ENFILE},
    {ENOBUFS, WASI_ENOBUFS}, {ENODEV, WASI_ENODEV}, {ENOENT, WASI_ENOENT},
    {ENOEXEC, WASI_ENOEXEC}, {ENOLCK, WASI_ENOLCK}, {ENOLINK, WASI_ENOLINK},
    {ENOMEM, WASI_ENOMEM}, {ENOMSG, WASI_ENOMSG}, {ENOPROTOOPT, WASI_ENOPROTOOPT},
    {ENOSPC, WASI_ENOSPC}, {ENOSYS, WASI_ENOSYS}, {ENOTCONN, WASI_ENOTCONN},
    {ENOTDIR, WASI_ENOTDIR}, {ENOTEMPTY, WASI_ENOTEMPTY},
    {ENOTRECOVERABLE, WASI_ENOTRECOVERABLE}, {ENOTSOCK, WASI_ENOTSOCK},
    {ENOTSUP, WASI_ENOTSUP}, {EOPNOTSUPP, WASI_ENOTSUP}, {ENOTTY, WASI_ENOTTY},
    {ENXIO, WASI_ENXIO}, {EOVERFLOW, WASI_EOVERFLOW}, {EOWNERDEAD, WASI_EOWNERDEAD},
    {EPERM, WASI_EPERM}, {EPIPE, WASI_EPIPE}, {EPROTO, WASI_EPROTO},
    {EPROTONOSUPPORT, WASI_EPROTONOSUPPORT}, {EPROTOTYPE, WASI_EPROTOTYPE},
    {ERANGE, WASI_ERANGE}, {EROFS, WASI_EROFS}, {ESPIPE, WASI_ESPIPE}, {ESRCH, WASI_ESRCH},
    {ESTALE, WASI_ESTALE}, {ETIMEDOUT, WASI_ETIMEDOUT}, {ETXTBSY, WASI_ETXTBSY},
    {EXDEV, WASI_EXDEV},
};

int32_t wasi_errno_from_host(int e)
{
    if (e == 0)
        return WASI_ESUCCESS;
    for (size_t i = 0; i < sizeof wasi_errnos / sizeof wasi_errnos[0]; i++)
        if (wasi_errnos[i].host == e)
            return wasi_errnos[i].wasi;
    return WASI_EIO;
}

int32_t wasi_errno(void)
{
    return wasi_errno_from_host(errno);
}

/* ------------------------------------------------------------------------------------------ */
/* Cancellation */

void wasi_cancel(weft_wasi *w, bool on)
{
    char buf[16];
    if (!w)
        return;
    if (on) {
        if (!atomic_exchange(&w->cancelled, true))
            (void)!write(w->cancel_wr, "x", 1);
        return;
    }
    /* Cleared only once nobody is waiting (the program has ended): drain, then clear. */
    while (read(w->cancel_rd, buf, sizeof buf) > 0)
        ;
    atomic_store(&w->cancelled, false);
}

void wasi_set_threaded(weft_wasi *w)
{
    if (w)
        atomic_store(&w->threaded, true);
}

weft_error *wasi_cancel_trap(void)
{
    return err_trap(WEFT_TRAP_INTERRUPTED);
}

int wasi_wake_fd(weft_caller *caller)
{
    return caller ? exec_wake_fd(caller->ctx) : -1;
}

bool wasi_take_interrupt(weft_caller *caller)
{
    if (!caller || !exec_interrupted(caller->ctx))
        return false;
    exec_interrupt_clear(caller->ctx);
    return true;
}

int wasi_wait_ready(weft_wasi *w, weft_caller *caller, int fd, short events)
{
    struct pollfd p[3] = {{.fd = fd, .events = events},
                          {.fd = w->cancel_rd, .events = POLLIN},
                          {.fd = wasi_wake_fd(caller), .events = POLLIN}};
    for (;;) {
        if (wasi_is_cancelled(w) || wasi_take_interrupt(caller))
            return 1;
        int n = poll(p, 3, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || p[0].revents)
            return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The weft_wasi object */

/* Pack n strings into one buffer of NUL-terminated strings. false when out of memory or
 * when the total does not fit the guest's 32-bit sizes. */
static bool wasi_pack(int n, const char *const *strs, char **buf, uint32_t *len, uint32_t *count)
{
    size_t total = 0;
    *buf = NULL;
    *len = *count = 0;
    if (n <= 0 || !strs)
        return true;
    for (int i = 0; i < n; i++) {
        total += strlen(strs[i] ? strs[i] : "") + 1;
        if (total > UINT32_MAX / 2)
            return false;
    }
    char *p = malloc(total);
    if (!p)
        return false;
    *buf = p;
    for (int i = 0; i < n; i++) {
        const char *s = strs[i] ? strs[i] : "";
        size_t l = strlen(s) + 1;
        memcpy(p, s, l);
        p += l;
    }
    *len = (uint32_t)total;
    *count = (uint32_t)n;
    return true;
}

weft_error *weft_wasi_create(const weft_wasi_config *cfg, weft_wasi **out)
{
    weft_wasi_config def = {0};
    if (!out)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_wasi_create: NULL argument");
    *out = NULL;
    if (!cfg)
        cfg = &def;
    if (cfg->npreopens < 0 || (cfg->npreopens > 0 && !cfg->preopens))
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_wasi_create: bad preopen list");
    weft_wasi *w = xcalloc(1, sizeof *w);
    if (!w)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    int cancel[2];
    if (pipe2(cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
        free(w);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot make a pipe: %s",
                       strerror(errno));
    }
    atomic_init(&w->cancelled, false);
    atomic_init(&w->threaded, false);
    w->cancel_rd = cancel[0];
    w->cancel_wr = cancel[1];
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        close(cancel[0]);
        close(cancel[1]);
        free(w);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    /* Each stream on its own: 0 (unset) inherits the host's stream of the same number. */
    const int host[3] = {cfg->stdin_fd, cfg->stdout_fd ? cfg->stdout_fd : 1,
                         cfg->stderr_fd ? cfg->stderr_fd : 2};
    if (!wasi_pack(cfg->argc, cfg->argv, &w->argbuf, &w->argbuf_len, &w->argc) ||
        !wasi_pack(cfg->envc, cfg->envp, &w->envbuf, &w->envbuf_len, &w->envc) ||
        !wasi_fds_init(w, host)) {
        weft_wasi_free(w);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    for (int i = 0; i < cfg->npreopens; i++) {
        const weft_wasi_preopen *p = &cfg->preopens[i];
        weft_error *err = wasi_fd_preopen(w, p->host_path, p->guest_path);
        if (err) {
            weft_wasi_free(w);
            return err;
        }
    }
    *out = w;
    return NULL;
}

void weft_wasi_free(weft_wasi *w)
{
    if (!w)
        return;
    wasi_fds_free(w);
    close(w->cancel_rd);
    close(w->cancel_wr);
    pthread_mutex_destroy(&w->lock);
    free(w->argbuf);
    free(w->envbuf);
    free(w);
}

/* Every preview1 function: its name, signature ('i' i32, 'I' i64; results after ':'),
 * implementation, and its implementation under the older module name "wasi_unstable"
 * (snapshot 0): the same but for whence numbering, the filestat and subscription layouts;
 * NULL where snapshot 0 has no such function. The order is the witx file's. */
static const struct wasi_def {
    const char *name, *sig;
    weft_host_fn fn, p0;
} wasi_defs[] = {
    {"args_get", "ii:i", wasi_args_get, wasi_args_get},
    {"args_sizes_get", "ii:i", wasi_args_sizes_get, wasi_args_sizes_get},
    {"environ_get", "ii:i", wasi_environ_get, wasi_environ_get},
    {"environ_sizes_get", "ii:i", wasi_environ_sizes_get, wasi_environ_sizes_get},
    {"clock_res_get", "ii:i", wasi_clock_res_get, wasi_clock_res_get},
    {"clock_time_get", "iIi:i", wasi_clock_time_get, wasi_clock_time_get},
    {"fd_advise", "iIIi:i", wasi_fd_advise, wasi_fd_advise},
    {"fd_allocate", "iII:i", wasi_fd_allocate, wasi_fd_allocate},
    {"fd_close", "i:i", wasi_fd_close, wasi_fd_close},
    {"fd_datasync", "i:i", wasi_fd_datasync, wasi_fd_datasync},
    {"fd_fdstat_get", "ii:i", wasi_fd_fdstat_get, wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii:i", wasi_fd_fdstat_set_flags, wasi_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII:i", wasi_fd_fdstat_set_rights, wasi_fd_fdstat_set_rights},
    {"fd_filestat_get", "ii:i", wasi_fd_filestat_get, wasi_p0_fd_filestat_get},
    {"fd_filestat_set_size", "iI:i", wasi_fd_filestat_set_size, wasi_fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi:i", wasi_fd_filestat_set_times, wasi_fd_filestat_set_times},
    {"fd_pread", "iiiIi:i", wasi_fd_pread, wasi_fd_pread},
    {"fd_prestat_get", "ii:i", wasi_fd_prestat_get, wasi_fd_prestat_get},
    {"fd_prestat_dir_name", "iii:i", wasi_fd_prestat_dir_name, wasi_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi:i", wasi_fd_pwrite, wasi_fd_pwrite},
    {"fd_read", "iiii:i", wasi_fd_read, wasi_fd_read},
    {"fd_readdir", "iiiIi:i", wasi_fd_readdir, wasi_fd_readdir},
    {"fd_renumber", "ii:i", wasi_fd_renumber, wasi_fd_renumber},
    {"fd_seek", "iIii:i", wasi_fd_seek, wasi_p0_fd_seek},
    {"fd_sync", "i:i", wasi_fd_sync, wasi_fd_sync},
    {"fd_tell", "ii:i", wasi_fd_tell, wasi_fd_tell},
    {"fd_write", "iiii:i", wasi_fd_write, wasi_fd_write},
    {"path_create_directory", "iii:i", wasi_path_create_directory, wasi_path_create_directory},
    {"path_filestat_get", "iiiii:i", wasi_path_filestat_get, wasi_p0_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi:i", wasi_path_filestat_set_times,
     wasi_path_filestat_set_times},
    {"path_link", "iiiiiii:i", wasi_path_link, wasi_path_link},
    {"path_open", "iiiiiIIii:i", wasi_path_open, wasi_path_open},
    {"path_readlink", "iiiiii:i", wasi_path_readlink, wasi_path_readlink},
    {"path_remove_directory", "iii:i", wasi_path_remove_directory, wasi_path_remove_directory},
    {"path_rename", "iiiiii:i", wasi_path_rename, wasi_path_rename},
    {"path_symlink", "iiiii:i", wasi_path_symlink, wasi_path_symlink},
    {"path_unlink_file", "iii:i", wasi_path_unlink_file, wasi_path_unlink_file},
    {"poll_oneoff", "iiii:i", wasi_poll_oneoff, wasi_p0_poll_oneoff},
    {"proc_exit", "i:", wasi_proc_exit, wasi_proc_exit},
    {"proc_raise", "i:i", wasi_proc_raise, wasi_proc_raise},
    {"sched_yield", ":i", wasi_sched_yield, wasi_sched_yield},
    {"random_get", "ii:i", wasi_random_get, wasi_random_get},
    {"sock_accept", "iii:i", wasi_sock_accept, NULL},
    {"sock_recv", "iiiiii:i", wasi_sock_recv, wasi_sock_recv},
    {"sock_send", "iiiii:i", wasi_sock_send, wasi_sock_send},
    {"sock_shutdown", "ii:i", wasi_sock_shutdown, wasi_sock_shutdown},
};

/* A functype from a signature string like "iIi:i". */
static weft_functype *wasi_functype(const char *sig)
{
    uint8_t params[16], results[2];
    uint32_t np = 0, nr = 0;
    bool after = false;
    for (const char *c = sig; *c; c++) {
        if (*c == ':') {
            after = true;
            continue;
        }
        uint8_t t = *c == 'I' ? WEFT_I64 : WEFT_I32;
        if (after)
            results[nr++] = t;
        else
            params[np++] = t;
    }
    return weft_functype_new(params, np, results, nr);
}

weft_error *weft_wasi_define(weft_wasi *w, weft_linker *l)
{
    if (!w || !l)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_wasi_define: NULL argument");
    for (size_t i = 0; i < sizeof wasi_defs / sizeof wasi_defs[0]; i++) {
        const struct wasi_def *d = &wasi_defs[i];
        weft_functype *t = wasi_functype(d->sig);
        if (!t)
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        weft_error *e = weft_linker_define_func(l, WASI_MODULE, d->name, t, d->fn, w, NULL);
        if (!e && d->p0)
            e = weft_linker_define_func(l, WASI_MODULE_P0, d->name, t, d->p0, w, NULL);
        weft_functype_free(t);
        if (e)
            return e;
    }
    return NULL;
}

weft_error *weft_wasi_run(weft_wasi *w, weft_store *store, weft_instance *inst)
{
    if (!w || !store || !inst)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "weft_wasi_run: NULL argument");
    weft_func *start = weft_instance_func(inst, "_start");
    if (!start)
        return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET, "the module exports no _start function");
    const weft_functype *t = weft_func_type(start);
    if (weft_functype_nparams(t) != 0 || weft_functype_nresults(t) != 0)
        return err_new(WEFT_ERR_LINK, WEFT_NO_OFFSET, "_start must have type [] -> []");
    return weft_call(store, start, NULL, 0, NULL, 0);
}
