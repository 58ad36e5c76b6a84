# entry.s - wasi_thread_start, the export a wasi-threads runtime calls on a new thread.
#
#   wasi_thread_start(i32 tid, i32 start_arg)
#
# It runs in a fresh instance whose __stack_pointer is the linker's initial value, i.e.
# the main thread's stack: no C code may run before it is replaced. So this stub, in
# assembly, loads the thread's own stack top from start_arg+0 and its TLS base from
# start_arg+4 (the record pthread_create filled in, see thread.c), then calls the C
# side, __weft_thread_main(tid, start_arg), which initialises the TLS block.

	.text
	.globaltype __stack_pointer, i32
	.globaltype __tls_base, i32
	.functype __weft_thread_main (i32, i32) -> ()

	.globl wasi_thread_start
	.type wasi_thread_start,@function
wasi_thread_start:
	.functype wasi_thread_start (i32, i32) -> ()
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 1
	i32.load 4
	global.set __tls_base
	local.get 0
	local.get 1
	call __weft_thread_main
	end_function
