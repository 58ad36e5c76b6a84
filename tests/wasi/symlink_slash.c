/* symlink_slash.c - path_symlink to a new name with a trailing slash fails with ENOENT
 * (the name would have to be a directory, which a new link never is) and makes nothing;
 * to an existing name with a slash, EEXIST. Run with one preopen (descriptor 3, an empty
 * directory). Prints "symlink_slash: ok". */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"

#define DIR 3

static int exists(const char *path)
{
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(DIR, 0, path, &st) == 0;
}

int main(void)
{
    expect("symlink to new/", __wasi_path_symlink("target", DIR, "new/"), __WASI_ERRNO_NOENT);
    expect("nothing made", exists("new"), 0);
    expect("symlink to new//", __wasi_path_symlink("target", DIR, "new//"), __WASI_ERRNO_NOENT);
    expect("make dir d", __wasi_path_create_directory(DIR, "d"), 0);
    expect("symlink to d/ (exists)", __wasi_path_symlink("target", DIR, "d/"), __WASI_ERRNO_EXIST);
    expect("symlink to d/new/", __wasi_path_symlink("target", DIR, "d/new/"), __WASI_ERRNO_NOENT);
    expect("nothing made in d", exists("d/new"), 0);
    expect("symlink to new (no slash) works", __wasi_path_symlink("target", DIR, "new"), 0);
    expect("unlink new", __wasi_path_unlink_file(DIR, "new"), 0);
    expect("remove d", __wasi_path_remove_directory(DIR, "d"), 0);
    return expect_done("symlink_slash");
}
