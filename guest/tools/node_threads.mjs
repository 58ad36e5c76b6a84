// node_threads.mjs - runs a wasi-threads module under node (20+), as a reference for weft.
//   node guest/tools/node_threads.mjs [--no-threads] PROGRAM.wasm [ARGS...]
//
// The module imports a shared env.memory and `wasi` `thread-spawn`. This script makes the
// memory (its limits read from the module's import), runs _start in a worker, and
// implements thread-spawn with more workers: each instantiates the module on the same
// memory and calls wasi_thread_start(tid, arg). With --no-threads, thread-spawn
// returns -1 (pthread_create then fails with EAGAIN), to test single-threaded paths.
// A trap or proc_exit in any thread ends the whole process, as wasi-threads specifies.
import { readFileSync, writeSync } from 'node:fs';
import { BroadcastChannel } from 'node:worker_threads';
import { WASI } from 'node:wasi';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import process from 'node:process';
import v8 from 'node:v8';

// Node 20's baseline wasm compiler (Liftoff) clobbers a local across memory.atomic.wait32
// (seen as a corrupted stack pointer after a pthread_join); compile with TurboFan only.
v8.setFlagsFromString('--no-liftoff');
process.removeAllListeners('warning'); // "WASI is an experimental feature" in every worker

// Find the import section's memory limits by hand (node's API lacks them).
function readMemoryImport(bytes) {
  let p = 8;
  const u32 = () => { let r = 0, s = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const name = () => { const n = u32(); const s = Buffer.from(bytes.subarray(p, p + n)).toString(); p += n; return s; };
  while (p < bytes.length) {
    const id = bytes[p++], size = u32(), end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name(); name();
        const kind = bytes[p++];
        if (kind === 0) u32();
        else if (kind === 1) { p++; const f = bytes[p++]; u32(); if (f & 1) u32(); }
        else if (kind === 3) { p += 2; }
        else if (kind === 2) {
          const f = bytes[p++], initial = u32(), maximum = f & 1 ? u32() : 65536;
          return { initial, maximum, shared: (f & 2) !== 0 };
        }
      }
    }
    p = end;
  }
  throw new Error('no memory import');
}

// Any thread may end the process (proc_exit or a trap). Threads run in workers; the
// process's main thread only waits for the first status on this channel and exits with it.
const exitChannel = 'weft-node-threads-exit';

function finish(status, message) {
  if (message) writeSync(2, message);
  const bc = new BroadcastChannel(exitChannel);
  bc.postMessage(status);
  bc.close();
}

function imports(ctx, wasi) {
  return {
    ...wasi.getImportObject(),
    env: { memory: ctx.memory },
    wasi: {
      'thread-spawn': (arg) => {
        if (ctx.noThreads) return -1;
        const tid = Atomics.add(ctx.tids, 0, 1) + 1;
        new Worker(new URL(import.meta.url), { workerData: { ...ctx, tid, arg, main: false } });
        return tid;
      },
    },
  };
}

function run(ctx, body) {
  const wasi = new WASI({ version: 'preview1', args: ctx.args, env: process.env, returnOnExit: true });
  try {
    const instance = new WebAssembly.Instance(ctx.module, imports(ctx, wasi));
    const status = body(instance, wasi);
    if (status !== undefined) finish(status);
  } catch (e) {
    if (e instanceof Error) return finish(134, `trap: ${e.message}\n`);
    // proc_exit outside wasi.start: node throws its private marker; the status is on wasi.
    const key = Object.getOwnPropertySymbols(wasi).find((k) => k.description === 'kExitCode');
    finish(key ? wasi[key] : 1);
  }
}

if (isMainThread) {
  let argv = process.argv.slice(2);
  const noThreads = argv[0] === '--no-threads';
  if (noThreads) argv = argv.slice(1);
  const bytes = readFileSync(argv[0]);
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory(readMemoryImport(bytes));
  const tids = new Int32Array(new SharedArrayBuffer(4));
  const bc = new BroadcastChannel(exitChannel);
  bc.onmessage = (e) => process.exit(e.data);
  new Worker(new URL(import.meta.url), {
    workerData: { module, memory, tids, args: argv, noThreads, main: true },
  });
} else if (workerData.main) {
  run(workerData, (instance, wasi) => wasi.start(instance) ?? 0);
} else {
  const ctx = workerData;
  run(ctx, (instance, wasi) => {
    wasi.initialize({ exports: { memory: ctx.memory } }); // binds WASI to the memory only
    instance.exports.wasi_thread_start(ctx.tid, ctx.arg);
  });
}
