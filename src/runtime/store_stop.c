/* store_stop.c - stopping a store's guests: fuel, the epoch deadline and interrupt handles
 * (weft.h "Stopping guests"). The checks themselves are in both tiers' code: the
 * interpreter's fuel and epoch ops (exec/interp.c), compiled code's WN_FUEL and WN_EPOCH
 * (native/nat_cgen.c), both reading the store's execution context. */
#include <pthread.h>

#include "runtime.h"
#include "../exec/exec.h"

/* Shared by the store and every holder of the handle: the last release frees it. ctx is
 * NULL once the store is gone; the lock keeps the store from freeing the context while an
 * interrupt is being delivered to it. */
struct weft_interrupt_handle {
    atomic_int refs;
    pthread_mutex_t lock;
    struct exec_ctx *ctx;
};

static weft_error *stop_fuel_ctx(weft_store *s, struct exec_ctx **ctx)
{
    if (!s)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "fuel: the store is NULL");
    if (!s->engine->cfg.consume_fuel)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "fuel is not enabled: set weft_config.consume_fuel in the engine");
    if (!(*ctx = rt_store_ctx(s)))
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot allocate an execution stack");
    return NULL;
}

weft_error *weft_store_set_fuel(weft_store *store, uint64_t fuel)
{
    struct exec_ctx *ctx;
    weft_error *e = stop_fuel_ctx(store, &ctx);
    if (!e)
        *exec_fuel(ctx) = fuel;
    return e;
}

weft_error *weft_store_get_fuel(weft_store *store, uint64_t *fuel)
{
    struct exec_ctx *ctx;
    weft_error *e = stop_fuel_ctx(store, &ctx);
    if (fuel)
        *fuel = e ? 0 : *exec_fuel(ctx);
    return e;
}

weft_error *weft_store_add_fuel(weft_store *store, uint64_t delta, uint64_t *fuel)
{
    struct exec_ctx *ctx;
    weft_error *e = stop_fuel_ctx(store, &ctx);
    if (!e) {
        uint64_t *f = exec_fuel(ctx);
        *f = *f > UINT64_MAX - delta ? UINT64_MAX : *f + delta;
    }
    if (fuel)
        *fuel = e ? 0 : *exec_fuel(ctx);
    return e;
}

weft_error *weft_store_set_epoch_deadline(weft_store *store, uint64_t ticks)
{
    if (!store)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET, "epoch deadline: the store is NULL");
    if (!store->engine->cfg.epoch_interruption)
        return err_new(WEFT_ERR_ARG, WEFT_NO_OFFSET,
                       "epoch interruption is not enabled: set "
                       "weft_config.epoch_interruption in the engine");
    struct exec_ctx *ctx = rt_store_ctx(store);
    if (!ctx)
        return err_new(WEFT_ERR_RESOURCE, WEFT_NO_OFFSET, "cannot allocate an execution stack");
    uint64_t now = weft_engine_epoch(store->engine);
    exec_set_deadline(ctx, now > UINT64_MAX - ticks ? UINT64_MAX : now + ticks);
    return NULL;
}

weft_interrupt_handle *weft_store_interrupt_handle(weft_store *store)
{
    if (!store)
        return NULL;
    if (!store->intr) {
        struct exec_ctx *ctx = rt_store_ctx(store);
        weft_interrupt_handle *h;
        /* the wake pipe lets an interrupt reach a guest blocked in a WASI call */
        if (!ctx || !exec_enable_wake(ctx) || !(h = calloc(1, sizeof *h)))
            return NULL;
        atomic_init(&h->refs, 1); /* the store's */
        pthread_mutex_init(&h->lock, NULL);
        h->ctx = ctx;
        store->intr = h;
    }
    atomic_fetch_add(&store->intr->refs, 1);
    return store->intr;
}

void weft_interrupt(weft_interrupt_handle *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    exec_interrupt(h->ctx); /* NULL once the store is freed: nothing */
    pthread_mutex_unlock(&h->lock);
}

void weft_interrupt_handle_free(weft_interrupt_handle *h)
{
    if (!h || atomic_fetch_sub(&h->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&h->lock);
    free(h);
}

void rt_store_stop_free(weft_store *s)
{
    weft_interrupt_handle *h = s->intr;
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->ctx = NULL;
    pthread_mutex_unlock(&h->lock);
    s->intr = NULL;
    weft_interrupt_handle_free(h);
}
