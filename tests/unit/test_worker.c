/* test_worker.c - workers and messages: structured clone, transfer (the receiver sees the
 * sender's bytes at the same address, the sender is detached), shared buffers by reference,
 * the guest convention, error events (trap message, function, offset) followed by a served
 * message, messageerrors, terminate in an endless loop and in a blocked wait, a worker that
 * fails to start, direct channels between workers (one way, both ways, a peer freed while
 * connected). Run under ThreadSanitizer and AddressSanitizer by `make check-sanitize`. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_worker_guests.h"

static weft_engine *engine;
static weft_module *echo_mod;

/* ---- messages, without threads ---- */

static void test_msg_build_and_clone(void)
{
    weft_msg *m = weft_msg_map();
    weft_msg *arr = weft_msg_array();
    CHECK(weft_msg_push(arr, weft_msg_int(-7)), "push int");
    CHECK(weft_msg_push(arr, weft_msg_double(2.5)), "push double");
    CHECK(weft_msg_push(arr, weft_msg_string_n("a\0b", 3)), "push string with NUL");
    CHECK(weft_msg_push(arr, weft_msg_null()), "push null");
    CHECK(weft_msg_push(arr, weft_msg_bool(true)), "push bool");
    CHECK(weft_msg_set(m, "list", arr), "set list");
    CHECK(weft_msg_set(m, "bytes", weft_msg_bytes("xyz", 3)), "set bytes");
    CHECK(weft_msg_set(m, "n", weft_msg_int(1)), "set n");
    CHECK(weft_msg_set(m, "n", weft_msg_int(2)), "replace n");
    CHECK(weft_msg_len(m) == 3, "map keeps 3 keys, has %zu", weft_msg_len(m));
    CHECK(!weft_msg_push(arr, m), "a cycle is refused");
    CHECK(!weft_msg_push(m, weft_msg_int(1)), "push onto a map is refused");

    weft_msg *c = weft_msg_clone(m);
    CHECK(c && c != m, "clone");
    const weft_msg *carr = weft_msg_get(c, "list");
    size_t slen = 0;
    const char *s = weft_msg_as_string(weft_msg_at(carr, 2), &slen);
    CHECK(weft_msg_as_int(weft_msg_at(carr, 0)) == -7, "int survives");
    CHECK(weft_msg_as_double(weft_msg_at(carr, 1)) == 2.5, "double survives");
    CHECK(slen == 3 && memcmp(s, "a\0b", 3) == 0, "string with NUL survives");
    CHECK(weft_msg_kind_of(weft_msg_at(carr, 3)) == WEFT_MSG_NULL, "null survives");
    CHECK(weft_msg_as_bool(weft_msg_at(carr, 4)), "bool survives");
    CHECK(weft_msg_as_int(weft_msg_get(c, "n")) == 2, "replaced value");
    CHECK(strcmp(weft_msg_key_at(c, 1), "bytes") == 0, "insertion order kept");
    weft_buffer *b0 = weft_msg_as_buffer(weft_msg_get(m, "bytes"));
    weft_buffer *b1 = weft_msg_as_buffer(weft_msg_get(c, "bytes"));
    CHECK(b1 && weft_buffer_data(b0) != weft_buffer_data(b1) &&
          memcmp(weft_buffer_data(b1), "xyz", 3) == 0, "a buffer is deep-copied");
    weft_msg_free(c);
    weft_msg_free(m);
}

static void test_msg_identity_kept(void)
{
    weft_buffer *b = weft_buffer_new(8);
    weft_msg *arr = weft_msg_array();
    weft_msg_push(arr, weft_msg_buffer(b));
    weft_msg_push(arr, weft_msg_buffer(b));
    weft_msg *c = weft_msg_clone(arr);
    CHECK(c && weft_msg_as_buffer(weft_msg_at(c, 0)) == weft_msg_as_buffer(weft_msg_at(c, 1)),
          "a buffer twice in a message is one buffer in the copy");
    weft_msg_free(c);
    weft_msg_free(arr);
    weft_buffer_free(b);
}

/* ---- an echo worker with a C handler ---- */

/* Replies {"addr": data address of "buf", "sum": byte sum, "buf": the buffer (transferred
 * back)}; or echoes any other message unchanged. */
static weft_error *echo_handler(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_buffer *b = weft_msg_as_buffer(weft_msg_get(msg, "buf"));
    if (!b)
        return weft_scope_post(s, msg, NULL, 0);
    uint64_t sum = 0;
    for (size_t i = 0; i < weft_buffer_len(b); i++)
        sum += weft_buffer_data(b)[i];
    weft_msg *r = weft_msg_map();
    weft_msg_set(r, "addr", weft_msg_int((int64_t)(uintptr_t)weft_buffer_data(b)));
    weft_msg_set(r, "sum", weft_msg_int((int64_t)sum));
    weft_msg_set(r, "buf", weft_msg_buffer(b));
    weft_error *err = weft_scope_post(s, r, &b, 1);
    weft_msg_free(r);
    return err;
}

static weft_worker *start_c_worker(weft_error *(*h)(weft_scope *, const weft_msg *, void *),
                                   void *user)
{
    weft_worker_config cfg = {.module = echo_mod, .on_message = h, .user = user};
    weft_worker *w = NULL;
    weft_error *err = weft_worker_new(engine, &cfg, &w);
    CHECK(!err, "worker starts: %s", err ? weft_error_message(err) : "");
    weft_error_free(err);
    return w;
}

static bool next(weft_worker *w, weft_event *ev, weft_event_kind want)
{
    bool got = weft_worker_next_event(w, 10 * SEC, ev);
    CHECK(got, "an event arrives");
    CHECK(!got || ev->kind == want, "event kind %d, expected %d (%s)", ev->kind, want,
          ev->error ? weft_error_message(ev->error) : "");
    return got && ev->kind == want;
}

static void test_transfer_moves(void)
{
    weft_worker *w = start_c_worker(echo_handler, NULL);
    size_t n = 1 << 20;
    weft_buffer *b = weft_buffer_new(n);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        weft_buffer_data(b)[i] = (uint8_t)(i * 7);
        sum += (uint8_t)(i * 7);
    }
    uint8_t *addr = weft_buffer_data(b);
    weft_msg *m = weft_msg_map();
    weft_msg_set(m, "buf", weft_msg_buffer(b));
    weft_error *err = weft_worker_post(w, m, &b, 1);
    CHECK(!err, "post with transfer");
    CHECK(weft_buffer_is_detached(b) && weft_buffer_len(b) == 0 && !weft_buffer_data(b),
          "the sender's handle is detached");
    uint8_t x = 1;
    weft_error *werr = weft_buffer_write(b, 0, &x, 1);
    CHECK(werr && strstr(weft_error_message(werr), "detached"), "a write to it is an error");
    weft_error_free(werr);
    /* posting the detached buffer again cannot be delivered */
    weft_error *again = weft_worker_post(w, m, NULL, 0);
    CHECK(again && strstr(weft_error_message(again), "detached"), "re-post refused");
    weft_error_free(again);
    weft_error_free(err);

    /* the reply and the messageerror race: take both, in either order */
    weft_event evs[2], *reply = NULL, *msgerr = NULL;
    for (int i = 0; i < 2; i++) {
        CHECK(weft_worker_next_event(w, 10 * SEC, &evs[i]), "event %d arrives", i);
        if (evs[i].kind == WEFT_EVENT_MESSAGE)
            reply = &evs[i];
        if (evs[i].kind == WEFT_EVENT_MESSAGEERROR)
            msgerr = &evs[i];
    }
    CHECK(msgerr && strstr(weft_error_message(msgerr->error), "detached"),
          "a messageerror for the detached buffer");
    CHECK(reply != NULL, "a reply");
    if (reply) {
        CHECK(weft_msg_as_int(weft_msg_get(reply->msg, "addr")) == (int64_t)(uintptr_t)addr,
              "the receiver sees the sender's bytes at the same address");
        CHECK(weft_msg_as_int(weft_msg_get(reply->msg, "sum")) == (int64_t)sum, "same bytes");
        weft_buffer *back = weft_msg_as_buffer(weft_msg_get(reply->msg, "buf"));
        CHECK(weft_buffer_data(back) == addr && weft_buffer_len(back) == n,
              "transferred back: still the same bytes, never copied");
    }
    weft_event_clear(&evs[0]);
    weft_event_clear(&evs[1]);
    weft_msg_free(m);
    weft_buffer_free(b);
    weft_worker_free(w);
}

static void test_transfer_list_errors(void)
{
    weft_worker *w = start_c_worker(echo_handler, NULL);
    weft_buffer *shared = NULL, *b = weft_buffer_new(4);
    weft_error_free(weft_buffer_new_shared(engine, 100, &shared));
    weft_msg *m = weft_msg_int(1);
    weft_buffer *dup[2] = {b, b}, *sh[1] = {shared}, *nul[1] = {NULL};
    weft_error *e1 = weft_worker_post(w, m, sh, 1);
    weft_error *e2 = weft_worker_post(w, m, dup, 2);
    weft_error *e3 = weft_worker_post(w, m, nul, 1);
    CHECK(e1 && strstr(weft_error_message(e1), "shared"), "a shared buffer is not transferable");
    CHECK(e2 && strstr(weft_error_message(e2), "twice"), "a duplicate transfer is refused");
    CHECK(e3 != NULL, "a NULL transfer is refused");
    CHECK(!weft_buffer_is_detached(b), "a failed post detaches nothing");
    weft_event ev;
    for (int i = 0; i < 3; i++) {
        next(w, &ev, WEFT_EVENT_MESSAGEERROR);
        weft_event_clear(&ev);
    }
    CHECK(!weft_worker_next_event(w, 0, &ev), "nothing was delivered");
    weft_error_free(e1);
    weft_error_free(e2);
    weft_error_free(e3);
    weft_msg_free(m);
    weft_buffer_free(b);
    weft_buffer_free(shared);
    weft_worker_free(w);
}

/* A shared buffer travels by reference: the worker writes, the host sees it. */
static weft_error *shared_writer(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_buffer *b = weft_msg_as_buffer(msg);
    weft_error *err = weft_atomic_store(weft_buffer_memory(b), 16, 4, 0xC0FFEE);
    if (!err)
        err = weft_scope_post(s, msg, NULL, 0);
    return err;
}

static void test_shared_by_reference(void)
{
    weft_worker *w = start_c_worker(shared_writer, NULL);
    weft_buffer *b = NULL;
    weft_error_free(weft_buffer_new_shared(engine, 1000, &b));
    weft_msg *m = weft_msg_buffer(b);
    weft_error *err = weft_worker_post(w, m, NULL, 0);
    CHECK(!err, "post a shared buffer");
    weft_event ev;
    if (next(w, &ev, WEFT_EVENT_MESSAGE)) {
        weft_buffer *back = weft_msg_as_buffer(ev.msg);
        CHECK(back == b && weft_buffer_is_shared(back), "the same shared buffer comes back");
        uint64_t v = 0;
        weft_error_free(weft_atomic_load(weft_buffer_memory(b), 16, 4, &v));
        CHECK(v == 0xC0FFEE, "the host sees the worker's write: %llx", (unsigned long long)v);
    }
    weft_event_clear(&ev);
    weft_msg_free(m);
    weft_buffer_free(b);
    weft_worker_free(w);
}

/* ---- the guest convention ---- */

static weft_worker *start_guest_worker(void)
{
    weft_worker_config cfg = {.module = echo_mod};
    weft_worker *w = NULL;
    weft_error *err = weft_worker_new(engine, &cfg, &w);
    CHECK(!err, "guest worker starts");
    weft_error_free(err);
    return w;
}

static void test_guest_echo_and_error_event(void)
{
    weft_worker *w = start_guest_worker();
    weft_msg *hello = weft_msg_string("hello"), *boom = weft_msg_string("trap"),
             *num = weft_msg_int(5), *after = weft_msg_bytes("after", 5);
    weft_error_free(weft_worker_post(w, hello, NULL, 0));
    weft_error_free(weft_worker_post(w, boom, NULL, 0));
    weft_error_free(weft_worker_post(w, num, NULL, 0));
    weft_error_free(weft_worker_post(w, after, NULL, 0));
    weft_event ev;
    if (next(w, &ev, WEFT_EVENT_MESSAGE)) {
        weft_buffer *b = weft_msg_as_buffer(ev.msg);
        CHECK(weft_buffer_len(b) == 5 && memcmp(weft_buffer_data(b), "hello", 5) == 0,
              "the guest echoes through post_message");
    }
    weft_event_clear(&ev);
    if (next(w, &ev, WEFT_EVENT_ERROR)) {
        uint32_t idx = 0;
        const char *name = NULL;
        CHECK(weft_error_trap(ev.error) == WEFT_TRAP_UNREACHABLE, "the trap's reason");
        CHECK(strstr(weft_error_message(ev.error), "unreachable") != NULL, "trap message: %s",
              weft_error_message(ev.error));
        CHECK(weft_error_func(ev.error, &idx, &name) && name && strstr(name, "explode"),
              "the function's name: %s", name ? name : "(none)");
        CHECK(weft_error_offset(ev.error) != (size_t)-1, "the code offset");
    }
    weft_event_clear(&ev);
    if (next(w, &ev, WEFT_EVENT_MESSAGEERROR))
        CHECK(strstr(weft_error_message(ev.error), "STRING or BUFFER") != NULL,
              "an INT cannot go into a guest");
    weft_event_clear(&ev);
    if (next(w, &ev, WEFT_EVENT_MESSAGE)) {
        weft_buffer *b = weft_msg_as_buffer(ev.msg);
        CHECK(weft_buffer_len(b) == 5 && memcmp(weft_buffer_data(b), "after", 5) == 0,
              "the worker carries on after the error");
    }
    weft_event_clear(&ev);
    weft_msg_free(hello);
    weft_msg_free(boom);
    weft_msg_free(num);
    weft_msg_free(after);
    weft_worker_free(w);
}

/* ---- terminate ---- */

static void terminate_while(const char *what)
{
    weft_worker *w = start_guest_worker();
    weft_msg *m = weft_msg_string(what);
    weft_error_free(weft_worker_post(w, m, NULL, 0));
    weft_error_free(weft_worker_post(w, m, NULL, 0)); /* queued behind: dropped */
    while (weft_worker_pending(w) > 1)
        usleep(1000);
    usleep(20000); /* let it get into the loop or the wait */
    int64_t t0 = now_ns();
    weft_worker_terminate(w);
    int64_t dt = now_ns() - t0;
    CHECK(dt < 2 * SEC, "terminate in %s took %lld ms", what, (long long)(dt / 1000000));
    weft_event ev;
    CHECK(!weft_worker_next_event(w, 0, &ev), "terminate raises no event");
    weft_error *err = weft_worker_post(w, m, NULL, 0);
    CHECK(err != NULL, "posting to a terminated worker fails");
    weft_error_free(err);
    CHECK(weft_worker_next_event(w, 0, &ev) && ev.kind == WEFT_EVENT_MESSAGEERROR,
          "... with a messageerror event");
    weft_event_clear(&ev);
    weft_worker_terminate(w); /* idempotent */
    weft_msg_free(m);
    weft_worker_free(w);
}

/* A C handler blocked in a host wait with its scope is reached by terminate too. */
static weft_error *host_waiter(weft_scope *s, const weft_msg *msg, void *user)
{
    weft_wait_result r;
    (void)user;
    return weft_atomic_wait(weft_msg_as_memory(msg), 0, 4, 0, -1, s, &r);
}

static void test_terminate_host_wait(void)
{
    weft_worker *w = start_c_worker(host_waiter, NULL);
    weft_memory *mem = NULL;
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &mem));
    weft_msg *m = weft_msg_memory(mem);
    weft_error_free(weft_worker_post(w, m, NULL, 0));
    while (weft_worker_pending(w) > 0)
        usleep(1000);
    usleep(20000);
    int64_t t0 = now_ns();
    weft_worker_free(w);
    CHECK(now_ns() - t0 < 2 * SEC, "terminate ends a host wait made with the scope");
    weft_msg_free(m);
    weft_memory_free(mem);
}

static void test_start_failure(void)
{
    /* a module whose import nobody provides */
    static const unsigned char needs_import[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6e, 0x6f, 0x70, 0x00, 0x00};
    weft_module *mod = test_module(engine, needs_import, sizeof needs_import);
    weft_worker_config cfg = {.module = mod, .on_message = echo_handler};
    weft_worker *w = NULL;
    weft_error_free(weft_worker_new(engine, &cfg, &w));
    weft_event ev;
    if (next(w, &ev, WEFT_EVENT_ERROR))
        CHECK(weft_error_kind_of(ev.error) == WEFT_ERR_LINK, "a link error: %s",
              weft_error_message(ev.error));
    weft_event_clear(&ev);
    weft_msg *m = weft_msg_null();
    weft_error *err = weft_worker_post(w, m, NULL, 0);
    CHECK(err != NULL, "a worker that failed to start takes no message");
    weft_error_free(err);
    weft_msg_free(m);
    weft_worker_free(w);
    weft_module_free(mod);
}

/* Setup runs on the worker's thread with its linker; the worker calls an export. */
static weft_error *add_handler(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)msg;
    (void)user;
    weft_val args[2] = {weft_val_i32(40), weft_val_i32(2)}, r;
    weft_func *add = weft_instance_func(weft_scope_instance(s), "add");
    weft_error *err = weft_call(weft_scope_store(s), add, args, 2, &r, 1);
    if (err)
        return err;
    weft_msg *reply = weft_msg_int(r.of.i32);
    err = weft_scope_post(s, reply, NULL, 0);
    weft_msg_free(reply);
    return err;
}

static void test_c_handler_calls_exports(void)
{
    weft_worker *w = start_c_worker(add_handler, NULL);
    weft_msg *m = weft_msg_null();
    weft_error_free(weft_worker_post(w, m, NULL, 0));
    weft_event ev;
    if (next(w, &ev, WEFT_EVENT_MESSAGE))
        CHECK(weft_msg_as_int(ev.msg) == 42, "add(40, 2) in the worker");
    weft_event_clear(&ev);
    weft_msg_free(m);
    weft_worker_free(w);
}

/* ---- direct channels ---- */

/* Add one to an INT and post it on; at 100 or more, publish it in the shared word instead. */
static weft_error *add_one(weft_scope *s, const weft_msg *msg, void *user)
{
    int64_t v = weft_msg_as_int(msg) + 1;
    if (v >= 100) {
        weft_error *err = weft_atomic_store(user, 0, 4, (uint64_t)v);
        weft_error_free(weft_atomic_notify(user, 0, 1, NULL));
        return err;
    }
    weft_msg *next = weft_msg_int(v);
    weft_error *err = weft_scope_post(s, next, NULL, 0);
    weft_msg_free(next);
    return err;
}

static void test_connected_workers(void)
{
    weft_memory *mem = NULL;
    weft_error_free(weft_memory_new(engine, 1, 1, true, true, &mem));
    weft_worker *a = start_c_worker(add_one, mem), *b = start_c_worker(add_one, mem);
    weft_worker *c = start_c_worker(echo_handler, NULL);
    /* a one-way channel: what a posts reaches c's handler, whose echo reaches the host */
    CHECK(!weft_worker_connect(a, c), "connect a -> c");
    weft_msg *m = weft_msg_int(41);
    weft_error_free(weft_worker_post(a, m, NULL, 0));
    weft_event ev;
    if (next(c, &ev, WEFT_EVENT_MESSAGE))
        CHECK(weft_msg_as_int(ev.msg) == 42, "a's message went through c");
    weft_event_clear(&ev);
    CHECK(!weft_worker_next_event(a, 0, &ev), "nothing reached the host from a");

    /* both ways: a and b bounce a counter with no hop through the host */
    CHECK(!weft_worker_connect(a, b) && !weft_worker_connect(b, a), "connect a <-> b");
    weft_msg_free(m);
    m = weft_msg_int(0);
    weft_error_free(weft_worker_post(a, m, NULL, 0));
    weft_wait_result r;
    uint64_t v = 0;
    int64_t t0 = now_ns();
    while (!weft_atomic_load(mem, 0, 4, &v) && v < 100 && now_ns() - t0 < 10 * SEC)
        weft_error_free(weft_atomic_wait(mem, 0, 4, v, SEC, NULL, &r));
    CHECK(v == 100, "the counter went 100 hops between the workers: %llu", (unsigned long long)v);

    /* a peer freed while connected: the sender gets messageerrors */
    weft_worker_free(b);
    weft_error_free(weft_worker_post(a, m, NULL, 0));
    if (next(a, &ev, WEFT_EVENT_MESSAGEERROR))
        CHECK(strstr(weft_error_message(ev.error), "connected") != NULL, "the reason: %s",
              weft_error_message(ev.error));
    weft_event_clear(&ev);
    weft_msg_free(m);
    weft_worker_free(a);
    weft_worker_free(c);
    weft_memory_free(mem);
}

int main(void)
{
    engine = test_engine();
    echo_mod = test_module(engine, guest_echo, sizeof guest_echo);
    if (!engine || !echo_mod)
        return 1;
    test_msg_build_and_clone();
    test_msg_identity_kept();
    test_transfer_moves();
    test_transfer_list_errors();
    test_shared_by_reference();
    test_guest_echo_and_error_event();
    terminate_while("loop");
    terminate_while("wait");
    test_terminate_host_wait();
    test_start_failure();
    test_c_handler_calls_exports();
    test_connected_workers();
    weft_module_free(echo_mod);
    weft_engine_free(engine);
    printf("worker: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
