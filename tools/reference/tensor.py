#!/usr/bin/env python3
"""Reference vectors for @mtl/tensor, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/tensor.py

Writes one JSON file per op family to packages/tensor/test/fixtures/ (elementwise, comparison,
reduction, shape, indexing, matmul, linalg, creation). Every case is a call in @mtl/tensor's
convention (our op names, our positional order, our trailing options object) together with the
forward result PyTorch gives:

    { "name": "add/broadcast[2,3]+[3]/float64", "op": "add",
      "args": [T, T], "options": {...}?, "out": T | [T, ...] }

T = { "dtype": "float32" | "float64" | "int32" | "bool", "shape": [...], "data": [flat, row-major] }.
Non-finite floats are the strings "nan", "inf", "-inf" (also when they appear as plain number
arguments, e.g. `norm(x, "inf")` or `maskedFill(x, mask, "-inf")`). `null` in args stands for an
omitted optional positional argument (the test turns it into `undefined`).

Conventions mapped from torch:
- torch int64 results (sum/prod of ints, argmax, oneHot, ...) become our int32.
- float32 inputs are drawn in float64 and rounded to float32, so they are exact; float32 outputs
  are written with the full repr of the float32 value. Elementwise, shape, indexing and
  comparison outputs are torch's float32 results. Ops that accumulate (reductions, softmax,
  matmul/dot/outer, linalg) use torch's float64 result on the same (exact) inputs, rounded to
  float32: torch's float32 BLAS/vectorised sums are a few ulps off (~3e-6 on a 64-term dot), and
  the correctly rounded value is the fair target for any implementation.
- Quirks deliberately left out: torch.sign(nan) == 0 (numpy says nan), and type promotion with a
  0-d tensor of a wider dtype (torch treats 0-d tensors like Python scalars for promotion).
"""

import json
import math
import os
import sys

import torch

from fixtures import BOOL, DTYPE_NAME, F32, F64, FLOATS, I32, I64, INF, NAN, T, close, dn, enc, enc_float, rb, rn, ru, sh, tt

torch.manual_seed(20240601)
torch.set_default_dtype(torch.float32)


OUT_DIR = os.path.join('packages', 'tensor', 'test', 'fixtures')



# ---------------------------------------------------------------------------------------------
# encoding


def ref_op(op, args, options):
    """torch's result for one of our accumulating ops, called in our convention (reductions,
    softmax family, matmul/dot/outer). Used to recompute float32 references in float64."""
    o = options or {}
    keep = bool(o.get('keepDim', False))
    x = args[0]

    def dims_of(dim):
        if dim is None:
            return list(range(x.dim()))
        return [dim] if isinstance(dim, int) else list(dim)

    if op in ('sum', 'mean', 'prod', 'amax', 'amin', 'max', 'min', 'logsumexp'):
        dims = dims_of(args[1] if len(args) > 1 else None)
        if x.dim() == 0 and not dims:
            r = {'sum': torch.sum, 'mean': torch.mean, 'prod': torch.prod}.get(op, lambda t: t.clone())(x)
            return r
        if op == 'sum':
            return torch.sum(x, dims, keep)
        if op == 'mean':
            return torch.mean(x, dims, keep)
        if op == 'prod':
            nd = sorted({dd % x.dim() for dd in dims}, reverse=True)
            r = x
            for dd in nd:
                r = torch.prod(r, dd, keepdim=True)
            if not keep:
                r = r.reshape([s for i, s in enumerate(x.shape) if i not in nd])
            return r
        if op in ('amax', 'max'):
            return torch.amax(x, dims, keep)
        if op in ('amin', 'min'):
            return torch.amin(x, dims, keep)
        return torch.logsumexp(x, dims, keep)
    if op in ('argmax', 'argmin'):
        dim = args[1] if len(args) > 1 else None
        return (torch.argmax if op == 'argmax' else torch.argmin)(x, dim, keep)
    if op in ('variance', 'std'):
        dims = dims_of(args[1] if len(args) > 1 else None)
        fn = torch.var if op == 'variance' else torch.std
        return fn(x, dims, unbiased=o.get('unbiased', True), keepdim=keep)
    if op == 'norm':
        p = args[1] if len(args) > 1 and args[1] is not None else 2
        dim = args[2] if len(args) > 2 else None
        return torch.linalg.vector_norm(x, p, dim, keep)
    if op == 'softmax':
        return torch.softmax(x, args[1])
    if op == 'logSoftmax':
        return torch.log_softmax(x, args[1])
    if op in ('matmul', 'dot', 'outer'):
        rt = torch.result_type(args[0], args[1])
        args = [args[0].to(rt), args[1].to(rt)]
    if op == 'matmul':
        return torch.matmul(args[0], args[1])
    if op == 'dot':
        return torch.dot(args[0], args[1])
    if op == 'outer':
        return torch.outer(args[0], args[1])
    raise ValueError(f'ref_op: unknown op {op}')


def tensors_in(args):
    for a in args:
        if isinstance(a, torch.Tensor):
            yield a
        elif isinstance(a, (list, tuple)):
            yield from tensors_in(a)


class Family:
    """One fixture file. With `acc64`, every case's result is re-derived from its own arguments by
    `ref_op` (a check that the arguments and the result agree), and the result of a float32 case
    is replaced by the float64 result rounded to float32: torch's float32 accumulation (BLAS,
    vectorised sums) is a few ulps off, and a correctly rounded reference is the fair target."""

    def __init__(self, name, acc64=False):
        self.name = name
        self.cases = []
        self.names = set()
        self.acc64 = acc64

    def add(self, name, op, args, out, options=None):
        if name in self.names:
            raise ValueError(f'duplicate case name {name} in {self.name}')
        self.names.add(name)
        if self.acc64:
            check = ref_op(op, list(args), options)
            tol = 1e-5 if out.dtype == F32 else 1e-12
            if not close(check, out, tol, tol):
                raise AssertionError(f'{self.name}: {name}: args and result disagree\n{check}\n{out}')
            dts = {t.dtype for t in tensors_in(args)}
            if F32 in dts and F64 not in dts and out.dtype == F32:
                up = [a.to(F64) if isinstance(a, torch.Tensor) and a.dtype == F32 else a for a in args]
                out = ref_op(op, up, options).to(F32)
        case = {'name': name, 'op': op, 'args': enc(list(args))}
        if options is not None:
            case['options'] = enc(options)
        case['out'] = enc(out) if isinstance(out, (list, tuple)) else T(out)
        self.cases.append(case)

    def write(self):
        path = os.path.join(OUT_DIR, f'{self.name}.json')
        doc = {'generator': 'tools/reference/tensor.py', 'torch': torch.__version__, 'cases': self.cases}
        text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
        # One case per line keeps the files diffable.
        text = text.replace(',{"name"', ',\n{"name"').replace('"cases":[{', '"cases":[\n{')
        with open(path, 'w') as f:
            f.write(text + '\n')
        return path, len(self.cases), len(text)


# ---------------------------------------------------------------------------------------------
# inputs


def ri(shape, lo=-5, hi=6):
    return torch.randint(lo, hi, shape, dtype=I32)


SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0]


# ---------------------------------------------------------------------------------------------
# elementwise


def gen_elementwise():
    fam = Family('elementwise')

    binary = {
        'add': torch.add,
        'sub': torch.sub,
        'mul': torch.mul,
        'div': torch.div,
        'maximum': torch.maximum,
        'minimum': torch.minimum,
    }
    for op, fn in binary.items():
        for dt in FLOATS:
            d = dn(dt)
            a, b = rn([2, 3], dt), rn([2, 3], dt)
            fam.add(f'{op}/same[2,3]/{d}', op, [a, b], fn(a, b))
            a, b = rn([2, 3], dt), rn([3], dt)
            fam.add(f'{op}/broadcast[2,3]+[3]/{d}', op, [a, b], fn(a, b))
            a, b = rn([2, 1, 4], dt), rn([3, 1], dt)
            fam.add(f'{op}/broadcast[2,1,4]+[3,1]/{d}', op, [a, b], fn(a, b))
            a, b = rn([1], dt), rn([4], dt)
            fam.add(f'{op}/broadcast[1]+[4]/{d}', op, [a, b], fn(a, b))
            a, b = rn([4, 1], dt), rn([1, 3], dt)
            fam.add(f'{op}/broadcast[4,1]+[1,3]/{d}', op, [a, b], fn(a, b))
            a, b = rn([], dt), rn([2, 3], dt)
            fam.add(f'{op}/0d+[2,3]/{d}', op, [a, b], fn(a, b))
            a, b = rn([], dt), rn([], dt)
            fam.add(f'{op}/0d+0d/{d}', op, [a, b], fn(a, b))
            a, b = rn([0], dt), rn([0], dt)
            fam.add(f'{op}/empty[0]/{d}', op, [a, b], fn(a, b))
            a, b = rn([2, 0, 3], dt), rn([1, 3], dt)
            fam.add(f'{op}/empty[2,0,3]+[1,3]/{d}', op, [a, b], fn(a, b))
            a = rn([2, 3], dt)
            fam.add(f'{op}/scalar-rhs/{d}', op, [a, 2.5], fn(a, torch.tensor(2.5, dtype=dt)))
        # special values
        a = tt(SPECIAL, F64)
        b = tt([1.0, NAN, INF, -0.0, 0.0, INF, -INF, 0.0, 2.0, -INF], F64)
        fam.add(f'{op}/special/float64', op, [a, b], fn(a, b))
        # dtype promotion
        a, b = ri([2, 3]), ri([2, 3], 1, 6)
        fam.add(f'{op}/int32+int32/int32', op, [a, b], fn(a, b))
        a, b = ri([2, 3]), rn([3], F32)
        fam.add(f'{op}/int32+float32/float32', op, [a, b], fn(a, b))
        a, b = rn([2, 3], F32), rn([2, 3], F64)
        fam.add(f'{op}/float32+float64/float64', op, [a, b], fn(a, b))
        a, b = rn([3], F64), ri([2, 3])
        fam.add(f'{op}/float64+int32/float64', op, [a, b], fn(a, b))
        a = ri([2, 3])
        fam.add(f'{op}/int32+pyfloat/float32', op, [a, 2.5], fn(a.to(F32), torch.tensor(2.5)))
        if op != 'div':
            fam.add(f'{op}/int32+pyint/int32', op, [a, 3], fn(a, torch.tensor(3, dtype=I32)))
        else:
            fam.add(f'{op}/int32/pyint/float32', op, [a, 3], fn(a, torch.tensor(3, dtype=I32)))

    # scalar first (rsub etc.)
    for dt in FLOATS:
        d = dn(dt)
        x = rn([2, 3], dt)
        fam.add(f'add/scalar-lhs/{d}', 'add', [1.5, x], 1.5 + x)
        fam.add(f'sub/scalar-lhs/{d}', 'sub', [1.5, x], 1.5 - x)
        fam.add(f'mul/scalar-lhs/{d}', 'mul', [-2, x], -2 * x)
        fam.add(f'div/scalar-lhs/{d}', 'div', [1.5, x], 1.5 / x)

    # division of ints (true division) including by zero
    a = tt([7, -7, 6, 1, 0, -3], I32)
    b = tt([2, 2, -4, 0, 0, 3], I32)
    fam.add('div/int32-true-division-and-zero/float32', 'div', [a, b], torch.div(a, b))
    a = tt([1.0, -1.0, 0.0, 2.0], F64)
    b = tt([0.0, 0.0, 0.0, -0.0], F64)
    fam.add('div/by-zero/float64', 'div', [a, b], a / b)

    # pow
    for dt in FLOATS:
        d = dn(dt)
        x = ru([2, 3], 0.1, 3.0, dt)
        y = rn([2, 3], dt)
        fam.add(f'pow/tensor-exponent/{d}', 'pow', [x, y], torch.pow(x, y))
        y = rn([3], dt)
        fam.add(f'pow/broadcast-exponent[2,3]^[3]/{d}', 'pow', [x, y], torch.pow(x, y))
        x = rn([2, 3], dt)
        fam.add(f'pow/scalar2/{d}', 'pow', [x, 2], torch.pow(x, 2))
        fam.add(f'pow/scalar3/{d}', 'pow', [x, 3], torch.pow(x, 3))
        fam.add(f'pow/scalar-1/{d}', 'pow', [x, -1], torch.pow(x, -1))
        fam.add(f'pow/scalar0/{d}', 'pow', [x, 0], torch.pow(x, 0))
        xp = ru([2, 3], 0.1, 3.0, dt)
        fam.add(f'pow/scalar0.5/{d}', 'pow', [xp, 0.5], torch.pow(xp, 0.5))
        fam.add(f'pow/scalar-1.5/{d}', 'pow', [xp, -1.5], torch.pow(xp, -1.5))
        fam.add(f'pow/scalar-base/{d}', 'pow', [2, x], torch.pow(2, x))
        e = rn([], dt)
        fam.add(f'pow/0d-exponent/{d}', 'pow', [xp, e], torch.pow(xp, e))
    x = tt([-2.0, -0.5, 0.0, 0.0, 4.0, NAN, 1.0, INF], F64)
    y = tt([0.5, 2.0, -1.0, 0.0, 0.5, 0.0, NAN, -1.0], F64)
    fam.add('pow/special/float64', 'pow', [x, y], torch.pow(x, y))
    x = ri([2, 3])
    fam.add('pow/int32^2/int32', 'pow', [x, 2], torch.pow(x, 2))
    y = ri([2, 3], 0, 4)
    fam.add('pow/int32^int32/int32', 'pow', [x, y], torch.pow(x, y))
    xp = ri([2, 3], 1, 6)
    fam.add('pow/int32^0.5/float32', 'pow', [xp, 0.5], torch.pow(xp, 0.5))
    ye = rn([3], F32)
    fam.add('pow/int32^float32/float32', 'pow', [xp, ye], torch.pow(xp, ye))

    # unary
    unary = {
        'neg': (torch.neg, None),
        'exp': (torch.exp, None),
        'log': (torch.log, 'pos'),
        'log1p': (torch.log1p, 'gt-1'),
        'sqrt': (torch.sqrt, 'pos'),
        'rsqrt': (torch.rsqrt, 'pos'),
        'abs': (torch.abs, None),
        'sign': (torch.sign, None),
        'square': (torch.square, None),
        'reciprocal': (torch.reciprocal, None),
        'sin': (torch.sin, None),
        'cos': (torch.cos, None),
        'tanh': (torch.tanh, None),
        'sigmoid': (torch.sigmoid, None),
        'relu': (torch.relu, None),
        'erf': (torch.erf, None),
        'silu': (torch.nn.functional.silu, None),
        'gelu': (torch.nn.functional.gelu, None),
        'softplus': (torch.nn.functional.softplus, None),
        'elu': (torch.nn.functional.elu, None),
        'leakyRelu': (torch.nn.functional.leaky_relu, None),
    }
    for op, (fn, domain) in unary.items():
        for dt in FLOATS:
            d = dn(dt)
            if domain == 'pos':
                x = ru([2, 3], 0.05, 4.0, dt)
            elif domain == 'gt-1':
                x = ru([2, 3], -0.9, 4.0, dt)
            else:
                x = rn([2, 3], dt, scale=2.0)
            fam.add(f'{op}/[2,3]/{d}', op, [x], fn(x))
            x = rn([], dt).abs() + 0.25 if domain else rn([], dt)
            fam.add(f'{op}/0d/{d}', op, [x], fn(x))
            x = torch.zeros([0], dtype=dt)
            fam.add(f'{op}/empty[0]/{d}', op, [x], fn(x))
            x = torch.zeros([2, 0, 3], dtype=dt)
            fam.add(f'{op}/empty[2,0,3]/{d}', op, [x], fn(x))
            x = rn([1, 4, 1], dt).abs() + 0.1 if domain else rn([1, 4, 1], dt)
            fam.add(f'{op}/size1[1,4,1]/{d}', op, [x], fn(x))
        special = [v for v in SPECIAL if not (op == 'sign' and math.isnan(v))]
        x = tt(special, F64)
        fam.add(f'{op}/special/float64', op, [x], fn(x))
        x = tt(special, F32)
        fam.add(f'{op}/special/float32', op, [x], fn(x))
    # ints
    x = ri([2, 3])
    for op in ['neg', 'abs', 'sign', 'square', 'relu']:
        fam.add(f'{op}/int32/int32', op, [x], unary[op][0](x))
    xp = ri([2, 3], 1, 9)
    for op in ['exp', 'log', 'sqrt', 'rsqrt', 'reciprocal', 'sigmoid', 'tanh', 'sin', 'cos', 'erf', 'log1p']:
        fam.add(f'{op}/int32/float32', op, [xp], unary[op][0](xp))

    # large |x|, tiny x
    for dt in FLOATS:
        d = dn(dt)
        x = tt([-1000.0, -100.0, -40.0, -20.0, 20.0, 40.0, 100.0, 1000.0], dt)
        fam.add(f'sigmoid/large/{d}', 'sigmoid', [x], torch.sigmoid(x))
        fam.add(f'tanh/large/{d}', 'tanh', [x], torch.tanh(x))
        fam.add(f'silu/large/{d}', 'silu', [x], torch.nn.functional.silu(x))
        fam.add(f'softplus/large/{d}', 'softplus', [x], torch.nn.functional.softplus(x))
        fam.add(f'erf/large/{d}', 'erf', [x], torch.erf(x))
        fam.add(f'gelu/large/{d}', 'gelu', [x], torch.nn.functional.gelu(x))
        x = tt([1e-10, -1e-10, 1e-20, 1e-5, -1e-7, 3e-8], dt)
        fam.add(f'log1p/tiny/{d}', 'log1p', [x], torch.log1p(x))
        x = tt([-6.0, -3.0, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 0.7, 1.0, 1.5, 2.5, 4.0, 6.0], dt)
        fam.add(f'erf/range/{d}', 'erf', [x], torch.erf(x))
        x = rn([2, 3], dt, scale=2.0)
        g = torch.nn.functional.gelu
        fam.add(f'gelu/tanh/{d}', 'gelu', [x], g(x, approximate='tanh'), {'approximate': 'tanh'})
        fam.add(f'gelu/none-explicit/{d}', 'gelu', [x], g(x, approximate='none'), {'approximate': 'none'})
        x = tt([-1000.0, -8.0, -3.0, -0.5, 0.0, 0.5, 3.0, 8.0, 1000.0], dt)
        fam.add(f'gelu/tanh-large/{d}', 'gelu', [x], g(x, approximate='tanh'), {'approximate': 'tanh'})
        sp = torch.nn.functional.softplus
        x = tt([-30.0, -2.0, 0.0, 1.0, 4.9, 5.0, 5.1, 9.9, 10.1, 30.0], dt)
        fam.add(f'softplus/beta2-threshold10/{d}', 'softplus', [x], sp(x, beta=2, threshold=10),
                {'beta': 2, 'threshold': 10})
        x = tt([-30.0, -2.0, 0.0, 1.0, 19.9, 20.0, 20.1, 25.0], dt)
        fam.add(f'softplus/default-threshold-region/{d}', 'softplus', [x], sp(x))
        x = rn([2, 3], dt)
        fam.add(f'softplus/beta0.5/{d}', 'softplus', [x], sp(x, beta=0.5), {'beta': 0.5})
        fam.add(f'softplus/threshold1/{d}', 'softplus', [x], sp(x, threshold=1), {'threshold': 1})
        fam.add(f'elu/alpha0.5/{d}', 'elu', [x, 0.5], torch.nn.functional.elu(x, alpha=0.5))
        fam.add(f'elu/alpha2/{d}', 'elu', [x, 2.0], torch.nn.functional.elu(x, alpha=2.0))
        fam.add(f'leakyRelu/slope0.2/{d}', 'leakyRelu', [x, 0.2], torch.nn.functional.leaky_relu(x, 0.2))
        fam.add(f'leakyRelu/slope-neg/{d}', 'leakyRelu', [x, -0.5], torch.nn.functional.leaky_relu(x, -0.5))
        x = tt([1e-12, 1e-4, 1.0, 1e4, 1e12], dt)
        fam.add(f'rsqrt/range/{d}', 'rsqrt', [x], torch.rsqrt(x))
        fam.add(f'reciprocal/range/{d}', 'reciprocal', [x], torch.reciprocal(x))
        fam.add(f'square/range/{d}', 'square', [x], torch.square(x))

    # clamp
    for dt in FLOATS:
        d = dn(dt)
        x = rn([3, 4], dt, scale=2.0)
        fam.add(f'clamp/min-max/{d}', 'clamp', [x, -1, 1.5], torch.clamp(x, -1, 1.5))
        fam.add(f'clamp/min-only/{d}', 'clamp', [x, 0.25], torch.clamp(x, min=0.25))
        fam.add(f'clamp/max-only/{d}', 'clamp', [x, None, 0.5], torch.clamp(x, max=0.5))
        fam.add(f'clamp/min-gt-max/{d}', 'clamp', [x, 1, -1], torch.clamp(x, 1, -1))
        x = torch.zeros([0, 2], dtype=dt)
        fam.add(f'clamp/empty/{d}', 'clamp', [x, 0, 1], torch.clamp(x, 0, 1))
    x = tt([NAN, INF, -INF, 0.0, 2.0], F64)
    fam.add('clamp/special/float64', 'clamp', [x, -1, 1], torch.clamp(x, -1, 1))
    x = ri([3, 4])
    fam.add('clamp/int32/int32', 'clamp', [x, -2, 3], torch.clamp(x, -2, 3))
    fam.add('clamp/int32-float-bound/float32', 'clamp', [x, 0.5, None], torch.clamp(x, min=0.5))

    # where
    for dt in FLOATS:
        d = dn(dt)
        c, a, b = rb([2, 3]), rn([2, 3], dt), rn([2, 3], dt)
        fam.add(f'where/same/{d}', 'where', [c, a, b], torch.where(c, a, b))
        c, a, b = rb([2, 1]), rn([3], dt), rn([2, 3], dt)
        fam.add(f'where/broadcast-cond[2,1]-a[3]-b[2,3]/{d}', 'where', [c, a, b], torch.where(c, a, b))
        c, a, b = rb([4]), rn([3, 1], dt), rn([], dt)
        fam.add(f'where/broadcast[4]-[3,1]-0d/{d}', 'where', [c, a, b], torch.where(c, a, b))
        c, a = rb([2, 3]), rn([2, 3], dt)
        fam.add(f'where/scalar-b/{d}', 'where', [c, a, 0.0], torch.where(c, a, torch.tensor(0.0, dtype=dt)))
        fam.add(f'where/scalar-a/{d}', 'where', [c, -1.5, a], torch.where(c, torch.tensor(-1.5, dtype=dt), a))
        c, a, b = rb([0, 3]), rn([0, 3], dt), rn([3], dt)
        fam.add(f'where/empty/{d}', 'where', [c, a, b], torch.where(c, a, b))
    c, a, b = rb([2, 3]), ri([2, 3]), rn([2, 3], F32)
    fam.add('where/int32-float32/float32', 'where', [c, a, b], torch.where(c, a, b))
    c, a, b = rb([2, 3]), ri([2, 3]), ri([2, 3])
    fam.add('where/int32/int32', 'where', [c, a, b], torch.where(c, a, b))
    c, a, b = rb([2, 3]), rn([2, 3], F32), rn([2, 3], F64)
    fam.add('where/float32-float64/float64', 'where', [c, a, b], torch.where(c, a, b))

    # bool in arithmetic, medium broadcast
    a, b = ri([2, 3]), rb([2, 3])
    fam.add('add/int32+bool/int32', 'add', [a, b], torch.add(a, b))
    a, b = rb([3]), rn([2, 3], F32)
    fam.add('mul/bool*float32/float32', 'mul', [a, b], torch.mul(a, b))
    a, b = rb([3]), rb([3])
    fam.add('mul/bool*int32/int32', 'mul', [a, b.to(I32)], torch.mul(a, b.to(I32)))
    for dt in FLOATS:
        d = dn(dt)
        a, b = rn([37, 1, 5], dt), rn([1, 29, 1], dt)
        fam.add(f'add/medium-broadcast[37,1,5]+[1,29,1]/{d}', 'add', [a, b], a + b)
        a, b = rn([6, 40], dt), rn([40], dt)
        fam.add(f'mul/medium-broadcast[6,40]*[40]/{d}', 'mul', [a, b], a * b)
        a = rn([300], dt, scale=3.0)
        fam.add(f'exp/medium[300]/{d}', 'exp', [a], torch.exp(a))
        fam.add(f'gelu/medium[300]/{d}', 'gelu', [a], torch.nn.functional.gelu(a))
        fam.add(f'erf/medium[300]/{d}', 'erf', [a], torch.erf(a))
    return fam


# ---------------------------------------------------------------------------------------------
# comparison and logical


def gen_comparison():
    fam = Family('comparison')
    cmp = {'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge}
    for op, fn in cmp.items():
        for dt in FLOATS:
            d = dn(dt)
            # small integer-valued floats so that ties occur
            a, b = ri([3, 4], -2, 3).to(dt), ri([3, 4], -2, 3).to(dt)
            fam.add(f'{op}/same[3,4]/{d}', op, [a, b], fn(a, b))
            a, b = rn([2, 3], dt), rn([3], dt)
            fam.add(f'{op}/broadcast[2,3]-[3]/{d}', op, [a, b], fn(a, b))
            a, b = ri([2, 1, 3], -1, 2).to(dt), ri([4, 1], -1, 2).to(dt)
            fam.add(f'{op}/broadcast[2,1,3]-[4,1]/{d}', op, [a, b], fn(a, b))
            a = ri([2, 3], -2, 3).to(dt)
            fam.add(f'{op}/scalar/{d}', op, [a, 0], fn(a, 0))
            fam.add(f'{op}/scalar-float/{d}', op, [a, 0.5], fn(a, 0.5))
            a, b = rn([], dt), rn([], dt)
            fam.add(f'{op}/0d/{d}', op, [a, b], fn(a, b))
            a, b = rn([2, 0], dt), rn([1, 0], dt)
            fam.add(f'{op}/empty/{d}', op, [a, b], fn(a, b))
        a = tt([NAN, NAN, 1.0, INF, -INF, 0.0, INF], F64)
        b = tt([NAN, 1.0, NAN, INF, INF, -0.0, 1e308], F64)
        fam.add(f'{op}/special/float64', op, [a, b], fn(a, b))
        a, b = ri([3, 4], -2, 3), ri([3, 4], -2, 3)
        fam.add(f'{op}/int32/bool', op, [a, b], fn(a, b))
        a, b = ri([3, 4], -2, 3), (ri([4], -4, 5).to(F32) / 2)
        fam.add(f'{op}/int32-vs-float32/bool', op, [a, b], fn(a, b))
        a = ri([3, 4], -2, 3)
        fam.add(f'{op}/int32-vs-pyfloat/bool', op, [a, 0.5], fn(a, 0.5))
        a, b = rn([2, 3], F32), rn([2, 3], F32).to(F64)
        a[0, 0] = 0.1
        b[0, 0] = torch.tensor(0.1, dtype=F32).to(F64)
        b[1, 1] = a[1, 1].to(F64)
        fam.add(f'{op}/float32-vs-float64/bool', op, [a, b], fn(a, b))
        a, b = rb([2, 3]), rb([2, 3])
        fam.add(f'{op}/bool/bool', op, [a, b], fn(a, b))

    logical = {'logicalAnd': torch.logical_and, 'logicalOr': torch.logical_or}
    for op, fn in logical.items():
        a, b = rb([2, 3]), rb([2, 3])
        fam.add(f'{op}/bool/bool', op, [a, b], fn(a, b))
        a = tt([True, True, False, False], BOOL)
        b = tt([True, False, True, False], BOOL)
        fam.add(f'{op}/truth-table/bool', op, [a, b], fn(a, b))
        a, b = rb([2, 1, 3]), rb([4, 1])
        fam.add(f'{op}/broadcast[2,1,3]-[4,1]/bool', op, [a, b], fn(a, b))
        a, b = rb([]), rb([3])
        fam.add(f'{op}/0d-[3]/bool', op, [a, b], fn(a, b))
        a, b = rb([0]), rb([0])
        fam.add(f'{op}/empty/bool', op, [a, b], fn(a, b))
        a, b = tt([0.0, 1.5, -2.0, 0.0, NAN], F64), tt([3, 0, 1, 0, 0], I32)
        fam.add(f'{op}/float64-int32/bool', op, [a, b], fn(a, b))
    for shape in ([2, 3], [], [0], [1, 4, 1]):
        a = rb(shape)
        fam.add(f'logicalNot/{sh(shape)}/bool', 'logicalNot', [a], torch.logical_not(a))
    a = tt([0.0, 1.5, -0.0, NAN, INF], F64)
    fam.add('logicalNot/float64/bool', 'logicalNot', [a], torch.logical_not(a))
    a = tt([0, 3, -1], I32)
    fam.add('logicalNot/int32/bool', 'logicalNot', [a], torch.logical_not(a))
    return fam


# ---------------------------------------------------------------------------------------------
# reductions


def gen_reduction():
    fam = Family('reduction', acc64=True)

    def maxv(x, dim=None, keepdim=False):
        if dim is None:
            r = torch.amax(x) if x.dim() else x.clone()
            return r.reshape([1] * x.dim()) if keepdim else r
        if isinstance(dim, list):
            return torch.amax(x, dim, keepdim)
        return torch.max(x, dim, keepdim).values

    def minv(x, dim=None, keepdim=False):
        if dim is None:
            r = torch.amin(x) if x.dim() else x.clone()
            return r.reshape([1] * x.dim()) if keepdim else r
        if isinstance(dim, list):
            return torch.amin(x, dim, keepdim)
        return torch.min(x, dim, keepdim).values

    def all_or(fn):
        def f(x, dim=None, keepdim=False):
            if dim is None:
                dim = list(range(x.dim()))
                if not dim:
                    return fn(x, [], keepdim) if fn is not torch.prod else x.clone()
            if fn is torch.prod:
                if isinstance(dim, list):
                    r = x
                    for dd in sorted([dd % x.dim() for dd in dim], reverse=True):
                        r = torch.prod(r, dd, keepdim=True)
                    if not keepdim:
                        r = r.reshape([s for i, s in enumerate(x.shape) if i not in [dd % x.dim() for dd in dim]])
                    return r
                return torch.prod(x, dim, keepdim)
            return fn(x, dim, keepdim)
        return f

    def sum_(x, dim, keepdim):
        if dim == [] and x.dim() == 0:
            return torch.sum(x)
        return torch.sum(x, dim, keepdim)

    def mean_(x, dim, keepdim):
        if dim == [] and x.dim() == 0:
            return torch.mean(x)
        return torch.mean(x, dim, keepdim)

    def lse(x, dim, keepdim):
        if dim == [] and x.dim() == 0:
            return x.clone()
        return torch.logsumexp(x, dim, keepdim)

    ops = {
        'sum': all_or(sum_),
        'mean': all_or(mean_),
        'prod': all_or(torch.prod),
        'amax': all_or(lambda x, d, k: torch.amax(x, d, k)),
        'amin': all_or(lambda x, d, k: torch.amin(x, d, k)),
        'max': maxv,
        'min': minv,
        'logsumexp': all_or(lse),
    }

    def call_args(x, dim, keep):
        """Our positional args + options for (dim, keepDim)."""
        if keep is None:
            return ([x] if dim is None else [x, dim]), None
        return [x, dim], {'keepDim': keep}

    def cases(fam, op, fn, x, d, tag, dim_list=True):
        specs = [
            (None, None), (None, True), (None, False), (1, None), (-1, None), (0, True), (2, False),
            (-2, True),
        ]
        if dim_list:
            specs += [([0, 2], None), ([-1, 0], True), ([1], False), ([0, 1, 2], None)]
        for dim, keep in specs:
            args, opts = call_args(x, dim, keep)
            kd = bool(keep)
            name = f'{op}/{tag}/dim={dim}' + ('' if keep is None else f'/keepDim={str(keep).lower()}') + f'/{d}'
            name = name.replace(' ', '')
            fam.add(name, op, args, fn(x, dim, kd), opts)

    for op, fn in ops.items():
        for dt in FLOATS:
            d = dn(dt)
            scale = 0.8 if op == 'prod' else 1.0
            shift = 0.5 if op == 'prod' else 0.0
            x = rn([2, 3, 4], dt, scale=scale, shift=shift)
            cases(fam, op, fn, x, d, '[2,3,4]')
            x = rn([5], dt)
            fam.add(f'{op}/[5]/all/{d}', op, [x], fn(x))
            fam.add(f'{op}/[5]/dim=0/{d}', op, [x, 0], fn(x, 0))
            fam.add(f'{op}/[5]/dim=-1/keepDim=true/{d}', op, [x, -1], fn(x, -1, True), {'keepDim': True})
            x = rn([], dt)
            fam.add(f'{op}/0d/all/{d}', op, [x], fn(x))
            x = rn([1, 3, 1], dt)
            fam.add(f'{op}/size1[1,3,1]/dim=0/{d}', op, [x, 0], fn(x, 0))
            fam.add(f'{op}/size1[1,3,1]/dim=2/keepDim=true/{d}', op, [x, 2], fn(x, 2, True), {'keepDim': True})
            # empty: reducing a non-empty dim of an empty tensor is fine for every op
            x = torch.zeros([2, 0, 3], dtype=dt)
            fam.add(f'{op}/empty[2,0,3]/dim=0/{d}', op, [x, 0], fn(x, 0))
            if op in ('sum', 'mean', 'prod', 'logsumexp'):
                fam.add(f'{op}/empty[2,0,3]/dim=1/{d}', op, [x, 1], fn(x, 1))
                fam.add(f'{op}/empty[2,0,3]/all/{d}', op, [x], fn(x))
                e = torch.zeros([0], dtype=dt)
                fam.add(f'{op}/empty[0]/all/{d}', op, [e], fn(e))
        if op in ('sum', 'prod', 'max', 'min', 'amax', 'amin'):
            x = ri([2, 3, 4], -3, 4)
            fam.add(f'{op}/int32/all/int32', op, [x], fn(x))
            fam.add(f'{op}/int32/dim=1/int32', op, [x, 1], fn(x, 1))
            fam.add(f'{op}/int32/dim=-1/keepDim=true/int32', op, [x, -1], fn(x, -1, True), {'keepDim': True})
        if op in ('sum', 'prod'):
            x = rb([3, 4])
            fam.add(f'{op}/bool/all/int32', op, [x], fn(x))
            fam.add(f'{op}/bool/dim=0/int32', op, [x, 0], fn(x, 0))
            e = torch.zeros([0], dtype=I32)
            fam.add(f'{op}/int32/empty/int32', op, [e], fn(e))
        if op in ('sum', 'mean', 'amax', 'amin', 'max', 'min', 'logsumexp', 'prod'):
            x = tt([[1.0, NAN, 2.0], [INF, 1.0, -1.0], [-INF, 0.0, 3.0]], F64)
            fam.add(f'{op}/special/dim=1/float64', op, [x, 1], fn(x, 1))
        if op == 'logsumexp':
            for dt in FLOATS:
                d = dn(dt)
                x = tt([[1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1002.0]], dt)
                fam.add(f'logsumexp/large/dim=1/{d}', op, [x, 1], fn(x, 1))
                fam.add(f'logsumexp/large/all/{d}', op, [x], fn(x))
                x = tt([[-INF, -INF], [-INF, 0.0], [INF, 1.0]], dt)
                fam.add(f'logsumexp/inf/dim=1/{d}', op, [x, 1], fn(x, 1))
        if op == 'mean':
            x = tt([1e8, 1.0, -1e8, 3.0], F64)
            fam.add('mean/cancellation/float64', op, [x], fn(x))

    # sum of a 0-d tensor along dim 0
    x = rn([], F64)
    fam.add('sum/0d/dim=0/float64', 'sum', [x, 0], torch.sum(x, 0))
    fam.add('sum/0d/dim=-1/keepDim=true/float64', 'sum', [x, -1], torch.sum(x, -1, True), {'keepDim': True})

    # argmax / argmin
    for op, fn in (('argmax', torch.argmax), ('argmin', torch.argmin)):
        for dt in FLOATS:
            d = dn(dt)
            x = rn([2, 3, 4], dt)
            fam.add(f'{op}/[2,3,4]/all/{d}', op, [x], fn(x))
            fam.add(f'{op}/[2,3,4]/all/keepDim=true/{d}', op, [x, None], fn(x, None, True), {'keepDim': True})
            for dim in (0, 1, 2, -1, -3):
                fam.add(f'{op}/[2,3,4]/dim={dim}/{d}', op, [x, dim], fn(x, dim))
            fam.add(f'{op}/[2,3,4]/dim=1/keepDim=true/{d}', op, [x, 1], fn(x, 1, True), {'keepDim': True})
            fam.add(f'{op}/[2,3,4]/dim=-1/keepDim=false/{d}', op, [x, -1], fn(x, -1, False), {'keepDim': False})
            x = rn([], dt)
            fam.add(f'{op}/0d/{d}', op, [x], fn(x))
            x = torch.zeros([0, 3], dtype=dt)
            fam.add(f'{op}/empty[0,3]/dim=1/{d}', op, [x, 1], fn(x, 1))
        x = tt([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 0.0, 0.0]], F64)
        fam.add(f'{op}/ties-first-index/dim=1/float64', op, [x, 1], fn(x, 1))
        fam.add(f'{op}/ties-first-index/all/float64', op, [x], fn(x))
        x = ri([3, 4])
        fam.add(f'{op}/int32/dim=0/int32', op, [x, 0], fn(x, 0))
        fam.add(f'{op}/int32/all/int32', op, [x], fn(x))

    # variance / std
    for op, fn in (('variance', torch.var), ('std', torch.std)):
        for dt in FLOATS:
            d = dn(dt)
            x = rn([2, 3, 4], dt, scale=1.5, shift=0.3)
            fam.add(f'{op}/all/{d}', op, [x], fn(x))
            fam.add(f'{op}/all/unbiased=false/{d}', op, [x, None], fn(x, unbiased=False), {'unbiased': False})
            fam.add(f'{op}/all/unbiased=true/{d}', op, [x, None], fn(x, unbiased=True), {'unbiased': True})
            fam.add(f'{op}/all/keepDim=true/{d}', op, [x, None], fn(x, list(range(3)), unbiased=True, keepdim=True),
                    {'keepDim': True})
            fam.add(f'{op}/dim=1/{d}', op, [x, 1], fn(x, 1))
            fam.add(f'{op}/dim=-1/unbiased=false/{d}', op, [x, -1], fn(x, -1, unbiased=False), {'unbiased': False})
            fam.add(f'{op}/dim=0/keepDim=true/{d}', op, [x, 0], fn(x, 0, unbiased=True, keepdim=True), {'keepDim': True})
            fam.add(f'{op}/dim=[0,2]/unbiased=false/keepDim=true/{d}', op, [x, [0, 2]],
                    fn(x, [0, 2], unbiased=False, keepdim=True), {'unbiased': False, 'keepDim': True})
            fam.add(f'{op}/dim=[-1,1]/{d}', op, [x, [-1, 1]], fn(x, [-1, 1]))
            x = rn([1, 3], dt)
            fam.add(f'{op}/n=1-unbiased/dim=0/{d}', op, [x, 0], fn(x, 0))
            fam.add(f'{op}/n=1-biased/dim=0/{d}', op, [x, 0], fn(x, 0, unbiased=False), {'unbiased': False})
            x = rn([5], dt)
            fam.add(f'{op}/[5]/all/{d}', op, [x], fn(x))
        x = tt([1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0, 1e9 + 4.0], F64)
        fam.add(f'{op}/large-offset/float64', op, [x], fn(x))

    # norm = vector_norm
    vn = torch.linalg.vector_norm
    for dt in FLOATS:
        d = dn(dt)
        x = rn([2, 3, 4], dt)
        fam.add(f'norm/all/{d}', 'norm', [x], vn(x))
        fam.add(f'norm/p=2/all/{d}', 'norm', [x, 2], vn(x, 2))
        fam.add(f'norm/p=1/all/{d}', 'norm', [x, 1], vn(x, 1))
        fam.add(f'norm/p=inf/all/{d}', 'norm', [x, INF], vn(x, INF))
        fam.add(f'norm/p=-inf/all/{d}', 'norm', [x, -INF], vn(x, -INF))
        fam.add(f'norm/p=3/all/{d}', 'norm', [x, 3], vn(x, 3))
        fam.add(f'norm/p=2/dim=1/{d}', 'norm', [x, 2, 1], vn(x, 2, 1))
        fam.add(f'norm/p=1/dim=-1/keepDim=true/{d}', 'norm', [x, 1, -1], vn(x, 1, -1, True), {'keepDim': True})
        fam.add(f'norm/p=inf/dim=[0,2]/{d}', 'norm', [x, INF, [0, 2]], vn(x, INF, [0, 2]))
        fam.add(f'norm/p=2/dim=[0,2]/keepDim=true/{d}', 'norm', [x, 2, [0, 2]], vn(x, 2, [0, 2], True),
                {'keepDim': True})
        fam.add(f'norm/p=default/dim=0/{d}', 'norm', [x, None, 0], vn(x, 2, 0))
        fam.add(f'norm/p=2/all/keepDim=true/{d}', 'norm', [x, 2, None], vn(x, 2, None, True), {'keepDim': True})
        x = rn([], dt)
        fam.add(f'norm/0d/{d}', 'norm', [x], vn(x))
        x = torch.zeros([0], dtype=dt)
        fam.add(f'norm/empty[0]/{d}', 'norm', [x], vn(x))
        x = torch.zeros([3, 4], dtype=dt)
        fam.add(f'norm/zeros/{d}', 'norm', [x], vn(x))
    x = tt([1e150, 1e150, -1e150], F64)
    fam.add('norm/large-values/float64', 'norm', [x], vn(x))

    # softmax / logSoftmax
    for op, fn in (('softmax', torch.softmax), ('logSoftmax', torch.log_softmax)):
        for dt in FLOATS:
            d = dn(dt)
            x = rn([2, 3, 4], dt, scale=2.0)
            for dim in (0, 1, 2, -1, -2):
                fam.add(f'{op}/[2,3,4]/dim={dim}/{d}', op, [x, dim], fn(x, dim))
            x = tt([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [0.0, 1.0, 2.0]], dt)
            fam.add(f'{op}/large/dim=1/{d}', op, [x, 1], fn(x, 1))
            fam.add(f'{op}/large/dim=0/{d}', op, [x, 0], fn(x, 0))
            x = tt([[-INF, 0.0, 1.0], [-INF, -INF, 2.0]], dt)
            fam.add(f'{op}/masked-neg-inf/dim=-1/{d}', op, [x, -1], fn(x, -1))
            x = rn([5], dt)
            fam.add(f'{op}/[5]/dim=0/{d}', op, [x, 0], fn(x, 0))
            x = rn([], dt)
            fam.add(f'{op}/0d/dim=0/{d}', op, [x, 0], fn(x, 0))
            x = rn([3, 1], dt)
            fam.add(f'{op}/size1-dim/dim=1/{d}', op, [x, 1], fn(x, 1))
            x = torch.zeros([0, 3], dtype=dt)
            fam.add(f'{op}/empty[0,3]/dim=1/{d}', op, [x, 1], fn(x, 1))
        x = tt([[-INF, -INF]], F64)
        fam.add(f'{op}/all-neg-inf/dim=1/float64', op, [x, 1], fn(x, 1))
    # medium sizes (float64: reduction order does not matter at 1e-12 here)
    x = rn([7, 33, 5], F64)
    for op, fn in (('sum', lambda t, dd: torch.sum(t, dd)), ('mean', lambda t, dd: torch.mean(t, dd)),
                   ('amax', lambda t, dd: torch.amax(t, dd)), ('logsumexp', lambda t, dd: torch.logsumexp(t, dd))):
        for dd in (0, 1, 2, [0, 2]):
            fam.add(f'{op}/medium[7,33,5]/dim={dd}/float64'.replace(' ', ''), op, [x, dd], fn(x, dd))
    fam.add('variance/medium[7,33,5]/dim=1/float64', 'variance', [x, 1], torch.var(x, 1))
    fam.add('argmax/medium[7,33,5]/dim=1/float64', 'argmax', [x, 1], torch.argmax(x, 1))
    x = rn([7, 33, 5], F32, shift=0.5)
    for op, dd in (('sum', 1), ('sum', [0, 2]), ('mean', None), ('logsumexp', 0), ('amax', 1)):
        args = [x] if dd is None else [x, dd]
        fam.add(f'{op}/medium[7,33,5]/dim={dd}/float32'.replace(' ', ''), op, args, ref_op(op, args, None))
    x = rn([2000], F32, shift=1.0)
    for op in ('sum', 'mean', 'variance', 'std', 'norm', 'logsumexp'):
        fam.add(f'{op}/long[2000]/all/float32', op, [x], ref_op(op, [x], None))
    x = rn([4, 130], F64, scale=3.0)
    fam.add('softmax/medium[4,130]/dim=1/float64', 'softmax', [x, 1], torch.softmax(x, 1))
    fam.add('logSoftmax/medium[4,130]/dim=0/float64', 'logSoftmax', [x, 0], torch.log_softmax(x, 0))
    x = rn([4, 130], F32, scale=3.0)
    fam.add('softmax/medium[4,130]/dim=1/float32', 'softmax', [x, 1], torch.softmax(x, 1))
    b = rb([5, 7])
    fam.add('sum/bool/dim=1/keepDim=true/int32', 'sum', [b, 1], torch.sum(b, 1, True), {'keepDim': True})
    return fam


# ---------------------------------------------------------------------------------------------
# shape


def gen_shape():
    fam = Family('shape')
    for dt in (F64, F32, I32, BOOL):
        d = dn(dt)

        def mk(shape):
            if dt == I32:
                return ri(shape, -9, 10)
            if dt == BOOL:
                return rb(shape)
            return rn(shape, dt)

        x = mk([2, 3, 4])
        # transpose / permute
        fam.add(f'transpose/0,1/{d}', 'transpose', [x, 0, 1], x.transpose(0, 1))
        fam.add(f'transpose/-1,0/{d}', 'transpose', [x, -1, 0], x.transpose(-1, 0))
        fam.add(f'permute/2,0,1/{d}', 'permute', [x, [2, 0, 1]], x.permute(2, 0, 1))
        if dt in FLOATS:
            fam.add(f'transpose/same-dim/{d}', 'transpose', [x, 1, 1], x.transpose(1, 1))
            fam.add(f'permute/-1,0,-2/{d}', 'permute', [x, [-1, 0, -2]], x.permute(-1, 0, -2))
            fam.add(f'permute/identity/{d}', 'permute', [x, [0, 1, 2]], x.permute(0, 1, 2))
            m = mk([3, 5])
            fam.add(f'transpose/2d/{d}', 'transpose', [m, 0, 1], m.transpose(0, 1))
            e = mk([2, 0, 3])
            fam.add(f'transpose/empty/{d}', 'transpose', [e, 0, 2], e.transpose(0, 2))
            fam.add(f'permute/empty/{d}', 'permute', [e, [1, 2, 0]], e.permute(1, 2, 0))
            s = mk([])
            fam.add(f'permute/0d/{d}', 'permute', [s, []], s.permute(()))
        # reshape
        fam.add(f'reshape/[6,4]/{d}', 'reshape', [x, [6, 4]], x.reshape(6, 4))
        fam.add(f'reshape/[-1]/{d}', 'reshape', [x, [-1]], x.reshape(-1))
        fam.add(f'reshape/[4,-1,2]/{d}', 'reshape', [x, [4, -1, 2]], x.reshape(4, -1, 2))
        if dt in FLOATS:
            fam.add(f'reshape/[2,12]/{d}', 'reshape', [x, [2, 12]], x.reshape(2, 12))
            s = mk([1])
            fam.add(f'reshape/[1]->0d/{d}', 'reshape', [s, []], s.reshape([]))
            s = mk([])
            fam.add(f'reshape/0d->[1,1]/{d}', 'reshape', [s, [1, 1]], s.reshape(1, 1))
            fam.add(f'reshape/0d->[-1]/{d}', 'reshape', [s, [-1]], s.reshape(-1))
            e = mk([2, 0, 3])
            fam.add(f'reshape/empty->[0,6]/{d}', 'reshape', [e, [0, 6]], e.reshape(0, 6))
            fam.add(f'reshape/empty->[3,0]/{d}', 'reshape', [e, [3, 0]], e.reshape(3, 0))
        # flatten
        fam.add(f'flatten/default/{d}', 'flatten', [x], x.flatten())
        if dt in FLOATS:
            y = mk([2, 3, 4, 5])
            fam.add(f'flatten/startDim=1/{d}', 'flatten', [y, 1], y.flatten(1))
            fam.add(f'flatten/1..2/{d}', 'flatten', [y, 1, 2], y.flatten(1, 2))
            fam.add(f'flatten/0..-2/{d}', 'flatten', [y, 0, -2], y.flatten(0, -2))
            fam.add(f'flatten/-2..-1/{d}', 'flatten', [y, -2, -1], y.flatten(-2, -1))
            fam.add(f'flatten/2..2/{d}', 'flatten', [y, 2, 2], y.flatten(2, 2))
            s = mk([])
            fam.add(f'flatten/0d/{d}', 'flatten', [s], s.flatten())
            e = mk([2, 0, 3])
            fam.add(f'flatten/empty/{d}', 'flatten', [e], e.flatten())
        # squeeze / unsqueeze
        y = mk([1, 3, 1, 2])
        fam.add(f'squeeze/all/{d}', 'squeeze', [y], y.squeeze())
        fam.add(f'squeeze/dim=0/{d}', 'squeeze', [y, 0], y.squeeze(0))
        fam.add(f'squeeze/dim=-2/{d}', 'squeeze', [y, -2], y.squeeze(-2))
        fam.add(f'squeeze/dim-not-1-noop/{d}', 'squeeze', [y, 1], y.squeeze(1))
        fam.add(f'unsqueeze/dim=0/{d}', 'unsqueeze', [x, 0], x.unsqueeze(0))
        fam.add(f'unsqueeze/dim=2/{d}', 'unsqueeze', [x, 2], x.unsqueeze(2))
        fam.add(f'unsqueeze/dim=-1/{d}', 'unsqueeze', [x, -1], x.unsqueeze(-1))
        fam.add(f'unsqueeze/dim=-2/{d}', 'unsqueeze', [x, -2], x.unsqueeze(-2))
        if dt in FLOATS:
            s = mk([1, 1])
            fam.add(f'squeeze/all-to-0d/{d}', 'squeeze', [s], s.squeeze())
            s = mk([])
            fam.add(f'squeeze/0d/{d}', 'squeeze', [s], s.squeeze())
            fam.add(f'unsqueeze/0d/{d}', 'unsqueeze', [s, 0], s.unsqueeze(0))
            e = mk([2, 0, 1])
            fam.add(f'squeeze/empty/{d}', 'squeeze', [e], e.squeeze())
            fam.add(f'unsqueeze/empty/{d}', 'unsqueeze', [e, 1], e.unsqueeze(1))
        # expand / broadcastTo
        y = mk([3, 1])
        fam.add(f'expand/[3,4]/{d}', 'expand', [y, [3, 4]], y.expand(3, 4))
        fam.add(f'expand/[2,3,4]/{d}', 'expand', [y, [2, 3, 4]], y.expand(2, 3, 4))
        fam.add(f'expand/[-1,4]/{d}', 'expand', [y, [-1, 4]], y.expand(-1, 4))
        fam.add(f'expand/[2,-1,5]/{d}', 'expand', [y, [2, -1, 5]], y.expand(2, -1, 5))
        fam.add(f'broadcastTo/[2,3,4]/{d}', 'broadcastTo', [y, [2, 3, 4]], torch.broadcast_to(y, (2, 3, 4)))
        if dt in FLOATS:
            s = mk([])
            fam.add(f'expand/0d->[2,3]/{d}', 'expand', [s, [2, 3]], s.expand(2, 3))
            fam.add(f'broadcastTo/0d->[3]/{d}', 'broadcastTo', [s, [3]], torch.broadcast_to(s, (3,)))
            v = mk([4])
            fam.add(f'broadcastTo/[4]->[2,1,4]/{d}', 'broadcastTo', [v, [2, 1, 4]], torch.broadcast_to(v, (2, 1, 4)))
            fam.add(f'broadcastTo/same/{d}', 'broadcastTo', [x, [2, 3, 4]], torch.broadcast_to(x, (2, 3, 4)))
            fam.add(f'expand/to-empty/{d}', 'expand', [y, [3, 0]], y.expand(3, 0))
            e = mk([0, 3, 1])
            fam.add(f'broadcastTo/[0,3,1]->[2,0,3,4]/{d}', 'broadcastTo', [e, [2, 0, 3, 4]],
                    torch.broadcast_to(e, (2, 0, 3, 4)))
        # concat / stack
        a, b, c = mk([2, 3]), mk([1, 3]), mk([4, 3])
        fam.add(f'concat/dim=0/{d}', 'concat', [[a, b, c], 0], torch.cat([a, b, c], 0))
        a2, b2 = mk([2, 3]), mk([2, 5])
        fam.add(f'concat/dim=-1/{d}', 'concat', [[a2, b2], -1], torch.cat([a2, b2], -1))
        fam.add(f'stack/dim=0/{d}', 'stack', [[a, a2], 0], torch.stack([a, a2], 0))
        fam.add(f'stack/dim=-1/{d}', 'stack', [[a, a2, a], -1], torch.stack([a, a2, a], -1))
        if dt in FLOATS:
            p, q = mk([2, 3, 4]), mk([2, 1, 4])
            fam.add(f'concat/dim=1-3d/{d}', 'concat', [[p, q], 1], torch.cat([p, q], 1))
            fam.add(f'concat/single/{d}', 'concat', [[p], 2], torch.cat([p], 2))
            e = mk([0, 3])
            fam.add(f'concat/with-empty/{d}', 'concat', [[a, e, b], 0], torch.cat([a, e, b], 0))
            fam.add(f'concat/all-empty/{d}', 'concat', [[e, e], 0], torch.cat([e, e], 0))
            fam.add(f'stack/dim=1/{d}', 'stack', [[a, a2], 1], torch.stack([a, a2], 1))
            s1, s2, s3 = mk([]), mk([]), mk([])
            fam.add(f'stack/0d/{d}', 'stack', [[s1, s2, s3], 0], torch.stack([s1, s2, s3], 0))
            fam.add(f'stack/empty/{d}', 'stack', [[e, e], 1], torch.stack([e, e], 1))
            v1, v2 = mk([1]), mk([1])
            v3 = mk([3])
            fam.add(f'concat/1d/{d}', 'concat', [[v1, v2, v3], 0], torch.cat([v1, v2, v3], 0))
        # split / chunk
        y = mk([7, 2])
        fam.add(f'split/size=3/{d}', 'split', [y, 3], list(torch.split(y, 3)))
        fam.add(f'split/sections=[2,4,1]/{d}', 'split', [y, [2, 4, 1]], list(torch.split(y, [2, 4, 1])))
        fam.add(f'chunk/3/{d}', 'chunk', [y, 3], list(torch.chunk(y, 3)))
        if dt in FLOATS:
            z = mk([2, 6, 3])
            fam.add(f'split/size=2/dim=1/{d}', 'split', [z, 2, 1], list(torch.split(z, 2, 1)))
            fam.add(f'split/size=4/dim=-2/{d}', 'split', [z, 4, -2], list(torch.split(z, 4, -2)))
            fam.add(f'split/sections=[1,2]/dim=-1/{d}', 'split', [z, [1, 2], -1], list(torch.split(z, [1, 2], -1)))
            fam.add(f'split/sections-with-zero/dim=1/{d}', 'split', [z, [0, 6, 0], 1],
                    list(torch.split(z, [0, 6, 0], 1)))
            fam.add(f'split/size-larger-than-dim/{d}', 'split', [z, 5, 0], list(torch.split(z, 5, 0)))
            fam.add(f'chunk/2/dim=1/{d}', 'chunk', [z, 2, 1], list(torch.chunk(z, 2, 1)))
            fam.add(f'chunk/4-of-6-gives-3/dim=1/{d}', 'chunk', [z, 4, 1], list(torch.chunk(z, 4, 1)))
            fam.add(f'chunk/5/dim=-1/{d}', 'chunk', [z, 5, -1], list(torch.chunk(z, 5, -1)))
            fam.add(f'chunk/1/{d}', 'chunk', [z, 1], list(torch.chunk(z, 1)))
    # medium sizes and mixed dtypes
    for dt in FLOATS:
        d = dn(dt)
        m = rn([37, 29], dt)
        fam.add(f'transpose/medium[37,29]/{d}', 'transpose', [m, 0, 1], m.transpose(0, 1))
        q = rn([3, 4, 5, 6], dt)
        fam.add(f'permute/4d[3,4,5,6]->3,1,0,2/{d}', 'permute', [q, [3, 1, 0, 2]], q.permute(3, 1, 0, 2))
        fam.add(f'transpose/4d-1,3/{d}', 'transpose', [q, 1, 3], q.transpose(1, 3))
        v = rn([1, 33, 1], dt)
        fam.add(f'expand/medium[1,33,1]->[4,33,9]/{d}', 'expand', [v, [4, 33, 9]], v.expand(4, 33, 9))
    a, b = rn([2, 3], F32), rn([1, 3], F64)
    fam.add('concat/float32+float64/float64', 'concat', [[a, b], 0], torch.cat([a, b], 0))
    a, b = ri([2, 3]), rn([2, 3], F32)
    fam.add('stack/int32+float32/float32', 'stack', [[a, b], 0], torch.stack([a, b], 0))
    return fam


# ---------------------------------------------------------------------------------------------
# indexing: slice, narrow, select, gather, indexSelect, maskedFill


def gen_indexing():
    fam = Family('indexing')

    def pyslice(x, dim, start, end=None, step=1):
        idx = [slice(None)] * x.dim()
        idx[dim] = slice(start, end, step)
        return x[tuple(idx)]

    for dt in (F64, F32, I32, BOOL):
        d = dn(dt)
        if dt == I32:
            x = ri([4, 5, 3], -9, 10)
        elif dt == BOOL:
            x = rb([4, 5, 3])
        else:
            x = rn([4, 5, 3], dt)
        specs = [
            (0, 1, 3, 1), (1, 0, None, 2), (-1, 1, None, 1), (1, -3, -1, 1), (1, 1, 100, 1),
        ]
        if dt in FLOATS:
            specs += [(0, 0, 4, 3), (1, -100, 2, 1), (2, 2, 1, 1), (1, 4, None, 1), (0, -1, None, 1),
                      (1, 0, 5, 4)]
        for dim, start, end, step in specs:
            args = [x, dim, start, end, step] if step != 1 else ([x, dim, start] if end is None else [x, dim, start, end])
            name = f'slice/dim={dim}/{start}:{"" if end is None else end}:{step}/{d}'
            fam.add(name, 'slice', args, pyslice(x, dim, start, end, step))
        fam.add(f'narrow/dim=1/1+3/{d}', 'narrow', [x, 1, 1, 3], x.narrow(1, 1, 3))
        fam.add(f'narrow/dim=-1/0+2/{d}', 'narrow', [x, -1, 0, 2], x.narrow(-1, 0, 2))
        fam.add(f'select/dim=0/2/{d}', 'select', [x, 0, 2], x.select(0, 2))
        fam.add(f'select/dim=-1/-1/{d}', 'select', [x, -1, -1], x.select(-1, -1))
        if dt in FLOATS:
            fam.add(f'narrow/dim=0/start-neg/{d}', 'narrow', [x, 0, -2, 2], x.narrow(0, -2, 2))
            fam.add(f'narrow/length0/{d}', 'narrow', [x, 1, 2, 0], x.narrow(1, 2, 0))
            fam.add(f'select/dim=1/0/{d}', 'select', [x, 1, 0], x.select(1, 0))
            v = rn([5], dt)
            fam.add(f'select/1d->0d/{d}', 'select', [v, 0, 3], v.select(0, 3))
            fam.add(f'slice/1d-step2/{d}', 'slice', [v, 0, 0, None, 2], v[0::2])
            fam.add(f'slice/1d-empty-range/{d}', 'slice', [v, 0, 3, 3], v[3:3])
            e = torch.zeros([2, 0, 3], dtype=dt)
            fam.add(f'slice/empty-input/{d}', 'slice', [e, 2, 1], e[:, :, 1:])
            fam.add(f'select/empty-input/{d}', 'select', [e, 2, 1], e.select(2, 1))

        # gather
        if dt != BOOL:
            idx = torch.randint(0, 4, [4, 5, 3], dtype=I64)
            fam.add(f'gather/dim=0/{d}', 'gather', [x, 0, idx.to(I32)], torch.gather(x, 0, idx))
            idx = torch.randint(0, 5, [4, 2, 3], dtype=I64)
            fam.add(f'gather/dim=1-smaller-index/{d}', 'gather', [x, 1, idx.to(I32)], torch.gather(x, 1, idx))
            idx = torch.randint(0, 3, [2, 3, 6], dtype=I64)
            fam.add(f'gather/dim=-1-index-longer/{d}', 'gather', [x, -1, idx.to(I32)], torch.gather(x, -1, idx))
            # indexSelect
            ix = tt([2, 0, 2, 3], I64)
            fam.add(f'indexSelect/dim=0/{d}', 'indexSelect', [x, 0, ix.to(I32)], torch.index_select(x, 0, ix))
            ix = tt([4, 1], I64)
            fam.add(f'indexSelect/dim=-2/{d}', 'indexSelect', [x, -2, ix.to(I32)], torch.index_select(x, -2, ix))
        if dt in FLOATS:
            m = rn([3, 4], dt)
            idx = tt([[0, 0], [1, 0], [3, 2]], I64)
            fam.add(f'gather/2d-dim=1/{d}', 'gather', [m, 1, idx.to(I32)], torch.gather(m, 1, idx))
            idx = torch.zeros([0, 4], dtype=I64)
            fam.add(f'gather/empty-index/{d}', 'gather', [m, 0, idx.to(I32)], torch.gather(m, 0, idx))
            ix = torch.zeros([0], dtype=I64)
            fam.add(f'indexSelect/empty-index/{d}', 'indexSelect', [m, 1, ix.to(I32)], torch.index_select(m, 1, ix))
            v = rn([6], dt)
            ix = tt([5, 5, 0], I64)
            fam.add(f'indexSelect/1d/{d}', 'indexSelect', [v, 0, ix.to(I32)], torch.index_select(v, 0, ix))
            ix = tt(3, I64)
            fam.add(f'indexSelect/0d-index/{d}', 'indexSelect', [v, 0, ix.to(I32)], torch.index_select(v, 0, ix))

        # maskedFill
        if dt in FLOATS:
            m = rn([3, 4], dt)
            mask = rb([3, 4])
            fam.add(f'maskedFill/same/{d}', 'maskedFill', [m, mask, 0.5], m.masked_fill(mask, 0.5))
            mask = rb([4])
            fam.add(f'maskedFill/broadcast-mask[4]/{d}', 'maskedFill', [m, mask, -2], m.masked_fill(mask, -2))
            mask = rb([3, 1])
            fam.add(f'maskedFill/neg-inf/{d}', 'maskedFill', [m, mask, -INF], m.masked_fill(mask, -INF))
            fam.add(f'maskedFill/nan/{d}', 'maskedFill', [m, mask, NAN], m.masked_fill(mask, NAN))
            mask = rb([])
            fam.add(f'maskedFill/0d-mask/{d}', 'maskedFill', [m, mask, 7], m.masked_fill(mask, 7))
            e = torch.zeros([0, 4], dtype=dt)
            fam.add(f'maskedFill/empty/{d}', 'maskedFill', [e, rb([4]), 1], e.masked_fill(rb([4]), 1))
    # scatterAdd, indexAdd, sliceScatter (the adjoints autograd uses), with repeated indices
    for dt in FLOATS:
        d = dn(dt)
        base = rn([3, 4], dt)
        idx = tt([[0, 1, 0], [3, 3, 3], [2, 0, 1]], I64)
        src = rn([3, 3], dt)
        fam.add(f'scatterAdd/dim=1-repeats/{d}', 'scatterAdd', [base, 1, idx.to(I32), src],
                base.scatter_add(1, idx, src))
        idx = tt([[2, 0, 1, 2], [2, 2, 0, 0]], I64)
        src = rn([2, 4], dt)
        fam.add(f'scatterAdd/dim=0-smaller/{d}', 'scatterAdd', [base, 0, idx.to(I32), src],
                base.scatter_add(0, idx, src))
        ix = tt([2, 0, 2], I64)
        src = rn([3, 3, 2], dt)
        x3 = rn([3, 3, 2], dt)
        fam.add(f'indexAdd/dim=0-repeats/{d}', 'indexAdd', [x3, 0, ix.to(I32), src], x3.index_add(0, ix, src))
        src = rn([3, 3, 2], dt)
        fam.add(f'indexAdd/dim=1/{d}', 'indexAdd', [x3, 1, ix.to(I32), src], x3.index_add(1, ix, src))
        x2 = rn([4, 7], dt)
        src = rn([4, 3], dt)
        fam.add(f'sliceScatter/step2/{d}', 'sliceScatter', [x2, src, 1, 1, 7, 2],
                torch.slice_scatter(x2, src, dim=1, start=1, end=7, step=2))
        src = rn([2, 7], dt)
        fam.add(f'sliceScatter/dim0-end/{d}', 'sliceScatter', [x2, src, 0, 2, 4],
                torch.slice_scatter(x2, src, dim=0, start=2, end=4, step=1))
    m = ri([3, 4])
    mask = rb([3, 4])
    fam.add('maskedFill/int32/int32', 'maskedFill', [m, mask, 9], m.masked_fill(mask, 9))
    m = rb([3, 4])
    fam.add('maskedFill/bool/bool', 'maskedFill', [m, mask, True], m.masked_fill(mask, True))
    return fam


# ---------------------------------------------------------------------------------------------
# matmul, dot, outer


def gen_matmul():
    fam = Family('matmul', acc64=True)
    shapes = [
        ('1d.1d', [4], [4]),
        ('1d.2d', [3], [3, 5]),
        ('2d.1d', [2, 3], [3]),
        ('2d.2d', [2, 3], [3, 4]),
        ('2d.2d-square', [4, 4], [4, 4]),
        ('2d.2d-[1,1]', [1, 1], [1, 1]),
        ('2d.2d-outer-like', [3, 1], [1, 2]),
        ('3d.3d', [2, 3, 4], [2, 4, 5]),
        ('broadcast[2,1,3,4].[5,4,2]', [2, 1, 3, 4], [5, 4, 2]),
        ('broadcast[1,3,4].[2,4,2]', [1, 3, 4], [2, 4, 2]),
        ('3d.2d', [2, 3, 4], [4, 2]),
        ('2d.3d', [3, 4], [2, 4, 2]),
        ('3d.1d', [2, 3, 4], [4]),
        ('1d.3d', [3], [2, 3, 4]),
        ('4d.4d', [2, 2, 2, 3], [2, 2, 3, 2]),
        ('empty-m[0,3].[3,2]', [0, 3], [3, 2]),
        ('empty-k[2,0].[0,3]', [2, 0], [0, 3]),
        ('empty-batch[0,2,3].[3,4]', [0, 2, 3], [3, 4]),
        ('empty-1d.1d', [0], [0]),
    ]
    for dt in FLOATS:
        d = dn(dt)
        for tag, sa, sb in shapes:
            a, b = rn(sa, dt), rn(sb, dt)
            fam.add(f'matmul/{tag}/{d}', 'matmul', [a, b], torch.matmul(a, b))
        a, b = rn([5], dt), rn([5], dt)
        fam.add(f'dot/[5]/{d}', 'dot', [a, b], torch.dot(a, b))
        a, b = rn([1], dt), rn([1], dt)
        fam.add(f'dot/[1]/{d}', 'dot', [a, b], torch.dot(a, b))
        a, b = rn([0], dt), rn([0], dt)
        fam.add(f'dot/empty/{d}', 'dot', [a, b], torch.dot(a, b))
        a, b = rn([3], dt), rn([4], dt)
        fam.add(f'outer/[3]x[4]/{d}', 'outer', [a, b], torch.outer(a, b))
        a, b = rn([1], dt), rn([2], dt)
        fam.add(f'outer/[1]x[2]/{d}', 'outer', [a, b], torch.outer(a, b))
        a, b = rn([0], dt), rn([2], dt)
        fam.add(f'outer/empty/{d}', 'outer', [a, b], torch.outer(a, b))
    a, b = ri([2, 3]), ri([3, 2])
    fam.add('matmul/2d.2d/int32', 'matmul', [a, b], torch.matmul(a, b))
    a, b = rn([2, 3], F32), rn([3, 2], F64)
    fam.add('matmul/float32.float64/float64', 'matmul', [a, b], torch.matmul(a.to(F64), b))
    a, b = ri([4]), ri([4])
    fam.add('dot/int32', 'dot', [a, b], torch.dot(a, b))
    fam.add('outer/int32', 'outer', [a, b], torch.outer(a, b))
    # known products, to show exactness
    a = tt([[1.0, 2.0], [3.0, 4.0]], F64)
    b = tt([[5.0, 6.0], [7.0, 8.0]], F64)
    fam.add('matmul/known-2x2/float64', 'matmul', [a, b], a @ b)
    # medium sizes, to reach blocked/tiled kernel paths
    for dt in FLOATS:
        d = dn(dt)
        for tag, sa, sb in (('medium[33,17].[17,65]', [33, 17], [17, 65]),
                            ('medium-batched[3,9,16].[16,7]', [3, 9, 16], [16, 7]),
                            ('medium[1,64].[64,40]', [1, 64], [64, 40]),
                            ('medium[70].[70,3]', [70], [70, 3])):
            a, b = rn(sa, dt), rn(sb, dt)
            fam.add(f'matmul/{tag}/{d}', 'matmul', [a, b], torch.matmul(a, b))
        a, b = rn([100], dt), rn([100], dt)
        fam.add(f'dot/medium[100]/{d}', 'dot', [a, b], torch.dot(a, b))
    return fam


# ---------------------------------------------------------------------------------------------
# linalg: solve, inv, eigh, pinv (float32 references = float64 result rounded)


def gen_linalg():
    fam = Family('linalg')

    def wellcond(n):
        q, _ = torch.linalg.qr(torch.randn(n, n, dtype=F64))
        r, _ = torch.linalg.qr(torch.randn(n, n, dtype=F64))
        s = torch.linspace(1.0, 3.0, n, dtype=F64)
        return q @ torch.diag(s) @ r.T

    def sym(n, vals):
        q, _ = torch.linalg.qr(torch.randn(n, n, dtype=F64))
        return q @ torch.diag(tt(vals, F64)) @ q.T

    def r32(t):
        return t.to(F32).to(F64)

    for dt in FLOATS:
        d = dn(dt)

        def prep(t):
            # float32 input exactly representable; the reference is computed from the rounded input
            return r32(t) if dt == F32 else t

        def cast(t):
            return t.to(dt)

        for n in (1, 2, 3, 5):
            a = prep(wellcond(n))
            b = prep(torch.randn(n, 2, dtype=F64))
            fam.add(f'solve/n={n}/matrix-rhs[{n},2]/{d}', 'solve', [cast(a), cast(b)], cast(torch.linalg.solve(a, b)))
            v = prep(torch.randn(n, dtype=F64))
            fam.add(f'solve/n={n}/vector-rhs[{n}]/{d}', 'solve', [cast(a), cast(v)], cast(torch.linalg.solve(a, v)))
            fam.add(f'inv/n={n}/{d}', 'inv', [cast(a)], cast(torch.linalg.inv(a)))
        a = prep(wellcond(4))
        b = prep(torch.randn(4, 1, dtype=F64))
        fam.add(f'solve/matrix-rhs[4,1]/{d}', 'solve', [cast(a), cast(b)], cast(torch.linalg.solve(a, b)))
        a = prep(tt([[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]], F64))  # needs pivoting
        b = prep(tt([1.0, 2.0, 3.0], F64))
        fam.add(f'solve/needs-pivoting/{d}', 'solve', [cast(a), cast(b)], cast(torch.linalg.solve(a, b)))
        fam.add(f'inv/needs-pivoting/{d}', 'inv', [cast(a)], cast(torch.linalg.inv(a)))
        a = prep(tt([[4.0, 7.0], [2.0, 6.0]], F64))
        fam.add(f'inv/known-2x2/{d}', 'inv', [cast(a)], cast(torch.linalg.inv(a)))
        fam.add(f'inv/identity3/{d}', 'inv', [cast(torch.eye(3, dtype=F64))], cast(torch.eye(3, dtype=F64)))

        # eigh: well-separated eigenvalues so eigenvectors are unique up to sign
        for tag, vals in (('n=2', [-1.0, 2.0]), ('n=3', [0.5, 1.5, 4.0]), ('n=4', [-3.0, -1.0, 1.0, 2.5]),
                          ('n=5-psd', [0.0, 0.7, 1.9, 3.2, 5.0])):
            a = sym(len(vals), vals)
            a = prep((a + a.T) / 2)
            w, v = torch.linalg.eigh(a)
            fam.add(f'eigh/{tag}/{d}', 'eigh', [cast(a)], [cast(w), cast(v)])
        a = prep(tt([[2.0, 1.0], [1.0, 2.0]], F64))
        w, v = torch.linalg.eigh(a)
        fam.add(f'eigh/known-2x2/{d}', 'eigh', [cast(a)], [cast(w), cast(v)])
        a = prep(tt([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 2.0]], F64))
        w, v = torch.linalg.eigh(a)
        fam.add(f'eigh/diagonal/{d}', 'eigh', [cast(a)], [cast(w), cast(v)])
        a = prep(tt([[5.0]], F64))
        w, v = torch.linalg.eigh(a)
        fam.add(f'eigh/1x1/{d}', 'eigh', [cast(a)], [cast(w), cast(v)])

        # pinv
        a = prep(wellcond(3))
        fam.add(f'pinv/square/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(torch.randn(4, 2, dtype=F64))
        fam.add(f'pinv/tall[4,2]/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(torch.randn(2, 5, dtype=F64))
        fam.add(f'pinv/wide[2,5]/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        # rank-deficient: exact small-integer matrices so the deficiency survives float32 rounding
        a = prep(tt([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], F64))  # rank 2
        fam.add(f'pinv/rank-deficient-3x3-rank2/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(tt([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], F64))  # rank 1
        fam.add(f'pinv/rank-deficient-3x2-rank1/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(tt([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]], F64))  # rank 1 wide
        fam.add(f'pinv/rank-deficient-2x4-rank1/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(tt([[2.0, 1.0, 0.0], [1.0, 2.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 2.0]], F64))
        a = torch.cat([a, a[:, :1] + a[:, 1:2]], 1)  # [4,4], last column = col0 + col1 -> rank 3
        a = prep(a)
        fam.add(f'pinv/rank-deficient-4x4-rank3/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(torch.zeros(2, 3, dtype=F64))
        fam.add(f'pinv/zeros[2,3]/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        a = prep(tt([[2.0]], F64))
        fam.add(f'pinv/1x1/{d}', 'pinv', [cast(a)], cast(torch.linalg.pinv(a)))
        # gram matrix of task gradients (what MTL methods feed to it)
        g = prep(torch.randn(3, 6, dtype=F64))
        gram = prep(g @ g.T)
        fam.add(f'pinv/gram[3,3]/{d}', 'pinv', [cast(gram)], cast(torch.linalg.pinv(gram)))
        fam.add(f'inv/gram[3,3]/{d}', 'inv', [cast(gram)], cast(torch.linalg.inv(gram)))
    return fam


# ---------------------------------------------------------------------------------------------
# creation (deterministic)


def gen_creation():
    fam = Family('creation')
    for dt in (F64, F32, I32):
        d = dn(dt)
        o = {'dtype': d}
        fam.add(f'arange/0..5/{d}', 'arange', [0, 5, 1], torch.arange(0, 5, 1, dtype=dt), o)
        fam.add(f'arange/2..11step3/{d}', 'arange', [2, 11, 3], torch.arange(2, 11, 3, dtype=dt), o)
        fam.add(f'arange/5..-3step-2/{d}', 'arange', [5, -3, -2], torch.arange(5, -3, -2, dtype=dt), o)
        fam.add(f'arange/empty/{d}', 'arange', [3, 3, 1], torch.arange(3, 3, 1, dtype=dt), o)
        if dt != I32:
            fam.add(f'arange/fractional-step/{d}', 'arange', [0, 1, 0.25], torch.arange(0, 1, 0.25, dtype=dt), o)
            fam.add(f'arange/-1..1step0.3/{d}', 'arange', [-1, 1, 0.3], torch.arange(-1, 1, 0.3, dtype=dt), o)
            fam.add(f'linspace/0..1x5/{d}', 'linspace', [0, 1, 5], torch.linspace(0, 1, 5, dtype=dt), o)
            fam.add(f'linspace/-2..3x7/{d}', 'linspace', [-2, 3, 7], torch.linspace(-2, 3, 7, dtype=dt), o)
            fam.add(f'linspace/0.1..0.9x9/{d}', 'linspace', [0.1, 0.9, 9], torch.linspace(0.1, 0.9, 9, dtype=dt), o)
            fam.add(f'linspace/steps1/{d}', 'linspace', [2, 5, 1], torch.linspace(2, 5, 1, dtype=dt), o)
            fam.add(f'linspace/steps0/{d}', 'linspace', [2, 5, 0], torch.linspace(2, 5, 0, dtype=dt), o)
            fam.add(f'linspace/descending/{d}', 'linspace', [1, -1, 5], torch.linspace(1, -1, 5, dtype=dt), o)
        fam.add(f'eye/3/{d}', 'eye', [3, None], torch.eye(3, dtype=dt), o)
        fam.add(f'eye/2x4/{d}', 'eye', [2, 4], torch.eye(2, 4, dtype=dt), o)
        fam.add(f'eye/4x2/{d}', 'eye', [4, 2], torch.eye(4, 2, dtype=dt), o)
        fam.add(f'eye/0/{d}', 'eye', [0, None], torch.eye(0, dtype=dt), o)
        fam.add(f'full/[2,3]/{d}', 'full', [[2, 3], 7], torch.full([2, 3], 7, dtype=dt), o)
        fam.add(f'full/0d/{d}', 'full', [[], -2], torch.full([], -2, dtype=dt), o)
        fam.add(f'full/empty/{d}', 'full', [[0, 2], 1], torch.full([0, 2], 1, dtype=dt), o)
        fam.add(f'zeros/[2,3]/{d}', 'zeros', [[2, 3]], torch.zeros([2, 3], dtype=dt), o)
        fam.add(f'ones/[3,1,2]/{d}', 'ones', [[3, 1, 2]], torch.ones([3, 1, 2], dtype=dt), o)
        fam.add(f'zeros/0d/{d}', 'zeros', [[]], torch.zeros([], dtype=dt), o)
        fam.add(f'ones/empty/{d}', 'ones', [[2, 0]], torch.ones([2, 0], dtype=dt), o)
    fam.add('full/fraction/float32', 'full', [[2, 2], 0.1], torch.full([2, 2], 0.1, dtype=F32), {'dtype': 'float32'})
    fam.add('full/fraction/float64', 'full', [[2, 2], 0.1], torch.full([2, 2], 0.1, dtype=F64), {'dtype': 'float64'})
    fam.add('full/neg-inf/float32', 'full', [[3], -INF], torch.full([3], -INF, dtype=F32), {'dtype': 'float32'})
    fam.add('full/bool/bool', 'full', [[2, 2], True], torch.full([2, 2], True, dtype=BOOL), {'dtype': 'bool'})
    fam.add('zeros/bool/bool', 'zeros', [[3]], torch.zeros([3], dtype=BOOL), {'dtype': 'bool'})
    fam.add('ones/bool/bool', 'ones', [[3]], torch.ones([3], dtype=BOOL), {'dtype': 'bool'})
    fam.add('eye/bool/bool', 'eye', [2, None], torch.eye(2, dtype=BOOL), {'dtype': 'bool'})
    # default dtype float32
    fam.add('zeros/default-dtype/float32', 'zeros', [[2]], torch.zeros([2]))
    fam.add('ones/default-dtype/float32', 'ones', [[2, 2]], torch.ones([2, 2]))
    fam.add('eye/default-dtype/float32', 'eye', [2], torch.eye(2))
    fam.add('linspace/default-dtype/float32', 'linspace', [0, 1, 3], torch.linspace(0, 1, 3))
    fam.add('full/default-dtype/float32', 'full', [[2], 1.5], torch.full([2], 1.5))
    # *Like: same shape and dtype as the input
    for dt in (F64, F32, I32, BOOL):
        d = dn(dt)
        x = torch.zeros([2, 3], dtype=dt)
        fam.add(f'zerosLike/{d}', 'zerosLike', [x], torch.zeros_like(x))
        fam.add(f'onesLike/{d}', 'onesLike', [x], torch.ones_like(x))
    x = torch.zeros([0, 2])
    fam.add('zerosLike/empty/float32', 'zerosLike', [x], torch.zeros_like(x))
    x = torch.zeros([])
    fam.add('onesLike/0d/float32', 'onesLike', [x], torch.ones_like(x))
    # oneHot: int32 indices -> int32
    oh = torch.nn.functional.one_hot
    i = tt([0, 2, 1, 3], I64)
    fam.add('oneHot/[4]/int32', 'oneHot', [i.to(I32), 4], oh(i, 4))
    fam.add('oneHot/[4]-more-classes/int32', 'oneHot', [i.to(I32), 6], oh(i, 6))
    i = tt([[0, 1], [2, 0], [1, 1]], I64)
    fam.add('oneHot/[3,2]/int32', 'oneHot', [i.to(I32), 3], oh(i, 3))
    i = tt(2, I64)
    fam.add('oneHot/0d/int32', 'oneHot', [i.to(I32), 3], oh(i, 3))
    i = torch.zeros([0], dtype=I64)
    fam.add('oneHot/empty/int32', 'oneHot', [i.to(I32), 3], oh(i, 3))
    return fam


# ---------------------------------------------------------------------------------------------


def main():
    if not os.path.isdir(os.path.join('packages', 'tensor')):
        sys.exit('run from the repository root: /usr/bin/python3 tools/reference/tensor.py')
    os.makedirs(OUT_DIR, exist_ok=True)
    gens = [gen_elementwise, gen_comparison, gen_reduction, gen_shape, gen_indexing, gen_matmul, gen_linalg,
            gen_creation]
    total = 0
    for g in gens:
        fam = g()
        path, n, size = fam.write()
        total += n
        print(f'{path}: {n} cases, {size / 1024:.0f} KiB')
        if size > 2 * 1024 * 1024:
            sys.exit(f'{path} is over 2 MB')
    print(f'total: {total} cases (torch {torch.__version__})')


if __name__ == '__main__':
    main()
