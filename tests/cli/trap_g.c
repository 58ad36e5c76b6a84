/* A C guest built with -g: its trap's frames must name this file and the lines of the
 * division (DIVIDE_LINE), the call in middle (MIDDLE_LINE) and the call in main. */
#include <stdio.h>

static int divide(int a, int b)
{
    return a / b; /* DIVIDE_LINE */
}

static int middle(int x)
{
    return divide(100, x) + 1; /* MIDDLE_LINE */
}

int main(int argc, char **argv)
{
    (void)argv;
    printf("%d\n", middle(argc - 1));
    return 0;
}
