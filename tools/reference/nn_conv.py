#!/usr/bin/env python3
"""Reference values for @mtl/nn's convolutional layers, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/nn_conv.py

Writes packages/nn/test/fixtures/conv_layers.json: for each layer (Conv1d, Conv2d, MaxPool1d/2d,
AvgPool1d/2d, AdaptiveAvgPool2d, BatchNorm2d, GroupNorm, Flatten, Upsample) and a few option
combinations, in float64 and float32, one case per line:

    { "name": "Conv2d(4,6,[3,2],{...})/float64", "layer": "Conv2d", "args": [4, 6, [3, 2]],
      "options": {...}?, "dtype": "float64",
      "stateDict": { "weight": T, "bias": T, ... },
      "calls": [ { "training": true, "input": T, "R": T, "out": T, "indices": T?,
                   "grads": { "input": T, "weight": T, ... }, "buffers": { "running_mean": T, ... }? } ] }

- `layer`, `args` and `options` are our constructor call (`new Conv2d(4, 6, [3, 2], options)`,
  camelCase option names, without `dtype`); torch gets the same in its own names.
- `stateDict` is the torch module's state dict (PyTorch's names) before the first call; the
  test loads it strictly. Affine norm parameters are randomised so their gradients mean something.
- `calls` run in order on the same module, in training mode or not: BatchNorm2d's running
  statistics carry over, and `buffers` holds them after the call. `out` is the forward result
  (`indices` the argmax positions when `returnIndices`), `R` a fixed random tensor of out's
  shape, and `grads` the gradients of sum(out * R) with respect to the input and every
  parameter (by state-dict name), taken with torch.autograd.grad (nothing accumulates).

Then the torch-CNN fixture in packages/nn/test/fixtures/safetensors/: torch-cnn.safetensors, the
float32 state dict (with __metadata__ {"format": "pt"}) of

    Sequential(Conv2d(1,4,3,padding=1), BatchNorm2d(4), ReLU(), MaxPool2d(2), Conv2d(4,6,3,groups=2),
               GroupNorm(2,6), ReLU(), AdaptiveAvgPool2d(2), Flatten(), Linear(24,3))

after two training batches (so the running statistics are not their initial values), written by
tools/reference/safetensors.py's writer (byte for byte what `safetensors.torch.save_file` writes),
and torch-cnn.json: the module list, an input, and for an eval call and then a training call the
output, R, the gradients of sum(out * R) and (training) the buffers after the call.

float32, as in tools/reference/nn.py: inputs, parameters and R are drawn in float64 and rounded
to float32, so they are exact; the expected values are computed by torch in float64 on those
exact values and rounded to float32 (torch's own float32 result is checked against them, to
1e-4). T = { "dtype", "shape", "data": [flat, row-major] }; int64 (num_batches_tracked, indices)
is written as int32.
"""

import copy
import json
import os
import warnings

import torch
import torch.nn as nn

from fixtures import DTYPE_NAME, F32, F64, FLOATS, T, close, enc, rn
from safetensors import as_json, read_safetensors, write_bytes, write_json, write_safetensors

warnings.filterwarnings('ignore')
torch.manual_seed(20240716)

OUT = os.path.join('packages', 'nn', 'test', 'fixtures', 'conv_layers.json')
GENERATOR = 'tools/reference/nn_conv.py'

# Our option names → torch's.
TORCH_NAMES = {
    'ceilMode': 'ceil_mode',
    'countIncludePad': 'count_include_pad',
    'divisorOverride': 'divisor_override',
    'returnIndices': 'return_indices',
    'trackRunningStats': 'track_running_stats',
    'scaleFactor': 'scale_factor',
    'alignCorners': 'align_corners',
}


def torch_value(v):
    return tuple(v) if isinstance(v, list) else v


def build(layer, args, options):
    """The torch module for our constructor call, in float64."""
    kwargs = {TORCH_NAMES.get(k, k): torch_value(v) for k, v in (options or {}).items()}
    return getattr(nn, layer)(*[torch_value(a) for a in args], **kwargs).to(F64)


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def run_calls(module, calls):
    """Runs (training, x, R) calls in order; per call (out, indices, grads by name, buffers)."""
    results = []
    params = list(module.named_parameters())
    buffer_names = [k for k, _ in module.named_buffers()]
    for training, x, R in calls:
        module.train(training)
        xl = leaf(x)
        out = module(xl)
        indices = None
        if isinstance(out, tuple):
            out, indices = out
        grads = {}
        if R is not None:
            gs = torch.autograd.grad((out * R).sum(), [xl] + [p for _, p in params])
            grads = {'input': gs[0].detach(), **{k: g.detach() for (k, _), g in zip(params, gs[1:])}}
        buffers = {k: v.detach().clone() for k, v in module.state_dict().items() if k in buffer_names}
        results.append((out.detach(), indices, grads, buffers))
    return results


def flat(v):
    if v is None:
        return []
    if isinstance(v, torch.Tensor):
        return [v]
    if isinstance(v, dict):
        return [t for k in sorted(v) for t in flat(v[k])]
    return [t for x in v for t in flat(x)]


def down32(t):
    return t.to(F32) if isinstance(t, torch.Tensor) and t.dtype == F64 else t


def round_result(r):
    out, indices, grads, buffers = r
    return (down32(out), indices, {k: down32(g) for k, g in grads.items()},
            {k: down32(b) for k, b in buffers.items()})


def check32(label, mine, ref):
    for m, r in zip(flat(list(mine)), flat(list(ref))):
        if not close(m, r, 1e-4, 1e-4):
            raise AssertionError(f'{label}: float32 torch and float64-rounded disagree\n{m}\n{r}')


def randomise_affine(module):
    """Norm layers start at weight 1, bias 0; random values make their gradients meaningful."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)) and m.affine:
                m.weight.copy_(torch.rand(m.weight.shape, dtype=F64) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, dtype=F64) * 0.5)


def exact_in(t, dtype):
    """A float64 tensor holding values exact in `dtype` (float64 draws rounded to float32 for float32)."""
    return t.to(dtype).to(F64) if t.is_floating_point() else t


def label(layer, args, options):
    text = ','.join(json.dumps(a, separators=(',', ':')) for a in args)
    if options:
        text += (',' if args else '') + json.dumps(options, separators=(',', ':'))
    return f'{layer}({text})'


class Cases:
    def __init__(self):
        self.cases = []
        self.names = set()

    def add(self, layer, args, options, shapes, training=(True,), scale=1.0):
        """One case per dtype: the calls take inputs of `shapes` (one per call), in `training` modes."""
        if len(training) != len(shapes):
            raise ValueError('one training flag per call')
        template = build(layer, args, options)
        randomise_affine(template)
        xs = [rn(shape, F64, scale=scale) for shape in shapes]
        with torch.no_grad():
            probe = run_calls(copy.deepcopy(template), [(t, x, None) for t, x in zip(training, xs)])
        Rs = [rn(list(p[0].shape), F64) for p in probe]
        for dt in FLOATS:
            name = f'{label(layer, args, options)}/{DTYPE_NAME[dt]}'
            if name in self.names:
                raise ValueError(f'duplicate case {name}')
            self.names.add(name)
            state = {k: exact_in(v, dt) for k, v in template.state_dict().items()}
            inputs = [exact_in(x, dt) for x in xs]
            Rx = [exact_in(R, dt) for R in Rs]
            ref_module = copy.deepcopy(template)
            ref_module.load_state_dict(state)
            results = run_calls(ref_module, list(zip(training, inputs, Rx)))
            if dt == F32:
                own = copy.deepcopy(template).to(F32)
                own.load_state_dict(state)
                mine = run_calls(own, list(zip(training, [x.to(F32) for x in inputs], [R.to(F32) for R in Rx])))
                results = [round_result(r) for r in results]
                for m, r in zip(mine, results):
                    check32(name, m, r)
            case = {'name': name, 'layer': layer, 'args': args}
            if options:
                case['options'] = options
            case['dtype'] = DTYPE_NAME[dt]
            case['stateDict'] = {k: T(down32(v) if dt == F32 else v) for k, v in state.items()}
            case['calls'] = []
            for (t, x, R), (out, indices, grads, buffers) in zip(zip(training, inputs, Rx), results):
                call = {'training': t, 'input': T(x.to(dt)), 'R': T(R.to(dt)), 'out': T(out)}
                if indices is not None:
                    call['indices'] = T(indices)
                call['grads'] = enc(grads)
                if buffers:
                    call['buffers'] = enc(buffers)
                case['calls'].append(call)
            self.cases.append(case)

    def write(self):
        doc = {'generator': GENERATOR, 'torch': torch.__version__, 'cases': self.cases}
        text = json.dumps(doc, allow_nan=False, separators=(',', ':'))
        # One case per line keeps the file diffable.
        text = text.replace(',{"name"', ',\n{"name"').replace('"cases":[{', '"cases":[\n{')
        with open(OUT, 'w') as f:
            f.write(text + '\n')
        print(f'wrote {len(self.cases)} cases to {OUT} ({len(text)} bytes)')


def gen_layers():
    c = Cases()
    # Convolutions: defaults, every option, 'same' with an even kernel (asymmetric padding),
    # 'valid', depthwise, unbatched.
    c.add('Conv1d', [3, 4, 3], None, [[2, 3, 7]])
    c.add('Conv1d', [4, 6, 3], {'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 2, 'bias': False},
          [[2, 4, 9]])
    c.add('Conv1d', [2, 3, 4], {'padding': 'same'}, [[2, 2, 6]])
    c.add('Conv1d', [3, 2, [2]], {'padding': 'valid', 'stride': [3]}, [[3, 8]])
    c.add('Conv2d', [3, 8, 3], None, [[2, 3, 6, 5]])
    c.add('Conv2d', [4, 6, [3, 2]],
          {'stride': [2, 1], 'padding': [1, 0], 'dilation': [1, 2], 'groups': 2}, [[2, 4, 7, 6]])
    c.add('Conv2d', [2, 4, [2, 3]], {'padding': 'same', 'dilation': [2, 1], 'bias': False}, [[1, 2, 5, 6]])
    c.add('Conv2d', [3, 3, 3], {'padding': 'valid', 'groups': 3}, [[2, 3, 5, 5]])
    c.add('Conv2d', [2, 3, 3], {'padding': 1, 'stride': 2}, [[2, 5, 4]])
    # Pools: defaults (stride = kernel), padding, dilation, ceil mode, indices, unbatched.
    c.add('MaxPool1d', [3], None, [[2, 3, 10]])
    c.add('MaxPool1d', [3], {'stride': 2, 'padding': 1, 'dilation': 2, 'ceilMode': True}, [[2, 2, 11]])
    c.add('MaxPool1d', [2], {'returnIndices': True}, [[3, 7]])
    c.add('MaxPool2d', [2], None, [[2, 3, 6, 6]])
    c.add('MaxPool2d', [[3, 2]], {'stride': [2, 1], 'padding': [1, 1], 'dilation': [1, 2], 'ceilMode': True},
          [[1, 2, 7, 8]])
    c.add('MaxPool2d', [2], {'returnIndices': True}, [[1, 2, 5, 5]])
    c.add('MaxPool2d', [3], {'stride': 2, 'padding': 1}, [[3, 5, 6]])
    c.add('AvgPool1d', [3], None, [[2, 3, 10]])
    c.add('AvgPool1d', [4], {'stride': 2, 'padding': 2, 'ceilMode': True, 'countIncludePad': False}, [[2, 2, 9]])
    c.add('AvgPool2d', [2], None, [[2, 3, 6, 7]])
    c.add('AvgPool2d', [[3, 2]], {'stride': [2, 1], 'padding': [1, 1], 'ceilMode': True, 'countIncludePad': False},
          [[1, 2, 7, 6]])
    c.add('AvgPool2d', [3], {'stride': 2, 'padding': 1, 'divisorOverride': 5}, [[2, 2, 6, 5]])
    c.add('AvgPool2d', [2], {'padding': 1}, [[3, 5, 4]])
    c.add('AdaptiveAvgPool2d', [2], None, [[2, 3, 5, 7]])
    c.add('AdaptiveAvgPool2d', [[3, None]], None, [[1, 2, 7, 5]])
    c.add('AdaptiveAvgPool2d', [[None, 4]], None, [[1, 2, 3, 6]])
    c.add('AdaptiveAvgPool2d', [4], None, [[3, 5, 6]])
    c.add('AdaptiveAvgPool2d', [[3, 5]], None, [[1, 2, 2, 4]])  # larger than the input: overlapping windows
    # BatchNorm2d: two training calls (running statistics, num_batches_tracked), then eval.
    c.add('BatchNorm2d', [3], None, [[3, 3, 4, 4]] * 3, training=(True, True, False), scale=2.0)
    c.add('BatchNorm2d', [3], {'momentum': 0.3, 'eps': 1e-3, 'affine': False}, [[2, 3, 3, 5]] * 3,
          training=(True, True, False))
    c.add('BatchNorm2d', [2], {'trackRunningStats': False}, [[2, 2, 3, 3]] * 2, training=(True, False))
    # GroupNorm: groups 1 (layer-norm like), 2, C (instance-norm like); no affine; 3-d and 2-d inputs.
    for groups in (1, 2, 6):
        c.add('GroupNorm', [groups, 6], None, [[2, 6, 3, 4]], scale=1.5)
    c.add('GroupNorm', [3, 6], {'affine': False, 'eps': 1e-3}, [[2, 6, 5]])
    c.add('GroupNorm', [2, 4], None, [[3, 4]])
    # Flatten: the default (all but the batch dim), everything, ranges and negative dims.
    c.add('Flatten', [], None, [[2, 3, 4, 5]])
    c.add('Flatten', [0, -1], None, [[2, 3, 4]])
    c.add('Flatten', [2, 3], None, [[2, 3, 4, 5]])
    c.add('Flatten', [-3, -2], None, [[2, 3, 4, 5]])
    c.add('Flatten', [1, 1], None, [[2, 3, 4]])
    # Upsample: nearest by size and by scale factor (integer and not), bilinear and linear with
    # and without alignCorners.
    c.add('Upsample', [], {'size': [5, 7]}, [[1, 2, 3, 4]])
    c.add('Upsample', [], {'scaleFactor': 2}, [[2, 2, 3, 3]])
    c.add('Upsample', [], {'scaleFactor': [1.5, 2.5]}, [[1, 2, 4, 3]])
    c.add('Upsample', [], {'scaleFactor': 3, 'mode': 'nearest'}, [[2, 3, 4]])
    c.add('Upsample', [], {'size': [6, 5], 'mode': 'bilinear'}, [[1, 2, 3, 4]])
    c.add('Upsample', [], {'size': [6, 5], 'mode': 'bilinear', 'alignCorners': True}, [[1, 2, 3, 4]])
    c.add('Upsample', [], {'scaleFactor': 2, 'mode': 'bilinear'}, [[2, 1, 3, 3]])
    c.add('Upsample', [], {'size': 7, 'mode': 'linear', 'alignCorners': True}, [[2, 3, 4]])
    c.add('Upsample', [], {'scaleFactor': 2.5, 'mode': 'linear'}, [[1, 2, 4]])
    c.write()


# ---------------------------------------------------------------------------------------------
# the torch CNN, as safetensors


CNN_MODULES = ['Conv2d(1,4,3,padding=1)', 'BatchNorm2d(4)', 'ReLU()', 'MaxPool2d(2)',
               'Conv2d(4,6,3,groups=2)', 'GroupNorm(2,6)', 'ReLU()', 'AdaptiveAvgPool2d(2)', 'Flatten()',
               'Linear(24,3)']


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, groups=2), nn.GroupNorm(2, 6), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
        nn.Linear(24, 3))


def gen_cnn():
    torch.manual_seed(7)
    model = cnn()  # float32, as torch makes it
    with torch.no_grad():
        for m in (model[1], model[5]):
            m.weight.copy_((torch.rand(m.weight.shape, dtype=F64) + 0.5).to(F32))
            m.bias.copy_((torch.randn(m.bias.shape, dtype=F64) * 0.5).to(F32))
        model.train()
        for _ in range(2):  # non-trivial running statistics, num_batches_tracked = 2
            model(rn([4, 1, 8, 8], F32, scale=2.0, shift=0.5))
    state = model.state_dict()
    data = write_safetensors(state, {'format': 'pt'})
    back, _ = read_safetensors(data)
    assert sorted(back) == sorted(state)
    write_bytes('torch-cnn.safetensors', data)

    x = rn([2, 1, 8, 8], F32, scale=2.0)
    ref = copy.deepcopy(model).to(F64)  # float64 on the exact float32 values
    Rs = [rn([2, 3], F32), rn([2, 3], F32)]
    calls = [(False, x, Rs[0]), (True, x, Rs[1])]
    results = run_calls(ref, [(t, a.to(F64), R.to(F64)) for t, a, R in calls])
    results = [round_result(r) for r in results]
    mine = run_calls(copy.deepcopy(model), calls)
    for m, r in zip(mine, results):
        check32('torch-cnn', m, r)
    doc = {'generator': GENERATOR, 'torch': torch.__version__, 'file': 'torch-cnn.safetensors',
           'modules': CNN_MODULES, 'input': as_json(x, 'float32')}
    for key, (t, _, R), (out, _, grads, buffers) in zip(('eval', 'train'), calls, results):
        doc[key] = {'training': t, 'R': as_json(R, 'float32'), 'out': as_json(out, 'float32'),
                    'grads': {k: as_json(g, 'float32') for k, g in grads.items()}}
        if t:
            doc[key]['buffers'] = {k: as_json(b, 'int32' if b.dtype == torch.int64 else 'float32')
                                   for k, b in buffers.items()}
    write_json('torch-cnn.json', doc)
    print('wrote torch-cnn.json')


if __name__ == '__main__':
    gen_layers()
    gen_cnn()
