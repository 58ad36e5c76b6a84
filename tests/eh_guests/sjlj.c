/* sjlj.c - error recovery with setjmp/longjmp, thousands of times, the way interpreters
 * such as Lua use it: a stack of protected calls (each a setjmp), errors raised from deep
 * inside nested calls (a longjmp across several frames), handlers that recover, handlers
 * that pass the error on to the next one out, longjmp(env, 0) (setjmp then yields 1), and
 * locals changed between setjmp and longjmp (volatile, so their values are defined).
 * Prints a checksum that must equal the native build's.
 *
 *   sjlj [ROUNDS]                one thread
 *   sjlj_threads [THREADS [ROUNDS]]  (built with -DWITH_THREADS) each thread its own loop
 *
 * Tests: tests/suites/eh_guests.sh builds it natively (gcc) and with weft-cc --sjlj. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef WITH_THREADS
#include <pthread.h>
#endif

struct handler { /* one protected call */
    jmp_buf env;
    struct handler *prev;
};

struct state { /* one per thread, like a lua_State */
    struct handler *top;
    uint64_t sum;   /* the checksum */
    unsigned raised, recovered, passed;
};

static void mix(struct state *s, uint64_t v)
{
    s->sum = (s->sum ^ v) * 0x100000001b3ull;
}

static _Noreturn void raise_error(struct state *s, int code)
{
    s->raised++;
    longjmp(s->top->env, code); /* code 0 arrives as 1 */
}

/* Descends `depth` frames, leaving a trace in the checksum, and raises at the bottom
 * when the round says so. */
static int descend(struct state *s, unsigned round, int depth, int acc)
{
    int local[4];
    for (int i = 0; i < 4; i++)
        local[i] = acc * 31 + depth * 7 + i;
    if (depth == 0) {
        if (round % 5 == 4)
            return acc; /* no error this time */
        raise_error(s, (round % 11 == 3) ? 0 : (int)(round % 97) + acc % 13);
    }
    return descend(s, round, depth - 1, acc + local[depth % 4] % 1000) + 1;
}

/* A protected call: runs fn(s, round) and returns 0, or the error it raised. */
static int pcall(struct state *s, unsigned round, int (*fn)(struct state *, unsigned))
{
    struct handler h;
    volatile int attempts = 0;
    h.prev = s->top;
    s->top = &h;
    int code = setjmp(h.env);
    attempts++;
    if (code == 0) {
        int r = fn(s, round);
        s->top = h.prev;
        mix(s, (uint64_t)r);
        return 0;
    }
    s->top = h.prev;
    mix(s, (uint64_t)(code * 1000 + attempts));
    return code;
}

static int inner_body(struct state *s, unsigned round)
{
    return descend(s, round, (int)(round % 7) + 1, (int)round);
}

/* A middle layer with its own setjmp: it recovers from some errors itself (retrying once
 * with a shallower call), and passes the others on to the outer handler with a new code. */
static int middle_body(struct state *s, unsigned first_round)
{
    struct handler h;
    volatile unsigned round = first_round;
    volatile unsigned retried = 0;
    volatile int seen = 0;
    h.prev = s->top;
    s->top = &h;
    int code = setjmp(h.env);
    if (code != 0) {
        seen += code;
        if (code % 3 == 0 && !retried) {
            s->recovered++;
            retried = 1;
            round += 5; /* the retry takes a different path */
        } else {
            s->top = h.prev;
            s->passed++;
            raise_error(s, code * 2 + (int)retried); /* on to the next handler out */
        }
    }
    int r = pcall(s, round, inner_body) == 1 ? 7 : 0; /* an inner protected call too */
    r += inner_body(s, round + 1);
    s->top = h.prev;
    return r + seen;
}

static void run(struct state *out, unsigned seed, unsigned rounds)
{
    struct state s = {NULL, 0xcbf29ce484222325ull ^ seed, 0, 0, 0};
    for (unsigned i = 0; i < rounds; i++) {
        int code = pcall(&s, i * 2654435761u % 100003 + seed, middle_body);
        mix(&s, (uint64_t)code << 8 | (i & 0xff));
    }
    mix(&s, s.raised);
    mix(&s, s.recovered);
    mix(&s, s.passed);
    *out = s;
}

static void report(unsigned seed, const struct state *s)
{
    printf("seed %u: %u raised, %u recovered, %u passed on, checksum %016llx\n", seed, s->raised,
           s->recovered, s->passed, (unsigned long long)s->sum);
}

#ifdef WITH_THREADS
struct job {
    unsigned seed, rounds;
    struct state result;
};

static void *thread_main(void *arg)
{
    struct job *j = arg;
    run(&j->result, j->seed, j->rounds);
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned threads = argc > 1 ? (unsigned)atoi(argv[1]) : 4;
    unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5000;
    if (threads < 1 || threads > 64)
        threads = 4;
    struct job jobs[64];
    pthread_t ids[64];
    for (unsigned t = 0; t < threads; t++) {
        jobs[t] = (struct job){.seed = t + 1, .rounds = rounds};
        if (pthread_create(&ids[t], NULL, thread_main, &jobs[t]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    uint64_t total = 0;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        report(jobs[t].seed, &jobs[t].result);
        total = total * 31 + jobs[t].result.sum;
    }
    printf("threads %u, total %016llx\n", threads, (unsigned long long)total);
    return 0;
}
#else
int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 20000;
    struct state s;
    run(&s, 0, rounds);
    report(0, &s);
    return 0;
}
#endif
