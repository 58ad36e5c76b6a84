/* exit_status.c - exits through proc_exit with the status given as argument (default 7),
 * after writing buffered output that exit() must flush first. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int status = argc > 1 ? atoi(argv[1]) : 7;
    printf("exiting with %d\n", status);
    exit(status);
}
