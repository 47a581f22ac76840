#!/usr/bin/env python3
"""Reference trajectories for @mtl/optim, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/optim.py

Writes two files to packages/optim/test/fixtures/:

optim.json — optimizer trajectories:

    { "generator", "torch",
      "problem": { "A": T, "B": T, "b": T, "quartic": 0.1 },
      "trajectories": [
        { "name": "Adam/amsgrad/recorded/float64", "optimizer": "Adam", "kind": "recorded" | "function",
          "dtype": "float64" | "float32", "options": {...}, "groups": [{ "params": [0], ...overrides }] | null,
          "sign": 1 | -1, "zeroSteps": [k, ...],
          "init": [T, T], "grads": [[T | null, T | null], ...] (recorded only),
          "params": [[T, T], ...] (after every step), "state": [{ "step": n, "expAvg": T, ... } | null, ...] }
      ] }

- `optimizer` is our class name; `options` are the constructor options in our camelCase names
  (`weightDecay`, `lrDecay`, `initialAccumulatorValue`, `betas` as a pair, ...). `Momentum` is our
  class; torch runs it as `SGD(momentum=0.9, ...)`. `groups`, when present, lists the parameter
  groups (indices into `init`, plus per-group overrides of `options`); null means one group of
  every parameter.
- "recorded": the gradient of parameter i at step k is `grads[k][i]` (null = no gradient at that
  step: the parameter is skipped, and has no state before its first gradient).
- "function": the gradient depends on the parameters, x = params[0] (shape [4]) and y = params[1]
  (shape [3]), in the trajectory's dtype:
      f(x, y) = ½‖A x + B y − b‖² + quartic·(Σx⁴ + Σy⁴)
      r = A x + B y − b,  ∇x f = Aᵀ r + x·x·x·(4·quartic),  ∇y f = Bᵀ r + y·y·y·(4·quartic)
  and the gradient fed to the optimizer is `sign`·∇f. With `maximize` the sign is −1: maximizing
  −f has the same (convergent) minimizer, so the trajectory stays bounded. The problem's tensors
  are stored in float64; float32 trajectories use them rounded to float32.
- `params[k][i]` is parameter i after step k + 1; `state[i]` the optimizer state of parameter i
  after the last step, with our camelCase keys (`step`, `momentumBuffer`, `expAvg`, `expAvgSq`,
  `maxExpAvgSq`, `squareAvg`, `gradAvg`, `sum`); torch's None entries (SGD without momentum keeps
  `momentum_buffer: None`) are left out, and `step` is a plain number.
- `zeroSteps` lists the steps whose gradients are all zeros (plain SGD leaves the parameters
  exactly unchanged there).

clip.json — gradient clipping:

    { "name", "fn": "clipGradNorm" | "clipGradValue", "dtype", "grads": [T | null, ...],
      "maxNorm"?, "normType"? (a number or "inf"), "clipValue"?,
      "totalNorm"? (what clip_grad_norm_ returns), "out": [T | null, ...] (the gradients after) }

T = { "dtype": "float32" | "float64", "shape": [...], "data": [flat, row-major] }.

Every input is drawn in float64 (float32 inputs are those values rounded to float32, so they are
exact). float32 values are written as the shortest decimal that rounds back to the same float32. The float32 trajectories are torch's own float32 runs (the optimizers compute in the
parameter's dtype, so there is no "correctly rounded" trajectory to prefer); they are compared
with a float32 tolerance.

Known differences, left out of the fixtures: torch 1.13's Adagrad creates `step` and `sum` for
every parameter in its constructor; @mtl/optim (DESIGN.md) creates state on a parameter's first
gradient, as the other optimizers do (the trajectories are the same). For the same reason torch
fills `sum` with the constructor's `initial_accumulator_value` and ignores a value set in a
parameter group, so the Adagrad group case sets it in the constructor only.
"""

import json
import math
import os
import sys

import numpy as np
import torch

torch.manual_seed(20240604)
torch.set_default_dtype(torch.float32)

F32 = torch.float32
F64 = torch.float64
FLOATS = (F64, F32)
DTYPE_NAME = {F32: 'float32', F64: 'float64'}

OUT_DIR = os.path.join('packages', 'optim', 'test', 'fixtures')

RECORDED_STEPS = 20
FUNCTION_STEPS = 30
RECORDED_SHAPES = ([3, 4], [5])
QUARTIC = 0.1


# ---------------------------------------------------------------------------------------------
# encoding


def enc_float(v):
    if math.isnan(v):
        return 'nan'
    if v == math.inf:
        return 'inf'
    if v == -math.inf:
        return '-inf'
    return float(v)


def enc_float32(v):
    """The shortest decimal that rounds to the same float32 (keeps the files small; exact)."""
    if not math.isfinite(v):
        return enc_float(v)
    short = float(str(np.float32(v)))
    assert np.float32(short) == np.float32(v)
    return short


def T(t):
    """A torch float tensor as a fixture tensor."""
    if t is None:
        return None
    t = t.detach().contiguous()
    if t.dtype not in DTYPE_NAME:
        raise TypeError(f'unsupported dtype {t.dtype}')
    e = enc_float32 if t.dtype == F32 else enc_float
    return {'dtype': DTYPE_NAME[t.dtype], 'shape': list(t.shape), 'data': [e(v) for v in t.reshape(-1).tolist()]}


def rn(shape, scale=1.0):
    """Normal draws in float64 (rounded to float32 by the caller when needed, so exact)."""
    return torch.randn(shape, dtype=F64) * scale


# ---------------------------------------------------------------------------------------------
# options: our camelCase names <-> torch's keyword arguments

TORCH_NAME = {
    'lr': 'lr',
    'momentum': 'momentum',
    'dampening': 'dampening',
    'weightDecay': 'weight_decay',
    'nesterov': 'nesterov',
    'maximize': 'maximize',
    'betas': 'betas',
    'eps': 'eps',
    'amsgrad': 'amsgrad',
    'alpha': 'alpha',
    'centered': 'centered',
    'lrDecay': 'lr_decay',
    'initialAccumulatorValue': 'initial_accumulator_value',
}

STATE_NAME = {
    'step': 'step',
    'momentum_buffer': 'momentumBuffer',
    'exp_avg': 'expAvg',
    'exp_avg_sq': 'expAvgSq',
    'max_exp_avg_sq': 'maxExpAvgSq',
    'square_avg': 'squareAvg',
    'grad_avg': 'gradAvg',
    'sum': 'sum',
}


def torch_kwargs(options):
    out = {}
    for k, v in options.items():
        if k not in TORCH_NAME:
            raise KeyError(f'unknown option {k}')
        out[TORCH_NAME[k]] = tuple(v) if k == 'betas' else v
    return out


def make_torch_optimizer(name, params, options, groups):
    """torch's optimizer for our class `name`, with our options and groups."""
    kwargs = torch_kwargs(options)
    if name == 'Momentum':
        cls = torch.optim.SGD
        kwargs.setdefault('momentum', 0.9)
    else:
        cls = getattr(torch.optim, name)
    if groups is None:
        arg = params
    else:
        arg = [{'params': [params[i] for i in g['params']],
                **torch_kwargs({k: v for k, v in g.items() if k != 'params'})} for g in groups]
    return cls(arg, **kwargs)


def encode_state(opt, p):
    """The state of `p` with our keys, or None when torch has none."""
    if p not in opt.state or not opt.state[p]:
        return None
    out = {}
    for k, v in opt.state[p].items():
        if v is None:
            continue
        if k not in STATE_NAME:
            raise KeyError(f'unknown state key {k}')
        if k == 'step':
            s = float(v.item()) if isinstance(v, torch.Tensor) else float(v)
            if s != int(s):
                raise ValueError(f'non-integer step {s}')
            out['step'] = int(s)
        else:
            if v.dtype != p.dtype or list(v.shape) != list(p.shape):
                raise ValueError(f'state {k} has dtype {v.dtype} shape {list(v.shape)}')
            out[STATE_NAME[k]] = T(v)
    return out


# ---------------------------------------------------------------------------------------------
# the function problem

PROBLEM64 = {
    'A': rn([6, 4], 1 / math.sqrt(6)),
    'B': rn([6, 3], 1 / math.sqrt(6)),
    'b': rn([6]),
}
FUNCTION_INIT64 = [rn([4], 1.2), rn([3], 1.2)]


def problem_grads(x, y, dtype, sign):
    """sign·∇f at (x, y), in `dtype`, with the same expressions as the TS test."""
    A = PROBLEM64['A'].to(dtype)
    B = PROBLEM64['B'].to(dtype)
    b = PROBLEM64['b'].to(dtype)
    c = 4 * QUARTIC
    with torch.no_grad():
        r = A @ x + B @ y - b
        gx = A.T @ r + x * x * x * c
        gy = B.T @ r + y * y * y * c
    if sign < 0:
        gx, gy = -gx, -gy
    return [gx, gy]


def check_problem_gradient():
    """The closed-form gradient is autograd's gradient of f (a check of the formula)."""
    x = FUNCTION_INIT64[0].clone().requires_grad_()
    y = FUNCTION_INIT64[1].clone().requires_grad_()
    r = PROBLEM64['A'] @ x + PROBLEM64['B'] @ y - PROBLEM64['b']
    f = 0.5 * (r * r).sum() + QUARTIC * ((x ** 4).sum() + (y ** 4).sum())
    f.backward()
    gx, gy = problem_grads(x.detach(), y.detach(), F64, 1)
    assert torch.allclose(x.grad, gx, rtol=1e-13, atol=1e-13), (x.grad, gx)
    assert torch.allclose(y.grad, gy, rtol=1e-13, atol=1e-13), (y.grad, gy)


# ---------------------------------------------------------------------------------------------
# trajectories


def run(name, tag, options, dtype, kind, groups=None, grads64=None, init64=None, zero_steps=()):
    """Runs torch's optimizer and returns one fixture trajectory."""
    params = [t.to(dtype).clone().requires_grad_() for t in init64]
    init = [T(p) for p in params]
    opt = make_torch_optimizer(name, params, options, groups)
    sign = -1 if options.get('maximize', False) else 1
    steps = len(grads64) if kind == 'recorded' else FUNCTION_STEPS
    seen = [False] * len(params)
    out_grads, out_params = [], []
    for k in range(steps):
        if kind == 'recorded':
            gs = [None if g is None else g.to(dtype) for g in grads64[k]]
            out_grads.append([T(g) for g in gs])
        else:
            gs = problem_grads(params[0].detach(), params[1].detach(), dtype, sign)
        before = [p.detach().clone() for p in params]
        for i, (p, g) in enumerate(zip(params, gs)):
            p.grad = None if g is None else g.clone()
            seen[i] = seen[i] or g is not None
        opt.step()
        for i, p in enumerate(params):
            if gs[i] is None:
                assert torch.equal(p.detach(), before[i]), f'{name}/{tag}: a parameter without a grad moved'
            if name != 'Adagrad':  # torch's Adagrad creates its state in the constructor
                assert (encode_state(opt, p) is not None) == seen[i], f'{name}/{tag}: state before first grad'
        if k in zero_steps and name == 'SGD' and not options.get('momentum') and not options.get('weightDecay'):
            for i, p in enumerate(params):
                assert torch.equal(p.detach(), before[i]), f'{name}/{tag}: a zero gradient moved SGD'
        out_params.append([T(p) for p in params])
        for p in params:
            if not torch.isfinite(p).all():
                raise ValueError(f'{name}/{tag}/{kind}: parameters went non-finite at step {k}')
    traj = {
        'name': f'{name}/{tag}/{kind}/{DTYPE_NAME[dtype]}',
        'optimizer': name,
        'kind': kind,
        'dtype': DTYPE_NAME[dtype],
        'options': options,
        'groups': groups,
        'sign': sign,
        'zeroSteps': list(zero_steps),
        'init': init,
    }
    if kind == 'recorded':
        traj['grads'] = out_grads
    traj['params'] = out_params
    traj['state'] = [encode_state(opt, p) for p in params]
    return traj


def recorded_grads(steps=RECORDED_STEPS, none=None, zero_steps=(), scale=0.7):
    """Random gradients for the recorded shapes; `none` maps a parameter index to the steps at
    which it has no gradient; at `zero_steps` every gradient is zeros."""
    none = none or {}
    out = []
    for k in range(steps):
        row = []
        for i, shape in enumerate(RECORDED_SHAPES):
            g = rn(shape, scale)
            if k in zero_steps:
                g = torch.zeros(shape, dtype=F64)
            row.append(None if k in none.get(i, ()) else g)
        out.append(row)
    return out


# The option combinations, per optimizer, in our names.
OPTION_CASES = [
    ('SGD', 'plain', {'lr': 0.1}),
    ('SGD', 'momentum', {'lr': 0.05, 'momentum': 0.9}),
    ('SGD', 'dampening', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3}),
    ('SGD', 'nesterov', {'lr': 0.05, 'momentum': 0.8, 'nesterov': True}),
    ('SGD', 'weightDecay', {'lr': 0.1, 'weightDecay': 0.05}),
    ('SGD', 'maximize', {'lr': 0.05, 'maximize': True}),
    ('SGD', 'momentum+dampening+weightDecay+maximize',
     {'lr': 0.05, 'momentum': 0.7, 'dampening': 0.1, 'weightDecay': 0.01, 'maximize': True}),
    ('SGD', 'nesterov+weightDecay', {'lr': 0.03, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.02}),
    ('Momentum', 'default', {'lr': 0.05}),
    ('Momentum', 'nesterov', {'lr': 0.05, 'nesterov': True}),
    ('Momentum', 'momentum+dampening+weightDecay', {'lr': 0.02, 'momentum': 0.5, 'dampening': 0.2, 'weightDecay': 1e-3}),
    ('Adam', 'defaults', {}),
    ('Adam', 'lr', {'lr': 0.05}),
    ('Adam', 'amsgrad', {'lr': 0.05, 'amsgrad': True}),
    ('Adam', 'weightDecay', {'lr': 0.05, 'weightDecay': 0.1}),
    ('Adam', 'maximize', {'lr': 0.05, 'maximize': True}),
    ('Adam', 'betas+eps', {'lr': 0.05, 'betas': [0.8, 0.99], 'eps': 1e-3}),
    ('Adam', 'amsgrad+weightDecay+maximize+betas',
     {'lr': 0.02, 'betas': [0.5, 0.9], 'weightDecay': 0.05, 'amsgrad': True, 'maximize': True}),
    ('AdamW', 'defaults', {}),
    ('AdamW', 'lr', {'lr': 0.05}),
    ('AdamW', 'amsgrad', {'lr': 0.05, 'amsgrad': True}),
    ('AdamW', 'betas+eps+weightDecay', {'lr': 0.05, 'betas': [0.85, 0.995], 'eps': 1e-6, 'weightDecay': 0.1}),
    ('AdamW', 'maximize', {'lr': 0.05, 'maximize': True}),
    ('AdamW', 'amsgrad+weightDecay0', {'lr': 0.05, 'amsgrad': True, 'weightDecay': 0}),
    ('RMSprop', 'defaults', {}),
    ('RMSprop', 'centered', {'centered': True}),
    ('RMSprop', 'momentum', {'momentum': 0.9}),
    ('RMSprop', 'weightDecay', {'weightDecay': 0.1}),
    ('RMSprop', 'centered+momentum', {'centered': True, 'momentum': 0.5}),
    ('RMSprop', 'maximize', {'maximize': True}),
    ('RMSprop', 'alpha+eps', {'lr': 0.005, 'alpha': 0.9, 'eps': 1e-4}),
    ('RMSprop', 'all', {'lr': 0.005, 'alpha': 0.95, 'centered': True, 'momentum': 0.3, 'weightDecay': 0.01,
                        'maximize': True}),
    ('Adagrad', 'defaults', {}),
    ('Adagrad', 'lrDecay', {'lr': 0.1, 'lrDecay': 0.05}),
    ('Adagrad', 'weightDecay', {'lr': 0.1, 'weightDecay': 0.1}),
    ('Adagrad', 'initialAccumulatorValue', {'lr': 0.1, 'initialAccumulatorValue': 0.5}),
    ('Adagrad', 'eps', {'lr': 0.1, 'eps': 1e-2}),
    ('Adagrad', 'maximize', {'lr': 0.1, 'maximize': True}),
    ('Adagrad', 'all', {'lr': 0.2, 'lrDecay': 0.01, 'weightDecay': 0.02, 'initialAccumulatorValue': 0.1, 'eps': 1e-6}),
]

# Two parameter groups: group 0 (parameter 0) takes the constructor options, group 1 (parameter 1)
# overrides lr and other options.
GROUP_CASES = [
    ('SGD', {'lr': 0.1}, [{'params': [0]}, {'params': [1], 'lr': 0.02, 'momentum': 0.9, 'nesterov': True}]),
    ('Momentum', {'lr': 0.05}, [{'params': [0]}, {'params': [1], 'lr': 0.01, 'momentum': 0.5, 'weightDecay': 0.1}]),
    ('Adam', {'lr': 0.05}, [{'params': [0]}, {'params': [1], 'lr': 0.01, 'betas': [0.8, 0.9], 'amsgrad': True}]),
    ('AdamW', {'lr': 0.05}, [{'params': [0]}, {'params': [1], 'lr': 0.02, 'weightDecay': 0.2}]),
    ('RMSprop', {'lr': 0.01}, [{'params': [0]}, {'params': [1], 'lr': 0.003, 'centered': True, 'momentum': 0.6}]),
    # Not a per-group initialAccumulatorValue: torch 1.13's Adagrad fills `sum` in its constructor
    # from the constructor's value and ignores a group's own (a torch quirk; see the docstring).
    ('Adagrad', {'lr': 0.1, 'initialAccumulatorValue': 0.1},
     [{'params': [0]}, {'params': [1], 'lr': 0.3, 'lrDecay': 0.1, 'eps': 1e-3, 'weightDecay': 0.05}]),
]

# Parameter 1 has no gradient at steps 0-2 (no state yet) and 9; parameter 0 none at step 14.
NONE_CASES = [
    ('SGD', 'momentum', {'lr': 0.05, 'momentum': 0.9}),
    ('Momentum', 'nesterov', {'lr': 0.05, 'nesterov': True}),
    ('Adam', 'amsgrad', {'lr': 0.05, 'amsgrad': True}),
    ('AdamW', 'defaults', {'lr': 0.05}),
    ('RMSprop', 'centered+momentum', {'centered': True, 'momentum': 0.5}),
    ('Adagrad', 'lrDecay', {'lr': 0.1, 'lrDecay': 0.05}),
]
NONE_STEPS = {1: (0, 1, 2, 9), 0: (14,)}

# All gradients zero at steps 0, 4, 5 and 11.
ZERO_CASES = [
    ('SGD', 'plain', {'lr': 0.1}),
    ('SGD', 'momentum', {'lr': 0.05, 'momentum': 0.9}),
    ('Adam', 'lr', {'lr': 0.05}),
    ('RMSprop', 'centered', {'centered': True}),
    ('Adagrad', 'defaults', {}),
]
ZERO_STEPS = (0, 4, 5, 11)


def gen_trajectories():
    out = []
    function_init = FUNCTION_INIT64

    def both(name, tag, options, groups=None, recorded=True, function=True, none=None, zero_steps=()):
        if recorded:
            grads = recorded_grads(none=none, zero_steps=zero_steps)
            init = [rn(s) for s in RECORDED_SHAPES]
            for dt in FLOATS:
                out.append(run(name, tag, options, dt, 'recorded', groups, grads, init, zero_steps))
        if function:
            for dt in FLOATS:
                out.append(run(name, tag, options, dt, 'function', groups, None, function_init))

    for name, tag, options in OPTION_CASES:
        both(name, tag, options)
    for name, options, groups in GROUP_CASES:
        both(name, 'groups', options, groups)
    for name, tag, options in NONE_CASES:
        both(name, f'{tag}+none-grad', options, function=False, none=NONE_STEPS)
    for name, tag, options in ZERO_CASES:
        both(name, f'{tag}+zero-grad', options, function=False, zero_steps=ZERO_STEPS)
    names = [t['name'] for t in out]
    assert len(names) == len(set(names)), 'duplicate trajectory names'
    return out


# ---------------------------------------------------------------------------------------------
# clipping


def gen_clip():
    cases = []
    shapes = ([3, 4], [5], [2, 2, 2])

    def norm_case(tag, dtype, grads64, max_norm, norm_type):
        gs = [None if g is None else g.to(dtype) for g in grads64]
        params = []
        for g in gs:
            p = torch.zeros(g.shape if g is not None else [2], dtype=dtype, requires_grad=True)
            p.grad = None if g is None else g.clone()
            params.append(p)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        assert total.dtype == dtype
        cases.append({
            'name': f'clipGradNorm/{tag}/{DTYPE_NAME[dtype]}',
            'fn': 'clipGradNorm',
            'dtype': DTYPE_NAME[dtype],
            'grads': [T(g) for g in gs],
            'maxNorm': max_norm,
            'normType': enc_float(float(norm_type)) if norm_type == math.inf else norm_type,
            'totalNorm': (enc_float32 if dtype == F32 else enc_float)(float(total.item())),
            'out': [T(p.grad) for p in params],
        })

    def value_case(tag, dtype, grads64, clip_value):
        gs = [None if g is None else g.to(dtype) for g in grads64]
        params = []
        for g in gs:
            p = torch.zeros(g.shape if g is not None else [2], dtype=dtype, requires_grad=True)
            p.grad = None if g is None else g.clone()
            params.append(p)
        torch.nn.utils.clip_grad_value_(params, clip_value)
        cases.append({
            'name': f'clipGradValue/{tag}/{DTYPE_NAME[dtype]}',
            'fn': 'clipGradValue',
            'dtype': DTYPE_NAME[dtype],
            'grads': [T(g) for g in gs],
            'clipValue': clip_value,
            'out': [T(p.grad) for p in params],
        })

    def total_norm(grads64, p):
        flat = torch.cat([g.reshape(-1) for g in grads64 if g is not None])
        return float(torch.linalg.vector_norm(flat, p))

    for norm_type in (2, 1, math.inf, 3):
        nt = 'inf' if norm_type == math.inf else str(norm_type)
        grads = [rn(s) for s in shapes]
        n = total_norm(grads, norm_type)
        for dt in FLOATS:
            norm_case(f'p{nt}/3-tensors/clipped', dt, grads, round(0.4 * n, 3), norm_type)
            norm_case(f'p{nt}/3-tensors/not-clipped', dt, grads, round(2 * n, 3), norm_type)
        one = [rn([4, 3])]
        n1 = total_norm(one, norm_type)
        for dt in FLOATS:
            norm_case(f'p{nt}/1-tensor/clipped', dt, one, round(0.25 * n1, 3), norm_type)
            norm_case(f'p{nt}/1-tensor/not-clipped', dt, one, round(1.5 * n1, 3), norm_type)
        with_none = [rn([3]), None, rn([2, 3])]
        n2 = total_norm(with_none, norm_type)
        for dt in FLOATS:
            norm_case(f'p{nt}/with-null-grad/clipped', dt, with_none, round(0.5 * n2, 3), norm_type)
    grads = [rn(s) for s in shapes]
    for dt in FLOATS:
        norm_case('p2/maxNorm0', dt, grads, 0.0, 2)
        norm_case('p2.5/clipped', dt, grads, 1.0, 2.5)
    grads = [rn(s, 1e-3) for s in shapes]
    for dt in FLOATS:
        norm_case('p2/small-grads/not-clipped', dt, grads, 1.0, 2)

    grads = [rn(s) for s in shapes]
    for dt in FLOATS:
        value_case('0.5', dt, grads, 0.5)
        value_case('10/unchanged', dt, grads, 10.0)
        value_case('0', dt, grads, 0.0)
        value_case('0.3/with-null-grad', dt, [grads[0], None, grads[2]], 0.3)
    names = [c['name'] for c in cases]
    assert len(names) == len(set(names)), 'duplicate clip case names'
    return cases


# ---------------------------------------------------------------------------------------------
# output


def write(path, doc, key):
    text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
    # One trajectory (case) per line keeps the files diffable.
    text = text.replace(',{"name"', ',\n{"name"').replace(f'"{key}":[{{', f'"{key}":[\n{{')
    with open(path, 'w') as f:
        f.write(text + '\n')
    return len(text)


def main():
    if not os.path.isdir(os.path.join('packages', 'optim')):
        sys.exit('run from the repository root: /usr/bin/python3 tools/reference/optim.py')
    os.makedirs(OUT_DIR, exist_ok=True)
    check_problem_gradient()
    trajectories = gen_trajectories()
    doc = {
        'generator': 'tools/reference/optim.py',
        'torch': torch.__version__,
        'problem': {'A': T(PROBLEM64['A']), 'B': T(PROBLEM64['B']), 'b': T(PROBLEM64['b']), 'quartic': QUARTIC},
        'trajectories': trajectories,
    }
    path = os.path.join(OUT_DIR, 'optim.json')
    size = write(path, doc, 'trajectories')
    print(f'{path}: {len(trajectories)} trajectories, {size / 1024:.0f} KiB')
    clip = gen_clip()
    path2 = os.path.join(OUT_DIR, 'clip.json')
    size2 = write(path2, {'generator': 'tools/reference/optim.py', 'torch': torch.__version__, 'cases': clip}, 'cases')
    print(f'{path2}: {len(clip)} cases, {size2 / 1024:.0f} KiB')
    if size + size2 > 3 * 1024 * 1024:
        sys.exit('the optim fixtures are over 3 MB')


if __name__ == '__main__':
    main()
