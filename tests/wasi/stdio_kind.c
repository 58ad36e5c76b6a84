/* stdio_kind.c - the standard streams say what they are. For each of 0, 1, 2 it prints
 * isatty(), the fdstat file type and whether it seeks; then, when stdin is a regular file,
 * it seeks stdin to offset 6 and prints the rest of the line there. The harness runs it
 * with files, with pipes and (when `script` is there) on a terminal, and compares. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *kind(__wasi_filetype_t t)
{
    switch (t) {
    case __WASI_FILETYPE_CHARACTER_DEVICE: return "chardev";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SOCKET_STREAM: return "socket";
    case __WASI_FILETYPE_UNKNOWN: return "unknown";
    default: return "other";
    }
}

int main(void)
{
    char line[128];
    int stdin_file = 0;
    for (int fd = 0; fd < 3; fd++) {
        __wasi_fdstat_t st;
        __wasi_filesize_t pos;
        if (__wasi_fd_fdstat_get(fd, &st) != 0) {
            snprintf(line, sizeof line, "%d: no fdstat\n", fd);
        } else {
            int seeks = __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos) == 0;
            snprintf(line, sizeof line, "%d: isatty=%d type=%s seeks=%d\n", fd, isatty(fd),
                     kind(st.fs_filetype), seeks);
            if (fd == 0)
                stdin_file = st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE;
        }
        /* on stderr too, so that a terminal run can be read from a file */
        fputs(line, stderr);
    }
    if (stdin_file) {
        if (lseek(0, 6, SEEK_SET) != 6 || !fgets(line, sizeof line, stdin))
            fputs("stdin: seek failed\n", stderr);
        else
            fprintf(stderr, "stdin at 6: %s", line);
    }
    return 0;
}
