# bench.mk - `make bench`, included from the top-level Makefile:
#   1. weft against native code and node over bench/programs, plus start-up costs (run.sh)
#   2. threads: the examples with 1 and 2 threads, atomics under contention and wait/notify
#      hand-offs beside native C and node (threads_speedup.sh)
#   3. workers: message round trips, copy vs transfer, start-up, pool overhead (workers_bench)
# Speed figures need a quiet machine: other processes on the cores distort them.
.PHONY: bench
bench: all guest-examples worker-bench
	@BUILD=$(BUILD) sh bench/run.sh
	@echo
	@BUILD=$(BUILD) sh bench/threads_speedup.sh
	@echo
	@$(BUILD)/bench/workers_bench -q
