#!/usr/bin/env python3
"""diff.py - differential execution: run generated modules (gen.py) on weft and on node and
compare what their export `run` returns.

  diff.py --weft W --out DIR SEEDS...   SEEDS are numbers or ranges a..b (inclusive)
  diff.py --weft W --out DIR --regress tests/diff/regress
          every NAME.wat there, whose first line is `;; expect: VALUE` (node's answer)

Seeds that use a feature node 20 lacks (gen.NODE_LACKS: multi-memory) compare the interpreter
with the compiled tier instead; they take up to half of the compiled tier's budget (--compiled),
and those past it are skipped.

A mismatch, or a trap on one side only, is a failure: the module is kept as DIR/fail-SEED.wat
and the seed and both results are printed. Prints "diff: N passed, M failed" last and exits 1
on any failure. Modules run in parallel (--jobs, default the number of CPUs).
"""
import argparse
import concurrent.futures as cf
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import gen  # noqa: E402


def parse_seeds(args):
    seeds = []
    for a in args:
        for part in a.replace(",", " ").split():
            if ".." in part:
                lo, hi = part.split("..")
                seeds.extend(range(int(lo), int(hi) + 1))
            else:
                seeds.append(int(part))
    return seeds


def run_weft(weft, wasm, compiled=None):
    """weft's answer; compiled: None for the interpreter, else the compiled tier's cache dir."""
    cmd = [weft, "run"]
    if compiled:
        cmd += ["--compile", "--opt-level", "1", "--jobs", "1", "--cache-dir", compiled]
    try:
        p = subprocess.run(cmd + ["--invoke", "run", wasm], capture_output=True,
                           text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout"
    if p.returncode == 134 and p.stderr.startswith("trap: uncaught exception"):
        return "exception"
    if p.returncode == 134 and p.stderr.startswith("trap"):
        return "trap"
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, p.stderr.strip()[:200])
    return p.stdout.strip()


def run_node(wasms):
    out = {}
    for i in range(0, len(wasms), 40):
        chunk = wasms[i:i + 40]
        try:
            p = subprocess.run(["node", os.path.join(HERE, "run_node.mjs")] + chunk,
                               capture_output=True, text=True, timeout=120)
            lines = p.stdout.splitlines()
        except subprocess.TimeoutExpired:
            lines = []
        for line in lines:
            f, _, v = line.partition(" ")
            out[f] = v
        for f in chunk:
            out.setdefault(f, "node failed")
    return out


def assemble(wat, wasm, flags):
    p = subprocess.run(["wat2wasm"] + flags + [wat, "-o", wasm], capture_output=True, text=True,
                       timeout=60)
    return p.returncode == 0, p.stderr.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weft", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--regress")
    ap.add_argument("--compiled", type=int, default=-1,
                    help="also run this many cases (-1: all) under the compiled tier")
    ap.add_argument("--keep", action="store_true", help="keep every module, not only failures")
    ap.add_argument("seeds", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tmp = os.path.join(a.out, "work")
    os.makedirs(tmp, exist_ok=True)

    # (name, wat path, expected or None, wat2wasm flags, whether node can run it)
    cases = []
    skipped = 0
    if a.regress:
        every = sorted(set(gen.WAT2WASM_FLAGS.values()))
        for n in sorted(os.listdir(a.regress)):
            if n.endswith(".wat"):
                path = os.path.join(a.regress, n)
                with open(path) as f:
                    first = f.readline()
                exp = first.split("expect:", 1)[1].strip() if "expect:" in first else None
                cases.append((n[:-4], path, exp, tuple(every), True))
    for s in parse_seeds(a.seeds):
        path = os.path.join(tmp, "%d.wat" % s)
        g = gen.Gen(s)
        with open(path, "w") as f:
            f.write(g.module() + "\n")
        cases.append((str(s), path, None, tuple(g.wat2wasm_flags), g.node_ok))
    # The compiled tier's budget (--compiled): the cases node cannot run first (up to half of
    # it; the rest of them are skipped: nothing to compare the interpreter with), then the
    # others in order.
    lacking = [c for c in cases if not c[4]]
    others = [c for c in cases if c[4]]
    if a.compiled >= 0:
        skipped = len(lacking) - min(len(lacking), a.compiled // 2)
        lacking = lacking[:len(lacking) - skipped]
        others_compiled = others[:a.compiled - len(lacking)]
    else:
        others_compiled = others
    compiled_cases = set(lacking + others_compiled)
    cases = [c for c in cases if c[4] or c in compiled_cases]

    def prepare(case):
        name, wat, exp, flags, node_ok = case
        wasm = os.path.join(tmp, name + ".wasm")
        ok, err = assemble(wat, wasm, list(flags))
        if not ok:
            return name, wat, wasm, exp, "wat2wasm: " + err[:300]
        got = run_weft(a.weft, wasm)
        if case in compiled_cases or not node_ok:
            nat = run_weft(a.weft, wasm, os.path.join(a.out, "cache"))
            if not node_ok and exp is None:
                # node cannot run it: the compiled tier is the reference
                exp = "(compiled tier) " + nat
                got = "(compiled tier) " + got if got == nat else got
            elif nat != got:
                got = "interpreter %s, compiled tier %s" % (got, nat)
        return name, wat, wasm, exp, got

    with cf.ThreadPoolExecutor(a.jobs) as ex:
        done = list(ex.map(prepare, cases))
    need_node = [d[2] for d in done if d[3] is None and not d[4].startswith("wat2wasm")]
    ref = {}
    if need_node:
        chunks = [need_node[i::a.jobs] for i in range(a.jobs)]
        with cf.ThreadPoolExecutor(a.jobs) as ex:
            for part in ex.map(run_node, chunks):
                ref.update(part)

    passed = failed = 0
    by_weft = len(lacking)
    for name, wat, wasm, exp, got in done:
        want = exp if exp is not None else ref.get(wasm, "wat2wasm failed")
        bad = ("exit", "timeout", "node", "wat2wasm", "error")
        if got == want and not got.replace("(compiled tier) ", "").startswith(bad):
            passed += 1
            if not a.keep and exp is None:
                for p in (wat, wasm):
                    os.remove(p)
            continue
        failed += 1
        keep = os.path.join(a.out, "fail-%s.wat" % name)
        if wat != keep:
            with open(wat) as src, open(keep, "w") as dst:
                dst.write(src.read())
        if want.startswith("(compiled tier) "):
            print("FAIL %s: compiled tier %s, interpreter %s (%s)" % (
                name, want[16:], got.replace("(compiled tier) ", ""), keep))
        else:
            print("FAIL %s: node %s, weft %s (%s)" % (name, want, got, keep))
    if skipped:
        print("diff: %d seeds skipped: they use a feature node lacks, and are past the compiled"
              " tier's budget" % skipped)
    if by_weft:
        print("diff: %d of the cases use a feature node lacks: interpreter against compiled tier"
              % by_weft)
    print("diff: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
