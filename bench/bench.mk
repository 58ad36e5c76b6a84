# bench.mk - `make bench`: weft against native code and node over bench/programs, plus
# start-up costs (see bench/run.sh). Included from the top-level Makefile.
.PHONY: bench
bench: all
	@BUILD=$(BUILD) sh bench/run.sh
