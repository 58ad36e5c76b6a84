/* dispatch: indirect calls through a table of small functions (what virtual methods and
 * callbacks compile to), the function chosen by data. */
#include <stdint.h>
#include <stdio.h>

typedef uint32_t (*op_fn)(uint32_t acc, uint32_t x);

static uint32_t op_add(uint32_t a, uint32_t x) { return a + x; }
static uint32_t op_xor(uint32_t a, uint32_t x) { return a ^ (x * 0x9e3779b9u); }
static uint32_t op_rot(uint32_t a, uint32_t x) { return (a << (x & 31)) | (a >> ((32 - x) & 31)); }
static uint32_t op_mul(uint32_t a, uint32_t x) { return a * (x | 1); }
static uint32_t op_sub(uint32_t a, uint32_t x) { return a - (x >> 3); }
static uint32_t op_mix(uint32_t a, uint32_t x) { return (a ^ (a >> 15)) + x; }
static uint32_t op_min(uint32_t a, uint32_t x) { return a < x ? a + 1 : a - x; }
static uint32_t op_not(uint32_t a, uint32_t x) { return ~a + (x & 7); }

static op_fn table[8] = {op_add, op_xor, op_rot, op_mul, op_sub, op_mix, op_min, op_not};

#define N 4096
static uint8_t choice[N];

int main(void)
{
    volatile int rounds = 8000;
    uint32_t acc = 1, s = 99;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        choice[i] = (uint8_t)((s >> 16) & 7);
    }
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < N; i++)
            acc = table[choice[i]](acc, (uint32_t)(i + r));
    printf("dispatch checksum: %u\n", acc);
    return 0;
}
