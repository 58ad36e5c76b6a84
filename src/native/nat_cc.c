/*
 * nat_cc.c - the system C compiler: find it, name it (for cache keys), and build C text held
 * in memory into a shared object. The compiler always runs through posix_spawn with an
 * argument vector, never a shell, so no word of a path or flag is ever interpreted.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "native/native_io.h"

#define CC_HINT "install one with `apt-get install -y gcc`, or set CC"

/* ------------------------------------------------------------------------------------------ */
/* Processes                                                                                  */

/* Starts argv[0] with stdin from /dev/null, stdout to out_fd (or with stderr when -1) and
 * stderr to the file err_path (or /dev/null when NULL). With own_group (a compile that may
 * be cancelled) the child leads a process group of its own, so that cancelling kills the
 * driver's children too (cc1, as, ld); otherwise it stays in ours, where a terminal's ^C
 * reaches it as it reaches us. With tmpdir its TMPDIR is our private directory: the files a
 * killed driver never removes are removed with that directory. */
static weft_error *cc_spawn(char *const argv[], int out_fd, const char *err_path,
                            const char *tmpdir, bool own_group, pid_t *pid)
{
    char **env = environ, *tmpvar = NULL;
    if (tmpdir) {
        size_t n = 0;
        while (environ[n])
            n++;
        env = calloc(n + 2, sizeof *env);
        size_t len = strlen(tmpdir) + 8;
        tmpvar = malloc(len);
        if (!env || !tmpvar) {
            free(env), free(tmpvar);
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot start %s: out of memory",
                           argv[0]);
        }
        snprintf(tmpvar, len, "TMPDIR=%s", tmpdir);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (strncmp(environ[i], "TMPDIR=", 7) != 0)
                env[k++] = environ[i];
        env[k++] = tmpvar;
        env[k] = NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        if (tmpdir)
            free(env), free(tmpvar);
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot start %s: out of memory",
                       argv[0]);
    }
    int r = posix_spawnattr_init(&at);
    if (!r && own_group)
        r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    if (!r && own_group)
        r = posix_spawnattr_setpgroup(&at, 0);
    if (!r)
        r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!r)
        r = posix_spawn_file_actions_addopen(&fa, 2, err_path ? err_path : "/dev/null",
                                             O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!r)
        r = out_fd >= 0 ? posix_spawn_file_actions_adddup2(&fa, out_fd, 1)
                        : posix_spawn_file_actions_adddup2(&fa, 2, 1);
    if (!r)
        r = posix_spawn(pid, argv[0], &fa, &at, argv, env);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    if (tmpdir)
        free(env), free(tmpvar);
    if (r)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot start %s: %s", argv[0],
                       strerror(r));
    return NULL;
}

/* Waits for one child of ours (never -1: other threads may have children too). With a
 * cancel flag (cc->cancel), polls it every 2 ms and kills the child once it is set, so that
 * a background compile can be abandoned at once. */
static int cc_wait(const nat_cc *cc, pid_t pid)
{
    int status;
    bool killed = false;
    for (;;) {
        pid_t r = waitpid(pid, &status, cc && cc->cancel ? WNOHANG : 0);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (r == 0) {
            if (!killed && atomic_load_explicit(cc->cancel, memory_order_relaxed)) {
                kill(-pid, SIGKILL); /* the whole group: the driver and what it started */
                killed = true;
            }
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
    }
}

/* "exit status 1" / "killed by signal 9" */
static void describe_status(int status, char *buf, size_t n)
{
    if (status >= 0 && WIFEXITED(status))
        snprintf(buf, n, "exit status %d", WEXITSTATUS(status));
    else if (status >= 0 && WIFSIGNALED(status))
        snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, n, "lost: %s", strerror(errno));
}

/* argv = the compiler, the extra words of $CC, cflags, then tail (ntail words). malloc'd. */
static char **cc_argv(const nat_cc *cc, const char *const *cflags, const char *const *tail,
                      size_t ntail)
{
    size_t nflags = 0;
    while (cflags && cflags[nflags])
        nflags++;
    char **argv = calloc(1 + (size_t)cc->nextra + nflags + ntail + 1, sizeof *argv);
    if (!argv)
        return NULL;
    size_t k = 0;
    argv[k++] = (char *)cc->path;
    for (int i = 0; i < cc->nextra; i++)
        argv[k++] = cc->extra[i];
    for (size_t i = 0; i < nflags; i++)
        argv[k++] = (char *)cflags[i];
    for (size_t i = 0; i < ntail; i++)
        argv[k++] = (char *)tail[i];
    return argv;
}

/* ------------------------------------------------------------------------------------------ */
/* Finding the compiler                                                                       */

static bool is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* A command name looked up on PATH, or a path (it has a '/') taken as it is. */
static bool cc_resolve(const char *prog, char *out, size_t n)
{
    if (strchr(prog, '/'))
        return is_executable(prog) && (size_t)snprintf(out, n, "%s", prog) < n;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* an empty PATH entry means the current directory */
        if ((size_t)snprintf(out, n, "%.*s%s%s", (int)len, len ? p : ".", "/", prog) < n &&
            is_executable(out))
            return true;
        if (!end)
            return false;
        p = end;
    }
}

/* Splits $CC into the program and at most 8 further words. */
static weft_error *cc_split(nat_cc *cc, const char *env, char *prog, size_t n)
{
    const char *p = env;
    prog[0] = '\0';
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, " \t");
        if (!len)
            break;
        if (!prog[0]) {
            if (len >= n)
                return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "CC is too long");
            memcpy(prog, p, len);
            prog[len] = '\0';
        } else if (cc->nextra == 8) {
            return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                           "CC has too many words (a program and at most 8 arguments): %.160s",
                           env);
        } else if (!(cc->extra[cc->nextra++] = xstrndup(p, len))) {
            return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        }
        p += len;
    }
    return NULL;
}

/* The first line of `CC --version` into line (empty when it prints nothing). */
static weft_error *cc_version_line(const nat_cc *cc, char *line, size_t n)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot run %s: %s", cc->path,
                       strerror(errno));
    const char *tail[] = {"--version"};
    char **argv = cc_argv(cc, NULL, tail, 1);
    pid_t pid;
    weft_error *e = argv ? cc_spawn(argv, fds[1], NULL, NULL, cc->cancel != NULL, &pid)
                         : err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    free(argv);
    close(fds[1]);
    if (e) {
        close(fds[0]);
        return e;
    }
    uint8_t *out = NULL;
    size_t len = 0;
    e = nat_read_fd(fds[0], "the compiler's --version", &out, &len);
    close(fds[0]);
    int status = cc_wait(cc, pid);
    if (!e && !(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        char why[64];
        describe_status(status, why, sizeof why);
        e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                    "%.200s does not work as a C compiler (`--version` ended with %s)", cc->path,
                    why);
    }
    if (!e)
        snprintf(line, n, "%.*s", (int)strcspn((char *)out, "\r\n"), (char *)out);
    free(out);
    return e;
}

/* ident = "VERSION LINE | EXTRA WORDS | REALPATH SIZE MTIME" */
static weft_error *cc_identify(nat_cc *cc)
{
    char line[256], real[PATH_MAX], extra[256] = "";
    weft_error *e = cc_version_line(cc, line, sizeof line);
    if (e)
        return e;
    struct stat st;
    if (!realpath(cc->path, real) || stat(real, &st) != 0)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot inspect %.200s: %s", cc->path,
                       strerror(errno));
    for (int i = 0, k = 0; i < cc->nextra; i++)
        k += snprintf(extra + k, sizeof extra - (size_t)k, "%s%s", i ? " " : "", cc->extra[i]),
            k = k < (int)sizeof extra ? k : (int)sizeof extra - 1;
    char full[sizeof line + sizeof extra + sizeof real + 64];
    size_t len = (size_t)snprintf(full, sizeof full, "%s | %s | %s %lld %lld.%09ld", line, extra,
                                  real, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                                  (long)st.st_mtim.tv_nsec);
    if (len < sizeof cc->ident) {
        memcpy(cc->ident, full, len + 1);
    } else { /* too long to keep whole: a prefix and the hash of all of it stay distinct */
        uint8_t h[32];
        char hex[65];
        sha256(full, len, h);
        hex_encode(h, sizeof h, hex);
        snprintf(cc->ident, sizeof cc->ident, "%.400s... sha256:%s", full, hex);
    }
    return NULL;
}

weft_error *nat_cc_find(nat_cc *cc)
{
    memset(cc, 0, sizeof *cc);
    const char *env = getenv("CC");
    char prog[4096] = "";
    weft_error *e = env ? cc_split(cc, env, prog, sizeof prog) : NULL;
    if (!e && !prog[0])
        snprintf(prog, sizeof prog, "cc");
    if (!e && !cc_resolve(prog, cc->path, sizeof cc->path)) {
        if (env && strcmp(prog, "cc") != 0)
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                        "no C compiler found (looked for $CC=%.100s): " CC_HINT, prog);
        else
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET,
                        "no C compiler found (looked for $CC / cc on PATH): " CC_HINT);
    }
    if (!e)
        e = cc_identify(cc);
    if (e)
        nat_cc_free(cc);
    return e;
}

void nat_cc_free(nat_cc *cc)
{
    for (int i = 0; i < cc->nextra; i++)
        free(cc->extra[i]);
    cc->nextra = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Building                                                                                   */

/* Removes our private directory: it holds only files we made, no subdirectories. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        char path[PATH_MAX];
        for (struct dirent *ent; (ent = readdir(d));) {
            if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
                continue;
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, ent->d_name) < sizeof path)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Removes dir; after a cancelled compile a killed child may still be dying with a file open,
 * so a directory that is not yet empty is tried again for up to a second. */
static void remove_dir_retry(const char *dir)
{
    for (int i = 0; i < 100; i++) {
        remove_dir(dir);
        if (access(dir, F_OK) != 0)
            return;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
}

/* Appends line to out (at *k, n bytes) after " / ", without our directory's name wherever it
 * appears (it says nothing to the reader). */
static void append_line(char *out, size_t n, size_t *k, const char *line, const char *dir)
{
    size_t dlen = strlen(dir);
    if (*k && *k + 3 < n)
        memcpy(out + *k, " / ", 3), *k += 3;
    for (const char *p = line; *p && *k + 1 < n;) {
        if (strncmp(p, dir, dlen) == 0 && p[dlen] == '/')
            p += dlen + 1;
        else
            out[(*k)++] = *p++;
    }
    out[*k] = '\0'; /* *k < n: the loop keeps a byte for it */
}

/* Whether a line of compiler or linker output names a problem. */
static bool is_diagnostic(const char *line)
{
    return strstr(line, "error") || strstr(line, "undefined reference");
}

/* The compiler's diagnostics from its stderr: the lines naming a problem if there are any
 * (not the source excerpts and carets under them), else the first lines, joined with " / ". */
static void stderr_excerpt(const char *dir, const char *err_path, char *out, size_t n)
{
    uint8_t *text = NULL;
    size_t len = 0, k = 0;
    out[0] = '\0';
    weft_error *e = nat_read_file(err_path, &text, &len);
    if (e) {
        weft_error_free(e);
        return;
    }
    bool any = is_diagnostic((char *)text); /* in some line: no pattern spans a newline */
    char *save = NULL;
    for (char *line = strtok_r((char *)text, "\n", &save); line && k + 1 < n;
         line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ')
            line++;
        if (*line && (!any || is_diagnostic(line)))
            append_line(out, n, &k, line, dir);
    }
    free(text);
}

/* Starts the compiler with tail after the flags, its stderr into err_path, its temporary
 * files in dir. */
static weft_error *cc_start(const nat_cc *cc, const char *dir, const char *const *cflags,
                            const char *const *tail, size_t ntail, const char *err_path,
                            pid_t *pid)
{
    char **argv = cc_argv(cc, cflags, tail, ntail);
    if (!argv)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    weft_error *e = cc_spawn(argv, -1, err_path, dir, cc->cancel != NULL, pid);
    free(argv);
    return e;
}

static bool exited_ok(int status)
{
    return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The error of a failed step: "WHAT: C compiler failed (STATUS[; files kept in DIR]): STDERR" */
static weft_error *cc_failure(const char *what, int status, const char *dir, bool kept,
                              const char *err_path)
{
    char why[64], excerpt[240];
    describe_status(status, why, sizeof why);
    stderr_excerpt(dir, err_path, excerpt, sizeof excerpt);
    return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "%s: C compiler failed (%s%s%s): %s", what,
                   why, kept ? "; files kept in " : "", kept ? dir : "", excerpt);
}

/* Writes unit i as DIR/uI.c. */
static weft_error *write_unit(const char *dir, size_t i, const char *text, size_t len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/u%zu.c", dir, i);
    return nat_write_file(path, (const uint8_t *)text, len);
}

/* Compiles every unit, `jobs` at a time, oldest waited for first. After a failure nothing new
 * starts, but every running compiler is waited for (no child is left behind). */
static weft_error *compile_units(const nat_cc *cc, const char *dir, size_t n,
                                 const char *const *cflags, size_t jobs, bool kept)
{
    pid_t *pids = calloc(n ? n : 1, sizeof *pids);
    if (!pids)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    size_t next = 0, done = 0, bad = SIZE_MAX;
    int bad_status = 0;
    weft_error *e = NULL;
    char src[PATH_MAX], obj[PATH_MAX], errf[PATH_MAX];
    while (done < n) {
        while (!e && bad == SIZE_MAX && next < n && next - done < jobs) {
            snprintf(src, sizeof src, "%s/u%zu.c", dir, next);
            snprintf(obj, sizeof obj, "%s/u%zu.o", dir, next);
            snprintf(errf, sizeof errf, "%s/u%zu.err", dir, next);
            const char *tail[] = {"-c", src, "-o", obj};
            e = cc_start(cc, dir, cflags, tail, 4, errf, &pids[next]);
            next += !e; /* only started ones are waited for */
        }
        if (done == next)
            break;
        int status = cc_wait(cc, pids[done]);
        if (!exited_ok(status) && bad == SIZE_MAX)
            bad = done, bad_status = status;
        done++;
    }
    free(pids);
    if (!e && bad != SIZE_MAX) {
        char what[32];
        snprintf(what, sizeof what, "unit %zu", bad);
        snprintf(errf, sizeof errf, "%s/u%zu.err", dir, bad);
        e = cc_failure(what, bad_status, dir, kept, errf);
    }
    return e;
}

/* Links DIR/u*.o into DIR/out.so; with from_source, compiles and links DIR/u*.c in one
 * compiler run (a single unit: one process instead of two). */
static weft_error *link_units(const nat_cc *cc, const char *dir, size_t n,
                              const char *const *cflags, bool kept, bool from_source)
{
    const char **tail = calloc(n + 3, sizeof *tail);
    char **objs = calloc(n ? n : 1, sizeof *objs);
    char out[PATH_MAX], errf[PATH_MAX];
    weft_error *e = NULL;
    snprintf(out, sizeof out, "%s/out.so", dir);
    snprintf(errf, sizeof errf, "%s/link.err", dir);
    if (!tail || !objs)
        e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
    for (size_t i = 0; !e && i < n; i++) {
        size_t len = strlen(dir) + 32;
        if (!(objs[i] = malloc(len)))
            e = err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory");
        else
            snprintf(objs[i], len, "%s/u%zu.%s", dir, i, from_source ? "c" : "o");
    }
    pid_t pid;
    if (!e) {
        tail[0] = "-shared", tail[1] = "-o", tail[2] = out;
        memcpy(tail + 3, objs, n * sizeof *objs);
        e = cc_start(cc, dir, cflags, tail, n + 3, errf, &pid);
    }
    if (!e) {
        int status = cc_wait(cc, pid);
        if (!exited_ok(status))
            e = cc_failure(from_source ? "unit 0" : "linking the shared object", status, dir,
                           kept, errf);
    }
    for (size_t i = 0; objs && i < n; i++)
        free(objs[i]);
    free(objs);
    free(tail);
    return e;
}

static weft_error *build_in(const nat_cc *cc, const char *dir, const char *const *units,
                            const size_t *lens, size_t n, const char *const *cflags, int jobs,
                            bool kept, uint8_t **so, size_t *so_len)
{
    weft_error *e = NULL;
    for (size_t i = 0; !e && i < n; i++)
        e = write_unit(dir, i, units[i], lens[i]);
    if (jobs <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cpus > 0 ? (int)cpus : 1;
    }
    if (!e && n > 1)
        e = compile_units(cc, dir, n, cflags, (size_t)jobs, kept);
    if (!e)
        e = link_units(cc, dir, n, cflags, kept, n == 1);
    if (!e) {
        char out[PATH_MAX];
        snprintf(out, sizeof out, "%s/out.so", dir);
        e = nat_read_file(out, so, so_len);
    }
    return e;
}

weft_error *nat_cc_build_keep(const nat_cc *cc, const char *const *units, const size_t *lens,
                              size_t n, const char *const *cflags, int jobs, char *kept_dir,
                              size_t kept_n, uint8_t **so, size_t *so_len)
{
    *so = NULL;
    *so_len = 0;
    if (n == 0)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "nothing to compile (no C units)");
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX - 64];
    if ((size_t)snprintf(dir, sizeof dir, "%s/weft-cc-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
        sizeof dir)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "TMPDIR is too long");
    if (!mkdtemp(dir)) /* mode 0700 */
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot create a directory %s: %s", dir,
                       strerror(errno));
    bool kept = kept_dir != NULL;
    weft_error *e = build_in(cc, dir, units, lens, n, cflags, jobs, kept, so, so_len);
    if (kept)
        snprintf(kept_dir, kept_n, "%s", dir);
    else
        remove_dir_retry(dir);
    return e;
}

weft_error *nat_cc_build(const nat_cc *cc, const char *const *units, const size_t *lens, size_t n,
                         const char *const *cflags, int jobs, uint8_t **so, size_t *so_len)
{
    return nat_cc_build_keep(cc, units, lens, n, cflags, jobs, NULL, 0, so, so_len);
}
