#!/usr/bin/env python3
"""Reference learning-rate sequences for @mtl/optim's schedulers, computed by PyTorch (Debian's 1.13).

Run from the repository root:

    /usr/bin/python3 tools/reference/schedulers.py

Writes packages/optim/test/fixtures/schedulers.json: {"torch": version, "cases": [case, ...]}.
Every case is written in our convention (camelCase option names, as @mtl/optim takes them) and
replayed by packages/optim/test/schedulers.test.ts:

    {
      "name": "StepLR/stepSize=3,gamma=0.5/2 groups",
      "optimizer": {"type": "SGD" | "Adam", "options": {...},
                    "groups": [{"lr": 0.1, "momentum"?: ..., "initialLr"?: ...}, ...]},
      "schedulers": [spec, ...],   # constructed in order; every one is stepped at every step
      "steps": 40,
      "events": [{"at": t, "group": i, "lr": v}],   # group.lr set by hand after step t
      "metrics": [m1, m2, ...],    # ReduceLROnPlateau: step(metrics[t - 1]) at step t
      "lrs": [[lr of each group], ...],        # steps + 1 rows: after construction, after each step
      "momenta": [[momentum or betas[0] of each group], ...],
      "lastLr": [[...], ...]        # getLastLr() of the last top-level scheduler, same rows
    }

    spec = {"type": "StepLR", "options": {...}, "at"?: t, "schedulers"?: [spec, ...]}

A spec with "at" is constructed after step t (after that step's events) instead of at the start;
a SequentialLR spec lists the schedulers it sequences under "schedulers" (constructed first, in
order, on the same optimizer). LambdaLR's lrLambda is the name of a function both sides define
(LAMBDAS below). "initialLr" in a group is set on the group before any scheduler is built, the
way a resumed run has it (PyTorch's `initial_lr`), for schedulers built with lastEpoch ≥ 0.

The timeline of a case, for t = 0 .. steps: step every live scheduler (t > 0), apply the events
at t, construct the schedulers whose "at" is t, record a row.
"""

import json
import math
import os
import warnings

import torch

# The order-of-calls warning (lr_scheduler.step() before optimizer.step()) is irrelevant here:
# only the lr sequence is compared.
warnings.simplefilter("ignore")

LAMBDAS = {
    "pow095": lambda epoch: 0.95**epoch,
    "div10": lambda epoch: epoch // 10,
    "warmup5": lambda epoch: min(1.0, (epoch + 1) / 5),
}

SNAKE = {
    "stepSize": "step_size",
    "tMax": "T_max",
    "etaMin": "eta_min",
    "startFactor": "start_factor",
    "endFactor": "end_factor",
    "totalIters": "total_iters",
    "lrLambda": "lr_lambda",
    "maxLr": "max_lr",
    "totalSteps": "total_steps",
    "stepsPerEpoch": "steps_per_epoch",
    "pctStart": "pct_start",
    "annealStrategy": "anneal_strategy",
    "cycleMomentum": "cycle_momentum",
    "baseMomentum": "base_momentum",
    "maxMomentum": "max_momentum",
    "divFactor": "div_factor",
    "finalDivFactor": "final_div_factor",
    "threePhase": "three_phase",
    "thresholdMode": "threshold_mode",
    "minLr": "min_lr",
    "lastEpoch": "last_epoch",
    "weightDecay": "weight_decay",
}

S = torch.optim.lr_scheduler


def snake(options):
    out = {}
    for k, v in options.items():
        if k == "lrLambda":
            v = [LAMBDAS[n] for n in v] if isinstance(v, list) else LAMBDAS[v]
        out[SNAKE.get(k, k)] = v
    return out


def build_optimizer(spec):
    groups = []
    for g in spec["groups"]:
        group = {"params": [torch.zeros(2, dtype=torch.float64, requires_grad=True)]}
        for k, v in g.items():
            if k == "initialLr":
                continue
            group[SNAKE.get(k, k)] = tuple(v) if k == "betas" else v
        groups.append(group)
    options = snake(spec.get("options", {}))
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    opt = getattr(torch.optim, spec["type"])(groups, **options)
    for group, g in zip(opt.param_groups, spec["groups"]):
        if "initialLr" in g:
            group["initial_lr"] = g["initialLr"]
    return opt


def build_scheduler(opt, spec):
    kind = spec["type"]
    options = snake(spec.get("options", {}))
    if kind == "SequentialLR":
        inner = [build_scheduler(opt, s) for s in spec["schedulers"]]
        return S.SequentialLR(opt, inner, **options)
    return getattr(S, kind)(opt, **options)


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum", 0.0)


cases = []


def add(name, optimizer, schedulers, steps=40, events=(), metrics=None):
    assert steps >= 30, name
    opt = build_optimizer(optimizer)
    live = []
    lrs, momenta, last = [], [], []
    for t in range(steps + 1):
        if t > 0:
            for s in live:
                if isinstance(s, S.ReduceLROnPlateau):
                    s.step(metrics[t - 1])
                else:
                    s.step()
        for e in events:
            if e["at"] == t:
                opt.param_groups[e["group"]]["lr"] = e["lr"]
        for spec in schedulers:
            if spec.get("at", 0) == t:
                live.append(build_scheduler(opt, spec))
        lrs.append([float(g["lr"]) for g in opt.param_groups])
        momenta.append([float(momentum_of(g)) for g in opt.param_groups])
        last.append([float(v) for v in live[-1]._last_lr] if hasattr(live[-1], "_last_lr") else None)
    case = {
        "name": name,
        "optimizer": optimizer,
        "schedulers": schedulers,
        "steps": steps,
        "lrs": lrs,
        "momenta": momenta,
        "lastLr": last,
    }
    if events:
        case["events"] = list(events)
    if metrics is not None:
        case["metrics"] = metrics
    cases.append(case)


def sgd(*lrs, momentum=0.0, **extra):
    return {"type": "SGD", "options": {"lr": lrs[0], "momentum": momentum, **extra}, "groups": [{"lr": lr} for lr in lrs]}


def adam(*lrs, betas=(0.9, 0.999)):
    return {"type": "Adam", "options": {"lr": lrs[0], "betas": list(betas)}, "groups": [{"lr": lr} for lr in lrs]}


def sched(kind, at=0, schedulers=None, **options):
    spec = {"type": kind, "options": options}
    if at:
        spec["at"] = at
    if schedulers is not None:
        spec["schedulers"] = schedulers
    return spec


def resumed(optimizer, initial_lrs):
    """The optimizer of a resumed run: its groups already carry PyTorch's initial_lr."""
    for g, lr in zip(optimizer["groups"], initial_lrs):
        g["initialLr"] = lr
    return optimizer


# --- StepLR --------------------------------------------------------------------------------------
add("StepLR/stepSize=3,gamma=0.5/2 groups", sgd(0.1, 0.03), [sched("StepLR", stepSize=3, gamma=0.5)])
add("StepLR/stepSize=5 (default gamma 0.1)", sgd(0.7), [sched("StepLR", stepSize=5)])
add("StepLR/stepSize=1,gamma=1.1 (growth)", sgd(0.01, 0.002), [sched("StepLR", stepSize=1, gamma=1.1)])
add(
    "StepLR/lr set by hand mid-run is decayed from the new value",
    sgd(0.1, 0.05),
    [sched("StepLR", stepSize=4, gamma=0.5)],
    events=[{"at": 6, "group": 0, "lr": 0.3}, {"at": 13, "group": 1, "lr": 0.001}],
)
add(
    "StepLR/lastEpoch=7 (resumed: groups carry initialLr)",
    resumed(sgd(0.02, 0.004), [0.2, 0.04]),
    [sched("StepLR", stepSize=4, gamma=0.5, lastEpoch=7)],
)

# --- MultiStepLR ---------------------------------------------------------------------------------
add("MultiStepLR/milestones=[5,12,20],gamma=0.5/2 groups", sgd(0.1, 0.02), [sched("MultiStepLR", milestones=[5, 12, 20], gamma=0.5)])
add("MultiStepLR/repeated milestone [4,9,9,25] (gamma squared)", sgd(1.0), [sched("MultiStepLR", milestones=[4, 9, 9, 25])])
add("MultiStepLR/unsorted milestones [30,3,17]", sgd(0.5), [sched("MultiStepLR", milestones=[30, 3, 17], gamma=0.3)])
add("MultiStepLR/milestone 0 applies at construction", sgd(0.5), [sched("MultiStepLR", milestones=[0, 10], gamma=0.5)])

# --- ExponentialLR -------------------------------------------------------------------------------
add("ExponentialLR/gamma=0.9/2 groups", sgd(0.1, 0.37), [sched("ExponentialLR", gamma=0.9)])
add("ExponentialLR/gamma=1.05", sgd(0.001), [sched("ExponentialLR", gamma=1.05)])
add(
    "ExponentialLR/lr set by hand mid-run",
    sgd(0.1),
    [sched("ExponentialLR", gamma=0.8)],
    events=[{"at": 10, "group": 0, "lr": 0.5}],
)

# --- CosineAnnealingLR ---------------------------------------------------------------------------
# 40 steps with tMax=10 go through the restart branch ((lastEpoch - 1 - tMax) % (2 tMax) == 0) twice.
add("CosineAnnealingLR/tMax=10/2 groups", sgd(0.1, 0.03), [sched("CosineAnnealingLR", tMax=10)])
add("CosineAnnealingLR/tMax=7,etaMin=0.001", sgd(0.05, 0.2), [sched("CosineAnnealingLR", tMax=7, etaMin=0.001)])
add("CosineAnnealingLR/tMax=40,etaMin=1e-4", sgd(1.0), [sched("CosineAnnealingLR", tMax=40, etaMin=1e-4)], steps=60)
add("CosineAnnealingLR/tMax=1", sgd(0.3), [sched("CosineAnnealingLR", tMax=1, etaMin=0.01)])
add(
    "CosineAnnealingLR/lr set by hand mid-run (the recursive form follows it)",
    sgd(0.1, 0.01),
    [sched("CosineAnnealingLR", tMax=12, etaMin=0.002)],
    events=[{"at": 5, "group": 0, "lr": 0.2}, {"at": 17, "group": 1, "lr": 0.05}],
)
add(
    "CosineAnnealingLR/lastEpoch=5 (resumed: the closed form on the first step)",
    resumed(sgd(0.01, 0.02), [0.1, 0.3]),
    [sched("CosineAnnealingLR", tMax=15, etaMin=0.001, lastEpoch=5)],
)

# --- LinearLR ------------------------------------------------------------------------------------
add("LinearLR/defaults/2 groups", sgd(0.1, 0.06), [sched("LinearLR")])
add("LinearLR/startFactor=0.5,totalIters=4", sgd(0.05), [sched("LinearLR", startFactor=0.5, totalIters=4)])
add("LinearLR/decay 1 -> 0.1 over 30", sgd(0.2, 0.02), [sched("LinearLR", startFactor=1.0, endFactor=0.1, totalIters=30)])
add(
    "LinearLR/lr set by hand during the ramp",
    sgd(0.1),
    [sched("LinearLR", startFactor=0.25, endFactor=1.0, totalIters=10)],
    events=[{"at": 4, "group": 0, "lr": 0.01}],
)

# --- LambdaLR ------------------------------------------------------------------------------------
add("LambdaLR/0.95 ** epoch", sgd(0.1, 0.02), [sched("LambdaLR", lrLambda="pow095")])
add("LambdaLR/one lambda per group", sgd(0.1, 0.02), [sched("LambdaLR", lrLambda=["div10", "warmup5"])])
add(
    "LambdaLR/lr set by hand is overwritten (the lambda is not chainable)",
    sgd(0.1),
    [sched("LambdaLR", lrLambda="pow095")],
    events=[{"at": 8, "group": 0, "lr": 1.0}],
)

# --- SequentialLR --------------------------------------------------------------------------------
add(
    "SequentialLR/LinearLR warm-up then ExponentialLR",
    sgd(0.1, 0.04),
    [sched("SequentialLR", milestones=[5], schedulers=[sched("LinearLR", startFactor=0.1, totalIters=5), sched("ExponentialLR", gamma=0.9)])],
)
add(
    "SequentialLR/LinearLR warm-up then CosineAnnealingLR",
    sgd(0.5, 0.1),
    [sched("SequentialLR", milestones=[6], schedulers=[sched("LinearLR", startFactor=0.2, totalIters=6), sched("CosineAnnealingLR", tMax=20, etaMin=0.01)])],
    steps=45,
)
add(
    "SequentialLR/ExponentialLR then LinearLR (the second's construction step is undone)",
    sgd(0.3),
    [sched("SequentialLR", milestones=[8], schedulers=[sched("ExponentialLR", gamma=0.95), sched("LinearLR", startFactor=0.5, endFactor=1.0, totalIters=6)])],
)
add(
    "SequentialLR/three: StepLR, LambdaLR, MultiStepLR",
    sgd(0.2, 0.05),
    [
        sched(
            "SequentialLR",
            milestones=[7, 15],
            schedulers=[
                sched("StepLR", stepSize=2, gamma=0.7),
                sched("LambdaLR", lrLambda="pow095"),
                sched("MultiStepLR", milestones=[3, 10], gamma=0.5),
            ],
        )
    ],
)

add(
    "SequentialLR/ExponentialLR then StepLR (StepLR's closed form at the milestone)",
    sgd(0.4, 0.1),
    [sched("SequentialLR", milestones=[4], schedulers=[sched("ExponentialLR", gamma=0.8), sched("StepLR", stepSize=3, gamma=0.5)])],
)
add(
    "SequentialLR/LinearLR then OneCycleLR (built second, it rewrites initialLr first)",
    sgd(0.1, momentum=0.9),
    [sched("SequentialLR", milestones=[5], schedulers=[sched("LinearLR", startFactor=0.5, totalIters=5), sched("OneCycleLR", maxLr=0.2, totalSteps=40)])],
)

# --- two schedulers on one optimizer, both stepped (the chainable forms compose) ---------------
add(
    "chained/StepLR and ExponentialLR stepped together",
    sgd(0.1, 0.01),
    [sched("StepLR", stepSize=5, gamma=0.5), sched("ExponentialLR", gamma=0.97)],
)
add(
    "chained/CosineAnnealingLR built after hand-set lr keeps the first initialLr",
    sgd(0.1),
    [sched("ExponentialLR", gamma=0.9), sched("CosineAnnealingLR", at=6, tMax=10, etaMin=0.0)],
    events=[{"at": 6, "group": 0, "lr": 0.05}],
)

# --- OneCycleLR ----------------------------------------------------------------------------------
add(
    "OneCycleLR/SGD momentum, cos, totalSteps=40, per-group maxLr",
    sgd(0.1, 0.1, momentum=0.9),
    [sched("OneCycleLR", maxLr=[0.1, 0.05], totalSteps=40)],
)
add(
    "OneCycleLR/Adam (betas[0] cycles), linear, epochs=4 x stepsPerEpoch=10",
    adam(0.001, 0.001, betas=(0.9, 0.99)),
    [sched("OneCycleLR", maxLr=0.01, epochs=4, stepsPerEpoch=10, annealStrategy="linear")],
)
add(
    "OneCycleLR/Adam, threePhase, pctStart=0.25, divFactor=10, finalDivFactor=100, per-group momenta",
    adam(0.001, 0.002),
    [
        sched(
            "OneCycleLR",
            maxLr=[0.02, 0.04],
            totalSteps=40,
            pctStart=0.25,
            divFactor=10.0,
            finalDivFactor=100.0,
            threePhase=True,
            baseMomentum=[0.8, 0.85],
            maxMomentum=[0.9, 0.97],
        )
    ],
)
add(
    "OneCycleLR/SGD, threePhase, linear, fractional phase ends (pctStart=0.33, totalSteps=31)",
    sgd(0.1, momentum=0.5),
    [sched("OneCycleLR", maxLr=0.3, totalSteps=31, pctStart=0.33, annealStrategy="linear", threePhase=True)],
    steps=31,
)
add(
    "OneCycleLR/SGD without momentum: cycleMomentum gives it one",
    sgd(0.1),
    [sched("OneCycleLR", maxLr=0.5, totalSteps=30, pctStart=0.4)],
    steps=30,
)
add(
    "OneCycleLR/cycleMomentum=false leaves momentum alone",
    sgd(0.1, 0.2, momentum=0.7),
    [sched("OneCycleLR", maxLr=[1.0, 2.0], totalSteps=50, cycleMomentum=False, pctStart=0.1)],
)
add(
    "OneCycleLR/pctStart=0 starts at maxLr",
    sgd(0.1, momentum=0.9),
    [sched("OneCycleLR", maxLr=0.2, totalSteps=32, pctStart=0.0)],
    steps=32,
)

# --- ReduceLROnPlateau ---------------------------------------------------------------------------
# A loss that improves, stalls, creeps by tiny amounts (below a relative or absolute threshold),
# improves again and stalls again.
LOSS = (
    [1.0, 0.8, 0.7, 0.65, 0.64, 0.64, 0.6399, 0.64, 0.65, 0.6399]
    + [0.6, 0.59, 0.589, 0.5889, 0.5888, 0.5887, 0.5886, 0.58, 0.6, 0.61]
    + [0.5, 0.5, 0.5, 0.49999, 0.5, 0.5, 0.5, 0.5, 0.499, 0.5]
    + [0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45]
)
GAIN = [1.0 - v for v in LOSS]  # for mode max

add("ReduceLROnPlateau/min,rel,patience=2/2 groups", sgd(0.1, 0.03), [sched("ReduceLROnPlateau", patience=2)], metrics=LOSS)
add(
    "ReduceLROnPlateau/min,abs threshold=0.005,patience=1,factor=0.5,cooldown=2",
    sgd(0.1),
    [sched("ReduceLROnPlateau", patience=1, factor=0.5, threshold=0.005, thresholdMode="abs", cooldown=2)],
    metrics=LOSS,
)
add(
    "ReduceLROnPlateau/max,rel threshold=0.01,patience=2,factor=0.3",
    sgd(0.2, 0.02),
    [sched("ReduceLROnPlateau", mode="max", patience=2, factor=0.3, threshold=0.01)],
    metrics=GAIN,
)
add(
    "ReduceLROnPlateau/max,abs,patience=0,cooldown=1,minLr per group",
    sgd(0.2, 0.02),
    [sched("ReduceLROnPlateau", mode="max", patience=0, thresholdMode="abs", threshold=0.0, cooldown=1, minLr=[0.01, 0.005])],
    metrics=GAIN,
)
add(
    "ReduceLROnPlateau/min,patience=1,minLr=0.004 scalar,eps=1e-3 (small decays ignored)",
    sgd(0.1, 0.0045),
    [sched("ReduceLROnPlateau", patience=1, factor=0.5, minLr=0.004, eps=1e-3)],
    metrics=LOSS,
)
add(
    "ReduceLROnPlateau/defaults (patience 10)",
    sgd(0.1),
    [sched("ReduceLROnPlateau")],
    metrics=LOSS,
)
add(
    "ReduceLROnPlateau/lr set by hand mid-run is reduced from the new value",
    sgd(0.1),
    [sched("ReduceLROnPlateau", patience=1, factor=0.5)],
    metrics=LOSS,
    events=[{"at": 12, "group": 0, "lr": 0.04}],
)

out = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "optim", "test", "fixtures", "schedulers.json"
)
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as fh:
    json.dump({"torch": torch.__version__, "cases": cases}, fh, indent=1)
    fh.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
