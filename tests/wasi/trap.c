/* trap.c - writes a line, then executes `unreachable`: the runtime must report a trap
 * (status 134, "trap:" on stderr) after the line reached stdout. */
#include <stdio.h>

int main(void)
{
    puts("before trap");
    fflush(stdout);
    __builtin_trap();
}
