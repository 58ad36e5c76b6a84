/*
 * atomics_handshake - the host thread and a worker's guest wake each other with wait/notify
 * on a shared memory, ROUNDS times: the host uses weft_atomic_wait/notify, the guest
 * memory.atomic.wait32/notify, and both meet in the memory's one parking lot. Word 0 says
 * whose turn it is; each side waits until it is its own, flips it and notifies the other.
 * A waiter re-checks the word for a few microseconds before it sleeps, so a quick partner
 * finds nobody asleep; every 100th round each side therefore pauses 2 ms before handing the
 * turn over, so that the other one is really asleep and the notify is what wakes it.
 */
#include <time.h>
#include "example.h"

#define ROUNDS 2000

static weft_error *on_message(weft_scope *s, const weft_msg *msg, void *user)
{
    (void)user;
    weft_val rounds = weft_val_i32((int32_t)weft_msg_as_int(msg)), moves;
    weft_func *play = weft_instance_func(weft_scope_instance(s), "play");
    weft_error *err = weft_call(weft_scope_store(s), play, &rounds, 1, &moves, 1);
    if (err)
        return err;
    weft_msg *reply = weft_msg_int(moves.of.i32);
    err = weft_scope_post(s, reply, NULL, 0);
    weft_msg_free(reply);
    return err;
}

int main(void)
{
    weft_engine *engine = weft_engine_new(NULL);
    weft_module *module = ex_load(engine, "handshake");
    weft_memory *mem;
    ex_ok(weft_memory_new(engine, 1, 1, true, true, &mem), "shared memory");
    weft_worker_config cfg = {.module = module, .setup = ex_import_memory, .on_message = on_message,
                              .user = mem};
    weft_worker *worker;
    ex_ok(weft_worker_new(engine, &cfg, &worker), "worker");
    weft_msg *go = weft_msg_int(ROUNDS);
    ex_ok(weft_worker_post(worker, go, NULL, 0), "post");

    int host_moves = 0, host_woken = 0;
    for (int i = 0; i < ROUNDS; i++) {
        /* our turn (0): give it to the guest and wake it */
        if (i % 100 == 50) {
            struct timespec pause = {0, 2 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
        ex_ok(weft_atomic_store(mem, 0, 4, 1), "store");
        ex_ok(weft_atomic_notify(mem, 0, 1, NULL), "notify");
        host_moves++;
        /* wait until the guest gives it back */
        for (;;) {
            uint64_t turn;
            weft_wait_result r;
            ex_ok(weft_atomic_load(mem, 0, 4, &turn), "load");
            if (turn == 0)
                break;
            ex_ok(weft_atomic_wait(mem, 0, 4, 1, 10 * 1000000000LL, NULL, &r), "wait");
            EX_CHECK(r != WEFT_WAIT_TIMED_OUT, "the guest never handed the turn back");
            if (r == WEFT_WAIT_TIMED_OUT)
                return ex_finish("atomics_handshake");
            host_woken += r == WEFT_WAIT_OK;
        }
    }
    weft_msg *reply = ex_reply(worker);
    uint64_t guest_moves = 0, guest_woken = 0;
    ex_ok(weft_atomic_load(mem, 4, 4, &guest_moves), "load");
    ex_ok(weft_atomic_load(mem, 8, 4, &guest_woken), "load");
    EX_CHECK(weft_msg_as_int(reply) == ROUNDS && guest_moves == ROUNDS,
             "the guest made %llu moves, expected %d", (unsigned long long)guest_moves, ROUNDS);
    EX_CHECK(host_moves == ROUNDS, "the host made %d moves", host_moves);
    /* each side sleeps at least sometimes: the other side's notify is what wakes it */
    EX_CHECK(host_woken > 0, "the guest never woke the host");
    EX_CHECK(guest_woken > 0, "the host never woke the guest");
    printf("%d rounds: the host was woken by the guest %d times, the guest by the host %llu "
           "times\n", ROUNDS, host_woken, (unsigned long long)guest_woken);

    weft_msg_free(reply);
    weft_msg_free(go);
    weft_worker_free(worker);
    weft_memory_free(mem);
    weft_module_free(module);
    weft_engine_free(engine);
    return ex_finish("atomics_handshake");
}
