#!/usr/bin/env python3
"""Reference trajectories for @mtl/multitask, computed by PyTorch (Debian's 1.13) in float64.

Run from the repository root:

    /usr/bin/python3 tools/reference/mtl.py

Writes packages/multitask/test/fixtures/mtl.json:

    { "generator", "torch",
      "setup": { "inputSize": 4, "hidden": [6], "tasks": ["a", "b", "c"], "lr": 0.01,
                 "steps": 10, "stepsPerEpoch": 2,
                 "init": { "<parameter name>": T, ... },      # model.loadStateDict(init)
                 "x": T (8×4), "targets": { "a": T (8×1), ... } },
      "trajectories": [
        { "name", "method" (our class name), "options" (constructor options, camelCase),
          "representation": bool (pass { representation: model.representation } too),
          "methodParams": "none" | "tasks" (the options list the tasks, so parameters() exist at
                          construction) | "logScale" (IMTL: call method.logScale(task) per task first),
          "famoUpdate": bool (after optimizer.step, famo.update(losses on the same batch)),
          "steps": [ { "epoch", "losses": {task: number}, "weights": {task: number},
                       "params": { "<name>": T } (model parameters after the step),
                       "methodParams": [number, ...] (method.parameters() values after the step) } ] }
      ],
      "units": [
        { "name", "method", "options", "rows": [[...], ...] (T×d task gradients),
          "losses": [...] (the task loss values), "steps": n (backward calls, same rows each time),
          "direction": [...] (d written into the shared parameter after the last call),
          "weights": [...] (returned by the last call, in task order) }
      ] }

T = { "dtype": "float64", "shape": [...], "data": [flat, row-major] }.

The training loop (identical in the TS test), for step = 0 … steps − 1:
    epoch = step // stepsPerEpoch
    zero every gradient (to None: our zeroGrad sets null, so Adam skips a parameter with no grad)
    rep = relu(x W₁ᵀ + b₁); yₜ = rep Wₜᵀ + bₜ; Lₜ = mean((yₜ − targetₜ)²)
    weights = method.backward({a: L_a, b: L_b, c: L_c}, { shared: encoder params, representation?, epoch })
    Adam(lr 0.01, torch defaults) steps every model parameter and method.parameters()
    (FAMO: losses recomputed on the same batch, famo.update(them))

Unit cases: one shared parameter w ∈ ℝᵈ (zeros) and losses Lᵢ = ⟨gᵢ, w⟩ + cᵢ, so ∇Lᵢ = gᵢ (the
rows) and Lᵢ = cᵢ; `direction` is w's gradient after backward.

Each method follows MTL-METHODS.md with the choices stated in our doc comments
(packages/multitask/src/methods/*.ts): PCGrad/GradVac in fixed task order; MGDA's default
solver is LibMTL's MinNormSolver (best pair + Frank–Wolfe), ported here step for step, and its
'exact' solver the exact min-norm point (active-set enumeration); CAGrad's inner problem,
UPGrad/DualProj's box QPs, Nash-MTL's and FairGrad's fixed points are solved exactly here
(active-set enumeration and Newton polishing to rounding level), as our solvers claim to.
The random choices (PCGrad/GradVac orders, RLW weights, GradDrop masks) come from a port of our
seeded generator (xoshiro128**, `Generator` below), drawn in the same order as our code draws.
"""

import itertools
import json
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
F64 = torch.float64

OUT = os.path.join('packages', 'multitask', 'test', 'fixtures', 'mtl.json')
TASKS = ['a', 'b', 'c']
N, IN, HID = 8, 4, 6
LR = 0.01
STEPS = 10
STEPS_PER_EPOCH = 2


def T(t):
    t = torch.as_tensor(t, dtype=F64).detach().contiguous()
    return {'dtype': 'float64', 'shape': list(t.shape), 'data': [float(v) for v in t.reshape(-1).tolist()]}


# ---------------------------------------------------------------------------------------------
# our seeded generator (packages/tensor/src/random/Generator.ts), ported: SplitMix64 seeding,
# xoshiro128**, 53-bit uniforms, Marsaglia's polar normals (in pairs), rejection for integers.

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Generator:
    def __init__(self, seed):
        x = seed & M64

        def nxt():
            nonlocal x
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            return z ^ (z >> 31)

        a, b = nxt(), nxt()
        self.s = [a & M32, a >> 32, b & M32, b >> 32]
        self.spare = None

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self):
        high = self.next_uint32() >> 5
        low = self.next_uint32() >> 6
        return (high * 67108864 + low) * (1 / 9007199254740992)

    def normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        while True:
            u = 2 * self.uniform() - 1
            v = 2 * self.uniform() - 1
            s = u * u + v * v
            if not (s >= 1 or s == 0):
                break
        f = math.sqrt((-2 * math.log(s)) / s)
        self.spare = v * f
        return u * f

    def below(self, n):
        if n == 1:
            return 0
        shift = 32 - (n - 1).bit_length()
        while True:
            x = self.next_uint32() >> shift
            if x < n:
                return x

    def permutation(self, n):
        r = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.below(i + 1)
            r[i], r[j] = r[j], r[i]
        return r


# ---------------------------------------------------------------------------------------------
# small exact solvers (numpy float64)


def qp_box(A, lower):
    """argmin vᵀAv s.t. v ≥ lower, A positive definite: enumerate the free set, keep the KKT point."""
    t = len(lower)
    best = None
    for r in range(t + 1):
        for free in itertools.combinations(range(t), r):
            free = list(free)
            fixed = [i for i in range(t) if i not in free]
            v = lower.copy()
            if free:
                rhs = -A[np.ix_(free, fixed)] @ lower[fixed] if fixed else np.zeros(len(free))
                v[free] = np.linalg.solve(A[np.ix_(free, free)], rhs)
            mu = A @ v
            scale = max(1e-300, np.abs(A).max() * max(1.0, np.abs(v).max()))
            ok = all(v[i] >= lower[i] - 1e-12 * max(1, abs(lower[i])) for i in free) and all(
                mu[i] >= -1e-12 * scale for i in fixed
            )
            if ok:
                obj = v @ A @ v
                if best is None or obj < best[0] - 1e-15 * abs(obj):
                    best = (obj, v)
    assert best is not None
    return best[1]


def min_norm_exact(A):
    """argmin over the simplex of wᵀAw: enumerate supports, solve the KKT system on each."""
    t = A.shape[0]
    best = None
    for r in range(1, t + 1):
        for S in itertools.combinations(range(t), r):
            S = list(S)
            K = np.zeros((r + 1, r + 1))
            K[:r, :r] = 2 * A[np.ix_(S, S)]
            K[:r, r] = -1
            K[r, :r] = 1
            rhs = np.zeros(r + 1)
            rhs[r] = 1
            try:
                sol = np.linalg.solve(K, rhs)
            except np.linalg.LinAlgError:
                continue
            w = np.zeros(t)
            w[S] = sol[:r]
            if (w[S] < -1e-14).any():
                continue
            g = 2 * A @ w
            mu = sol[r]
            if any(g[j] < mu - 1e-10 * abs(np.abs(A).max()) for j in range(t) if j not in S):
                continue
            obj = w @ A @ w
            if best is None or obj < best[0]:
                best = (obj, w)
    return best[1]


def simplex_min(f_grad, f_hess, t):
    """min of a smooth convex f over the simplex: projected gradient to find the support, then
    Newton on the KKT system of that face to rounding level."""
    w = np.full(t, 1.0 / t)
    for _ in range(20000):
        g = f_grad(w)
        w = project_simplex(w - 0.05 * g / max(1.0, np.abs(g).max()))
    S = [i for i in range(t) if w[i] > 1e-7]
    w = np.where(w > 1e-7, w, 0.0)
    w /= w.sum()
    r = len(S)
    for _ in range(50):
        g = f_grad(w)[S]
        H = f_hess(w)[np.ix_(S, S)]
        K = np.zeros((r + 1, r + 1))
        K[:r, :r] = H
        K[:r, r] = -1
        K[r, :r] = 1
        # stationarity g − μ1 = 0, Σw = 1
        mu = g.mean()
        res = np.concatenate([-(g - mu), [1 - w[S].sum()]])
        step = np.linalg.solve(K, res)
        w[S] += step[:r]
    g = f_grad(w)
    mu = g[S].mean()
    assert (w[S] > 0).all()
    assert all(g[j] >= mu - 1e-9 for j in range(t) if j not in S), (g, mu, S)
    return w


def project_simplex(y):
    u = np.sort(y)[::-1]
    css = np.cumsum(u)
    k = np.nonzero(u * np.arange(1, len(y) + 1) > (css - 1))[0][-1]
    tau = (css[k] - 1) / (k + 1)
    return np.maximum(y - tau, 0)


def power_barrier(A, alpha):
    """x > 0 with A x = x^(−1/α): Newton on the stationarity of ½xᵀAx − Σψ(xᵢ), ψ' = x^(−1/α)."""
    t = A.shape[0]
    x = np.ones(t)
    for _ in range(200):
        F = A @ x - x ** (-1 / alpha)
        J = A + np.diag((1 / alpha) * x ** (-1 / alpha - 1))
        dx = np.linalg.solve(J, -F)
        s = 1.0
        while (x + s * dx <= 0).any():
            s *= 0.5
        x = x + s * dx
    F = A @ x - x ** (-1 / alpha)
    assert np.abs(F).max() < 1e-10 * max(1.0, np.abs(x ** (-1 / alpha)).max()), F
    return x


# LibMTL's MinNormSolver (MGDA), ported step for step (numpy)
def _from2(v1v1, v1v2, v2v2):
    if v1v2 >= v1v1:
        return 0.999, v1v1
    if v1v2 >= v2v2:
        return 0.001, v2v2
    gamma = -1.0 * ((v1v2 - v2v2) / (v1v1 + v2v2 - 2 * v1v2))
    return gamma, v2v2 + gamma * (v1v2 - v2v2)


def _proj_simplex_libmtl(y):
    m = len(y)
    sorted_y = np.flip(np.sort(y), axis=0)
    tmpsum = 0.0
    tmax_f = (np.sum(y) - 1.0) / m
    for i in range(m - 1):
        tmpsum += sorted_y[i]
        tmax = (tmpsum - 1) / (i + 1.0)
        if tmax > sorted_y[i + 1]:
            tmax_f = tmax
            break
    return np.maximum(y - tmax_f, np.zeros(y.shape))


def _next_point(cur, grad, n):
    proj = grad - (np.sum(grad) / n)
    tm1 = -1.0 * cur[proj < 0] / proj[proj < 0]
    tm2 = (1.0 - cur[proj > 0]) / (proj[proj > 0])
    t = 1
    if len(tm1[tm1 > 1e-7]) > 0:
        t = np.min(tm1[tm1 > 1e-7])
    if len(tm2[tm2 > 1e-7]) > 0:
        t = min(t, np.min(tm2[tm2 > 1e-7]))
    return _proj_simplex_libmtl(proj * t + cur)


def min_norm_frank_wolfe(M, max_iter=250, stop=1e-5):
    n = M.shape[0]
    dmin = 1e8
    sol = None
    for i in range(n):
        for j in range(i + 1, n):
            c, d = _from2(M[i, i], M[i, j], M[j, j])
            if d < dmin:
                dmin = d
                sol = [(i, j), c, d]
    vec = np.zeros(n)
    vec[sol[0][0]] = sol[1]
    vec[sol[0][1]] = 1 - sol[1]
    if n < 3:
        return vec
    for _ in range(max_iter):
        grad_dir = -1.0 * np.dot(M, vec)
        new_point = _next_point(vec, grad_dir, n)
        v1v1 = np.sum(np.outer(vec, vec) * M)
        v1v2 = np.sum(np.outer(vec, new_point) * M)
        v2v2 = np.sum(np.outer(new_point, new_point) * M)
        nc, _ = _from2(v1v1, v1v2, v2v2)
        new_vec = nc * vec + (1 - nc) * new_point
        if np.sum(np.abs(new_vec - vec)) < stop:
            return vec
        vec = new_vec
    return vec


# ---------------------------------------------------------------------------------------------
# gradient-level methods: aggregate(G (T×d torch), losses (list of float), on_rep) → (d, weights)


class Gradient:
    level = 'gradient'
    params = []

    def head_scales(self, losses):
        return None

    def loss_transform(self, losses):
        return losses


def wsum(G, w):
    return (torch.as_tensor(np.asarray(w), dtype=F64)[:, None] * G).sum(0)


class PCGrad(Gradient):
    def __init__(self, order='random', seed=0):
        self.order = order
        self.gen = Generator(seed)

    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        gram = G @ G.T
        d = torch.zeros(G.shape[1])
        # The weights actually applied: each projected gradient is Σₖ cₖ gₖ, and d sums them.
        weights = [0.0] * t
        for i in range(t):
            g = G[i].clone()
            coef = [0.0] * t
            coef[i] = 1.0
            for j in (range(t) if self.order == 'fixed' else self.gen.permutation(t)):
                if j == i:
                    continue
                c = torch.dot(g, G[j])
                if c < 0:
                    g = g - c / (gram[j, j] + 1e-8) * G[j]
                    coef[j] -= (c / (gram[j, j] + 1e-8)).item()
            d = d + g
            weights = [w + k for w, k in zip(weights, coef)]
        return d, weights


class MGDA(Gradient):
    def __init__(self, normalization='none', solver='frankWolfe'):
        self.normalization = normalization
        self.solver = solver

    def aggregate(self, G, losses, on_rep):
        norms = G.norm(dim=1).numpy()
        n = {
            'none': np.ones(len(losses)),
            'l2': norms,
            'loss': np.array(losses),
            'loss+': np.array(losses) * norms,
        }[self.normalization]
        n = np.where(n == 0, 1.0, n)
        Gh = G / torch.as_tensor(n)[:, None]
        M = (Gh @ Gh.T).numpy()
        alpha = min_norm_exact(M) if self.solver == 'exact' else min_norm_frank_wolfe(M)
        d = wsum(Gh, alpha)
        return d, list(alpha / n)


class CAGrad(Gradient):
    def __init__(self, calpha=0.5, rescale=1):
        self.calpha = calpha
        self.rescale = rescale

    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        A = (G @ G.T).numpy()
        g0 = G.mean(0)
        c = self.calpha * g0.norm().item()
        b = A.sum(1) / t

        def fg(w):
            s = math.sqrt(w @ A @ w)
            return b + c * (A @ w) / s

        def fh(w):
            s = math.sqrt(w @ A @ w)
            Aw = A @ w
            return c * (A / s - np.outer(Aw, Aw) / s**3)

        w = simplex_min(fg, fh, t)
        gw = wsum(G, w)
        scale = {0: 1, 1: 1 + self.calpha**2, 2: 1 + self.calpha}[self.rescale]
        lam = c / gw.norm().item()
        d = (g0 + lam * gw) / scale
        return d, list((1 / t + lam * w) / scale)


def regularized(G, eps=1e-4, norm_eps=1e-4):
    A = (G @ G.T).numpy()
    tr = np.trace(A)
    Ah = A / tr if tr >= norm_eps else np.zeros_like(A)
    return Ah + eps * np.eye(A.shape[0])


class UPGrad(Gradient):
    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        Ah = regularized(G)
        w = np.zeros(t)
        for i in range(t):
            lower = np.zeros(t)
            lower[i] = 1 / t
            w += qp_box(Ah, lower)
        return wsum(G, w), list(w)


class DualProj(Gradient):
    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        w = qp_box(regularized(G), np.full(t, 1 / t))
        return wsum(G, w), list(w)


class IMTL(Gradient):
    """IMTL-G: α ∝ pinv(GGᵀ)·‖g‖, normalised to sum 1 (LibMTL's closed form when independent)."""

    def __init__(self, lossScale=False):
        self.lossScale = lossScale
        self.s = [torch.zeros((), requires_grad=True) for _ in TASKS] if lossScale else []
        self.params = self.s

    def loss_transform(self, losses):
        if not self.lossScale:
            return losses
        return [torch.exp(s) * L - s for s, L in zip(self.s, losses)]

    def aggregate(self, G, losses, on_rep):
        gram = G @ G.T
        v = torch.linalg.pinv(gram) @ G.norm(dim=1)
        alpha = (v / v.sum()).numpy()
        # the LibMTL closed form, as a cross-check (linearly independent rows)
        U = G / G.norm(dim=1, keepdim=True)
        D = G[0:1] - G[1:]
        Ud = U[0:1] - U[1:]
        a = (G[0:1] @ Ud.T) @ torch.linalg.inv(D @ Ud.T)
        libmtl = np.concatenate([[1 - a.sum().item()], a.reshape(-1).numpy()])
        assert np.allclose(libmtl, alpha, rtol=1e-9, atol=1e-12), (libmtl, alpha)
        return wsum(G, alpha), list(alpha)

    def report(self, weights):
        if not self.lossScale:
            return weights
        return [w * math.exp(s.item()) for w, s in zip(weights, self.s)]


class AlignedMTL(Gradient):
    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        lam, V = torch.linalg.eigh(G @ G.T)
        tol = lam.max() * t * 2.0**-23
        keep = lam > tol
        lam, V = lam[keep], V[:, keep]
        B = math.sqrt(lam.min().item()) * V @ torch.diag(lam ** -0.5) @ V.T
        alpha = B.sum(0).numpy()
        return wsum(G, alpha), list(alpha)


class NashMTL(Gradient):
    def __init__(self, maxNorm=1.0, updateWeightsEvery=1):
        self.max_norm = maxNorm
        self.every = updateWeightsEvery
        self.step = 0
        self.alpha = None

    def aggregate(self, G, losses, on_rep):
        if self.alpha is None or self.step % self.every == 0:
            A = (G @ G.T).numpy()
            A = A / np.linalg.norm(A)
            self.alpha = power_barrier(A, 1.0)
        self.step += 1
        alpha = self.alpha
        d = wsum(G, alpha)
        clip = 1.0
        if self.max_norm > 0:
            clip = min(1.0, self.max_norm / (d.norm().item() + 1e-6))
            d = d * clip
        return d, list(alpha * clip)


class FairGrad(Gradient):
    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def aggregate(self, G, losses, on_rep):
        x = power_barrier((G @ G.T).numpy(), self.alpha)
        return wsum(G, x), list(x)


class ConFIG(Gradient):
    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        U = G / G.norm(dim=1, keepdim=True)
        v = torch.linalg.pinv(U) @ torch.ones(t)
        u = v / v.norm()
        d = (G @ u).sum() * u
        # the weights: v = Uᵀx with x = (UUᵀ)⁺1, so d = Σ (Σⱼgⱼ·u)·xᵢ/(‖gᵢ‖‖v‖) gᵢ
        x = torch.linalg.pinv(U @ U.T) @ torch.ones(t)
        w = ((G @ u).sum() * x / (G.norm(dim=1) * v.norm())).numpy()
        return d, list(w)


class DBMTL(Gradient):
    def __init__(self, beta=0.9, betaSigma=0.0):
        self.beta, self.sigma = beta, betaSigma
        self.step = 0
        self.buf = None

    def head_scales(self, losses):
        return [1 / (L + 1e-8) for L in losses]

    def aggregate(self, G, losses, on_rep):
        self.step += 1
        rate = self.beta / self.step**self.sigma
        g = G / (torch.tensor(losses) + 1e-8)[:, None]
        if self.buf is None:
            self.buf = torch.zeros_like(G)
        self.buf = rate * self.buf + (1 - rate) * g
        norms = self.buf.norm(dim=1)
        alpha = (norms.max() / (norms + 1e-8)).numpy()
        return wsum(self.buf, alpha), list(alpha)


class MoCo(Gradient):
    def __init__(self, beta=0.5, gamma=0.1, rho=0.0, betaSigma=0.0, gammaSigma=0.0):
        self.beta, self.gamma, self.rho, self.bs, self.gs = beta, gamma, rho, betaSigma, gammaSigma
        self.step = 0
        self.y = None
        self.lam = None

    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        if self.y is None:
            self.y = torch.zeros_like(G)
            self.lam = torch.full((t,), 1 / t)
        self.step += 1
        rate = self.beta / self.step**self.bs
        gam = self.gamma / self.step**self.gs
        target = G * (torch.tensor(losses) / (G.norm(dim=1) + 1e-8))[:, None]
        self.y = self.y - rate * (self.y - target)
        self.lam = torch.softmax(self.lam - gam * (self.y @ self.y.T + self.rho * torch.eye(t)) @ self.lam, 0)
        return self.lam @ self.y, list(self.lam.numpy())


class GradVac(Gradient):
    def __init__(self, beta=0.5, groups=None, order='random', seed=0):
        self.beta = beta
        self.order = order
        self.gen = Generator(seed)
        self.groups = groups
        self.rho_hat = None

    def aggregate(self, G, losses, on_rep):
        t, dim = G.shape
        sizes = self.groups or [dim]
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        K = len(sizes)
        if self.rho_hat is None:
            self.rho_hat = np.zeros((t, t, K))
        weights = [1.0] * t
        d = torch.zeros(dim)
        for i in range(t):
            g = G[i].clone()
            for j in range(t) if self.order == 'fixed' else self.gen.permutation(t):
                if j == i:
                    continue
                for k in range(K):
                    lo, hi = bounds[k], bounds[k + 1]
                    gi, gj = g[lo:hi], G[j, lo:hi]
                    rho = (torch.dot(gi, gj) / (gi.norm() * gj.norm() + 1e-8)).item()
                    rh = self.rho_hat[i, j, k]
                    if rho < rh:
                        w = (gi.norm() * (rh * math.sqrt(1 - rho**2) - rho * math.sqrt(1 - rh**2))).item() / (
                            gj.norm().item() * math.sqrt(1 - rh**2) + 1e-8
                        )
                        g = g.clone()
                        g[lo:hi] = g[lo:hi] + w * gj
                        weights[j] += w
                    self.rho_hat[i, j, k] = (1 - self.beta) * rh + self.beta * rho
            d = d + g
        return d, weights


class GradDrop(Gradient):
    """Sign purity per feature (batch-separated: sᵢ = Σ_batch sign(rep)·∇_rep Lᵢ, or per element);
    one uniform draw per feature from our generator; keep the positive side if U < P."""

    def __init__(self, leak=0.0, seed=0, purity='batch'):
        self.leak, self.purity = leak, purity
        self.gen = Generator(seed)
        self.rep_value = None

    def aggregate(self, G, losses, on_rep):
        assert on_rep
        t, size = G.shape
        if self.purity == 'batch':
            batch = self.rep_value.shape[0]
            signed = G * torch.sign(self.rep_value).reshape(1, -1)
        else:
            batch = 1
            signed = G
        features = size // batch
        S = signed.reshape(t, batch, features).sum(1).numpy()
        masks = np.zeros((t, features))
        for f in range(features):
            tot, ab = S[:, f].sum(), np.abs(S[:, f]).sum()
            p = 0.5 if ab == 0 else 0.5 * (1 + tot / ab)
            positive = self.gen.uniform() < p
            masks[:, f] = (S[:, f] > 0) if positive else (S[:, f] < 0)
        full = torch.tensor(np.tile(masks, (1, batch)))
        d = (G * (self.leak + (1 - self.leak) * full)).sum(0)
        return d, list(self.leak + (1 - self.leak) * masks.sum(1) / features)


class SDMGrad(Gradient):
    """LibMTL's SDMGrad with one batch (ξ = ξ′ = ζ): w (kept across steps) takes `niter` steps of
    torch's SGD with momentum (a new optimizer each step, as LibMTL) on the normalised Gramian,
    each followed by LibMTL's `euclidean_proj_simplex`; d = (Σ wᵢgᵢ + λ·mean gᵢ)/(1 + λ)."""

    def __init__(self, **options):
        o = {'lambda': 0.3, 'niter': 20, 'lr': 5.0, 'momentum': 0.5, **options}
        self.lam, self.niter, self.lr, self.momentum = o['lambda'], o['niter'], o['lr'], o['momentum']
        self.w = None

    @staticmethod
    def proj(v, s=1):
        n = v.shape[0]
        if v.sum() == s and np.all(v >= 0):
            return v
        u = np.sort(v)[::-1]
        cssv = np.cumsum(u)
        rho = np.nonzero(u * np.arange(1, n + 1) > (cssv - s))[0][-1]
        theta = float(cssv[rho] - s) / (rho + 1)
        return (v - theta).clip(min=0)

    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        GG = G @ G.T
        diag = torch.diag(GG)
        diag = torch.where(diag < 0, torch.zeros_like(diag), diag)
        scale = torch.mean(torch.sqrt(diag))
        GG = GG / (scale.pow(2) + 1e-8)
        Gg = torch.mean(GG, dim=1)
        if self.w is None:
            self.w = torch.full((t,), 1 / t)
        w = self.w.clone().requires_grad_(True)
        opt = torch.optim.SGD([w], lr=self.lr, momentum=self.momentum)
        for _ in range(self.niter):
            opt.zero_grad()
            w.grad = torch.mv(GG, w.detach()) + self.lam * Gg
            opt.step()
            w.data.copy_(torch.from_numpy(self.proj(w.data.numpy())))
        self.w = w.detach()
        g0 = G.mean(0)
        gw = (G * self.w.view(-1, 1)).sum(0)
        d = (gw + self.lam * g0) / (1 + self.lam)
        return d, list(((self.w + self.lam / t) / (1 + self.lam)).numpy())


class MoDo(Gradient):
    """LibMTL's MoDo with one batch: λ ← Π_Δ(λ − γ(G(Gᵀλ) + ρλ)) (LibMTL's projection), d = Gᵀλ."""

    def __init__(self, gamma=1e-3, rho=0.1):
        self.gamma, self.rho = gamma, rho
        self.lam = None

    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        if self.lam is None:
            self.lam = np.full(t, 1 / t)
        lam = torch.as_tensor(self.lam)
        step = lam - self.gamma * (G @ (G.T @ lam) + self.rho * lam)
        self.lam = _proj_simplex_libmtl(step.numpy())
        return wsum(G, self.lam), list(self.lam)


class Krum(Gradient):
    """TorchJD's KrumWeighting, with squared distances clamped at 0 before the square root, and ties
    of the scores going to the lower task index (a stable sort instead of topk: with T = f + 3 the
    two closest gradients always tie)."""

    def __init__(self, nByzantine=0, nSelected=1):
        self.f, self.m = nByzantine, nSelected

    def aggregate(self, G, losses, on_rep):
        t = G.shape[0]
        gram = G @ G.T
        gram = 0.5 * (gram + gram.T)
        sq = torch.diagonal(gram)
        dist = torch.sqrt(torch.clamp(sq.unsqueeze(0) + sq.unsqueeze(1) - 2 * gram, min=0))
        n_closest = t - self.f - 2
        smallest, _ = torch.topk(dist, k=n_closest + 1, largest=False)
        scores = smallest[:, 1:].sum(dim=1)
        selected = torch.sort(scores, stable=True).indices[: self.m]
        w = torch.nn.functional.one_hot(selected, num_classes=t).sum(dim=0).to(F64) / self.m
        return wsum(G, w.numpy()), list(w.numpy())


class TrimmedMean(Gradient):
    """TorchJD's TrimmedMean; the weights: the share of coordinates keeping each task, over T − 2f
    (a stable sort, so equal values keep task order)."""

    def __init__(self, trimNumber=1):
        self.f = trimNumber

    def aggregate(self, G, losses, on_rep):
        t, n = G.shape
        kept = t - 2 * self.f
        values, index = torch.sort(G, dim=0, stable=True)
        d = torch.narrow(values, 0, self.f, kept).mean(dim=0)
        counts = torch.bincount(torch.narrow(index, 0, self.f, kept).reshape(-1), minlength=t)
        return d, list((counts.to(F64) / (n * kept)).numpy())


# ---------------------------------------------------------------------------------------------
# loss-level methods: combine(losses (list of torch scalars), epoch) → (total, weights)


class Loss:
    level = 'loss'
    params = []


class EW(Loss):
    def combine(self, L, epoch):
        return sum(L[1:], L[0]), [1.0] * len(L)


class StaticWeighting(Loss):
    def __init__(self, weights):
        self.w = weights

    def combine(self, L, epoch):
        w = [self.w.get(t, 1.0) for t in TASKS]
        return sum(wi * Li for wi, Li in zip(w, L)), w


class UW(Loss):
    def __init__(self, init=-0.5, **_):
        self.s = [torch.full((), init, requires_grad=True) for _ in TASKS]
        self.params = self.s

    def combine(self, L, epoch):
        total = sum(Li / (2 * torch.exp(s)) + s / 2 for Li, s in zip(L, self.s))
        return total, [1 / (2 * math.exp(s.item())) for s in self.s]


class IMTLL(Loss):
    def __init__(self, init=0.0, **_):
        self.s = [torch.full((), init, requires_grad=True) for _ in TASKS]
        self.params = self.s

    def combine(self, L, epoch):
        return sum(torch.exp(s) * Li - s for Li, s in zip(L, self.s)), [math.exp(s.item()) for s in self.s]


class RLW(Loss):
    def __init__(self, seed=0):
        self.gen = Generator(seed)

    def combine(self, L, epoch):
        z = np.array([self.gen.normal() for _ in L])
        e = np.exp(z - z.max())
        w = list(e / e.sum())
        return sum(float(wi) * Li for wi, Li in zip(w, L)), w


class GLS(Loss):
    def combine(self, L, epoch):
        t = len(L)
        g = torch.exp(torch.stack([torch.log(Li) for Li in L]).mean())
        return g, [g.item() / (t * Li.item()) for Li in L]


class DWA(Loss):
    def __init__(self, temperature=2.0):
        self.tau = temperature
        self.hist = {}

    def combine(self, L, epoch):
        self.hist.setdefault(epoch, []).append([Li.item() for Li in L])
        t = len(L)
        if epoch < 2:
            w = [1.0] * t
        else:
            prev = np.mean(self.hist[epoch - 1], axis=0)
            before = np.mean(self.hist[epoch - 2], axis=0)
            w = list((t * torch.softmax(torch.tensor(prev / before) / self.tau, 0)).numpy())
        return sum(wi * Li for wi, Li in zip(w, L)), w


class GradNorm(Loss):
    def __init__(self, alpha=1.5, init=1.0, **_):
        self.alpha = alpha
        self.s = [torch.full((), init, requires_grad=True) for _ in TASKS]
        self.params = self.s
        self.initial = []

    def combine(self, L, epoch, shared=None):
        t = len(L)
        if epoch == 0:
            self.initial.append([Li.item() for Li in L])
            return sum(L[1:], L[0]), [1.0] * t
        L0 = np.mean(self.initial, axis=0)
        ratios = np.array([Li.item() for Li in L]) / L0
        rel = ratios / ratios.mean()
        norms = []
        for Li in L:
            gs = torch.autograd.grad(Li, shared, retain_graph=True)
            norms.append(torch.cat([g.reshape(-1) for g in gs]).norm().item())
        norms = torch.tensor(norms)
        w = t * torch.softmax(torch.stack(self.s), 0)
        Gn = w * norms
        target = (Gn.mean() * torch.tensor(rel) ** self.alpha).detach()
        (Gn - target).abs().sum().backward()
        wv = w.detach().numpy()
        return sum(float(wi) * Li for wi, Li in zip(wv, L)), list(wv)


class STCH(Loss):
    def __init__(self, mu=1.0, warmupEpochs=4, nadir='min'):
        self.mu, self.warm, self.mode = mu, warmupEpochs, nadir
        self.nadir = None
        self.last = {}

    def combine(self, L, epoch):
        v = np.array([Li.item() for Li in L])
        t = len(L)
        if epoch < self.warm:
            if self.mode == 'min':
                self.nadir = v if self.nadir is None else np.minimum(self.nadir, v)
            elif epoch == self.warm - 1:
                self.last.setdefault('v', []).append(v)
            return sum(torch.log(Li) for Li in L), list(1 / v)
        if self.mode == 'mean' and self.nadir is None:
            self.nadir = np.mean(self.last['v'], axis=0)
        z = torch.stack([torch.log(Li / float(n)) / self.mu for Li, n in zip(L, self.nadir)])
        total = self.mu * torch.logsumexp(z, 0) * t
        p = torch.softmax(z.detach(), 0).numpy()
        return total, list(t * p / v)


class FAMO(Loss):
    def __init__(self, lr=0.025, weightDecay=1e-3, eps=1e-8):
        self.eps = eps
        self.w = torch.zeros(len(TASKS), requires_grad=True)
        self.opt = torch.optim.Adam([self.w], lr=lr, weight_decay=weightDecay)
        self.prev = None

    def combine(self, L, epoch):
        z = torch.softmax(self.w.detach(), 0)
        D = np.array([Li.item() + self.eps for Li in L])
        c = float((z.numpy() / D).sum())
        total = sum(torch.log(Li + self.eps) * float(zi) / c for Li, zi in zip(L, z))
        self.prev = D
        return total, list(z.numpy() / (c * D))

    def update(self, new):
        delta = torch.tensor(np.log(self.prev) - np.log(np.array(new) + self.eps))
        with torch.enable_grad():
            d = torch.autograd.grad(torch.softmax(self.w, 0), self.w, grad_outputs=delta)[0]
        self.opt.zero_grad()
        self.w.grad = d
        self.opt.step()


class ExcessMTL(Loss):
    """LibMTL's ExcessMTL on the shared parameters (a first-step estimate of 0 keeps its weight)."""

    def __init__(self, robustStepSize=1e-2):
        self.rss = robustStepSize
        self.grad_sum = None
        self.initial = None
        self.loss_weight = None

    def combine(self, L, epoch, shared):
        t = len(L)
        grads = torch.stack([torch.cat([g.reshape(-1) for g in torch.autograd.grad(Li, shared, retain_graph=True)])
                             for Li in L])
        if self.grad_sum is None:
            self.grad_sum = torch.zeros_like(grads)
            self.loss_weight = torch.ones(t)
        w = torch.zeros(t)
        for i in range(t):
            self.grad_sum[i] += grads[i] ** 2
            h = torch.sqrt(self.grad_sum[i] + 1e-7)
            w[i] = grads[i] * (1 / h) @ grads[i]
        if self.initial is None:
            self.initial = w
        else:
            ratio = torch.where(self.initial > 0, w / self.initial, torch.zeros(t))
            self.loss_weight = self.loss_weight * torch.exp(ratio * self.rss)
            self.loss_weight = self.loss_weight / self.loss_weight.sum() * t
        lw = self.loss_weight.clone()
        return sum(float(wi) * Li for wi, Li in zip(lw, L)), list(lw.numpy())


# ---------------------------------------------------------------------------------------------
# the driver


def backward(method, losses, shared, rep, epoch):
    """What our method.backward does: returns the weights (task order)."""
    if method.level == 'loss':
        if isinstance(method, (GradNorm, ExcessMTL)):
            total, w = method.combine(losses, epoch, shared)
        else:
            total, w = method.combine(losses, epoch)
        total.backward()
        return w
    losses = method.loss_transform(losses)
    inputs = [rep] if rep is not None else shared
    rows = []
    for L in losses:
        gs = torch.autograd.grad(L, inputs, retain_graph=True, allow_unused=True)
        rows.append(torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(gs, inputs)]))
    G = torch.stack(rows)
    vals = [L.item() for L in losses]
    if isinstance(method, GradDrop):
        method.rep_value = rep.detach()
    d, w = method.aggregate(G, vals, rep is not None)
    scales = method.head_scales(vals)
    head = losses if scales is None else [L * s for L, s in zip(losses, scales)]
    before = [p.grad for p in shared]
    sum(head[1:], head[0]).backward(retain_graph=rep is not None)
    for p, b in zip(shared, before):
        p.grad = b
    if rep is not None:
        rep.backward(d.reshape(rep.shape))
    else:
        off = 0
        for p in shared:
            part = d[off : off + p.numel()].reshape(p.shape).clone()
            p.grad = part if p.grad is None else p.grad + part
            off += p.numel()
    w = list(w)
    if isinstance(method, IMTL):
        w = method.report(w)
    return [float(x) for x in w]


CLASSES = {
    c.__name__: c
    for c in [EW, StaticWeighting, UW, PCGrad, MGDA, CAGrad, UPGrad, DualProj, IMTL, AlignedMTL, NashMTL,
              DWA, GLS, IMTLL, GradNorm, DBMTL, ConFIG, MoCo, GradVac, FairGrad, STCH, FAMO, RLW, GradDrop,
              ExcessMTL, SDMGrad, MoDo, Krum, TrimmedMean]
}


def make(name, options):
    opts = {k: v for k, v in options.items() if k != 'tasks'}
    if name == 'StaticWeighting':
        return StaticWeighting(options['weights'])
    return CLASSES[name](**opts)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.Sequential(torch.nn.Linear(IN, HID), torch.nn.ReLU())
        self.heads = torch.nn.ModuleDict({t: torch.nn.Sequential(torch.nn.Linear(HID, 1)) for t in TASKS})

    def forward(self, x):
        self.rep = self.encoder(x)
        return [self.heads[t](self.rep) for t in TASKS]


def trajectory(name, method, options, setup, representation=False, method_params='none', famo=False):
    model = Model().double()
    model.load_state_dict({k: v.clone() for k, v in setup['init'].items()})
    m = make(method, options)
    opt = torch.optim.Adam(list(model.parameters()) + list(m.params), lr=LR)
    x, ys = setup['x'], setup['targets']
    steps = []
    for step in range(STEPS):
        epoch = step // STEPS_PER_EPOCH
        opt.zero_grad(set_to_none=True)
        for p in m.params:
            p.grad = None
        outs = model(x)
        losses = [torch.nn.functional.mse_loss(o, y) for o, y in zip(outs, ys)]
        shared = list(model.encoder.parameters())
        w = backward(m, losses, shared, model.rep if representation else None, epoch)
        opt.step()
        if famo:
            with torch.no_grad():
                new = [torch.nn.functional.mse_loss(o, y).item() for o, y in zip(model(x), ys)]
            m.update(new)
        steps.append({
            'epoch': epoch,
            'losses': {t: L.item() for t, L in zip(TASKS, losses)},
            'weights': dict(zip(TASKS, w)),
            'params': {k: T(v) for k, v in model.state_dict().items()},
            'methodParams': [p.item() for p in m.params],
        })
    return {'name': name, 'method': method, 'options': options, 'representation': representation,
            'methodParams': method_params, 'famoUpdate': famo, 'steps': steps}


def unit(name, method, options, rows, losses, nsteps=1):
    m = make(method, options)
    G0 = torch.tensor(rows)
    for _ in range(nsteps):
        w = torch.zeros(G0.shape[1], requires_grad=True)
        Ls = [torch.dot(g, w) + c for g, c in zip(G0, losses)]
        # the same driver as the trajectories, with T = len(rows) tasks
        global TASKS
        saved = TASKS
        TASKS = [f't{i}' for i in range(len(rows))]
        try:
            weights = backward(m, Ls, [w], None, 0)
        finally:
            TASKS = saved
    return {'name': name, 'method': method, 'options': options, 'rows': rows, 'losses': losses,
            'steps': nsteps, 'direction': w.grad.tolist(), 'weights': weights}


def main():
    g = torch.Generator().manual_seed(20261129)
    rnd = lambda *s, scale=1.0: torch.randn(*s, generator=g, dtype=F64) * scale
    init = {
        'encoder.0.weight': rnd(HID, IN, scale=0.5),
        'encoder.0.bias': rnd(HID, scale=0.1),
    }
    for t in TASKS:
        init[f'heads.{t}.0.weight'] = rnd(1, HID, scale=0.4)
        init[f'heads.{t}.0.bias'] = rnd(1, scale=0.1)
    x = rnd(N, IN)
    W = rnd(3, IN)
    # targets: related but conflicting tasks with different scales
    ys = [
        (x @ W[0] + 0.3).reshape(N, 1),
        (-(x @ W[0]) * 0.5 + x @ W[1] * 0.5).reshape(N, 1) * 2.0,
        (torch.tanh(x @ W[2]) * 0.5 + 0.1 * rnd(N)).reshape(N, 1),
    ]
    setup = {'init': init, 'x': x, 'targets': ys}
    A3 = dict(tasks=TASKS)

    trajs = [
        trajectory('EW', 'EW', {}, setup),
        trajectory('StaticWeighting', 'StaticWeighting', {'weights': {'a': 2.0, 'b': 0.5}}, setup),
        trajectory('UW', 'UW', {'tasks': TASKS}, setup, method_params='tasks'),
        trajectory('PCGrad fixed', 'PCGrad', {'order': 'fixed'}, setup),
        trajectory('MGDA', 'MGDA', {}, setup),
        trajectory('MGDA exact l2', 'MGDA', {'solver': 'exact', 'normalization': 'l2'}, setup),
        trajectory('MGDA loss+', 'MGDA', {'normalization': 'loss+'}, setup),
        trajectory('MGDA-UB (representation)', 'MGDA', {}, setup, representation=True),
        trajectory('CAGrad', 'CAGrad', {}, setup),
        trajectory('UPGrad', 'UPGrad', {}, setup),
        trajectory('UPGrad (representation)', 'UPGrad', {}, setup, representation=True),
        trajectory('DualProj', 'DualProj', {}, setup),
        trajectory('IMTL', 'IMTL', {}, setup),
        trajectory('IMTL lossScale', 'IMTL', {'lossScale': True}, setup, method_params='logScale'),
        trajectory('AlignedMTL', 'AlignedMTL', {}, setup),
        trajectory('NashMTL', 'NashMTL', {}, setup),
        trajectory('DWA', 'DWA', {}, setup),
        trajectory('GLS', 'GLS', {}, setup),
        trajectory('IMTLL', 'IMTLL', {'tasks': TASKS}, setup, method_params='tasks'),
        trajectory('GradNorm', 'GradNorm', {'tasks': TASKS}, setup, method_params='tasks'),
        trajectory('DBMTL', 'DBMTL', {}, setup),
        trajectory('ConFIG', 'ConFIG', {}, setup),
        trajectory('MoCo', 'MoCo', {}, setup),
        trajectory('GradVac fixed', 'GradVac', {'order': 'fixed'}, setup),
        trajectory('GradVac fixed per-parameter groups', 'GradVac', {'order': 'fixed', 'groups': [24, 6]}, setup),
        trajectory('FairGrad', 'FairGrad', {}, setup),
        trajectory('STCH warm-up 2', 'STCH', {'warmupEpochs': 2}, setup),
        trajectory('STCH warm-up 2 mean nadir', 'STCH', {'warmupEpochs': 2, 'nadir': 'mean'}, setup),
        trajectory('FAMO', 'FAMO', {}, setup, famo=True),
        trajectory('PCGrad random order, seed 0', 'PCGrad', {}, setup),
        trajectory('PCGrad random order, seed 5', 'PCGrad', {'seed': 5}, setup),
        trajectory('PCGrad (representation)', 'PCGrad', {'order': 'fixed'}, setup, representation=True),
        trajectory('GradVac random order, seed 1', 'GradVac', {'seed': 1}, setup),
        trajectory('CAGrad (representation)', 'CAGrad', {}, setup, representation=True),
        trajectory('NashMTL updateWeightsEvery 2', 'NashMTL', {'updateWeightsEvery': 2}, setup),
        trajectory('RLW seed 0', 'RLW', {}, setup),
        trajectory('RLW seed 3', 'RLW', {'seed': 3}, setup),
        trajectory('GradDrop (representation)', 'GradDrop', {}, setup, representation=True),
        trajectory('GradDrop element purity, leak 0.2', 'GradDrop', {'purity': 'element', 'leak': 0.2, 'seed': 4}, setup,
                   representation=True),
        trajectory('ExcessMTL', 'ExcessMTL', {}, setup),
        trajectory('ExcessMTL robustStepSize 1', 'ExcessMTL', {'robustStepSize': 1.0}, setup),
        trajectory('SDMGrad', 'SDMGrad', {}, setup),
        trajectory('SDMGrad (representation)', 'SDMGrad', {}, setup, representation=True),
        trajectory('MoDo', 'MoDo', {}, setup),
        trajectory('MoDo gamma 0.5', 'MoDo', {'gamma': 0.5}, setup),
        trajectory('Krum', 'Krum', {}, setup),
        trajectory('Krum nSelected 2', 'Krum', {'nSelected': 2}, setup),
        trajectory('TrimmedMean', 'TrimmedMean', {}, setup),
        trajectory('TrimmedMean (representation)', 'TrimmedMean', {}, setup, representation=True),
    ]

    gu = torch.Generator().manual_seed(7)
    r = lambda *s: torch.randn(*s, generator=gu, dtype=F64)
    # conflicting 3 tasks (d = 5): a strongly opposed pair and a third
    c3 = torch.stack([torch.tensor([1.0, 0.2, -0.3, 0.5, 0.1]), torch.tensor([-0.8, 0.4, 0.2, -0.6, 0.3]),
                      torch.tensor([0.1, -0.5, 0.9, 0.2, -0.4]) * 3]).tolist()
    # non-conflicting 3 tasks (all pairwise dots > 0)
    base = r(6)
    n3 = torch.stack([base + 0.3 * r(6), 2 * base + 0.5 * r(6), 0.5 * base + 0.2 * r(6)]).tolist()
    # 4 tasks (d = 7), random: some conflicts
    r4 = r(4, 7).tolist()
    # 4 tasks, scales 1e-3 … 1e2
    s4 = (r(4, 6) * torch.tensor([1e-3, 1.0, 10.0, 100.0])[:, None]).tolist()
    sets = [('conflicting 3', c3, [0.5, 1.2, 2.0]), ('aligned 3', n3, [1.0, 0.3, 0.7]),
            ('random 4', r4, [0.4, 0.9, 1.5, 0.2]), ('scaled 4', s4, [1e-2, 0.5, 3.0, 40.0])]
    gradient_methods = [
        ('PCGrad', {'order': 'fixed'}, 1), ('MGDA', {}, 1), ('MGDA', {'solver': 'exact'}, 1),
        ('MGDA', {'normalization': 'l2'}, 1), ('MGDA', {'normalization': 'loss'}, 1), ('CAGrad', {}, 1),
        ('CAGrad', {'calpha': 0.9, 'rescale': 2}, 1),
        ('UPGrad', {}, 1), ('DualProj', {}, 1), ('IMTL', {}, 1), ('AlignedMTL', {}, 1), ('NashMTL', {}, 1),
        ('NashMTL', {'maxNorm': 0}, 1), ('ConFIG', {}, 1), ('FairGrad', {}, 1), ('FairGrad', {'alpha': 2}, 1),
        ('GradVac', {'order': 'fixed'}, 3), ('DBMTL', {}, 3), ('MoCo', {}, 3),
        ('PCGrad', {'seed': 2}, 2), ('GradVac', {'seed': 3}, 3), ('GradVac', {'order': 'fixed', 'beta': 0.9}, 4),
    ]
    units = []
    for mname, opts, k in gradient_methods:
        for sname, rows, ls in sets:
            units.append(unit(f'{mname} {json.dumps(opts)} {sname}', mname, opts, rows, ls, k))
    # the methods added later (ExcessMTL, SDMGrad, MoDo, Krum, TrimmedMean), after the others so
    # that the existing entries keep their places; Krum with nByzantine 1 needs 4 tasks
    later_methods = [
        ('ExcessMTL', {}, 3), ('ExcessMTL', {'robustStepSize': 0.5}, 3), ('SDMGrad', {}, 2),
        ('SDMGrad', {'lambda': 0, 'niter': 5}, 2), ('MoDo', {}, 3), ('MoDo', {'gamma': 0.1, 'rho': 0}, 3),
        ('Krum', {}, 1), ('Krum', {'nSelected': 2}, 1), ('Krum', {'nByzantine': 1}, 1),
        ('TrimmedMean', {}, 1), ('TrimmedMean', {'trimNumber': 0}, 1),
    ]
    for mname, opts, k in later_methods:
        for sname, rows, ls in sets:
            if len(rows) >= opts.get('nByzantine', 0) + 3:
                units.append(unit(f'{mname} {json.dumps(opts)} {sname}', mname, opts, rows, ls, k))

    out = {
        'generator': 'tools/reference/mtl.py',
        'torch': torch.__version__,
        'setup': {'inputSize': IN, 'hidden': [HID], 'tasks': TASKS, 'lr': LR, 'steps': STEPS,
                  'stepsPerEpoch': STEPS_PER_EPOCH, 'init': {k: T(v) for k, v in init.items()}, 'x': T(x),
                  'targets': {t: T(y) for t, y in zip(TASKS, ys)}},
        'trajectories': trajs,
        'units': units,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f)
        f.write('\n')
    print(f'{OUT}: {len(trajs)} trajectories, {len(units)} unit cases')


if __name__ == '__main__':
    main()
