#!/usr/bin/env python3
"""PyTorch anchors for `pnpm bench`: the bench's training, matmul, conv and lenet rows, timed in
PyTorch on the CPU with one thread, float32. Prints one JSON object on stdout.

    /usr/bin/python3 bench/torch/anchors.py              # every row, standalone
    /usr/bin/python3 bench/torch/anchors.py --spec JSON  # what the bench asks for (bench/src/torch.ts)

The spec, written by bench/src/torch.ts from the rows its `--filter` selected, is

    { "training": [{"name", "inputSize", "hidden": [...], "tasks", "batch"}, ...],
      "matmul":   [{"name", "m", "k", "n", "transA", "transB"}, ...],
      "conv":     [{"name", "batch", "inChannels", "height", "width", "outChannels", "kernel",
                    "padding", "backward"}, ...],
      "lenet":    [{"name", "batch", "tasks": {task: classes}, "flops"}, ...],
      "options":  {warmupMs, minSampleMs, budgetMs, minSamples, maxSamples, slowCallMs, slowSamples} }

so the shapes, models and the timing plan are the bench's own (bench/src/training.ts, matmul.ts,
conv.ts, lenet.ts, harness.ts); without --spec the defaults below repeat them.

Training (steps/s): nn.Sequential(Linear, ReLU, ..., Linear(hidden[-1], tasks)), Adam(lr=1e-3),
one step = zero_grad, forward, loss, backward, step, loss.item() (our rows read the loss back
too). The loss is Σ over tasks of the per-task mean squared error, as in our rows (EW over one
MSE per task) = tasks × mse_loss(out, y). Our rows have one Dense(1) head per task; here the
heads are one Linear(hidden, tasks), the same arithmetic in one product.

Matmul (GFLOP/s = 2·m·n·k / time): torch.matmul on operands stored as the bench stores them
(k×m for Aᵀ·B, n×k for A·Bᵀ) and passed as transposed views, so no copy is made; each call
allocates its result. Checked against a float64 product to 1e-4 before timing.

Conv (GFLOP/s = 2·N·O·C·kH·kW·Hout·Wout per forward, twice that per backward): F.conv2d(x, w, b,
padding=p) on NCHW tensors; backward rows run aten's convolution_backward for all three
gradients (input, weight, bias), what autograd runs for conv2d. Checked against float64 to 1e-3.

LeNet (steps/s): the MultiLeNet of @mtl/multitask — a shared Conv2d(1, 10, 5) → MaxPool2d(2) →
ReLU → Conv2d(10, 20, 5) → MaxPool2d(2) → ReLU → Flatten → Linear(320, 50) → ReLU, per task
Linear(50, 50) → ReLU → Linear(50, classes) — with Σ over tasks of F.cross_entropy, Adam(lr=1e-3);
a step as in training, on a random batch of 1×28×28 inputs and random labels.

Timing mirrors bench/src/harness.ts: warm up for warmupMs (at least one call); a call slower than
slowCallMs is not warmed further and counts as the first sample; fast calls are repeated until a
sample lasts minSampleMs; budgetMs of samples (clamped to minSamples..maxSamples); the median.
"""

import json
import os
import platform
import sys
import time

DEFAULT_OPTIONS = {
    "warmupMs": 250,
    "minSampleMs": 40,
    "budgetMs": 800,
    "minSamples": 3,
    "maxSamples": 11,
    "slowCallMs": 2000,
    "slowSamples": 3,
}

DEFAULT_TRAINING = [
    {"name": "seed 64→128→4×1, batch 256", "inputSize": 64, "hidden": [128], "tasks": 4, "batch": 256},
    {
        "name": "bigger 256→512→512→8×1, batch 512",
        "inputSize": 256,
        "hidden": [512, 512],
        "tasks": 8,
        "batch": 512,
    },
]


def _shape(name, m, k, n, trans_a=False, trans_b=False):
    return {"name": name, "m": m, "k": k, "n": n, "transA": trans_a, "transB": trans_b}


# The list of bench/src/matmul.ts (matmulShapes), in its order.
DEFAULT_MATMUL = [
    _shape("128×128·128×128", 128, 128, 128),
    _shape("256×256·256×256", 256, 256, 256),
    _shape("512×512·512×512", 512, 512, 512),
    _shape("1024×1024·1024×1024", 1024, 1024, 1024),
    _shape("mlp 256×64·64×128", 256, 64, 128),
    _shape("mlp 256×128·128×4", 256, 128, 4),
    _shape("A·Bᵀ 256", 256, 256, 256, False, True),
    _shape("A·Bᵀ 512", 512, 512, 512, False, True),
    _shape("Aᵀ·B 256", 256, 256, 256, True, False),
    _shape("Aᵀ·B 512", 512, 512, 512, True, False),
    _shape("lin 256×64·(128×64)ᵀ", 256, 64, 128, False, True),
    _shape("lin 256×128·128×64", 256, 128, 64),
    _shape("lin (256×128)ᵀ·256×64", 128, 256, 64, True, False),
    _shape("lin 512×256·(512×256)ᵀ", 512, 256, 512, False, True),
    _shape("lin 512×512·512×256", 512, 512, 256),
    _shape("lin (512×512)ᵀ·512×256", 512, 512, 256, True, False),
    _shape("lin 512×512·(512×512)ᵀ", 512, 512, 512, False, True),
    _shape("lin 512×512·512×512", 512, 512, 512),
    _shape("lin (512×512)ᵀ·512×512", 512, 512, 512, True, False),
]


def _conv(name, x, w, padding, backward=False):
    return {
        "name": name,
        "batch": x[0],
        "inChannels": x[1],
        "height": x[2],
        "width": x[3],
        "outChannels": w[0],
        "kernel": w[1],
        "padding": padding,
        "backward": backward,
    }


# The list of bench/src/conv.ts (convShapes), in its order.
DEFAULT_CONV = [
    _conv("fwd LeNet-1 256×1×28×28 → 10×5×5", (256, 1, 28, 28), (10, 5), 0),
    _conv("fwd LeNet-2 256×10×12×12 → 20×5×5", (256, 10, 12, 12), (20, 5), 0),
    _conv("fwd 32×64×32×32 → 64×3×3 pad 1", (32, 64, 32, 32), (64, 3), 1),
    _conv("bwd LeNet-1 256×1×28×28 → 10×5×5", (256, 1, 28, 28), (10, 5), 0, True),
    _conv("bwd LeNet-2 256×10×12×12 → 20×5×5", (256, 10, 12, 12), (20, 5), 0, True),
]

# bench/src/lenet.ts (lenetSpecs); flops as its lenetFlops.
DEFAULT_LENET = [
    {
        "name": "MultiLeNet 2×10 classes, batch 256",
        "batch": 256,
        "tasks": {"left": 10, "right": 10},
        "flops": 6 * 256 * (10 * 25 * 576 + 20 * 250 * 64 + 320 * 50 + 2 * (50 * 50 + 50 * 10)),
    },
]


def fail(message, code):
    """One JSON object with an error, so the bench can say why in one line."""
    print(json.dumps({"error": message}))
    sys.exit(code)


try:
    import torch
except ImportError as e:  # the bench runs without PyTorch; it says so and goes on
    fail(f"no torch: {e}", 3)


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 == 1 else (s[mid - 1] + s[mid]) / 2


def time_calls(run, options):
    """The harness's plan for one contender: warm-up, then samples; times in ms per call."""
    now = time.perf_counter
    start = now()
    calls = 0
    last = 0.0
    while True:
        t = now()
        run()
        last = (now() - t) * 1e3
        calls += 1
        if (now() - start) * 1e3 >= options["warmupMs"]:
            break
    if last > options["slowCallMs"]:
        reps, samples, times = 1, options["slowSamples"], [last]
    else:
        reps = max(1, round(options["minSampleMs"] / last))
        fit = int(options["budgetMs"] // (reps * last))
        samples = min(options["maxSamples"], max(options["minSamples"], fit))
        times = []
    while len(times) < samples:
        t = now()
        for _ in range(reps):
            run()
        times.append((now() - t) * 1e3 / reps)
    return {"medianMs": median(times), "samplesMs": times, "callsPerSample": reps, "warmupCalls": calls}


def step_flops(m):
    """The bench's stepFlops: forward products, and two products each for backward."""
    sizes = [m["inputSize"], *m["hidden"]]
    macs = sum(sizes[i] * sizes[i + 1] for i in range(len(sizes) - 1)) + sizes[-1] * m["tasks"]
    return 3 * 2 * m["batch"] * macs


def training_case(m, options, seed=0):
    torch.manual_seed(seed)
    x = torch.randn(m["batch"], m["inputSize"])
    y = torch.randn(m["batch"], m["tasks"])
    layers = []
    width = m["inputSize"]
    for h in m["hidden"]:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, m["tasks"]))
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    mse = torch.nn.functional.mse_loss
    tasks = m["tasks"]

    def step():
        optimizer.zero_grad()
        loss = mse(model(x), y) * tasks  # Σ over tasks of each task's mean squared error
        loss.backward()
        optimizer.step()
        return loss.item()

    first_loss = step()
    timing = time_calls(step, options)
    flops = step_flops(m)
    return {
        "name": m["name"],
        "flops": flops,
        "stepsPerSecond": 1e3 / timing["medianMs"],
        "gflops": flops / (timing["medianMs"] * 1e6),
        "firstLoss": first_loss,
        **timing,
    }


def matmul_case(s, options, seed=0):
    m, k, n, trans_a, trans_b = s["m"], s["k"], s["n"], s["transA"], s["transB"]
    g = torch.Generator().manual_seed(seed)
    a = torch.rand(*((k, m) if trans_a else (m, k)), generator=g)  # stored as the bench stores them
    b = torch.rand(*((n, k) if trans_b else (k, n)), generator=g)
    left = a.t() if trans_a else a  # views: torch passes the transpose to the BLAS, no copy
    right = b.t() if trans_b else b

    def run():
        return torch.matmul(left, right)

    exact = torch.matmul(left.double(), right.double())
    diff = ((run().double() - exact).abs() / exact.abs().clamp(min=1)).max().item()
    if not diff <= 1e-4:
        raise RuntimeError(f"matmul {s['name']}: differs from the float64 product by {diff}")
    timing = time_calls(run, options)
    flops = 2 * m * n * k
    return {"name": s["name"], "flops": flops, "gflops": flops / (timing["medianMs"] * 1e6), **timing}


def conv_case(s, options, seed=0):
    n, c, h, w = s["batch"], s["inChannels"], s["height"], s["width"]
    o, k, p = s["outChannels"], s["kernel"], s["padding"]
    oh, ow = h + 2 * p - k + 1, w + 2 * p - k + 1
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c, h, w, generator=g)
    weight = torch.randn(o, c, k, k, generator=g)
    bias = torch.randn(o, generator=g)
    grad_out = torch.randn(n, o, oh, ow, generator=g)
    conv2d = torch.nn.functional.conv2d

    if s["backward"]:

        def grads(gy, xx, ww):
            return torch.ops.aten.convolution_backward(
                gy, xx, ww, [o], [1, 1], [p, p], [1, 1], False, [0, 0], 1, [True, True, True]
            )

        def run():
            return grads(grad_out, x, weight)

        exact = grads(grad_out.double(), x.double(), weight.double())
    else:

        def run():
            return (conv2d(x, weight, bias, padding=p),)

        exact = (conv2d(x.double(), weight.double(), bias.double(), padding=p),)
    for got, want in zip(run(), exact):
        diff = ((got.double() - want).abs() / want.abs().clamp(min=1)).max().item()
        if not diff <= 1e-3:
            raise RuntimeError(f"conv {s['name']}: differs from float64 by {diff}")
    timing = time_calls(run, options)
    flops = 2 * n * o * c * k * k * oh * ow * (2 if s["backward"] else 1)
    return {"name": s["name"], "flops": flops, "gflops": flops / (timing["medianMs"] * 1e6), **timing}


def lenet_case(s, options, seed=0):
    nn = torch.nn
    torch.manual_seed(seed)
    encoder = nn.Sequential(
        nn.Conv2d(1, 10, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Conv2d(10, 20, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(320, 50),
        nn.ReLU(),
    )
    heads = nn.ModuleDict(
        {t: nn.Sequential(nn.Linear(50, 50), nn.ReLU(), nn.Linear(50, classes)) for t, classes in s["tasks"].items()}
    )
    x = torch.randn(s["batch"], 1, 28, 28)
    labels = {t: torch.randint(0, classes, (s["batch"],)) for t, classes in s["tasks"].items()}
    optimizer = torch.optim.Adam([*encoder.parameters(), *heads.parameters()], lr=1e-3)
    cross_entropy = torch.nn.functional.cross_entropy

    def step():
        optimizer.zero_grad()
        z = encoder(x)
        loss = sum(cross_entropy(heads[t](z), labels[t]) for t in labels)  # EW: Σ over tasks
        loss.backward()
        optimizer.step()
        return loss.item()

    first_loss = step()
    timing = time_calls(step, options)
    flops = s["flops"]
    return {
        "name": s["name"],
        "flops": flops,
        "stepsPerSecond": 1e3 / timing["medianMs"],
        "gflops": flops / (timing["medianMs"] * 1e6),
        "firstLoss": first_loss,
        **timing,
    }


def blas_libraries():
    """The BLAS/LAPACK libraries this process has mapped (torch's float32 products run in one)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if any(key in name for key in ("blas", "mkl", "blis", "lapack", "dnnl")):
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def blas_kind(libraries):
    joined = " ".join(libraries).lower()
    for key, kind in (("openblas", "OpenBLAS"), ("mkl", "MKL"), ("blis", "BLIS"), ("atlas", "ATLAS")):
        if key in joined:
            return kind
    # Debian's netlib package installs its libblas.so.3 under .../blas/ (the alternatives' default).
    if any("/blas/libblas.so" in lib for lib in libraries):
        return "reference (netlib)"
    return "unknown"


def main():
    spec = {}
    if "--spec" in sys.argv:
        spec = json.loads(sys.argv[sys.argv.index("--spec") + 1])
    options = {**DEFAULT_OPTIONS, **spec.get("options", {})}
    training_models = spec.get("training", DEFAULT_TRAINING)
    shapes = spec.get("matmul", DEFAULT_MATMUL)
    convs = spec.get("conv", DEFAULT_CONV)
    lenets = spec.get("lenet", DEFAULT_LENET)

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # only allowed before any parallel work; the intra-op setting is what counts
        pass
    torch.set_default_dtype(torch.float32)
    started = time.perf_counter()
    with torch.no_grad():
        matmul = [matmul_case(s, options) for s in shapes]
        conv = [conv_case(s, options) for s in convs]
    training = [training_case(m, options) for m in training_models]
    lenet = [lenet_case(s, options) for s in lenets]
    libraries = blas_libraries()
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "python": platform.python_version(),
                "executable": sys.executable,
                "threads": torch.get_num_threads(),
                "interopThreads": torch.get_num_interop_threads(),
                "blas": blas_kind(libraries),
                "libraries": libraries,
                "options": options,
                "seconds": time.perf_counter() - started,
                "training": training,
                "matmul": matmul,
                "conv": conv,
                "lenet": lenet,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 — reported to the bench as one line
        fail(f"{type(e).__name__}: {e}", 1)
