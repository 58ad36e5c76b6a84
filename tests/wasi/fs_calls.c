/* fs_calls.c - each preview1 filesystem call through the raw imports, checked for its
 * effect and weft's errno: path_open's oflags, fdflags and rights, fd_readdir's exact
 * dirent layout and cookies, renumber, fdstat flags and rights, advise, allocate, sync,
 * filestat set size and times, links, readlink, rename, prestat, poll_oneoff on a clock
 * and on stdin, proc_raise and the socket calls. Run with one preopen (descriptor 3, an
 * empty directory) and "xyz" on stdin through a pipe. Weft-specific: not compared. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

#define DIR 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
            __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                    \
            __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | \
            __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ADVISE | \
            __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)
#define RO (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define RDIR (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_FILESTAT_GET)

/* Not in every wasi-libc's header (newer ones drop it): import it ourselves. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_create_directory")))
int32_t raw_mkdir(int32_t fd, int32_t path, int32_t len);

static int fails;

static void expect(const char *what, long long got, long long want)
{
    if (got != want)
        fails++;
    printf("%s: %s (got %lld, want %lld)\n", what, got == want ? "ok" : "FAIL", got, want);
}

static int put(__wasi_fd_t fd, const char *s)
{
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n = 0;
    int rc = __wasi_fd_write(fd, &iov, 1, &n);
    return rc ? rc : (int)n;
}

static int get(__wasi_fd_t fd, char *buf, size_t len)
{
    __wasi_iovec_t iov = {(uint8_t *)buf, len};
    __wasi_size_t n = 0;
    int rc = __wasi_fd_read(fd, &iov, 1, &n);
    return rc ? -rc : (int)n;
}

static int open_file(const char *path, __wasi_oflags_t of, __wasi_rights_t r,
                     __wasi_fdflags_t ff, __wasi_fd_t *fd)
{
    return __wasi_path_open(DIR, FOLLOW, path, of, r, 0, ff, fd);
}

static void oflags(void)
{
    __wasi_fd_t fd, fd2;
    char buf[32] = {0};
    expect("open missing without CREAT", open_file("f", 0, RW, 0, &fd), __WASI_ERRNO_NOENT);
    expect("CREAT", open_file("f", __WASI_OFLAGS_CREAT, RW, 0, &fd), 0);
    expect("write 6", put(fd, "abcdef"), 6);
    expect("CREAT|EXCL on existing", open_file("f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW, 0, &fd2), __WASI_ERRNO_EXIST);
    expect("DIRECTORY on a file", open_file("f", __WASI_OFLAGS_DIRECTORY, RDIR, 0, &fd2), __WASI_ERRNO_NOTDIR);
    expect("CREAT|DIRECTORY", open_file("g", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, RW, 0, &fd2), __WASI_ERRNO_INVAL);
    expect("read-only open", open_file("f", 0, RO, 0, &fd2), 0);
    expect("write on read-only", put(fd2, "x"), __WASI_ERRNO_BADF);
    expect("read on read-only", get(fd2, buf, sizeof buf), 6);
    __wasi_fdstat_t st;
    expect("fdstat of read-only has no write right", __wasi_fd_fdstat_get(fd2, &st) == 0 && !(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) && st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE, 1);
    expect("close read-only", __wasi_fd_close(fd2), 0);
    expect("TRUNC", open_file("f", __WASI_OFLAGS_TRUNC, RW, 0, &fd2), 0);
    __wasi_filestat_t fs;
    expect("size after TRUNC", __wasi_fd_filestat_get(fd2, &fs) == 0 ? (long long)fs.size : -1, 0);
    expect("close", __wasi_fd_close(fd2), 0);
    expect("close first", __wasi_fd_close(fd), 0);

    expect("APPEND open", open_file("f", 0, RW, __WASI_FDFLAGS_APPEND, &fd), 0);
    expect("fdstat shows APPEND", __wasi_fd_fdstat_get(fd, &st) == 0 ? st.fs_flags : -1, __WASI_FDFLAGS_APPEND);
    __wasi_filesize_t pos;
    expect("seek to 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
    expect("append write", put(fd, "12"), 2);
    expect("set flags: drop APPEND", __wasi_fd_fdstat_set_flags(fd, 0), 0);
    expect("fdstat flags now 0", __wasi_fd_fdstat_get(fd, &st) == 0 ? st.fs_flags : -1, 0);
    expect("seek to 0 again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
    expect("overwrite", put(fd, "A"), 1);
    expect("pread all", __wasi_fd_pread(fd, &(__wasi_iovec_t){(uint8_t *)buf, sizeof buf}, 1, 0, (__wasi_size_t *)&pos) == 0 ? (long long)pos : -1, 2);
    expect("content A2", memcmp(buf, "A2", 2), 0);
    expect("set flags: SYNC is not supported", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
    expect("set flags: NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK), 0);
    expect("close", __wasi_fd_close(fd), 0);
    expect("open with DSYNC|RSYNC|SYNC", open_file("f", 0, RW, __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_SYNC, &fd), 0);
    expect("sync flags kept", __wasi_fd_fdstat_get(fd, &st) == 0 ? st.fs_flags : -1, __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_SYNC);
    expect("close", __wasi_fd_close(fd), 0);
}

static void file_ops(void)
{
    __wasi_fd_t fd;
    __wasi_filestat_t fs;
    __wasi_fdstat_t st;
    expect("open f", open_file("f", 0, RW, 0, &fd), 0);
    expect("advise", __wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL), 0);
    expect("advise: bad advice", __wasi_fd_advise(fd, 0, 100, 9), __WASI_ERRNO_INVAL);
    expect("allocate 1000", __wasi_fd_allocate(fd, 0, 1000), 0);
    expect("size after allocate", __wasi_fd_filestat_get(fd, &fs) == 0 ? (long long)fs.size : -1, 1000);
    expect("set size 10", __wasi_fd_filestat_set_size(fd, 10), 0);
    expect("size now 10", __wasi_fd_filestat_get(fd, &fs) == 0 ? (long long)fs.size : -1, 10);
    expect("sync", __wasi_fd_sync(fd), 0);
    expect("datasync", __wasi_fd_datasync(fd), 0);
    expect("set times", __wasi_fd_filestat_set_times(fd, 1000000000ull * 1000000000ull, 1234567890123456789ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
    expect("mtim read back", __wasi_fd_filestat_get(fd, &fs) == 0 && fs.mtim == 1234567890123456789ull, 1);
    expect("set times: ATIM with ATIM_NOW", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
    expect("tell", __wasi_fd_tell(fd, &fs.size) == 0 ? (long long)fs.size : -1, 0);

    /* Rights only go down. */
    expect("drop write right", __wasi_fd_fdstat_set_rights(fd, RO, 0), 0);
    expect("write now refused", put(fd, "x"), __WASI_ERRNO_BADF);
    expect("set size now refused", __wasi_fd_filestat_set_size(fd, 1), __WASI_ERRNO_NOTCAPABLE);
    expect("gain write right back", __wasi_fd_fdstat_set_rights(fd, RW, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("fdstat shows RO", __wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_rights_base == RO, 1);

    /* renumber: fd replaces 10? Only open targets: make one first. */
    __wasi_fd_t other;
    expect("open another", open_file("f", 0, RO, 0, &other), 0);
    expect("renumber to a closed fd", __wasi_fd_renumber(fd, 99), __WASI_ERRNO_BADF);
    expect("renumber fd onto other", __wasi_fd_renumber(fd, other), 0);
    expect("old number closed", __wasi_fd_fdstat_get(fd, &st), __WASI_ERRNO_BADF);
    expect("new number has fd's rights", __wasi_fd_fdstat_get(other, &st) == 0 && st.fs_rights_base == RO, 1);
    expect("close renumbered", __wasi_fd_close(other), 0);
    expect("close twice", __wasi_fd_close(other), __WASI_ERRNO_BADF);
}

/* Read the whole directory with buffers of `bufsize` bytes (cookies carry on). Returns
 * how many entries it saw, or -errno; checks the layout of each. */
static int scan_dir(__wasi_fd_t fd, size_t bufsize, int *bad)
{
    static uint8_t buf[4096];
    __wasi_dircookie_t cookie = 0;
    int count = 0;
    for (int rounds = 0; rounds < 1000; rounds++) {
        __wasi_size_t used = 0;
        int rc = __wasi_fd_readdir(fd, buf, bufsize, cookie, &used);
        if (rc)
            return -rc;
        size_t at = 0;
        while (at + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + at, sizeof d);
            if (at + sizeof d + d.d_namlen > used)
                break; /* cut: ask again from the last whole entry */
            const char *name = (const char *)buf + at + sizeof d;
            if (d.d_namlen == 5 && memcmp(name, "file1", 5) == 0 && d.d_type != __WASI_FILETYPE_REGULAR_FILE)
                (*bad)++;
            if (d.d_namlen == 4 && memcmp(name, "dir1", 4) == 0 && d.d_type != __WASI_FILETYPE_DIRECTORY)
                (*bad)++;
            if (d.d_namlen == 5 && memcmp(name, "link1", 5) == 0 && d.d_type != __WASI_FILETYPE_SYMBOLIC_LINK)
                (*bad)++;
            if (d.d_next <= cookie)
                (*bad)++;
            cookie = d.d_next;
            count++;
            at += sizeof d + d.d_namlen;
        }
        if (used < bufsize)
            return count;
    }
    return -1;
}

static void readdir_calls(void)
{
    __wasi_fd_t d, f;
    int bad = 0;
    expect("mkdir d", __wasi_path_create_directory(DIR, "d"), 0);
    expect("mkdir d/dir1", __wasi_path_create_directory(DIR, "d/dir1"), 0);
    expect("create d/file1", open_file("d/file1", __WASI_OFLAGS_CREAT, RW, 0, &f), 0);
    expect("readdir on a file", __wasi_fd_readdir(f, (uint8_t *)&bad, 4, 0, (__wasi_size_t *)&bad), __WASI_ERRNO_NOTDIR);
    (void)__wasi_fd_close(f);
    bad = 0;
    expect("symlink d/link1", __wasi_path_symlink("file1", DIR, "d/link1"), 0);
    char name[40];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "d/a_rather_long_file_name_%02d", i);
        expect(name, open_file(name, __WASI_OFLAGS_CREAT, RW, 0, &f) == 0 && __wasi_fd_close(f) == 0, 1);
    }
    expect("open d", __wasi_path_open(DIR, 0, "d", __WASI_OFLAGS_DIRECTORY, RDIR, 0, 0, &d), 0);
    /* ".", "..", dir1, file1, link1 and 20 files: 25 entries, whatever the buffer. */
    expect("readdir, large buffer", scan_dir(d, 4096, &bad), 25);
    expect("readdir, 100-byte buffer", scan_dir(d, 100, &bad), 25);
    expect("readdir, 64-byte buffer (one entry at a time)", scan_dir(d, 64, &bad), 25);
    expect("dirent types and cookies", bad, 0);
    uint8_t small[10];
    __wasi_size_t used = 0;
    expect("readdir, 10-byte buffer fills it", __wasi_fd_readdir(d, small, sizeof small, 0, &used) == 0 ? (long long)used : -1, 10);
    __wasi_dircookie_t past = 1000;
    expect("readdir past the end", __wasi_fd_readdir(d, small, sizeof small, past, &used) == 0 ? (long long)used : -1, 0);
    expect("readdir out of memory", __wasi_fd_readdir(d, (uint8_t *)(uintptr_t)0xFFFFFFF0u, 100, 0, &used), __WASI_ERRNO_FAULT);
    expect("close d", __wasi_fd_close(d), 0);
}

static void path_calls(void)
{
    __wasi_filestat_t a, b;
    __wasi_fd_t fd;
    uint8_t buf[64];
    __wasi_size_t n = 0;
    expect("hard link f -> h", __wasi_path_link(DIR, 0, "f", DIR, "h"), 0);
    expect("nlink is 2", __wasi_path_filestat_get(DIR, 0, "f", &a) == 0 ? (long long)a.nlink : -1, 2);
    expect("same inode", __wasi_path_filestat_get(DIR, 0, "h", &b) == 0 && a.ino == b.ino, 1);
    expect("link onto existing", __wasi_path_link(DIR, 0, "f", DIR, "h"), __WASI_ERRNO_EXIST);
    expect("symlink sl -> f", __wasi_path_symlink("f", DIR, "sl"), 0);
    expect("stat sl (no follow) is a link", __wasi_path_filestat_get(DIR, 0, "sl", &a) == 0 ? a.filetype : -1, __WASI_FILETYPE_SYMBOLIC_LINK);
    expect("stat sl (follow) is a file", __wasi_path_filestat_get(DIR, FOLLOW, "sl", &a) == 0 ? a.filetype : -1, __WASI_FILETYPE_REGULAR_FILE);
    expect("readlink sl", __wasi_path_readlink(DIR, "sl", buf, sizeof buf, &n) == 0 && n == 1 && buf[0] == 'f', 1);
    expect("symlink long -> 0123456789", __wasi_path_symlink("0123456789", DIR, "long"), 0);
    expect("readlink into 4 bytes", __wasi_path_readlink(DIR, "long", buf, 4, &n) == 0 ? (long long)n : -1, 4);
    expect("CREAT|EXCL on a dangling link", (__wasi_path_symlink("nowhere", DIR, "dangling") == 0) ? open_file("dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW, 0, &fd) : -1, __WASI_ERRNO_EXIST);
    expect("CREAT through a dangling link makes its target", open_file("dangling", __WASI_OFLAGS_CREAT, RW, 0, &fd) == 0 && __wasi_fd_close(fd) == 0 && __wasi_path_filestat_get(DIR, 0, "nowhere", &a) == 0, 1);
    expect("readlink of a file", __wasi_path_readlink(DIR, "f", buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
    expect("set times through a path", __wasi_path_filestat_set_times(DIR, FOLLOW, "sl", 0, 5000000000ull, __WASI_FSTFLAGS_MTIM), 0);
    expect("mtim of f", __wasi_path_filestat_get(DIR, 0, "f", &a) == 0 && a.mtim == 5000000000ull, 1);
    expect("rename h -> d/h2", __wasi_path_rename(DIR, "h", DIR, "d/h2"), 0);
    expect("h is gone", __wasi_path_filestat_get(DIR, 0, "h", &a), __WASI_ERRNO_NOENT);
    expect("rename onto a non-empty dir", __wasi_path_rename(DIR, "f", DIR, "d"), __WASI_ERRNO_ISDIR);
    expect("rename file with trailing slash", __wasi_path_rename(DIR, "f/", DIR, "z"), __WASI_ERRNO_NOTDIR);
    expect("unlink a directory", __wasi_path_unlink_file(DIR, "d"), __WASI_ERRNO_ISDIR);
    expect("rmdir a file", __wasi_path_remove_directory(DIR, "f"), __WASI_ERRNO_NOTDIR);
    expect("rmdir non-empty", __wasi_path_remove_directory(DIR, "d"), __WASI_ERRNO_NOTEMPTY);
    expect("mkdir with trailing slash", __wasi_path_create_directory(DIR, "e/"), 0);
    expect("rmdir with trailing slash", __wasi_path_remove_directory(DIR, "e/"), 0);
    expect("open a path through a file", open_file("f/x", 0, RO, 0, &fd), __WASI_ERRNO_NOTDIR);
    expect("path_open on a file descriptor", (open_file("f", 0, RO, 0, &fd) == 0) ? __wasi_path_open(fd, 0, "x", 0, RO, 0, 0, &fd) : -1, __WASI_ERRNO_NOTDIR);
    expect("path out of memory", raw_mkdir(DIR, (int32_t)0xFFFFFFF0u, 10), __WASI_ERRNO_FAULT);
    __wasi_prestat_t pre;
    char pname[16] = {0};
    expect("prestat of 3", __wasi_fd_prestat_get(DIR, &pre) == 0 ? (long long)pre.u.dir.pr_name_len : -1, 5);
    expect("prestat name", __wasi_fd_prestat_dir_name(DIR, (uint8_t *)pname, 5) == 0 && memcmp(pname, "/work", 5) == 0, 1);
    expect("prestat name, short buffer", __wasi_fd_prestat_dir_name(DIR, (uint8_t *)pname, 2), __WASI_ERRNO_NAMETOOLONG);
    expect("no prestat for a file", __wasi_fd_prestat_get(fd, &pre), __WASI_ERRNO_BADF);
}

static void misc_calls(void)
{
    __wasi_subscription_t sub[2];
    __wasi_event_t ev[2];
    __wasi_size_t n = 0;
    memset(sub, 0, sizeof sub);
    sub[0].userdata = 7;
    sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    sub[0].u.u.fd_read.file_descriptor = 0;
    sub[1].userdata = 8;
    sub[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    sub[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub[1].u.u.clock.timeout = 5000000000ull;
    expect("poll stdin (data waiting)", __wasi_poll_oneoff(sub, ev, 2, &n), 0);
    expect("one event, stdin's", n == 1 && ev[0].userdata == 7 && ev[0].type == __WASI_EVENTTYPE_FD_READ && ev[0].error == 0, 1);
    expect("nbytes ready", (long long)ev[0].fd_readwrite.nbytes, 4);
    sub[0] = sub[1];
    sub[0].u.u.clock.timeout = 1000000;
    expect("poll a 1 ms clock", __wasi_poll_oneoff(sub, ev, 1, &n) == 0 && n == 1 && ev[0].userdata == 8 && ev[0].type == __WASI_EVENTTYPE_CLOCK, 1);
    sub[0].u.u.clock.id = 77;
    expect("poll an unknown clock", __wasi_poll_oneoff(sub, ev, 1, &n) == 0 && n == 1 && ev[0].error == __WASI_ERRNO_INVAL, 1);
    __wasi_timestamp_t t;
    for (int id = 0; id < 4; id++) {
        char what[40];
        snprintf(what, sizeof what, "clock %d", id);
        expect(what, __wasi_clock_time_get((__wasi_clockid_t)id, 1, &t) == 0 && __wasi_clock_res_get((__wasi_clockid_t)id, &t) == 0 && t > 0, 1);
    }
    expect("proc_raise", raw_proc_raise(15), __WASI_ERRNO_NOSYS);
    expect("sock_shutdown", __wasi_sock_shutdown(0, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
    __wasi_fd_t fd;
    expect("sock_accept", __wasi_sock_accept(0, 0, &fd), __WASI_ERRNO_NOTSOCK);
    expect("sched_yield", __wasi_sched_yield(), 0);
}

int main(void)
{
    oflags();
    file_ops();
    readdir_calls();
    path_calls();
    misc_calls();
    printf("%s\n", fails ? "fs_calls: FAIL" : "fs_calls: ok");
    return fails != 0;
}
