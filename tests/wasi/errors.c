/* errors.c - weft's answers to bad requests, called through the raw preview1 imports:
 * every out-of-range pointer or length is EFAULT (and the runtime does not crash), unknown
 * descriptors are EBADF, unknown clocks EINVAL, streams do not seek (ESPIPE), path
 * functions need a directory (ENOTDIR), and the socket calls want a socket (ENOTSOCK).
 * Run with stdin a pipe. Weft-specific: not compared with node, whose errno choices
 * differ. */
#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include <wasi/api.h>

static int fails;

static void expect(const char *what, int got, int want)
{
    if (got != want)
        fails++;
    printf("%s: %s (got %d, want %d)\n", what, got == want ? "ok" : "FAIL", got, want);
}

int main(void)
{
    /* Beyond 4 GiB - 16 is always outside a memory that is smaller than 4 GiB. */
    uint8_t *far = (uint8_t *)(uintptr_t)0xFFFFFFF0u;
    __wasi_size_t n = 0, m = 0;
    __wasi_ciovec_t iov = {(const uint8_t *)"x\n", 2};
    __wasi_ciovec_t bad_iov = {far, 100};
    __wasi_iovec_t bad_riov = {far, 100};
    __wasi_timestamp_t t;
    __wasi_filesize_t pos;
    __wasi_prestat_t pre;
    __wasi_fd_t fd;
    char name[8];

    expect("fd_write: iovec array out of memory", __wasi_fd_write(1, (const __wasi_ciovec_t *)far, 1, &n), __WASI_ERRNO_FAULT);
    expect("fd_write: buffer out of memory", __wasi_fd_write(1, &bad_iov, 1, &n), __WASI_ERRNO_FAULT);
    expect("fd_write: result out of memory", __wasi_fd_write(1, &iov, 1, (__wasi_size_t *)far), __WASI_ERRNO_FAULT);
    expect("fd_write: bad descriptor", __wasi_fd_write(42, &iov, 1, &n), __WASI_ERRNO_BADF);
    expect("fd_write: stdin is not writable", __wasi_fd_write(0, &iov, 1, &n), __WASI_ERRNO_BADF);
    expect("fd_read: buffer out of memory", __wasi_fd_read(0, &bad_riov, 1, &n), __WASI_ERRNO_FAULT);
    expect("args_sizes_get: out of memory", __wasi_args_sizes_get((__wasi_size_t *)far, &m), __WASI_ERRNO_FAULT);
    expect("args_get: out of memory", __wasi_args_get((uint8_t **)far, far), __WASI_ERRNO_FAULT);
    expect("environ_sizes_get: out of memory", __wasi_environ_sizes_get(&n, (__wasi_size_t *)far), __WASI_ERRNO_FAULT);
    expect("environ_get: out of memory", __wasi_environ_get((uint8_t **)far, far), __WASI_ERRNO_FAULT);
    expect("clock_time_get: out of memory", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, (__wasi_timestamp_t *)far), __WASI_ERRNO_FAULT);
    expect("clock_time_get: unknown clock", __wasi_clock_time_get(9, 1, &t), __WASI_ERRNO_INVAL);
    expect("clock_res_get: unknown clock", __wasi_clock_res_get(9, &t), __WASI_ERRNO_INVAL);
    expect("random_get: out of memory", __wasi_random_get(far, 100), __WASI_ERRNO_FAULT);
    expect("fd_seek: stdin is a stream", __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
    expect("fd_tell: stdin is a stream", __wasi_fd_tell(0, &pos), __WASI_ERRNO_SPIPE);
    expect("fd_seek: bad descriptor", __wasi_fd_seek(42, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_BADF);
    expect("fd_fdstat_get: out of memory", __wasi_fd_fdstat_get(1, (__wasi_fdstat_t *)far), __WASI_ERRNO_FAULT);
    expect("fd_prestat_get: no preopens", __wasi_fd_prestat_get(3, &pre), __WASI_ERRNO_BADF);
    expect("fd_prestat_dir_name: no preopens", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, sizeof name), __WASI_ERRNO_BADF);
    expect("fd_close: bad descriptor", __wasi_fd_close(42), __WASI_ERRNO_BADF);
    expect("path_open: no preopens", __wasi_path_open(3, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
    expect("path_open: stdout is no directory", __wasi_path_open(1, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    expect("fd_readdir: stdout is no directory", __wasi_fd_readdir(1, (uint8_t *)name, sizeof name, 0, &n), __WASI_ERRNO_NOTDIR);
    expect("fd_pread: stdin does not seek", __wasi_fd_pread(0, &bad_riov, 1, 0, &n), __WASI_ERRNO_SPIPE);
    expect("fd_sync: no right on a pipe", __wasi_fd_sync(0), __WASI_ERRNO_NOTCAPABLE);
    expect("fd_renumber: bad descriptor", __wasi_fd_renumber(42, 1), __WASI_ERRNO_BADF);
    expect("sock_shutdown: not open", __wasi_sock_shutdown(3, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
    expect("sock_shutdown: a pipe is no socket", __wasi_sock_shutdown(0, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
    expect("poll_oneoff: no subscriptions", __wasi_poll_oneoff(NULL, NULL, 0, &n), __WASI_ERRNO_INVAL);
    /* A relative sleep never ends early: 20 ms asked, at least 20 ms on the monotonic clock. */
    struct timespec a, b, nap = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long slept = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    expect("nanosleep: never early", slept >= 20 * 1000 * 1000, 1);
    printf("%s\n", fails ? "errors: FAIL" : "errors: ok");
    return fails != 0;
}
