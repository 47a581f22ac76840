"""Reference strings for @mtl/tensor's formatTensor, printed by real PyTorch 1.13.

Run:  /usr/bin/python3 tools/reference/format.py
Writes packages/tensor/test/fixtures/format.json: a list of cases
  {name, dtype, shape, data (flat; "nan"/"inf"/"-inf" as strings; bools as true/false),
   expected, torch}
where `torch` is exactly `str(t)` and `expected` is what @mtl/tensor prints: the same text with
our dtype names (`dtype=float64`, not `dtype=torch.float64`).

`expected` is produced by PyTorch's own printing code with the dtype suffix renamed *before*
`_add_suffixes` lays it out, so the 80-column rule that decides whether `dtype=...` goes on a new
line is applied to the text we really print. For almost every tensor this equals
`str(t).replace("torch.float64", "float64")`; the case `suffix-fits-only-with-short-name` shows
the one kind of difference (PyTorch's longer name wraps, ours fits).
"""

import json
import math
import os

import torch
import torch._tensor_str as ts

torch.set_printoptions(profile="default")
torch.set_printoptions(sci_mode=None)

OUR_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int32: "int32",
    torch.bool: "bool",
}

_original_add_suffixes = ts._add_suffixes


def _renaming_add_suffixes(tensor_str, suffixes, indent, force_newline):
    renamed = []
    for s in suffixes:
        for torch_dtype, ours in OUR_NAMES.items():
            if s == "dtype=" + str(torch_dtype):
                s = "dtype=" + ours
        renamed.append(s)
    return _original_add_suffixes(tensor_str, renamed, indent, force_newline)


def ours_str(t):
    ts._add_suffixes = _renaming_add_suffixes
    try:
        return str(t)
    finally:
        ts._add_suffixes = _original_add_suffixes


def encode(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


cases = []


def add(name, t):
    assert t.dtype in OUR_NAMES, t.dtype
    theirs = str(t)
    ours = ours_str(t)
    plain = theirs
    for torch_dtype, n in OUR_NAMES.items():
        plain = plain.replace("dtype=" + str(torch_dtype), "dtype=" + n)
    if ours != plain:
        print(f"note: {name}: layout differs from a plain rename of str(t)")
    cases.append(
        {
            "name": name,
            "dtype": OUR_NAMES[t.dtype],
            "shape": list(t.shape),
            "data": [encode(v) for v in t.reshape(-1).tolist()],
            "expected": ours,
            "torch": theirs,
        }
    )


f32, f64, i32, b = torch.float32, torch.float64, torch.int32, torch.bool
nan, inf = float("nan"), float("inf")
g = torch.Generator().manual_seed(0)


def randn(*shape, dtype=f32):
    return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


# 0-d
add("0d-float", torch.tensor(1.5))
add("0d-int-mode", torch.tensor(2.0))
add("0d-zero", torch.tensor(0.0))
add("0d-float64", torch.tensor(0.1, dtype=f64))
add("0d-int32-negative", torch.tensor(-7, dtype=i32))
add("0d-bool", torch.tensor(True))
add("0d-nan", torch.tensor(nan))
add("0d-neg-inf", torch.tensor(-inf))
add("0d-sci-small", torch.tensor(1e-5))

# 1-d
add("1d-int-mode", torch.tensor([1.0, 2.0, 3.0]))
add("1d-float", torch.tensor([1.5, -2.25, 3.125]))
add("1d-float32-rounding", torch.tensor([0.1, 0.2, 0.3, 1 / 3, 2 / 3]))
add("1d-float32-rounding-wide", torch.tensor([123.45678, -1.5, 99.99995]))
# exact binary ties: Python rounds half to even, JS toFixed rounds half up
add("1d-round-half-even", torch.tensor([0.03125, 0.09375, -0.15625, 1.40625]))
add("1d-sci-round-half-even", torch.tensor([123425.0, 1.0, -5.0]))
add("1d-negative", torch.tensor([-1.0, -2.5, 3.0, -0.25]))
# 1e-4 is 9.99999974e-05 in float32: below the 1e-4 cut-off, so sci mode
add("1d-float32-1e-4", torch.tensor([-1.0, 0.0001]))
add("1d-int-mode-widths", torch.tensor([1.0, 100.0, -1000.0]))
add("1d-negative-zero", torch.tensor([-0.0, 1.0, 2.0]))
add("1d-zeros", torch.zeros(4))
add("1d-sci-small", torch.tensor([1e-5, 0.5, 1.0]))
add("1d-sci-large", torch.tensor([1e9, 1.0, 2.0]))
add("1d-sci-mixed", torch.tensor([1e-5, 1e9, -3.5, 0.0]))
add("1d-sci-int-mode-ratio", torch.tensor([1.0, 5000.0, -20.0]))
add("1d-sci-over-1e8", torch.tensor([2e8]))
add("1d-nan-inf", torch.tensor([nan, inf, -inf, 1.5]))
add("1d-nan-int-mode", torch.tensor([nan, 1.0, 20.0]))
add("1d-only-nonfinite", torch.tensor([nan, inf, -inf]))
add("1d-float64-precision", torch.tensor([1.000049999, 2.00005, 0.01, 3.14159265358979], dtype=f64))
add("1d-wrap-float", randn(30))
add("1d-wrap-int32", torch.arange(-20, 20, dtype=i32) * 1000)
add("1d-bool", torch.tensor([True, False, True]))
add("1d-int32-extremes", torch.tensor([-2147483648, 2147483647, 0, -5], dtype=i32))
# a float64 row whose last line is 62 columns: PyTorch's "dtype=torch.float64" wraps,
# our "dtype=float64" fits on the line (see the module doc)
add("suffix-fits-only-with-short-name", torch.arange(0, 11, dtype=f64) * 1.25 - 200)
add("suffix-wraps", torch.arange(0, 13, dtype=f64) * 1.25 + 100)

# 2-d .. 4-d
add("2d-float", randn(3, 4))
add("2d-wide-wrap", randn(3, 20))
add("2d-sci", torch.tensor([[1e-6, 2.0], [3.0, 4e5]]))
add("2d-bool", torch.tensor([[True, False], [False, True]]))
add("2d-int32", torch.tensor([[1, -20, 300], [4000, 5, -60000]], dtype=i32))
add("3d-float", randn(2, 3, 4))
add("3d-float64", randn(2, 2, 3, dtype=f64))
add("4d-float", randn(2, 2, 2, 3))
add("4d-int32", torch.arange(24, dtype=i32).reshape(1, 2, 3, 4))

# empty
add("empty-1d", torch.zeros(0))
add("empty-1d-float64", torch.zeros(0, dtype=f64))
add("empty-1d-int32", torch.zeros(0, dtype=i32))
add("empty-1d-bool", torch.zeros(0, dtype=b))
add("empty-2d", torch.zeros(2, 0))
add("empty-2d-rows", torch.zeros(0, 3, dtype=f64))
add("empty-3d-int32", torch.zeros(2, 0, 3, dtype=i32))

# summarised (numel > 1000)
add("large-1d-arange", torch.arange(2000, dtype=f32))
add("large-1d-int32", torch.arange(2000, dtype=i32) - 1000)
add("large-1d-logspace", torch.logspace(-6, 6, 2000))
add("large-2d", randn(50, 50))
add("large-2d-narrow", randn(1001, 2, dtype=f64))
add("large-2d-short", randn(2, 600))
add("large-3d", randn(11, 11, 11, dtype=f64))
add("large-bool", torch.arange(1200).reshape(40, 30) % 3 == 0)

out = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..",
    "..",
    "packages",
    "tensor",
    "test",
    "fixtures",
    "format.json",
)
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as fh:
    json.dump({"torch": torch.__version__, "cases": cases}, fh, indent=1)
    fh.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
