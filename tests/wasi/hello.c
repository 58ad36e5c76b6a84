/* hello.c - the smallest WASI command: one line on stdout, status 0. */
#include <stdio.h>

int main(void)
{
    puts("hello");
    return 0;
}
