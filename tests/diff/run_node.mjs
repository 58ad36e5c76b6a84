// run_node.mjs - the reference side of the differential fuzzer: for each .wasm given, instantiate
// it with node (V8) and print `FILE RESULT` on one line, RESULT being what the export `run`
// returned, as a signed decimal (the way `weft run --invoke` prints integers), `trap`, or `exception`
// (an uncaught wasm exception).
// Several files per process, so that node starts once for many modules.
import { readFileSync } from "node:fs";

for (const file of process.argv.slice(2)) {
    let out;
    try {
        const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
        const v = instance.exports.run();
        out = typeof v === "bigint" ? BigInt.asIntN(64, v).toString() : String(v | 0);
    } catch (e) {
        if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError)
            out = "trap";
        else if (WebAssembly.Exception && e instanceof WebAssembly.Exception)
            out = "exception"; // uncaught wasm exception, as weft reports it
        else
            out = "error: " + e;
    }
    console.log(file + " " + out);
}
