/* fib: doubly recursive Fibonacci. Measures calls and returns of a tiny function. */
#include <stdio.h>

static int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    volatile int n = 37; /* volatile: the compiler must not fold the answer */
    unsigned sum = 0;
    for (int i = 0; i < 2; i++)
        sum = sum * 31u + (unsigned)fib(n - i);
    printf("fib checksum: %u\n", sum);
    return 0;
}
