/* stdio_lock.c - makes wasi-libc's stdio safe to use from several threads.
 *
 * libc.a was built single-threaded: its FILE objects have no locks. weft-cc links with
 * `-Wl,--wrap=NAME` for each function below, which sends every call of NAME (from the
 * program and from libc itself) to __wrap_NAME here, while __real_NAME still names libc's
 * function. Each wrapper holds one kit-wide recursive lock around the real call: one
 * lock for every stream, so output lines never interleave mid-line and buffers are never
 * corrupted. It is recursive because libc's functions call each other (printf calls
 * vfprintf, and both are wrapped). flockfile and friends take the same lock. */
#include "kit.h"
#include <stdarg.h>
#include <stdio.h>

static kit_rlock stdio_lock;

#define LOCKED(call) do { kit_rlock_take(&stdio_lock); r = (call); kit_rlock_drop(&stdio_lock); } while (0)

int __real_vfprintf(FILE *restrict, const char *restrict, va_list);
int __real_fputs(const char *restrict, FILE *restrict);
int __real_puts(const char *);
int __real_fputc(int, FILE *);
int __real_putc(int, FILE *);
int __real_putchar(int);
size_t __real_fwrite(const void *restrict, size_t, size_t, FILE *restrict);
size_t __real_fread(void *restrict, size_t, size_t, FILE *restrict);
int __real_fflush(FILE *);
void __real_perror(const char *);
char *__real_fgets(char *restrict, int, FILE *restrict);
int __real_fgetc(FILE *);
int __real_getc(FILE *);
int __real_getchar(void);
FILE *__real_fopen(const char *restrict, const char *restrict);
int __real_fclose(FILE *);

int __wrap_vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    int r;
    LOCKED(__real_vfprintf(f, fmt, ap));
    return r;
}

int __wrap_vprintf(const char *restrict fmt, va_list ap)
{
    return __wrap_vfprintf(stdout, fmt, ap);
}

int __wrap_printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_fputs(const char *restrict s, FILE *restrict f) { int r; LOCKED(__real_fputs(s, f)); return r; }
int __wrap_puts(const char *s) { int r; LOCKED(__real_puts(s)); return r; }
int __wrap_fputc(int c, FILE *f) { int r; LOCKED(__real_fputc(c, f)); return r; }
int __wrap_putc(int c, FILE *f) { int r; LOCKED(__real_putc(c, f)); return r; }
int __wrap_putchar(int c) { int r; LOCKED(__real_putchar(c)); return r; }
int __wrap_fflush(FILE *f) { int r; LOCKED(__real_fflush(f)); return r; }
int __wrap_fgetc(FILE *f) { int r; LOCKED(__real_fgetc(f)); return r; }
int __wrap_getc(FILE *f) { int r; LOCKED(__real_getc(f)); return r; }
int __wrap_getchar(void) { int r; LOCKED(__real_getchar()); return r; }
int __wrap_fclose(FILE *f) { int r; LOCKED(__real_fclose(f)); return r; }

size_t __wrap_fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    size_t r;
    LOCKED(__real_fwrite(p, size, n, f));
    return r;
}

size_t __wrap_fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    size_t r;
    LOCKED(__real_fread(p, size, n, f));
    return r;
}

char *__wrap_fgets(char *restrict s, int n, FILE *restrict f)
{
    char *r;
    LOCKED(__real_fgets(s, n, f));
    return r;
}

FILE *__wrap_fopen(const char *restrict path, const char *restrict mode)
{
    FILE *r;
    LOCKED(__real_fopen(path, mode));
    return r;
}

void __wrap_perror(const char *s)
{
    kit_rlock_take(&stdio_lock);
    __real_perror(s);
    kit_rlock_drop(&stdio_lock);
}

/* POSIX explicit stream locking, on the same single lock. */
void flockfile(FILE *f)
{
    (void)f;
    kit_rlock_take(&stdio_lock);
}

int ftrylockfile(FILE *f)
{
    (void)f;
    return kit_rlock_try(&stdio_lock) ? 0 : -1;
}

void funlockfile(FILE *f)
{
    (void)f;
    kit_rlock_drop(&stdio_lock);
}
