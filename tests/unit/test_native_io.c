/*
 * test_native_io.c - the compiled tier's I/O layer: SHA-256 against the standard's vectors,
 * finding the C compiler, building C text into a shared object and loading it from memory,
 * the .cwasm container (round trip, every truncation, flipped bytes, foreign origins), and
 * the artifact cache (directory resolution, concurrent stores, cleaning).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "native/native_io.h"

#include "check.h"

static char root[256]; /* this test's scratch directory: TMPDIR, caches, files */

/* Message of e, or "(no error)". Frees nothing. */
static const char *msg(const weft_error *e) { return e ? e->msg : "(no error)"; }

static bool contains(const weft_error *e, const char *part)
{
    return e && strstr(e->msg, part) != NULL;
}

/* Sets or (value NULL) unsets an environment variable. */
static void set_env(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *ent; (ent = readdir(d));)
        n += strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* SHA-256                                                                                    */

static void check_digest(const char *what, const void *data, size_t len, const char *want)
{
    uint8_t h[32];
    char hex[65];
    sha256(data, len, h);
    hex_encode(h, 32, hex);
    CHECK(strcmp(hex, want) == 0, "sha256(%s) = %s, expected %s", what, hex, want);
}

static void test_sha256(void)
{
    check_digest("empty", "", 0,
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_digest("abc", "abc", 3,
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_digest("448 bits", m448, strlen(m448),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    check_digest("1,000,000 x a", million, 1000000,
                 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* The same million fed in uneven pieces: the incremental path's partial blocks. */
    sha256_ctx c;
    uint8_t one[32], pieces[32];
    sha256(million, 1000000, one);
    sha256_init(&c);
    for (size_t off = 0, step = 1; off < 1000000; off += step, step = step % 131 + 7)
        sha256_update(&c, million + off, off + step > 1000000 ? 1000000 - off : step);
    sha256_final(&c, pieces);
    CHECK(memcmp(one, pieces, 32) == 0, "incremental sha256 differs from one-shot");
    /* Lengths around the padding boundary, one-shot against byte by byte. */
    for (size_t n = 50; n <= 130; n++) {
        sha256(million, n, one);
        sha256_init(&c);
        for (size_t i = 0; i < n; i++)
            sha256_update(&c, million + i, 1);
        sha256_final(&c, pieces);
        CHECK(memcmp(one, pieces, 32) == 0, "sha256 of %zu bytes: byte-wise differs", n);
    }
    free(million);
    char hex[7];
    hex_encode((const uint8_t[]){0x00, 0xff, 0x1a}, 3, hex);
    CHECK(strcmp(hex, "00ff1a") == 0, "hex_encode gave %s", hex);
}

/* ------------------------------------------------------------------------------------------ */
/* Finding the compiler                                                                       */

/* nat_cc_find with $CC set to value (NULL: unset); returns the error, cc filled on success. */
static weft_error *find_with(const char *value, nat_cc *cc)
{
    char *saved = getenv("CC") ? xstrdup(getenv("CC")) : NULL;
    set_env("CC", value);
    weft_error *e = nat_cc_find(cc);
    set_env("CC", saved);
    free(saved);
    return e;
}

static void test_cc_find(void)
{
    nat_cc cc, gcc, clang;
    weft_error *e = find_with(NULL, &cc);
    CHECK(!e && cc.path[0] == '/' && cc.nextra == 0, "CC unset: %s, path '%s'", msg(e), cc.path);
    CHECK(!e && strstr(cc.ident, " | ") && strlen(cc.ident) > 10, "ident '%s'", cc.ident);
    if (!e)
        nat_cc_free(&cc);
    weft_error_free(e);

    e = find_with("gcc", &gcc);
    CHECK(!e && strstr(gcc.path, "gcc") && strstr(gcc.ident, "gcc"), "CC=gcc: %s, ident '%s'",
          msg(e), gcc.ident);
    weft_error_free(e);
    e = find_with("clang", &clang);
    if (!e) {
        CHECK(strstr(clang.ident, "clang") && strcmp(clang.ident, gcc.ident) != 0,
              "clang ident '%s' (gcc's '%s')", clang.ident, gcc.ident);
        nat_cc_free(&clang);
    }
    weft_error_free(e);

    e = find_with("  gcc   -m64 ", &cc);
    CHECK(!e && cc.nextra == 1 && strcmp(cc.extra[0], "-m64") == 0, "CC='gcc -m64': %s, %d extra",
          msg(e), e ? -1 : cc.nextra);
    CHECK(!e && strstr(cc.ident, "-m64") && strcmp(cc.ident, gcc.ident) != 0,
          "extra words must be part of the identity: '%s'", cc.ident);
    if (!e)
        nat_cc_free(&cc);
    weft_error_free(e);
    nat_cc_free(&gcc);

    e = find_with("/nonexistent", &cc);
    CHECK(contains(e, "no C compiler found") && contains(e, "/nonexistent") &&
          contains(e, "apt-get install -y gcc"), "CC=/nonexistent: %s", msg(e));
    weft_error_free(e);
    e = find_with("gcc 1 2 3 4 5 6 7 8 9", &cc);
    CHECK(contains(e, "too many words"), "CC with 9 arguments: %s", msg(e));
    weft_error_free(e);

    /* No $CC and no cc on PATH: the message the contract promises. */
    char *path = xstrdup(getenv("PATH"));
    char empty[300];
    snprintf(empty, sizeof empty, "%s/empty-bin", root);
    mkdir(empty, 0700);
    setenv("PATH", empty, 1);
    e = find_with(NULL, &cc);
    setenv("PATH", path, 1);
    free(path);
    CHECK(e && strcmp(e->msg, "no C compiler found (looked for $CC / cc on PATH): install one "
                              "with `apt-get install -y gcc`, or set CC") == 0,
          "no cc on PATH: %s", msg(e));
    weft_error_free(e);
}

/* ------------------------------------------------------------------------------------------ */
/* Building and loading                                                                       */

static const char *const cflags[] = {"-O2", "-fPIC", NULL};

/* Builds the units into *so; returns the error. */
static weft_error *build(const nat_cc *cc, const char *const *units, size_t n, int jobs,
                         uint8_t **so, size_t *len)
{
    size_t lens[8];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(units[i]);
    return nat_cc_build(cc, units, lens, n, cflags, jobs, so, len);
}

/* Calls int NAME(int) from a loaded shared object; -1 if it is missing. */
static int call(void *h, const char *name, int arg)
{
    int (*f)(int) = (int (*)(int))nat_so_sym(h, name);
    return f ? f(arg) : -1;
}

/* A shared object whose `which` returns k. */
static uint8_t *build_which(const nat_cc *cc, int k, size_t *len)
{
    char text[100];
    snprintf(text, sizeof text, "int which(int x) { return x + %d; }\n", k);
    const char *units[] = {text};
    uint8_t *so = NULL;
    weft_error *e = build(cc, units, 1, 1, &so, len);
    CHECK(!e, "build which=%d: %s", k, msg(e));
    weft_error_free(e);
    return so;
}

/* dlopen must never hand back an earlier object for a recycled /proc/self/fd name. */
static void test_so_names(const nat_cc *cc)
{
    size_t la, lb;
    uint8_t *a = build_which(cc, 100, &la), *b = build_which(cc, 200, &lb);
    void *ha = NULL, *hb = NULL;
    if (!a || !b)
        goto out;
    weft_error *e = nat_so_open(a, la, &ha);
    CHECK(!e && call(ha, "which", 1) == 101, "first object: %s", msg(e));
    weft_error_free(e);
    nat_so_close(ha);
    e = nat_so_open(b, lb, &hb);
    CHECK(!e && call(hb, "which", 1) == 201, "second object after closing the first: %s",
          msg(e));
    weft_error_free(e);
    e = nat_so_open(a, la, &ha); /* both at once */
    CHECK(!e && call(ha, "which", 1) == 101 && call(hb, "which", 1) == 201,
          "two objects at once: %s", msg(e));
    weft_error_free(e);
    nat_so_close(ha);
    nat_so_close(hb);
    e = nat_so_open_tmpfile(b, lb, &hb);
    CHECK(!e && call(hb, "which", 2) == 202, "through a temp file: %s", msg(e));
    weft_error_free(e);
    nat_so_close(hb);
    e = nat_so_open((const uint8_t *)"not an ELF file", 15, &ha);
    CHECK(contains(e, "cannot load the compiled code") && ha == NULL, "garbage: %s", msg(e));
    weft_error_free(e);
out:
    free(a);
    free(b);
}

static void test_cc_build(const nat_cc *cc, const char *tmpdir)
{
    const char *units[] = {
        "int helper(int x) { return x * 3; }\n",
        "int helper(int);\nint entry(int x) { return helper(x) + 1; }\n",
        "static int unused(void) { return 0; }\nint third(void) { return unused() + 7; }\n",
    };
    uint8_t *so = NULL;
    size_t len = 0;
    weft_error *e = build(cc, units, 2, 2, &so, &len);
    CHECK(!e && so && len > 4 && memcmp(so, "\177ELF", 4) == 0, "build 2 units: %s", msg(e));
    weft_error_free(e);
    void *h = NULL;
    e = so ? nat_so_open(so, len, &h) : NULL;
    CHECK(!e && h && call(h, "entry", 4) == 13, "load and call entry(4): %s", msg(e));
    CHECK(h && nat_so_sym(h, "no_such_symbol") == NULL, "a missing symbol is NULL");
    weft_error_free(e);
    nat_so_close(h);
    free(so);

    e = build(cc, units, 3, 0, &so, &len); /* jobs 0: one per CPU */
    CHECK(!e, "build 3 units, jobs 0: %s", msg(e));
    weft_error_free(e);
    free(so);

    const char *broken[] = {units[0], "int broken(void) { return 1 }\n", units[2]};
    for (int jobs = 1; jobs <= 3; jobs += 2) {
        e = build(cc, broken, 3, jobs, &so, &len);
        CHECK(contains(e, "unit 1") && contains(e, "error") && contains(e, "u1.c") &&
              so == NULL, "syntax error, jobs %d: %s", jobs, msg(e));
        CHECK(!contains(e, tmpdir), "the temp dir's name is noise in: %s", msg(e));
        weft_error_free(e);
    }
    CHECK(count_entries(tmpdir) == 0, "%s holds %d entries after the builds", tmpdir,
          count_entries(tmpdir));

    /* A link failure: --no-undefined makes a missing function an error of the linker. */
    const char *unresolved[] = {"int missing_fn(void);\nint f(void) { return missing_fn(); }\n"};
    const char *strict[] = {"-O2", "-fPIC", "-Wl,--no-undefined", NULL};
    size_t ulen = strlen(unresolved[0]);
    e = nat_cc_build(cc, unresolved, &ulen, 1, strict, 1, &so, &len);
    /* one unit is compiled and linked in one compiler run, named as the unit */
    CHECK(contains(e, "unit 0") && contains(e, "missing_fn") &&
          !contains(e, tmpdir), "link failure: %s", msg(e));
    weft_error_free(e);

    /* Keeping the directory for debugging. */
    char kept[4096] = "";
    size_t lens[] = {strlen(broken[0]), strlen(broken[1])};
    e = nat_cc_build_keep(cc, broken, lens, 2, cflags, 2, kept, sizeof kept, &so, &len);
    char path[4200];
    snprintf(path, sizeof path, "%s/u1.err", kept);
    CHECK(kept[0] && contains(e, kept) && access(path, R_OK) == 0, "kept dir '%s': %s", kept,
          msg(e));
    weft_error_free(e);
    if (kept[0] && strncmp(kept, tmpdir, strlen(tmpdir)) == 0)
        rm_tree(kept);

    test_so_names(cc);
    CHECK(count_entries(tmpdir) == 0, "%s holds %d entries after loading", tmpdir,
          count_entries(tmpdir));
}

/* ------------------------------------------------------------------------------------------ */
/* The artifact container                                                                     */

static const uint8_t fake_wasm[] = {0, 'a', 's', 'm', 1, 0, 0, 0};

/* An artifact of m around the given shared object bytes. */
static uint8_t *pack(const nat_meta *m, const uint8_t *so, size_t so_len, size_t *len)
{
    uint8_t *out = NULL;
    weft_error *e = nat_artifact_pack(m, fake_wasm, sizeof fake_wasm, so, so_len, &out, len);
    CHECK(!e, "pack: %s", msg(e));
    weft_error_free(e);
    return out;
}

/* Unpacks a private copy (so that AddressSanitizer sees any read past len). */
static weft_error *unpack_copy(const uint8_t *bytes, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    nat_meta m;
    const uint8_t *w, *s;
    size_t wl, sl;
    weft_error *e = nat_artifact_unpack(copy, len, "prog.cwasm", &m, &w, &wl, &s, &sl);
    free(copy);
    return e;
}

static void test_artifact_round_trip(const nat_meta *m0)
{
    uint8_t so[3000];
    for (size_t i = 0; i < sizeof so; i++)
        so[i] = (uint8_t)(i * 7 + 1);
    size_t len;
    uint8_t *art = pack(m0, so, sizeof so, &len);
    if (!art)
        return;
    CHECK(nat_is_artifact(art, len) && !nat_is_artifact(fake_wasm, sizeof fake_wasm) &&
          !nat_is_artifact(art, 5), "nat_is_artifact");
    nat_meta m;
    const uint8_t *w, *s;
    size_t wl, sl;
    weft_error *e = nat_artifact_unpack(art, len, "prog.cwasm", &m, &w, &wl, &s, &sl);
    CHECK(!e && wl == sizeof fake_wasm && memcmp(w, fake_wasm, wl) == 0 && sl == sizeof so &&
          memcmp(s, so, sl) == 0, "round trip: %s", msg(e));
    CHECK(!e && strcmp(m.weft_version, m0->weft_version) == 0 && m.abi == m0->abi &&
          strcmp(m.arch, m0->arch) == 0 && strcmp(m.cpu, m0->cpu) == 0 &&
          strcmp(m.cc_ident, m0->cc_ident) == 0 && strcmp(m.flags, m0->flags) == 0 &&
          memcmp(m.wasm_sha256, m0->wasm_sha256, 32) == 0, "meta differs after the round trip");
    weft_error_free(e);

    int refused = 0;
    for (size_t k = 0; k < len; k++) {
        e = unpack_copy(art, k);
        refused += e != NULL;
        char want[64];
        snprintf(want, sizeof want, "truncated artifact (%zu of %zu bytes)", k, len);
        if (k >= 24)
            CHECK(contains(e, want), "truncated to %zu: %s", k, msg(e));
        else
            CHECK(contains(e, "prog.cwasm: truncated artifact"), "truncated to %zu: %s", k,
                  msg(e));
        weft_error_free(e);
    }
    CHECK(refused == (int)len, "%d of %zu truncations refused", refused, len);

    /* Every header byte, every 13th byte after it, and the checksum's. */
    for (size_t i = 0; i < len; i += i < 120 || i >= len - 32 ? 1 : 13) {
        art[i] ^= 0x10;
        e = unpack_copy(art, len);
        CHECK(e != NULL, "byte %zu flipped: accepted", i);
        weft_error_free(e);
        art[i] ^= 0x10;
    }
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, art, len);
    longer[len] = 0;
    e = unpack_copy(longer, len + 1);
    CHECK(contains(e, "damaged artifact (1 bytes after its end)"), "one byte appended: %s",
          msg(e));
    weft_error_free(e);
    art[len / 2] ^= 1;
    e = unpack_copy(art, len);
    CHECK(e && strcmp(e->msg, "prog.cwasm: damaged artifact (checksum mismatch)") == 0,
          "a flipped bit in the middle: %s", msg(e));
    weft_error_free(e);
    free(longer);
    free(art);
}

/* Packs m as altered by the caller and expects the message want. */
static void expect_refusal(const nat_meta *m, const char *want)
{
    size_t len;
    uint8_t *art = pack(m, (const uint8_t *)"so", 2, &len);
    weft_error *e = art ? unpack_copy(art, len) : NULL;
    CHECK(e && strcmp(e->msg, want) == 0, "got '%s', expected '%s'", msg(e), want);
    weft_error_free(e);
    free(art);
}

static void test_artifact_origin(const nat_meta *m0, const nat_cc *cc)
{
    nat_meta m = *m0;
    snprintf(m.weft_version, sizeof m.weft_version, "0.0.9");
    expect_refusal(&m, "prog.cwasm: compiled by weft 0.0.9, this is weft " WEFT_VERSION
                       ": recompile it with `weft compile`");
    m = *m0;
    m.abi = NAT_ABI_VERSION + 1;
    char want[400];
    snprintf(want, sizeof want, "prog.cwasm: compiled for native ABI %d, this weft uses ABI %d: "
             "recompile it with `weft compile`", NAT_ABI_VERSION + 1, NAT_ABI_VERSION);
    expect_refusal(&m, want);
    m = *m0;
    const char *other = strcmp(m0->arch, "aarch64") == 0 ? "x86_64" : "aarch64";
    snprintf(m.arch, sizeof m.arch, "%s", other);
    snprintf(want, sizeof want, "prog.cwasm: compiled for %s, this machine is %s", other,
             m0->arch);
    expect_refusal(&m, want);
    m = *m0;
    memcpy(m.cpu + strlen(m.cpu), "+avx512", 8); /* the id is short: "x86_64" */
    snprintf(want, sizeof want, "prog.cwasm: compiled for CPU %s+avx512, this machine is %s: "
             "recompile it with `weft compile`", m0->cpu, m0->cpu);
    expect_refusal(&m, want);

    CHECK(nat_meta_same_cc(m0, cc), "same compiler not recognised");
    m = *m0;
    m.cc_ident[0] ^= 1;
    CHECK(!nat_meta_same_cc(&m, cc), "another compiler taken for the same");
}

/* ------------------------------------------------------------------------------------------ */
/* The cache                                                                                  */

static void expect_dir(const char *override, const char *want)
{
    char out[512];
    weft_error *e = nat_cache_dir(override, out, sizeof out);
    CHECK(!e && strcmp(out, want) == 0, "cache dir '%s' (%s), expected '%s'", e ? "" : out,
          msg(e), want);
    weft_error_free(e);
}

static void test_cache_dir(void)
{
    const char *names[] = {"WEFT_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
    char *saved[3];
    for (int i = 0; i < 3; i++)
        saved[i] = getenv(names[i]) ? xstrdup(getenv(names[i])) : NULL;
    setenv("WEFT_CACHE_DIR", "/w", 1);
    setenv("XDG_CACHE_HOME", "/x", 1);
    setenv("HOME", "/h", 1);
    expect_dir("/o", "/o");
    expect_dir(NULL, "/w");
    unsetenv("WEFT_CACHE_DIR");
    expect_dir(NULL, "/x/weft");
    setenv("XDG_CACHE_HOME", "relative", 1);
    expect_dir(NULL, "/h/.cache/weft");
    unsetenv("XDG_CACHE_HOME");
    expect_dir(NULL, "/h/.cache/weft");
    unsetenv("HOME");
    char out[512];
    weft_error *e = nat_cache_dir(NULL, out, sizeof out);
    CHECK(contains(e, "no cache directory"), "no HOME: %s", msg(e));
    weft_error_free(e);
    setenv("HOME", "/h", 1);
    e = nat_cache_dir(NULL, out, 8);
    CHECK(contains(e, "too long"), "tiny buffer: %s", msg(e));
    weft_error_free(e);
    for (int i = 0; i < 3; i++) {
        set_env(names[i], saved[i]);
        free(saved[i]);
    }
}

static void test_cache_key(const nat_meta *m0)
{
    char k0[65], k[65];
    nat_meta m = *m0;
    nat_cache_key(&m, k0);
    nat_cache_key(&m, k);
    CHECK(strlen(k0) == 64 && strcmp(k0, k) == 0, "key not stable: %s %s", k0, k);
    m.flags[0] ^= 1;
    nat_cache_key(&m, k);
    CHECK(strcmp(k0, k) != 0, "flags do not change the key");
    m = *m0;
    m.cc_ident[1] ^= 1;
    nat_cache_key(&m, k);
    CHECK(strcmp(k0, k) != 0, "the compiler does not change the key");
    m = *m0;
    m.wasm_sha256[31] ^= 1;
    nat_cache_key(&m, k);
    CHECK(strcmp(k0, k) != 0, "the module does not change the key");
    m = *m0;
    m.abi++;
    nat_cache_key(&m, k);
    CHECK(strcmp(k0, k) != 0, "the ABI does not change the key");
}

/* Concurrent stores of one key while others read. */
typedef struct race {
    const char *dir, *key;
    const uint8_t *art[2];
    size_t len[2];
    int seen, bad, id;
} race;

static void *race_put(void *p)
{
    race *r = p;
    for (int i = 0; i < 20; i++) {
        weft_error *e = nat_cache_put(r->dir, r->key, r->art[(r->id + i) & 1],
                                      r->len[(r->id + i) & 1]);
        r->bad += e != NULL;
        weft_error_free(e);
    }
    return NULL;
}

static void *race_get(void *p)
{
    race *r = p;
    for (int i = 0; i < 200; i++) {
        uint8_t *bytes;
        size_t len;
        weft_error *e = nat_cache_get(r->dir, r->key, &bytes, &len);
        if (!e && bytes) {
            r->seen++;
            e = unpack_copy(bytes, len);
        }
        r->bad += e != NULL;
        weft_error_free(e);
        free(bytes);
    }
    return NULL;
}

static void test_cache_race(const nat_meta *m0, const char *dir)
{
    static uint8_t so[2][300000]; /* big enough that a torn write would show */
    race r[8] = {{0}};
    uint8_t *art[2];
    size_t len[2];
    memset(so[0], 0x5a, sizeof so[0]);
    memset(so[1], 0xa5, sizeof so[1]);
    for (int i = 0; i < 2; i++)
        art[i] = pack(m0, so[i], sizeof so[i], &len[i]);
    char key[65];
    nat_cache_key(m0, key);
    pid_t kids[4];
    for (int i = 0; i < 4; i++) /* processes store, before this one has threads */
        if ((kids[i] = fork()) == 0) {
            race w = {dir, key, {art[0], art[1]}, {len[0], len[1]}, 0, 0, i};
            race_put(&w);
            _exit(w.bad ? 1 : 0);
        }
    pthread_t t[8];
    for (int i = 0; i < 8; i++) { /* threads: 4 store, 4 read */
        r[i] = (race){dir, key, {art[0], art[1]}, {len[0], len[1]}, 0, 0, i};
        pthread_create(&t[i], NULL, i < 4 ? race_put : race_get, &r[i]);
    }
    int bad = 0, seen = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        bad += r[i].bad;
        seen += r[i].seen;
    }
    for (int i = 0; i < 4; i++) {
        int status;
        waitpid(kids[i], &status, 0);
        bad += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(bad == 0 && seen > 0, "concurrent stores: %d failures, %d whole reads", bad, seen);
    free(art[0]);
    free(art[1]);
}

static void touch(const char *dir, const char *name, long age)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "xyz", 3) == 3, "cannot write %s", path);
    close(fd);
    struct timespec ts[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    utimensat(AT_FDCWD, path, ts, 0);
}

static bool exists(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void test_cache(const nat_meta *m0)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/cache/a/b", root);
    char key[65];
    nat_cache_key(m0, key);
    uint8_t *bytes = (uint8_t *)"x";
    size_t len = 1;
    weft_error *e = nat_cache_get(dir, key, &bytes, &len);
    CHECK(!e && !bytes && len == 0, "absent (no dir): %s", msg(e));
    weft_error_free(e);
    e = nat_cache_put(dir, key, (const uint8_t *)"hello", 5);
    struct stat st;
    CHECK(!e && stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "put: %s", msg(e));
    weft_error_free(e);
    e = nat_cache_get(dir, key, &bytes, &len);
    CHECK(!e && bytes && len == 5 && memcmp(bytes, "hello", 5) == 0, "get: %s", msg(e));
    weft_error_free(e);
    free(bytes);
    e = nat_cache_get(dir, "../../etc/passwd", &bytes, &len);
    CHECK(contains(e, "bad cache key"), "a key that is a path: %s", msg(e));
    weft_error_free(e);

    test_cache_race(m0, dir);

    /* Clean: ours go (the store's artifact, an old temp file); the rest stays. */
    char other[65], name[200];
    snprintf(other, sizeof other, "%064d", 7);
    e = nat_cache_put(dir, other, (const uint8_t *)"0123456789", 10);
    weft_error_free(e);
    snprintf(name, sizeof name, "%s.cwasm.tmp.0123456789abcdef", other);
    touch(dir, name, 3600);
    snprintf(name, sizeof name, "%s.cwasm.tmp.fedcba9876543210", other);
    touch(dir, name, 0);
    touch(dir, "notes.txt", 3600);
    touch(dir, "abc.cwasm", 3600);
    char sub[400];
    snprintf(sub, sizeof sub, "%s/%064d.cwasm", dir, 8);
    mkdir(sub, 0700);
    uint8_t *art;
    e = nat_cache_get(dir, key, &art, &len);
    weft_error_free(e);
    free(art);
    size_t files;
    uint64_t total;
    e = nat_cache_clean(dir, &files, &total);
    CHECK(!e && files == 3 && total == len + 10 + 3, "clean: %s, %zu files, %llu bytes", msg(e),
          files, (unsigned long long)total);
    weft_error_free(e);
    CHECK(!exists(dir, "0000000000000000000000000000000000000000000000000000000000000007.cwasm") &&
          exists(dir, name) && exists(dir, "notes.txt") && exists(dir, "abc.cwasm") &&
          count_entries(dir) == 4, "clean removed the wrong files (%d left)", count_entries(dir));
    e = nat_cache_get(dir, key, &bytes, &len);
    CHECK(!e && !bytes, "cleaned key still there: %s", msg(e));
    weft_error_free(e);
    snprintf(sub, sizeof sub, "%s/nowhere", root);
    e = nat_cache_clean(sub, &files, &total);
    CHECK(!e && files == 0 && total == 0, "clean of a missing dir: %s", msg(e));
    weft_error_free(e);
}

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                      */

static void test_files(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/files/f.bin", root);
    weft_error *e = nat_write_file(path, (const uint8_t *)"abc", 3);
    CHECK(contains(e, "f.bin"), "write into a missing dir: %s", msg(e));
    weft_error_free(e);
    char dir[300];
    snprintf(dir, sizeof dir, "%s/files", root);
    e = nat_mkdir_p(dir, 0700);
    weft_error_free(e);
    e = nat_write_file(path, (const uint8_t *)"abc", 3);
    weft_error_free(e);
    e = nat_write_file(path, (const uint8_t *)"abcd", 4); /* replaces */
    uint8_t *bytes = NULL;
    size_t len = 0;
    weft_error *e2 = nat_read_file(path, &bytes, &len);
    CHECK(!e && !e2 && len == 4 && memcmp(bytes, "abcd", 5) == 0 && count_entries(dir) == 1,
          "write/read: %s / %s", msg(e), msg(e2));
    weft_error_free(e);
    weft_error_free(e2);
    free(bytes);
    e = nat_read_file("/nonexistent/x.cwasm", &bytes, &len);
    CHECK(contains(e, "cannot read /nonexistent/x.cwasm: No such file"), "missing: %s", msg(e));
    weft_error_free(e);
    snprintf(path, sizeof path, "%s/files/f.bin/sub", root);
    e = nat_mkdir_p(path, 0700);
    CHECK(e != NULL, "mkdir -p through a file succeeded");
    weft_error_free(e);
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/weft-test-native-XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    char tmpdir[300];
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", root);
    mkdir(tmpdir, 0700);
    setenv("TMPDIR", tmpdir, 1);

    test_sha256();
    test_cc_find();
    test_files();
    nat_cc cc;
    weft_error *e = nat_cc_find(&cc);
    CHECK(!e, "no compiler: %s", msg(e));
    if (!e) {
        test_cc_build(&cc, tmpdir);
        nat_meta m;
        nat_meta_init(&m, &cc, "-O2 -fPIC", fake_wasm, sizeof fake_wasm);
        test_artifact_round_trip(&m);
        test_artifact_origin(&m, &cc);
        test_cache_dir();
        test_cache_key(&m);
        test_cache(&m);
        nat_cc_free(&cc);
    }
    weft_error_free(e);
    CHECK(count_entries(tmpdir) == 0, "%s holds %d entries at the end", tmpdir,
          count_entries(tmpdir));
    rm_tree(root);
    return check_summary("test_native_io");
}
