"""Reference gradients for @mtl/autograd's grad(..., { isGradsBatched: true }), by PyTorch 1.13's
torch.autograd.grad(..., is_grads_batched=True).

Run:  /usr/bin/python3 tools/reference/batched_grad.py
Writes packages/autograd/test/fixtures/batched/grad.json (float64):
  values: the leaves and constants {name: {shape, data}} of a small multi-task network —
    x [6, 5]; W1 [4, 5], b1 [4] (relu); W2 [3, 4] (tanh), the shared trunk; heads h0..h2 [1, 3]
    and targets y0..y2 [6, 1], losses L_i = mean((trunk(x)·h_iᵀ − y_i)²)
  perTask: d L_i / d [W1, b1, W2, h0, h1, h2], each [3, ...shape], from one-hot seeds
  mixed: the gradients of out = stack(L_0, L_1, L_2) seeded with S [2, 3] (two rows of weights),
    each [2, ...shape]
"""

import json
import os

import torch

torch.manual_seed(7)
D = torch.float64


def t(*shape):
    return (torch.rand(*shape, dtype=D) - 0.5) * 2


values = {"x": t(6, 5), "W1": t(4, 5), "b1": t(4), "W2": t(3, 4)}
for i in range(3):
    values[f"h{i}"] = t(1, 3)
    values[f"y{i}"] = t(6, 1)
S = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, 0.25]], dtype=D)
leaves = ["W1", "b1", "W2", "h0", "h1", "h2"]


def losses():
    v = {k: (x.clone().requires_grad_(k in leaves)) for k, x in values.items()}
    rep = torch.tanh(torch.relu(v["x"] @ v["W1"].T + v["b1"]) @ v["W2"].T)
    ls = [((rep @ v[f"h{i}"].T - v[f"y{i}"]) ** 2).mean() for i in range(3)]
    return v, ls


v, ls = losses()
eye = torch.eye(3, dtype=D)
per_task = torch.autograd.grad(
    ls, [v[k] for k in leaves], grad_outputs=[eye[:, i] for i in range(3)], is_grads_batched=True,
    allow_unused=True,
)
v, ls = losses()
mixed = torch.autograd.grad(torch.stack(ls), [v[k] for k in leaves], grad_outputs=S, is_grads_batched=True)


def enc(x):
    return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}


out = {
    "generator": "tools/reference/batched_grad.py",
    "torch": torch.__version__,
    "values": {k: enc(x) for k, x in values.items()},
    "leaves": leaves,
    "S": enc(S),
    "perTask": [enc(g) for g in per_task],
    "mixed": [enc(g) for g in mixed],
}
path = os.path.join(os.path.dirname(__file__), "../../packages/autograd/test/fixtures/batched/grad.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
