/* Prints its argument count, its first argument and $GREETING, then exits with the status
 * given as its second argument (0 without one). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *g = getenv("GREETING");
    printf("%d %s %s\n", argc, argc > 1 ? argv[1] : "-", g ? g : "(unset)");
    return argc > 2 ? atoi(argv[2]) : 0;
}
