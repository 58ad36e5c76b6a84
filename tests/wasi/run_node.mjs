// run_node.mjs - runs a WASI command under node's node:wasi, as a reference for weft.
//   node run_node.mjs [--env KEY=VALUE]... PROGRAM.wasm [ARGS...]
// Mirrors `weft run`: the guest's argv[0] is the program path, stdio is the process's,
// the exit status is the guest's proc_exit code, and a trap prints "trap: ..." on stderr
// and exits with 134 (the status of an abort).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
const env = {};
while (argv.length && argv[0] === '--env') {
  const kv = argv[1] ?? '';
  const eq = kv.indexOf('=');
  if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  argv.splice(0, 2);
}
if (!argv.length) {
  process.stderr.write('usage: node run_node.mjs [--env K=V]... PROGRAM.wasm [ARGS...]\n');
  process.exit(2);
}

const wasi = new WASI({ version: 'preview1', args: argv, env, returnOnExit: true });
let status;
try {
  const module = await WebAssembly.compile(await readFile(argv[0]));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  status = wasi.start(instance);
} catch (e) {
  if (e instanceof WebAssembly.RuntimeError) {
    process.stderr.write(`trap: ${e.message}\n`);
    status = 134;
  } else {
    process.stderr.write(`error: ${e.message}\n`);
    status = 1;
  }
}
process.exitCode = status;
