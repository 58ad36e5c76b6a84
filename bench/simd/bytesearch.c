/* bytesearch: counting a byte and finding the first of a set of bytes in a buffer, the
 * inner loops of parsers and string searches. */
#include <stdint.h>
#include <stdio.h>

#define N (1 << 20)
static uint8_t buf[N];

static uint32_t count_byte(const uint8_t *s, int n, uint8_t c)
{
    uint32_t k = 0;
    for (int i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

/* the number of bytes that are either '\n' or ',' (a CSV scanner's question) */
static uint32_t count_delims(const uint8_t *s, int n)
{
    uint32_t k = 0;
    for (int i = 0; i < n; i++)
        k += (s[i] == '\n') | (s[i] == ',');
    return k;
}

static uint32_t max_byte(const uint8_t *s, int n)
{
    uint8_t m = 0;
    for (int i = 0; i < n; i++)
        m = s[i] > m ? s[i] : m;
    return m;
}

int main(void)
{
    volatile int rounds = 60;
    uint32_t seed = 3, sum = 0;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(32 + (seed >> 16) % 96);
    }
    for (int r = 0; r < rounds; r++) {
        buf[(r * 104729) % N] = (uint8_t)(r & 1 ? '\n' : 200 + r % 50);
        sum = sum * 31u + count_byte(buf, N, (uint8_t)('a' + r % 26));
        sum = sum * 31u + count_delims(buf, N);
        sum = sum * 31u + max_byte(buf, N - r);
    }
    printf("bytesearch checksum: %u\n", sum);
    return 0;
}
