#!/usr/bin/env python3
"""The CAGrad paper's toy (Liu et al. 2021, Figure 1), run as its reference code runs it
(github.com/Cranial-XIX/CAGrad, toy.py): Adam(lr=0.001) on x from the paper's three starts, with
each method's update direction set as x.grad — the mean gradient (EW), MGDA's and PCGrad's
two-task closed forms, and CAGrad (c = 0.5) with a bounded scalar minimisation, as there.

Run from the repository root (needs python3-torch and python3-scipy):

    /usr/bin/python3 tools/reference/cagrad_toy.py 5000 float64 > packages/multitask/test/fixtures/cagradToy.json
    /usr/bin/python3 tools/reference/cagrad_toy.py 100000 float64 > packages/multitask/test/fixtures/cagradToy100k.json

(the second, the reference code's step count, takes about 16 minutes).

Prints {method: [[x1, x2, L1, L2] for each start]} after N steps.
"""
import json
import sys

import numpy as np
import torch
from scipy.optimize import minimize_scalar

LOWER = 0.000005
STARTS = ([-8.5, 7.5], [-8.5, -5.0], [9.0, 9.0])


def losses(x):
    x1, x2 = x[0], x[1]
    f1 = torch.clamp((0.5 * (-x1 - 7) - torch.tanh(-x2)).abs(), LOWER).log() + 6
    f2 = torch.clamp((0.5 * (-x1 + 3) + torch.tanh(-x2) + 2).abs(), LOWER).log() + 6
    c1 = torch.clamp(torch.tanh(x2 * 0.5), 0)
    f1_sq = ((-x1 + 7).pow(2) + 0.1 * (-x2 - 8).pow(2)) / 10 - 20
    f2_sq = ((-x1 - 7).pow(2) + 0.1 * (-x2 - 8).pow(2)) / 10 - 20
    c2 = torch.clamp(torch.tanh(-x2 * 0.5), 0)
    return f1 * c1 + f1_sq * c2, f2 * c1 + f2_sq * c2


def task_grads(x):
    f1, f2 = losses(x)
    g1 = torch.autograd.grad(f1, x, retain_graph=True)[0]
    g2 = torch.autograd.grad(f2, x)[0]
    return g1, g2


def products(g1, g2):
    return g1.dot(g1).item(), g1.dot(g2).item(), g2.dot(g2).item()


def mean(g1, g2):
    return (g1 + g2) / 2


def pcgrad(g1, g2):
    g11, g12, g22 = products(g1, g2)
    if g12 < 0:
        return ((1 - g12 / g11) * g1 + (1 - g12 / g22) * g2) / 2
    return (g1 + g2) / 2


def mgda(g1, g2):
    g11, g12, g22 = products(g1, g2)
    if g12 < min(g11, g22):
        w = (g22 - g12) / (g11 + g22 - 2 * g12 + 1e-8)
    else:
        w = 1 if g11 < g22 else 0
    return w * g1 + (1 - w) * g2


def cagrad(g1, g2, c=0.5):
    g11, g12, g22 = products(g1, g2)
    g0 = (g1 + g2) / 2
    coef = c * 0.5 * np.sqrt(g11 + g22 + 2 * g12 + 1e-4)

    def objective(w):
        gw_sq = w**2 * (g11 + g22 - 2 * g12) + 2 * w * (g12 - g22) + g22
        gw_g0 = 0.5 * w * (g11 + g22 - 2 * g12) + (0.5 + w) * (g12 - g22) + g22
        return coef * np.sqrt(gw_sq + 1e-4) + gw_g0

    w = minimize_scalar(objective, bounds=(0, 1), method='bounded').x
    gw = w * g1 + (1 - w) * g2
    gw_norm = np.sqrt(w**2 * g11 + (1 - w) ** 2 * g22 + 2 * w * (1 - w) * g12 + 1e-4)
    return (g0 + coef / (gw_norm + 1e-4) * gw) / (1 + c)


def main():
    steps = int(sys.argv[1])
    dtype = torch.float64 if sys.argv[2] == 'float64' else torch.float32
    out = {}
    for name, direction in (('ew', mean), ('mgda', mgda), ('pcgrad', pcgrad), ('cagrad', cagrad)):
        ends = []
        for start in STARTS:
            x = torch.tensor(start, dtype=dtype, requires_grad=True)
            optimizer = torch.optim.Adam([x], lr=0.001)
            for _ in range(steps):
                g = direction(*task_grads(x))
                optimizer.zero_grad()
                x.grad = g.to(dtype)
                optimizer.step()
            l1, l2 = losses(x)
            ends.append([x[0].item(), x[1].item(), l1.item(), l2.item()])
        out[name] = ends
    print(json.dumps(out))


if __name__ == '__main__':
    main()
