/* sandbox.c - every way out of a preopened directory must fail, with weft's errno, and
 * the ways that stay inside must keep working. Run with one preopen (descriptor 3) of a
 * directory the suite prepared (tests/suites/wasi.sh):
 *
 *   box/                     the preopen           outside/ (next to box, never reachable)
 *     keep.txt  "inside"                              secret.txt  "TOPSECRET"
 *     sub/inner.txt "inner"                           victim.txt  "victim"
 *     sub/up -> ..           (stays inside)
 *     sub/upup -> ../..      (leads out)
 *     s -> sub               (a directory link)
 *     out_abs -> /abs/path/of/outside
 *     out_rel -> ../outside
 *     secret_link -> ../outside/secret.txt
 *     chain1 -> chain2 -> chain3 -> ../outside/secret.txt
 *     good1 -> good2 -> sub/inner.txt
 *     loop1 -> loop2 -> loop1
 *
 * Calls go straight to the preview1 imports so that the errno is the runtime's own.
 * weft answers ENOTCAPABLE (76) for every escape. Prints one line per case, then
 * "sandbox: ok" or "sandbox: FAIL". */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

#define BOX 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define R_WRITE (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define R_DIR (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN)

enum { NOTCAP = __WASI_ERRNO_NOTCAPABLE };

/* path_open as imported, with an explicit length (the header's wrapper takes a C string,
 * which could not carry a NUL byte inside the path). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                      int32_t oflags, int64_t base, int64_t inheriting, int32_t fdflags,
                      int32_t out);

static int fails;

static void expect(const char *what, int got, int want)
{
    if (got != want)
        fails++;
    printf("%s: %s (got %d, want %d)\n", what, got == want ? "ok" : "FAIL", got, want);
}

static int open_read(const char *path, int follow, __wasi_fd_t *fd)
{
    return __wasi_path_open(BOX, follow ? FOLLOW : 0, path, 0, R_READ, 0, 0, fd);
}

/* Open path for reading and check its content starts with want; returns the errno. */
static int read_back(const char *path, const char *want)
{
    __wasi_fd_t fd;
    char buf[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    int rc = open_read(path, 1, &fd);
    if (rc)
        return rc;
    rc = __wasi_fd_read(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    if (rc)
        return rc;
    if (strstr(buf, "TOPSECRET"))
        printf("LEAK: read the secret through %s\n", path);
    return strncmp(buf, want, strlen(want)) == 0 ? 0 : -1;
}

static void reads(void)
{
    __wasi_fd_t fd;
    expect("open ../outside/secret.txt", open_read("../outside/secret.txt", 1, &fd), NOTCAP);
    expect("open /etc/passwd (absolute)", open_read("/etc/passwd", 1, &fd), NOTCAP);
    expect("open / (absolute)", open_read("/", 1, &fd), NOTCAP);
    expect("open sub/../../outside/secret.txt", open_read("sub/../../outside/secret.txt", 1, &fd), NOTCAP);
    expect("open .. ", open_read("..", 1, &fd), NOTCAP);
    expect("open ./../box/keep.txt", open_read("./../box/keep.txt", 1, &fd), NOTCAP);
    expect("open out_abs/secret.txt (absolute link)", open_read("out_abs/secret.txt", 1, &fd), NOTCAP);
    expect("open out_rel/secret.txt (link to ..)", open_read("out_rel/secret.txt", 1, &fd), NOTCAP);
    expect("open out_rel/ (trailing slash follows)", open_read("out_rel/", 0, &fd), NOTCAP);
    expect("open secret_link, following", open_read("secret_link", 1, &fd), NOTCAP);
    expect("open secret_link, not following", open_read("secret_link", 0, &fd), __WASI_ERRNO_LOOP);
    expect("open chain1 (chain leading out)", open_read("chain1", 1, &fd), NOTCAP);
    expect("open loop1 (a loop)", open_read("loop1", 1, &fd), __WASI_ERRNO_LOOP);
    expect("open s/../../outside/secret.txt (.. after a link)", open_read("s/../../outside/secret.txt", 1, &fd), NOTCAP);
    expect("open sub/upup/outside/secret.txt", open_read("sub/upup/outside/secret.txt", 1, &fd), NOTCAP);
    expect("open sub/up/../outside/secret.txt", open_read("sub/up/../outside/secret.txt", 1, &fd), NOTCAP);
    /* NUL inside the path: the host would stop there; weft refuses the whole path. */
    static const char nul[] = "keep.txt\0../../outside/secret.txt";
    expect("path with a NUL byte", raw_path_open(BOX, FOLLOW, (int32_t)(uintptr_t)nul, sizeof nul - 1, 0, R_READ, 0, 0, (int32_t)(uintptr_t)&fd), __WASI_ERRNO_INVAL);
    expect("empty path", open_read("", 1, &fd), __WASI_ERRNO_NOENT);

    /* Ways that stay inside keep working. */
    expect("read keep.txt", read_back("keep.txt", "inside"), 0);
    expect("read ./sub/../keep.txt", read_back("./sub/../keep.txt", "inside"), 0);
    expect("read good1 (chain staying inside)", read_back("good1", "inner"), 0);
    expect("read s/inner.txt (directory link)", read_back("s/inner.txt", "inner"), 0);
    expect("read s/../keep.txt", read_back("s/../keep.txt", "inside"), 0);
    expect("read sub/up/keep.txt (link to ..)", read_back("sub/up/keep.txt", "inside"), 0);
    expect("read sub//inner.txt (double slash)", read_back("sub//inner.txt", "inner"), 0);
    expect("open . (the preopen itself)", __wasi_path_open(BOX, 0, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, 0, &fd), 0);
    if (fd > BOX)
        (void)__wasi_fd_close(fd);
}

static void writes(void)
{
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    const __wasi_oflags_t creat = __WASI_OFLAGS_CREAT;
    expect("truncate ../outside/victim.txt", __wasi_path_open(BOX, FOLLOW, "../outside/victim.txt", __WASI_OFLAGS_TRUNC, R_WRITE, 0, 0, &fd), NOTCAP);
    expect("create ../outside/new.txt", __wasi_path_open(BOX, FOLLOW, "../outside/new.txt", creat, R_WRITE, 0, 0, &fd), NOTCAP);
    expect("create out_rel/new.txt", __wasi_path_open(BOX, FOLLOW, "out_rel/new.txt", creat, R_WRITE, 0, 0, &fd), NOTCAP);
    expect("create out_abs/new.txt", __wasi_path_open(BOX, FOLLOW, "out_abs/new.txt", creat, R_WRITE, 0, 0, &fd), NOTCAP);
    expect("write through secret_link", __wasi_path_open(BOX, FOLLOW, "secret_link", __WASI_OFLAGS_TRUNC, R_WRITE, 0, 0, &fd), NOTCAP);
    expect("mkdir ../outside/newdir", __wasi_path_create_directory(BOX, "../outside/newdir"), NOTCAP);
    expect("mkdir out_rel/newdir", __wasi_path_create_directory(BOX, "out_rel/newdir"), NOTCAP);
    expect("rmdir ../outside", __wasi_path_remove_directory(BOX, "../outside"), NOTCAP);
    expect("unlink ../outside/victim.txt", __wasi_path_unlink_file(BOX, "../outside/victim.txt"), NOTCAP);
    expect("unlink out_rel/victim.txt", __wasi_path_unlink_file(BOX, "out_rel/victim.txt"), NOTCAP);
    expect("unlink sub/upup/outside/victim.txt", __wasi_path_unlink_file(BOX, "sub/upup/outside/victim.txt"), NOTCAP);
    expect("rename keep.txt to ../outside/moved", __wasi_path_rename(BOX, "keep.txt", BOX, "../outside/moved"), NOTCAP);
    expect("rename ../outside/victim.txt in", __wasi_path_rename(BOX, "../outside/victim.txt", BOX, "stolen"), NOTCAP);
    expect("rename out_rel/victim.txt in", __wasi_path_rename(BOX, "out_rel/victim.txt", BOX, "stolen"), NOTCAP);
    expect("link ../outside/secret.txt in", __wasi_path_link(BOX, 0, "../outside/secret.txt", BOX, "hard"), NOTCAP);
    expect("link secret_link, following", __wasi_path_link(BOX, FOLLOW, "secret_link", BOX, "hard"), NOTCAP);
    expect("symlink to an absolute path", __wasi_path_symlink("/etc/passwd", BOX, "abs"), NOTCAP);
    expect("symlink placed outside", __wasi_path_symlink("keep.txt", BOX, "../outside/planted"), NOTCAP);
    expect("stat ../outside/secret.txt", __wasi_path_filestat_get(BOX, FOLLOW, "../outside/secret.txt", &st), NOTCAP);
    expect("stat secret_link, following", __wasi_path_filestat_get(BOX, FOLLOW, "secret_link", &st), NOTCAP);
    expect("stat secret_link itself", __wasi_path_filestat_get(BOX, 0, "secret_link", &st) == 0 && st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? 0 : -1, 0);
    expect("set times of out_rel/victim.txt", __wasi_path_filestat_set_times(BOX, FOLLOW, "out_rel/victim.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), NOTCAP);
    expect("set times through secret_link", __wasi_path_filestat_set_times(BOX, FOLLOW, "secret_link", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), NOTCAP);

    /* A relative link pointing out may be made (its text is harmless) but not followed. */
    expect("symlink ../outside/secret.txt as made", __wasi_path_symlink("../outside/secret.txt", BOX, "made"), 0);
    expect("open made", open_read("made", 1, &fd), NOTCAP);
    expect("unlink made", __wasi_path_unlink_file(BOX, "made"), 0);
    uint8_t buf[64];
    __wasi_size_t n = 0;
    expect("readlink secret_link", __wasi_path_readlink(BOX, "secret_link", buf, sizeof buf, &n) == 0 && n == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0 ? 0 : -1, 0);
}

int main(void)
{
    reads();
    writes();
    printf("%s\n", fails ? "sandbox: FAIL" : "sandbox: ok");
    return fails != 0;
}
