/*
 * cli.h - what the files of the command line share. The CLI uses only the public API
 * (weft.h): it is the embedding API's first user.
 */
#ifndef WEFT_CLI_H
#define WEFT_CLI_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft.h"

/* Exit statuses of the weft command. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,  /* a module failed to load or link, a test failed, a file is missing */
    CLI_EXIT_USAGE = 2, /* wrong command line */
    CLI_EXIT_TRAP = 134, /* the guest trapped (the status of an abort) */
    CLI_EXIT_MAX_GUEST = 125 /* the largest guest exit status passed on; others are refused */
};

/* Reads a whole file into a new buffer (free it). On failure returns NULL and writes the
 * reason (strerror) into err. A trailing NUL is added (not counted in *len) so that text
 * files can be parsed in place. */
uint8_t *cli_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* `weft wast [--counts] SCRIPT.json`: argv[0] is "wast". Returns the exit status. */
int cli_wast_main(int argc, char **argv);

/* run_stop.c: `weft run --fuel N` and `--timeout DURATION`. */
bool cli_parse_fuel(const char *v, uint64_t *out);         /* a decimal count */
bool cli_parse_duration(const char *v, uint64_t *ns);      /* 500ms, 3s, 1.5s, 2m, 1h */
typedef struct cli_stop {
    weft_interrupt_handle *handle;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    uint64_t timeout_ns;
    bool running, done, fired;
} cli_stop;
/* Give the store its fuel (when fuel is on) and start the timeout's timer (timeout_ns > 0).
 * NULL, or what failed. */
const char *cli_stop_begin(cli_stop *s, weft_store *store, bool fuel, uint64_t amount,
                           uint64_t timeout_ns);
/* Stop the timer (if any); true when the timeout interrupted the store. */
bool cli_stop_end(cli_stop *s);

#endif /* WEFT_CLI_H */
