#!/bin/sh
# install.sh - weft installs like every other C library. `make install` into a temporary
# root (DESTDIR, PREFIX=/usr/local) puts the command, both libraries, the headers, weft.pc
# and weft(1) in their places; an embedder (tests/capi/embed.c) built with nothing but
# `pkg-config --cflags --libs weft` links once against the shared library and once, with
# --static and -static, against the static one, and both run; the shared library has its
# soname and exports the weft_* and wasm_* functions and nothing else; `man -l` renders the
# page and every command and option `weft help` lists is in it; `make uninstall` leaves no
# file behind. Packaging is not what the sanitizers look at: skipped under SANITIZE.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
pass=0
fail=0
ok()  { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
finish() { echo "install: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

if [ -n "${SANITIZE:-}" ]; then
    echo "install: skipped under the sanitizers"
    finish
fi
for tool in pkg-config man nm readelf; do
    command -v "$tool" >/dev/null 2>&1 || { bad "needs $tool (make setup)"; finish; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
STAGE="$TMP/root"
PREFIX=/usr/local
P="$STAGE$PREFIX"

# 1. install
if make -s -C "$ROOT" BUILD="$BUILD" DESTDIR="$STAGE" PREFIX="$PREFIX" install \
        >"$TMP/install.log" 2>&1; then
    ok "make install DESTDIR=... PREFIX=$PREFIX"
else
    bad "make install"
    tail -n 15 "$TMP/install.log" | sed 's/^/    /'
    finish
fi
missing=""
for f in bin/weft lib/libweft.a lib/libweft.so lib/pkgconfig/weft.pc include/weft/weft.h \
         include/weft/wasm.h include/weft/weft_wasm.h share/man/man1/weft.1; do
    [ -e "$P/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "installed files are in place" || bad "not installed:$missing"
"$P/bin/weft" --version >/dev/null 2>&1 && ok "the installed weft runs" || bad "installed weft"

# 2. the shared library: a real file behind two links, its soname, its exports
so=$(readlink -f "$P/lib/libweft.so")
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ -n "$soname" ] && [ -L "$P/lib/$soname" ] && [ "$(readlink -f "$P/lib/$soname")" = "$so" ] &&
   [ "$so" != "$P/lib/$soname" ]; then
    ok "soname $soname -> $(basename "$so")"
else
    bad "soname or version links of libweft.so (soname '$soname')"
fi
exports=$(nm -D --defined-only "$so" | awk '{print $3}' | sort -u)
others=$(printf '%s\n' "$exports" | grep -v -E '^(weft_|wasm_)' | tr '\n' ' ')
want=$(nm --defined-only "$P/lib/libweft.a" | awk '$2 == "T" {print $3}' |
       grep -E '^(weft_|wasm_)' | sort -u)
if [ -z "$others" ] && [ "$exports" = "$want" ]; then
    ok "libweft.so exports exactly the $(printf '%s\n' "$exports" | wc -l) weft_/wasm_ functions"
else
    bad "libweft.so exports: unexpected [$others], or not every public function"
    printf '%s\n' "$want" > "$TMP/want"; printf '%s\n' "$exports" > "$TMP/have"
    diff "$TMP/want" "$TMP/have" | head -n 10 | sed 's/^/    /'
fi

# 3. an embedder built with pkg-config alone, shared then static
export PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$STAGE"
cc_flags=$(pkg-config --cflags --libs weft) && static_flags=$(pkg-config --static --cflags --libs weft)
if [ $? -ne 0 ]; then
    bad "pkg-config does not know weft"
    finish
fi
ok "pkg-config --cflags --libs weft: $cc_flags"
EMBED="$ROOT/tests/capi/embed.c"
if cc -std=c11 -Wall -Wextra "$EMBED" $cc_flags -o "$TMP/embed_shared" >"$TMP/cc1.log" 2>&1; then
    needed=$(readelf -d "$TMP/embed_shared" | grep NEEDED | grep -c "$soname")
    out=$(LD_LIBRARY_PATH="$P/lib" "$TMP/embed_shared" 2>&1)
    if [ $? -eq 0 ] && [ "$needed" -eq 1 ]; then
        ok "embedder linked against $soname runs: $(printf '%s\n' "$out" | tail -n 1)"
    else
        bad "shared embedder (needs $soname: $needed)"
        printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'
    fi
else
    bad "the embedder does not build against the shared library"
    head -n 10 "$TMP/cc1.log" | sed 's/^/    /'
fi
if cc -std=c11 -static "$EMBED" $static_flags -o "$TMP/embed_static" >"$TMP/cc2.log" 2>&1; then
    out=$(env -u LD_LIBRARY_PATH "$TMP/embed_static" 2>&1)
    if [ $? -eq 0 ] && ! readelf -d "$TMP/embed_static" 2>/dev/null | grep -q NEEDED; then
        ok "static embedder (-static, pkg-config --static) runs: $(printf '%s\n' "$out" | tail -n 1)"
    else
        bad "static embedder"
        printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'
    fi
else
    bad "the embedder does not build against the static library"
    grep -v "statically linked applications" "$TMP/cc2.log" | head -n 10 | sed 's/^/    /'
fi

# 4. the manual page renders, and holds every command and option the help lists
page="$P/share/man/man1/weft.1"
if LC_ALL=C MANWIDTH=1000 man --warnings -l "$page" >"$TMP/man.txt" 2>"$TMP/man.err" &&
   [ ! -s "$TMP/man.err" ] && grep -q "^NAME" "$TMP/man.txt"; then
    ok "man -l renders weft(1) without warnings"
else
    bad "man -l weft.1"
    head -n 5 "$TMP/man.err" | sed 's/^/    /'
fi
WEFT="$P/bin/weft"
cmds=$("$WEFT" help | sed -n '/^commands:/,/^[^ ]/p' | awk '/^  [a-z-]/ {print $1}')
absent=""
for c in $cmds; do
    grep -q -e "$c" "$TMP/man.txt" || absent="$absent $c"
    [ "$c" = "--version" ] && continue
    # options: every -x and --long-name in the command's help, its usage line included
    for o in $("$WEFT" help "$c" 2>/dev/null | grep -o -E '(^|[ [,])--?[A-Za-z][A-Za-z-]*' |
               sed 's/^[ [,]//' | sort -u); do
        grep -q -e " $o" -e "^$o" -e "\[$o" "$TMP/man.txt" || absent="$absent $c:$o"
    done
done
if [ -n "$cmds" ] && [ -z "$absent" ]; then
    ok "weft(1) covers every command and option of weft help ($(echo $cmds | wc -w) commands)"
else
    bad "weft(1) lacks:$absent"
fi

# 5. uninstall leaves nothing
if make -s -C "$ROOT" BUILD="$BUILD" DESTDIR="$STAGE" PREFIX="$PREFIX" uninstall \
        >"$TMP/uninstall.log" 2>&1 && [ -z "$(find "$STAGE" ! -type d)" ]; then
    ok "make uninstall removes every installed file"
else
    bad "make uninstall left: $(find "$STAGE" ! -type d | head -n 5 | tr '\n' ' ')"
fi
finish
