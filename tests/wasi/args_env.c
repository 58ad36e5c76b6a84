/* args_env.c - prints its arguments and one variable of its environment, so the suite can
 * check args_get/args_sizes_get and environ_get/environ_sizes_get. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    const char *v = getenv("WEFT_TEST");
    printf("WEFT_TEST=%s\n", v ? v : "(unset)");
    return 0;
}
