#!/bin/sh
# setup.sh - install what the tests need, when it is missing; silent when all is present.
#   wast2json, wat2wasm     (wabt)                  convert the spec scripts, build test modules
#   wasi-libc               (wasi-libc)             /usr/lib/wasm32-wasi/libc.a for guest programs
#   clang's wasm32 runtime  (libclang-rt-N-dev-wasm32)  libclang_rt.builtins-wasm32.a
#   clang, wasm-ld          (clang, lld)            compile C guests to wasm32-wasi
#   pkg-config, man, groff  (pkg-config, man-db, groff-base)  the install suite
#   libdwarf                (libdwarf-dev)          file:line in backtraces (cli suite); weft
#                                                   builds and runs without it
#   clang 19 for wasm32     (clang-19, lld-19, libclang-rt-19-dev-wasm32, libc++-19-dev-wasm32,
#                            libc++abi-19-dev-wasm32, g++)  setjmp/longjmp and C++ exception
#                                                   guests (eh_guests suite)
# Needs root to install (apt-get); otherwise prints the command to run and fails.

missing=""
need() { # need PACKAGE: add it once to the list of packages to install
    case " $missing " in *" $1 "*) ;; *) missing="${missing:+$missing }$1" ;; esac
}

command -v wast2json >/dev/null 2>&1 || need wabt
command -v wat2wasm >/dev/null 2>&1 || need wabt
command -v clang >/dev/null 2>&1 || need clang
command -v wasm-ld >/dev/null 2>&1 || need lld
[ -f /usr/lib/wasm32-wasi/libc.a ] || need wasi-libc
# the install suite: pkg-config, and man to render weft(1)
command -v pkg-config >/dev/null 2>&1 || need pkg-config
command -v man >/dev/null 2>&1 || need man-db
command -v groff >/dev/null 2>&1 || need groff-base
# backtraces with file:line: the header for the build, libdwarf.so.1 (its dependency) to run
[ -f /usr/include/libdwarf/libdwarf.h ] || need libdwarf-dev
# setjmp/longjmp and C++ exceptions in guests (eh_guests suite): clang 19 with its wasm32
# runtime, Debian's libc++/libc++abi for wasm32, and g++ for the native reference builds
command -v clang-19 >/dev/null 2>&1 || need clang-19
command -v wasm-ld-19 >/dev/null 2>&1 || need lld-19
[ -f /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a ] || need libclang-rt-19-dev-wasm32
[ -f /usr/lib/llvm-19/lib/wasm32-wasi/libc++.a ] || need libc++-19-dev-wasm32
[ -f /usr/lib/llvm-19/lib/wasm32-wasi/libc++abi.a ] || need libc++abi-19-dev-wasm32
command -v g++ >/dev/null 2>&1 || need g++

# The runtime library's package is versioned like clang; 14 is Debian 12's.
clang_major=14
if command -v clang >/dev/null 2>&1; then
    v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
    case "$v" in ''|*[!0-9]*) ;; *) clang_major=$v ;; esac
    rt=$(clang --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null)
    [ -n "$rt" ] && [ -f "$rt" ] || need "libclang-rt-$clang_major-dev-wasm32"
else
    need "libclang-rt-$clang_major-dev-wasm32"
fi

[ -z "$missing" ] && exit 0

cmd="apt-get update && apt-get install -y $missing"
if [ "$(id -u)" != 0 ]; then
    echo "setup: missing test tools; as root run:" >&2
    echo "    $cmd" >&2
    exit 1
fi
echo "setup: installing $missing"
apt-get update -qq >/dev/null || { echo "setup: apt-get update failed" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
    { echo "setup: could not install: $missing (run: $cmd)" >&2; exit 1; }
