/* nbody: a gravitational simulation of a small cluster, symplectic Euler steps. Floating
 * point with division and square root in a doubly nested loop over a struct array. */
#include <math.h>
#include <stdio.h>

#define NB 12
typedef struct { double x, y, z, vx, vy, vz, m; } body;
static body bs[NB];

static void setup(void)
{
    unsigned s = 2024;
    for (int i = 0; i < NB; i++) {
        double r[7];
        for (int k = 0; k < 7; k++) {
            s = s * 1664525u + 1013904223u;
            r[k] = (double)(s >> 8) / 16777216.0; /* [0, 1) */
        }
        bs[i] = (body){r[0] * 10 - 5, r[1] * 10 - 5, r[2] * 10 - 5,
                       r[3] - 0.5, r[4] - 0.5, r[5] - 0.5, 0.5 + r[6]};
    }
}

static void step(double dt)
{
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double dx = bs[i].x - bs[j].x, dy = bs[i].y - bs[j].y, dz = bs[i].z - bs[j].z;
            double d2 = dx * dx + dy * dy + dz * dz + 0.01;
            double mag = dt / (d2 * sqrt(d2));
            bs[i].vx -= dx * bs[j].m * mag; bs[i].vy -= dy * bs[j].m * mag; bs[i].vz -= dz * bs[j].m * mag;
            bs[j].vx += dx * bs[i].m * mag; bs[j].vy += dy * bs[i].m * mag; bs[j].vz += dz * bs[i].m * mag;
        }
    for (int i = 0; i < NB; i++) {
        bs[i].x += dt * bs[i].vx; bs[i].y += dt * bs[i].vy; bs[i].z += dt * bs[i].vz;
    }
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * bs[i].m * (bs[i].vx * bs[i].vx + bs[i].vy * bs[i].vy + bs[i].vz * bs[i].vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = bs[i].x - bs[j].x, dy = bs[i].y - bs[j].y, dz = bs[i].z - bs[j].z;
            e -= bs[i].m * bs[j].m / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

int main(void)
{
    volatile int steps = 300000;
    setup();
    double e0 = energy();
    for (int s = 0; s < steps; s++)
        step(0.0005);
    printf("nbody checksum: %.9f %.9f\n", e0, energy());
    return 0;
}
