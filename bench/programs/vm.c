/* vm: a small stack-machine interpreter whose switch becomes a jump table (br_table in
 * wasm). It runs a program that counts Collatz steps over a range of starting values. */
#include <stdint.h>
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV2, AND1, JZ, JMP, LT, DUP, DROP, HALT, INC, SWAP };

/* registers: r0 = n (current start), r1 = x, r2 = steps total, r3 = limit */
static const int32_t code[] = {
    /* 0: outer loop: if !(n < limit) halt */
    LOAD, 0, LOAD, 3, LT, JZ, 50,
    /* 7: x = n */
    LOAD, 0, STORE, 1,
    /* 11: inner loop: if x < 2 goto next */
    LOAD, 1, PUSH, 2, LT, JZ, 20, JMP, 46,
    /* 20: steps++; if x is even goto 39 */
    INC, 2, LOAD, 1, AND1, JZ, 39,
    /* 27: x = 3x + 1; goto inner */
    LOAD, 1, PUSH, 3, MUL, PUSH, 1, ADD, STORE, 1, JMP, 11,
    /* 39: x = x / 2; goto inner */
    LOAD, 1, DIV2, STORE, 1, JMP, 11,
    /* 46: n++; goto outer */
    INC, 0, JMP, 0,
    /* 50 */
    HALT,
};

static int32_t run(int32_t limit)
{
    int32_t st[32], reg[4] = {1, 0, 0, limit};
    int sp = 0, pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case PUSH: st[sp++] = code[pc++]; break;
        case LOAD: st[sp++] = reg[code[pc++]]; break;
        case STORE: reg[code[pc++]] = st[--sp]; break;
        case ADD: sp--; st[sp - 1] += st[sp]; break;
        case SUB: sp--; st[sp - 1] -= st[sp]; break;
        case MUL: sp--; st[sp - 1] *= st[sp]; break;
        case DIV2: st[sp - 1] = (int32_t)((uint32_t)st[sp - 1] >> 1); break;
        case AND1: st[sp - 1] &= 1; break;
        case JZ: { int32_t t = code[pc++]; if (!st[--sp]) pc = t; break; }
        case JMP: pc = code[pc]; break;
        case LT: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
        case DUP: st[sp] = st[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case HALT: return reg[2];
        case INC: reg[code[pc++]]++; break;
        case SWAP: { int32_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; break; }
        default: return -1;
        }
    }
}

int main(void)
{
    volatile int32_t limit = 40000;
    printf("vm checksum: %d\n", run(limit));
    return 0;
}
