#!/usr/bin/env python3
"""PyTorch reference for @mtl/multitask's multiLeNet(): Sener & Koltun's MultiLeNet, built in torch
so its state-dict names are ours, its weights saved as safetensors, and the losses, logits and
gradients of one batch recorded for packages/multitask/test/multiLeNetTorch.test.ts.

The torch model (names line up with multiLeNet()'s, so the file loads strictly):

    encoder     nn.Sequential(0 Conv2d(1, 10, 5), 1 MaxPool2d(2), 2 ReLU, 3 Conv2d(10, 20, 5),
                              4 MaxPool2d(2), 5 ReLU, 6 Flatten, 7 Linear(320, 50), 8 ReLU)
                (ours fuses the last ReLU into Linear 7; index 8 has no parameters)
    heads.<t>   Head: 0 Linear(50, 50), relu, 1 Linear(50, classes)
                (ours is Sequential(Linear+relu fused, Linear), so the output layer is `1`, which a
                torch Sequential(Linear, ReLU, Linear) would call `2`)

One batch: x [8, 1, 28, 28] and int labels for tasks left and right (10 classes each); loss =
F.cross_entropy(left) + F.cross_entropy(right), backward.

Writes packages/multitask/test/fixtures/:

- multiLeNet.safetensors: the float32 state dict (torch's default init, seed 0), metadata
  {"format": "pt"}, laid out byte-for-byte as safetensors.torch.save_file would (the writer in
  tools/reference/safetensors.py; Debian has no `safetensors` package).
- multiLeNet.json: {x, labels: {task: int32}, float32: {logits, losses, loss, grads}, float64: {...}}.
  float32 expectations are the float64 run (the float32 weights and inputs cast up) rounded to
  float32; float64 is that same float64 run unrounded. Torch's own float32 run is asserted to agree
  with it to 1e-4 before anything is written. Compact JSON (Biome ignores fixtures/*.json).

Run from the repository root: /usr/bin/python3 tools/reference/multilenet.py
"""
import json
import os
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import F32, F64, enc  # noqa: E402
from safetensors import read_safetensors, write_safetensors  # noqa: E402  (the local module)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'multitask', 'test', 'fixtures')
TASKS = OrderedDict([('left', 10), ('right', 10)])
BATCH = 8


class Head(nn.Module):
    """Linear → ReLU → Linear with the Linears named 0 and 1, as multiLeNet()'s heads."""

    def __init__(self, classes):
        super().__init__()
        self.add_module('0', nn.Linear(50, 50))
        self.add_module('1', nn.Linear(50, classes))

    def forward(self, x):
        return getattr(self, '1')(F.relu(getattr(self, '0')(x)))


class MultiLeNet(nn.Module):
    def __init__(self, tasks):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 10, 5), nn.MaxPool2d(2), nn.ReLU(),
            nn.Conv2d(10, 20, 5), nn.MaxPool2d(2), nn.ReLU(),
            nn.Flatten(), nn.Linear(320, 50), nn.ReLU())
        self.heads = nn.ModuleDict({t: Head(c) for t, c in tasks.items()})

    def forward(self, x):
        rep = self.encoder(x)
        return {t: head(rep) for t, head in self.heads.items()}


def run(model, x, labels):
    """Logits, per-task losses, their sum and every parameter's gradient (by name)."""
    model.zero_grad(set_to_none=True)
    logits = model(x)
    losses = {t: F.cross_entropy(logits[t], labels[t]) for t in TASKS}
    loss = sum(losses.values())
    loss.backward()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    return ({t: v.detach() for t, v in logits.items()}, {t: v.detach() for t, v in losses.items()},
            loss.detach(), grads)


def max_rel(a, b):
    return ((a.double() - b.double()).abs() / (1e-4 + b.double().abs())).max().item()


def main():
    torch.manual_seed(0)
    model32 = MultiLeNet(TASKS)  # float32, torch's default init
    x = torch.randn(BATCH, 1, 28, 28, dtype=F32)
    labels = {t: torch.randint(0, c, (BATCH,)) for t, c in TASKS.items()}

    state = OrderedDict((k, v.detach().clone()) for k, v in model32.state_dict().items())
    expected_names = ['encoder.0.weight', 'encoder.0.bias', 'encoder.3.weight', 'encoder.3.bias',
                      'encoder.7.weight', 'encoder.7.bias'] + [
        f'heads.{t}.{i}.{w}' for t in TASKS for i in (0, 1) for w in ('weight', 'bias')]
    assert list(state) == expected_names, list(state)

    # float64 with the float32 weights and inputs cast up: the exact answer for those float32 values.
    model64 = MultiLeNet(TASKS).to(F64)
    model64.load_state_dict({k: v.to(F64) for k, v in state.items()}, strict=True)
    logits64, losses64, loss64, grads64 = run(model64, x.to(F64), labels)

    # torch's own float32 run agrees with the rounded float64 one.
    logits32, losses32, loss32, grads32 = run(model32, x, labels)
    worst = {}
    for t in TASKS:
        worst[f'logits.{t}'] = max_rel(logits32[t], logits64[t])
        worst[f'losses.{t}'] = max_rel(losses32[t], losses64[t])
    for name in grads64:
        worst[f'grads.{name}'] = max_rel(grads32[name], grads64[name])
    bad = {k: v for k, v in worst.items() if v > 1e-4}
    assert not bad, f'torch float32 disagrees with float64 beyond 1e-4: {bad}'
    print(f'torch float32 vs float64: worst relative difference {max(worst.values()):.2e}')

    data = write_safetensors(state, {'format': 'pt'})
    tensors, metadata = read_safetensors(data)
    assert metadata == {'format': 'pt'} and sorted(tensors) == sorted(state)
    for name, t in state.items():
        assert tensors[name][0] == 'F32' and (torch.from_numpy(tensors[name][1]) == t).all()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'multiLeNet.safetensors'), 'wb') as f:
        f.write(data)

    def results(dtype):
        return {
            'logits': enc({t: v.to(dtype) for t, v in logits64.items()}),
            'losses': enc({t: v.to(dtype) for t, v in losses64.items()}),
            'loss': enc(loss64.to(dtype)),
            'grads': enc({k: v.to(dtype) for k, v in grads64.items()}),
        }

    doc = {
        'generator': 'tools/reference/multilenet.py',
        'torch': torch.__version__,
        'file': 'multiLeNet.safetensors',
        'tasks': dict(TASKS),
        'x': enc(x),
        'labels': enc(labels),
        'float32': results(F32),
        'float64': results(F64),
    }
    path = os.path.join(OUT, 'multiLeNet.json')
    with open(path, 'w') as f:
        json.dump(doc, f)
        f.write('\n')
    print(f'wrote multiLeNet.safetensors ({len(data)} bytes) and multiLeNet.json; '
          f'loss {loss64.item():.6f} (left {losses64["left"].item():.6f}, right {losses64["right"].item():.6f})')


if __name__ == '__main__':
    main()
