/* __errno.h - the kit's replacement for wasi-libc's header of the same name.
 *
 * wasi-libc's header declares `extern _Thread_local int errno`, but the Debian libc.a was
 * built single-threaded, where the compiler turned that thread-local into one plain global.
 * Code compiled with -matomics would reference errno as a thread-local and fail to link
 * against it. So errno is declared as what libc.a really defines: one global, shared by
 * every thread (see guest/README.md, "Limitations"). errno.h includes this file; the
 * kit's include directory comes first on the search path, so it replaces the original. */
#ifndef __wasilibc___errno_h
#define __wasilibc___errno_h

#ifdef __cplusplus
extern "C" {
#endif

extern int errno;
#define errno errno

#ifdef __cplusplus
}
#endif

#endif
