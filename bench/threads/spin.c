/* spin.c - a fixed amount of pure computation (no memory traffic), for threads_speedup.sh to
 * check what the machine gives two processes at once: on two free cores, two copies take
 * as long as one. */
int main(void)
{
    volatile unsigned long s = 0;
    for (unsigned long i = 0; i < 1000000000UL; i++)
        s += i;
    return (int)(s & 1);
}
