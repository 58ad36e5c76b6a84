/*
 * wasi_threads.h - the host side of wasi-threads: `wasi` `thread-spawn`.
 *
 * A group is one threaded program: the module, its shared memory, the WASI context all its
 * threads share, and the threads themselves. Each spawned thread is an OS thread running a
 * new instance of the module in a store of its own (stores are single-threaded), on the same
 * shared memory, entered through `wasi_thread_start(tid, arg)`.
 *
 * The first trap or proc_exit in any thread is the program's outcome: it cancels every
 * other thread at once (interrupting code that runs and waits that block), and
 * wt_group_finish returns it after every thread has ended. No thread outlives the group.
 */
#ifndef WEFT_WASI_THREADS_H
#define WEFT_WASI_THREADS_H

#include "weft.h"

typedef struct wt_group wt_group;

/* A group for module m. If m imports a memory, it is created from the import's type (it
 * must be shared) and defined under the import's names by wt_group_define. */
weft_error *wt_group_new(weft_engine *e, weft_module *m, weft_wasi *w, uint32_t max_threads,
                         wt_group **out);
/* Define `wasi` `thread-spawn` and the shared memory in a linker (of the main thread's store,
 * or of a spawned thread's). */
weft_error *wt_group_define(wt_group *g, weft_linker *l);
/* The main thread takes part: a trap in another thread interrupts the main store's code. */
void wt_group_enter_main(wt_group *g, weft_store *main_store);
/* The main thread is done with result `main_result` (NULL for a normal return, ownership
 * passes to the group). Cancels the other threads, waits for all of them, and returns the
 * program's outcome: the first exit or trap of any thread, or NULL. */
weft_error *wt_group_finish(wt_group *g, weft_error *main_result);
/* How many threads were spawned in total, and the most that ran at once (for tests). */
uint32_t wt_group_spawned(const wt_group *g);
void wt_group_free(wt_group *g);

#endif
