/* closed_pipe.c - writes until stdout's reader has gone. The write must fail with EPIPE
 * (the runtime must not die of SIGPIPE); the guest then exits with status 3. */
#include <errno.h>
#include <stdio.h>

int main(void)
{
    for (long i = 0; i < 10000000; i++)
        if (printf("line %ld\n", i) < 0 || (i % 64 == 0 && fflush(stdout) != 0)) {
            fprintf(stderr, "write failed: %s\n", errno == EPIPE ? "EPIPE" : "other");
            return 3;
        }
    return 0;
}
