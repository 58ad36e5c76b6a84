/* expect.h - the check of the small WASI guests: print "WHAT: ok" or "WHAT: FAIL (got G,
 * want W)" and count failures; expect_done(NAME) prints "NAME: ok" (or FAIL), which the
 * harness looks for, and gives the exit status. */
#ifndef WEFT_GUEST_EXPECT_H
#define WEFT_GUEST_EXPECT_H

#include <stdio.h>

static int expect_fails;

static void expect(const char *what, long long got, long long want)
{
    if (got != want)
        expect_fails++;
    printf("%s: %s (got %lld, want %lld)\n", what, got == want ? "ok" : "FAIL", got, want);
}

static int expect_done(const char *name)
{
    printf("%s: %s\n", name, expect_fails ? "FAIL" : "ok");
    return expect_fails != 0;
}

#endif
