#!/usr/bin/env python3
"""Reference vectors for the convolution, pooling and interpolation ops of @mtl/tensor and
@mtl/autograd, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/conv.py

Writes packages/tensor/test/fixtures/conv.json (forward cases, in the format of
tools/reference/tensor.py) and packages/autograd/test/fixtures/conv.json (forward results and
vector-Jacobian products, in the format of tools/reference/autograd.py):

    { "name": "conv2d/stride2-pad1/float64", "op": "conv2d",
      "args": [x, weight, bias | null], "options": {...}?, "out": T | [T, T] }                (tensor)
    { ..., "grad": [true, true, true], "R": T, "out": T, "grads": [T | null, ...] }        (autograd)

The ops and their arguments are those of @mtl/tensor (the same in @mtl/autograd):
- `conv1d(x, weight, bias | null, { stride, padding, dilation, groups })`,
  `conv2d(...)` likewise = F.conv1d / F.conv2d (padding also 'same' / 'valid');
- `maxPool1d(x, { kernelSize, stride, padding, dilation, ceilMode, returnIndices })`, `maxPool2d`
  = F.max_pool1d / F.max_pool2d; with returnIndices the result is [values, indices] (indices int32,
  flat into each (n, c) plane, as torch's int64); returnIndices cases are in the tensor file only;
- `avgPool1d(x, { kernelSize, stride, padding, ceilMode, countIncludePad })`,
  `avgPool2d(x, { ..., divisorOverride })` = F.avg_pool1d / F.avg_pool2d;
- `adaptiveAvgPool1d(x, outputSize)`, `adaptiveAvgPool2d(x, outputSize)` (null in the pair keeps
  that input size) = F.adaptive_avg_pool1d / 2d;
- `interpolate(x, { size | scaleFactor, mode, alignCorners })` = F.interpolate with
  recompute_scale_factor=None (output size floor(in * scaleFactor), source coordinates from
  1 / scaleFactor).
Options objects carry only the keys a case sets; `null` in args is an omitted optional positional
argument (a missing bias). In the autograd file conv's grad flags are per positional argument
(x, weight, bias); pools and interpolate differentiate x only.

float32 cases: inputs (and R) are drawn in float64 and rounded to float32, so they are exact. The
expected results and gradients are torch's float64 results on those exact inputs rounded to
float32 (torch's own float32 result is checked against them: to 1e-4 for the accumulating ops —
conv, average pools, linear/bilinear interpolation — and exactly for max pooling and nearest).

Left out on purpose (torch 1.13 is not a meaningful target there):
- max-pool windows that lie entirely in the padding (possible only with dilation > 1): torch gives
  -inf with an index outside the input;
- interpolate with a scaleFactor whose output size floor(in * s) equals in (or 2 * in for nearest)
  while s is not exactly 1 (2): torch takes shortcuts there (linear copies the input; nearest's
  backward copies / halves the index while its forward uses 1 / s), so the result is not the
  documented formula (and nearest's gradient is not the forward's).
"""

import json
import math
import os
import sys
import warnings

import torch
import torch.nn.functional as F

from fixtures import F32, F64, FLOATS, INF, close, dn, enc, rn, tt

warnings.filterwarnings('ignore')  # padding='same' with an even kernel: torch warns it copies the input
torch.manual_seed(20240616)
torch.set_default_dtype(torch.float32)

TENSOR_OUT = os.path.join('packages', 'tensor', 'test', 'fixtures', 'conv.json')
AUTOGRAD_OUT = os.path.join('packages', 'autograd', 'test', 'fixtures', 'conv.json')
GENERATOR = 'tools/reference/conv.py'

# results that are copies of input elements (max pooling, nearest): exact in any dtype
EXACT = ('maxPool1d', 'maxPool2d')


def tup(v):
    return tuple(v) if isinstance(v, list) else v


# ---------------------------------------------------------------------------------------------
# our ops, called in our convention, computed by torch


def torch_op(op, args, options):
    o = options or {}
    if op in ('conv1d', 'conv2d'):
        x, w = args[0], args[1]
        b = args[2] if len(args) > 2 else None
        fn = F.conv1d if op == 'conv1d' else F.conv2d
        return fn(x, w, b, tup(o.get('stride', 1)), tup(o.get('padding', 0)), tup(o.get('dilation', 1)),
                  o.get('groups', 1))
    if op in ('maxPool1d', 'maxPool2d'):
        fn = F.max_pool1d if op == 'maxPool1d' else F.max_pool2d
        k = tup(o['kernelSize'])
        r = fn(args[0], k, tup(o.get('stride', k)), tup(o.get('padding', 0)), tup(o.get('dilation', 1)),
               ceil_mode=o.get('ceilMode', False), return_indices=o.get('returnIndices', False))
        return list(r) if isinstance(r, tuple) else r
    if op == 'avgPool1d':
        k = tup(o['kernelSize'])
        return F.avg_pool1d(args[0], k, tup(o.get('stride', k)), tup(o.get('padding', 0)),
                            ceil_mode=o.get('ceilMode', False), count_include_pad=o.get('countIncludePad', True))
    if op == 'avgPool2d':
        k = tup(o['kernelSize'])
        return F.avg_pool2d(args[0], k, tup(o.get('stride', k)), tup(o.get('padding', 0)),
                            ceil_mode=o.get('ceilMode', False), count_include_pad=o.get('countIncludePad', True),
                            divisor_override=o.get('divisorOverride'))
    if op == 'adaptiveAvgPool1d':
        return F.adaptive_avg_pool1d(args[0], args[1])
    if op == 'adaptiveAvgPool2d':
        return F.adaptive_avg_pool2d(args[0], tup(args[1]))
    if op == 'interpolate':
        return F.interpolate(args[0], size=o.get('size'), scale_factor=o.get('scaleFactor'),
                             mode=o.get('mode', 'nearest'), align_corners=o.get('alignCorners'))
    raise ValueError(f'torch_op: unknown op {op}')


def is_exact(op, options):
    return op in EXACT or (op == 'interpolate' and (options or {}).get('mode', 'nearest') == 'nearest')


# ---------------------------------------------------------------------------------------------
# guards against the cases left out (see the docstring)


def pair(v, n):
    return list(v) if isinstance(v, (list, tuple)) else [v] * n


def check_max_pool(name, x, options, nd):
    """Refuses a max-pool case with a window lying entirely in the padding."""
    o = options
    k = pair(o['kernelSize'], nd)
    s = pair(o.get('stride', o['kernelSize']), nd)
    p = pair(o.get('padding', 0), nd)
    d = pair(o.get('dilation', 1), nd)
    for i in range(nd):
        n_in = x.shape[x.dim() - nd + i]
        n = n_in + 2 * p[i] - d[i] * (k[i] - 1) - 1 + (s[i] - 1 if o.get('ceilMode') else 0)
        n_out = n // s[i] + 1
        if o.get('ceilMode') and (n_out - 1) * s[i] >= n_in + p[i]:
            n_out -= 1
        for j in range(n_out):
            if not any(0 <= j * s[i] - p[i] + t * d[i] < n_in for t in range(k[i])):
                raise ValueError(f'{name}: a window lies entirely in the padding')


def check_interpolate(name, x, options):
    """Refuses a scaleFactor whose output size hits one of torch's shortcuts (see the docstring)."""
    sf = options.get('scaleFactor')
    if sf is None:
        return
    nd = x.dim() - 2
    for i, s in enumerate(pair(sf, nd)):
        n_in = x.shape[2 + i]
        n_out = math.floor(n_in * s)
        if (n_out == n_in and s != 1) or (n_out == 2 * n_in and s != 2):
            raise ValueError(f'{name}: scaleFactor {s} gives a size torch special-cases')


def check_case(name, op, args, options):
    if op in ('maxPool1d', 'maxPool2d'):
        check_max_pool(name, args[0], options, 1 if op == 'maxPool1d' else 2)
    if op == 'interpolate':
        check_interpolate(name, args[0], options)


# ---------------------------------------------------------------------------------------------
# running a case


def up64(args):
    return [a.to(F64) if isinstance(a, torch.Tensor) and a.dtype == F32 else a for a in args]


def round32(v):
    if isinstance(v, list):
        return [round32(t) for t in v]
    return v.to(F32) if v is not None and v.dtype == F64 else v


def pairs(a, b):
    if a is None and b is None:
        return []
    if isinstance(a, torch.Tensor):
        return [(a, b)]
    return [p for x, y in zip(a, b) for p in pairs(x, y)]


def agree(mine, ref, exact):
    if exact or mine.dtype not in (F32, F64):
        return torch.equal(mine, ref)
    return close(mine, ref, 1e-4, 1e-4)


def run(op, args, grad, options, R):
    """(out, grads) of one call; grads[i] is None for a constant argument."""
    leaves = []
    call = []
    for a, g in zip(args, grad):
        if g:
            leaf = a.detach().clone().requires_grad_(True)
            leaves.append(leaf)
            call.append(leaf)
        else:
            call.append(a)
    out = torch_op(op, call, options)
    gs = list(torch.autograd.grad((out * R).sum(), leaves))
    grads = [gs.pop(0).detach() if g else None for g in grad]
    return out.detach(), grads


class Fixtures:
    """The two files; `add` writes a case to both (to the tensor file only with `forward_only`)."""

    def __init__(self):
        self.forward = []
        self.backward = []
        self.names = set()

    def add(self, name, op, args, options=None, grad=None, forward_only=False, backward_only=False):
        if name in self.names:
            raise ValueError(f'duplicate case name {name}')
        self.names.add(name)
        args = list(args)
        check_case(name, op, args, options)
        exact = is_exact(op, options)
        dts = {a.dtype for a in args if isinstance(a, torch.Tensor)}
        f32 = dts == {F32}

        with torch.no_grad():
            out = torch_op(op, args, options)
            if f32:
                out_r = round32(torch_op(op, up64(args), options))
                for mine, ref in pairs(out, out_r):
                    if not agree(mine, ref, exact):
                        raise AssertionError(f'{name}: float32 torch and float64-rounded disagree\n{mine}\n{ref}')
                out = out_r
        if not backward_only:
            case = {'name': name, 'op': op, 'args': enc(args)}
            if options is not None:
                case['options'] = enc(options)
            case['out'] = enc(out)
            self.forward.append(case)
        if forward_only:
            return

        if grad is None:
            grad = [isinstance(a, torch.Tensor) for a in args]
        if len(grad) != len(args):
            raise ValueError(f'{name}: {len(grad)} grad flags for {len(args)} args')
        R = rn(list(out.shape), out.dtype)
        out_g, grads = run(op, args, grad, options, R)
        if f32:
            out64, grads64 = run(op, up64(args), grad, options, R.to(F64))
            out_r, grads_r = round32(out64), [round32(g) for g in grads64]
            for mine, ref in pairs(out_g, out_r) + pairs(grads, grads_r):
                if not agree(mine, ref, exact and mine is out_g):
                    raise AssertionError(f'{name}: float32 torch and float64-rounded disagree\n{mine}\n{ref}')
            out_g, grads = out_r, grads_r
        for g, a in zip(grads, args):
            assert g is None or (g.shape == a.shape and g.dtype == a.dtype), name
        case = {'name': name, 'op': op, 'args': enc(args)}
        if options is not None:
            case['options'] = enc(options)
        case['grad'] = list(grad)
        case['R'] = enc(R)
        case['out'] = enc(out_g)
        case['grads'] = enc(grads)
        self.backward.append(case)

    @staticmethod
    def write(path, cases):
        doc = {'generator': GENERATOR, 'torch': torch.__version__, 'cases': cases}
        text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
        # One case per line keeps the files diffable.
        text = text.replace(',{"name"', ',\n{"name"').replace('"cases":[{', '"cases":[\n{')
        with open(path, 'w') as f:
            f.write(text + '\n')
        return len(cases), len(text)


# ---------------------------------------------------------------------------------------------
# inputs


def ties(shape, dtype, lo=-2, hi=3):
    """Small integers: many ties inside pooling windows."""
    return torch.randint(lo, hi, shape).to(dtype)


def dtypes(f32):
    """float64 always, float32 for the representative subset."""
    return (F64, F32) if f32 else (F64,)


# ---------------------------------------------------------------------------------------------
# convolution


def gen_conv(fx):
    TTT = [True, True, True]
    TTF = [True, True, False]
    # (tag, x shape, weight shape, bias?, options, float32 too?)
    conv2d = [
        ('basic', [2, 2, 4, 4], [3, 2, 3, 3], True, None, True),
        ('stride2', [1, 2, 5, 5], [2, 2, 3, 3], True, {'stride': 2}, False),
        ('stride[2,1]', [1, 2, 5, 4], [2, 2, 3, 2], True, {'stride': [2, 1]}, False),
        ('pad1', [1, 2, 3, 4], [2, 2, 3, 3], True, {'padding': 1}, False),
        ('pad[1,2]', [1, 1, 3, 3], [2, 1, 3, 3], True, {'padding': [1, 2]}, False),
        ('stride2-pad1', [2, 1, 5, 4], [2, 1, 3, 3], True, {'stride': 2, 'padding': 1}, True),
        ('same-odd-kernel3', [1, 2, 4, 3], [2, 2, 3, 3], True, {'padding': 'same'}, False),
        ('same-even-kernel[2,4]', [1, 2, 4, 5], [2, 2, 2, 4], True, {'padding': 'same'}, True),
        ('same-kernel[4,3]-dilation[1,2]', [1, 1, 5, 6], [2, 1, 4, 3], True,
         {'padding': 'same', 'dilation': [1, 2]}, False),
        ('same-even-kernel2-dilation2', [1, 2, 4, 4], [2, 2, 2, 2], True, {'padding': 'same', 'dilation': 2}, False),
        ('valid', [1, 2, 4, 4], [2, 2, 2, 3], True, {'padding': 'valid'}, False),
        ('dilation2', [1, 1, 5, 5], [2, 1, 2, 2], True, {'dilation': 2}, True),
        ('dilation[2,1]', [1, 2, 5, 4], [2, 2, 2, 3], True, {'dilation': [2, 1]}, False),
        ('dilation2-pad2', [1, 1, 4, 4], [2, 1, 3, 3], True, {'dilation': 2, 'padding': 2}, False),
        ('groups2', [1, 4, 3, 3], [4, 2, 2, 2], True, {'groups': 2}, True),
        ('groups2-out6', [1, 4, 3, 3], [6, 2, 2, 2], True, {'groups': 2}, False),
        ('depthwise', [1, 3, 4, 4], [3, 1, 3, 3], True, {'groups': 3, 'padding': 1}, True),
        ('depthwise-multiplier2', [1, 2, 3, 4], [4, 1, 2, 2], True, {'groups': 2}, False),
        ('kernel1x1', [2, 3, 3, 2], [2, 3, 1, 1], True, None, True),
        ('kernel1x1-stride2', [1, 2, 3, 4], [3, 2, 1, 1], True, {'stride': 2}, False),
        ('kernel-equals-input', [2, 2, 3, 3], [3, 2, 3, 3], True, None, False),
        ('kernel[1,3]', [1, 2, 3, 4], [2, 2, 1, 3], True, None, False),
        ('kernel[3,1]-pad[1,0]', [1, 2, 3, 3], [2, 2, 3, 1], True, {'padding': [1, 0]}, False),
        ('no-bias', [1, 2, 3, 4], [3, 2, 2, 2], False, None, True),
        ('no-bias-stride2-pad1', [1, 1, 4, 4], [2, 1, 3, 3], False, {'stride': 2, 'padding': 1}, False),
        ('unbatched[C,H,W]', [2, 4, 3], [3, 2, 2, 2], True, None, True),
        ('unbatched-pad1-groups2', [2, 3, 3], [2, 1, 2, 2], True, {'padding': 1, 'groups': 2}, False),
        ('batch3', [3, 1, 3, 3], [2, 1, 2, 2], True, {'padding': 1}, False),
        ('odd-channels-5to3', [1, 5, 3, 3], [3, 5, 2, 2], True, None, False),
        ('one-pixel-kernel1x1', [2, 3, 1, 1], [2, 3, 1, 1], True, None, False),
        ('one-pixel-pad1-kernel3', [1, 2, 1, 1], [2, 2, 3, 3], True, {'padding': 1}, False),
        ('stride3-kernel2', [1, 1, 7, 7], [2, 1, 2, 2], True, {'stride': 3}, False),
        ('stride[4,3]-kernel[2,1]', [1, 2, 6, 7], [1, 2, 2, 1], True, {'stride': [4, 3]}, False),
        ('all-options', [1, 4, 5, 6], [2, 2, 2, 3], True,
         {'stride': [2, 1], 'padding': [1, 2], 'dilation': [2, 1], 'groups': 2}, True),
    ]
    conv1d = [
        ('basic', [2, 2, 6], [3, 2, 3], True, None, True),
        ('stride2', [1, 2, 7], [2, 2, 3], True, {'stride': 2}, False),
        ('stride[2]-pad[1]', [1, 2, 6], [2, 2, 3], True, {'stride': [2], 'padding': [1]}, False),
        ('pad2', [1, 1, 4], [2, 1, 3], True, {'padding': 2}, False),
        ('same-odd-kernel3', [1, 2, 5], [2, 2, 3], True, {'padding': 'same'}, False),
        ('same-even-kernel4', [1, 2, 6], [2, 2, 4], True, {'padding': 'same'}, True),
        ('same-kernel3-dilation2', [1, 1, 6], [2, 1, 3], True, {'padding': 'same', 'dilation': 2}, False),
        ('valid', [1, 2, 5], [2, 2, 2], True, {'padding': 'valid'}, False),
        ('dilation2', [1, 2, 7], [2, 2, 3], True, {'dilation': 2}, True),
        ('groups2', [1, 4, 5], [2, 2, 2], True, {'groups': 2}, False),
        ('depthwise', [2, 3, 5], [3, 1, 3], True, {'groups': 3, 'padding': 1}, True),
        ('kernel1', [1, 3, 4], [2, 3, 1], True, None, False),
        ('kernel-equals-input', [2, 2, 4], [3, 2, 4], True, None, False),
        ('no-bias', [1, 2, 5], [3, 2, 2], False, None, True),
        ('unbatched[C,L]', [2, 6], [3, 2, 3], True, {'stride': 2, 'padding': 1}, True),
        ('batch3-odd-channels', [3, 3, 4], [1, 3, 2], True, None, False),
        ('one-sample-kernel1', [2, 3, 1], [2, 3, 1], True, None, False),
        ('stride3-kernel2', [1, 1, 9], [2, 1, 2], True, {'stride': 3}, False),
        ('all-options', [1, 4, 8], [2, 2, 2], True, {'stride': 2, 'padding': 2, 'dilation': 3, 'groups': 2}, False),
    ]
    for op, table in (('conv2d', conv2d), ('conv1d', conv1d)):
        for tag, xs, ws, bias, opts, f32 in table:
            for dt in dtypes(f32):
                d = dn(dt)
                x, w = rn(xs, dt), rn(ws, dt)
                b = rn([ws[0]], dt) if bias else None
                fx.add(f'{op}/{tag}/{d}', op, [x, w, b], opts, TTT if bias else TTF)
    # only some arguments differentiable (autograd file only: the forward is covered above)
    for op, xs, ws in (('conv2d', [1, 2, 4, 3], [2, 2, 2, 2]), ('conv1d', [2, 2, 5], [2, 2, 3])):
        for dt in FLOATS:
            d = dn(dt)
            x, w, b = rn(xs, dt), rn(ws, dt), rn([ws[0]], dt)
            o = {'padding': 1}
            fx.add(f'{op}/grad-x-only/{d}', op, [x, w, b], o, [True, False, False], backward_only=True)
            fx.add(f'{op}/grad-weight-only/{d}', op, [x, w, b], o, [False, True, False], backward_only=True)
            fx.add(f'{op}/grad-x-and-weight-no-bias/{d}', op, [x, w, None], o, [True, True, False],
                   backward_only=True)
    # known values: a 3x3 box filter on 1..16
    x = torch.arange(1.0, 17.0, dtype=F64).reshape(1, 1, 4, 4)
    w = torch.ones(1, 1, 3, 3, dtype=F64)
    fx.add('conv2d/known-box-filter-pad1/float64', 'conv2d', [x, w, None], {'padding': 1}, [True, True, False])



# ---------------------------------------------------------------------------------------------
# max pooling


def gen_max_pool(fx):
    # (tag, x shape, options, float32 too?); inputs are small integers (ties) unless noted
    max2d = [
        ('kernel2', [1, 2, 4, 4], {'kernelSize': 2}, True),
        ('kernel[2,3]', [1, 1, 4, 6], {'kernelSize': [2, 3]}, False),
        ('kernel3-stride1-overlap', [1, 1, 4, 5], {'kernelSize': 3, 'stride': 1}, True),
        ('kernel3-stride2-pad1', [2, 1, 5, 5], {'kernelSize': 3, 'stride': 2, 'padding': 1}, False),
        ('kernel[3,2]-stride[1,2]-pad[1,0]', [1, 2, 4, 4], {'kernelSize': [3, 2], 'stride': [1, 2], 'padding': [1, 0]},
         False),
        ('kernel2-dilation2', [1, 1, 5, 5], {'kernelSize': 2, 'stride': 1, 'dilation': 2}, True),
        ('kernel2-dilation[1,2]-pad1', [1, 1, 4, 5], {'kernelSize': 2, 'dilation': [1, 2], 'padding': 1}, False),
        ('kernel3-dilation2-stride2-pad1', [1, 1, 6, 6],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'dilation': 2}, False),
        ('kernel2-ceilMode', [1, 1, 5, 5], {'kernelSize': 2, 'ceilMode': True}, True),
        ('kernel3-stride2-ceilMode', [1, 2, 4, 6], {'kernelSize': 3, 'stride': 2, 'ceilMode': True}, False),
        # ceil mode's last window would start in the padding: torch drops it (out 3, not 4)
        ('kernel2-stride2-pad1-ceilMode-drops-last', [1, 1, 5, 5],
         {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, True),
        ('kernel2-stride2-pad1-floorMode', [1, 1, 5, 5], {'kernelSize': 2, 'stride': 2, 'padding': 1}, False),
        ('stride3-greater-than-kernel2', [1, 1, 7, 8], {'kernelSize': 2, 'stride': 3}, False),
        ('stride3-kernel2-ceilMode', [1, 1, 7, 8], {'kernelSize': 2, 'stride': 3, 'ceilMode': True}, False),
        ('unbatched[C,H,W]', [2, 4, 4], {'kernelSize': 2, 'stride': 1}, True),
        ('kernel-equals-input', [2, 2, 3, 3], {'kernelSize': 3}, False),
        ('kernel1', [1, 1, 2, 3], {'kernelSize': 1}, False),
    ]
    max1d = [
        ('kernel2', [1, 2, 6], {'kernelSize': 2}, True),
        ('kernel3-stride1-overlap', [2, 1, 6], {'kernelSize': 3, 'stride': 1}, True),
        ('kernel3-stride2-pad1', [1, 2, 7], {'kernelSize': 3, 'stride': 2, 'padding': 1}, False),
        ('kernel[3]-stride[2]-pad[1]', [1, 1, 6], {'kernelSize': [3], 'stride': [2], 'padding': [1]}, False),
        ('kernel2-dilation3', [1, 1, 8], {'kernelSize': 2, 'stride': 1, 'dilation': 3}, False),
        ('kernel3-dilation2-pad1', [1, 1, 7], {'kernelSize': 3, 'dilation': 2, 'padding': 1}, True),
        ('kernel2-ceilMode', [1, 1, 7], {'kernelSize': 2, 'ceilMode': True}, False),
        ('kernel2-stride2-pad1-ceilMode-drops-last', [1, 1, 5],
         {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, True),
        ('kernel3-stride2-pad1-ceilMode-keeps-last', [1, 1, 6],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}, False),
        ('stride4-greater-than-kernel2', [1, 2, 9], {'kernelSize': 2, 'stride': 4}, False),
        ('unbatched[C,L]', [3, 5], {'kernelSize': 2, 'stride': 1}, True),
    ]
    for op, table in (('maxPool2d', max2d), ('maxPool1d', max1d)):
        for tag, xs, opts, f32 in table:
            for dt in dtypes(f32):
                d = dn(dt)
                x = ties(xs, dt)
                fx.add(f'{op}/{tag}/{d}', op, [x], opts)
    # continuous inputs
    for dt in FLOATS:
        d = dn(dt)
        fx.add(f'maxPool2d/random-kernel3-stride2-pad1/{d}', 'maxPool2d', [rn([2, 2, 5, 4], dt)],
               {'kernelSize': 3, 'stride': 2, 'padding': 1})
        fx.add(f'maxPool1d/random-kernel2-stride1/{d}', 'maxPool1d', [rn([2, 2, 5], dt)],
               {'kernelSize': 2, 'stride': 1})
    # ties: torch takes the first maximum in window order (row-major), the gradient goes there only
    x = tt([[[[1.0, 3.0, 3.0, 0.0],
              [3.0, 2.0, 3.0, 3.0],
              [0.0, 0.0, 0.0, 0.0],
              [0.0, 0.0, -1.0, -1.0]]]], F64)
    fx.add('maxPool2d/ties-first-in-window/float64', 'maxPool2d', [x], {'kernelSize': 2})
    fx.add('maxPool2d/ties-overlapping-windows/float64', 'maxPool2d', [x], {'kernelSize': 2, 'stride': 1})
    fx.add('maxPool2d/ties-pad1/float64', 'maxPool2d', [x], {'kernelSize': 3, 'stride': 2, 'padding': 1})
    x1 = tt([[[2.0, 2.0, 1.0, 2.0, 2.0, 2.0, -1.0]]], F64)
    fx.add('maxPool1d/ties-overlapping-windows/float64', 'maxPool1d', [x1], {'kernelSize': 3, 'stride': 1})
    fx.add('maxPool1d/ties-pad1/float64', 'maxPool1d', [x1], {'kernelSize': 2, 'stride': 2, 'padding': 1})
    # -inf inputs, including a window of only -inf (the value is -inf, the index its first element)
    for dt in FLOATS:
        d = dn(dt)
        x = tt([[[[-INF, -INF, 1.0, -INF],
                  [-INF, -INF, -INF, 2.0],
                  [0.5, -INF, -INF, -INF],
                  [-INF, -3.0, -INF, -INF]]]], dt)
        fx.add(f'maxPool2d/minus-inf/{d}', 'maxPool2d', [x], {'kernelSize': 2})
        fx.add(f'maxPool2d/minus-inf-pad1/{d}', 'maxPool2d', [x], {'kernelSize': 2, 'stride': 1, 'padding': 1})
        x1 = tt([[[-INF, -INF, 0.0, -INF, -INF, -INF, -2.0]]], dt)
        fx.add(f'maxPool1d/minus-inf/{d}', 'maxPool1d', [x1], {'kernelSize': 2, 'stride': 2, 'padding': 1})

    # returnIndices: [values, indices(int32)], forward only
    ri = {'returnIndices': True}
    fx.add('maxPool2d/returnIndices-kernel2/float64', 'maxPool2d', [ties([1, 2, 4, 4], F64)],
           {'kernelSize': 2, **ri}, forward_only=True)
    fx.add('maxPool2d/returnIndices-kernel3-stride2-pad1-dilation[1,2]/float64', 'maxPool2d',
           [ties([2, 1, 5, 6], F64)], {'kernelSize': 3, 'stride': 2, 'padding': 1, 'dilation': [1, 2], **ri},
           forward_only=True)
    fx.add('maxPool2d/returnIndices-ceilMode-drops-last/float32', 'maxPool2d', [ties([1, 1, 5, 5], F32)],
           {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True, **ri}, forward_only=True)
    fx.add('maxPool2d/returnIndices-unbatched/float32', 'maxPool2d', [rn([2, 3, 4], F32)],
           {'kernelSize': [2, 3], 'stride': 1, **ri}, forward_only=True)
    x = tt([[[[1.0, 3.0, 3.0, 0.0],
              [3.0, 2.0, 3.0, 3.0],
              [0.0, 0.0, 0.0, 0.0],
              [0.0, 0.0, -1.0, -1.0]]]], F64)
    fx.add('maxPool2d/returnIndices-ties-overlapping/float64', 'maxPool2d', [x],
           {'kernelSize': 2, 'stride': 1, **ri}, forward_only=True)
    x = tt([[[[-INF, -INF, 1.0, -INF], [-INF, -INF, -INF, 2.0]]]], F64)
    fx.add('maxPool2d/returnIndices-minus-inf/float64', 'maxPool2d', [x], {'kernelSize': 2, **ri},
           forward_only=True)
    fx.add('maxPool1d/returnIndices-kernel3-stride2-pad1/float64', 'maxPool1d', [ties([2, 2, 7], F64)],
           {'kernelSize': 3, 'stride': 2, 'padding': 1, **ri}, forward_only=True)
    fx.add('maxPool1d/returnIndices-dilation2-ceilMode/float32', 'maxPool1d', [ties([1, 2, 8], F32)],
           {'kernelSize': 2, 'stride': 2, 'dilation': 2, 'ceilMode': True, **ri}, forward_only=True)
    fx.add('maxPool1d/returnIndices-unbatched/float64', 'maxPool1d', [ties([2, 6], F64)],
           {'kernelSize': 2, 'stride': 1, **ri}, forward_only=True)
    fx.add('maxPool1d/returnIndices-false/float64', 'maxPool1d', [ties([1, 1, 6], F64)],
           {'kernelSize': 2, 'returnIndices': False}, forward_only=True)


# ---------------------------------------------------------------------------------------------
# average pooling


def gen_avg_pool(fx):
    avg2d = [
        ('kernel2', [1, 2, 4, 4], {'kernelSize': 2}, True),
        ('kernel3-stride2-pad1', [2, 1, 5, 5], {'kernelSize': 3, 'stride': 2, 'padding': 1}, True),
        ('kernel3-stride2-pad1-countIncludePad-false', [2, 1, 5, 5],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False}, True),
        ('kernel[3,2]-pad[1,1]-countIncludePad-false', [1, 1, 4, 4],
         {'kernelSize': [3, 2], 'stride': 1, 'padding': [1, 1], 'countIncludePad': False}, False),
        ('kernel2-ceilMode', [1, 1, 5, 5], {'kernelSize': 2, 'ceilMode': True}, True),
        ('kernel3-stride2-ceilMode', [1, 1, 4, 6], {'kernelSize': 3, 'stride': 2, 'ceilMode': True}, False),
        ('kernel3-stride2-pad1-ceilMode', [1, 1, 4, 4],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}, False),
        ('kernel3-stride2-pad1-ceilMode-countIncludePad-false', [1, 1, 4, 4],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}, False),
        ('kernel2-stride2-pad1-ceilMode-drops-last', [1, 1, 5, 5],
         {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, False),
        ('divisorOverride3', [1, 2, 4, 4], {'kernelSize': 2, 'divisorOverride': 3}, True),
        ('divisorOverride5-pad1-countIncludePad-false', [1, 1, 4, 5],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False, 'divisorOverride': 5}, False),
        ('divisorOverride2-ceilMode', [1, 1, 5, 5], {'kernelSize': 2, 'ceilMode': True, 'divisorOverride': 2}, False),
        ('stride3-greater-than-kernel2', [1, 1, 7, 7], {'kernelSize': 2, 'stride': 3}, False),
        ('unbatched[C,H,W]', [2, 4, 3], {'kernelSize': 2, 'stride': 1}, True),
        ('kernel-equals-input', [2, 2, 3, 3], {'kernelSize': 3}, False),
    ]
    avg1d = [
        ('kernel2', [1, 2, 6], {'kernelSize': 2}, True),
        ('kernel3-stride1', [2, 1, 5], {'kernelSize': 3, 'stride': 1}, False),
        ('kernel3-stride2-pad1', [1, 2, 7], {'kernelSize': 3, 'stride': 2, 'padding': 1}, True),
        ('kernel3-stride2-pad1-countIncludePad-false', [1, 2, 7],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False}, False),
        ('kernel[4]-stride[3]-pad[2]', [1, 1, 8], {'kernelSize': [4], 'stride': [3], 'padding': [2]}, False),
        ('kernel2-ceilMode', [1, 1, 7], {'kernelSize': 2, 'ceilMode': True}, True),
        ('kernel3-stride2-pad1-ceilMode', [1, 1, 6], {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True},
         False),
        ('kernel3-stride2-pad1-ceilMode-countIncludePad-false', [1, 1, 6],
         {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}, False),
        ('kernel2-stride2-pad1-ceilMode-drops-last', [1, 1, 5],
         {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, False),
        ('stride3-greater-than-kernel2', [1, 1, 8], {'kernelSize': 2, 'stride': 3}, False),
        ('unbatched[C,L]', [2, 5], {'kernelSize': 2, 'stride': 1, 'padding': 1}, True),
    ]
    for op, table in (('avgPool2d', avg2d), ('avgPool1d', avg1d)):
        for tag, xs, opts, f32 in table:
            for dt in dtypes(f32):
                d = dn(dt)
                fx.add(f'{op}/{tag}/{d}', op, [rn(xs, dt)], opts)
    x = torch.arange(1.0, 17.0, dtype=F64).reshape(1, 1, 4, 4)
    fx.add('avgPool2d/known-1..16-kernel2/float64', 'avgPool2d', [x], {'kernelSize': 2})


# ---------------------------------------------------------------------------------------------
# adaptive average pooling


def gen_adaptive(fx):
    ad2d = [
        ('5x5->3x3-not-dividing', [1, 2, 5, 5], 3, True),
        ('7x4->2x3', [1, 1, 7, 4], [2, 3], True),
        ('4x4->4x4-identity', [1, 1, 4, 4], 4, False),
        ('4x6->2x3-dividing', [2, 1, 4, 6], [2, 3], False),
        ('3x2->5x4-upsampling', [1, 1, 3, 2], [5, 4], True),
        ('->1x1-global', [2, 3, 3, 4], 1, False),
        ('[null,2]-keeps-height', [1, 1, 3, 5], [None, 2], False),
        ('[3,null]-keeps-width', [1, 1, 5, 2], [3, None], False),
        ('unbatched[C,H,W]-5x4->3x2', [2, 5, 4], [3, 2], True),
        ('6x1->4x1', [1, 1, 6, 1], [4, 1], False),
    ]
    ad1d = [
        ('5->3-not-dividing', [1, 2, 5], 3, True),
        ('7->2', [2, 1, 7], 2, True),
        ('4->4-identity', [1, 1, 4], 4, False),
        ('6->3-dividing', [1, 2, 6], 3, False),
        ('3->5-upsampling', [1, 1, 3], 5, True),
        ('5->1-global', [2, 2, 5], 1, False),
        ('unbatched[C,L]-7->3', [2, 7], 3, False),
    ]
    for op, table in (('adaptiveAvgPool2d', ad2d), ('adaptiveAvgPool1d', ad1d)):
        for tag, xs, size, f32 in table:
            for dt in dtypes(f32):
                d = dn(dt)
                fx.add(f'{op}/{tag}/{d}', op, [rn(xs, dt), size], None, [True, False])


# ---------------------------------------------------------------------------------------------
# interpolate


def gen_interpolate(fx):
    cases = [
        # nearest, 3-d
        ('nearest/3d-size7-from5', [1, 2, 5], {'size': 7}, True),
        ('nearest/3d-size[3]-from7', [1, 1, 7], {'size': [3]}, False),
        ('nearest/3d-scale2', [2, 1, 3], {'scaleFactor': 2}, False),
        ('nearest/3d-scale1.5', [1, 2, 5], {'scaleFactor': 1.5}, True),
        ('nearest/3d-scale0.5', [1, 1, 7], {'scaleFactor': 0.5}, False),
        ('nearest/3d-scale[2.5]', [1, 1, 3], {'scaleFactor': [2.5], 'mode': 'nearest'}, False),
        ('nearest/3d-scale1.7-not-size-ratio', [1, 1, 6], {'scaleFactor': 1.7}, False),
        # nearest, 4-d
        ('nearest/4d-size[5,7]-from[3,4]', [1, 2, 3, 4], {'size': [5, 7]}, True),
        ('nearest/4d-size3-from[5,4]', [1, 1, 5, 4], {'size': 3}, False),
        ('nearest/4d-scale2', [1, 2, 2, 3], {'scaleFactor': 2, 'mode': 'nearest'}, True),
        ('nearest/4d-scale1.5', [1, 1, 3, 4], {'scaleFactor': 1.5}, False),
        ('nearest/4d-scale0.5', [2, 1, 4, 5], {'scaleFactor': 0.5}, False),
        ('nearest/4d-scale[0.6,2.5]', [1, 1, 5, 2], {'scaleFactor': [0.6, 2.5]}, False),
        ('nearest/4d-scale[1.5,1]', [1, 1, 3, 3], {'scaleFactor': [1.5, 1]}, False),
        # linear, 3-d
        ('linear/size7-from4', [1, 2, 4], {'size': 7, 'mode': 'linear'}, True),
        ('linear/size3-from7-down', [1, 1, 7], {'size': 3, 'mode': 'linear'}, False),
        ('linear/size[6]-alignCorners', [1, 2, 4], {'size': [6], 'mode': 'linear', 'alignCorners': True}, True),
        ('linear/size2-from5-alignCorners-down', [1, 1, 5], {'size': 2, 'mode': 'linear', 'alignCorners': True},
         False),
        ('linear/size1-alignCorners', [1, 1, 4], {'size': 1, 'mode': 'linear', 'alignCorners': True}, False),
        ('linear/size1', [1, 1, 4], {'size': 1, 'mode': 'linear'}, False),
        ('linear/scale1.5', [1, 2, 5], {'scaleFactor': 1.5, 'mode': 'linear'}, True),
        ('linear/scale0.5', [2, 1, 7], {'scaleFactor': 0.5, 'mode': 'linear'}, False),
        ('linear/scale2.5-alignCorners', [1, 1, 3], {'scaleFactor': 2.5, 'mode': 'linear', 'alignCorners': True},
         False),
        ('linear/scale[0.6]-alignCorners-false', [1, 1, 5],
         {'scaleFactor': [0.6], 'mode': 'linear', 'alignCorners': False}, False),
        ('linear/scale1.7-not-size-ratio', [1, 1, 6], {'scaleFactor': 1.7, 'mode': 'linear'}, False),
        # bilinear, 4-d
        ('bilinear/size[5,7]-from[3,4]', [1, 2, 3, 4], {'size': [5, 7], 'mode': 'bilinear'}, True),
        ('bilinear/size[5,7]-from[3,4]-alignCorners', [1, 1, 3, 4],
         {'size': [5, 7], 'mode': 'bilinear', 'alignCorners': True}, True),
        ('bilinear/size2-from[4,5]-down', [1, 2, 4, 5], {'size': 2, 'mode': 'bilinear'}, False),
        ('bilinear/size[2,3]-from[5,4]-alignCorners-down', [1, 1, 5, 4],
         {'size': [2, 3], 'mode': 'bilinear', 'alignCorners': True}, False),
        ('bilinear/size[4,6]-mixed-up-down', [1, 1, 6, 3], {'size': [4, 6], 'mode': 'bilinear'}, False),
        ('bilinear/scale2', [1, 1, 2, 3], {'scaleFactor': 2, 'mode': 'bilinear'}, True),
        ('bilinear/scale1.5-alignCorners', [1, 1, 3, 3],
         {'scaleFactor': 1.5, 'mode': 'bilinear', 'alignCorners': True}, False),
        ('bilinear/scale0.5', [2, 1, 4, 6], {'scaleFactor': 0.5, 'mode': 'bilinear'}, False),
        ('bilinear/scale[0.6,1.5]', [1, 1, 5, 3], {'scaleFactor': [0.6, 1.5], 'mode': 'bilinear'}, True),
        ('bilinear/scale[2,0.5]-alignCorners-false', [1, 1, 2, 4],
         {'scaleFactor': [2, 0.5], 'mode': 'bilinear', 'alignCorners': False}, False),
        ('bilinear/scale1.7-not-size-ratio', [1, 1, 3, 4], {'scaleFactor': 1.7, 'mode': 'bilinear'}, False),
        ('bilinear/size1-alignCorners', [1, 1, 3, 3], {'size': 1, 'mode': 'bilinear', 'alignCorners': True}, False),
    ]
    for tag, xs, opts, f32 in cases:
        for dt in dtypes(f32):
            d = dn(dt)
            fx.add(f'interpolate/{tag}/{d}', 'interpolate', [rn(xs, dt)], opts)
    # known values
    x = tt([[[0.0, 1.0, 2.0, 3.0]]], F64)
    fx.add('interpolate/linear/known-0..3-size7/float64', 'interpolate', [x], {'size': 7, 'mode': 'linear'})
    fx.add('interpolate/linear/known-0..3-size7-alignCorners/float64', 'interpolate', [x],
           {'size': 7, 'mode': 'linear', 'alignCorners': True})
    fx.add('interpolate/nearest/known-0..3-size6/float64', 'interpolate', [x], {'size': 6})


# ---------------------------------------------------------------------------------------------


def main():
    if not os.path.isdir(os.path.join('packages', 'tensor')):
        sys.exit('run from the repository root: /usr/bin/python3 tools/reference/conv.py')
    fx = Fixtures()
    for g in (gen_conv, gen_max_pool, gen_avg_pool, gen_adaptive, gen_interpolate):
        g(fx)
    for path, cases in ((TENSOR_OUT, fx.forward), (AUTOGRAD_OUT, fx.backward)):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        n, size = Fixtures.write(path, cases)
        print(f'{path}: {n} cases, {size / 1024:.0f} KiB')
        if size > 1024 * 1024:
            sys.exit(f'{path} is over 1 MB')
    print(f'torch {torch.__version__}')


if __name__ == '__main__':
    main()
