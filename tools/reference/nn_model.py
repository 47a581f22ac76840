"""Reference outputs of small torch.nn models for @mtl/nn's Module/Linear/Sequential tests.

Writes packages/nn/test/fixtures/model.json: for Sequential(Linear(4,8), ReLU(), Linear(8,3)) and
Sequential(Linear(5,6), Tanh(), Linear(6,6, bias=False), GELU(), Linear(6,2)), in float64 and
float32, the state dict (PyTorch's names), an input batch and the model's output and the
gradients of sum(out * R) with respect to every parameter.

Run from the repository root with Debian's torch: /usr/bin/python3 tools/reference/nn_model.py
"""
import json
import os

import torch

OUT = os.path.join('packages', 'nn', 'test', 'fixtures', 'model.json')


def enc(t):
    return {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape),
            'data': [float(v) for v in t.detach().reshape(-1).tolist()]}


def case(name, model, batch, dtype):
    model = model.to(dtype)
    x = torch.randn(batch, model[0].in_features, dtype=dtype)
    y = model(x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return {
        'name': f'{name}/{str(dtype).replace("torch.", "")}',
        'stateDict': {k: enc(v) for k, v in model.state_dict().items()},
        'input': enc(x),
        'output': enc(y),
        'R': enc(r),
        'grads': {k: enc(p.grad) for k, p in model.named_parameters()},
        'modules': [type(m).__name__ for m in model],
    }


def main():
    torch.manual_seed(0)
    cases = []
    for dtype in (torch.float64, torch.float32):
        cases.append(case('mlp-4-8-3', torch.nn.Sequential(
            torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)), 5, dtype))
        cases.append(case('mlp-tanh-gelu', torch.nn.Sequential(
            torch.nn.Linear(5, 6), torch.nn.Tanh(), torch.nn.Linear(6, 6, bias=False),
            torch.nn.GELU(), torch.nn.Linear(6, 2)), 7, dtype))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'generator': 'tools/reference/nn_model.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{OUT}: {len(cases)} cases')


if __name__ == '__main__':
    main()
