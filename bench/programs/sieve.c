/* sieve: a byte sieve of Eratosthenes, repeated. Memory-bound loops with stride. */
#include <stdio.h>
#include <string.h>

#define LIMIT (4 * 1024 * 1024)
static unsigned char composite[LIMIT + 1];

static unsigned sieve(unsigned limit)
{
    unsigned count = 0;
    memset(composite, 0, limit + 1);
    for (unsigned i = 2; i <= limit; i++) {
        if (composite[i])
            continue;
        count++;
        for (unsigned j = i + i; j <= limit; j += i)
            composite[j] = 1;
    }
    return count;
}

int main(void)
{
    volatile unsigned rounds = 12;
    unsigned sum = 0;
    for (unsigned r = 0; r < rounds; r++)
        sum = sum * 7u + sieve(LIMIT - r * 1000);
    printf("sieve checksum: %u\n", sum);
    return 0;
}
