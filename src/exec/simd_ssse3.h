/*
 * simd_ssse3.h - i8x16.shuffle and i8x16.swizzle on x86's pshufb, for the interpreter.
 * weft is built for the baseline x86-64 (SSE2), which has no byte shuffle with indices in
 * a register; these functions are compiled for SSSE3 alone and used when the CPU has it
 * (simd_ssse3_usable). The portable path of simd.h remains the definition.
 */
#ifndef WEFT_SIMD_SSSE3_H
#define WEFT_SIMD_SSSE3_H

#include <stdbool.h>
#include <stdint.h>

/* Does this CPU (and build) offer the functions below? */
bool simd_ssse3_usable(void);
/* For shuffle: the pshufb masks of the two operands (16 bytes each, 0x80 = take zero). */
void simd_ssse3_shuffle_masks(const uint8_t lanes[16], uint8_t masks[32]);
/* d = shuffle(a, b) by the masks; d, a, b are 16 bytes (they may overlap). */
void simd_ssse3_shuffle(void *d, const void *a, const void *b, const uint8_t masks[32]);
/* d = swizzle(a, s). */
void simd_ssse3_swizzle(void *d, const void *a, const void *s);

#endif
