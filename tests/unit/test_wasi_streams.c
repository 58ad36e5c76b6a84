/*
 * test_wasi_streams.c - the WASI standard streams through the embedding API:
 *   - weft_wasi_config's streams default each on its own: with only stdout given, the
 *     guest's stderr still reaches the host's descriptor 2 (not 0); -1 leaves a stream out
 *     (and the preopens still start at descriptor 3);
 *   - one fd_write call is one writev: with stdout a datagram socket, a call's two buffers
 *     arrive as one datagram;
 *   - a socket given as a stream reports its type, and sock_recv and sock_shutdown work on it.
 * The guest (below, as text) is embedded as bytes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weft.h"
#include "check.h"

/* CHECK with the condition itself as the message */
#define EXPECT(cond) CHECK((cond), "%s", #cond)

/*
 * (module
 *   (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (data (i32.const 0) "OE")
 *   (data (i32.const 16) "\00\00\00\00\01\00\00\00\01\00\00\00\01\00\00\00")
 *   (data (i32.const 32) "\64\00\00\00\07\00\00\00\6b\00\00\00\06\00\00\00")
 *   (data (i32.const 48) "\2c\01\00\00\10\00\00\00")
 *   (data (i32.const 100) "hello, world\0a")
 *   (func (export "out") (result i32)
 *     (i32.or (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 200))
 *             (call $write (i32.const 2) (i32.const 24) (i32.const 1) (i32.const 200))))
 *   (func (export "two") (result i32)
 *     (call $write (i32.const 1) (i32.const 32) (i32.const 2) (i32.const 200)))
 *   (func (export "stat") (param i32) (result i32)
 *     (call $fdstat (local.get 0) (i32.const 64)))
 *   (func (export "recv") (result i32)
 *     (call $recv (i32.const 1) (i32.const 48) (i32.const 1) (i32.const 0) (i32.const 208) (i32.const 212)))
 *   (func (export "shut") (result i32)
 *     (call $shutdown (i32.const 1) (i32.const 2)))
 *   (func (export "prestat") (param i32) (result i32)
 *     (call $prestat (local.get 0) (i32.const 64)))) */
static const uint8_t streams_wasm[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x22, 0x05, 0x60,
  0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01,
  0x7f, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60,
  0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0xbc, 0x01, 0x05,
  0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68,
  0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x08,
  0x66, 0x64, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65, 0x00, 0x00, 0x16, 0x77,
  0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74,
  0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0d, 0x66, 0x64,
  0x5f, 0x66, 0x64, 0x73, 0x74, 0x61, 0x74, 0x5f, 0x67, 0x65, 0x74, 0x00,
  0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73,
  0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31,
  0x09, 0x73, 0x6f, 0x63, 0x6b, 0x5f, 0x72, 0x65, 0x63, 0x76, 0x00, 0x02,
  0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68,
  0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0d,
  0x73, 0x6f, 0x63, 0x6b, 0x5f, 0x73, 0x68, 0x75, 0x74, 0x64, 0x6f, 0x77,
  0x6e, 0x00, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61,
  0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65,
  0x77, 0x31, 0x0e, 0x66, 0x64, 0x5f, 0x70, 0x72, 0x65, 0x73, 0x74, 0x61,
  0x74, 0x5f, 0x67, 0x65, 0x74, 0x00, 0x01, 0x03, 0x07, 0x06, 0x03, 0x03,
  0x04, 0x03, 0x03, 0x04, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x35, 0x07,
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x6f, 0x75,
  0x74, 0x00, 0x05, 0x03, 0x74, 0x77, 0x6f, 0x00, 0x06, 0x04, 0x73, 0x74,
  0x61, 0x74, 0x00, 0x07, 0x04, 0x72, 0x65, 0x63, 0x76, 0x00, 0x08, 0x04,
  0x73, 0x68, 0x75, 0x74, 0x00, 0x09, 0x07, 0x70, 0x72, 0x65, 0x73, 0x74,
  0x61, 0x74, 0x00, 0x0a, 0x0a, 0x59, 0x06, 0x19, 0x00, 0x41, 0x01, 0x41,
  0x10, 0x41, 0x01, 0x41, 0xc8, 0x01, 0x10, 0x00, 0x41, 0x02, 0x41, 0x18,
  0x41, 0x01, 0x41, 0xc8, 0x01, 0x10, 0x00, 0x72, 0x0b, 0x0d, 0x00, 0x41,
  0x01, 0x41, 0x20, 0x41, 0x02, 0x41, 0xc8, 0x01, 0x10, 0x00, 0x0b, 0x09,
  0x00, 0x20, 0x00, 0x41, 0xc0, 0x00, 0x10, 0x01, 0x0b, 0x12, 0x00, 0x41,
  0x01, 0x41, 0x30, 0x41, 0x01, 0x41, 0x00, 0x41, 0xd0, 0x01, 0x41, 0xd4,
  0x01, 0x10, 0x02, 0x0b, 0x08, 0x00, 0x41, 0x01, 0x41, 0x02, 0x10, 0x03,
  0x0b, 0x09, 0x00, 0x20, 0x00, 0x41, 0xc0, 0x00, 0x10, 0x04, 0x0b, 0x0b,
  0x52, 0x05, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x4f, 0x45, 0x00, 0x41, 0x10,
  0x0b, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
  0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x41, 0x20, 0x0b, 0x10, 0x64,
  0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x6b, 0x00, 0x00, 0x00, 0x06,
  0x00, 0x00, 0x00, 0x00, 0x41, 0x30, 0x0b, 0x08, 0x2c, 0x01, 0x00, 0x00,
  0x10, 0x00, 0x00, 0x00, 0x00, 0x41, 0xe4, 0x00, 0x0b, 0x0d, 0x68, 0x65,
  0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x0a
};

typedef struct guest {
    weft_store *store;
    weft_linker *linker;
    weft_wasi *wasi;
    weft_instance *inst;
} guest;

static bool guest_open(weft_engine *engine, weft_module *m, const weft_wasi_config *cfg,
                       guest *g)
{
    memset(g, 0, sizeof *g);
    g->store = weft_store_new(engine);
    g->linker = weft_linker_new(g->store);
    weft_error *e = weft_wasi_create(cfg, &g->wasi);
    if (!e)
        e = weft_wasi_define(g->wasi, g->linker);
    if (!e)
        e = weft_linker_instantiate(g->linker, m, &g->inst);
    if (e)
        printf("guest: %s\n", weft_error_message(e));
    weft_error_free(e);
    return g->inst != NULL;
}

static void guest_close(guest *g)
{
    weft_linker_free(g->linker);
    weft_store_free(g->store);
    weft_wasi_free(g->wasi);
}

/* Call export `name` (one i32 argument when has_arg); its i32 result, or -1. */
static int32_t call(guest *g, const char *name, bool has_arg, int32_t arg)
{
    weft_val a = weft_val_i32(arg), r = weft_val_i32(-1);
    weft_error *e = weft_call(g->store, weft_instance_func(g->inst, name), &a, has_arg, &r, 1);
    if (e)
        printf("%s: %s\n", name, weft_error_message(e));
    weft_error_free(e);
    return r.of.i32;
}

/* Read what is waiting on a non-blocking descriptor into buf (NUL-terminated). */
static ssize_t drain(int fd, char *buf, size_t len)
{
    ssize_t n = read(fd, buf, len - 1);
    buf[n > 0 ? n : 0] = '\0';
    return n;
}

/* Only stdout set: stdout goes there, stderr to the host's 2 (swapped for a pipe here). */
static void test_streams_default_each(weft_engine *engine, weft_module *m)
{
    int out[2], err[2];
    char buf[16];
    if (pipe2(out, O_NONBLOCK) || pipe2(err, O_NONBLOCK))
        { EXPECT(false); return; }
    int saved = dup(2);
    dup2(err[1], 2);
    weft_wasi_config cfg = {.stdout_fd = out[1]};
    guest g;
    if (guest_open(engine, m, &cfg, &g)) {
        EXPECT(call(&g, "out", false, 0) == 0);
        EXPECT(call(&g, "stat", true, 0) == 0); /* stdin inherited */
        guest_close(&g);
    }
    dup2(saved, 2);
    close(saved);
    EXPECT(drain(out[0], buf, sizeof buf) == 1 && strcmp(buf, "O") == 0);
    EXPECT(drain(err[0], buf, sizeof buf) == 1 && strcmp(buf, "E") == 0);
    /* -1: no such stream; the preopen is descriptor 3 all the same */
    weft_wasi_preopen dir = {".", "/here"};
    weft_wasi_config none = {.stdin_fd = -1, .stdout_fd = out[1], .stderr_fd = err[1],
                             .npreopens = 1, .preopens = &dir};
    if (guest_open(engine, m, &none, &g)) {
        EXPECT(call(&g, "stat", true, 0) == 8); /* EBADF */
        EXPECT(call(&g, "prestat", true, 3) == 0);
        EXPECT(call(&g, "prestat", true, 0) == 8);
        EXPECT(call(&g, "out", false, 0) == 0);
        guest_close(&g);
    }
    EXPECT(drain(out[0], buf, sizeof buf) == 1 && strcmp(buf, "O") == 0);
    EXPECT(drain(err[0], buf, sizeof buf) == 1 && strcmp(buf, "E") == 0);
    for (int i = 0; i < 2; i++) {
        close(out[i]);
        close(err[i]);
    }
}

/* stdout a datagram socket: one fd_write of two buffers is one datagram. */
static void test_one_writev(weft_engine *engine, weft_module *m)
{
    int sv[2];
    char buf[64];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv))
        { EXPECT(false); return; }
    EXPECT(send(sv[1], "ping", 4, 0) == 4);
    weft_wasi_config cfg = {.stdout_fd = sv[0]};
    guest g;
    if (guest_open(engine, m, &cfg, &g)) {
        weft_memory *mem = weft_instance_memory(g.inst, "memory");
        uint8_t *base = weft_memory_data(mem);
        EXPECT(call(&g, "stat", true, 1) == 0 && base[64] == 5); /* SOCKET_DGRAM */
        EXPECT(call(&g, "two", false, 0) == 0);
        EXPECT(call(&g, "recv", false, 0) == 0 && base[208] == 4 && memcmp(base + 300, "ping", 4) == 0);
        EXPECT(call(&g, "shut", false, 0) == 0);
        guest_close(&g);
    }
    EXPECT(recv(sv[1], buf, sizeof buf, 0) == 13 && memcmp(buf, "hello, world\n", 13) == 0);
    EXPECT(recv(sv[1], buf, sizeof buf, 0) < 0); /* nothing more: it was one datagram */
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *m = NULL;
    weft_error *e = weft_module_new(engine, streams_wasm, sizeof streams_wasm, &m);
    EXPECT(e == NULL);
    weft_error_free(e);
    if (m) {
        test_streams_default_each(engine, m);
        test_one_writev(engine, m);
    }
    weft_module_free(m);
    weft_engine_free(engine);
    return check_summary("test_wasi_streams");
}
