/* dir_write.c - path_open of a directory asking for write rights fails with EISDIR (as
 * opening a directory for writing does in POSIX), whether the guest says O_DIRECTORY,
 * ends the path with '/', or says neither; asking only for reading rights works. Run with
 * one preopen (descriptor 3) holding a directory "sub". Prints "dir_write: ok". */
#include <stdio.h>
#include <dirent.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"

#define BOX 3

static int open_rights(const char *path, __wasi_oflags_t of, __wasi_rights_t base)
{
    __wasi_fd_t fd;
    int rc = __wasi_path_open(BOX, 0, path, of, base, 0, 0, &fd);
    if (rc == 0)
        (void)__wasi_fd_close(fd);
    return rc;
}

int main(void)
{
    const __wasi_rights_t rd = __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET;
    expect("O_DIRECTORY with fd_write", open_rights("sub", __WASI_OFLAGS_DIRECTORY, rd | __WASI_RIGHTS_FD_WRITE), __WASI_ERRNO_ISDIR);
    expect("O_DIRECTORY with fd_allocate", open_rights("sub", __WASI_OFLAGS_DIRECTORY, rd | __WASI_RIGHTS_FD_ALLOCATE), __WASI_ERRNO_ISDIR);
    expect("O_DIRECTORY with set_size", open_rights("sub", __WASI_OFLAGS_DIRECTORY, rd | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), __WASI_ERRNO_ISDIR);
    expect("sub/ with fd_write", open_rights("sub/", 0, rd | __WASI_RIGHTS_FD_WRITE), __WASI_ERRNO_ISDIR);
    expect("plain sub with fd_write", open_rights("sub", 0, rd | __WASI_RIGHTS_FD_WRITE), __WASI_ERRNO_ISDIR);
    expect("the preopen itself with fd_write", open_rights(".", __WASI_OFLAGS_DIRECTORY, rd | __WASI_RIGHTS_FD_WRITE), __WASI_ERRNO_ISDIR);
    expect("O_DIRECTORY read-only", open_rights("sub", __WASI_OFLAGS_DIRECTORY, rd), 0);
    expect("sub/ read-only", open_rights("sub/", 0, rd), 0);
    expect("with fd_datasync (a directory syncs)", open_rights("sub", __WASI_OFLAGS_DIRECTORY, rd | __WASI_RIGHTS_FD_DATASYNC), 0);
    FILE *f = fopen("/box/sub", "w");
    expect("fopen(dir, \"w\") fails", f == NULL, 1);
    DIR *d = opendir("/box/sub");
    expect("opendir still works", d != NULL, 1);
    if (d)
        closedir(d);
    return expect_done("dir_write");
}
