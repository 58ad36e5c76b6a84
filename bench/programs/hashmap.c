/* hashmap: an open-addressing hash table of 64-bit keys with linear probing: inserts,
 * lookups and deletions (backward-shift). 64-bit multiplies, random memory access. */
#include <stdint.h>
#include <stdio.h>

#define CAP (1 << 18)
static uint64_t keys[CAP];
static uint32_t vals[CAP];
static uint8_t used[CAP];

static uint32_t slot_of(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 29;
    return (uint32_t)k & (CAP - 1);
}

static void put(uint64_t k, uint32_t v)
{
    uint32_t i = slot_of(k);
    while (used[i] && keys[i] != k)
        i = (i + 1) & (CAP - 1);
    used[i] = 1;
    keys[i] = k;
    vals[i] = v;
}

static int get(uint64_t k, uint32_t *v)
{
    for (uint32_t i = slot_of(k); used[i]; i = (i + 1) & (CAP - 1))
        if (keys[i] == k) {
            *v = vals[i];
            return 1;
        }
    return 0;
}

static void del(uint64_t k)
{
    uint32_t i = slot_of(k);
    while (used[i] && keys[i] != k)
        i = (i + 1) & (CAP - 1);
    if (!used[i])
        return;
    /* shift later members of the cluster back so lookups never stop early */
    for (uint32_t j = (i + 1) & (CAP - 1); used[j]; j = (j + 1) & (CAP - 1)) {
        uint32_t h = slot_of(keys[j]);
        if (((j - h) & (CAP - 1)) >= ((j - i) & (CAP - 1))) {
            keys[i] = keys[j];
            vals[i] = vals[j];
            i = j;
        }
    }
    used[i] = 0;
}

int main(void)
{
    volatile int rounds = 10;
    uint64_t x = 88172645463325252ull, sum = 0;
    for (int r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < CAP / 2; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            put(x % 400000u, i);
        }
        for (uint32_t i = 0; i < CAP; i++) {
            uint32_t v;
            if (get(i * 3u, &v))
                sum += v ^ i;
        }
        for (uint32_t i = 0; i < 400000u; i += 2)
            del(i);
    }
    printf("hashmap checksum: %llu\n", (unsigned long long)sum);
    return 0;
}
