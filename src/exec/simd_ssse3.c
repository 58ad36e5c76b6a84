/* simd_ssse3.c - pshufb for i8x16.shuffle and swizzle (see simd_ssse3.h). */
#include <string.h>

#include "simd_ssse3.h"

void simd_ssse3_shuffle_masks(const uint8_t lanes[16], uint8_t masks[32])
{
    for (int i = 0; i < 16; i++) {
        unsigned l = lanes[i] & 31u;
        masks[i] = l < 16 ? (uint8_t)l : 0x80;
        masks[16 + i] = l >= 16 ? (uint8_t)(l - 16) : 0x80;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <tmmintrin.h>

bool simd_ssse3_usable(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("ssse3");
}

__attribute__((target("ssse3"))) void simd_ssse3_shuffle(void *d, const void *a, const void *b,
                                                        const uint8_t masks[32])
{
    __m128i x = _mm_loadu_si128(a), y = _mm_loadu_si128(b);
    __m128i ma = _mm_loadu_si128((const void *)masks);
    __m128i mb = _mm_loadu_si128((const void *)(masks + 16));
    _mm_storeu_si128(d, _mm_or_si128(_mm_shuffle_epi8(x, ma), _mm_shuffle_epi8(y, mb)));
}

__attribute__((target("ssse3"))) void simd_ssse3_swizzle(void *d, const void *a, const void *s)
{
    /* indices 16..255 must give 0: a saturating add moves them to 0x80 and above (pshufb's
     * "zero" bit) and keeps the low four bits of the others */
    __m128i idx = _mm_adds_epu8(_mm_loadu_si128(s), _mm_set1_epi8(0x70));
    _mm_storeu_si128(d, _mm_shuffle_epi8(_mm_loadu_si128(a), idx));
}

#else

bool simd_ssse3_usable(void) { return false; }

void simd_ssse3_shuffle(void *d, const void *a, const void *b, const uint8_t masks[32])
{
    (void)d, (void)a, (void)b, (void)masks;
}

void simd_ssse3_swizzle(void *d, const void *a, const void *s) { (void)d, (void)a, (void)s; }

#endif
