#!/usr/bin/env python3
"""safetensors interop fixtures for @mtl/nn, written and checked by PyTorch (Debian's 1.13).

Debian has no `safetensors` package, so this file carries its own writer and reader: a few lines
of NumPy and struct that follow the format exactly, and write byte-for-byte what the reference
implementation (the `safetensors` Rust crate behind `safetensors.torch.save_file`) writes:

    8 bytes   N, the header length, little-endian u64
    N bytes   UTF-8 JSON: {"__metadata__": {str: str}?, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
              compact (no spaces), __metadata__ first, tensors sorted by dtype in descending
              order of the crate's `Dtype` enum (F64, F32, I32, ..., BOOL; I64 before F64), then
              by name (code point order = the crate's byte order); padded with spaces to a
              multiple of 8 so the data starts 8-byte aligned
    rest      the tensors' bytes, little-endian, row-major, back to back in header order

The crate writes metadata keys in HashMap order (random); this writer and @mtl/nn sort them.

Run from the repository root:

    /usr/bin/python3 tools/reference/safetensors.py          # write the torch fixtures
    /usr/bin/python3 tools/reference/safetensors.py check    # read @mtl/nn's file back

`write` puts these in packages/nn/test/fixtures/safetensors/:

- torch-sequential-f32.safetensors (with __metadata__ {"format": "pt"}) and
  torch-sequential-f64.safetensors (no metadata): the state dict of a seeded
  torch.nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3)), in float32 and in float64.
- torch-sequential.json: for each dtype the state dict's values, an input batch x [5, 4] and the
  model's output on it, so a test can check names, shapes and values, rebuild the file
  byte-for-byte with saveSafetensors, and reproduce the model's outputs.
- torch-dtypes.safetensors + torch-dtypes.json: one tensor of every dtype @mtl/nn reads (F16
  and BF16 with subnormals, +-inf, nan and -0; I64 at the int32 limits; U8, I8, I16, U16, I32,
  BOOL, F32, F64; a 0-d tensor and empty ones) and, in the JSON, the values torch decodes them to
  (`.float()` for F16/BF16), with the dtype @mtl/nn loads them as.
- torch-i64-overflow.safetensors: an I64 tensor holding 2**31, which does not fit int32.

JSON tensors are T = {"dtype", "shape", "data": [flat, row-major]}, non-finite floats as the
strings "nan", "inf", "-inf". The JSON files are then formatted with the repository's Biome.

`check` reads written-by-mtl.safetensors (written by packages/nn/test/safetensors.interop.test.ts)
with the reader below, asserts every tensor and the metadata against the values the test wrote
(the same formulas, in expected_mtl() here), rewrites the same tensors with this writer and
asserts the bytes are identical, and loads the model tensors into a torch.nn.Sequential
(strict load_state_dict) and compares its output with NumPy's.
"""

import json
import math
import os
import struct
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "packages", "nn", "test", "fixtures", "safetensors")

# The crate's Dtype enum, in declaration order (its derived Ord); writers sort by it, descending.
ENUM_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32",
              "F32", "F64", "I64", "U64"]
NUMPY = {"BOOL": "|b1", "U8": "|u1", "I8": "|i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
         "BF16": "<u2", "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8",
         "U64": "<u8"}
FROM_NUMPY = {(np.dtype(v).kind, np.dtype(v).itemsize): k for k, v in NUMPY.items() if k != "BF16"}
FROM_TORCH = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64",
              torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
              torch.float16: "F16", torch.bfloat16: "BF16"}


# ---------------------------------------------------------------------------------------------
# The format


def to_raw(value):
    """(dtype, shape, little-endian bytes) of a torch tensor or NumPy array."""
    if isinstance(value, torch.Tensor):
        t = value.detach().contiguous()
        dtype = FROM_TORCH[t.dtype]
        if dtype == "BF16":
            # NumPy has no bfloat16: its bits are the top half of a float32, read them as int16.
            return dtype, list(t.shape), t.view(torch.int16).numpy().astype("<i2").tobytes()
        return dtype, list(t.shape), t.numpy().astype(NUMPY[dtype]).tobytes(order="C")
    a = np.asarray(value)  # not ascontiguousarray: it turns a 0-d array into shape [1]
    dtype = FROM_NUMPY[(a.dtype.kind, a.dtype.itemsize)]
    return dtype, list(a.shape), a.astype(NUMPY[dtype]).tobytes(order="C")


def write_safetensors(tensors, metadata=None):
    """The file's bytes, exactly as the reference crate lays them out (see the module doc)."""
    raws = sorted(((name, *to_raw(v)) for name, v in tensors.items()),
                  key=lambda r: (-ENUM_ORDER.index(r[1]), r[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    offset = 0
    for name, dtype, shape, data in raws:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(r[3] for r in raws)


def read_safetensors(buf):
    """(tensors as NumPy arrays in data order, metadata or None), validating like the crate."""
    assert len(buf) >= 8, "shorter than the header length"
    (n,) = struct.unpack("<Q", buf[:8])
    assert n <= 100_000_000 and 8 + n <= len(buf), f"bad header length {n}"

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys {keys}"
        return dict(pairs)

    header = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    assert isinstance(header, dict)
    metadata = header.pop("__metadata__", None)
    assert metadata is None or all(isinstance(v, str) for v in metadata.values())
    data = buf[8 + n:]
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    covered = 0
    tensors = {}
    for name, info in entries:
        begin, end = info["data_offsets"]
        assert begin == covered and begin <= end, f"{name}: offsets {begin},{end} do not tile the buffer"
        width = np.dtype(NUMPY[info["dtype"]]).itemsize
        assert end - begin == math.prod(info["shape"]) * width, f"{name}: size disagrees with shape"
        tensors[name] = (info["dtype"], np.frombuffer(data[begin:end], dtype=NUMPY[info["dtype"]])
                         .reshape(info["shape"]).copy())
        covered = end
    assert covered == len(data), "trailing bytes after the last tensor"
    return tensors, metadata


# ---------------------------------------------------------------------------------------------
# JSON fixtures


def encode_number(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def as_json(t, dtype):
    """T for a torch tensor, with `dtype` the @mtl dtype its values load as."""
    flat = t.detach().reshape(-1).tolist()
    return {"dtype": dtype, "shape": list(t.shape), "data": [encode_number(v) for v in flat]}


def write_json(name, obj):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    biome = os.path.join(ROOT, "node_modules", ".bin", "biome")
    if os.path.exists(biome):
        subprocess.run([biome, "format", "--write", path], cwd=ROOT, check=True, capture_output=True)
    else:
        print(f"note: {biome} not found; run `pnpm exec biome format --write {path}`")


def write_bytes(name, data):
    with open(os.path.join(FIXTURES, name), "wb") as f:
        f.write(data)
    print(f"wrote {name} ({len(data)} bytes)")


# ---------------------------------------------------------------------------------------------
# write


def sequential(dtype, seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8, dtype=dtype), torch.nn.ReLU(), torch.nn.Linear(8, 3, dtype=dtype))


def write():
    os.makedirs(FIXTURES, exist_ok=True)
    ours = {torch.float32: "float32", torch.float64: "float64"}
    doc = {"generator": "tools/reference/safetensors.py", "torch": torch.__version__}
    for dtype, suffix, seed, metadata in [(torch.float32, "f32", 0, {"format": "pt"}),
                                          (torch.float64, "f64", 1, None)]:
        model = sequential(dtype, seed)
        x = torch.randn(5, 4, dtype=dtype)
        with torch.no_grad():
            y = model(x)
        state = model.state_dict()
        data = write_safetensors(state, metadata)
        write_bytes(f"torch-sequential-{suffix}.safetensors", data)
        # Our reader agrees with torch's own values.
        back, meta = read_safetensors(data)
        assert meta == metadata and list(back) == sorted(state)
        for name, t in state.items():
            assert np.array_equal(back[name][1], t.numpy())
        doc[ours[dtype]] = {
            "file": f"torch-sequential-{suffix}.safetensors",
            "metadata": metadata,
            "state": {name: as_json(t, ours[dtype]) for name, t in state.items()},
            "input": as_json(x, ours[dtype]),
            "output": as_json(y, ours[dtype]),
        }
    write_json("torch-sequential.json", doc)

    inf, nan = math.inf, math.nan
    tensors = {
        # 2**-14 is the smallest normal half, 2**-24 the smallest subnormal, (1023/1024)*2**-14
        # the largest subnormal; 1/3 rounds; 65504 is the largest finite half.
        "f16": torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 2.0 ** -14, 2.0 ** -24,
                             1023 / 1024 * 2.0 ** -14, -3 * 2.0 ** -24, 1 / 3, inf, -inf, nan],
                            dtype=torch.float16),
        "f16_2d": torch.tensor([[0.1, 0.2, 0.3], [-1e-6, 1e4, -7.0]], dtype=torch.float16),
        # bf16: the largest finite value, 2**-133 (the smallest subnormal), a subnormal, pi.
        "bf16": torch.tensor([0.0, -0.0, 1.0, math.pi, 3.3895313892515355e38, 2.0 ** -133, 1e-40,
                              -1e-3, inf, -inf, nan], dtype=torch.bfloat16),
        "i64": torch.tensor([[0, 1, -1], [2 ** 31 - 1, -2 ** 31, 123456789]], dtype=torch.int64),
        "i32": torch.tensor([-2 ** 31, 2 ** 31 - 1, 0, 42], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, 0, -1], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 128, 1], dtype=torch.uint8),
        "u16": np.array([0, 65535, 32768, 1], dtype=np.uint16),  # torch 1.13 has no uint16
        "bool": torch.tensor([[True, False], [False, True]]),
        "f32": torch.tensor([1.5, -0.0, 1e-45, 3.4028234663852886e38, inf, nan], dtype=torch.float32),
        "f64": torch.tensor([1 / 3, -1e300, 5e-324, -inf, nan], dtype=torch.float64),
        "f32_scalar": torch.tensor(3.5, dtype=torch.float32),
        "f32_empty": torch.zeros(0, dtype=torch.float32),
        "f64_empty_2x0": torch.zeros(2, 0, dtype=torch.float64),
        "i64_empty": torch.zeros(0, 3, dtype=torch.int64),
        "f16_scalar": torch.tensor(-0.5, dtype=torch.float16),
    }
    loads_as = {"F16": "float32", "BF16": "float32", "F32": "float32", "F64": "float64",
                "BOOL": "bool"}
    expected = {}
    for name, v in tensors.items():
        dtype = to_raw(v)[0]
        t = torch.from_numpy(v.astype(np.int32)) if isinstance(v, np.ndarray) else v
        if dtype in ("F16", "BF16"):
            t = t.float()
        expected[name] = {"stored": dtype, **as_json(t, loads_as.get(dtype, "int32"))}
    metadata = {"source": "torch", "torch": torch.__version__}
    write_bytes("torch-dtypes.safetensors", write_safetensors(tensors, metadata))
    write_json("torch-dtypes.json", {"generator": "tools/reference/safetensors.py",
                                     "torch": torch.__version__, "metadata": metadata,
                                     "tensors": expected})

    write_bytes("torch-i64-overflow.safetensors", write_safetensors({
        "fits": torch.tensor([1, -2], dtype=torch.int64),
        "big": torch.tensor([5, 2 ** 31, 7], dtype=torch.int64),
    }))


# ---------------------------------------------------------------------------------------------
# check


def expected_mtl():
    """What safetensors.interop.test.ts writes (the same formulas, exact in float32)."""
    def grid(shape, f, dtype):
        return np.array([f(k) for k in range(math.prod(shape))], dtype=dtype).reshape(shape)

    tensors = {
        "0.weight": grid([8, 4], lambda k: ((k * 7) % 17 - 8) / 16, np.float32),
        "0.bias": grid([8], lambda k: ((k * 5) % 11 - 5) / 32, np.float32),
        "2.weight": grid([3, 8], lambda k: ((k * 3) % 13 - 6) / 8, np.float32),
        "2.bias": grid([3], lambda k: (k - 1) / 4, np.float32),
        "extra.f64": grid([2, 3], lambda k: (k + 1) / 3, np.float64),
        "extra.special": np.array([-0.0, math.inf, -math.inf, math.nan, 1e-45, 3.4028234663852886e38],
                                  dtype=np.float32),
        "extra.i32": np.array([-2 ** 31, 2 ** 31 - 1, 0, -7], dtype=np.int32),
        "extra.bool": np.array([[True, False], [False, True]]),
        "extra.scalar": np.array(2.5, dtype=np.float64),
        "extra.empty": np.zeros([0], dtype=np.float32),
        "extra.empty2d": np.zeros([2, 0], dtype=np.int32),
        "ünïcode.名前": np.array([42], dtype=np.float32),
    }
    metadata = {"format": "pt", "producer": "@mtl/nn",
                "note": 'quote " backslash \\ tab \t newline \n é ✓ 😀'}
    return tensors, metadata


def check():
    path = os.path.join(FIXTURES, "written-by-mtl.safetensors")
    with open(path, "rb") as f:
        buf = f.read()
    tensors, metadata = read_safetensors(buf)
    want, want_metadata = expected_mtl()
    assert metadata == want_metadata, f"metadata {metadata!r} != {want_metadata!r}"
    assert sorted(tensors) == sorted(want), f"names {sorted(tensors)} != {sorted(want)}"
    for name, (dtype, array) in tensors.items():
        expected = want[name]
        assert dtype == to_raw(expected)[0], f"{name}: dtype {dtype}"
        assert array.shape == expected.shape, f"{name}: shape {array.shape} != {expected.shape}"
        # Bytes, so -0.0 and nan compare exactly.
        assert array.tobytes() == expected.astype(array.dtype).tobytes(), f"{name}: values differ"
    # The reverse direction byte-for-byte: this writer lays the same tensors out identically.
    assert write_safetensors(want, want_metadata) == buf, "bytes differ from this writer's"
    # And the weights work in torch.
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    model.load_state_dict({k: torch.from_numpy(tensors[k][1]) for k in model.state_dict()}, strict=True)
    x = np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    h = np.maximum(x @ want["0.weight"].T + want["0.bias"], 0)
    assert np.allclose(y, h @ want["2.weight"].T + want["2.bias"], rtol=1e-6, atol=1e-6)
    print(f"OK: {len(tensors)} tensors and the metadata in {os.path.relpath(path, ROOT)} match; "
          f"bytes identical to this writer's; torch.nn.Sequential loads them (strict) and runs")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "write"
    if mode == "write":
        write()
    elif mode == "check":
        check()
    else:
        sys.exit(f"usage: {sys.argv[0]} [write|check]")
