/* matmul: dense double-precision matrix product C = A B, with B transposed first so that
 * each element is the dot product of two contiguous rows: a serial chain of loads,
 * multiplies and adds. */
#include <stdio.h>

#define N 300
static double a[N][N], b[N][N], bt[N][N], c[N][N];

int main(void)
{
    volatile int reps = 3;
    double trace = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.25;
        }
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                bt[j][i] = b[i][j];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int k = 0; k < N; k++)
                    sum += a[i][k] * bt[j][k];
                c[i][j] = sum;
            }
        for (int i = 0; i < N; i++)
            trace += c[i][(i * 13 + r) % N];
        b[r][r + 1] += 1.0; /* each round multiplies different matrices */
    }
    printf("matmul checksum: %.6f\n", trace);
    return 0;
}
