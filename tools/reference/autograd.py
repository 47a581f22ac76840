#!/usr/bin/env python3
"""Reference gradients for @mtl/autograd, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/autograd.py

Writes one JSON file per op family to packages/autograd/test/fixtures/ (elementwise, reduction,
linalg, shape, kinks). Every case is a call in our convention (the op names, positional order and
trailing options object of @mtl/tensor, which @mtl/autograd repeats) with the forward result and
the vector-Jacobian product PyTorch gives:

    { "name": "mul/broadcast[2,3]*[3]/float64", "op": "mul",
      "args": [T, T], "options": {...}?, "grad": [true, true],
      "R": T | [T, ...], "out": T | [T, ...], "grads": [T | [T, ...] | null, ...] }

- `grad[i]` says whether args[i] is a differentiable input (a Variable that requires grad); the
  other arguments are constants (plain tensors, numbers, dims, null = omitted). When args[i] is a
  list of tensors (concat, stack) and grad[i] is true, every tensor of the list is an input and
  grads[i] is the list of their gradients.
- `R` is a fixed random tensor of out's shape (a list of them when the op returns several tensors,
  like split/chunk); `grads[i]` is d(Σ_j sum(out_j * R_j)) / d args[i], or null for a constant.
- T = { "dtype": "float32" | "float64" | "int32" | "bool", "shape": [...], "data": [flat, row-major] },
  with non-finite floats as the strings "nan", "inf", "-inf" (also as plain number arguments, e.g.
  `norm(x, "inf")`).

float32 cases: inputs (and R) are drawn in float64 and rounded to float32, so they are exact. The
expected forward result and gradients are computed by torch in float64 on those exact inputs and
rounded to float32 (torch's own float32 result is checked against them, to 1e-4): a correctly
rounded value is the fair target for any float32 implementation. Cases that mix float32 and
float64 inputs use torch's native result (the float32 input's gradient is float32, as in torch).

Call conventions mapped from torch (same as tools/reference/tensor.py):
- `max(x)` / `min(x)` = torch.max(x) / torch.min(x) (the gradient is split evenly among tied
  extrema); `max(x, dim: number, { keepDim })` = torch.max(x, dim, keepDim).values (the gradient
  goes to the index torch returns, the first of tied maxima); `max(x, dims: number[])` =
  torch.amax(x, dims) (split evenly). `amax/amin` = torch.amax/amin (split evenly).
- `variance` = torch.var, `std` = torch.std, `norm(x, p?, dim?, { keepDim })` =
  torch.linalg.vector_norm, `concat` = torch.cat, `solve`/`inv` = torch.linalg.solve/inv,
  `slice(x, dim, start, end?, step)` = Python slicing, `prod` over several dims = prod dim by dim.
"""

import json
import math
import os
import sys

import torch

from fixtures import BOOL, DTYPE_NAME, F32, F64, FLOATS, I32, I64, INF, NAN, T, close, dn, enc, enc_float, rb, rn, ru, sh, tt

torch.manual_seed(20240602)
torch.set_default_dtype(torch.float32)


OUT_DIR = os.path.join('packages', 'autograd', 'test', 'fixtures')
GENERATOR = 'tools/reference/autograd.py'



# ---------------------------------------------------------------------------------------------
# encoding (as in tools/reference/tensor.py)


# ---------------------------------------------------------------------------------------------
# our ops, called in our convention, computed by torch (differentiably)


def as_tensor_like(v, other):
    """A Python number as a 0-d tensor of the other operand's dtype (torch.maximum etc. need one)."""
    if isinstance(v, torch.Tensor):
        return v
    return torch.tensor(v, dtype=other.dtype)


def first_tensor(args):
    for a in args:
        if isinstance(a, torch.Tensor):
            return a
    raise ValueError('no tensor argument')


def dims_of(x, dim):
    if dim is None:
        return list(range(x.dim()))
    return [dim] if isinstance(dim, int) else list(dim)


def prod_dims(x, dims, keep):
    if x.dim() == 0:
        return x.clone() if dims else torch.prod(x)
    nd = sorted({dd % x.dim() for dd in dims}, reverse=True)
    r = x
    for dd in nd:
        r = torch.prod(r, dd, keepdim=True)
    if not keep:
        r = r.reshape([s for i, s in enumerate(x.shape) if i not in nd])
    return r


def pyslice(x, dim, start, end=None, step=1):
    idx = [slice(None)] * x.dim()
    idx[dim] = slice(start, end, step)
    return x[tuple(idx)]


def torch_op(op, args, options):
    o = options or {}
    keep = bool(o.get('keepDim', False))
    F = torch.nn.functional
    a = args

    # binary elementwise
    if op in ('add', 'sub', 'mul', 'div', 'pow'):
        x, y = a
        if op == 'add':
            return x + y
        if op == 'sub':
            return x - y
        if op == 'mul':
            return x * y
        if op == 'div':
            return x / y
        return torch.pow(x, y)
    if op in ('maximum', 'minimum'):
        t = first_tensor(a)
        x, y = as_tensor_like(a[0], t), as_tensor_like(a[1], t)
        return (torch.maximum if op == 'maximum' else torch.minimum)(x, y)

    # unary elementwise
    unary = {
        'neg': torch.neg, 'exp': torch.exp, 'log': torch.log, 'log1p': torch.log1p, 'expm1': torch.expm1,
        'sqrt': torch.sqrt, 'rsqrt': torch.rsqrt, 'abs': torch.abs, 'sign': torch.sign, 'square': torch.square,
        'reciprocal': torch.reciprocal, 'sin': torch.sin, 'cos': torch.cos, 'tanh': torch.tanh,
        'sigmoid': torch.sigmoid, 'erf': torch.erf, 'relu': torch.relu, 'silu': F.silu,
    }
    if op in unary:
        return unary[op](a[0])
    if op == 'leakyRelu':
        return F.leaky_relu(a[0], a[1] if len(a) > 1 else 0.01)
    if op == 'elu':
        return F.elu(a[0], a[1] if len(a) > 1 else 1.0)
    if op == 'gelu':
        return F.gelu(a[0], approximate=o.get('approximate', 'none'))
    if op == 'softplus':
        return F.softplus(a[0], beta=o.get('beta', 1), threshold=o.get('threshold', 20))
    if op == 'clamp':
        lo = a[1] if len(a) > 1 else None
        hi = a[2] if len(a) > 2 else None
        return torch.clamp(a[0], lo, hi)
    if op == 'where':
        c, x, y = a
        t = first_tensor([x, y])
        return torch.where(c, as_tensor_like(x, t), as_tensor_like(y, t))
    if op == 'maskedFill':
        return a[0].masked_fill(a[1], a[2])

    # reductions
    x = a[0] if a and isinstance(a[0], torch.Tensor) else None
    dim = a[1] if len(a) > 1 else None
    if op in ('sum', 'mean', 'logsumexp', 'amax', 'amin'):
        dims = dims_of(x, dim)
        if x.dim() == 0:
            return {'sum': torch.sum, 'mean': torch.mean}.get(op, lambda t: t * 1)(x)
        fn = {'sum': torch.sum, 'mean': torch.mean, 'logsumexp': torch.logsumexp, 'amax': torch.amax,
              'amin': torch.amin}[op]
        return fn(x, dims, keep)
    if op == 'prod':
        if dim is None and not keep:
            return torch.prod(x)
        return prod_dims(x, dims_of(x, dim), keep)
    if op in ('max', 'min'):
        if dim is None:
            if keep:
                return (torch.amax if op == 'max' else torch.amin)(x, list(range(x.dim())), True)
            return (torch.max if op == 'max' else torch.min)(x)
        if isinstance(dim, int):
            return (torch.max if op == 'max' else torch.min)(x, dim, keep).values
        return (torch.amax if op == 'max' else torch.amin)(x, list(dim), keep)
    if op in ('variance', 'std'):
        fn = torch.var if op == 'variance' else torch.std
        return fn(x, dims_of(x, dim), unbiased=o.get('unbiased', True), keepdim=keep)
    if op == 'norm':
        p = a[1] if len(a) > 1 and a[1] is not None else 2
        nd = a[2] if len(a) > 2 else None
        return torch.linalg.vector_norm(x, p, nd, keep)
    if op == 'softmax':
        return torch.softmax(x, a[1])
    if op == 'logSoftmax':
        return torch.log_softmax(x, a[1])

    # linear algebra
    if op == 'matmul':
        return torch.matmul(a[0], a[1])
    if op == 'dot':
        return torch.dot(a[0], a[1])
    if op == 'outer':
        return torch.outer(a[0], a[1])
    if op == 'transpose':
        return a[0].transpose(a[1], a[2])
    if op == 'permute':
        return a[0].permute(*a[1])
    if op == 'solve':
        if a[1].dim() == 1:
            # a vector right-hand side; torch 1.13's solve backward breaks on it for n = 1
            return torch.linalg.solve(a[0], a[1].unsqueeze(-1)).squeeze(-1)
        return torch.linalg.solve(a[0], a[1])
    if op == 'inv':
        return torch.linalg.inv(a[0])
    if op == 'pinv':
        return torch.linalg.pinv(a[0])
    if op == 'eigh':
        # Our eigh returns { eigenvalues, eigenvectors }; the test lists them in this order and
        # aligns eigenvector signs (ours are fixed by a convention, torch's are arbitrary).
        return list(torch.linalg.eigh(a[0]))

    # shape
    if op == 'reshape':
        return a[0].reshape(a[1])
    if op == 'flatten':
        return a[0].flatten(a[1] if len(a) > 1 else 0, a[2] if len(a) > 2 else -1)
    if op == 'squeeze':
        return a[0].squeeze() if len(a) < 2 or a[1] is None else a[0].squeeze(a[1])
    if op == 'unsqueeze':
        return a[0].unsqueeze(a[1])
    if op == 'expand':
        return a[0].expand(*a[1])
    if op == 'broadcastTo':
        return torch.broadcast_to(a[0], a[1])
    if op == 'concat':
        return torch.cat(a[0], a[1] if len(a) > 1 else 0)
    if op == 'stack':
        return torch.stack(a[0], a[1] if len(a) > 1 else 0)
    if op == 'split':
        return list(torch.split(a[0], a[1], a[2] if len(a) > 2 else 0))
    if op == 'chunk':
        return list(torch.chunk(a[0], a[1], a[2] if len(a) > 2 else 0))
    if op == 'slice':
        return pyslice(*a)
    if op == 'narrow':
        return a[0].narrow(a[1], a[2], a[3])
    if op == 'select':
        return a[0].select(a[1], a[2])
    if op == 'gather':
        return torch.gather(a[0], a[1], a[2].to(I64))
    if op == 'indexSelect':
        return torch.index_select(a[0], a[1], a[2].to(I64))
    raise ValueError(f'torch_op: unknown op {op}')


# ---------------------------------------------------------------------------------------------
# running a case: forward, then the gradient of Σ sum(out_j * R_j)


def map_tensors(v, fn):
    if isinstance(v, torch.Tensor):
        return fn(v)
    if isinstance(v, list):
        return [map_tensors(x, fn) for x in v]
    return v


def float_dtypes(v, acc):
    if isinstance(v, torch.Tensor):
        if v.dtype in (F32, F64):
            acc.add(v.dtype)
    elif isinstance(v, (list, tuple)):
        for x in v:
            float_dtypes(x, acc)
    return acc


def run(op, args, grad, options, R):
    """(out, grads) of one call; out is a tensor or list, grads a list (None for constants)."""
    leaves = []
    call = []
    for a, g in zip(args, grad):
        if g:
            if isinstance(a, torch.Tensor):
                leaf = a.detach().clone().requires_grad_(True)
                leaves.append(leaf)
                call.append(leaf)
            elif isinstance(a, list):
                ls = [t.detach().clone().requires_grad_(True) for t in a]
                leaves.extend(ls)
                call.append(ls)
            else:
                raise TypeError('a differentiable argument must be a tensor or a list of tensors')
        else:
            call.append(a)
    out = torch_op(op, call, options)
    outs = out if isinstance(out, list) else [out]
    rs = R if isinstance(R, list) else [R]
    s = sum((o * r).sum() for o, r in zip(outs, rs))
    gs = torch.autograd.grad(s, leaves, allow_unused=True)
    for leaf, gg in zip(leaves, gs):
        if gg is None:
            raise AssertionError(f'{op}: an input got no gradient')
    gs = list(gs)
    grads = []
    for a, g in zip(args, grad):
        if not g:
            grads.append(None)
        elif isinstance(a, torch.Tensor):
            grads.append(gs.pop(0).detach())
        else:
            grads.append([gs.pop(0).detach() for _ in a])
    out = [o.detach() for o in out] if isinstance(out, list) else out.detach()
    return out, grads


def flat_pairs(a, b):
    """Pairs of tensors of two parallel structures (tensor / list / None)."""
    if a is None and b is None:
        return []
    if isinstance(a, torch.Tensor):
        return [(a, b)]
    out = []
    for x, y in zip(a, b):
        out.extend(flat_pairs(x, y))
    return out


class Family:
    """One fixture file."""

    def __init__(self, name):
        self.name = name
        self.cases = []
        self.names = set()

    def add(self, name, op, args, grad, options=None):
        if name in self.names:
            raise ValueError(f'duplicate case name {name} in {self.name}')
        self.names.add(name)
        args = list(args)
        if len(grad) != len(args):
            raise ValueError(f'{name}: grad has {len(grad)} flags for {len(args)} args')
        with torch.no_grad():
            probe = torch_op(op, args, options)
        outs = probe if isinstance(probe, list) else [probe]
        rs = [rn(list(o.shape), o.dtype) for o in outs]
        R = rs if isinstance(probe, list) else rs[0]
        out, grads = run(op, args, grad, options, R)

        dts = float_dtypes(args, set())
        if dts == {F32}:
            up = [map_tensors(x, lambda t: t.to(F64) if t.dtype == F32 else t) for x in args]
            R64 = map_tensors(R, lambda t: t.to(F64))
            out64, grads64 = run(op, up, grad, options, R64)
            out_r = map_tensors(out64, lambda t: t.to(F32))
            grads_r = [None if g is None else map_tensors(g, lambda t: t.to(F32)) for g in grads64]
            for mine, ref in flat_pairs(out, out_r) + flat_pairs(grads, grads_r):
                if not close(mine, ref, 1e-4, 1e-4):
                    raise AssertionError(f'{self.name}: {name}: float32 torch and float64-rounded disagree\n'
                                         f'{mine}\n{ref}')
            out, grads = out_r, grads_r
        for (g, a) in flat_pairs(grads, [x if f else None for x, f in zip(args, grad)]):
            assert g.shape == a.shape and g.dtype == a.dtype, name

        case = {'name': name, 'op': op, 'args': enc(args)}
        if options is not None:
            case['options'] = enc(options)
        case['grad'] = list(grad)
        case['R'] = enc(R)
        case['out'] = enc(out)
        case['grads'] = enc(grads)
        self.cases.append(case)

    def write(self):
        path = os.path.join(OUT_DIR, f'{self.name}.json')
        doc = {'generator': GENERATOR, 'torch': torch.__version__, 'cases': self.cases}
        text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
        # One case per line keeps the files diffable.
        text = text.replace(',{"name"', ',\n{"name"').replace('"cases":[{', '"cases":[\n{')
        with open(path, 'w') as f:
            f.write(text + '\n')
        return path, len(self.cases), len(text)


# ---------------------------------------------------------------------------------------------
# inputs


def away(shape, dtype, lo=0.5, hi=2.0):
    """Values with |v| in [lo, hi] and a random sign (denominators, reciprocals)."""
    s = torch.where(torch.rand(shape) < 0.5, -1.0, 1.0).to(F64)
    return (ru(shape, lo, hi) * s).to(dtype)


# ---------------------------------------------------------------------------------------------
# elementwise


def gen_elementwise():
    fam = Family('elementwise')
    TT = [True, True]

    for op in ('add', 'sub', 'mul', 'div', 'maximum', 'minimum'):
        for dt in FLOATS:
            d = dn(dt)

            def rhs(shape):
                return away(shape, dt) if op == 'div' else rn(shape, dt)

            for sa, sb in (([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1, 4], [3, 1]), ([4, 1], [1, 3]),
                           ([1], [4]), ([2, 3], [1, 1]), ([1, 3, 1], [2, 1, 4]), ([], [2, 3]), ([2, 3], []),
                           ([], [])):
                a, b = rn(sa, dt), rhs(sb)
                fam.add(f'{op}/{sh(sa)}.{sh(sb)}/{d}', op, [a, b], TT)
            a = rn([2, 3], dt)
            fam.add(f'{op}/scalar-rhs/{d}', op, [a, 2.5 if op != 'div' else -1.5], [True, False])
            b = rhs([2, 3])
            fam.add(f'{op}/scalar-lhs/{d}', op, [1.5, b], [False, True])
            a, b = rn([2, 3], dt), rhs([3])
            fam.add(f'{op}/constant-tensor-rhs/{d}', op, [a, b], [True, False])
            fam.add(f'{op}/constant-tensor-lhs/{d}', op, [a, b], [False, True])
        a, b = rn([2, 3], F32), (away([3], F64) if op == 'div' else rn([3], F64))
        fam.add(f'{op}/float32.float64/mixed', op, [a, b], TT)

    # pow: tensor^tensor (positive base), tensor^scalar, scalar^tensor
    for dt in FLOATS:
        d = dn(dt)
        x, y = ru([2, 3], 0.2, 3.0, dt), rn([2, 3], dt)
        fam.add(f'pow/tensor^tensor/{d}', 'pow', [x, y], TT)
        fam.add(f'pow/tensor^constant-tensor/{d}', 'pow', [x, y], [True, False])
        fam.add(f'pow/constant-tensor^tensor/{d}', 'pow', [x, y], [False, True])
        y = rn([3], dt)
        fam.add(f'pow/broadcast[2,3]^[3]/{d}', 'pow', [x, y], TT)
        xb = ru([3], 0.2, 3.0, dt)
        y = rn([2, 3], dt)
        fam.add(f'pow/broadcast[3]^[2,3]/{d}', 'pow', [xb, y], TT)
        e = rn([], dt)
        fam.add(f'pow/[2,3]^0d/{d}', 'pow', [x, e], TT)
        x = rn([2, 3], dt)
        for p in (2, 3, -1, 0, 1):
            xs = away([2, 3], dt) if p < 0 else x
            fam.add(f'pow/scalar-exponent={p}/{d}', 'pow', [xs, p], [True, False])
        xp = ru([2, 3], 0.2, 3.0, dt)
        for p in (0.5, -1.5, 2.5):
            fam.add(f'pow/scalar-exponent={p}/{d}', 'pow', [xp, p], [True, False])
        x = rn([2, 3], dt)
        fam.add(f'pow/scalar-base=2/{d}', 'pow', [2, x], [False, True])
        fam.add(f'pow/scalar-base=0.5/{d}', 'pow', [0.5, x], [False, True])
        s = rn([], dt)
        fam.add(f'pow/0d^scalar/{d}', 'pow', [s, 2], [True, False])

    # unary
    unary = {
        'neg': None, 'exp': None, 'log': 'pos', 'log1p': 'gt-1', 'expm1': None, 'sqrt': 'pos', 'rsqrt': 'pos',
        'abs': None, 'sign': None, 'square': None, 'reciprocal': 'away', 'sin': None, 'cos': None,
        'tanh': None, 'sigmoid': None, 'erf': None, 'relu': None, 'leakyRelu': None, 'elu': None,
        'gelu': None, 'silu': None, 'softplus': None,
    }
    for op, domain in unary.items():
        for dt in FLOATS:
            d = dn(dt)
            for shape in ([2, 3], [], [1, 4, 1]):
                if domain == 'pos':
                    x = ru(shape, 0.1, 4.0, dt)
                elif domain == 'gt-1':
                    x = ru(shape, -0.9, 4.0, dt)
                elif domain == 'away':
                    x = away(shape, dt, 0.3, 3.0)
                else:
                    x = rn(shape, dt, scale=2.0)
                fam.add(f'{op}/{sh(shape)}/{d}', op, [x], [True])

    # options and special regions
    for dt in FLOATS:
        d = dn(dt)
        x = rn([2, 3], dt, scale=2.0)
        fam.add(f'leakyRelu/slope0.2/{d}', 'leakyRelu', [x, 0.2], [True, False])
        fam.add(f'leakyRelu/slope-neg/{d}', 'leakyRelu', [x, -0.5], [True, False])
        fam.add(f'elu/alpha0.5/{d}', 'elu', [x, 0.5], [True, False])
        fam.add(f'elu/alpha2/{d}', 'elu', [x, 2.0], [True, False])
        fam.add(f'gelu/tanh/{d}', 'gelu', [x], [True], {'approximate': 'tanh'})
        fam.add(f'gelu/none-explicit/{d}', 'gelu', [x], [True], {'approximate': 'none'})
        xl = tt([-30.0, -8.0, -3.0, -0.5, 0.5, 3.0, 8.0, 30.0], dt)
        fam.add(f'gelu/wide-range/{d}', 'gelu', [xl], [True])
        fam.add(f'gelu/tanh-wide-range/{d}', 'gelu', [xl], [True], {'approximate': 'tanh'})
        fam.add(f'sigmoid/wide-range/{d}', 'sigmoid', [xl], [True])
        fam.add(f'tanh/wide-range/{d}', 'tanh', [xl], [True])
        fam.add(f'silu/wide-range/{d}', 'silu', [xl], [True])
        fam.add(f'erf/wide-range/{d}', 'erf', [xl], [True])
        x = tt([-30.0, -2.0, 0.5, 1.0, 4.9, 5.1, 9.9, 10.1, 30.0], dt)
        fam.add(f'softplus/beta2-threshold10/{d}', 'softplus', [x], [True], {'beta': 2, 'threshold': 10})
        x = tt([-30.0, -2.0, 1.0, 19.5, 20.5, 25.0, 100.0], dt)
        fam.add(f'softplus/above-default-threshold/{d}', 'softplus', [x], [True])
        x = rn([2, 3], dt)
        fam.add(f'softplus/beta0.5/{d}', 'softplus', [x], [True], {'beta': 0.5})
        fam.add(f'softplus/threshold1/{d}', 'softplus', [x], [True], {'threshold': 1})
        x = tt([1e-10, -1e-7, 1e-3, 0.5], dt)
        fam.add(f'log1p/tiny/{d}', 'log1p', [x], [True])
        fam.add(f'expm1/tiny/{d}', 'expm1', [x], [True])

    # clamp (number bounds; null = no bound on that side)
    for dt in FLOATS:
        d = dn(dt)
        x = rn([3, 4], dt, scale=2.0)
        fam.add(f'clamp/min-max/{d}', 'clamp', [x, -1, 1.5], [True, False, False])
        fam.add(f'clamp/min-only/{d}', 'clamp', [x, 0.25], [True, False])
        fam.add(f'clamp/min-only-null-max/{d}', 'clamp', [x, -0.5, None], [True, False, False])
        fam.add(f'clamp/max-only/{d}', 'clamp', [x, None, 0.5], [True, False, False])
        fam.add(f'clamp/min-gt-max/{d}', 'clamp', [x, 1, -1], [True, False, False])
        s = rn([], dt)
        fam.add(f'clamp/0d/{d}', 'clamp', [s, -0.1, 0.1], [True, False, False])

    # where (cond constant)
    for dt in FLOATS:
        d = dn(dt)
        FTT = [False, True, True]
        c, a, b = rb([2, 3]), rn([2, 3], dt), rn([2, 3], dt)
        fam.add(f'where/same/{d}', 'where', [c, a, b], FTT)
        c, a, b = rb([2, 1]), rn([3], dt), rn([2, 3], dt)
        fam.add(f'where/broadcast-cond[2,1]-a[3]-b[2,3]/{d}', 'where', [c, a, b], FTT)
        c, a, b = rb([4]), rn([3, 1], dt), rn([], dt)
        fam.add(f'where/broadcast[4]-[3,1]-0d/{d}', 'where', [c, a, b], FTT)
        c, a = rb([2, 3]), rn([2, 3], dt)
        fam.add(f'where/scalar-b/{d}', 'where', [c, a, 0.0], [False, True, False])
        fam.add(f'where/scalar-a/{d}', 'where', [c, -1.5, a], [False, False, True])
        c, a, b = rb([2, 3]), rn([2, 3], dt), rn([2, 3], dt)
        fam.add(f'where/constant-b/{d}', 'where', [c, a, b], [False, True, False])

    # maskedFill (mask and value constant)
    for dt in FLOATS:
        d = dn(dt)
        m = rn([3, 4], dt)
        fam.add(f'maskedFill/same/{d}', 'maskedFill', [m, rb([3, 4]), 0.5], [True, False, False])
        fam.add(f'maskedFill/broadcast-mask[4]/{d}', 'maskedFill', [m, rb([4]), -2], [True, False, False])
        fam.add(f'maskedFill/broadcast-mask[3,1]/{d}', 'maskedFill', [m, rb([3, 1]), 7], [True, False, False])
        fam.add(f'maskedFill/0d-mask/{d}', 'maskedFill', [m, tt(True, BOOL), 1.5], [True, False, False])
        fam.add(f'maskedFill/neg-inf/{d}', 'maskedFill', [m, rb([3, 4]), -INF], [True, False, False])

    # clamp with tensor bounds (broadcasting; constant, then differentiable)
    for dt in FLOATS:
        d = dn(dt)
        x = rn([3, 4], dt, scale=2.0)
        lo, hi = rn([4], dt, scale=0.5, shift=-0.8), rn([3, 1], dt, scale=0.5, shift=0.8)
        fam.add(f'clamp/tensor-bounds/constant/{d}', 'clamp', [x, lo, hi], [True, False, False])
        fam.add(f'clamp/tensor-bounds/differentiable/{d}', 'clamp', [x, lo, hi], [True, True, True])
        fam.add(f'clamp/tensor-min-only/differentiable/{d}', 'clamp', [x, lo], [True, True])

    # dtype mixes with constants: int32 / bool constants, a float64 constant with a float32 input
    for dt in FLOATS:
        d = dn(dt)
        x = rn([2, 3], dt)
        k = torch.randint(-3, 4, [3]).to(I32)
        fam.add(f'mul/int32-constant/{d}', 'mul', [x, k], [True, False])
        fam.add(f'add/int32-constant-lhs/{d}', 'add', [k, x], [False, True])
        fam.add(f'div/int32-constant-numerator/{d}', 'div', [k, away([2, 3], dt)], [False, True])
        fam.add(f'mul/bool-constant/{d}', 'mul', [x, rb([2, 3])], [True, False])
    x = rn([2, 3], F32)
    fam.add('mul/float32-input.float64-constant/mixed', 'mul', [x, rn([3], F64)], [True, False])
    fam.add('sub/float64-constant.float32-input/mixed', 'sub', [rn([2, 1], F64), x], [False, True])
    fam.add('pow/float32-input^float64-constant/mixed', 'pow', [ru([2, 3], 0.2, 3.0, F32), rn([3], F64)],
            [True, False])

    # empty tensors
    for dt in FLOATS:
        d = dn(dt)
        fam.add(f'add/empty[2,0,3]+[1,3]/{d}', 'add', [rn([2, 0, 3], dt), rn([1, 3], dt)], [True, True])
        fam.add(f'mul/empty[0]*0d/{d}', 'mul', [rn([0], dt), rn([], dt)], [True, True])
        fam.add(f'exp/empty[2,0]/{d}', 'exp', [rn([2, 0], dt)], [True])
    return fam


# ---------------------------------------------------------------------------------------------
# reductions


def gen_reduction():
    fam = Family('reduction')

    def call_args(x, dim, keep):
        if keep is None:
            return ([x] if dim is None else [x, dim]), None
        return [x, dim], {'keepDim': keep}

    def flags(args):
        return [True] + [False] * (len(args) - 1)

    specs = [
        (None, None), (None, True), (None, False), (1, None), (-1, None), (0, True), (2, False), (-2, True),
        ([0, 2], None), ([-1, 0], True), ([1], False), ([0, 1, 2], None), ([-3, -1], False),
    ]
    for op in ('sum', 'mean', 'prod', 'amax', 'amin', 'max', 'min', 'logsumexp'):
        for dt in FLOATS:
            d = dn(dt)
            scale, shift = (0.6, 1.0) if op == 'prod' else (1.0, 0.0)
            x = rn([2, 3, 4], dt, scale=scale, shift=shift)
            for dim, keep in specs:
                args, opts = call_args(x, dim, keep)
                name = (f'{op}/[2,3,4]/dim={dim}' + ('' if keep is None else f'/keepDim={str(keep).lower()}')
                        + f'/{d}').replace(' ', '')
                fam.add(name, op, args, flags(args), opts)
            x = rn([5], dt, scale=scale, shift=shift)
            fam.add(f'{op}/[5]/all/{d}', op, [x], [True])
            fam.add(f'{op}/[5]/dim=0/{d}', op, [x, 0], [True, False])
            fam.add(f'{op}/[5]/dim=-1/keepDim=true/{d}', op, [x, -1], [True, False], {'keepDim': True})
            x = rn([], dt, shift=shift)
            fam.add(f'{op}/0d/all/{d}', op, [x], [True])
            x = rn([1, 3, 1], dt, scale=scale, shift=shift)
            fam.add(f'{op}/size1[1,3,1]/dim=0/{d}', op, [x, 0], [True, False])
            fam.add(f'{op}/size1[1,3,1]/dim=2/keepDim=true/{d}', op, [x, 2], [True, False], {'keepDim': True})

    # prod with zeros in a lane
    for dt in FLOATS:
        d = dn(dt)
        x = tt([[2.0, 0.0, 3.0, -0.5], [1.5, 0.0, 0.0, 2.0], [1.5, -2.0, 0.5, 3.0]], dt)
        fam.add(f'prod/zeros/one-and-two-zeros-per-row/dim=1/{d}', 'prod', [x, 1], [True, False])
        fam.add(f'prod/zeros/dim=-1/keepDim=true/{d}', 'prod', [x, -1], [True, False], {'keepDim': True})
        fam.add(f'prod/zeros/dim=0/{d}', 'prod', [x, 0], [True, False])
        fam.add(f'prod/zeros/all-three-zeros/{d}', 'prod', [x], [True])
        x = tt([2.0, 0.0, 3.0, -0.5], dt)
        fam.add(f'prod/zeros/all-one-zero/{d}', 'prod', [x], [True])
        x = tt([2.0, 0.0, 3.0, 0.0], dt)
        fam.add(f'prod/zeros/all-two-zeros/{d}', 'prod', [x], [True])
        x = tt([[2.0, 0.0], [3.0, 4.0]], dt)
        fam.add(f'prod/zeros/dims=[0,1]/{d}', 'prod', [x, [0, 1]], [True, False])

    # variance / std
    for op in ('variance', 'std'):
        for dt in FLOATS:
            d = dn(dt)
            x = rn([2, 3, 4], dt, scale=1.5, shift=0.3)
            fam.add(f'{op}/all/{d}', op, [x], [True])
            fam.add(f'{op}/all/unbiased=false/{d}', op, [x, None], [True, False], {'unbiased': False})
            fam.add(f'{op}/all/unbiased=true/{d}', op, [x, None], [True, False], {'unbiased': True})
            fam.add(f'{op}/all/keepDim=true/{d}', op, [x, None], [True, False], {'keepDim': True})
            fam.add(f'{op}/dim=1/{d}', op, [x, 1], [True, False])
            fam.add(f'{op}/dim=-1/unbiased=false/{d}', op, [x, -1], [True, False], {'unbiased': False})
            fam.add(f'{op}/dim=0/keepDim=true/{d}', op, [x, 0], [True, False], {'keepDim': True})
            fam.add(f'{op}/dim=[0,2]/unbiased=false/keepDim=true/{d}', op, [x, [0, 2]], [True, False],
                    {'unbiased': False, 'keepDim': True})
            fam.add(f'{op}/dim=[-1,1]/{d}', op, [x, [-1, 1]], [True, False])
            x = rn([5], dt)
            fam.add(f'{op}/[5]/all/{d}', op, [x], [True])
            x = rn([2, 1], dt)
            fam.add(f'{op}/n=1-biased/dim=1/{d}', op, [x, 1], [True, False], {'unbiased': False})

    # norm = vector_norm
    for dt in FLOATS:
        d = dn(dt)
        x = rn([2, 3, 4], dt)
        fam.add(f'norm/default/all/{d}', 'norm', [x], [True])
        for p in (2, 1, INF, 3, -INF, 0.5):
            fam.add(f'norm/p={p}/all/{d}', 'norm', [x, p], [True, False])
        fam.add(f'norm/p=2/dim=1/{d}', 'norm', [x, 2, 1], [True, False, False])
        fam.add(f'norm/p=1/dim=-1/keepDim=true/{d}', 'norm', [x, 1, -1], [True, False, False], {'keepDim': True})
        fam.add(f'norm/p=inf/dim=[0,2]/{d}', 'norm', [x, INF, [0, 2]], [True, False, False])
        fam.add(f'norm/p=3/dim=0/{d}', 'norm', [x, 3, 0], [True, False, False])
        fam.add(f'norm/p=2/dim=[0,2]/keepDim=true/{d}', 'norm', [x, 2, [0, 2]], [True, False, False],
                {'keepDim': True})
        fam.add(f'norm/p=default/dim=0/{d}', 'norm', [x, None, 0], [True, False, False])
        fam.add(f'norm/p=2/all/keepDim=true/{d}', 'norm', [x, 2, None], [True, False, False], {'keepDim': True})
        x = rn([], dt)
        fam.add(f'norm/0d/{d}', 'norm', [x], [True])

    # softmax / logSoftmax
    for op in ('softmax', 'logSoftmax'):
        for dt in FLOATS:
            d = dn(dt)
            x = rn([2, 3, 4], dt, scale=2.0)
            for dim in (0, 1, 2, -1, -2):
                fam.add(f'{op}/[2,3,4]/dim={dim}/{d}', op, [x, dim], [True, False])
            x = tt([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [0.0, 1.0, 2.0]], dt)
            fam.add(f'{op}/large/dim=1/{d}', op, [x, 1], [True, False])
            x = tt([[-INF, 0.0, 1.0], [-INF, -2.0, 2.0]], dt)
            fam.add(f'{op}/masked-neg-inf/dim=-1/{d}', op, [x, -1], [True, False])
            x = rn([5], dt)
            fam.add(f'{op}/[5]/dim=0/{d}', op, [x, 0], [True, False])
            x = rn([3, 1], dt)
            fam.add(f'{op}/size1-dim/dim=1/{d}', op, [x, 1], [True, False])
            x = rn([], dt)
            fam.add(f'{op}/0d/dim=0/{d}', op, [x, 0], [True, False])

    # logsumexp with large values
    for dt in FLOATS:
        d = dn(dt)
        x = tt([[1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1002.0]], dt)
        fam.add(f'logsumexp/large/dim=1/{d}', 'logsumexp', [x, 1], [True, False])
        fam.add(f'logsumexp/large/all/{d}', 'logsumexp', [x], [True])

    # 0-d along dim 0 / -1
    for dt in FLOATS:
        d = dn(dt)
        x = rn([], dt, shift=1.0)
        for op in ('sum', 'mean', 'prod', 'amax', 'max', 'logsumexp'):
            fam.add(f'{op}/0d/dim=0/{d}', op, [x, 0], [True, False])
            fam.add(f'{op}/0d/dim=-1/keepDim=true/{d}', op, [x, -1], [True, False], {'keepDim': True})

    # empty tensors: reducing a non-empty dim, or an empty one with sum/mean-free ops
    for dt in FLOATS:
        d = dn(dt)
        e = rn([2, 0, 3], dt)
        fam.add(f'sum/empty[2,0,3]/dim=1/{d}', 'sum', [e, 1], [True, False])
        fam.add(f'sum/empty[2,0,3]/all/{d}', 'sum', [e], [True])
        fam.add(f'prod/empty[2,0,3]/dim=1/{d}', 'prod', [e, 1], [True, False])
        for op in ('sum', 'mean', 'prod', 'amax', 'max', 'logsumexp'):
            fam.add(f'{op}/empty[2,0,3]/dim=0/{d}', op, [e, 0], [True, False])
        fam.add(f'softmax/empty[2,0,3]/dim=2/{d}', 'softmax', [e, 2], [True, False])

    # medium sizes (many-term sums)
    for dt in FLOATS:
        d = dn(dt)
        x = rn([5, 17, 4], dt, shift=0.5)
        for op in ('sum', 'mean', 'logsumexp', 'amax'):
            for dd in (1, [0, 2]):
                fam.add(f'{op}/medium[5,17,4]/dim={dd}/{d}'.replace(' ', ''), op, [x, dd], [True, False])
        fam.add(f'variance/medium[5,17,4]/dim=1/{d}', 'variance', [x, 1], [True, False])
        fam.add(f'std/medium[5,17,4]/all/{d}', 'std', [x], [True])
        fam.add(f'norm/medium[5,17,4]/p=2/dim=1/{d}', 'norm', [x, 2, 1], [True, False, False])
        fam.add(f'softmax/medium[5,17,4]/dim=1/{d}', 'softmax', [x, 1], [True, False])
        fam.add(f'logSoftmax/medium[5,17,4]/dim=1/{d}', 'logSoftmax', [x, 1], [True, False])
        x = rn([120], dt, scale=0.2, shift=1.0)
        fam.add(f'prod/medium[120]/all/{d}', 'prod', [x], [True])
    return fam


# ---------------------------------------------------------------------------------------------
# linear algebra


def gen_linalg():
    fam = Family('linalg')
    TT = [True, True]
    shapes = [
        ('1d.1d', [4], [4]),
        ('1d.2d', [3], [3, 5]),
        ('2d.1d', [2, 3], [3]),
        ('2d.2d', [2, 3], [3, 4]),
        ('2d.2d-[1,1]', [1, 1], [1, 1]),
        ('3d.3d', [2, 3, 4], [2, 4, 5]),
        ('broadcast[2,1,3,4].[5,4,2]', [2, 1, 3, 4], [5, 4, 2]),
        ('broadcast[1,3,4].[2,4,2]', [1, 3, 4], [2, 4, 2]),
        ('3d.2d', [2, 3, 4], [4, 2]),
        ('2d.3d', [3, 4], [2, 4, 2]),
        ('3d.1d', [2, 3, 4], [4]),
        ('1d.3d', [3], [2, 3, 4]),
        ('4d.4d', [2, 2, 2, 3], [2, 2, 3, 2]),
    ]

    def wellcond(n):
        q, _ = torch.linalg.qr(torch.randn(n, n, dtype=F64))
        r, _ = torch.linalg.qr(torch.randn(n, n, dtype=F64))
        s = torch.linspace(1.0, 3.0, n, dtype=F64)
        return q @ torch.diag(s) @ r.T

    for dt in FLOATS:
        d = dn(dt)
        for tag, sa, sb in shapes:
            a, b = rn(sa, dt), rn(sb, dt)
            fam.add(f'matmul/{tag}/{d}', 'matmul', [a, b], TT)
        a, b = rn([3, 4], dt), rn([4, 2], dt)
        fam.add(f'matmul/constant-rhs/{d}', 'matmul', [a, b], [True, False])
        fam.add(f'matmul/constant-lhs/{d}', 'matmul', [a, b], [False, True])
        a, b = rn([5], dt), rn([5], dt)
        fam.add(f'dot/[5]/{d}', 'dot', [a, b], TT)
        a, b = rn([1], dt), rn([1], dt)
        fam.add(f'dot/[1]/{d}', 'dot', [a, b], TT)
        a, b = rn([3], dt), rn([4], dt)
        fam.add(f'outer/[3]x[4]/{d}', 'outer', [a, b], TT)
        a, b = rn([1], dt), rn([2], dt)
        fam.add(f'outer/[1]x[2]/{d}', 'outer', [a, b], TT)

        x = rn([2, 3, 4], dt)
        fam.add(f'transpose/0,1/{d}', 'transpose', [x, 0, 1], [True, False, False])
        fam.add(f'transpose/-1,0/{d}', 'transpose', [x, -1, 0], [True, False, False])
        fam.add(f'transpose/same-dim/{d}', 'transpose', [x, 1, 1], [True, False, False])
        m = rn([3, 5], dt)
        fam.add(f'transpose/2d/{d}', 'transpose', [m, 0, 1], [True, False, False])
        fam.add(f'permute/2,0,1/{d}', 'permute', [x, [2, 0, 1]], [True, False])
        fam.add(f'permute/-1,0,-2/{d}', 'permute', [x, [-1, 0, -2]], [True, False])
        fam.add(f'permute/identity/{d}', 'permute', [x, [0, 1, 2]], [True, False])
        q = rn([2, 3, 2, 2], dt)
        fam.add(f'permute/4d-3,1,0,2/{d}', 'permute', [q, [3, 1, 0, 2]], [True, False])

        for n in (1, 2, 3, 4):
            a = wellcond(n).to(dt)
            b = rn([n, 2], dt)
            fam.add(f'solve/n={n}/matrix-rhs[{n},2]/{d}', 'solve', [a, b], TT)
            v = rn([n], dt)
            fam.add(f'solve/n={n}/vector-rhs[{n}]/{d}', 'solve', [a, v], TT)
            fam.add(f'inv/n={n}/{d}', 'inv', [a], [True])
        a = wellcond(3).to(dt)
        b = rn([3, 1], dt)
        fam.add(f'solve/matrix-rhs[3,1]/{d}', 'solve', [a, b], TT)
        fam.add(f'solve/constant-matrix/{d}', 'solve', [a, b], [False, True])
        fam.add(f'solve/constant-rhs/{d}', 'solve', [a, b], [True, False])
        a = tt([[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]], dt)  # needs pivoting
        v = tt([1.0, 2.0, 3.0], dt)
        fam.add(f'solve/needs-pivoting/{d}', 'solve', [a, v], TT)
        fam.add(f'inv/needs-pivoting/{d}', 'inv', [a], [True])
        a = tt([[4.0, 7.0], [2.0, 6.0]], dt)
        fam.add(f'inv/known-2x2/{d}', 'inv', [a], [True])
        g = rn([3, 6], F64)
        gram = (g @ g.T).to(dt)
        fam.add(f'inv/gram[3,3]/{d}', 'inv', [gram], [True])
        fam.add(f'eigh/gram[3,3]/{d}', 'eigh', [gram], [True])
        sym = rn([4, 4], F64)
        sym = ((sym + sym.T) / 2).to(dt)
        fam.add(f'eigh/symmetric[4,4]/{d}', 'eigh', [sym], [True])
        fam.add(f'pinv/wide[3,5]/{d}', 'pinv', [rn([3, 5], dt)], [True])
        fam.add(f'pinv/tall[5,2]/{d}', 'pinv', [rn([5, 2], dt)], [True])
        fam.add(f'pinv/square[3,3]/{d}', 'pinv', [wellcond(3).to(dt)], [True])
        fam.add(f'solve/gram[3,3]/{d}', 'solve', [gram, rn([3], dt)], TT)
        for tag, sa, sb in (('medium[33,17].[17,65]', [33, 17], [17, 65]),
                            ('medium-batched[3,9,16].[16,7]', [3, 9, 16], [16, 7]),
                            ('medium[70].[70,3]', [70], [70, 3]),
                            ('empty-k[2,0].[0,3]', [2, 0], [0, 3]),
                            ('empty-m[0,3].[3,2]', [0, 3], [3, 2]),
                            ('empty-batch[0,2,3].[3,4]', [0, 2, 3], [3, 4])):
            a, b = rn(sa, dt), rn(sb, dt)
            fam.add(f'matmul/{tag}/{d}', 'matmul', [a, b], TT)
        a, b = rn([100], dt), rn([100], dt)
        fam.add(f'dot/medium[100]/{d}', 'dot', [a, b], TT)
    return fam


# ---------------------------------------------------------------------------------------------
# shape and indexing


def gen_shape():
    fam = Family('shape')
    G1 = [True, False]
    for dt in FLOATS:
        d = dn(dt)
        x = rn([2, 3, 4], dt)
        fam.add(f'reshape/[6,4]/{d}', 'reshape', [x, [6, 4]], G1)
        fam.add(f'reshape/[-1]/{d}', 'reshape', [x, [-1]], G1)
        fam.add(f'reshape/[4,-1,2]/{d}', 'reshape', [x, [4, -1, 2]], G1)
        s = rn([1], dt)
        fam.add(f'reshape/[1]->0d/{d}', 'reshape', [s, []], G1)
        s = rn([], dt)
        fam.add(f'reshape/0d->[1,1]/{d}', 'reshape', [s, [1, 1]], G1)

        y = rn([2, 3, 2, 2], dt)
        fam.add(f'flatten/default/{d}', 'flatten', [y], [True])
        fam.add(f'flatten/startDim=1/{d}', 'flatten', [y, 1], G1)
        fam.add(f'flatten/1..2/{d}', 'flatten', [y, 1, 2], [True, False, False])
        fam.add(f'flatten/0..-2/{d}', 'flatten', [y, 0, -2], [True, False, False])
        fam.add(f'flatten/0d/{d}', 'flatten', [s], [True])

        y = rn([1, 3, 1, 2], dt)
        fam.add(f'squeeze/all/{d}', 'squeeze', [y], [True])
        fam.add(f'squeeze/dim=0/{d}', 'squeeze', [y, 0], G1)
        fam.add(f'squeeze/dim=-2/{d}', 'squeeze', [y, -2], G1)
        fam.add(f'squeeze/dim-not-1-noop/{d}', 'squeeze', [y, 1], G1)
        s11 = rn([1, 1], dt)
        fam.add(f'squeeze/all-to-0d/{d}', 'squeeze', [s11], [True])
        fam.add(f'unsqueeze/dim=0/{d}', 'unsqueeze', [x, 0], G1)
        fam.add(f'unsqueeze/dim=2/{d}', 'unsqueeze', [x, 2], G1)
        fam.add(f'unsqueeze/dim=-1/{d}', 'unsqueeze', [x, -1], G1)
        fam.add(f'unsqueeze/0d/{d}', 'unsqueeze', [s, 0], G1)

        y = rn([3, 1], dt)
        fam.add(f'expand/[3,4]/{d}', 'expand', [y, [3, 4]], G1)
        fam.add(f'expand/[2,3,4]/{d}', 'expand', [y, [2, 3, 4]], G1)
        fam.add(f'expand/[-1,4]/{d}', 'expand', [y, [-1, 4]], G1)
        fam.add(f'expand/[2,-1,5]/{d}', 'expand', [y, [2, -1, 5]], G1)
        fam.add(f'expand/0d->[2,3]/{d}', 'expand', [s, [2, 3]], G1)
        fam.add(f'broadcastTo/[3,1]->[2,3,4]/{d}', 'broadcastTo', [y, [2, 3, 4]], G1)
        v = rn([4], dt)
        fam.add(f'broadcastTo/[4]->[2,1,4]/{d}', 'broadcastTo', [v, [2, 1, 4]], G1)
        fam.add(f'broadcastTo/same/{d}', 'broadcastTo', [x, [2, 3, 4]], G1)

        a, b, c = rn([2, 3], dt), rn([1, 3], dt), rn([4, 3], dt)
        fam.add(f'concat/dim=0/{d}', 'concat', [[a, b, c], 0], G1)
        a2, b2 = rn([2, 3], dt), rn([2, 5], dt)
        fam.add(f'concat/dim=-1/{d}', 'concat', [[a2, b2], -1], G1)
        p, q = rn([2, 3, 4], dt), rn([2, 1, 4], dt)
        fam.add(f'concat/dim=1-3d/{d}', 'concat', [[p, q], 1], G1)
        fam.add(f'concat/single/{d}', 'concat', [[p], 2], G1)
        v1, v3 = rn([1], dt), rn([3], dt)
        fam.add(f'concat/1d/{d}', 'concat', [[v1, v3], 0], G1)
        fam.add(f'stack/dim=0/{d}', 'stack', [[a, a2], 0], G1)
        fam.add(f'stack/dim=1/{d}', 'stack', [[a, a2], 1], G1)
        fam.add(f'stack/dim=-1/{d}', 'stack', [[a, a2, rn([2, 3], dt)], -1], G1)
        fam.add(f'stack/0d/{d}', 'stack', [[rn([], dt), rn([], dt), rn([], dt)], 0], G1)

        y = rn([7, 2], dt)
        fam.add(f'split/size=3/{d}', 'split', [y, 3], G1)
        fam.add(f'split/sections=[2,4,1]/{d}', 'split', [y, [2, 4, 1]], G1)
        fam.add(f'chunk/3/{d}', 'chunk', [y, 3], G1)
        z = rn([2, 6, 3], dt)
        fam.add(f'split/size=2/dim=1/{d}', 'split', [z, 2, 1], [True, False, False])
        fam.add(f'split/size=4/dim=-2/{d}', 'split', [z, 4, -2], [True, False, False])
        fam.add(f'split/sections=[1,2]/dim=-1/{d}', 'split', [z, [1, 2], -1], [True, False, False])
        fam.add(f'split/size-larger-than-dim/{d}', 'split', [z, 5, 0], [True, False, False])
        fam.add(f'chunk/2/dim=1/{d}', 'chunk', [z, 2, 1], [True, False, False])
        fam.add(f'chunk/4-of-6-gives-3/dim=1/{d}', 'chunk', [z, 4, 1], [True, False, False])
        fam.add(f'chunk/2/dim=-1/{d}', 'chunk', [z, 2, -1], [True, False, False])

        x = rn([4, 5, 3], dt)
        for dim, start, end, step in [(0, 1, 3, 1), (1, 0, None, 2), (-1, 1, None, 1), (1, -3, -1, 1),
                                      (1, 1, 100, 1), (0, 0, 4, 3), (1, 0, 5, 4), (2, 0, 3, 2)]:
            if step != 1:
                args = [x, dim, start, end, step]
            elif end is None:
                args = [x, dim, start]
            else:
                args = [x, dim, start, end]
            name = f'slice/dim={dim}/{start}:{"" if end is None else end}:{step}/{d}'
            fam.add(name, 'slice', args, [True] + [False] * (len(args) - 1))
        v = rn([6], dt)
        fam.add(f'slice/1d-step2/{d}', 'slice', [v, 0, 1, None, 2], [True, False, False, False, False])
        fam.add(f'narrow/dim=1/1+3/{d}', 'narrow', [x, 1, 1, 3], [True, False, False, False])
        fam.add(f'narrow/dim=-1/0+2/{d}', 'narrow', [x, -1, 0, 2], [True, False, False, False])
        fam.add(f'narrow/dim=0/start-neg/{d}', 'narrow', [x, 0, -2, 2], [True, False, False, False])
        fam.add(f'select/dim=0/2/{d}', 'select', [x, 0, 2], [True, False, False])
        fam.add(f'select/dim=-1/-1/{d}', 'select', [x, -1, -1], [True, False, False])
        fam.add(f'select/dim=1/0/{d}', 'select', [x, 1, 0], [True, False, False])
        fam.add(f'select/1d->0d/{d}', 'select', [v, 0, 3], [True, False, False])

        G3 = [True, False, False]
        idx = torch.randint(0, 4, [4, 5, 3]).to(I32)
        fam.add(f'gather/dim=0/{d}', 'gather', [x, 0, idx], G3)
        idx = torch.randint(0, 5, [4, 2, 3]).to(I32)
        fam.add(f'gather/dim=1-smaller-index/{d}', 'gather', [x, 1, idx], G3)
        idx = torch.randint(0, 3, [2, 3, 6]).to(I32)
        fam.add(f'gather/dim=-1-index-longer-repeats/{d}', 'gather', [x, -1, idx], G3)
        m = rn([3, 4], dt)
        idx = tt([[0, 0], [1, 0], [3, 2]], I32)
        fam.add(f'gather/2d-dim=1-repeats/{d}', 'gather', [m, 1, idx], G3)
        ix = tt([2, 0, 2, 3], I32)
        fam.add(f'indexSelect/dim=0-repeats/{d}', 'indexSelect', [x, 0, ix], G3)
        ix = tt([4, 1], I32)
        fam.add(f'indexSelect/dim=-2/{d}', 'indexSelect', [x, -2, ix], G3)
        ix = tt([5, 5, 0], I32)
        fam.add(f'indexSelect/1d-repeats/{d}', 'indexSelect', [v, 0, ix], G3)
        ix = tt(3, I32)
        fam.add(f'indexSelect/0d-index/{d}', 'indexSelect', [v, 0, ix], G3)

        # empty pieces
        e = rn([0, 3], dt)
        fam.add(f'concat/with-empty/{d}', 'concat', [[a, e, b], 0], G1)
        fam.add(f'split/sections-with-zero/dim=1/{d}', 'split', [z, [0, 6, 0], 1], G3)
        fam.add(f'narrow/length0/{d}', 'narrow', [x, 1, 2, 0], [True, False, False, False])
        fam.add(f'slice/empty-range/{d}', 'slice', [v, 0, 3, 3], [True, False, False, False])
        fam.add(f'reshape/empty[2,0,3]->[0,6]/{d}', 'reshape', [rn([2, 0, 3], dt), [0, 6]], G1)
        fam.add(f'expand/to-empty/{d}', 'expand', [rn([3, 1], dt), [3, 0]], G1)
        idx = torch.zeros([0, 4], dtype=I32)
        fam.add(f'gather/empty-index/{d}', 'gather', [m, 0, idx], G3)
    return fam


# ---------------------------------------------------------------------------------------------
# kinks and ties: PyTorch's conventions where the derivative is undefined or split


def gen_kinks():
    fam = Family('kinks')
    G1 = [True]
    for dt in FLOATS:
        d = dn(dt)
        z = tt([-1.0, 0.0, -0.0, 1.0, 0.0], dt)
        # relu'(0) = 0 (also at -0)
        fam.add(f'relu/at-zero/{d}', 'relu', [z], G1)
        # leakyRelu'(0) = negativeSlope (torch: x > 0 ? 1 : slope)
        fam.add(f'leakyRelu/at-zero/default-slope/{d}', 'leakyRelu', [z], G1)
        fam.add(f'leakyRelu/at-zero/slope0.2/{d}', 'leakyRelu', [z, 0.2], [True, False])
        # elu'(0) = alpha (torch: x <= 0 ? alpha*exp(x) : 1)
        fam.add(f'elu/at-zero/alpha1/{d}', 'elu', [z], G1)
        fam.add(f'elu/at-zero/alpha0.5/{d}', 'elu', [z, 0.5], [True, False])
        # abs'(0) = 0, sign' = 0 everywhere
        fam.add(f'abs/at-zero/{d}', 'abs', [z], G1)
        fam.add(f'sign/at-zero/{d}', 'sign', [z], G1)
        # sqrt'(0) = +inf (torch gives grad/(2*sqrt(x)): ±inf by the sign of R)
        fam.add(f'sqrt/at-zero-gives-inf/{d}', 'sqrt', [tt([0.0, 1.0, 4.0], dt)], G1)
        # pow at 0: x^2 and x^3 are smooth (0), x^0 has gradient 0 everywhere, x^1 has 1
        for p in (2, 3, 0, 1):
            fam.add(f'pow/at-zero/exponent={p}/{d}', 'pow', [tt([-1.0, 0.0, 2.0], dt), p], [True, False])
        # clamp passes the gradient on the boundary (torch: min <= x <= max)
        x = tt([-2.0, -1.0, -0.5, 0.0, 1.5, 2.0, 1.5, -1.0], dt)
        fam.add(f'clamp/on-both-bounds/{d}', 'clamp', [x, -1, 1.5], [True, False, False])
        fam.add(f'clamp/on-min-bound/max-null/{d}', 'clamp', [x, -1, None], [True, False, False])
        fam.add(f'clamp/on-max-bound/min-null/{d}', 'clamp', [x, None, 1.5], [True, False, False])
        fam.add(f'clamp/min-equals-max/{d}', 'clamp', [x, 1.5, 1.5], [True, False, False])
        # maximum / minimum ties split 1/2 - 1/2
        a = tt([1.0, 2.0, 3.0, -0.5, 0.0], dt)
        b = tt([1.0, 1.0, 3.0, -0.5, 0.5], dt)
        fam.add(f'maximum/ties/{d}', 'maximum', [a, b], [True, True])
        fam.add(f'minimum/ties/{d}', 'minimum', [a, b], [True, True])
        fam.add(f'maximum/ties/constant-rhs/{d}', 'maximum', [a, b], [True, False])
        a = tt([[1.0, 2.0, 3.0], [0.5, 2.0, -3.0]], dt)
        b = tt([1.0, 2.0, 0.0], dt)
        fam.add(f'maximum/ties-broadcast[2,3].[3]/{d}', 'maximum', [a, b], [True, True])
        fam.add(f'minimum/ties-broadcast[2,3].[3]/{d}', 'minimum', [a, b], [True, True])
        x = tt([0.0, -1.0, 2.0, 0.0], dt)
        fam.add(f'maximum/ties-with-scalar-0/{d}', 'maximum', [x, 0], [True, False])
        fam.add(f'minimum/ties-with-scalar-0/{d}', 'minimum', [0, x], [False, True])

        # full max()/amax()/min()/amin() over tied extrema: split evenly among the ties
        x = tt([[1.0, 3.0, 3.0, -1.0], [2.0, 3.0, 0.0, -1.0]], dt)
        fam.add(f'max/all/ties-split-evenly/{d}', 'max', [x], G1)
        fam.add(f'max/all/keepDim=true/ties-split-evenly/{d}', 'max', [x, None], [True, False], {'keepDim': True})
        fam.add(f'amax/all/ties-split-evenly/{d}', 'amax', [x], G1)
        fam.add(f'min/all/ties-split-evenly/{d}', 'min', [-x], G1)
        fam.add(f'amin/all/ties-split-evenly/{d}', 'amin', [-x], G1)
        xm = tt([[-1.0, -1.0, 2.0], [-1.0, 4.0, -1.0]], dt)
        fam.add(f'min/all/ties-split-evenly-2/{d}', 'min', [xm], G1)
        # reduction over one dim with ties
        x = tt([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 0.0, 2.0], [5.0, 1.0, 1.0, 1.0]], dt)
        #   max(x, dim) = torch.max(x, dim).values: all to the index torch returns (the first)
        fam.add(f'max/dim=1/ties-first-index/{d}', 'max', [x, 1], [True, False])
        fam.add(f'max/dim=-1/keepDim=true/ties-first-index/{d}', 'max', [x, -1], [True, False], {'keepDim': True})
        fam.add(f'max/dim=0/ties-first-index/{d}', 'max', [x.T.contiguous(), 0], [True, False])
        fam.add(f'min/dim=1/ties-first-index/{d}', 'min', [-x, 1], [True, False])
        fam.add(f'min/dim=-1/keepDim=true/ties-first-index/{d}', 'min', [-x, -1], [True, False], {'keepDim': True})
        #   amax(x, dim) = torch.amax: split evenly among the ties
        fam.add(f'amax/dim=1/ties-split-evenly/{d}', 'amax', [x, 1], [True, False])
        fam.add(f'amax/dim=-1/keepDim=true/ties-split-evenly/{d}', 'amax', [x, -1], [True, False], {'keepDim': True})
        fam.add(f'amin/dim=1/ties-split-evenly/{d}', 'amin', [-x, 1], [True, False])
        #   max(x, dims list) = torch.amax(x, dims): split evenly
        x3 = tt([[[1.0, 3.0], [3.0, 0.0]], [[2.0, 2.0], [-1.0, 2.0]]], dt)
        fam.add(f'max/dims=[1,2]/ties-split-evenly/{d}', 'max', [x3, [1, 2]], [True, False])
        fam.add(f'amax/dims=[0,2]/ties-split-evenly/{d}', 'amax', [x3, [0, 2]], [True, False])
        fam.add(f'min/dims=[-1,-2]/ties-split-evenly/{d}', 'min', [-x3, [-1, -2]], [True, False])

        # norm at the zero vector: torch gives gradient 0 (every p); with a zero row under dim
        zv = tt([0.0, 0.0, 0.0], dt)
        for p in (2, 1, INF, 3):
            fam.add(f'norm/zero-vector/p={p}/{d}', 'norm', [zv, p], [True, False])
        fam.add(f'norm/zero-vector/default-p/{d}', 'norm', [zv], G1)
        zr = tt([[0.0, 0.0], [3.0, 4.0], [0.0, -2.0]], dt)
        for p in (2, 1, INF, 3):
            fam.add(f'norm/zero-row/p={p}/dim=1/{d}', 'norm', [zr, p, 1], [True, False, False])
        # p=1: sign(0) = 0 for a zero entry of a nonzero vector; p=inf with tied |x|: split evenly
        fam.add(f'norm/p=1/zero-entry/{d}', 'norm', [tt([0.0, -2.0, 1.0], dt), 1], [True, False])
        fam.add(f'norm/p=inf/ties-split-evenly/{d}', 'norm', [tt([2.0, -2.0, 1.0, 2.0], dt), INF], [True, False])
        fam.add(f'norm/p=2/zero-entry/{d}', 'norm', [tt([0.0, 3.0, -4.0], dt)], G1)
        # std of a constant lane: torch gives gradient 0 (masks result == 0)
        c = tt([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]], dt)
        fam.add(f'std/zero-variance/dim=1/{d}', 'std', [c, 1], [True, False])
        fam.add(f'std/zero-variance/all/{d}', 'std', [tt([1.5, 1.5, 1.5, 1.5], dt)], G1)
        fam.add(f'variance/zero-variance/dim=1/{d}', 'variance', [c, 1], [True, False])
        # softplus exactly at the threshold (βx == threshold: not above, the log1p branch)
        fam.add(f'softplus/at-threshold/{d}', 'softplus', [tt([20.0, 10.0], dt)], G1)
        fam.add(f'softplus/at-threshold-beta2/{d}', 'softplus', [tt([5.0, 10.0], dt)], G1,
                {'beta': 2, 'threshold': 10})
        # pow with a zero base: torch masks d/dbase where exponent == 0 and d/dexponent where
        # base == 0 and exponent >= 0 (0 instead of 0 * log 0 = nan)
        b0 = tt([0.0, 0.0, 0.0, 2.0, 0.0], dt)
        e0 = tt([2.0, 0.0, 0.5, 1.5, 1.0], dt)
        fam.add(f'pow/zero-base/tensor^tensor/{d}', 'pow', [b0, e0], [True, True])
        fam.add(f'pow/zero-scalar-base/{d}', 'pow', [0, tt([2.0, 0.0, 0.5, 1.0], dt)], [False, True])
    return fam


# ---------------------------------------------------------------------------------------------


def main():
    if not os.path.isdir(os.path.join('packages', 'autograd')):
        sys.exit('run from the repository root: /usr/bin/python3 tools/reference/autograd.py')
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for g in (gen_elementwise, gen_reduction, gen_linalg, gen_shape, gen_kinks):
        fam = g()
        path, n, size = fam.write()
        total += n
        print(f'{path}: {n} cases, {size / 1024:.0f} KiB')
        if size > 1.5 * 1024 * 1024:
            sys.exit(f'{path} is over 1.5 MB')
    print(f'total: {total} cases (torch {torch.__version__})')


if __name__ == '__main__':
    main()
