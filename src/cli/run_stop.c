/*
 * run_stop.c - `weft run --fuel N` and `--timeout DURATION`: the command line's use of the
 * embedding API's fuel and interrupt handles. The timeout is a thread that sleeps until the
 * deadline (or until the run ends first) and then interrupts the store, which also wakes a
 * guest blocked in a WASI call or in memory.atomic.wait.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

bool cli_parse_fuel(const char *v, uint64_t *out)
{
    char *end;
    if (!*v || *v == '-' || *v == '+')
        return false;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || errno == ERANGE)
        return false;
    *out = n;
    return true;
}

bool cli_parse_duration(const char *v, uint64_t *ns)
{
    static const struct { const char *unit; double ns; } units[] = {
        {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    char *end;
    if (!*v || !(*v >= '0' && *v <= '9'))
        return false;
    double n = strtod(v, &end);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) {
            double t = n * units[i].ns;
            if (!(t >= 1e6 && t < 1e18)) /* at least a millisecond, at most ~31 years */
                return false;
            *ns = (uint64_t)t;
            return true;
        }
    return false;
}

static void *cli_stop_timer(void *arg)
{
    cli_stop *s = arg;
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    uint64_t ns = (uint64_t)at.tv_nsec + s->timeout_ns % 1000000000u;
    at.tv_sec += (time_t)(s->timeout_ns / 1000000000u + ns / 1000000000u);
    at.tv_nsec = (long)(ns % 1000000000u);
    pthread_mutex_lock(&s->lock);
    while (!s->done && pthread_cond_timedwait(&s->wake, &s->lock, &at) != ETIMEDOUT)
        ;
    if (!s->done) {
        s->fired = true;
        weft_interrupt(s->handle);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

const char *cli_stop_begin(cli_stop *s, weft_store *store, bool fuel, uint64_t amount,
                           uint64_t timeout_ns)
{
    memset(s, 0, sizeof *s);
    if (fuel) {
        weft_error *e = weft_store_set_fuel(store, amount);
        if (e) {
            weft_error_free(e);
            return "cannot set the fuel";
        }
    }
    if (!timeout_ns)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->lock, NULL);
    s->timeout_ns = timeout_ns;
    s->handle = weft_store_interrupt_handle(store);
    if (!s->handle || pthread_create(&s->thread, NULL, cli_stop_timer, s) != 0) {
        weft_interrupt_handle_free(s->handle);
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->lock);
        s->handle = NULL;
        return "cannot start the timeout's timer";
    }
    s->running = true;
    return NULL;
}

bool cli_stop_end(cli_stop *s)
{
    if (!s->running)
        return false;
    pthread_mutex_lock(&s->lock);
    s->done = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    weft_interrupt_handle_free(s->handle);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    s->running = false;
    return s->fired;
}
