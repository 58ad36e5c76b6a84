/*
 * nat_artifact.c - the .cwasm container: a module, the shared object compiled from it, and
 * what ties the two to the weft, the machine and the compiler that made them.
 *
 * Layout (integers little-endian; nothing is a struct dumped raw):
 *
 *   offset  size  field
 *   0       10    magic "\0weftcwasm" (never the wasm magic "\0asm")
 *   10      2     container format, u16 (1)
 *   12      4     zero (reserved)
 *   16      8     total length of the file, u64, the trailing checksum included
 *   24      32    weft version, NUL-padded
 *   56      4     native ABI version, u32
 *   60      4     M: meta length, u32
 *   64      8     W: module length, u64
 *   72      8     S: shared object length, u64
 *   80      M     meta: arch, cpu, cc ident, flags (each u16 length + bytes), module sha256 (32)
 *   80+M    W     the module's bytes
 *   80+M+W  S     the shared object's bytes
 *   end-32  32    SHA-256 of every byte before it
 *
 * The first 56 bytes and the trailing checksum are the same in every format, so that any
 * future weft can tell "damaged" from "made by another weft" and say which one did.
 * Unpacking checks lengths, then the checksum, then versions and machine: no byte reaches
 * dlopen unless the whole file is exactly what a weft wrote.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "native/native_io.h"

#define ART_MAGIC "\0weftcwasm"
#define ART_MAGIC_LEN 10
#define ART_FORMAT 1
#define ART_HEADER 80
#define ART_SUM 32

/* ------------------------------------------------------------------------------------------ */
/* Meta                                                                                       */

const char *nat_arch(char *buf, size_t n)
{
    struct utsname u;
    snprintf(buf, n, "%s", uname(&u) == 0 ? u.machine : "unknown");
    return buf;
}

/* The kernel's list of this CPU's features (the "flags" or "Features" line of /proc/cpuinfo)
 * into line; false when there is none. */
static bool cpu_flags_line(char *line, size_t n)
{
    bool found = false;
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && !found && fgets(line, (int)n, f))
        found = strncmp(line, "flags", 5) == 0 || strncmp(line, "Features", 8) == 0;
    if (f)
        fclose(f);
    return found;
}

static bool has_word(const char *line, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = strstr(line, word); p; p = strstr(p + 1, word))
        if (p[-1] == ' ' && (p[len] == ' ' || p[len] == '\n' || p[len] == 0))
            return true;
    return false;
}

const char *nat_cpu_id(char *buf, size_t n)
{
    /* Compiled code is built for this CPU (see nat_cpu_march): its identity is the
     * architecture and a hash of the features the kernel lists for it. Without that list
     * the code is built for the architecture's baseline and the architecture alone says it. */
    char arch[72], line[4096];
    nat_arch(arch, sizeof arch);
    if (!cpu_flags_line(line, sizeof line)) {
        snprintf(buf, n, "%s", arch);
        return buf;
    }
    uint8_t h[32];
    char hex[17];
    sha256(line, strlen(line), h);
    hex_encode(h, 8, hex);
    snprintf(buf, n, "%s/features:%s", arch, hex);
    return buf;
}

const char *nat_cpu_march(void)
{
    /* Measured on x86-64 (an AVX-512 machine, gcc 12, the bench programs): -march=native
     * made sha256 2.7x and vm 1.6x native where x86-64-v2 gives 1.2x and 1.1x, and SIMD code
     * is as fast at v2 (SSE4.1's rounding and blends, SSSE3's shuffles) as with AVX2 or
     * AVX-512. So x86-64 builds for v2 when the CPU has it, other architectures for this
     * CPU. */
    char arch[72], line[4096];
    nat_arch(arch, sizeof arch);
    if (!cpu_flags_line(line, sizeof line))
        return NULL;
    if (strcmp(arch, "x86_64") != 0)
        return "-march=native";
    static const char *const v2[] = {"cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"};
    for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++)
        if (!has_word(line, v2[i]))
            return NULL;
    return "-march=x86-64-v2";
}

void nat_meta_init(nat_meta *m, const nat_cc *cc, const char *flags, const uint8_t *wasm,
                   size_t wasm_len)
{
    memset(m, 0, sizeof *m);
    snprintf(m->weft_version, sizeof m->weft_version, "%s", WEFT_VERSION);
    m->abi = NAT_ABI_VERSION;
    nat_arch(m->arch, sizeof m->arch);
    nat_cpu_id(m->cpu, sizeof m->cpu);
    snprintf(m->cc_ident, sizeof m->cc_ident, "%s", cc ? cc->ident : "");
    snprintf(m->flags, sizeof m->flags, "%s", flags ? flags : "");
    sha256(wasm, wasm_len, m->wasm_sha256);
}

bool nat_meta_same_cc(const nat_meta *m, const nat_cc *cc)
{
    return strcmp(m->cc_ident, cc->ident) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Little-endian fields                                                                       */

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The meta's string fields, in order, with their capacities. */
#define META_STRINGS(m) {(m)->arch, (m)->cpu, (m)->cc_ident, (m)->flags}
#define META_CAPS(m) {sizeof (m)->arch, sizeof (m)->cpu, sizeof (m)->cc_ident, sizeof (m)->flags}

/* Writes the meta section into p (if non-NULL); returns its length. */
static size_t meta_put(const nat_meta *m, uint8_t *p)
{
    const char *s[] = META_STRINGS(m);
    size_t caps[] = META_CAPS(m), k = 0;
    for (int i = 0; i < 4; i++) {
        size_t len = strnlen(s[i], caps[i] - 1); /* < 512: fits a u16 */
        if (p) {
            put_le(p + k, len, 2);
            memcpy(p + k + 2, s[i], len);
        }
        k += 2 + len;
    }
    if (p)
        memcpy(p + k, m->wasm_sha256, 32);
    return k + 32;
}

/* Reads the meta section (already covered by the checksum); false if it is malformed. */
static bool meta_get(nat_meta *m, const uint8_t *p, size_t n)
{
    char *s[] = META_STRINGS(m);
    size_t caps[] = META_CAPS(m), k = 0;
    for (int i = 0; i < 4; i++) {
        if (n - k < 2)
            return false;
        size_t len = (size_t)get_le(p + k, 2);
        if (len >= caps[i] || n - k - 2 < len || memchr(p + k + 2, 0, len))
            return false;
        memcpy(s[i], p + k + 2, len);
        s[i][len] = '\0';
        k += 2 + len;
    }
    if (n - k != 32)
        return false;
    memcpy(m->wasm_sha256, p + k, 32);
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Packing                                                                                    */

bool nat_is_artifact(const uint8_t *bytes, size_t len)
{
    return len >= ART_MAGIC_LEN && memcmp(bytes, ART_MAGIC, ART_MAGIC_LEN) == 0;
}

weft_error *nat_artifact_pack(const nat_meta *m, const uint8_t *wasm, size_t wasm_len,
                              const uint8_t *so, size_t so_len, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    size_t mlen = meta_put(m, NULL);
    size_t fixed = ART_HEADER + mlen + ART_SUM;
    if (wasm_len > SIZE_MAX - fixed || so_len > SIZE_MAX - fixed - wasm_len)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "artifact too large");
    size_t total = fixed + wasm_len + so_len;
    uint8_t *p = calloc(1, total);
    if (!p)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "out of memory (artifact of %zu bytes)",
                       total);
    memcpy(p, ART_MAGIC, ART_MAGIC_LEN);
    put_le(p + 10, ART_FORMAT, 2);
    put_le(p + 16, total, 8);
    memcpy(p + 24, m->weft_version, strnlen(m->weft_version, 31));
    put_le(p + 56, m->abi, 4);
    put_le(p + 60, mlen, 4);
    put_le(p + 64, wasm_len, 8);
    put_le(p + 72, so_len, 8);
    meta_put(m, p + ART_HEADER);
    if (wasm_len)
        memcpy(p + ART_HEADER + mlen, wasm, wasm_len);
    if (so_len)
        memcpy(p + ART_HEADER + mlen + wasm_len, so, so_len);
    sha256(p, total - ART_SUM, p + total - ART_SUM);
    *out = p;
    *out_len = total;
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Unpacking                                                                                  */

static weft_error *art_error(const char *what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "WHAT: MESSAGE" */
static weft_error *art_error(const char *what, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_new(WEFT_ERR_DECODE, WEFT_NO_OFFSET, "%.100s: %s", what, msg);
}

/* A version string as read from a file: printable characters only. */
static void clean_version(const uint8_t *p, char out[32])
{
    size_t i = 0;
    for (; i < 31 && p[i]; i++)
        out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
    out[i] = '\0';
}

/* Magic, length and checksum: whether these are exactly the bytes a weft wrote. */
static weft_error *check_container(const uint8_t *b, size_t len, const char *what)
{
    bool prefix = len < ART_MAGIC_LEN && (len == 0 || memcmp(b, ART_MAGIC, len) == 0);
    if (!nat_is_artifact(b, len) && !prefix)
        return art_error(what, "not a weft artifact (no \\0weftcwasm magic)");
    if (len < 24) /* the total length is not there yet */
        return art_error(what, "truncated artifact (%zu of at least %d bytes)", len,
                         ART_HEADER + ART_SUM);
    uint64_t total = get_le(b + 16, 8);
    if (total > len)
        return art_error(what, "truncated artifact (%zu of %llu bytes)", len,
                         (unsigned long long)total);
    if (total < len)
        return art_error(what, "damaged artifact (%llu bytes after its end)",
                         (unsigned long long)(len - total));
    if (len < ART_HEADER + ART_SUM)
        return art_error(what, "damaged artifact (%zu bytes, shorter than its header)", len);
    uint8_t sum[32];
    sha256(b, len - ART_SUM, sum);
    if (memcmp(sum, b + len - ART_SUM, ART_SUM) != 0)
        return art_error(what, "damaged artifact (checksum mismatch)");
    return NULL;
}

/* Whether this weft on this machine may run what the artifact holds. */
static weft_error *check_origin(const nat_meta *m, const char *what)
{
    char here[128];
    if (strcmp(m->weft_version, WEFT_VERSION) != 0)
        return art_error(what, "compiled by weft %s, this is weft %s: recompile it with "
                         "`weft compile`", m->weft_version, WEFT_VERSION);
    if (m->abi != NAT_ABI_VERSION)
        return art_error(what, "compiled for native ABI %u, this weft uses ABI %d: recompile "
                         "it with `weft compile`", (unsigned)m->abi, NAT_ABI_VERSION);
    if (strcmp(m->arch, nat_arch(here, sizeof here)) != 0)
        return art_error(what, "compiled for %s, this machine is %s", m->arch, here);
    if (strcmp(m->cpu, nat_cpu_id(here, sizeof here)) != 0)
        return art_error(what, "compiled for CPU %.60s, this machine is %.60s: recompile it "
                         "with `weft compile`", m->cpu, here);
    return NULL;
}

weft_error *nat_artifact_unpack(const uint8_t *bytes, size_t len, const char *what, nat_meta *m,
                                const uint8_t **wasm, size_t *wasm_len,
                                const uint8_t **so, size_t *so_len)
{
    weft_error *e = check_container(bytes, len, what);
    if (e)
        return e;
    memset(m, 0, sizeof *m);
    clean_version(bytes + 24, m->weft_version);
    m->abi = (uint32_t)get_le(bytes + 56, 4);
    /* Another weft's layout after the fixed part may differ: name the version first. */
    if (strcmp(m->weft_version, WEFT_VERSION) != 0)
        return check_origin(m, what);
    if (get_le(bytes + 10, 2) != ART_FORMAT)
        return art_error(what, "unknown artifact format %u", (unsigned)get_le(bytes + 10, 2));
    uint64_t mlen = get_le(bytes + 60, 4), wlen = get_le(bytes + 64, 8),
             slen = get_le(bytes + 72, 8), body = len - ART_HEADER - ART_SUM;
    if (mlen > body || wlen > body - mlen || slen != body - mlen - wlen ||
        !meta_get(m, bytes + ART_HEADER, (size_t)mlen))
        return art_error(what, "damaged artifact (inconsistent header)");
    if ((e = check_origin(m, what)))
        return e;
    *wasm = bytes + ART_HEADER + mlen;
    *wasm_len = (size_t)wlen;
    *so = *wasm + wlen;
    *so_len = (size_t)slen;
    return NULL;
}
