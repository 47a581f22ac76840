#!/usr/bin/env python3
"""Reference values for @mtl/nn's losses and functional forms, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/nn.py

Writes packages/nn/test/fixtures/losses.json and functional.json. Every case is a call in our
convention (the @mtl/nn name, positional arguments, then a trailing options object with our
camelCase option names) with the forward result and the gradients PyTorch gives:

    { "name": "crossEntropy/weight+ignoreIndex/float64", "op": "crossEntropy",
      "args": [T, T], "options": {...}?, "grad": [true, false],
      "R": T, "out": T, "grads": [T | null, ...],
      "gradOptions": ["weight", "bias"]?, "optionGrads": { "weight": T, "bias": T }? }

- `grad[i]` says whether args[i] is a differentiable input (a Variable that requires grad); the
  others are constants (plain tensors, numbers, shapes). `gradOptions` names tensor options that
  are differentiable too (layerNorm's and batchNorm's weight and bias).
- `R` is a fixed random tensor of out's shape; `grads[i]` (and `optionGrads[k]`) is
  d sum(out * R) / d input, or null for a constant.
- T = { "dtype": "float32" | "float64" | "int32", "shape": [...], "data": [flat, row-major] },
  with non-finite floats as the strings "nan", "inf", "-inf". int32 tensors are class indices
  (torch gets them as int64).

functional.json also holds batchNorm sequences, where running statistics carry over calls:

    { "name": ..., "op": "batchNorm", "runningMean": T | null, "runningVar": T | null,
      "calls": [ { "args": [x], "options": {...}, "grad": [true], "gradOptions": [...],
                   "R": T, "out": T, "grads": [T], "optionGrads": {...},
                   "runningMean": T | null, "runningVar": T | null }, ... ] }

where a call is `batchNorm(x, runningMean, runningVar, options)` and the call's `runningMean` and
`runningVar` are the buffers after it (PyTorch updates them in place).

float32 cases, as in tools/reference/autograd.py: inputs (and R) are drawn in float64 and rounded
to float32, so they are exact. The expected results and gradients are computed by torch in float64
on those exact inputs and rounded to float32 (torch's own float32 result is checked against them,
to 1e-4): a correctly rounded value is the fair target for any float32 implementation.

Not recorded (PyTorch's value is not a meaningful target there):
- the target gradient of binaryCrossEntropy where the input is exactly 0 or 1 (PyTorch's is ±inf,
  the unclamped logit) — those cases carry the input gradient only;
- the target gradient of klDiv where a target is exactly 0 (PyTorch's is NaN: xlogy's 0/0).
"""

import json
import math
import os
import warnings

import torch

from fixtures import DTYPE_NAME, F32, F64, FLOATS, I32, I64, INF, T, close, enc, enc_float, rn, ru, tt
import torch.nn.functional as F

warnings.filterwarnings('ignore')
torch.manual_seed(20240611)


OUT_DIR = os.path.join('packages', 'nn', 'test', 'fixtures')
GENERATOR = 'tools/reference/nn.py'


# ---------------------------------------------------------------------------------------------
# encoding


def map_tensors(v, fn):
    if isinstance(v, torch.Tensor):
        return fn(v)
    if isinstance(v, list):
        return [map_tensors(x, fn) for x in v]
    if isinstance(v, dict):
        return {k: map_tensors(x, fn) for k, x in v.items()}
    return v


def up64(v):
    return map_tensors(v, lambda t: t.to(F64) if t.dtype == F32 else t)


def down32(v):
    return map_tensors(v, lambda t: t.to(F32) if t.dtype == F64 else t)


def float_dtypes(v, acc):
    if isinstance(v, torch.Tensor):
        if v.dtype in FLOATS:
            acc.add(v.dtype)
    elif isinstance(v, (list, tuple)):
        for x in v:
            float_dtypes(x, acc)
    elif isinstance(v, dict):
        for x in v.values():
            float_dtypes(x, acc)
    return acc


# ---------------------------------------------------------------------------------------------
# our calls, computed by torch


def long_if_index(t):
    return t.long() if isinstance(t, torch.Tensor) and t.dtype == I32 else t


def torch_op(op, args, o):
    o = o or {}
    red = o.get('reduction', 'mean')
    a = args
    if op == 'mseLoss':
        return F.mse_loss(a[0], a[1], reduction=red)
    if op == 'l1Loss':
        return F.l1_loss(a[0], a[1], reduction=red)
    if op == 'smoothL1Loss':
        return F.smooth_l1_loss(a[0], a[1], reduction=red, beta=o.get('beta', 1.0))
    if op == 'huberLoss':
        return F.huber_loss(a[0], a[1], reduction=red, delta=o.get('delta', 1.0))
    if op == 'bceWithLogits':
        return F.binary_cross_entropy_with_logits(
            a[0], a[1], weight=o.get('weight'), pos_weight=o.get('posWeight'), reduction=red)
    if op == 'binaryCrossEntropy':
        return F.binary_cross_entropy(a[0], a[1], weight=o.get('weight'), reduction=red)
    if op == 'crossEntropy':
        return F.cross_entropy(a[0], long_if_index(a[1]), weight=o.get('weight'),
                               ignore_index=o.get('ignoreIndex', -100), reduction=red,
                               label_smoothing=o.get('labelSmoothing', 0.0))
    if op == 'nllLoss':
        return F.nll_loss(a[0], long_if_index(a[1]), weight=o.get('weight'),
                          ignore_index=o.get('ignoreIndex', -100), reduction=red)
    if op == 'klDiv':
        return F.kl_div(a[0], a[1], reduction=red, log_target=o.get('logTarget', False))
    if op == 'cosineSimilarity':
        return F.cosine_similarity(a[0], a[1], dim=o.get('dim', 1), eps=o.get('eps', 1e-8))
    if op == 'layerNorm':
        shape = a[1] if isinstance(a[1], list) else [a[1]]
        return F.layer_norm(a[0], shape, weight=o.get('weight'), bias=o.get('bias'), eps=o.get('eps', 1e-5))
    raise ValueError(f'unknown op {op}')


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def run(op, args, grad, options, grad_options, R):
    """(out, grads, option grads) of one call, in the inputs' own dtypes."""
    call = [leaf(x) if g else x for x, g in zip(args, grad)]
    opts = dict(options or {})
    for k in grad_options:
        opts[k] = leaf(opts[k])
    out = torch_op(op, call, opts)
    leaves = [x for x, g in zip(call, grad) if g] + [opts[k] for k in grad_options]
    gs = list(torch.autograd.grad((out * R).sum(), leaves))
    grads = [gs.pop(0).detach() if g else None for g in grad]
    option_grads = {k: gs.pop(0).detach() for k in grad_options}
    return out.detach(), grads, option_grads


class Family:
    """One fixture file."""

    def __init__(self, name):
        self.name = name
        self.cases = []
        self.names = set()

    def check_name(self, name):
        if name in self.names:
            raise ValueError(f'duplicate case name {name} in {self.name}')
        self.names.add(name)

    def add(self, name, op, args, grad, options=None, grad_options=()):
        self.check_name(name)
        args = list(args)
        grad_options = list(grad_options)
        with torch.no_grad():
            probe = torch_op(op, args, options)
        R = rn(list(probe.shape), probe.dtype)
        out, grads, ogs = run(op, args, grad, options, grad_options, R)
        if float_dtypes([args, options], set()) == {F32}:
            out64, grads64, ogs64 = run(op, up64(args), grad, up64(options), grad_options, up64(R))
            out_r, grads_r, ogs_r = down32(out64), down32(grads64), down32(ogs64)
            check32(f'{self.name}: {name}', [out, grads, ogs], [out_r, grads_r, ogs_r])
            out, grads, ogs = out_r, grads_r, ogs_r
        for g, a in zip(grads, args):
            assert g is None or (g.shape == a.shape and g.dtype == a.dtype), name
        case = {'name': name, 'op': op, 'args': enc(args)}
        if options is not None:
            case['options'] = enc(options)
        case['grad'] = list(grad)
        if grad_options:
            case['gradOptions'] = grad_options
        case['R'] = enc(R)
        case['out'] = enc(out)
        case['grads'] = enc(grads)
        if grad_options:
            case['optionGrads'] = enc(ogs)
        self.cases.append(case)

    def write(self):
        path = os.path.join(OUT_DIR, f'{self.name}.json')
        doc = {'generator': GENERATOR, 'torch': torch.__version__, 'cases': self.cases}
        text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
        # One case per line keeps the files diffable.
        text = text.replace(',{"name"', ',\n{"name"').replace('"cases":[{', '"cases":[\n{')
        os.makedirs(OUT_DIR, exist_ok=True)
        with open(path, 'w') as f:
            f.write(text + '\n')
        return path, len(self.cases), len(text)


def flat(v):
    if v is None:
        return []
    if isinstance(v, torch.Tensor):
        return [v]
    if isinstance(v, dict):
        v = [v[k] for k in sorted(v)]
    out = []
    for x in v:
        out.extend(flat(x))
    return out


def check32(label, mine, ref):
    for m, r in zip(flat(mine), flat(ref)):
        if not close(m, r, 1e-4, 1e-4):
            raise AssertionError(f'{label}: float32 torch and float64-rounded disagree\n{m}\n{r}')


# ---------------------------------------------------------------------------------------------
# inputs


def idx(values):
    return torch.tensor(values, dtype=I32)


def probs(shape, dim, dtype):
    return torch.softmax(rn(shape, scale=1.5), dim).to(dtype)


REDUCTIONS = ('mean', 'sum', 'none')


def red_opts(red, **extra):
    """Options with `reduction` only when it is not the default, so the default is exercised."""
    o = dict(extra)
    if red != 'mean':
        o['reduction'] = red
    return o or None


# ---------------------------------------------------------------------------------------------
# losses


def gen_losses():
    fam = Family('losses')
    for dt in FLOATS:
        d = DTYPE_NAME[dt]

        # Regression losses, with differences straddling beta/delta, exact ties (x == y) and
        # exact boundary points |x − y| = beta.
        x = rn([3, 4], dt)
        y = rn([3, 4], dt)
        y[0, 0] = x[0, 0]
        x[0, 1], y[0, 1] = 0.5, 0.0
        x[0, 2], y[0, 2] = -1.0, 0.0
        x[0, 3], y[0, 3] = 0.25, 2.25
        for red in REDUCTIONS:
            for op in ('mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss'):
                fam.add(f'{op}/{red}/{d}', op, [x, y], [True, True], red_opts(red))
        x3, y3 = rn([2, 3, 2], dt), rn([2, 3, 2], dt)
        fam.add(f'mseLoss/rank3/{d}', 'mseLoss', [x3, y3], [True, True])
        fam.add(f'l1Loss/scalar/{d}', 'l1Loss', [tt(1.5, dt), tt(-0.25, dt)], [True, True])
        xs, ys = rn([4, 5], dt, scale=2.0), rn([4, 5], dt)
        for beta in (0.5, 2.0, 0.0):
            for red in ('mean', 'none'):
                fam.add(f'smoothL1Loss/beta={beta}/{red}/{d}', 'smoothL1Loss', [xs, ys], [True, True],
                        red_opts(red, beta=beta))
        fam.add(f'smoothL1Loss/beta=0.5/boundary/{d}', 'smoothL1Loss', [x, y], [True, True],
                red_opts('none', beta=0.5))
        for delta in (0.5, 2.0):
            for red in ('mean', 'sum', 'none'):
                fam.add(f'huberLoss/delta={delta}/{red}/{d}', 'huberLoss', [xs, ys], [True, True],
                        red_opts(red, delta=delta))

        # bceWithLogits: soft targets, weight and posWeight broadcasts, large |x|.
        xl = rn([3, 4], dt, scale=2.0)
        xl[0, 0] = 0.0
        yl = ru([3, 4], 0, 1, dt)
        yl[1, :] = tt([0.0, 1.0, 1.0, 0.0], dt)
        w4 = ru([4], 0.2, 2.0, dt)
        w34 = ru([3, 4], 0.2, 2.0, dt)
        w31 = ru([3, 1], 0.2, 2.0, dt)
        pw4 = ru([4], 0.2, 3.0, dt)
        pw34 = ru([3, 4], 0.2, 3.0, dt)
        for red in REDUCTIONS:
            fam.add(f'bceWithLogits/{red}/{d}', 'bceWithLogits', [xl, yl], [True, True], red_opts(red))
            fam.add(f'bceWithLogits/weight[4]/{red}/{d}', 'bceWithLogits', [xl, yl], [True, True],
                    red_opts(red, weight=w4))
            fam.add(f'bceWithLogits/posWeight[4]/{red}/{d}', 'bceWithLogits', [xl, yl], [True, True],
                    red_opts(red, posWeight=pw4))
        fam.add(f'bceWithLogits/weight[3,4]/{d}', 'bceWithLogits', [xl, yl], [True, True], {'weight': w34})
        fam.add(f'bceWithLogits/weight[3,1]/sum/{d}', 'bceWithLogits', [xl, yl], [True, True],
                {'weight': w31, 'reduction': 'sum'})
        fam.add(f'bceWithLogits/posWeight[3,4]/{d}', 'bceWithLogits', [xl, yl], [True, True],
                {'posWeight': pw34})
        fam.add(f'bceWithLogits/weight+posWeight/none/{d}', 'bceWithLogits', [xl, yl], [True, True],
                {'weight': w31, 'posWeight': pw4, 'reduction': 'none'})
        xbig = tt([[-800.0, -100.0, -30.0, -17.5, 0.0, 17.5, 30.0, 100.0, 800.0]] * 2, dt)
        ybig = tt([[0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.3], [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.7]], dt)
        fam.add(f'bceWithLogits/large|x|/none/{d}', 'bceWithLogits', [xbig, ybig], [True, True],
                {'reduction': 'none'})
        fam.add(f'bceWithLogits/large|x|/mean/{d}', 'bceWithLogits', [xbig, ybig], [True, True])
        fam.add(f'bceWithLogits/large|x|/posWeight/none/{d}', 'bceWithLogits', [xbig, ybig], [True, True],
                {'reduction': 'none', 'posWeight': tt([2.5], dt)})
        fam.add(f'bceWithLogits/1d/{d}', 'bceWithLogits', [rn([5], dt), ru([5], 0, 1, dt)], [True, True])

        # binaryCrossEntropy: interior probabilities (both gradients), then the extremes where the
        # log clamps at −100 and the input gradient's denominator clamps at 1e-12.
        p = ru([3, 4], 0.02, 0.98, dt)
        yb = ru([3, 4], 0, 1, dt)
        yb[0, :] = tt([0.0, 1.0, 1.0, 0.0], dt)
        for red in REDUCTIONS:
            fam.add(f'binaryCrossEntropy/{red}/{d}', 'binaryCrossEntropy', [p, yb], [True, True], red_opts(red))
            fam.add(f'binaryCrossEntropy/weight[4]/{red}/{d}', 'binaryCrossEntropy', [p, yb], [True, True],
                    red_opts(red, weight=w4))
        fam.add(f'binaryCrossEntropy/weight[3,1]/{d}', 'binaryCrossEntropy', [p, yb], [True, True],
                {'weight': w31})
        tiny = 1e-50 if dt == F64 else 1e-44
        pe = tt([0.0, 0.0, 1.0, 1.0, tiny, tiny, 1e-13, 1e-30, 0.5, 1 - 2 ** -24, 1 - 2 ** -24], dt)
        ye = tt([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.5, 0.0, 1.0], dt)
        fam.add(f'binaryCrossEntropy/extremes/none/{d}', 'binaryCrossEntropy', [pe, ye], [True, False],
                {'reduction': 'none'})
        fam.add(f'binaryCrossEntropy/extremes/sum/{d}', 'binaryCrossEntropy', [pe, ye], [True, False],
                {'reduction': 'sum'})

        # crossEntropy and nllLoss with class indices.
        N, C = 5, 4
        logits = rn([N, C], dt, scale=1.5)
        t = idx([0, 3, 1, 3, 2])
        t_ign = idx([0, -100, 1, 3, -100])
        t_ign1 = idx([0, 1, 2, 1, 3])
        wc = ru([C], 0.2, 2.0, dt)
        logp = torch.log_softmax(rn([N, C], F64), 1).to(dt)
        for red in REDUCTIONS:
            fam.add(f'crossEntropy/index/{red}/{d}', 'crossEntropy', [logits, t], [True, False], red_opts(red))
            fam.add(f'crossEntropy/index/weight/{red}/{d}', 'crossEntropy', [logits, t], [True, False],
                    red_opts(red, weight=wc))
            fam.add(f'crossEntropy/index/ignoreIndex=-100/{red}/{d}', 'crossEntropy', [logits, t_ign],
                    [True, False], red_opts(red))
            fam.add(f'crossEntropy/index/weight+ignoreIndex=-100/{red}/{d}', 'crossEntropy', [logits, t_ign],
                    [True, False], red_opts(red, weight=wc))
            fam.add(f'crossEntropy/index/labelSmoothing/{red}/{d}', 'crossEntropy', [logits, t], [True, False],
                    red_opts(red, labelSmoothing=0.1))
            fam.add(f'crossEntropy/index/labelSmoothing+weight+ignoreIndex/{red}/{d}', 'crossEntropy',
                    [logits, t_ign], [True, False], red_opts(red, labelSmoothing=0.2, weight=wc))
            fam.add(f'nllLoss/{red}/{d}', 'nllLoss', [logp, t], [True, False], red_opts(red))
            fam.add(f'nllLoss/weight/{red}/{d}', 'nllLoss', [logp, t], [True, False], red_opts(red, weight=wc))
            fam.add(f'nllLoss/weight+ignoreIndex=1/{red}/{d}', 'nllLoss', [logp, t_ign1], [True, False],
                    red_opts(red, weight=wc, ignoreIndex=1))
        fam.add(f'crossEntropy/index/ignoreIndex=1/{d}', 'crossEntropy', [logits, t_ign1], [True, False],
                {'ignoreIndex': 1})
        fam.add(f'crossEntropy/index/ignoreIndex=1+labelSmoothing/{d}', 'crossEntropy', [logits, t_ign1],
                [True, False], {'ignoreIndex': 1, 'labelSmoothing': 0.3})
        fam.add(f'crossEntropy/index/all-ignored/sum/{d}', 'crossEntropy', [logits, idx([-100] * N)],
                [True, False], {'reduction': 'sum'})
        fam.add(f'nllLoss/ignoreIndex=-100/{d}', 'nllLoss', [logp, t_ign], [True, False])
        big = rn([N, C], dt, scale=50.0)
        fam.add(f'crossEntropy/index/large-logits/{d}', 'crossEntropy', [big, t], [True, False])
        # (N, C, d1) and (N, C, d1, d2)
        lg3 = rn([2, C, 3], dt)
        t3 = idx([[0, 3, 2], [1, -100, 3]])
        lg4 = rn([2, C, 2, 3], dt)
        t4 = torch.randint(0, C, (2, 2, 3), dtype=I32)
        t4[1, 0, 2] = -100
        for red in REDUCTIONS:
            fam.add(f'crossEntropy/index/[N,C,d]/{red}/{d}', 'crossEntropy', [lg3, t3], [True, False],
                    red_opts(red, weight=wc))
            fam.add(f'crossEntropy/index/[N,C,d1,d2]/{red}/{d}', 'crossEntropy', [lg4, t4], [True, False],
                    red_opts(red, labelSmoothing=0.1))
            fam.add(f'nllLoss/[N,C,d]/{red}/{d}', 'nllLoss', [torch.log_softmax(lg3, 1), t3], [True, False],
                    red_opts(red, weight=wc))
        fam.add(f'crossEntropy/index/[N,C,d]/labelSmoothing+weight/{d}', 'crossEntropy', [lg3, t3],
                [True, False], {'weight': wc, 'labelSmoothing': 0.25})
        # unbatched: input [C], target a 0-d index or a [C] distribution
        fam.add(f'crossEntropy/index/unbatched/{d}', 'crossEntropy', [rn([C], dt), idx(2)], [True, False])
        fam.add(f'crossEntropy/index/unbatched/none/{d}', 'crossEntropy', [rn([C], dt), idx(1)], [True, False],
                {'reduction': 'none', 'weight': wc})
        fam.add(f'nllLoss/unbatched/{d}', 'nllLoss', [torch.log_softmax(rn([C], F64), 0).to(dt), idx(3)],
                [True, False], {'weight': wc})
        fam.add(f'crossEntropy/probs/unbatched/{d}', 'crossEntropy', [rn([C], dt), probs([C], 0, dt)],
                [True, True], {'labelSmoothing': 0.1})
        # probability targets
        pt = probs([N, C], 1, dt)
        pt3 = probs([2, C, 3], 1, dt)
        for red in REDUCTIONS:
            fam.add(f'crossEntropy/probs/{red}/{d}', 'crossEntropy', [logits, pt], [True, True], red_opts(red))
            fam.add(f'crossEntropy/probs/weight/{red}/{d}', 'crossEntropy', [logits, pt], [True, True],
                    red_opts(red, weight=wc))
            fam.add(f'crossEntropy/probs/labelSmoothing/{red}/{d}', 'crossEntropy', [logits, pt], [True, True],
                    red_opts(red, labelSmoothing=0.15))
            fam.add(f'crossEntropy/probs/[N,C,d]/{red}/{d}', 'crossEntropy', [lg3, pt3], [True, True],
                    red_opts(red, weight=wc, labelSmoothing=0.1))

        # klDiv: input log-probabilities; target probabilities or log-probabilities.
        lq = torch.log_softmax(rn([3, 5], F64), 1).to(dt)
        tp = probs([3, 5], 1, dt)
        tlog = torch.log_softmax(rn([3, 5], F64), 1).to(dt)
        tz = tp.clone()
        tz[0, 1] = 0.0
        tz[2, 4] = 0.0
        for red in REDUCTIONS + ('batchmean',):
            fam.add(f'klDiv/{red}/{d}', 'klDiv', [lq, tp], [True, True], red_opts(red))
            fam.add(f'klDiv/logTarget/{red}/{d}', 'klDiv', [lq, tlog], [True, True],
                    red_opts(red, logTarget=True))
        fam.add(f'klDiv/zero-targets/batchmean/{d}', 'klDiv', [lq, tz], [True, False],
                {'reduction': 'batchmean'})
        fam.add(f'klDiv/zero-targets/none/{d}', 'klDiv', [lq, tz], [True, False], {'reduction': 'none'})
        fam.add(f'klDiv/rank3/batchmean/{d}', 'klDiv',
                [torch.log_softmax(rn([2, 3, 4], F64), 2).to(dt), probs([2, 3, 4], 2, dt)], [True, True],
                {'reduction': 'batchmean'})

        # cosineSimilarity: dims, broadcasting, near-zero vectors (norm below eps, exactly zero).
        a = rn([4, 3], dt)
        b = rn([4, 3], dt)
        fam.add(f'cosineSimilarity/dim=1/{d}', 'cosineSimilarity', [a, b], [True, True])
        fam.add(f'cosineSimilarity/dim=0/{d}', 'cosineSimilarity', [a, b], [True, True], {'dim': 0})
        a3, b3 = rn([2, 3, 4], dt), rn([2, 3, 4], dt)
        fam.add(f'cosineSimilarity/rank3/dim=-1/{d}', 'cosineSimilarity', [a3, b3], [True, True], {'dim': -1})
        fam.add(f'cosineSimilarity/rank3/dim=1/{d}', 'cosineSimilarity', [a3, b3], [True, True])
        fam.add(f'cosineSimilarity/broadcast[1,3]/{d}', 'cosineSimilarity', [rn([1, 3], dt), b], [True, True])
        fam.add(f'cosineSimilarity/broadcast-along-dim/{d}', 'cosineSimilarity', [rn([4, 1], dt), b],
                [True, True])
        fam.add(f'cosineSimilarity/1d/dim=0/{d}', 'cosineSimilarity', [rn([5], dt), rn([5], dt)], [True, True],
                {'dim': 0})
        az = rn([4, 3], dt)
        az[0] = rn([3], dt, scale=1e-9)
        az[1] = 0.0
        bz = rn([4, 3], dt)
        bz[2] = rn([3], dt, scale=1e-10)
        bz[3] = 0.0
        fam.add(f'cosineSimilarity/near-zero/{d}', 'cosineSimilarity', [az, bz], [True, True])
        fam.add(f'cosineSimilarity/near-zero/eps=1e-3/{d}', 'cosineSimilarity', [az * 1e6, bz], [True, True],
                {'eps': 1e-3})
        fam.add(f'cosineSimilarity/large/{d}', 'cosineSimilarity', [a * 1e15, b * 1e-15], [True, True])
    return fam


# ---------------------------------------------------------------------------------------------
# functional


def torch_batch_norm(x, rm, rv, o):
    return F.batch_norm(x, rm, rv, weight=o.get('weight'), bias=o.get('bias'),
                        training=o.get('training', False), momentum=o.get('momentum', 0.1),
                        eps=o.get('eps', 1e-5))


def bn_sequence(rm0, rv0, calls):
    """Runs the calls in order on one pair of buffers; returns per-call (out, grads, buffers)."""
    rm = None if rm0 is None else rm0.clone()
    rv = None if rv0 is None else rv0.clone()
    results = []
    for x, o, grad_options, R in calls:
        xl = leaf(x)
        opts = dict(o)
        for k in grad_options:
            opts[k] = leaf(opts[k])
        out = torch_batch_norm(xl, rm, rv, opts)
        gx, ogs = None, {}
        if R is not None:
            leaves = [xl] + [opts[k] for k in grad_options]
            gs = list(torch.autograd.grad((out * R).sum(), leaves))
            gx = gs.pop(0)
            ogs = {k: gs.pop(0) for k in grad_options}
        results.append((out.detach(), gx, ogs,
                        None if rm is None else rm.clone(), None if rv is None else rv.clone()))
    return results


def add_batch_norm(fam, name, rm0, rv0, calls):
    """calls: (x, options, gradOptions) triples, run in order on the same running buffers."""
    fam.check_name(name)
    probe = bn_sequence(rm0, rv0, [(x, o, [], None) for x, o, _ in calls])
    dt = calls[0][0].dtype
    full = [(x, o, list(g), rn(list(p[0].shape), dt)) for (x, o, g), p in zip(calls, probe)]
    results = bn_sequence(rm0, rv0, full)
    if dt == F32:
        r64 = bn_sequence(up64(rm0), up64(rv0),
                          [(up64(x), up64(o), g, up64(R)) for x, o, g, R in full])
        r_round = [tuple(down32(list(r))) for r in r64]
        for mine, ref in zip(results, r_round):
            check32(f'{fam.name}: {name}', list(mine), list(ref))
        results = r_round
    case = {'name': name, 'op': 'batchNorm', 'runningMean': enc(rm0), 'runningVar': enc(rv0), 'calls': []}
    for (x, o, g, R), (out, gx, ogs, rm, rv) in zip(full, results):
        call = {'args': [T(x)], 'options': enc(o), 'grad': [True]}
        if g:
            call['gradOptions'] = g
        call.update({'R': T(R), 'out': T(out), 'grads': [T(gx)]})
        if g:
            call['optionGrads'] = enc(ogs)
        call['runningMean'] = enc(rm)
        call['runningVar'] = enc(rv)
        case['calls'].append(call)
    fam.cases.append(case)


def gen_functional():
    fam = Family('functional')
    for dt in FLOATS:
        d = DTYPE_NAME[dt]
        x = rn([2, 3, 4], dt, scale=2.0, shift=0.5)
        w4, b4 = rn([4], dt), rn([4], dt)
        w34, b34 = rn([3, 4], dt), rn([3, 4], dt)
        fam.add(f'layerNorm/[4]/{d}', 'layerNorm', [x, [4]], [True, False])
        fam.add(f'layerNorm/4/affine/{d}', 'layerNorm', [x, 4], [True, False], {'weight': w4, 'bias': b4},
                ['weight', 'bias'])
        fam.add(f'layerNorm/[3,4]/{d}', 'layerNorm', [x, [3, 4]], [True, False])
        fam.add(f'layerNorm/[3,4]/affine/{d}', 'layerNorm', [x, [3, 4]], [True, False],
                {'weight': w34, 'bias': b34}, ['weight', 'bias'])
        fam.add(f'layerNorm/[4]/weight-only/eps=1e-2/{d}', 'layerNorm', [x, [4]], [True, False],
                {'weight': w4, 'eps': 1e-2}, ['weight'])
        fam.add(f'layerNorm/[2,3,4]/bias-only/{d}', 'layerNorm', [x, [2, 3, 4]], [True, False],
                {'bias': rn([2, 3, 4], dt)}, ['bias'])
        fam.add(f'layerNorm/[5]/2d/{d}', 'layerNorm', [rn([3, 5], dt), [5]], [True, False])
        fam.add(f'layerNorm/1d/{d}', 'layerNorm', [rn([6], dt, scale=3.0), [6]], [True, False])

        C = 3
        rm0 = rn([C], dt, scale=0.1)
        rv0 = ru([C], 0.5, 1.5, dt)
        wc, bc = ru([C], 0.5, 1.5, dt), rn([C], dt)
        affine = {'weight': wc, 'bias': bc}
        for shape in ([5, C], [4, C, 3]):
            s = '[' + ','.join(['N', 'C', 'L'][:len(shape)]) + ']'
            xs = [rn(shape, dt, scale=1.5, shift=0.3 * (i + 1)) for i in range(4)]
            train = dict(affine, training=True)
            ev = dict(affine)  # training defaults to false
            add_batch_norm(fam, f'batchNorm/{s}/train×3+eval/{d}', rm0, rv0,
                           [(xs[0], train, ['weight', 'bias']), (xs[1], train, ['weight', 'bias']),
                            (xs[2], train, ['weight', 'bias']), (xs[3], ev, ['weight', 'bias'])])
            add_batch_norm(fam, f'batchNorm/{s}/train/momentum=0.3,eps=1e-3/{d}', rm0, rv0,
                           [(xs[0], {'training': True, 'momentum': 0.3, 'eps': 1e-3}, []),
                            (xs[1], {'training': True, 'momentum': 0.3, 'eps': 1e-3}, [])])
            add_batch_norm(fam, f'batchNorm/{s}/eval/{d}', rm0, rv0, [(xs[2], {}, [])])
            add_batch_norm(fam, f'batchNorm/{s}/eval/affine/{d}', rm0, rv0,
                           [(xs[3], dict(affine, eps=1e-2), ['weight', 'bias'])])
            add_batch_norm(fam, f'batchNorm/{s}/train/no-running-stats/{d}', None, None,
                           [(xs[1], dict(affine, training=True), ['weight', 'bias'])])
    return fam


def main():
    for fam in (gen_losses(), gen_functional()):
        path, n, size = fam.write()
        print(f'wrote {n} cases to {path} ({size} bytes)')


if __name__ == '__main__':
    main()
