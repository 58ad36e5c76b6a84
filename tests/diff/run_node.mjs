// run_node.mjs - the reference side of the differential fuzzer: for each .wasm given, instantiate
// it with node (V8) and print `FILE RESULT` on one line, RESULT being what the export `run`
// returned, as a signed decimal (the way `weft run --invoke` prints integers), or `trap`.
// Several files per process, so that node starts once for many modules.
import { readFileSync } from "node:fs";

for (const file of process.argv.slice(2)) {
    let out;
    try {
        const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
        const v = instance.exports.run();
        out = typeof v === "bigint" ? BigInt.asIntN(64, v).toString() : String(v | 0);
    } catch (e) {
        out = e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? "trap" : "error: " + e;
    }
    console.log(file + " " + out);
}
