#!/usr/bin/env python3
"""Writes the IDX targets fixtures and targets.expected.json. Run from anywhere:

    python3 Fixtures/idx/make_targets.py

Features `targets-x.idx`: float32 (16, 1), x uniform in [-1, 1]. Targets, one per sample:
y = -5x + noise as float32 and float64 (rank 1, and the float64 gzipped), (y, 2x + 1 + noise)
as float32 (16, 2); each of the six IDX types (rank 1, each type's extremes, float ones whole
numbers); an int16 (16, 2, 3); float files whose one bad label (a fraction, NaN, a whole number
past Int) sits at a known sample.

targets.expected.json holds, per file, what numpy makes of it: the shape, the values converted
to float32 (`astype(np.float32)`) as bit patterns, the whole numbers as integers where every
value is one, the bad label's sample and text (numpy's `str`), and the least-squares slope of
the float32 y on the float32 x. IDX bytes come from numpy's big-endian dtypes, gzip from
Python's gzip module with mtime=0, so a rerun reproduces every file byte for byte.
"""
import gzip
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = {
    "uint8": (0x08, ">u1"),
    "int8": (0x09, ">i1"),
    "int16": (0x0B, ">i2"),
    "int32": (0x0C, ">i4"),
    "float32": (0x0D, ">f4"),
    "float64": (0x0E, ">f8"),
}
N = 16


def idx_bytes(array, name):
    code, dtype = TYPES[name]
    array = np.asarray(array, dtype=dtype)
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.tobytes()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    rng = np.random.default_rng(20261207)
    expected = {}

    def record(name, values, dtype, bad=None):
        values = np.asarray(values, dtype=TYPES[dtype][1]).astype(dtype)
        entry = {
            "dtype": dtype,
            "shape": list(values.shape),
            "float32_bits": values.astype(np.float32).view(np.uint32).ravel().tolist(),
        }
        whole = np.isfinite(values).all() and (values == np.trunc(values)).all() if values.dtype.kind == "f" else True
        if whole and values.ndim == 1 and np.abs(values.astype(np.float64)).max() < 2.0 ** 63:
            entry["integers"] = [int(v) for v in values.tolist()]
        if bad is not None:
            entry["bad"] = {"sample": bad, "text": str(values[bad])}
        expected[name] = entry
        data = idx_bytes(values, dtype)
        write(name, data)
        return data

    x = rng.uniform(-1, 1, size=N).astype(np.float32)
    y = -5 * x.astype(np.float64) + rng.normal(0, 0.1, size=N)
    second = 2 * x.astype(np.float64) + 1 + rng.normal(0, 0.1, size=N)
    record("targets-x.idx", x.reshape(N, 1), "float32")
    record("targets-y-float32.idx", y, "float32")
    write("targets-y-float64.idx.gz", gzip.compress(record("targets-y-float64.idx", y, "float64"), compresslevel=9, mtime=0))
    expected["targets-y-float64.idx.gz"] = expected["targets-y-float64.idx"]
    record("targets-y2-float32.idx", np.stack([y, second], axis=1), "float32")
    x32, y32 = x.astype(np.float64), y.astype(np.float32).astype(np.float64)
    expected["slope"] = float(np.polyfit(x32, y32, 1)[0])

    # Each type's extremes and a few values between; the float ones are whole numbers, among them
    # some a float32 cannot hold exactly (2^24 + 1, 2^53).
    extremes = {
        "uint8": [0, 255, 1, 7, 128],
        "int8": [-128, 127, -1, 0, 5],
        "int16": [-32768, 32767, -300, 0, 12],
        "int32": [-2**31, 2**31 - 1, 2**24 + 1, -70000, 3],
        "float32": [-3.0, 2.0**24, 1e10, 0.0, -0.0],
        "float64": [-7.0, 2.0**53, 2.0**24 + 1, 1e15, 0.0],
    }
    for name, first in extremes.items():
        code, dtype = TYPES[name]
        if name.startswith("float"):
            rest = rng.integers(-1000, 1000, size=N - len(first)).astype(np.float64)
        else:
            info = np.iinfo(dtype)
            rest = rng.integers(int(info.min), int(info.max), size=N - len(first), endpoint=True)
        record(f"targets-{name}.idx", np.concatenate([np.asarray(first, dtype=np.float64 if name.startswith("float") else np.int64), rest]), name)

    record("targets-rank3-int16.idx", rng.integers(-500, 500, size=(N, 2, 3)), "int16")

    # Whole-number float labels but one: a fraction, NaN, and a whole number past Int's range.
    for name, dtype, sample, value in [
        ("targets-fraction-float32.idx", "float32", 5, 2.5),
        ("targets-nan-float64.idx", "float64", 3, float("nan")),
        ("targets-huge-float32.idx", "float32", 9, 1e30),
    ]:
        values = rng.integers(0, 10, size=N).astype(np.float64)
        values[sample] = value
        record(name, values, dtype, bad=sample)

    with open(os.path.join(HERE, "targets.expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
