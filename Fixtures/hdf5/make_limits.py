"""Writes the HDF5 files for the tests of sizes, listings and messages, with h5py as the
independent writer, and limits.json: what h5py reads from them, for the tests to compare against.

- row_chunks.h5: one row per chunk (h5py's usual layout for appended data), gzip-compressed and
  not, and a dataset of single-row chunks of which only some were written;
- declared_huge.h5: 2^33 rows, and rows of 20000 x 20000, whose chunks were never written (a few KB);
- damaged_large_index.h5: 1,100 one-row chunks, one key of the chunk index raised so that the
  index search misses 43 chunks a walk of it finds;
- listing.h5: string, compound and enum datasets, a hard-link cycle, a second hard link to one
  group, groups nested 40 deep, and an external link;
- wide_labels.h5: a uint64 label of 2^64-1, a float label of 1e30.

usage: python3 make_limits.py   (writes next to this script; deterministic)
"""
import json, os, struct, numpy as np, h5py

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261207)
expected = {}

def path(name):
    return os.path.join(here, name)

def digest(values):
    """The sum and the position-weighted sum sum((i + 1) * v) of the flattened values, exactly."""
    flat = [int(v) for v in values.ravel()]
    return {"sum": sum(flat), "weighted_sum": sum((i + 1) * v for i, v in enumerate(flat))}

type_names = {h5py.h5t.INTEGER: "integer", h5py.h5t.FLOAT: "float", h5py.h5t.STRING: "string",
              h5py.h5t.COMPOUND: "compound", h5py.h5t.ENUM: "enum"}

with h5py.File(path("row_chunks.h5"), "w") as f:
    f.create_dataset("images", data=rng.integers(0, 256, size=(300, 4, 5), dtype=np.uint8), chunks=(1, 4, 5),
                     maxshape=(None, 4, 5), compression="gzip")
    f.create_dataset("labels", data=rng.integers(0, 10, size=300, dtype=np.uint8), chunks=(1,), maxshape=(None,), compression="gzip")
    f.create_dataset("plain_images", data=rng.integers(0, 256, size=(300, 4, 5), dtype=np.uint8), chunks=(1, 4, 5), maxshape=(None, 4, 5))
    sparse = f.create_dataset("sparse", shape=(1500, 4), dtype=np.int16, chunks=(1, 4), fillvalue=5, compression="gzip", shuffle=True)
    for row in range(0, 1500, 15):
        sparse[row] = rng.integers(-1000, 1000, size=4, dtype=np.int16)
with h5py.File(path("row_chunks.h5"), "r") as f:
    expected["row_chunks.h5"] = {
        "/" + name: {"shape": list(f[name].shape), "stored_chunks": f[name].id.get_num_chunks(), **digest(f[name][()])}
        for name in ["images", "labels", "plain_images", "sparse"]
    }

# More one-row chunks than the walk check covers (1,024), all written; then the root B-tree node's
# second key is raised from row 57 to row 100, so that a search for rows 57..99 descends into the
# first leaf and misses them, while a walk of the index still finds all 1,100.
with h5py.File(path("damaged_large_index.h5"), "w") as f:
    f.create_dataset("labels", data=(np.arange(1100) % 251 + 1).astype(np.uint8), chunks=(1,), compression="gzip")
with h5py.File(path("damaged_large_index.h5"), "r") as f:
    labels = f["labels"]
    expected["damaged_large_index.h5"] = {"/labels": {"first_rows": digest(labels[:57]), "stored_chunks": labels.id.get_num_chunks(), "fillvalue": int(labels.fillvalue)}}
with open(path("damaged_large_index.h5"), "r+b") as raw:
    data = raw.read()
    node = data.find(b"TREE")
    while not (data[node + 4] == 1 and data[node + 5] == 1):  # a chunk index node above the leaves
        node = data.find(b"TREE", node + 4)
    # header 24 bytes; key 0 (size u32, mask u32, row u64, element u64) 24 bytes; child 0 address 8
    key1_row = node + 24 + 24 + 8 + 8
    assert struct.unpack_from("<Q", data, key1_row)[0] == 57
    raw.seek(key1_row)
    raw.write(struct.pack("<Q", 100))

with h5py.File(path("declared_huge.h5"), "w") as f:
    f.create_dataset("images", shape=(2**33, 28, 28), dtype=np.uint8, chunks=(64, 28, 28), fillvalue=7)
    f.create_dataset("labels", shape=(2**33,), dtype=np.uint8, chunks=(4096,), fillvalue=3)
    f.create_dataset("wide", shape=(2, 20000, 20000), dtype=np.uint8, chunks=(1, 500, 500))
    f.create_dataset("wide_labels", shape=(2,), dtype=np.uint8)
with h5py.File(path("declared_huge.h5"), "r") as f:
    expected["declared_huge.h5"] = {"/" + name: {"shape": list(f[name].shape), "last_row": digest(f[name][-1])} for name in ["images", "labels"]}
    expected["declared_huge.h5"].update({"/" + name: {"shape": list(f[name].shape)} for name in ["wide", "wide_labels"]})

with h5py.File(path("listing.h5"), "w") as f:
    f["numbers"] = np.arange(3, dtype=np.int32)
    f["text"] = np.array([b"a", b"bc"], dtype="S2")
    f["records"] = np.zeros(3, dtype=[("a", "i4"), ("b", "f8")])
    f.create_dataset("colors", data=np.array([0, 1, 1], dtype=np.uint8), dtype=h5py.enum_dtype({"red": 0, "green": 1}, basetype="u1"))
    inner = f.create_group("cycle/inner")
    inner["x"] = np.ones(2, dtype=np.float32)
    inner["back"] = f["cycle"]
    f["alias"] = inner
    group = f.create_group("deep")
    group["y"] = np.zeros(1, dtype=np.uint8)
    for level in range(1, 41):
        group = group.create_group(f"l{level:02d}")
    group["bottom"] = np.zeros(1, dtype=np.uint8)
    f["outside"] = h5py.ExternalLink("elsewhere.h5", "/images")
    f["z_after"] = np.zeros((2, 2), dtype=np.float64)
# h5py's walk (H5Ovisit) visits each object once, under its first name in name order.
visited = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset):
        visited["/" + name] = {"class": type_names[obj.id.get_type().get_class()], "shape": list(obj.shape)}
with h5py.File(path("listing.h5"), "r") as f:
    f.visititems(visit)
expected["listing.h5"] = visited

with h5py.File(path("wide_labels.h5"), "w") as f:
    f["images"] = np.arange(12, dtype=np.uint8).reshape(3, 2, 2)
    f["labels"] = np.array([1, 2**64 - 1, 3], dtype=np.uint64)
    f["float_labels"] = np.array([1.0, 2.0, 1e30], dtype=np.float64)
    f["half_labels"] = np.array([1.0, 2.5, 3.0], dtype=np.float32)
with h5py.File(path("wide_labels.h5"), "r") as f:
    expected["wide_labels.h5"] = {"/" + name: {"values": [repr(v) for v in f[name][()].ravel().tolist()]}
                                  for name in ["labels", "float_labels", "half_labels"]}

with open(path("limits.json"), "w") as out:
    json.dump(expected, out, sort_keys=True)
    out.write("\n")
