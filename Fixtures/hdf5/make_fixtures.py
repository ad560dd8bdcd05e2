"""Writes the small HDF5 files the LoadersHDF5 tests read, with h5py as the independent writer,
and expected.json: every dataset's dtype, shape, values (flattened, as h5py reads them), sum, min
and max, for the tests to compare against.
usage: python3 make_fixtures.py   (writes next to this script; deterministic)
"""
import json, os, numpy as np, h5py

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)
expected = {}

def path(name):
    return os.path.join(here, name)

def record(filename):
    """Stores what h5py reads from every dataset in `filename`."""
    entries = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and (obj.dtype.kind in "iu" or obj.dtype.kind == "f" and obj.dtype.itemsize >= 4):
            values = obj[()]
            entries["/" + name] = {
                "dtype": obj.dtype.newbyteorder("=").name, "byteorder": "big" if obj.dtype.byteorder == ">" else "little",
                "shape": list(obj.shape), "chunks": list(obj.chunks) if obj.chunks else None,
                "maxshape": [m if m is not None else -1 for m in obj.maxshape],
                # as text (shortest round-trip repr): JSON number parsers lose 64-bit integers and
                # the last digit of some doubles
                "values": [repr(v) for v in values.ravel().tolist()],
                "sum": float(values.astype(np.float64).sum()), "min": float(values.min()), "max": float(values.max()),
            }
    with h5py.File(path(filename), "r") as f:
        f.visititems(visit)
    expected[filename] = entries

# Contiguous uint8 images with uint8 labels, the layout h5py writes by default; plus labels of
# another length for the count check.
images = rng.integers(0, 256, size=(20, 4, 5), dtype=np.uint8)
with h5py.File(path("contiguous_uint8.h5"), "w") as f:
    f["images"] = images
    f["labels"] = rng.integers(0, 10, size=20, dtype=np.uint8)
    f["short_labels"] = np.arange(19, dtype=np.uint8)
record("contiguous_uint8.h5")

# Chunked gzip + shuffle: row chunks (edge chunk partial), chunks that split the inner
# dimensions too, unallocated chunks that read as the fill value.
with h5py.File(path("chunked_gzip_shuffle.h5"), "w") as f:
    f.create_dataset("images", data=rng.integers(0, 256, size=(50, 8, 8), dtype=np.uint8),
                     chunks=(7, 8, 8), compression="gzip", compression_opts=4, shuffle=True)
    f.create_dataset("labels", data=rng.integers(0, 10, size=50).astype(np.int64),
                     chunks=(16,), compression="gzip", shuffle=True)
    f.create_dataset("tiles", data=rng.standard_normal((23, 10, 12)).astype(np.float32),
                     chunks=(6, 4, 5), compression="gzip", shuffle=True)
    sparse = f.create_dataset("sparse", shape=(40, 3), dtype=np.int16, chunks=(8, 3),
                              compression="gzip", fillvalue=7)
    sparse[8:16] = rng.integers(-300, 300, size=(8, 3), dtype=np.int16)
    sparse[33:35] = -1
    # Chunks wider than the current extent of a growable inner dimension.
    f.create_dataset("wide", data=rng.integers(-5000, 5000, size=(9, 3), dtype=np.int32), maxshape=(None, 10),
                     chunks=(4, 8), compression="gzip", shuffle=True)
record("chunked_gzip_shuffle.h5")

# Nested groups: float32 4-D features with fletcher32, int64 and float64 labels.
with h5py.File(path("nested.h5"), "w") as f:
    train = f.create_group("data/train")
    train.create_dataset("x", data=rng.standard_normal((12, 2, 3, 4)).astype(np.float32),
                         chunks=(5, 2, 3, 4), fletcher32=True)
    train.create_dataset("y", data=rng.integers(0, 5, size=12).astype(np.float64))
    test = f.create_group("data/test")
    test.create_dataset("x", data=rng.standard_normal((6, 2, 3, 4)).astype(np.float32),
                        chunks=(4, 2, 3, 4), compression="gzip", shuffle=True, fletcher32=True)
    test.create_dataset("y", data=rng.integers(0, 5, size=6).astype(np.int64))
    f.create_group("empty/deeper")
record("nested.h5")

# Every integer and float width in big-endian byte order, and little-endian for comparison.
with h5py.File(path("byte_orders.h5"), "w") as f:
    for code in ("i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"):
        info = np.iinfo(code)
        values = np.array([info.min, info.max, 0, 1, 2, 3], dtype=code).reshape(6, 1)
        f.create_dataset(f"big/{code}", data=values.astype(">" + code))
        f.create_dataset(f"little/{code}", data=values.astype("<" + code), chunks=(4, 1),
                         compression="gzip", shuffle=True)
    for code in ("f4", "f8"):
        values = rng.standard_normal((6, 2)).astype(code)
        f.create_dataset(f"big/{code}", data=values.astype(">" + code), chunks=(4, 2), shuffle=True,
                         compression="gzip")
        f.create_dataset(f"little/{code}", data=values.astype("<" + code))
    f.create_dataset("labels", data=np.arange(6, dtype=">i8"))
record("byte_orders.h5")

# A resizable dataset, grown after its first write; a compact dataset; a file with a user block.
with h5py.File(path("resizable.h5"), "w") as f:
    grow = f.create_dataset("images", shape=(5, 3, 3), maxshape=(None, 3, 3), dtype=np.uint8, chunks=(4, 3, 3))
    grow[:] = rng.integers(0, 256, size=(5, 3, 3), dtype=np.uint8)
    grow.resize((11, 3, 3))
    grow[5:] = rng.integers(0, 256, size=(6, 3, 3), dtype=np.uint8)
    labels = f.create_dataset("labels", shape=(11,), maxshape=(None,), dtype=np.int32, chunks=(3,))
    labels[:] = rng.integers(0, 10, size=11)
    space = h5py.h5s.create_simple((6, 4))
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_layout(h5py.h5d.COMPACT)
    compact = h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_U16LE, space, plist)
    compact.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(24, dtype=np.uint16).reshape(6, 4) * 1000)
    f.create_dataset("compact_labels", data=np.arange(6, dtype=np.uint8))
record("resizable.h5")
with h5py.File(path("userblock.h5"), "w", userblock_size=512) as f:
    f["images"] = rng.integers(0, 256, size=(9, 2, 2), dtype=np.uint8)
    f["labels"] = np.arange(9, dtype=np.uint16)
    f.create_dataset("chunked", data=rng.integers(0, 1000, size=(9, 3), dtype=np.int32), chunks=(4, 3),
                     compression="gzip", shuffle=True)
record("userblock.h5")

# What the reader must refuse or skip: strings, compounds, half floats, links that leave the file.
with h5py.File(path("unsupported.h5"), "w") as f:
    f["strings"] = np.array([b"a", b"bc"], dtype="S2")
    f["compound"] = np.zeros(3, dtype=[("a", "i4"), ("b", "f8")])
    f["half"] = np.zeros((4, 2), dtype=np.float16)
    f["scalar"] = np.float64(2.5)
    f["labels"] = np.array([0.0, 1.5, 2.0, 3.0])
    f["images"] = np.zeros((4, 2), dtype=np.uint8)
    f["soft"] = h5py.SoftLink("/images")
    f["outside"] = h5py.ExternalLink("elsewhere.h5", "/images")
    f.create_dataset("lzf", data=np.arange(40, dtype=np.uint8).reshape(10, 4), chunks=(5, 4), compression="lzf")

# A chunk whose bytes were damaged after writing: the fletcher32 check must catch it.
with h5py.File(path("corrupt_chunk.h5"), "w") as f:
    f.create_dataset("images", data=np.arange(160, dtype=np.uint8).reshape(10, 4, 4), chunks=(5, 4, 4), fletcher32=True)
    f.create_dataset("labels", data=np.arange(10, dtype=np.uint8))
    f.create_dataset("deflated", data=np.arange(160, dtype=np.uint8).reshape(10, 4, 4), chunks=(5, 4, 4), compression="gzip")
with h5py.File(path("corrupt_chunk.h5"), "r") as f:
    damaged = [f["images"].id.get_chunk_info(1), f["deflated"].id.get_chunk_info(1)]
with open(path("corrupt_chunk.h5"), "r+b") as raw:
    for chunk in damaged:
        raw.seek(chunk.byte_offset + 3)
        byte = raw.read(1)
        raw.seek(chunk.byte_offset + 3)
        raw.write(bytes([byte[0] ^ 0x5A]))

# A compact dataset whose dataspace was damaged to claim far more elements than it stores
# (libhdf5 1.10 would copy past its buffer if asked to read it).
import struct
with h5py.File(path("compact_damaged.h5"), "w") as f:
    space = h5py.h5s.create_simple((6, 4))
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_layout(h5py.h5d.COMPACT)
    compact = h5py.h5d.create(f.id, b"images", h5py.h5t.STD_U16LE, space, plist)
    compact.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(24, dtype=np.uint16).reshape(6, 4))
    f["labels"] = np.arange(6, dtype=np.uint8)
damaged = bytearray(open(path("compact_damaged.h5"), "rb").read())
dims = damaged.find(struct.pack("<QQ", 6, 4))
damaged[dims + 10] = 147  # second dimension 4 -> 9,633,796
open(path("compact_damaged.h5"), "wb").write(bytes(damaged))

# Rows of nothing: 2^60 of them in a tiny file (the count alone must not drive a loop), and
# chunked rows whose inner extent is 0.
with h5py.File(path("empty_rows.h5"), "w") as f:
    f.create_dataset("empty_rows", shape=(2**60, 0), dtype=np.uint8)
    f.create_dataset("empty_chunked", shape=(10, 0), maxshape=(None, None), chunks=(4, 1), dtype=np.int16)
    # Int64.max rows, none of them written: counts near the largest integer must not overflow.
    f.create_dataset("huge_rows", shape=(2**63 - 1, 0), maxshape=(None, None), chunks=(1, 1), dtype=np.uint8)
    f.create_dataset("huge_labels", shape=(2**63 - 1,), maxshape=(None,), chunks=(2**20,), dtype=np.uint8, fillvalue=3)

# Not HDF5 at all, or cut short.
whole = open(path("contiguous_uint8.h5"), "rb").read()
open(path("truncated.h5"), "wb").write(whole[: len(whole) // 2])
open(path("header_only.h5"), "wb").write(whole[:40])
open(path("random.h5"), "wb").write(rng.integers(0, 256, size=4096, dtype=np.uint8).tobytes())
open(path("not_hdf5.h5"), "w").write("label,p0\n1,2\n")

# written_by_loaders.h5 comes from SwiftLoaders' own writer:
#   loaders convert --train Fixtures/hdf5/contiguous_uint8.h5 --to Fixtures/hdf5/written_by_loaders.h5 --chunk-rows 6 --gzip 4
# h5py must read it back as exactly the source's images and labels.
if os.path.exists(path("written_by_loaders.h5")):
    with h5py.File(path("contiguous_uint8.h5"), "r") as source, h5py.File(path("written_by_loaders.h5"), "r") as written:
        for name in ("images", "labels"):
            assert written[name].dtype == source[name].dtype, name
            assert np.array_equal(written[name][()], source[name][()]), name
        assert written["images"].chunks == (6, 4, 5) and written["images"].compression == "gzip"
    record("written_by_loaders.h5")

with open(path("expected.json"), "w") as out:
    json.dump(expected, out, sort_keys=True)
print("ok")
