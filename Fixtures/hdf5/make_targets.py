"""Writes the HDF5 targets fixtures with h5py, and targets.expected.json: what numpy makes of each
targets dataset (shape, values converted with `astype(np.float32)` as bit patterns, the whole
numbers as integers where every value is one, the bad label's row and text).
usage: python3 make_targets.py   (writes next to this script; deterministic)

targets.h5: features /x float32 (40, 1), x uniform in [-1, 1]; targets y = -5x + noise as
/y_f32 (contiguous), /y_f64 (chunked, gzip + shuffle), /y_big (big-endian float32, chunked,
gzip), /y_big64 (big-endian float64, contiguous); /y2 float32 (40, 2) = (y, 2x + 1 + noise)
(chunked, gzip + fletcher32); /y_i16 int16 (compact); /y_u8 uint8; /y_u64 uint64 with values a
float32 cannot hold; /y_rank3 int8 (40, 2, 3) in unfiltered chunks; /labels_f64 whole-number
float64; /labels_fraction float32 with 2.5 at row 7; /labels_2d int32 (40, 2); /scalar;
/y_short (39 rows).
targets_second.h5: /y float32 (40,) = 3x - 2 + noise, and /y_short (37 rows).
"""
import json, os, numpy as np, h5py

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261208)
N = 40
expected = {}


def path(name):
    return os.path.join(here, name)


def record(filename, dataset, values, bad=None):
    values = np.asarray(values)
    entry = {"dtype": values.dtype.newbyteorder("=").name, "shape": list(values.shape),
             "float32_bits": values.astype(np.float32).view(np.uint32).ravel().tolist()}
    whole = values.dtype.kind in "iu" or np.isfinite(values).all() and (values == np.trunc(values)).all()
    if whole and values.ndim == 1 and np.abs(values.astype(np.float64)).max() < 2.0 ** 63:
        entry["integers"] = [int(v) for v in values.tolist()]
    if bad is not None:
        entry["bad"] = {"row": bad, "text": str(values[bad])}
    expected.setdefault(filename, {})[dataset] = entry


x = rng.uniform(-1, 1, size=N).astype(np.float32)
y = -5 * x.astype(np.float64) + rng.normal(0, 0.1, size=N)
second = 2 * x.astype(np.float64) + 1 + rng.normal(0, 0.1, size=N)
targets = {
    "y_f32": y.astype(np.float32),
    "y_f64": y,
    "y_big": y.astype(">f4"),
    "y_big64": y.astype(">f8"),
    "y2": np.stack([y, second], axis=1).astype(np.float32),
    "y_i16": rng.integers(-32768, 32767, size=N, endpoint=True).astype(np.int16),
    "y_u8": rng.integers(0, 255, size=N, endpoint=True).astype(np.uint8),
    "y_u64": np.concatenate([np.array([0, 2**64 - 1, 2**24 + 1, 2**53 + 1], dtype=np.uint64),
                             rng.integers(0, 2**63 - 1, size=N - 4, dtype=np.int64).astype(np.uint64)]),
    "y_rank3": rng.integers(-128, 127, size=(N, 2, 3), endpoint=True).astype(np.int8),
    "labels_f64": rng.integers(0, 10, size=N).astype(np.float64),
    "labels_fraction": rng.integers(0, 10, size=N).astype(np.float32),
    "labels_2d": rng.integers(0, 10, size=(N, 2)).astype(np.int32),
}
targets["labels_fraction"][7] = 2.5
targets["y_i16"][:2] = [-32768, 32767]

with h5py.File(path("targets.h5"), "w") as f:
    f["x"] = x.reshape(N, 1)
    f["y_f32"] = targets["y_f32"]
    f.create_dataset("y_f64", data=targets["y_f64"], chunks=(8,), compression="gzip", shuffle=True)
    f.create_dataset("y_big", data=targets["y_big"], chunks=(16,), compression="gzip")
    f["y_big64"] = targets["y_big64"]
    f.create_dataset("y2", data=targets["y2"], chunks=(8, 2), compression="gzip", fletcher32=True)
    space = h5py.h5s.create_simple((N,))
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_layout(h5py.h5d.COMPACT)
    plist.set_obj_track_times(False)  # as h5py's high-level API does, so reruns give the same bytes
    compact = h5py.h5d.create(f.id, b"y_i16", h5py.h5t.STD_I16LE, space, plist)
    compact.write(h5py.h5s.ALL, h5py.h5s.ALL, targets["y_i16"])
    f["y_u8"] = targets["y_u8"]
    f["y_u64"] = targets["y_u64"]
    f.create_dataset("y_rank3", data=targets["y_rank3"], chunks=(5, 2, 3))
    f["labels_f64"] = targets["labels_f64"]
    f["labels_fraction"] = targets["labels_fraction"]
    f["labels_2d"] = targets["labels_2d"]
    f["scalar"] = np.float32(1.5)
    f["y_short"] = targets["y_f32"][:N - 1]
x32 = x.astype(np.float64)
with h5py.File(path("targets.h5"), "r") as f:
    assert f["y_i16"].id.get_create_plist().get_layout() == h5py.h5d.COMPACT
    assert f["y_big"].dtype.byteorder == ">" and f["y_big64"].dtype.byteorder == ">"
    for name, values in targets.items():
        read = f[name][()]
        assert read.dtype == values.dtype and np.array_equal(read, values), name
        record("targets.h5", "/" + name, read, bad=7 if name == "labels_fraction" else None)
    expected["targets.h5"]["slope"] = float(np.polyfit(x32, f["y_f32"][()].astype(np.float64), 1)[0])

other = (3 * x.astype(np.float64) - 2 + rng.normal(0, 0.1, size=N)).astype(np.float32)
with h5py.File(path("targets_second.h5"), "w") as f:
    f["y"] = other
    f["y_short"] = other[:N - 3]
with h5py.File(path("targets_second.h5"), "r") as f:
    record("targets_second.h5", "/y", f["y"][()])

with open(path("targets.expected.json"), "w") as out:
    json.dump(expected, out, indent=1, sort_keys=True)
    out.write("\n")
