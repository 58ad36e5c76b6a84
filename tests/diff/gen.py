#!/usr/bin/env python3
"""gen.py - a seeded generator of random, valid WebAssembly modules in WAT text, for the
differential fuzzer (tests/diff/diff.py). `python3 gen.py SEED` prints one module.

Every module exports `run` (no params, result i64) that exercises the rest and folds each
intermediate value into a checksum local, then the globals and the first bytes of memory.
The shapes are chosen to reach the translator's super-instructions (src/compile/): compares
feeding br_if/if, address adds and scaled indexes `base + (i << k) + c` under loads and
stores, constant shifts/rotates under add/sub/and/or/xor, identities (x + 0, x * 1 ...),
zero stores to locals, local.set/tee right after a producer, local.get read after the local
changed (blocks with statements inside operands), br_table, early returns.

What may differ between two correct engines is kept out of the checksum:
- NaN bits: every float that reaches an integer (reinterpret, store, copysign's sign, the
  checksum) goes through canon(), which replaces any NaN by the canonical one.
- traps: div/rem divisors are guarded (never 0 or -1), trapping float->int conversions only
  see values in range, addresses come from masked locals; a few modules (1 in 16) end with
  an access that may be out of bounds, so that both engines must trap at the same place.
- run time: loops are bounded by counters the body cannot write, calls in loops only reach
  loop-free functions, recursion carries a depth bound.
"""
import os
import random
import sys

INT = ("i32", "i64")
FLT = ("f32", "f64")
TYPES = INT + FLT
BITS = {"i32": 32, "i64": 64}

I_BIN = ["add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"]
I_DIV = ["div_s", "div_u", "rem_s", "rem_u"]
I_REL = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]
F_BIN = ["add", "sub", "mul", "div", "min", "max"]
F_UN = ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"]
F_REL = ["eq", "ne", "lt", "gt", "le", "ge"]

# DIFF_AVOID=name,...: leave out shapes that trigger bugs already known (when hunting more)
AVOID = set(filter(None, os.environ.get("DIFF_AVOID", "").split(",")))
MEM_PAGES = 1
DUMP_BYTES = 12288          # the part of memory that addresses reach and run() folds in
LOADS = {  # result type: [(op, width in bytes)]
    "i32": [("i32.load", 4), ("i32.load8_s", 1), ("i32.load8_u", 1), ("i32.load16_s", 2),
            ("i32.load16_u", 2)],
    "i64": [("i64.load", 8), ("i64.load8_s", 1), ("i64.load8_u", 1), ("i64.load16_s", 2),
            ("i64.load16_u", 2), ("i64.load32_s", 4), ("i64.load32_u", 4)],
    "f32": [("f32.load", 4)],
    "f64": [("f64.load", 8)],
}
STORES = {
    "i32": ["i32.store", "i32.store8", "i32.store16"],
    "i64": ["i64.store", "i64.store8", "i64.store16", "i64.store32"],
    "f32": ["f32.store"],
    "f64": ["f64.store"],
}


class Func:
    def __init__(self, idx, params, result, loopless):
        self.idx = idx
        self.name = "$f%d" % idx
        self.params = params          # list of types
        self.result = result          # a type or None
        self.loopless = loopless
        self.locals = []              # declared (non-param) locals: (name, type)
        self.free = {t: [] for t in TYPES}   # locals random statements may write
        self.sig = (tuple(params), result)


# WebAssembly 3.0 features some seeds use (a seed's own draw, or DIFF_FEATURES=a,b for all):
#   tail  return_call, return_call_indirect (early, final, and a deep mutual tail recursion)
#   eh    tags, throw, try/catch/catch_all, rethrow, delegate (the legacy instructions: node 20
#         has no try_table, and wabt 1.0.32 cannot write it)
#   mm    a second memory: loads, stores, memory.size/grow/fill/copy, data, the dump
# node 20 (V8 11.3) runs tail calls and the legacy exceptions; it has no multi-memory, so
# seeds with a feature in NODE_LACKS compare weft's interpreter with its compiled tier only.
FEATURES = ("tail", "eh", "mm")
FEATURE_RATE = {"tail": 0.25, "eh": 0.25, "mm": 0.08}
NODE_LACKS = {"mm"}
WAT2WASM_FLAGS = {"tail": "--enable-tail-call", "eh": "--enable-exceptions",
                  "mm": "--enable-multi-memory"}
# the tags, each with its payload's types
TAGS = (("$e0", ("i32",)), ("$e1", ("i64", "f64")), ("$e2", ()))


def seed_features(seed):
    env = os.environ.get("DIFF_FEATURES")
    if env is not None:
        return set(filter(None, env.split(",")))
    fr = random.Random(seed * 7919 + 3)   # its own stream: seeds without features keep their modules
    return {f for f in FEATURES if fr.random() < FEATURE_RATE[f]}


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.nlabel = 0
        self.outer = False
        self.feat = seed_features(seed)
        self.node_ok = not (self.feat & NODE_LACKS)   # can node run it?
        self.wat2wasm_flags = sorted(WAT2WASM_FLAGS[f] for f in self.feat)

    # ---------------------------------------------------------------- small helpers
    def label(self, p="l"):
        self.nlabel += 1
        return "$%s%d" % (p, self.nlabel)

    def chance(self, p):
        return self.r.random() < p

    def iconst(self, t):
        r = self.r
        b = BITS[t]
        c = r.random()
        if c < 0.3:
            v = r.choice([0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 33, 63, 64, 100, 255, 256, 1023])
        elif c < 0.45:
            v = r.choice([-1, -2, -8, -100, -(1 << (b - 1)), (1 << (b - 1)) - 1, (1 << b) - 1,
                          1 << (b - 2), 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x10000])
        elif c < 0.7:
            v = r.randint(-1000, 1000)
        else:
            v = r.getrandbits(b)
        v &= (1 << b) - 1
        if v >= 1 << (b - 1):
            v -= 1 << b
        return "(%s.const %d)" % (t, v)

    def fconst(self, t):
        r = self.r
        c = r.random()
        if c < 0.25:
            s = r.choice(["0", "-0", "1", "-1", "0.5", "2", "-2.5", "inf", "-inf", "nan",
                          "-nan", "3.5", "-3.5", "0.49999997", "1e10", "-1e10", "65536",
                          "2147483647", "-2147483648", "4294967296", "1e-40", "nan:0x200"])
        elif c < 0.7:
            s = repr(round(r.uniform(-300, 300), r.randint(0, 4)))
        else:
            s = repr(r.uniform(-1e6, 1e6) * r.choice([1, 1e-20, 1e20]))
        if t == "f32" and s in ("1e-40",):
            s = "1e-30"
        return "(%s.const %s)" % (t, s)

    def const(self, t):
        return self.iconst(t) if t in INT else self.fconst(t)

    def shift_k(self, t):
        # a shift count: mostly in range, sometimes 0 or past the width (masked)
        b = BITS[t]
        return "(%s.const %d)" % (t, self.r.choice(
            [0, 1, 2, 3, 4, 5, 7, 8, 13, 16, 24, b - 1, b, b + 1, b + 3, self.r.randint(0, b - 1)]))

    # ---------------------------------------------------------------- locals
    def lget(self, t):
        f = self.fn
        cands = [n for n, ty in f.all_locals if ty == t]
        if not cands:
            return self.const(t)
        return "(local.get %s)" % self.r.choice(cands)

    def writable(self, t):
        return self.r.choice(self.fn.free[t])

    def canon(self, t, e):
        """e with any NaN replaced by the canonical NaN (so its bits are deterministic)."""
        s = "$cf_" + t
        return ("(if (result %s) (%s.eq (local.tee %s %s) (local.get %s)) (then (local.get %s))"
                " (else (%s.const nan)))" % (t, t, s, e, s, s, t))

    def to_i64(self, t, e):
        if t == "i64":
            return e
        if t == "i32":
            return "(i64.extend_i32_%s %s)" % (self.r.choice("su"), e)
        if t == "f32":
            return "(i64.extend_i32_u (i32.reinterpret_f32 %s))" % self.canon(t, e)
        return "(i64.reinterpret_f64 %s)" % self.canon(t, e)

    # ---------------------------------------------------------------- expressions
    def leaf(self, t):
        c = self.r.random()
        if c < 0.55:
            return self.lget(t)
        if c < 0.65 and t in ("i32", "i64"):
            return "(global.get $g%s)" % t
        return self.const(t)

    def expr(self, t, d):
        if d <= 0 or self.chance(0.18):
            return self.leaf(t)
        return (self.iexpr if t in INT else self.fexpr)(t, d)

    def guard_div(self, t, e, d):
        # a divisor that is never 0 and never -1
        s = "$gd_" + t
        return ("(if (result %s) (%s.gt_u (%s.add (local.tee %s %s) (%s.const 1)) (%s.const 1))"
                " (then (local.get %s)) (else (%s.const 7)))" % (t, t, t, s, e, t, t, s, t))

    def iexpr(self, t, d):
        r = self.r
        o = t  # the other integer type
        other = "i64" if t == "i32" else "i32"
        c = r.random()
        if c < 0.30:
            op = r.choice(I_BIN)
            a = self.expr(t, d - 1)
            if op in ("shl", "shr_s", "shr_u", "rotl", "rotr") and self.chance(0.6):
                b = self.shift_k(t)
            elif self.chance(0.25):
                b = self.const(t)
            else:
                b = self.expr(t, d - 1)
            if self.chance(0.1):
                a, b = b, a
            return "(%s.%s %s %s)" % (t, op, a, b)
        if c < 0.38:
            # a constant shift fused into an add/sub/and/or/xor, either side
            sh = "(%s.%s %s %s)" % (t, r.choice(["shl", "shr_u", "rotl", "rotr", "shr_s"]),
                                     self.expr(t, d - 1), self.shift_k(t))
            op = r.choice(["add", "sub", "and", "or", "xor"])
            other_e = self.expr(t, d - 1) if self.chance(0.6) else self.lget(t)
            if self.chance(0.5):
                return "(%s.%s %s %s)" % (t, op, other_e, sh)
            return "(%s.%s %s %s)" % (t, op, sh, other_e)
        if c < 0.42:
            # identities: x + 0, x | 0, x * 1, x & -1, x << 0 ...
            op, k = r.choice([("add", 0), ("sub", 0), ("or", 0), ("xor", 0), ("mul", 1),
                              ("and", -1), ("shl", 0), ("shr_u", BITS[t]), ("rotl", 0),
                              ("shr_s", 0), ("rotr", BITS[t])])
            return "(%s.%s %s (%s.const %d))" % (t, op, self.expr(t, d - 1), t, k)
        if c < 0.46:
            op = r.choice(I_DIV)
            return "(%s.%s %s %s)" % (t, op, self.expr(t, d - 1),
                                      self.guard_div(t, self.expr(t, d - 1), d))
        if c < 0.52:
            ops = ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"]
            if t == "i64":
                ops.append("extend32_s")
            if t == "i32":
                ops.append("eqz")
            op = r.choice(ops)
            if op == "eqz":
                et = r.choice(INT)
                return "(%s.eqz %s)" % (et, self.expr(et, d - 1))
            return "(%s.%s %s)" % (t, op, self.expr(t, d - 1))
        if c < 0.60 and t == "i32":
            return self.cond(d)
        if c < 0.64:
            if t == "i32":
                return "(i32.wrap_i64 %s)" % self.expr("i64", d - 1)
            return "(i64.extend_i32_%s %s)" % (r.choice("su"), self.expr("i32", d - 1))
        if c < 0.68:
            ft = r.choice(FLT)
            k = r.random()
            if k < 0.6:
                return "(%s.trunc_sat_%s_%s %s)" % (t, ft, r.choice("su"), self.expr(ft, d - 1))
            if k < 0.8:
                # a trapping conversion on a value that is certainly in range
                sm = "(%s.convert_i32_s (i32.shr_s %s (i32.const 9)))" % (ft, self.expr("i32", d - 1))
                return "(%s.trunc_%s_s %s)" % (t, ft, sm)
            bt = "f32" if t == "i32" else "f64"
            return "(%s.reinterpret_%s %s)" % (t, bt, self.canon(bt, self.expr(bt, d - 1)))
        if c < 0.73:
            return self.load(t)
        if c < 0.77:
            return "(select %s %s %s)" % (self.expr(t, d - 1), self.expr(t, d - 1), self.cond(d - 1))
        if c < 0.80:
            x = self.writable(t)
            return "(local.tee %s %s)" % (x, self.expr(t, d - 1))
        if c < 0.86:
            return self.hazard(t, d)
        return self.common(t, d)

    def hazard(self, t, d):
        """x read (lazily, by the consumer) before an operand that changes x."""
        r = self.r
        x = self.writable(t)
        op = r.choice(["add", "sub", "xor", "shl", "rotl", "lt_u", "gt_s", "mul"])
        k = r.randint(0, 3)
        if k == 0:
            second = "(local.tee %s %s)" % (x, self.expr(t, d - 1))
        elif k == 1:
            second = "(block (result %s) (local.set %s %s) %s)" % (t, x, self.expr(t, d - 1),
                                                                   self.lget(t))
        elif k == 2:
            second = "(block (result %s) (local.set %s (%s.add (local.get %s) (%s.const 1))) (local.get %s))" % (
                t, x, t, x, t, x)
        else:
            second = "(if (result %s) %s (then (local.tee %s %s)) (else (local.get %s)))" % (
                t, self.cond(d - 1), x, self.expr(t, d - 1), x)
        e = "(%s.%s (local.get %s) %s)" % (t, op, x, second)
        if op in ("lt_u", "gt_s") and t == "i64":   # a relation gives an i32
            e = "(i64.extend_i32_u %s)" % e
        return e

    def fexpr(self, t, d):
        r = self.r
        c = r.random()
        if c < 0.35:
            op = r.choice(F_BIN + ["copysign"])
            a, b = self.expr(t, d - 1), self.expr(t, d - 1)
            if op == "copysign":
                b = self.canon(t, b)   # the sign of a NaN is not deterministic
            return "(%s.%s %s %s)" % (t, op, a, b)
        if c < 0.48:
            return "(%s.%s %s)" % (t, r.choice(F_UN), self.expr(t, d - 1))
        if c < 0.60:
            it = r.choice(INT)
            return "(%s.convert_%s_%s %s)" % (t, it, r.choice("su"), self.expr(it, d - 1))
        if c < 0.66:
            if t == "f32":
                return "(f32.demote_f64 %s)" % self.expr("f64", d - 1)
            return "(f64.promote_f32 %s)" % self.expr("f32", d - 1)
        if c < 0.70:
            it = "i32" if t == "f32" else "i64"
            return "(%s.reinterpret_%s %s)" % (t, it, self.expr(it, d - 1))
        if c < 0.75:
            return self.load(t)
        if c < 0.80:
            return "(select %s %s %s)" % (self.expr(t, d - 1), self.expr(t, d - 1), self.cond(d - 1))
        return self.common(t, d)

    def common(self, t, d):
        """Shapes for any type: if/else with a result, blocks (with statements inside an
        operand, br_if with a value, br_table with a value), calls, call_indirect."""
        r = self.r
        c = r.random()
        if c < 0.2:
            return "(if (result %s) %s (then %s) (else %s))" % (
                t, self.cond(d - 1), self.expr(t, d - 1), self.expr(t, d - 1))
        if c < 0.4:
            # statements inside an operand: a local read before may have changed since
            st = " ".join(self.stmt(d - 2) for _ in range(r.randint(1, 2)))
            return "(block (result %s) %s %s)" % (t, st, self.expr(t, d - 1))
        if c < 0.55:
            lb = self.label("b")
            return "(block %s (result %s) (drop (br_if %s %s %s)) %s)" % (
                lb, t, lb, self.expr(t, d - 1), self.cond(d - 1), self.expr(t, d - 1))
        if c < 0.65:
            lo, li = self.label("bo"), self.label("bi")
            return "(block %s (result %s) (block %s (result %s) (br_table %s %s %s %s %s)) %s)" % (
                lo, t, li, t, li, lo, li, self.expr(t, d - 1), self.index(d - 1), self.mixop(t, d))
        if self.feat and c < 0.75:
            e = self.feature_expr(t, d)
            if e:
                return e
        call = self.call(t, d)
        return call if call else self.leaf(t)

    def mixop(self, t, d):
        # applied to the value on the stack at the end of a block: value OP expr
        if t in INT:
            return "(%s.const %d) (%s.%s)" % (t, self.r.randint(-50, 50), t,
                                               self.r.choice(["add", "xor", "mul"]))
        return "(%s.const 1.5) (%s.mul)" % (t, t)

    def index(self, d):
        if self.chance(0.6):
            return "(i32.and %s (i32.const %d))" % (self.expr("i32", d), self.r.choice([1, 3, 7]))
        return self.expr("i32", d)

    def cond(self, d):
        """An i32 condition, mostly a relation (fused into branches) or an eqz."""
        r = self.r
        c = r.random()
        if c < 0.55:
            t = r.choice(INT)
            b = self.const(t) if self.chance(0.45) else self.expr(t, max(d - 1, 0))
            a = self.expr(t, max(d - 1, 0))
            if self.chance(0.2):
                a, b = b, a
            return "(%s.%s %s %s)" % (t, r.choice(I_REL), a, b)
        if c < 0.7:
            t = r.choice(INT)
            return "(%s.eqz %s)" % (t, self.expr(t, max(d - 1, 0)))
        if c < 0.8:
            t = r.choice(FLT)
            return "(%s.%s %s %s)" % (t, r.choice(F_REL), self.expr(t, max(d - 1, 0)),
                                      self.expr(t, max(d - 1, 0)))
        if c < 0.87:
            return "(i32.eqz (i32.eqz %s))" % self.expr("i32", max(d - 1, 0))
        return self.expr("i32", max(d - 1, 0))

    # ---------------------------------------------------------------- memory
    def addr(self):
        """(address expression, offset): base + (i << k) + c in the shapes of the fusions.
        $ab*/$ai*/$aw* only ever hold masked values (base in 1024..2047, index <= 255, wide
        index 0x80000000 + (0..255)); some constants are negative, so sums wrap at 32 bits."""
        r = self.r
        p = r.choice("01")
        b, i = "(local.get $ab%s)" % p, "(local.get $ai%s)" % p
        k = "(i32.const %d)" % r.choice([0, 1, 2, 3, 3, 4, 2])
        cst = "(i32.const %d)" % r.choice([0, 4, 8, 16, 33, 100, 512, 1024, r.randint(0, 2000)])
        sh = "(i32.shl %s %s)" % (i, k)
        off = r.choice([0, 0, 0, 1, 2, 4, 8, 64, 1000, r.randint(0, 3000)])
        ncst = "(i32.const %d)" % -r.choice([1, 4, 16, 100, 1000, 1024])
        w = "(local.get $aw%s)" % p   # bit 31 set: (w << k) wraps to the small part << k
        wsh = "(i32.shl %s (i32.const %d))" % (w, r.randint(1, 4))
        shapes = [
            "(i32.add %s %s)" % (b, ncst),
            "(i32.add (i32.add %s %s) %s)" % (b, ncst, sh),
            "(i32.add %s (i32.add %s %s))" % (sh, b, ncst),
            "(i32.add %s %s)" % (b, wsh),
            "(i32.add %s %s)" % (wsh, b),
            "(i32.add %s %s)" % (wsh, cst),
            "(i32.add (i32.add %s %s) %s)" % (b, ncst, wsh),
            "(i32.add (i32.add %s %s) %s)" % (wsh, ncst, cst),
            "(i32.sub %s %s)" % (b, cst),
            "(i32.add %s %s)" % (b, sh),
            "(i32.add %s %s)" % (sh, b),
            "(i32.add (i32.add %s %s) %s)" % (b, cst, sh),
            "(i32.add %s (i32.add %s %s))" % (sh, b, cst),
            "(i32.add %s %s)" % (sh, cst),
            "(i32.add (i32.add %s %s) %s)" % (sh, cst, cst.replace("const ", "const 1")),
            "(i32.add (i32.add %s %s) %s)" % (b, sh, cst),
            "(i32.add %s %s)" % (b, cst),
            "(i32.add %s %s)" % (b, i),
            "(i32.add %s %s)" % (i, b),
            cst, b, sh,
            "(i32.add (i32.add %s %s) (i32.add %s %s))" % (b, cst, i, cst),
            "(i32.and %s (i32.const 4095))" % self.expr("i32", 2),
        ]
        return r.choice(shapes), off

    def memarg(self, width):
        off = None
        a, off = self.addr()
        align = ""
        if self.chance(0.3):
            align = " align=%d" % self.r.choice([x for x in (1, 2, 4, 8) if x <= width])
        return (" offset=%d%s" % (off, align) if off or align else ""), a

    def mem(self):
        """The memory operand of a load or store: the second memory in some (feature mm)."""
        return " $m1" if "mm" in self.feat and self.chance(0.3) else ""

    def load(self, t):
        op, w = self.r.choice(LOADS[t])
        m = self.mem()
        ma, a = self.memarg(w)
        return "(%s%s%s %s)" % (op, m, ma, a)

    def store(self, d):
        t = self.r.choice(TYPES)
        op = self.r.choice(STORES[t])
        width = {"8": 1, "16": 2, "32": 4}.get(op.split("store")[1], 4 if t[1:] == "32" else 8)
        m = self.mem()
        ma, a = self.memarg(width)
        v = self.r.choice([self.lget(t), self.const(t), self.expr(t, d)])
        if t in FLT:
            v = self.canon(t, v)
        return "(%s%s%s %s %s)" % (op, m, ma, a, v)

    def set_addr_locals(self, d):
        r = self.r
        p = r.choice("01")
        if self.chance(0.45):
            return "(local.set $ab%s (i32.or (i32.and %s (i32.const 1023)) (i32.const 1024)))" % (
                p, self.expr("i32", d))
        if self.chance(0.15):
            return "(local.set $aw%s (i32.or (i32.and %s (i32.const 255)) (i32.const 0x80000000)))" % (
                p, self.expr("i32", d))
        c = r.random()
        if c < 0.4:
            return ("(local.set $ai%s (i32.and (i32.add (local.get $ai%s) (i32.const %d)) "
                    "(i32.const 255)))" % (p, p, r.randint(1, 9)))
        return "(local.set $ai%s (i32.and %s (i32.const 255)))" % (p, self.expr("i32", d))

    # ---------------------------------------------------------------- calls
    def call(self, t, d, tail=False):
        """A call of a function whose result is t (None: no result), or None when there is
        none to call; tail: return_call / return_call_indirect."""
        r = self.r
        rc = "return_" if tail else ""
        f = self.fn
        ok = lambda g: g.loopless or (self.loop_depth == 0 and not f.loopless)
        callees = [g for g in self.funcs if g.idx > f.idx and g.result == t and ok(g)]
        if self.rec.result == t and f.idx < self.rec.idx:
            callees.append(self.rec)
        if not callees or self.calls_left <= 0:
            return None
        self.calls_left -= 1
        g = r.choice(callees)
        args = " ".join(self.expr(p, d - 2) for p in g.params)
        if g is self.rec:
            return "(%scall %s (i32.and %s (i32.const 7)) %s)" % (
                rc, g.name, self.expr("i32", 1), " ".join(self.expr(p, d - 2) for p in g.params[1:]))
        same = [h for h in self.funcs if h.sig == g.sig and h.idx > f.idx and ok(h)]
        if self.chance(0.35) and same:
            # call_indirect through the table, to one of the functions of that type
            ia, ib = r.choice(same).idx, r.choice(same).idx
            idx = "(select (i32.const %d) (i32.const %d) %s)" % (ia, ib, self.cond(1))
            return "(%scall_indirect (type $t%d) %s %s)" % (rc, self.sigs.index(g.sig), args, idx)
        return "(%scall %s %s)" % (rc, g.name, args)

    # ---------------------------------------------------------------- statements
    def mix(self, t, e):
        op = self.r.choice(["add", "xor"])
        return ("(local.set $acc (i64.%s (i64.rotl (local.get $acc) (i64.const %d)) %s))"
                % (op, self.r.choice([1, 5, 7, 13]), self.to_i64(t, e)))

    def mix_local(self):
        t = self.r.choice(TYPES)
        return self.mix(t, self.lget(t))

    def small(self, t):
        """A short expression of locals and constants in a shape some fusion takes (an add of a
        constant, a shift by one, a scaled index, a relation, a load through an address add):
        in sequences of these, one instruction sits right after another it may be fused with."""
        r = self.r
        L = lambda: self.lget(t)
        if t in FLT:
            return r.choice([L(), "(%s.add %s %s)" % (t, L(), L()), self.load(t)])
        c = r.random()
        if c < 0.15:
            return "(%s.add %s %s)" % (t, L(), self.iconst(t))
        if c < 0.2:
            return "(%s.%s (%s.add %s %s) %s)" % (t, r.choice(["add", "sub"]), t, r.choice(
                [L(), "(%s.shl %s %s)" % (t, L(), self.shift_k(t))]), self.iconst(t), self.iconst(t))
        if c < 0.3:
            return "(%s.%s %s %s)" % (t, r.choice(["shl", "shr_u", "rotl", "rotr"]), L(), self.shift_k(t))
        if c < 0.45:
            return "(%s.%s %s (%s.shl %s %s))" % (t, r.choice(["add", "sub", "or", "xor", "and"]),
                                                   L(), t, L(), self.shift_k(t))
        if c < 0.55:
            return "(%s.add (%s.shl %s %s) %s)" % (t, t, L(), self.shift_k(t), self.iconst(t))
        if c < 0.65:
            return "(%s.add (%s.add %s %s) (%s.shl %s %s))" % (t, t, L(), self.iconst(t), t, L(),
                                                                self.shift_k(t))
        if c < 0.75:
            e = "(%s.%s %s %s)" % (t, r.choice(I_REL), L(), r.choice([L(), self.iconst(t)]))
            return e if t == "i32" else "(i64.extend_i32_u %s)" % e
        if c < 0.85:
            return self.load(t)
        return "(%s.%s %s %s)" % (t, r.choice(I_BIN), L(), r.choice([L(), self.iconst(t)]))

    def drop(self, t, e):
        if "drop_add" in AVOID and t in INT:   # a known bug, kept out while hunting others
            e = "(%s.eqz %s)" % (t, e)
        return "(drop %s)" % e

    def small_stmt(self):
        r = self.r
        t = r.choice(INT) if self.chance(0.85) else r.choice(FLT)
        c = r.random()
        if c < 0.3:
            return self.drop(t, self.small(t))
        if c < 0.55:
            return "(local.set %s %s)" % (self.writable(t), self.small(t))
        if c < 0.7:
            return self.mix(t, self.small(t))
        if c < 0.8:
            lb = self.label("s")
            return "(block %s (br_if %s %s) %s)" % (lb, lb, self.cond(1), self.small_stmt())
        if c < 0.9:
            return self.drop(t, "(%s.add %s %s)" % (t, self.small(t), self.small(t)))
        return self.mix(t, "(%s.add %s %s)" % (t, self.small(t), self.small(t)))

    def stmt(self, d):
        r = self.r
        f = self.fn
        if self.feat and self.chance(0.1):
            st = self.feature_stmt(d)
            if st:
                return st
        if self.chance(0.3):
            return self.small_stmt()
        c = r.random()
        if d <= 0:
            c = r.random() * 0.45
        if c < 0.12:
            t = r.choice(TYPES)
            return "(local.set %s %s)" % (self.writable(t), self.expr(t, max(d, 1)))
        if c < 0.18:
            # x = x OP c, x = c OP x
            t = r.choice(INT)
            x = self.writable(t)
            op = r.choice(["add", "sub", "xor", "and", "or", "mul", "shl", "rotl", "shr_u"])
            k = self.shift_k(t) if op in ("shl", "rotl", "shr_u") else self.const(t)
            if self.chance(0.2) and op in ("add", "xor", "or", "and", "mul"):
                return "(local.set %s (%s.%s %s (local.get %s)))" % (x, t, op, k, x)
            return "(local.set %s (%s.%s (local.get %s) %s))" % (x, t, op, x, k)
        if c < 0.22:
            # zero (and other constant) stores to locals
            t = r.choice(TYPES)
            return "(local.set %s (%s.const 0))" % (self.writable(t), t)
        if c < 0.27:
            # tee chains
            t = r.choice(TYPES)
            xs = [self.writable(t) for _ in range(r.randint(2, 3))]
            e = self.expr(t, d)
            for x in xs[1:]:
                e = "(local.tee %s %s)" % (x, e)
            return "(local.set %s %s)" % (xs[0], e)
        if c < 0.31:
            # swap through a temporary, or a chain of copies
            t = r.choice(TYPES)
            a, b, tmp = self.writable(t), self.writable(t), self.writable(t)
            return "(local.set %s (local.get %s)) (local.set %s (local.get %s)) (local.set %s (local.get %s))" % (
                tmp, a, a, b, b, tmp)
        if c < 0.45:
            t = r.choice(TYPES)
            return self.mix(t, self.expr(t, max(d, 1)))
        if c < 0.55:
            return self.store(d)
        if c < 0.62:
            return self.set_addr_locals(d)
        if c < 0.66:
            t = r.choice(["i32", "i64", "f64"])
            g = "$g" + t
            return "(global.set %s %s)" % (g, self.expr(t, d))
        if c < 0.74:
            if self.chance(0.6):
                return "(if %s (then %s) (else %s))" % (
                    self.cond(d), self.stmts(d - 1, 1, 3), self.stmts(d - 1, 0, 2))
            return "(if %s (then %s))" % (self.cond(d), self.stmts(d - 1, 1, 3))
        if c < 0.82 and not f.loopless and self.loop_depth < 2:
            return self.loop(d)
        if c < 0.87:
            return self.br_table(d)
        if c < 0.91:
            # a block left early by br_if
            lb = self.label("e")
            return "(block %s %s (br_if %s %s) %s)" % (
                lb, self.stmts(d - 1, 1, 2), lb, self.cond(d), self.stmts(d - 1, 1, 2))
        if c < 0.92 and f.result is not None and self.outer:
            return "(drop (br_if $fx %s %s))" % (self.expr(f.result, d), self.cond(d - 1))
        if c < 0.94 and f.result is not None:
            # an early single-value return
            e = self.expr(f.result, d)
            if f.idx == 0:   # run: keep what the checksum has so far
                e = "(i64.xor (local.get $acc) %s)" % e
            return "(if %s (then (return %s)))" % (self.cond(d - 1), e)
        if c < 0.98:
            t = r.choice(TYPES)
            call = self.call(t, d)
            if call:
                return self.mix(t, call)
        t = r.choice(TYPES)
        return self.drop(t, self.expr(t, d))

    def stmts(self, d, lo, hi):
        return " ".join(self.stmt(d) for _ in range(self.r.randint(lo, hi)))

    def br_table(self, d):
        r = self.r
        n = r.randint(2, 4)
        labels = [self.label("c") for _ in range(n + 1)]   # labels[n] is the exit
        targets = [r.choice(labels) for _ in range(r.randint(1, 6))]
        default = r.choice(labels)
        s = "(br_table %s %s %s)" % (" ".join(targets), default, self.index(d))
        for i in range(n):
            s = "(block %s %s) %s %s" % (labels[i], s, self.mix("i32", "(i32.const %d)" % (100 + i)),
                                         self.stmts(d - 1, 0, 1))
            if self.chance(0.4):
                s += " (br %s)" % labels[n]
        return "(block %s %s)" % (labels[n], s)

    def loop(self, d):
        r = self.r
        f = self.fn
        self.loop_depth += 1
        lvl = self.loop_depth - 1
        L, B = self.label("L"), self.label("B")
        use64 = self.chance(0.3)
        t = "i64" if use64 else "i32"
        cnt = "$%s%d" % ("d" if use64 else "c", lvl)
        n = r.randint(1, 6 if lvl == 0 else 3)
        body = self.stmts(d - 1, 1, 4)
        form = r.randint(0, 6)
        if form == 0:    # count up to a constant
            s = ("(local.set {c} ({t}.const 0)) (loop {L} {body} (local.set {c} ({t}.add (local.get {c}) ({t}.const 1))) "
                 "(br_if {L} ({t}.{rel} (local.get {c}) ({t}.const {n}))))").format(
                c=cnt, t=t, L=L, body=body, n=n, rel=r.choice(["lt_s", "lt_u", "ne"]))
        elif form == 1:  # count up to a bound held in a local
            bn = "$bn%d_%s" % (lvl, t)
            s = ("(local.set {bn} ({t}.and {e} ({t}.const 3))) (local.set {c} ({t}.const 0)) "
                 "(block {B} (loop {L} (br_if {B} ({t}.{rel} (local.get {c}) (local.get {bn}))) {body} "
                 "(local.set {c} ({t}.add (local.get {c}) ({t}.const 1))) (br {L})))").format(
                bn=bn, e=self.expr(t, 2), c=cnt, t=t, L=L, B=B, body=body,
                rel=r.choice(["ge_s", "ge_u", "eq"]))
        elif form == 2:  # count down to zero, eqz forms
            test = r.choice(["(br_if {L} (i32.eqz ({t}.eqz (local.get {c}))))",
                             "(br_if {L} ({t}.ne (local.get {c}) ({t}.const 0)))",
                             "(br_if {L} ({t}.gt_s (local.get {c}) ({t}.const 0)))",
                             "(if ({t}.eqz (local.get {c})) (then) (else (br {L})))"])
            if t == "i32":
                test = test.replace("(br_if {L} ({t}.ne (local.get {c}) ({t}.const 0)))",
                                    "(br_if {L} (local.get {c}))")
            s = ("(local.set {c} ({t}.const {n})) (loop {L} {body} (local.set {c} ({t}.sub (local.get {c}) ({t}.const 1))) "
                 + test + ")").format(c=cnt, t=t, L=L, body=body, n=n)
        elif form == 3:  # a while loop with the test at the top, against a constant
            s = ("(local.set {c} ({t}.const {m})) (block {B} (loop {L} (br_if {B} ({t}.{rel} (local.get {c}) ({t}.const {n}))) "
                 "{body} (local.set {c} ({t}.add (local.get {c}) ({t}.const 1))) (br {L})))").format(
                c=cnt, t=t, L=L, B=B, body=body, m=-2, n=n,
                rel=r.choice(["ge_s", "gt_s", "eq"]))
        elif form == 4:  # step by more than one, unsigned compare against the constant
            s = ("(local.set {c} ({t}.const 0)) (loop {L} {body} (local.set {c} ({t}.add (local.get {c}) ({t}.const 3))) "
                 "(br_if {L} ({t}.{rel} ({t}.const {n3}) (local.get {c}))))").format(
                c=cnt, t=t, L=L, body=body, n3=3 * n, rel=r.choice(["gt_u", "gt_s", "ne"]))
        elif form == 5:  # the loop's exit test uses eqz of a compare: until (c >= n)
            s = ("(local.set {c} ({t}.const 0)) (loop {L} {body} (local.set {c} ({t}.add (local.get {c}) ({t}.const 1))) "
                 "(br_if {L} (i32.eqz ({t}.ge_s (local.get {c}) ({t}.const {n})))))").format(
                c=cnt, t=t, L=L, body=body, n=n)
        else:            # a loop with a result, exit through br_if with value
            s = ("(local.set {c} ({t}.const 0)) (local.set $acc (i64.xor (local.get $acc) {ext} "
                 "(block {B} (result i64) (loop {L} (result i64) {body} "
                 "(local.set {c} ({t}.add (local.get {c}) ({t}.const 1))) "
                 "(drop (br_if {B} (i64.mul (local.get $acc) (i64.const 3)) ({t}.ge_u (local.get {c}) ({t}.const {n})))) "
                 "(br {L})))))").format(c=cnt, t=t, L=L, B=B, body=body, n=n, ext="")
        self.loop_depth -= 1
        return s

    # ---------------------------------------------------------------- 3.0 features
    def feature_stmt(self, d):
        """A statement of one of the seed's features, or None."""
        r = self.r
        f = self.fn
        k = r.choice(sorted(self.feat))
        if k == "tail":
            # an early tail call: the callee's result is the function's (run keeps none)
            if f.idx == 0 and self.chance(0.7):
                return None
            call = self.call(f.result, d, tail=True)
            return "(if %s (then %s))" % (self.cond(d - 1), call) if call else None
        if k == "eh":
            c = r.random()
            if c < 0.35:
                return self.throw(d)
            if c < 0.8:
                return self.try_stmt(d)
            return self.try_delegate(d)
        c = r.random()
        if c < 0.3:   # mm: between the memories, or within the second
            ms = [r.choice(("$m0", "$m1")), r.choice(("$m0", "$m1"))]
            if "$m1" not in ms:
                ms[0] = "$m1"
            return "(memory.copy %s %s %s %s %s)" % (ms[0], ms[1], self.maddr(d), self.maddr(d),
                                                     self.mlen(d))
        if c < 0.5:
            return "(memory.fill $m1 %s %s %s)" % (self.maddr(d), self.expr("i32", d - 1),
                                                  self.mlen(d))
        if c < 0.6:
            return self.mix("i32", "(memory.grow $m1 (i32.const %d))" % r.choice([0, 1, 1, 2]))
        if c < 0.7:
            return self.mix("i32", "(memory.size $m1)")
        return self.store(d)

    def maddr(self, d):
        return "(i32.and %s (i32.const %d))" % (self.expr("i32", d - 1), self.r.choice([4095, 8191]))

    def mlen(self, d):
        return "(i32.and %s (i32.const 255))" % self.expr("i32", d - 1)

    def feature_expr(self, t, d):
        """An expression of one of the seed's features, or None."""
        k = self.r.choice(sorted(self.feat))
        if k == "eh":
            return self.try_expr(t, d)
        if k == "mm" and t == "i32" and self.chance(0.3):
            return "(memory.size $m1)"
        if k == "mm":
            return self.load(t)
        return None

    def throw(self, d):
        tag, ps = self.r.choice(TAGS)
        return "(if %s (then (throw %s %s)))" % (self.cond(d - 1), tag,
                                                 " ".join(self.expr(p, d - 1) for p in ps))

    def handler(self, ps, d):
        """A catch clause's body: take the payload (types ps, on the stack) into locals and
        the checksum, maybe rethrow (label 1: the catch, seen from inside an if)."""
        xs = [self.writable(p) for p in ps]
        out = ["(local.set %s)" % x for x in reversed(xs)]
        out += [self.mix(p, "(local.get %s)" % x) for p, x in zip(ps, xs)]
        out.append(self.mix("i32", "(i32.const %d)" % self.r.randint(1, 999)))
        if self.chance(0.2):
            out.append("(if %s (then (rethrow 1)))" % self.cond(d - 1))
        out.append(self.stmts(d - 1, 0, 1))
        return " ".join(out)

    def clauses(self, d, result=None):
        """catch clauses for some of the tags, then maybe catch_all; with a result type, each
        ends with a value of it."""
        r = self.r
        out = []
        for tag, ps in r.sample(TAGS, r.randint(0, len(TAGS))):
            v = " " + self.expr(result, d - 1) if result else ""
            out.append("(catch %s %s%s)" % (tag, self.handler(ps, d), v))
        if not out or self.chance(0.5):
            v = " " + self.expr(result, d - 1) if result else ""
            out.append("(catch_all %s%s)" % (self.handler((), d), v))
        return " ".join(out)

    def try_stmt(self, d):
        return "(try (do %s) %s)" % (self.stmts(d - 1, 1, 3), self.clauses(d))

    def try_expr(self, t, d):
        return "(try (result %s) (do %s %s) %s)" % (t, self.stmts(d - 2, 0, 2), self.expr(t, d - 1),
                                                   self.clauses(d, t))

    def try_delegate(self, d):
        """delegate to the enclosing try (label 0), or through a block to it (0: the block,
        which passes it on; 1: the try)."""
        inner = "(try (do %s) (delegate %%d))" % self.stmts(d - 1, 1, 2)
        if self.chance(0.5):
            body = inner % 0
        else:
            body = "(block %s %s)" % (inner % self.r.randint(0, 1), self.stmts(d - 1, 0, 1))
        return "(try (do %s %s) %s)" % (self.stmts(d - 2, 0, 1), body, self.clauses(d))

    def tail_funcs(self):
        """Two functions in mutual tail recursion as deep as run asks (a million frames would
        not fit a stack): $tl (n, acc) and $tm (acc, n, x), through return_call and
        return_call_indirect; in eh seeds one depth throws."""
        r = self.r
        tl, tm = self.sigs.index((("i32", "i64"), "i64")), self.sigs.index((("i64", "i32", "f64"), "i64"))
        k = r.choice([1, 3, 7])
        thr = ""
        if "eh" in self.feat:
            thr = "(if (i32.eq (local.get $n) (i32.const %d)) (then (throw $e0 (local.get $n)))) " % r.randint(0, 5000)
        a = ("(func $tl (type $t{tl}) (param $n i32) (param $a i64) (result i64)\n"
             "    (if (i32.eqz (local.get $n)) (then (return (local.get $a)))) {thr}\n"
             "    (if (i32.and (local.get $n) (i32.const {k})) (then (return_call $tm "
             "(i64.add (i64.rotl (local.get $a) (i64.const 5)) (i64.extend_i32_u (local.get $n))) "
             "(i32.sub (local.get $n) (i32.const 1)) (f64.convert_i32_u (local.get $n)))))\n"
             "    (return_call_indirect (type $t{tl}) (i32.sub (local.get $n) (i32.const 1)) "
             "(i64.mul (local.get $a) (i64.const {m})) (i32.const {itl})))").format(
            tl=tl, thr=thr, k=k, m=r.choice([3, 31, -7]), itl=self.tl_index)
        b = ("(func $tm (type $t{tm}) (param $a i64) (param $n i32) (param $x f64) (result i64)\n"
             "    (return_call $tl (local.get $n) (i64.xor (local.get $a) "
             "(i64.trunc_sat_f64_s (f64.mul (local.get $x) (f64.const 1.5))))))").format(tm=tm)
        return [a, b]

    def tail_loop(self):
        """run's statement that enters the deep tail recursion."""
        n = self.r.choice([10, 1000, 50000, 200000])
        return self.mix("i64", "(call $tl (i32.const %d) (local.get $acc))" % n)

    # ---------------------------------------------------------------- functions
    def func_text(self, f, body_stmts, depth):
        self.fn = f
        self.loop_depth = 0
        self.calls_left = 6 if f.idx == 0 else 3   # bounds the run time of the call graph
        params = " ".join("(param $p%d %s)" % (i, t) for i, t in enumerate(f.params))
        res = "(result %s)" % f.result if f.result else ""
        decl = []
        f.all_locals = [("$p%d" % i, t) for i, t in enumerate(f.params)]
        for t in TYPES:
            for j in range(self.r.randint(2, 3)):
                n = "$%s_%d" % (t, j)
                decl.append((n, t))
                f.free[t].append(n)
        for i, t in enumerate(f.params):
            if not (f is self.rec and i == 0):   # the recursion's depth stays as passed
                f.free[t].append("$p%d" % i)
        f.all_locals += decl
        # reserved locals: scratch, address, loop counters, bounds, checksum
        reserved = [("$acc", "i64"), ("$cf_f32", "f32"), ("$cf_f64", "f64"), ("$gd_i32", "i32"),
                    ("$gd_i64", "i64"), ("$ab0", "i32"), ("$ai0", "i32"), ("$ab1", "i32"),
                    ("$ai1", "i32"), ("$aw0", "i32"), ("$aw1", "i32"), ("$c0", "i32"), ("$c1", "i32"), ("$d0", "i64"), ("$d1", "i64"),
                    ("$bn0_i32", "i32"), ("$bn1_i32", "i32"), ("$bn0_i64", "i64"), ("$bn1_i64", "i64")]
        # loop counters and address locals may be read (never written) by random code
        f.all_locals += [x for x in reserved if x[0][1] in "cdab"]
        locs = " ".join("(local %s %s)" % (n, t) for n, t in decl + reserved)
        out = ["(local.set $ab0 (i32.const 1024)) (local.set $ab1 (i32.const %d)) "
               "(local.set $aw0 (i32.const 0x80000000)) (local.set $aw1 (i32.const 0x80000007))"
               % self.r.randint(1024, 2047)]
        if f is self.rec:
            # recursion with a depth bound: p0 is the depth
            t = f.result
            out.append("(if (i32.le_s (local.get $p0) (i32.const 0)) (then (return %s)))"
                       % self.expr(t, 2))
            out.append(self.stmts(2, 1, 3))
            arg = lambda: " ".join(self.expr(p, 1) for p in f.params[1:])
            sub = "(call %s (i32.sub (local.get $p0) (i32.const %%d)) %%s)" % f.name
            e = self.expr(t, 2)
            if t in INT:
                e = "(%s.add (%s.%s %s %s) %s)" % (t, t, self.r.choice(["xor", "add", "mul"]),
                                                    sub % (1, arg()), sub % (2, arg()), e)
            else:
                e = "(%s.add %s %s)" % (t, sub % (1, arg()), e)
            out.append("(return %s)" % e)
        elif f.result and f.idx and self.chance(0.4):
            # the body in a block that ends where the function ends, left early by br_if
            self.outer = True
            st = self.stmts(depth, body_stmts, body_stmts + 3)
            fin = self.expr(f.result, depth)
            self.outer = False
            out.append("(block $fx (result %s) %s %s)" % (f.result, st, fin))
        else:
            st = self.stmts(depth, body_stmts, body_stmts + 3)
            if f.idx == 0 and "tail" in self.feat:
                st += " " + self.tail_loop()
            if f.idx == 0 and "eh" in self.feat:
                # whatever run's statements throw is caught (a trap is not: the tail's)
                st = "(try (do %s) (catch_all %s))" % (st, self.mix("i32", "(i32.const 77)"))
            out.append(st)
            tail = self.call(f.result, depth, tail=True) if "tail" in self.feat and f.idx and \
                self.chance(0.35) else None
            if f.result:
                out.append("(global.set $gi64 (i64.add (global.get $gi64) (local.get $acc)))")
                fin = self.expr(f.result, depth)
                out.append(tail or ("(return %s)" % fin if self.chance(0.5) else fin))
            else:
                out.append("(global.set $gi64 (i64.xor (global.get $gi64) (local.get $acc)))")
                if tail:
                    out.append(tail)
        return "(func %s (type $t%d) %s %s %s\n  %s)" % (
            f.name, self.sigs.index(f.sig), params, res, locs, "\n  ".join(out))

    def module(self):
        r = self.r
        nf = r.randint(2, 5)
        self.funcs = []
        for i in range(1, nf + 1):
            params = [r.choice(TYPES) for _ in range(r.randint(0, 4))]
            result = r.choice(TYPES + (None,))
            self.funcs.append(Func(i, params, result, loopless=self.chance(0.5)))
        # the recursive function comes last, so that every other may call it
        self.rec = Func(nf + 1, ["i32"] + [r.choice(TYPES) for _ in range(r.randint(0, 2))],
                        r.choice(TYPES), loopless=True)
        run = Func(0, [], "i64", loopless=False)
        allf = [run] + self.funcs + [self.rec]
        self.sigs = []
        for f in allf:
            if f.sig not in self.sigs:
                self.sigs.append(f.sig)
        elems = [f.name for f in allf]
        if "tail" in self.feat:
            for sig in ((("i32", "i64"), "i64"), (("i64", "i32", "f64"), "i64")):
                if sig not in self.sigs:
                    self.sigs.append(sig)
            self.tl_index = len(elems)
            elems += ["$tl", "$tm"]
        out = ["(module"]
        for i, (ps, res) in enumerate(self.sigs):
            out.append("  (type $t%d (func %s %s))" % (
                i, " ".join("(param %s)" % p for p in ps), "(result %s)" % res if res else ""))
        out.append("  (memory $m0 %d)" % MEM_PAGES)
        if "mm" in self.feat:
            out.append("  (memory $m1 %d %d)" % (MEM_PAGES, r.choice([1, 2, 4])))
        if "eh" in self.feat:
            out += ["  (tag %s%s)" % (t, "".join(" (param %s)" % p for p in ps)) for t, ps in TAGS]
        out.append("  (global $gi32 (mut i32) %s)" % self.iconst("i32"))
        out.append("  (global $gi64 (mut i64) %s)" % self.iconst("i64"))
        out.append("  (global $gf64 (mut f64) %s)" % self.fconst("f64"))
        out.append("  (table %d funcref)" % len(elems))
        out.append("  (elem (i32.const 0) %s)" % " ".join(elems))
        for m in ["$m0"] + (["$m1"] if "mm" in self.feat else []):
            data = bytes(r.getrandbits(8) for _ in range(64))
            out.append('  (data (memory %s) (i32.const %d) "%s")' % (
                m, r.randint(0, 4000), "".join("\\%02x" % b for b in data)))
        for f in self.funcs + [self.rec]:
            out.append("  " + self.func_text(f, 2, 3))
        if "tail" in self.feat:
            out += ["  " + t for t in self.tail_funcs()]
        # run: the statements, then a possible trap, then globals and memory into the checksum
        body = self.func_text(run, 10, 4)
        tail = []
        if self.chance(1 / 16):
            a = r.choice(["(i32.const %d)" % (MEM_PAGES * 65536 - r.randint(0, 9)),
                          "(i32.add (local.get $ab0) (i32.const -16))",
                          "(i32.const -1)"])
            off = r.choice([0, 0, 4, 0xfffffff0])
            load = "(i64.load%s offset=%d %s)" % (self.mem(), off, a)
            if "eh" in self.feat and self.chance(0.5):   # a trap is never caught
                load = "(try (result i64) (do %s) (catch_all (i64.const 5)))" % load
            tail.append("(local.set $acc (i64.add (local.get $acc) %s))" % load)
        tail.append("(local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (global.get $gi32))))")
        tail.append("(local.set $acc (i64.xor (local.get $acc) (global.get $gi64)))")
        tail.append("(local.set $acc (i64.add (local.get $acc) %s))" % self.to_i64("f64", "(global.get $gf64)"))
        tail.append("(local.set $c0 (i32.const 0)) (loop $dump "
                    "(local.set $acc (i64.add (i64.rotl (local.get $acc) (i64.const 3)) "
                    "(i64.load (local.get $c0)))) (local.set $c0 (i32.add (local.get $c0) (i32.const 8))) "
                    "(br_if $dump (i32.lt_u (local.get $c0) (i32.const %d))))" % DUMP_BYTES)
        if "mm" in self.feat:
            tail.append("(local.set $c0 (i32.const 0)) (loop $dump1 "
                        "(local.set $acc (i64.add (i64.rotl (local.get $acc) (i64.const 7)) "
                        "(i64.load $m1 (local.get $c0)))) (local.set $c0 (i32.add (local.get $c0) (i32.const 8))) "
                        "(br_if $dump1 (i32.lt_u (local.get $c0) (i32.const %d))))" % DUMP_BYTES)
            tail.append(self.mix("i32", "(memory.size $m1)"))
        tail.append("(local.get $acc)")
        # replace the generated final expression of run by the tail
        head, _, _ = body.rpartition("\n  ")
        out.append("  " + head + "\n  " + "\n  ".join(tail) + ")")
        out.append('  (export "run" (func $f0)))')
        return "\n".join(out)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    sys.stdout.write(Gen(seed).module() + "\n")


if __name__ == "__main__":
    main()
