#!/usr/bin/env python3
"""Reference values for packages/optim/test/specialValues.test.ts, computed by PyTorch 1.13 (Debian's).

Run from the repository root:

    /usr/bin/python3 tools/reference/optim_specials.py

It writes packages/optim/test/fixtures/specials.json.

One float32 parameter of 15 elements with ±inf, NaN and -0 in the parameter, the gradient or both,
three steps of every optimizer variant the test lists (same names); "cases" holds the parameter
after the last step. Non-finite values and -0 are written as strings ("Infinity", "NaN", "-0")."""
import json
import os
import math
import sys

import torch
torch.set_default_dtype(torch.float32)
INF=float('inf'); NAN=float('nan')
SPECIAL=[INF,-INF,NAN,-0.0]
N=15
def values(n, seed, which, step):
    out=[]
    for i in range(n):
        x=math.sin(1.7*i+3.1*seed+0.7*step)
        x = 0.25 if x==0 else x
        slot=(i+step)%15
        if which=='p' and step==0 and (slot<4 or (8<=slot<12)): x=SPECIAL[slot%4]
        if which=='g' and 4<=slot<12: x=SPECIAL[(slot+step)%4]
        out.append(x)
    return out
O=torch.optim
configs=[
 ('SGD', lambda ps: O.SGD(ps, lr=0.1)),
 ('SGD weightDecay', lambda ps: O.SGD(ps, lr=0.1, weight_decay=0.01)),
 ('SGD maximize', lambda ps: O.SGD(ps, lr=0.1, maximize=True)),
 ('Momentum', lambda ps: O.SGD(ps, lr=0.05, momentum=0.9)),
 ('Momentum dampening', lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1)),
 ('Momentum maximize', lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, maximize=True)),
 ('Momentum weightDecay maximize', lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01, maximize=True)),
 ('SGD nesterov', lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True)),
 ('SGD nesterov maximize', lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
 ('Adam', lambda ps: O.Adam(ps, lr=0.01)),
 ('Adam weightDecay', lambda ps: O.Adam(ps, lr=0.01, weight_decay=0.1)),
 ('Adam maximize', lambda ps: O.Adam(ps, lr=0.01, maximize=True)),
 ('Adam amsgrad', lambda ps: O.Adam(ps, lr=0.01, amsgrad=True)),
 ('Adam amsgrad weightDecay maximize', lambda ps: O.Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
 ('AdamW', lambda ps: O.AdamW(ps, lr=0.01)),
 ('AdamW weightDecay 0', lambda ps: O.AdamW(ps, lr=0.01, weight_decay=0)),
 ('AdamW maximize', lambda ps: O.AdamW(ps, lr=0.01, maximize=True)),
 ('AdamW lr·weightDecay = 1', lambda ps: O.AdamW(ps, lr=0.5, weight_decay=2)),
 ('RMSprop', lambda ps: O.RMSprop(ps, lr=0.01)),
 ('RMSprop weightDecay', lambda ps: O.RMSprop(ps, lr=0.01, weight_decay=0.01)),
 ('RMSprop maximize', lambda ps: O.RMSprop(ps, lr=0.01, maximize=True)),
 ('RMSprop centered', lambda ps: O.RMSprop(ps, lr=0.01, centered=True)),
 ('RMSprop momentum', lambda ps: O.RMSprop(ps, lr=0.01, momentum=0.5)),
 ('Adagrad', lambda ps: O.Adagrad(ps, lr=0.1)),
 ('Adagrad lrDecay', lambda ps: O.Adagrad(ps, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
 ('Adagrad weightDecay', lambda ps: O.Adagrad(ps, lr=0.1, weight_decay=0.01)),
 ('Adagrad maximize', lambda ps: O.Adagrad(ps, lr=0.1, maximize=True)),
]
def enc(v):
    v=float(v)
    if math.isnan(v): return 'NaN'
    if math.isinf(v): return 'Infinity' if v>0 else '-Infinity'
    if v==0 and math.copysign(1,v)<0: return '-0'
    return v
out={'torch':torch.__version__,'n':N,'init':[enc(x) for x in torch.tensor(values(N,1,'p',0)).tolist()],
     'grads':[[enc(x) for x in torch.tensor(values(N,2,'g',s)).tolist()] for s in range(3)],'cases':{}}
for name,make in configs:
    p=torch.nn.Parameter(torch.tensor(values(N,1,'p',0)))
    opt=make([p])
    for s in range(3):
        p.grad=torch.tensor(values(N,2,'g',s))
        opt.step()
    out['cases'][name]=[enc(x) for x in p.detach().tolist()]
path = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'optim', 'test', 'fixtures', 'specials.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=None)
