# weft - a WebAssembly runtime in C, built around threads.
#   make                 build/weft (CLI), build/libweft.a, include/weft.h
#   make test            install missing tools (wabt, wasi-libc, clang wasm32 runtime), build,
#                        run every test: unit, embedding, spec suite, WASI, fuzz
#   make check-sanitize  the tests again under AddressSanitizer+UBSan (and TSan for threads)
#   make examples        the seeds' programs as guests and hosts, in build/examples/

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror=implicit-function-declaration \
             -Iinclude -Isrc -I$(BUILD)/gen $(OPT) $(SAN) $(CFLAGS)
LDLIBS_ALL = -lpthread -lm -ldl $(LDLIBS)

LIB_SRC := $(wildcard src/util/*.c src/module/*.c src/compile/*.c src/exec/*.c \
                      src/runtime/*.c src/threads/*.c src/wasi/*.c src/native/*.c)
LIB_SRC += $(wildcard src/capi/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test check-sanitize unit clean setup
all: $(BUILD)/weft $(BUILD)/libweft.a $(BUILD)/libweft.so

$(BUILD)/obj/%.o: %.c $(wildcard include/*.h src/*/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The compiled tier pastes these headers into every C unit it generates (semantics written
# once: the generated code calls the interpreter's own helpers).
PRELUDE_HDRS = include/weft.h src/exec/numeric.h src/exec/simd.h src/native/nat_abi.h
# The prelude also names the translator's source by its hash: the cache keys artifacts by the
# prelude, so code from another version of the translator is never taken from the cache.
NAT_TRANSLATOR = src/native/nat_cgen.c src/native/nat_cgen_eh.c src/native/nat_cgen_int.h
$(BUILD)/gen/nat_prelude_text.h: $(PRELUDE_HDRS) $(NAT_TRANSLATOR) Makefile
	@mkdir -p $(dir $@)
	{ echo 'static const char nat_prelude_text[] ='; \
	  printf '"/* translator %s */\\n"\n' "$$(cat $(NAT_TRANSLATOR) | cksum | tr ' ' -)"; \
	  cat $(PRELUDE_HDRS) | grep -v '^#include "' | \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/'; echo ';'; } > $@.tmp
	mv $@.tmp $@
$(BUILD)/obj/src/native/nat_cgen.o: $(BUILD)/gen/nat_prelude_text.h

$(BUILD)/libweft.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/weft: $(CLI_OBJ) $(BUILD)/libweft.a
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libweft.a $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libweft.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libweft.a $(LDLIBS_ALL)

unit: $(UNIT_BIN)

setup:
	@sh tests/setup.sh

test: setup all unit
	@BUILD=$(BUILD) sh tests/run_all.sh

# AddressSanitizer + UndefinedBehaviorSanitizer over every suite, then ThreadSanitizer over
# the threaded ones (unit tests include the parking-lot stress test).
check-sanitize: setup
	$(MAKE) BUILD=build/asan SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" OPT="-O1 -g" all unit
	@BUILD=build/asan SANITIZE=asan sh tests/run_all.sh
	$(MAKE) BUILD=build/tsan SAN="-fsanitize=thread" OPT="-O1 -g" all unit
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/unit.sh
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/threads.sh
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/eh_guests.sh
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/wasi.sh
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/wasi_testsuite.sh
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/workers.sh
	@BUILD=build/tsan SANITIZE=tsan TSAN_OPTIONS="halt_on_error=1" sh tests/suites/capi.sh

clean:
	rm -rf build

# The shared library, make install/uninstall and pkg-config (their own fragment).
include dist/dist.mk

# The guest kit and the seeds' examples (make examples) live in their own fragment.
-include guest/guest.mk
# Worker examples (make examples adds them) and the benchmarks (make bench).
-include examples/workers/workers.mk
-include bench/bench.mk
