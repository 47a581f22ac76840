"""Encoding shared by the reference-fixture generators: torch tensors and arguments as the JSON the
TypeScript tests read. A fixture tensor is {dtype, shape, data} with flat row-major data;
non-finite floats are the strings "nan", "inf", "-inf"; int64 results become int32 (checked to
fit), the only integer dtype @mtl has."""
import math

import torch

F32 = torch.float32
F64 = torch.float64
I32 = torch.int32
I64 = torch.int64
BOOL = torch.bool
FLOATS = (F64, F32)

NAN = float('nan')
INF = float('inf')

DTYPE_NAME = {F32: 'float32', F64: 'float64', I32: 'int32', I64: 'int32', BOOL: 'bool'}


def dn(dtype):
    return DTYPE_NAME[dtype]


def enc_float(v):
    if math.isnan(v):
        return 'nan'
    if v == INF:
        return 'inf'
    if v == -INF:
        return '-inf'
    return float(v)


def T(t):
    """A torch tensor as a fixture tensor."""
    if not isinstance(t, torch.Tensor):
        raise TypeError(f'expected a tensor, got {type(t)}')
    t = t.detach().contiguous()
    if t.dtype == I64:
        if t.numel() and (t.max().item() > 2**31 - 1 or t.min().item() < -(2**31)):
            raise ValueError('int64 result does not fit int32')
        t = t.to(I32)
    if t.dtype not in DTYPE_NAME:
        raise TypeError(f'unsupported dtype {t.dtype}')
    flat = t.reshape(-1).tolist()
    if t.dtype in (F32, F64):
        data = [enc_float(v) for v in flat]
    elif t.dtype == BOOL:
        data = [bool(v) for v in flat]
    else:
        data = [int(v) for v in flat]
    return {'dtype': dn(t.dtype), 'shape': list(t.shape), 'data': data}


def enc(a):
    """Encodes one positional argument, option value, result or gradient."""
    if isinstance(a, torch.Tensor):
        return T(a)
    if isinstance(a, (list, tuple)):
        return [enc(x) for x in a]
    if isinstance(a, dict):
        return {k: enc(v) for k, v in a.items()}
    if isinstance(a, bool) or a is None or isinstance(a, str):
        return a
    if isinstance(a, int):
        return a
    if isinstance(a, float):
        return enc_float(a)
    raise TypeError(f'cannot encode {type(a)}')


# inputs and comparisons shared by the generators (they draw from torch's global RNG, seeded by each script)

def close(a, b, rtol, atol):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype in (F32, F64):
        return bool(torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    return bool(torch.equal(a, b))


def rn(shape, dtype=F64, scale=1.0, shift=0.0):
    """Normal draws made in float64 and rounded to `dtype` (exact in float32)."""
    return (torch.randn(shape, dtype=F64) * scale + shift).to(dtype)


def ru(shape, lo, hi, dtype=F64):
    return (torch.rand(shape, dtype=F64) * (hi - lo) + lo).to(dtype)


def rb(shape):
    return torch.rand(shape) < 0.5


def tt(values, dtype):
    return torch.tensor(values, dtype=dtype)


def sh(shape):
    return '[' + ','.join(str(s) for s in shape) + ']'
