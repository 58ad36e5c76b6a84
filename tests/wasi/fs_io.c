/* fs_io.c - a program doing ordinary file work in the preopened directory /sandbox, the
 * way C programs do it through wasi-libc: create, write, seek, read back, stat, readdir,
 * rename, unlink, mkdir, rmdir; then stdin, arguments and environment, and an exit status
 * chosen by argv[1]. Its output must be the same under weft and node:wasi, so it prints
 * nothing that differs between hosts (no inode numbers, times or errno texts) and sorts
 * directory listings. Every step prints a line; a failing step prints its errno number.
 *   usage: fs_io STATUS [ARGS...]   (stdin is echoed with its byte count) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void step(const char *what, int ok)
{
    if (!ok)
        failures++;
    printf("%s: %s", what, ok ? "ok" : "FAIL");
    if (!ok)
        printf(" (errno %d)", errno);
    printf("\n");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print a directory's entries (without . and ..) sorted, with their types. */
static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    char *names[64];
    int n = 0;
    if (!d) {
        step("opendir", 0);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char buf[300];
        snprintf(buf, sizeof buf, "%s%s", e->d_name,
                 e->d_type == DT_DIR ? "/" : e->d_type == DT_REG ? "" : "?");
        names[n++] = strdup(buf);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    printf("%s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void files(void)
{
    const char text[] = "hello, sandbox\n";
    char buf[64] = {0};
    struct stat st;

    int fd = open("/sandbox/a.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
    step("create a.txt", fd >= 0);
    step("write", write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    step("seek to 7", lseek(fd, 7, SEEK_SET) == 7);
    step("read back", read(fd, buf, sizeof buf) == 8 && memcmp(buf, "sandbox\n", 8) == 0);
    step("tell at end", lseek(fd, 0, SEEK_CUR) == (off_t)(sizeof text - 1));
    step("pwrite", pwrite(fd, "H", 1, 0) == 1);
    step("pread", pread(fd, buf, 5, 0) == 5 && memcmp(buf, "Hello", 5) == 0);
    step("fstat size", fstat(fd, &st) == 0 && st.st_size == (off_t)(sizeof text - 1) &&
                           S_ISREG(st.st_mode));
    step("ftruncate", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
    step("close", close(fd) == 0);

    fd = open("/sandbox/a.txt", O_WRONLY | O_APPEND);
    step("append", fd >= 0 && write(fd, "!\n", 2) == 2 && close(fd) == 0);
    FILE *f = fopen("/sandbox/a.txt", "r");
    step("fopen", f != NULL);
    if (f) {
        step("fgets", fgets(buf, sizeof buf, f) != NULL);
        printf("a.txt holds: %s", buf);
        fclose(f);
    }
    step("stat", stat("/sandbox/a.txt", &st) == 0 && st.st_size == 7);
    step("open missing fails", open("/sandbox/missing", O_RDONLY) < 0 && errno == ENOENT);
    step("O_EXCL on existing fails",
         open("/sandbox/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) < 0 && errno == EEXIST);
}

static void dirs(void)
{
    struct stat st;
    step("mkdir sub", mkdir("/sandbox/sub", 0755) == 0);
    step("mkdir again fails", mkdir("/sandbox/sub", 0755) < 0 && errno == EEXIST);
    step("stat sub is a directory", stat("/sandbox/sub", &st) == 0 && S_ISDIR(st.st_mode));
    int fd = open("/sandbox/sub/b.txt", O_CREAT | O_WRONLY, 0644);
    step("create sub/b.txt", fd >= 0 && write(fd, "bee", 3) == 3 && close(fd) == 0);
    list_dir("/sandbox");
    list_dir("/sandbox/sub");
    step("rename a.txt to sub/c.txt", rename("/sandbox/a.txt", "/sandbox/sub/c.txt") == 0);
    step("old name gone", stat("/sandbox/a.txt", &st) < 0 && errno == ENOENT);
    list_dir("/sandbox/sub");
    step("rmdir non-empty fails", rmdir("/sandbox/sub") < 0 && errno == ENOTEMPTY);
    step("unlink sub/b.txt", unlink("/sandbox/sub/b.txt") == 0);
    step("unlink sub/c.txt", unlink("/sandbox/sub/c.txt") == 0);
    step("unlink again fails", unlink("/sandbox/sub/c.txt") < 0 && errno == ENOENT);
    step("rmdir sub", rmdir("/sandbox/sub") == 0);
    list_dir("/sandbox");
    step("relative path through ..", mkdir("/sandbox/x", 0755) == 0 &&
                                         stat("/sandbox/x/../keep.txt", &st) == 0 &&
                                         rmdir("/sandbox/x") == 0);
}

static void input(void)
{
    char buf[4096];
    size_t total = 0, n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        fwrite(buf, 1, n, stdout);
        total += n;
    }
    printf("stdin: %zu bytes\n", total);
}

int main(int argc, char **argv)
{
    int status = argc > 1 ? atoi(argv[1]) : 0;
    for (int i = 2; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    const char *v = getenv("FS_IO");
    printf("FS_IO=%s\n", v ? v : "(unset)");
    files();
    dirs();
    input();
    printf("%d failures; exiting with %d\n", failures, status);
    fflush(stdout);
    exit(status);
}
