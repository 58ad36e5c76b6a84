/* nat_file.c - whole-file reads and atomic writes for artifacts and the cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native/native_io.h"

static weft_error *io_error(const char *verb, const char *what, int errnum)
{
    return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot %s %s: %s", verb, what,
                   strerror(errnum));
}

weft_error *nat_read_fd(int fd, const char *what, uint8_t **out, size_t *len)
{
    struct stat st;
    /* Regular files tell their size; pipes and /proc files start at 4 KiB and double. */
    size_t cap = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
                     ? (size_t)st.st_size + 1 : 4096;
    size_t n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf)
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot read %s: out of memory",
                           what);
        if (n + 1 == cap) { /* full: keep room for the NUL */
            uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return io_error("read", what, e);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return NULL;
}

weft_error *nat_read_file(const char *path, uint8_t **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_error("read", path, errno);
    weft_error *e = nat_read_fd(fd, path, out, len);
    close(fd);
    return e;
}

bool nat_write_fd(int fd, const uint8_t *p, size_t len)
{
    while (len) {
        ssize_t put = write(fd, p, len);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        p += put, len -= (size_t)put;
    }
    return true;
}

/* Opens a new file "PATH.tmp.<16 hex>" beside path (O_EXCL: never someone else's). */
static int open_temp_beside(const char *path, char *tmp, size_t n)
{
    for (int tries = 0; tries < 16; tries++) {
        uint8_t rnd[8];
        char hex[17];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            return -1;
        hex_encode(rnd, sizeof rnd, hex);
        if ((size_t)snprintf(tmp, n, "%s.tmp.%s", path, hex) >= n) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

weft_error *nat_write_file(const char *path, const uint8_t *bytes, size_t len)
{
    char tmp[4200];
    int fd = open_temp_beside(path, tmp, sizeof tmp);
    if (fd < 0)
        return io_error("create a file beside", path, errno);
    bool ok = nat_write_fd(fd, bytes, len);
    int e = errno;
    if (close(fd) != 0 && ok)
        ok = false, e = errno;
    if (ok && rename(tmp, path) != 0)
        ok = false, e = errno;
    if (!ok) {
        unlink(tmp);
        return io_error("write", path, e);
    }
    return NULL;
}

weft_error *nat_mkdir_p(const char *path, unsigned mode)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "cannot create directory '%.200s': %s",
                       path, n ? "path too long" : "empty path");
    memcpy(buf, path, n + 1);
    /* Each prefix ending before a '/', then the whole path. */
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
            return io_error("create directory", buf, errno);
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return io_error("create directory", path, errno);
    if (!S_ISDIR(st.st_mode))
        return io_error("create directory", path, ENOTDIR);
    return NULL;
}
