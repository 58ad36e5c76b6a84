#!/usr/bin/env python3
"""reduce.py - shrink a WAT module on which weft and node disagree, keeping the disagreement.

  reduce.py --weft build/weft IN.wat OUT.wat
  reduce.py --tiers ...   the interpreter against the compiled tier (for the seeds node
                          cannot run)

Works on the s-expression tree: tries to delete each node, or to replace it by one of its
children, keeping a change when the module still assembles (wat2wasm) and weft's answer
still differs from node's (and neither side times out). Repeats until nothing changes.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import gen  # noqa: E402


def tokenize(s):
    toks, i, n = [], 0, len(s)
    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(ch)
            i += 1
        elif ch == '"':
            j = i + 1
            while s[j] != '"':
                j += 2 if s[j] == "\\" else 1
            toks.append(s[i:j + 1])
            i = j + 1
        elif s.startswith(";;", i):
            while i < n and s[i] != "\n":
                i += 1
        else:
            j = i
            while j < n and not s[j].isspace() and s[j] not in "()":
                j += 1
            toks.append(s[i:j])
            i = j
    return toks


def parse(toks):
    stack = [[]]
    for t in toks:
        if t == "(":
            stack.append([])
        elif t == ")":
            x = stack.pop()
            stack[-1].append(x)
        else:
            stack[-1].append(t)
    return stack[0]


def show(x):
    if isinstance(x, list):
        return "(" + " ".join(show(y) for y in x) + ")"
    return x


def paths(tree, pre=()):
    """Every list node's path, outermost first."""
    out = []
    for i, x in enumerate(tree):
        if isinstance(x, list):
            out.append(pre + (i,))
            out.extend(paths(x, pre + (i,)))
    return out


def get(tree, path):
    for i in path:
        tree = tree[i]
    return tree


class Oracle:
    def __init__(self, weft, tmp, tiers=False):
        self.weft, self.tmp, self.n, self.tiers = weft, tmp, 0, tiers

    def results(self, text):
        self.n += 1
        wat, wasm = os.path.join(self.tmp, "r.wat"), os.path.join(self.tmp, "r.wasm")
        with open(wat, "w") as f:
            f.write(text)
        flags = sorted(set(gen.WAT2WASM_FLAGS.values()))
        if subprocess.run(["wat2wasm"] + flags + [wat, "-o", wasm], capture_output=True).returncode:
            return None
        try:
            w = self.weft_result(wasm, [])
            if self.tiers:
                v = self.weft_result(wasm, ["--compile", "--opt-level", "1", "--cache-dir",
                                            os.path.join(self.tmp, "cache")])
            else:
                q = subprocess.run(["node", os.path.join(HERE, "run_node.mjs"), wasm],
                                   capture_output=True, text=True, timeout=10)
                v = q.stdout.strip().partition(" ")[2]
        except subprocess.TimeoutExpired:
            return None
        return v, w

    def weft_result(self, wasm, flags):
        p = subprocess.run([self.weft, "run"] + flags + ["--invoke", "run", wasm],
                           capture_output=True, text=True, timeout=30)
        if p.returncode == 134:
            return "exception" if "uncaught exception" in p.stderr else "trap"
        return p.stdout.strip() if p.returncode == 0 else "exit %d: %s" % (p.returncode, p.stderr.strip())

    def bad(self, text):
        r = self.results(text)
        return r is not None and r[0] != r[1] and r[0] and not r[0].startswith("error")


def reduce(text, oracle):
    tree = parse(tokenize(text))
    changed = True
    while changed:
        changed = False
        for path in paths(tree):
            try:
                node = get(tree, path)
                parent = get(tree, path[:-1])
            except (IndexError, TypeError):
                continue
            if not isinstance(parent, list) or not isinstance(node, list):
                continue   # the tree changed under this path
            idx = path[-1]
            tries = [None] + [c for c in node if isinstance(c, list)]
            for rep in tries:
                new = parent[:idx] + ([] if rep is None else [rep]) + parent[idx + 1:]
                old = parent[:]
                parent[:] = new
                if oracle.bad(" ".join(show(x) for x in tree)):
                    changed = True
                    break
                parent[:] = old
    return " ".join(show(x) for x in tree)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weft", required=True)
    ap.add_argument("--tiers", action="store_true",
                    help="compare weft's interpreter with its compiled tier, not with node")
    ap.add_argument("inp")
    ap.add_argument("out")
    a = ap.parse_args()
    text = open(a.inp).read()
    with tempfile.TemporaryDirectory() as tmp:
        o = Oracle(a.weft, tmp, a.tiers)
        if not o.bad(text):
            sys.exit("the input shows no difference")
        small = reduce(text, o)
        r = o.results(small)
    with open(a.out, "w") as f:
        f.write(small + "\n")
    print("%d tests; %s %s, weft %s" % (o.n, "compiled tier" if a.tiers else "node", r[0], r[1]))


if __name__ == "__main__":
    main()
