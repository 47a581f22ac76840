#!/usr/bin/env python3
"""MultiFashion's canvases resized by PyTorch: the reference for @mtl/multitask's multiFashion.

Takes the first test images of Debian's Fashion-MNIST (dataset-fashion-mnist), pairs image i with
the partner index given on the command line (the library draws them from Generator(seed); the
test states which), places i at the top left of a 36×36 canvas and its partner 6 pixels down and
right, keeps the maximum where they overlap, and resizes with torch.nn.functional.interpolate to
28×28, bilinear (align_corners=False) and nearest. Run from the repository root:

    /usr/bin/python3 tools/reference/multi_fashion.py 9858 5925 6199 9551 \\
        > packages/multitask/test/fixtures/multiFashion.json

Prints {partners, labels: {left, right}, bilinear: [...], nearest: [...]} (float32 values,
image after image, row-major).
"""
import gzip
import json
import sys

import numpy as np
import torch

FOLDER = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    partners = [int(p) for p in sys.argv[1:]]
    images = read_idx(f"{FOLDER}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255
    labels = read_idx(f"{FOLDER}/t10k-labels-idx1-ubyte.gz")
    n = len(partners)
    canvas = np.zeros((n, 1, 36, 36), dtype=np.float32)
    for i, p in enumerate(partners):
        canvas[i, 0, :28, :28] = images[i]
        canvas[i, 0, 6:34, 6:34] = np.maximum(canvas[i, 0, 6:34, 6:34], images[p])
    x = torch.from_numpy(canvas)
    out = {
        "partners": partners,
        "labels": {"left": labels[:n].tolist(), "right": [int(labels[p]) for p in partners]},
        "bilinear": torch.nn.functional.interpolate(x, size=(28, 28), mode="bilinear", align_corners=False)
        .flatten()
        .tolist(),
        "nearest": torch.nn.functional.interpolate(x, size=(28, 28), mode="nearest").flatten().tolist(),
    }
    json.dump(out, sys.stdout)


main()
