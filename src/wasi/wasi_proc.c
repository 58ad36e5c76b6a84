/*
 * wasi_proc.c - the process side of WASI preview1: arguments, environment, clocks,
 * randomness, exit, raise, yield and poll_oneoff.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "wasi.h"

/* ------------------------------------------------------------------------------------------ */
/* Arguments and environment: both are "count + packed NUL-terminated strings", so one pair
 * of helpers serves both. */

static weft_error *wasi_strings_sizes(weft_caller *caller, uint32_t count, uint32_t buflen,
                                      const weft_val *args, weft_val *results)
{
    wasi_mem m;
    uint32_t pcount = (uint32_t)args[0].of.i32, plen = (uint32_t)args[1].of.i32;
    if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, pcount, 4) ||
        !wasi_mem_range(&m, plen, 4))
        return wasi_ret(results, WASI_EFAULT);
    wasi_mem_put32(&m, pcount, count);
    wasi_mem_put32(&m, plen, buflen);
    return wasi_ret(results, WASI_ESUCCESS);
}

/* Write the pointer array at args[0] and the packed strings at args[1]. */
static weft_error *wasi_strings_get(weft_caller *caller, uint32_t count, const char *buf,
                                    uint32_t buflen, const weft_val *args, weft_val *results)
{
    wasi_mem m;
    uint32_t pptrs = (uint32_t)args[0].of.i32, pbuf = (uint32_t)args[1].of.i32;
    uint8_t *dst;
    if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, pptrs, (uint64_t)count * 4) ||
        !(dst = wasi_mem_range(&m, pbuf, buflen)))
        return wasi_ret(results, WASI_EFAULT);
    if (buflen)
        memcpy(dst, buf, buflen);
    /* pbuf + buflen lies inside a 32-bit memory, so every pbuf + off fits in 32 bits. */
    uint32_t off = 0;
    for (uint32_t i = 0; i < count; i++) {
        wasi_mem_put32(&m, pptrs + i * 4, pbuf + off);
        off += (uint32_t)strlen(buf + off) + 1;
    }
    return wasi_ret(results, WASI_ESUCCESS);
}

WASI_HOSTFN(wasi_args_sizes_get)
{
    weft_wasi *w = env;
    return wasi_strings_sizes(caller, w->argc, w->argbuf_len, args, results);
}

WASI_HOSTFN(wasi_args_get)
{
    weft_wasi *w = env;
    return wasi_strings_get(caller, w->argc, w->argbuf, w->argbuf_len, args, results);
}

WASI_HOSTFN(wasi_environ_sizes_get)
{
    weft_wasi *w = env;
    return wasi_strings_sizes(caller, w->envc, w->envbuf_len, args, results);
}

WASI_HOSTFN(wasi_environ_get)
{
    weft_wasi *w = env;
    return wasi_strings_get(caller, w->envc, w->envbuf, w->envbuf_len, args, results);
}

/* ------------------------------------------------------------------------------------------ */
/* Clocks */

/* The host clock for a WASI clock id; false for an unknown id. */
static bool wasi_clock_host(uint32_t id, clockid_t *out)
{
    switch (id) {
    case 0: *out = CLOCK_REALTIME; return true;
    case 1: *out = CLOCK_MONOTONIC; return true;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

static uint64_t wasi_ts_ns(const struct timespec *t)
{
    return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

WASI_HOSTFN(wasi_clock_res_get)
{
    WEFT_UNUSED(env);
    wasi_mem m;
    clockid_t c;
    struct timespec ts;
    uint32_t p = (uint32_t)args[1].of.i32;
    if (!wasi_clock_host((uint32_t)args[0].of.i32, &c))
        return wasi_ret(results, WASI_EINVAL);
    if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, p, 8))
        return wasi_ret(results, WASI_EFAULT);
    if (clock_getres(c, &ts) != 0)
        return wasi_ret(results, wasi_errno_from_host(errno));
    wasi_mem_put64(&m, p, wasi_ts_ns(&ts));
    return wasi_ret(results, WASI_ESUCCESS);
}

/* clock_time_get(id, precision: u64, time: *u64). The precision is a hint we ignore. */
WASI_HOSTFN(wasi_clock_time_get)
{
    WEFT_UNUSED(env);
    wasi_mem m;
    clockid_t c;
    struct timespec ts;
    uint32_t p = (uint32_t)args[2].of.i32;
    if (!wasi_clock_host((uint32_t)args[0].of.i32, &c))
        return wasi_ret(results, WASI_EINVAL);
    if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, p, 8))
        return wasi_ret(results, WASI_EFAULT);
    if (clock_gettime(c, &ts) != 0)
        return wasi_ret(results, wasi_errno_from_host(errno));
    wasi_mem_put64(&m, p, wasi_ts_ns(&ts));
    return wasi_ret(results, WASI_ESUCCESS);
}

/* ------------------------------------------------------------------------------------------ */
/* Randomness, exit, yield */

WASI_HOSTFN(wasi_random_get)
{
    WEFT_UNUSED(env);
    wasi_mem m;
    uint32_t p = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
    uint8_t *dst;
    if (!wasi_mem_of(caller, &m) || !(dst = wasi_mem_range(&m, p, len)))
        return wasi_ret(results, WASI_EFAULT);
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(dst + done, len - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return wasi_ret(results, wasi_errno_from_host(n < 0 ? errno : EIO));
        done += (size_t)n;
    }
    return wasi_ret(results, WASI_ESUCCESS);
}

/* proc_exit ends the whole program: it unwinds as a WEFT_ERR_EXIT error that the embedder
 * (weft_wasi_run's caller) turns into the exit status. */
WASI_HOSTFN(wasi_proc_exit)
{
    WEFT_UNUSED(caller);
    WEFT_UNUSED(env);
    WEFT_UNUSED(results);
    return weft_exit_new(args[0].of.i32);
}

/* preview1 has no way to install a handler, so a raised signal could only kill the
 * embedder: refuse it. */
WASI_HOSTFN(wasi_proc_raise)
{
    WEFT_UNUSED(caller);
    WEFT_UNUSED(env);
    WEFT_UNUSED(args);
    return wasi_ret(results, WASI_ENOSYS);
}

WASI_HOSTFN(wasi_sched_yield)
{
    WEFT_UNUSED(caller);
    WEFT_UNUSED(env);
    WEFT_UNUSED(args);
    sched_yield();
    return wasi_ret(results, WASI_ESUCCESS);
}

/* ------------------------------------------------------------------------------------------ */
/* poll_oneoff(in: *subscription, out: *event, nsubscriptions, nevents: *u32)
 *
 * subscription (48 bytes): userdata u64 @0, tag u8 @8 (0 clock, 1 fd_read, 2 fd_write),
 *   clock: id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40 (1 = absolute);
 *   fd_readwrite: fd u32 @16.
 * event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24.
 *
 * wasi_unstable (snapshot 0) has one more field in a clock subscription, `identifier` u64
 * before the id, so its clock fields sit 8 bytes later and a subscription is 56 bytes.
 *
 * Descriptor subscriptions are polled on the host descriptors; clock subscriptions become
 * the poll's timeout. With only clocks this is a sleep, which is what the guest's sleep()
 * and nanosleep() compile to. */

typedef struct wasi_sub_layout {
    uint32_t size;  /* bytes per subscription */
    uint32_t clock; /* offset of a clock subscription's id; timeout +8, flags +24 */
} wasi_sub_layout;

static const wasi_sub_layout wasi_sub_p1 = {48, 16}, wasi_sub_p0 = {56, 24};

#define WASI_EVENT_SIZE 32
#define WASI_EVENT_HANGUP 1

static void wasi_event_put(const wasi_mem *m, uint32_t at, uint64_t userdata, uint16_t err,
                           uint8_t type, uint16_t flags)
{
    uint8_t *p = wasi_mem_range(m, at, WASI_EVENT_SIZE);
    memset(p, 0, WASI_EVENT_SIZE);
    wasi_mem_put64(m, at, userdata);
    wasi_mem_put16(m, at + 8, err);
    wasi_mem_put8(m, at + 10, type);
    wasi_mem_put16(m, at + 24, flags);
}

/* Nanoseconds from now until a clock subscription fires (0 if already due). false for an
 * unknown clock. */
static bool wasi_sub_delay(const wasi_mem *m, uint32_t sub, const wasi_sub_layout *l,
                           uint64_t *delay)
{
    uint32_t id;
    uint64_t timeout, flags64;
    clockid_t c;
    struct timespec now;
    wasi_mem_get32(m, sub + l->clock, &id);
    wasi_mem_get64(m, sub + l->clock + 8, &timeout);
    wasi_mem_get64(m, sub + l->clock + 24, &flags64);
    if (!wasi_clock_host(id, &c))
        return false;
    *delay = timeout;
    if ((flags64 & 1) && clock_gettime(c, &now) == 0) {
        uint64_t t = wasi_ts_ns(&now);
        *delay = timeout > t ? timeout - t : 0;
    }
    return true;
}

/* Sleep up to `ns` nanoseconds (UINT64_MAX: forever) waiting on the n descriptors of pfds,
 * whose last two entries are the cancel and wake pipes. Returns the number ready, 0 on
 * timeout, -1 on error. */
static int wasi_wait(struct pollfd *pfds, nfds_t n, uint64_t ns)
{
    struct timespec ts, *tp = NULL;
    if (ns != UINT64_MAX) {
        ts.tv_sec = (time_t)(ns / 1000000000u);
        ts.tv_nsec = (long)(ns % 1000000000u);
        tp = &ts;
    }
    bool any = false;
    for (nfds_t i = 0; i + 2 < n; i++) /* the last two: the cancel and wake pipes */
        any |= pfds[i].fd >= 0;
    if (!any && !tp)
        return 0; /* nothing but a cancellation could ever wake us; do not hang */
    return ppoll(pfds, n, tp, NULL);
}

/* The rights a descriptor subscription needs: reading or writing, and polling. */
static int32_t wasi_sub_fd(weft_wasi *w, const wasi_mem *m, uint32_t sub, uint8_t tag,
                           wasi_fd *f)
{
    uint32_t fd;
    wasi_mem_get32(m, sub + 16, &fd);
    int32_t rc = wasi_fd_acquire(w, fd, f);
    if (rc)
        return rc;
    if (!(f->rights_base & (tag == 1 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE))) {
        wasi_fd_release(f);
        return WASI_EBADF;
    }
    return WASI_ESUCCESS;
}

/* The subscriptions become pollfds: pfds[i] for subscription i, fd -1 (ignored by ppoll)
 * for clocks and for those already answered with an error. hs[i] holds the reference on
 * the descriptor's handle while we wait. Returns the earliest clock's delay. */
static uint64_t wasi_poll_prepare(weft_wasi *w, const wasi_mem *m, const wasi_sub_layout *l,
                                  uint32_t in, uint32_t out, uint32_t nsubs,
                                  struct pollfd *pfds, wasi_handle **hs, uint32_t *nevents)
{
    uint64_t min_delay = UINT64_MAX;
    for (uint32_t i = 0; i < nsubs; i++) {
        uint32_t sub = in + i * l->size;
        uint64_t userdata, delay;
        uint8_t tag = *wasi_mem_range(m, sub + 8, 1);
        wasi_fd f;
        int32_t rc;
        wasi_mem_get64(m, sub, &userdata);
        pfds[i].fd = -1;
        if (tag == 0) {
            if (!wasi_sub_delay(m, sub, l, &delay))
                wasi_event_put(m, out + (*nevents)++ * WASI_EVENT_SIZE, userdata, WASI_EINVAL, 0, 0);
            else if (delay < min_delay)
                min_delay = delay;
        } else if (tag == 1 || tag == 2) {
            if ((rc = wasi_sub_fd(w, m, sub, tag, &f)) != 0)
                wasi_event_put(m, out + (*nevents)++ * WASI_EVENT_SIZE, userdata, (uint16_t)rc, tag, 0);
            else {
                hs[i] = f.h;
                pfds[i].fd = f.h->host;
                pfds[i].events = tag == 1 ? POLLIN : POLLOUT;
            }
        } else {
            wasi_event_put(m, out + (*nevents)++ * WASI_EVENT_SIZE, userdata, WASI_EINVAL, tag, 0);
        }
    }
    return min_delay;
}

/* Bytes ready to read on a ready descriptor: what is left of a regular file, else what
 * the host says is buffered. */
static uint64_t wasi_ready_bytes(int fd)
{
    struct stat st;
    int n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
    }
    return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

static weft_error *wasi_poll(weft_caller *caller, weft_wasi *w, const weft_val *args,
                             weft_val *results, const wasi_sub_layout *l)
{
    uint32_t in = WASI_U32(0), out = WASI_U32(1), nsubs = WASI_U32(2), pn = WASI_U32(3);
    wasi_mem m;
    if (nsubs == 0)
        return wasi_ret(results, WASI_EINVAL);
    if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, in, (uint64_t)nsubs * l->size) ||
        !wasi_mem_range(&m, out, (uint64_t)nsubs * WASI_EVENT_SIZE) || !wasi_mem_range(&m, pn, 4))
        return wasi_ret(results, WASI_EFAULT);

    /* nsubs is bounded by the memory size, so these allocations are too. Two pollfds more
     * for the cancel pipe and the store's wake pipe (weft_interrupt). */
    struct pollfd *pfds = xcalloc((size_t)nsubs + 2, sizeof *pfds);
    wasi_handle **hs = xcalloc(nsubs, sizeof *hs);
    if (!pfds || !hs) {
        free(pfds);
        free(hs);
        return wasi_ret(results, WASI_ENOMEM);
    }
    uint32_t nevents = 0;
    uint64_t min_delay = wasi_poll_prepare(w, &m, l, in, out, nsubs, pfds, hs, &nevents);
    pfds[nsubs].fd = w->cancel_rd;
    pfds[nsubs].events = POLLIN;
    pfds[nsubs + 1].fd = wasi_wake_fd(caller);
    pfds[nsubs + 1].events = POLLIN;
    /* Errors already reported: answer at once rather than sleep. */
    int ready = 0;
    bool cancelled;
    while (!(cancelled = wasi_is_cancelled(w) || wasi_take_interrupt(caller)) &&
           (ready = wasi_wait(pfds, (nfds_t)nsubs + 2, nevents ? 0 : min_delay)) < 0 &&
           errno == EINTR)
        ;
    cancelled = cancelled || wasi_is_cancelled(w) || wasi_take_interrupt(caller);
    int32_t rc = cancelled ? -1 : ready < 0 ? wasi_errno() : WASI_ESUCCESS;
    bool timed_out = ready == 0 && nevents == 0;
    for (uint32_t i = 0; i < nsubs && !rc; i++) {
        uint32_t sub = in + i * l->size, at = out + nevents * WASI_EVENT_SIZE;
        uint64_t userdata, delay;
        uint8_t tag = *wasi_mem_range(&m, sub + 8, 1);
        wasi_mem_get64(&m, sub, &userdata);
        if (pfds[i].fd >= 0 && pfds[i].revents) {
            uint16_t fl = (pfds[i].revents & POLLHUP) ? WASI_EVENT_HANGUP : 0;
            uint16_t err = (pfds[i].revents & POLLNVAL) ? WASI_EBADF : 0;
            wasi_event_put(&m, at, userdata, err, tag, fl);
            if (tag == 1 && !err)
                wasi_mem_put64(&m, at + 16, wasi_ready_bytes(pfds[i].fd));
            nevents++;
        } else if (tag == 0 && timed_out && wasi_sub_delay(&m, sub, l, &delay) &&
                   (delay == 0 || delay <= min_delay)) {
            /* Timed out: the earliest clock fired (and any others due by now). */
            wasi_event_put(&m, at, userdata, 0, 0, 0);
            nevents++;
        }
    }
    for (uint32_t i = 0; i < nsubs; i++)
        wasi_handle_release(hs[i]);
    free(pfds);
    free(hs);
    if (cancelled)
        return wasi_cancel_trap(); /* the program is ending: unwind this thread */
    if (!rc)
        wasi_mem_put32(&m, pn, nevents);
    return wasi_ret(results, rc);
}

WASI_HOSTFN(wasi_poll_oneoff)
{
    return wasi_poll(caller, env, args, results, &wasi_sub_p1);
}

WASI_HOSTFN(wasi_p0_poll_oneoff)
{
    return wasi_poll(caller, env, args, results, &wasi_sub_p0);
}
