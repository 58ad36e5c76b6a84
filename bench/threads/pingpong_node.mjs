// The Node (V8) counterpart of tests/threads/pingpong.wat: the main thread and a worker pass
// a turn back and forth 100,000 times with Atomics.wait / Atomics.notify on shared memory.
import { Worker, isMainThread, workerData } from 'node:worker_threads';

const MOVES = 100000;

function play(view, me) {
  for (let i = 0; i < MOVES / 2; i++) {
    let t;
    while ((t = Atomics.load(view, 0)) !== me) Atomics.wait(view, 0, t);
    Atomics.store(view, 0, 1 - me);
    Atomics.notify(view, 0, 1);
  }
}

if (isMainThread) {
  const view = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(new URL(import.meta.url), { workerData: view });
  play(view, 0);
  await new Promise((resolve) => w.on('exit', resolve));
  process.exit(Atomics.load(view, 0) === 0 ? 0 : 1);
} else {
  play(workerData, 1);
}
