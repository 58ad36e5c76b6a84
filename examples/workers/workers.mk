# examples/workers/workers.mk - the worker examples: host programs of the embedding API's
# workers, messages, host atomics and pools, each with its guest. Included by the top-level
# Makefile; `make examples` (or `make worker-examples`) builds
#   $(BUILD)/examples/NAME                 the host programs
#   $(BUILD)/examples/workers/GUEST.wasm   their guests (WAT with wat2wasm, C with clang)
# Each program runs with no arguments, checks its own results and exits non-zero on a
# mismatch; tests/suites/workers.sh runs them all.

WKX_NAMES := matrix_worker image_worker shared_sum pool_tasks atomics_handshake \
             render_frames relay
WKX_BIN := $(WKX_NAMES:%=$(BUILD)/examples/%)
WKX_GUEST_DIR := $(BUILD)/examples/workers
WKX_GUESTS := $(patsubst %,$(WKX_GUEST_DIR)/%.wasm,sum collatz handshake relay matrix image render)
WKX_CLANG ?= clang
# freestanding wasm32 guests: no libc, exports named in the source
WKX_GUEST_CFLAGS := --target=wasm32 -O2 -nostdlib -Wl,--no-entry
# a guest on an imported shared memory (the render worker's framebuffer)
WKX_SHARED_CFLAGS := -matomics -mbulk-memory -Wl,--import-memory -Wl,--shared-memory \
                     -Wl,--max-memory=4194304

.PHONY: examples worker-examples
examples: worker-examples
worker-examples: $(WKX_BIN) $(WKX_GUESTS)

$(WKX_BIN): $(BUILD)/examples/%: examples/workers/%.c examples/workers/example.h \
            include/weft.h $(BUILD)/libweft.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DWEFT_EXAMPLES_DIR='"$(abspath $(BUILD))/examples"' -o $@ $< \
		$(BUILD)/libweft.a $(LDLIBS_ALL)

$(WKX_GUEST_DIR)/%.wasm: examples/workers/guests/%.wat
	@mkdir -p $(dir $@)
	wat2wasm --enable-threads --debug-names $< -o $@

$(WKX_GUEST_DIR)/%.wasm: examples/workers/guests/%.c examples/workers/guests/bump_alloc.h
	@mkdir -p $(dir $@)
	$(WKX_CLANG) $(WKX_GUEST_CFLAGS) $< -o $@

$(WKX_GUEST_DIR)/render.wasm: examples/workers/guests/render.c
	@mkdir -p $(dir $@)
	$(WKX_CLANG) $(WKX_GUEST_CFLAGS) $(WKX_SHARED_CFLAGS) $< -o $@

# The workers benchmark: make worker-bench && $(BUILD)/bench/workers_bench
.PHONY: worker-bench
worker-bench: $(BUILD)/bench/workers_bench
$(BUILD)/bench/workers_bench: bench/workers_bench.c include/weft.h $(BUILD)/libweft.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libweft.a $(LDLIBS_ALL)
