/*
 * wasi_sock.c - the socket calls of WASI preview1: sock_accept, sock_recv, sock_send,
 * sock_shutdown.
 *
 * preview1 cannot create a socket, so a guest only ever holds one the host gave it: a
 * standard stream connected to a socket (inetd style), or a connection accepted from one.
 * On any other descriptor these calls answer ENOTSOCK, on a closed one EBADF. Waiting for
 * data or a connection is cancellable like every blocking call (wasi_wait_ready).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi.h"

#define WASI_SDFLAGS_RD 1u
#define WASI_SDFLAGS_WR 2u
#define WASI_RIFLAGS_PEEK 1u
#define WASI_RIFLAGS_WAITALL 2u
#define WASI_ROFLAGS_TRUNCATED 1u

uint8_t wasi_socket_type(int host)
{
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(host, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
        return WASI_FILETYPE_SOCKET_DGRAM;
    return WASI_FILETYPE_SOCKET_STREAM;
}

/* Take descriptor fd, which must be a socket with `right`. Release it with wasi_fd_release. */
static int32_t wasi_sock_begin(weft_wasi *w, uint32_t fd, uint64_t right, wasi_fd *f)
{
    int32_t rc = wasi_fd_acquire(w, fd, f);
    if (rc)
        return rc;
    if (f->filetype != WASI_FILETYPE_SOCKET_STREAM && f->filetype != WASI_FILETYPE_SOCKET_DGRAM)
        rc = WASI_ENOTSOCK;
    else if (!(f->rights_base & right))
        rc = WASI_ENOTCAPABLE;
    if (rc)
        wasi_fd_release(f);
    return rc;
}

/* Wait for `events` on a blocking socket; true when the program is ending instead. */
static bool wasi_sock_wait(weft_wasi *w, weft_caller *caller, const wasi_fd *f, short events)
{
    return !(f->flags & WASI_FDFLAG_NONBLOCK) && wasi_wait_ready(w, caller, f->h->host, events);
}

/* sock_shutdown(fd, how: sdflags) */
WASI_HOSTFN(wasi_sock_shutdown)
{
    uint32_t how = WASI_U32(1) & 0xff;
    wasi_fd f;
    WEFT_UNUSED(caller);
    int32_t rc = wasi_sock_begin(env, WASI_U32(0), WASI_RIGHT_SOCK_SHUTDOWN, &f);
    if (rc)
        return wasi_ret(results, rc);
    if (how == 0 || how > (WASI_SDFLAGS_RD | WASI_SDFLAGS_WR))
        rc = WASI_EINVAL;
    else if (shutdown(f.h->host, how == WASI_SDFLAGS_RD   ? SHUT_RD
                                 : how == WASI_SDFLAGS_WR ? SHUT_WR
                                                          : SHUT_RDWR) != 0)
        rc = wasi_errno();
    wasi_fd_release(&f);
    return wasi_ret(results, rc);
}

/* sock_accept(fd, flags: fdflags, ro_fd: *fd): only NONBLOCK may be asked for. */
WASI_HOSTFN(wasi_sock_accept)
{
    weft_wasi *w = env;
    uint32_t flags = WASI_U32(1) & 0xffff, resp = WASI_U32(2);
    wasi_fd f, conn;
    wasi_mem m;
    int32_t rc = wasi_sock_begin(w, WASI_U32(0), WASI_RIGHT_SOCK_ACCEPT, &f);
    if (rc)
        return wasi_ret(results, rc);
    if (flags & ~WASI_FDFLAG_NONBLOCK)
        rc = WASI_EINVAL;
    else if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, resp, 4))
        rc = WASI_EFAULT;
    else if (wasi_sock_wait(w, caller, &f, POLLIN)) {
        wasi_fd_release(&f);
        return wasi_cancel_trap();
    }
    int host = rc ? -1 : accept4(f.h->host, NULL, NULL,
                                 SOCK_CLOEXEC | (flags ? SOCK_NONBLOCK : 0));
    if (!rc && host < 0)
        rc = wasi_errno();
    wasi_fd_release(&f);
    if (rc)
        return wasi_ret(results, rc);
    memset(&conn, 0, sizeof conn);
    if (!(conn.h = wasi_handle_new(host, true))) {
        close(host);
        return wasi_ret(results, WASI_ENOMEM);
    }
    conn.filetype = WASI_FILETYPE_SOCKET_STREAM;
    conn.flags = (uint16_t)flags;
    conn.rights_base = WASI_RIGHTS_SOCKET;
    uint32_t fd = 0;
    rc = wasi_fd_insert(w, &conn, &fd);
    if (!rc)
        wasi_mem_put32(&m, resp, fd);
    return wasi_ret(results, rc);
}

/* sock_recv(fd, ri_data: iovecs, ri_data_len, ri_flags, ro_datalen: *size,
 *           ro_flags: *roflags) and
 * sock_send(fd, si_data: ciovecs, si_data_len, si_flags (none defined), so_datalen: *size):
 * one recvmsg or sendmsg. MSG_NOSIGNAL: a peer that has gone is EPIPE for the guest, never
 * a SIGPIPE. */
static weft_error *wasi_sock_io(weft_caller *caller, weft_wasi *w, const weft_val *args,
                                weft_val *results, bool send)
{
    struct iovec iov[WASI_IOV_MAX];
    uint32_t flags = WASI_U32(3) & 0xffff, plen = WASI_U32(4);
    uint32_t pflags = send ? 0 : WASI_U32(5); /* sock_send has 5 arguments */
    uint32_t known = send ? 0 : WASI_RIFLAGS_PEEK | WASI_RIFLAGS_WAITALL;
    wasi_fd f;
    wasi_mem m;
    int32_t rc = wasi_sock_begin(w, WASI_U32(0), send ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ,
                                 &f);
    if (rc)
        return wasi_ret(results, rc);
    if (flags & ~known)
        rc = WASI_EINVAL;
    else if (!wasi_mem_of(caller, &m) || !wasi_mem_range(&m, plen, 4) ||
             (!send && !wasi_mem_range(&m, pflags, 2)))
        rc = WASI_EFAULT;
    else
        rc = wasi_iovs_check(&m, WASI_U32(1), WASI_U32(2), iov);
    if (!rc && wasi_sock_wait(w, caller, &f, send ? POLLOUT : POLLIN)) {
        wasi_fd_release(&f);
        return wasi_cancel_trap();
    }
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = WASI_U32(2);
    int hostflags = send ? MSG_NOSIGNAL
                         : (flags & WASI_RIFLAGS_PEEK ? MSG_PEEK : 0) |
                               (flags & WASI_RIFLAGS_WAITALL ? MSG_WAITALL : 0);
    ssize_t n = 0;
    while (!rc && (n = send ? sendmsg(f.h->host, &msg, hostflags)
                            : recvmsg(f.h->host, &msg, hostflags)) < 0 && errno == EINTR)
        ;
    if (!rc && n < 0)
        rc = wasi_errno();
    wasi_fd_release(&f);
    if (!rc) {
        wasi_mem_put32(&m, plen, (uint32_t)n);
        if (!send)
            wasi_mem_put16(&m, pflags, msg.msg_flags & MSG_TRUNC ? WASI_ROFLAGS_TRUNCATED : 0);
    }
    return wasi_ret(results, rc);
}

WASI_HOSTFN(wasi_sock_recv)
{
    return wasi_sock_io(caller, env, args, results, false);
}

WASI_HOSTFN(wasi_sock_send)
{
    return wasi_sock_io(caller, env, args, results, true);
}
