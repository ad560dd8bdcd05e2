"""Seeded mutations of HDF5 files: each variant is a pure function of (seed, index) and the base
files, recorded as edits that reproduce its exact bytes."""
import random

# Values that break size, count, offset and flag fields: zero, one, powers of two and their
# neighbours, the largest signed and unsigned values of each width, and the undefined address.
INTERESTING = [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024,
               4095, 4096, 65535, 65536, 2**24, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**48, 2**62,
               2**63 - 1, 2**63, 2**64 - 1]
# Kinds of random mutation and their weights.
KINDS = [("bit flip", 10), ("byte flips", 10), ("random bytes", 10), ("metadata bit flip", 15),
         ("metadata integer", 30), ("zeroed range", 10), ("random truncation", 5), ("metadata truncation", 10)]


class Variant:
    """A base file and the edits that make one damaged copy of it."""

    def __init__(self, name, base, kind, edits=(), length=None):
        self.name, self.base, self.kind = name, base, kind
        self.edits = list(edits)      # (offset, new bytes)
        self.length = length          # truncated to this many bytes, if set

    def apply(self, data):
        out = bytearray(data)
        for offset, new in self.edits:
            out[offset:offset + len(new)] = new
        return bytes(out if self.length is None else out[:self.length])

    def spec(self):
        """What reproduces the variant: the base file's name and the edits, as JSON values."""
        spec = {"name": self.name, "base": self.base, "kind": self.kind,
                "edits": [[offset, new.hex()] for offset, new in self.edits]}
        if self.length is not None:
            spec["length"] = self.length
        return spec

    @staticmethod
    def from_spec(spec):
        edits = [(offset, bytes.fromhex(new)) for offset, new in spec["edits"]]
        return Variant(spec["name"], spec["base"], spec["kind"], edits, spec.get("length"))


def boundary_truncations(bases):
    """A variant cut at every place where a structure starts or ends, in every base file."""
    return [Variant(f"{name}@cut{edge}", name, "boundary truncation", length=edge)
            for name, (data, layout) in sorted(bases.items()) for edge in layout.boundaries()]


def random_variant(bases, seed, index):
    """Variant `index` of the run seeded by `seed`."""
    rng = random.Random(f"{seed}/{index}")
    name = rng.choice(sorted(bases))
    data, layout = bases[name]
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    metadata = layout.metadata() or [None]

    def metadata_offset():
        region = rng.choice(metadata)
        return rng.randrange(len(data)) if region is None else rng.randrange(region.start, region.end)

    edits, length = [], None
    if kind == "bit flip":
        offset = rng.randrange(len(data))
        edits.append((offset, bytes([data[offset] ^ (1 << rng.randrange(8))])))
    elif kind == "byte flips":
        start = rng.randrange(len(data))
        for _ in range(rng.randint(2, 8)):
            # Clustered within a field's reach, or anywhere in the file.
            offset = min(len(data) - 1, start + rng.randrange(16)) if rng.random() < 0.5 else rng.randrange(len(data))
            edits.append((offset, bytes([data[offset] ^ rng.randrange(1, 256)])))
    elif kind == "random bytes":
        offset = rng.randrange(len(data))
        edits.append((offset, rng.randbytes(min(rng.randint(1, 8), len(data) - offset))))
    elif kind == "metadata bit flip":
        offset = metadata_offset()
        edits.append((offset, bytes([data[offset] ^ (1 << rng.randrange(8))])))
    elif kind == "metadata integer":
        offset, width = metadata_offset(), rng.choice([1, 2, 4, 8])
        width = min(width, len(data) - offset)
        current = int.from_bytes(data[offset:offset + width], "little")
        value = rng.choice(INTERESTING + [current + 1, current - 1, current * 2, current // 2, len(data), len(data) - 1,
                                          len(data) + rng.randint(1, 4096), rng.randrange(256)])
        edits.append((offset, (value % (1 << (8 * width))).to_bytes(width, "little")))
    elif kind == "zeroed range":
        offset = metadata_offset() if rng.random() < 0.7 else rng.randrange(len(data))
        edits.append((offset, bytes(min(rng.randint(1, 256), len(data) - offset))))
    elif kind == "random truncation":
        length = rng.randrange(len(data))
    else:  # metadata truncation: just inside or outside a structure's edge
        edges = layout.boundaries() or [len(data) // 2]
        length = max(0, min(len(data) - 1, rng.choice(edges) + rng.randint(-8, 8)))
    return Variant(f"{name}#{seed}/{index}", name, kind, edits, length)
