/*
 * nat_so.c - loading a shared object held in memory. The bytes go into an anonymous memory
 * file (memfd_create) opened through /proc/self/fd/N, so nothing touches the disk; where
 * memfd or /proc is unavailable (old kernels, containers, noexec memfds) into a private temp
 * file unlinked as soon as dlopen has mapped it.
 *
 * dlopen knows objects by the name they were opened with and returns the one already loaded
 * for a name it has seen. /proc/self/fd/N names recur when descriptors are reused, so the
 * memfd stays open as long as the object is loaded (its number cannot be reused meanwhile),
 * and a name dlopen still knows (an object that outlived its dlclose) is never used.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "native/native_io.h"

typedef struct nat_so {
    void *dl;
    int fd; /* the memfd, or -1 */
} nat_so;

/* Whether dlopen would hand back an object it already has under this name. */
static bool name_taken(const char *path)
{
    void *old = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
    if (old)
        dlclose(old);
    return old != NULL;
}

static weft_error *so_load(const char *path, int fd, void **handle)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot load the compiled code: %s",
                       why ? why : "dlopen failed");
    }
    nat_so *h = malloc(sizeof *h);
    if (!h) {
        dlclose(dl);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    }
    h->dl = dl;
    h->fd = fd;
    *handle = h;
    return NULL;
}

/* A memfd holding the bytes, executable where the kernel asks to be told; -1 on failure. */
static int so_memfd(const uint8_t *so, size_t len)
{
    int fd = -1;
#ifdef MFD_EXEC
    fd = memfd_create("weft-native", MFD_CLOEXEC | MFD_EXEC);
#endif
    if (fd < 0)
        fd = memfd_create("weft-native", MFD_CLOEXEC);
    if (fd >= 0 && !nat_write_fd(fd, so, len)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

weft_error *nat_so_open_tmpfile(const uint8_t *so, size_t len, void **handle)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    for (int tries = 0; tries < 8; tries++) {
        snprintf(path, sizeof path, "%s/weft-so-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        int fd = mkostemp(path, O_CLOEXEC); /* mode 0600; not inherited by compilers */
        if (fd < 0)
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                           "cannot load the compiled code: cannot create %.150s: %s", path,
                           strerror(errno));
        bool written = nat_write_fd(fd, so, len);
        int werr = errno;
        close(fd);
        bool taken = written && name_taken(path); /* then try another name */
        weft_error *e = NULL;
        if (!written)
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                        "cannot load the compiled code: cannot write %.150s: %s", path,
                        strerror(werr));
        else if (!taken)
            e = so_load(path, -1, handle);
        unlink(path);
        if (!taken)
            return e;
    }
    return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot load the compiled code: no fresh "
                   "temp file name");
}

weft_error *nat_so_open(const uint8_t *so, size_t len, void **handle)
{
    *handle = NULL;
    int fd = so_memfd(so, len);
    char path[64];
    if (fd >= 0) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (access(path, R_OK) == 0 && !name_taken(path)) {
            weft_error *e = so_load(path, fd, handle);
            if (!e)
                return NULL;
            weft_error_free(e); /* perhaps a noexec memfd: the temp file will tell */
        }
        close(fd);
    }
    return nat_so_open_tmpfile(so, len, handle);
}

void nat_so_close(void *handle)
{
    nat_so *h = handle;
    if (!h)
        return;
    dlclose(h->dl);
    if (h->fd >= 0)
        close(h->fd);
    free(h);
}

void *nat_so_sym(void *handle, const char *name)
{
    nat_so *h = handle;
    return h ? dlsym(h->dl, name) : NULL;
}
