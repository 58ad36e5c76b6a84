#!/bin/sh
# workers.sh - the worker examples (examples/workers/, built by `make worker-examples` into
# $BUILD/examples/): each runs with no arguments, checks its own results and must exit 0 and
# print "NAME: ok". Built with the sanitizer of the run (SANITIZE=asan or tsan) so that
# `make check-sanitize` runs them under AddressSanitizer and ThreadSanitizer. Also checks that
# `weft features` lists the worker features. Every run has a timeout: a lost wake-up fails.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
WEFT=${WEFT:-$BUILD/weft}
SANITIZE=${SANITIZE:-}
pass=0
fail=0

case "$SANITIZE" in
asan|1) SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
        OPT="-O1 -g" ;;
tsan)   SAN="-fsanitize=thread" OPT="-O1 -g"
        TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}"; export TSAN_OPTIONS ;;
*)      SAN="" OPT="-O2 -g" ;;
esac

if ! make -s -C "$ROOT" BUILD="$BUILD" SAN="$SAN" OPT="$OPT" worker-examples \
        >"$BUILD/workers-build.log" 2>&1; then
    echo "FAIL building the worker examples:"
    tail -n 20 "$BUILD/workers-build.log" | sed 's/^/    /'
    echo "workers: 0 passed, 1 failed"
    exit 1
fi

for name in matrix_worker image_worker shared_sum pool_tasks atomics_handshake \
            render_frames relay; do
    out=$(cd "$ROOT" && timeout 300 "$BUILD/examples/$name" 2>&1)
    status=$?
    if [ "$status" -eq 0 ] && printf '%s\n' "$out" | grep -q "^$name: ok$"; then
        echo "ok   $name"
        pass=$((pass + 1))
    else
        echo "FAIL $name (status $status)"
        printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
        fail=$((fail + 1))
    fi
done

# the frames are images a person can open: PPM headers of the right size
frame="$BUILD/examples/frames/frame_00.ppm"
if [ -f "$frame" ] && [ "$(head -c 2 "$frame")" = "P6" ] &&
   [ "$(wc -c <"$frame")" -eq $((160 * 90 * 3 + 14)) ]; then
    echo "ok   render_frames wrote PPM images"
    pass=$((pass + 1))
else
    echo "FAIL render_frames: $frame is not a 160x90 PPM"
    fail=$((fail + 1))
fi

if [ -x "$WEFT" ]; then
    feats=$("$WEFT" features)
    missing=""
    for f in workers messages transfer shared-buffers host-atomics worker-pools; do
        echo "$feats" | awk -v f="$f" '$1 == f && $2 == "yes" { found = 1 } END { exit !found }' ||
            missing="$missing $f"
    done
    if [ -z "$missing" ]; then
        echo "ok   weft features lists the worker features"
        pass=$((pass + 1))
    else
        echo "FAIL weft features lacks:$missing"
        fail=$((fail + 1))
    fi
fi

echo "workers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
