// run_node.mjs - runs a WASI command under node's node:wasi, as a reference for weft.
//   node run_node.mjs [--env KEY=VALUE | --dir HOST::GUEST]... PROGRAM.wasm [ARGS...]
// Mirrors `weft run`: the guest's argv[0] is the program path, stdio is the process's,
// the exit status is the guest's proc_exit code, and a trap prints "trap: ..." on stderr
// and exits with 134 (the status of an abort).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
const env = {};
const preopens = {};
while (argv.length && (argv[0] === '--env' || argv[0] === '--dir')) {
  const v = argv[1] ?? '';
  if (argv[0] === '--env') {
    const eq = v.indexOf('=');
    if (eq > 0) env[v.slice(0, eq)] = v.slice(eq + 1);
  } else {
    // --dir HOST::GUEST, as weft takes it; node maps guest name -> host directory.
    const sep = v.indexOf('::');
    if (sep > 0) preopens[v.slice(sep + 2)] = v.slice(0, sep);
    else preopens[v] = v;
  }
  argv.splice(0, 2);
}
if (!argv.length) {
  process.stderr.write('usage: node run_node.mjs [--env K=V | --dir HOST::GUEST]... PROGRAM.wasm [ARGS...]\n');
  process.exit(2);
}

const wasi = new WASI({ version: 'preview1', args: argv, env, preopens, returnOnExit: true });
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
