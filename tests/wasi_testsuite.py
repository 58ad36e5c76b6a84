#!/usr/bin/env python3
"""Run the official WASI test suite's prebuilt programs under weft.

usage: wasi_testsuite.py WEFT SUITE_DIR [SUBDIR...]

SUITE_DIR holds one folder per test family (c/, assemblyscript/, wasi-threads/), each with
NAME.wasm programs and an optional NAME.json beside each (see the suite's README.md): args,
env, dirs (preopened under the same name), root (preopened as the guest's /), exit_code
(default 0), stdout (expected exactly, when given), stdin (text fed to standard input).

Each test runs in a fresh temporary copy of what it needs (the program and its directories,
made writable), so the suite's own folder, which may be read-only, is never written and
whatever a test creates vanishes with the copy. Tests whose name ends in `_read` get a
standard input that stays open (a pipe we never close while the test runs): they check that
a thread blocked reading it is ended when another thread exits.

Prints a line per failure, a `DIR: N passed, M failed` line per folder and, last,
`N passed, M failed`. Exits 1 when anything failed. TIMEOUT (seconds, default 60) bounds
each test.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

TIMEOUT = float(os.environ.get("TIMEOUT", "60"))
DEFAULT_DIRS = ["c", "assemblyscript", "wasi-threads"]


def make_writable(top):
    """copytree keeps the suite's read-only modes; tests must be able to write their copy."""
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            p = os.path.join(root, name)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR | stat.S_IRUSR)
    os.chmod(top, os.stat(top).st_mode | stat.S_IWUSR)


def command(weft, spec, wasm_name):
    """The weft command line for one test."""
    cmd = [weft, "run"]
    for key, value in spec.get("env", {}).items():
        cmd += ["--env", "%s=%s" % (key, value)]
    for d in spec.get("dirs", []):
        cmd += ["--dir", d]
    if "root" in spec:
        cmd += ["--dir", spec["root"] + "::/"]
    return cmd + [wasm_name] + list(spec.get("args", []))


def run_one(weft, folder, name):
    """Run test NAME of folder; returns None when it passed, else why it failed."""
    spec = {}
    jpath = os.path.join(folder, name + ".json")
    if os.path.exists(jpath):
        with open(jpath, encoding="utf-8") as f:
            spec = json.load(f)
    with tempfile.TemporaryDirectory(prefix="weft-wasits.") as tmp:
        shutil.copy(os.path.join(folder, name + ".wasm"), tmp)
        for d in spec.get("dirs", []) + ([spec["root"]] if "root" in spec else []):
            shutil.copytree(os.path.join(folder, d), os.path.join(tmp, d), symlinks=True)
        make_writable(tmp)
        # stdin is a pipe of ours: its text is written up front and, for the _read tests,
        # its write end stays open until the test is over.
        rd, wr = os.pipe()
        os.write(wr, spec.get("stdin", "").encode())
        if not name.endswith("_read"):
            os.close(wr)
            wr = -1
        try:
            proc = subprocess.Popen(command(weft, spec, name + ".wasm"), cwd=tmp, stdin=rd,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            os.close(rd)
            try:
                out, err = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                return "timed out after %gs" % TIMEOUT
        finally:
            if wr >= 0:
                os.close(wr)
        want = spec.get("exit_code", 0)
        if proc.returncode != want:
            return "exit status %d, expected %d; stderr: %s" % (
                proc.returncode, want, err.decode(errors="replace")[:300].strip())
        if "stdout" in spec and out.decode(errors="replace") != spec["stdout"]:
            return "stdout %r, expected %r" % (out[:200], spec["stdout"])
        san = [l for l in err.decode(errors="replace").splitlines()
               if "Sanitizer" in l or "runtime error" in l]
        if os.environ.get("SANITIZE") and san:
            return "sanitizer report: " + san[0]
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    weft, suite = os.path.abspath(sys.argv[1]), sys.argv[2]
    total_pass = total_fail = 0
    for sub in sys.argv[3:] or DEFAULT_DIRS:
        folder = os.path.join(suite, sub)
        names = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".wasm"))
        passed = failed = 0
        for name in names:
            why = run_one(weft, folder, name)
            if why is None:
                passed += 1
            else:
                failed += 1
                print("FAIL: %s/%s: %s" % (sub, name, why))
        print("%s: %d passed, %d failed" % (sub, passed, failed))
        total_pass += passed
        total_fail += failed
    print("%d passed, %d failed" % (total_pass, total_fail))
    sys.exit(1 if total_fail else 0)


if __name__ == "__main__":
    main()
