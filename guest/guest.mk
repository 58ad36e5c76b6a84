# guest.mk - the guest kit and the threaded example guests; included by the Makefile.
#   make examples      the kit in $(BUILD)/guest, each example in $(BUILD)/examples/NAME.wasm,
#                      and the kit's own test in $(BUILD)/guest/kit_test.wasm
#   make guest-kit     only the kit
#   make guest-examples  the kit, the example guests and kit_test, without the host programs
#                      of examples/workers (the threads suite uses it under any sanitizer)
# guest/weft-cc holds every flag; these rules only decide what to rebuild. The tools it
# needs (clang, wasm-ld, wasi-libc, clang's wasm32 runtime) come from tests/setup.sh.

WEFT_CC        := guest/weft-cc
GUEST_BUILD    := $(BUILD)/guest
GUEST_CFLAGS   ?= -O2 -Wall -Wextra
GUEST_EXAMPLES := parallel_sum mutex_counter bounded_buffer parallel_sort matmul
GUEST_KIT_DEPS := $(wildcard guest/src/*.c guest/src/*.h guest/src/*.s guest/include/*.h \
                             guest/tools/*.c) $(WEFT_CC)

GUEST_ENV = WEFT_GUEST_BUILD=$(GUEST_BUILD)

.PHONY: examples guest-kit guest-examples
examples: guest-examples
guest-examples: $(GUEST_EXAMPLES:%=$(BUILD)/examples/%.wasm) $(GUEST_BUILD)/kit_test.wasm
guest-kit: $(GUEST_BUILD)/kit.stamp

$(GUEST_BUILD)/kit.stamp: $(GUEST_KIT_DEPS)
	@[ -n "$$WASI_SYSROOT" ] || [ ! -f tests/setup.sh ] || sh tests/setup.sh
	$(GUEST_ENV) $(WEFT_CC) --build-kit
	@touch $@

$(BUILD)/examples/%.wasm: examples/%.c examples/example.h $(GUEST_BUILD)/kit.stamp
	@mkdir -p $(dir $@)
	$(GUEST_ENV) $(WEFT_CC) $(GUEST_CFLAGS) $< -o $@

$(GUEST_BUILD)/kit_test.wasm: guest/tests/kit_test.c $(GUEST_BUILD)/kit.stamp
	$(GUEST_ENV) $(WEFT_CC) $(GUEST_CFLAGS) $< -o $@
