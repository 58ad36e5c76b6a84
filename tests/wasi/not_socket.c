/* not_socket.c - the socket calls on a descriptor that is not a socket answer ENOTSOCK
 * (stdin, a pipe or a file; stdout; a preopened directory), on one that is not open EBADF.
 * Run with one preopen (descriptor 3). Prints "not_socket: ok". */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"

static void calls(__wasi_fd_t fd, int want)
{
    char what[64], buf[4];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
    __wasi_size_t n;
    __wasi_roflags_t rof;
    __wasi_fd_t conn;
    snprintf(what, sizeof what, "sock_recv on %u", fd);
    expect(what, __wasi_sock_recv(fd, &iov, 1, 0, &n, &rof), want);
    snprintf(what, sizeof what, "sock_send on %u", fd);
    expect(what, __wasi_sock_send(fd, &ciov, 1, 0, &n), want);
    snprintf(what, sizeof what, "sock_shutdown on %u", fd);
    expect(what, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR), want);
    snprintf(what, sizeof what, "sock_accept on %u", fd);
    expect(what, __wasi_sock_accept(fd, 0, &conn), want);
}

int main(void)
{
    calls(0, __WASI_ERRNO_NOTSOCK);
    calls(1, __WASI_ERRNO_NOTSOCK);
    calls(3, __WASI_ERRNO_NOTSOCK);
    calls(42, __WASI_ERRNO_BADF);
    expect("close stdin", __wasi_fd_close(0), 0);
    calls(0, __WASI_ERRNO_BADF);
    return expect_done("not_socket");
}
