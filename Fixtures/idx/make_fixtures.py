#!/usr/bin/env python3
"""Writes the small IDX and gzip fixtures the tests read. Run from anywhere:

    python3 Fixtures/idx/make_fixtures.py

IDX bytes come from numpy's big-endian dtypes (independently of the Swift reader); gzip members
from Python's gzip module with mtime=0, so the output is reproducible byte for byte.
"""
import gzip
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# IDX type codes and numpy big-endian dtypes.
TYPES = {
    "uint8": (0x08, ">u1"),
    "int8": (0x09, ">i1"),
    "int16": (0x0B, ">i2"),
    "int32": (0x0C, ">i4"),
    "float32": (0x0D, ">f4"),
    "float64": (0x0E, ">f8"),
}

# One 2 x 3 array per type, with each type's extremes; the tests hold the same literals.
VALUES = {
    "uint8": [[0, 1, 2], [127, 128, 255]],
    "int8": [[-128, -1, 0], [1, 2, 127]],
    "int16": [[-32768, -2, 0], [1, 300, 32767]],
    "int32": [[-2147483648, -70000, 0], [1, 70000, 2147483647]],
    "float32": [[-1.5, 0.0, 0.1], [3.25, 1e30, -2.5e-8]],
    "float64": [[-1.5, 0.0, 0.1], [3.25, 1e300, -2.5e-300]],
}


def idx_bytes(array, name):
    code, dtype = TYPES[name]
    array = np.asarray(array, dtype=dtype)
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.tobytes()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    for name, values in VALUES.items():
        data = idx_bytes(values, name)
        write(f"{name}.idx", data)
        write(f"{name}.idx.gz", gz(data))

    # Rank 4: int16 of shape 2 x 1 x 2 x 2 holding -4 .. 3.
    write("rank4-int16.idx", idx_bytes(np.arange(-4, 4).reshape(2, 1, 2, 2), "int16"))

    # A five-sample image/label pair: image i holds the bytes 6i .. 6i+5 as a 2 x 3 image.
    images = idx_bytes(np.arange(30).reshape(5, 2, 3), "uint8")
    labels = idx_bytes([3, 1, 4, 1, 5], "uint8")
    write("small-images-idx3-ubyte", images)
    write("small-labels-idx1-ubyte", labels)
    write("small-images-idx3-ubyte.gz", gz(images))
    write("small-labels-idx1-ubyte.gz", gz(labels))
    # Four labels for five images: a count mismatch.
    write("four-labels-idx1-ubyte", idx_bytes([3, 1, 4, 1], "uint8"))
    # int32 labels for the 2-sample typed arrays.
    write("two-labels-int32.idx", idx_bytes([7, -1], "int32"))

    # The same images as two gzip members, split inside the payload.
    write("small-images-multimember.gz", gz(images[:20]) + gz(images[20:]))

    good = gz(images)
    # Cut inside the 8-byte trailer.
    write("truncated.gz", good[:-5])
    # Flip the first CRC-32 byte, then the first ISIZE byte.
    write("bad-crc.gz", good[:-8] + bytes([good[-8] ^ 0xFF]) + good[-7:])
    write("bad-length.gz", good[:-4] + bytes([good[-4] ^ 0x01]) + good[-3:])
    # The first deflate block header (byte 10, after the 10-byte gzip header) set to
    # BFINAL=1, BTYPE=11: a reserved block type.
    write("corrupt-deflate.gz", good[:10] + bytes([0x07]) + good[11:])
    write("trailing-garbage.gz", good + b"garbage!")
    # Valid gzip whose IDX payload is one byte short, and one byte long.
    write("payload-short.gz", gz(images[:-1]))
    write("payload-long.gz", gz(images + b"\x00"))

    # A header declaring 2^32-1 uint8 elements with no payload: more than the file can inflate to.
    write("huge-declared.gz", gz(bytes([0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF])))

    # The small labels in two members, split after the IDX header and two labels, the second
    # member with a header CRC-32 (flag FHCRC, which Python's gzip never writes): right, and
    # with its low byte inverted.
    header = bytes([0x1F, 0x8B, 8, 0x02, 0, 0, 0, 0, 0, 0xFF])
    header_crc = (zlib.crc32(header) & 0xFFFF).to_bytes(2, "little")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = deflate.compress(labels[10:]) + deflate.flush()
    trailer = zlib.crc32(labels[10:]).to_bytes(4, "little") + len(labels[10:]).to_bytes(4, "little")
    first = gz(labels[:10])
    write("header-crc.gz", first + header + header_crc + body + trailer)
    write("bad-header-crc.gz", first + header + bytes([header_crc[0] ^ 0xFF, header_crc[1]]) + body + trailer)

    # Absurd headers, gzipped (the tests hold the same bytes raw): rank 255; 2^20 x 2^20 uint8
    # elements (2^40) with no payload; float64 dimensions 3 x (2^32-1), whose product overflows.
    write("rank-255.gz", gz(bytes([0, 0, 8, 255])))
    write("elements-2pow40.gz", gz(bytes([0, 0, 8, 2, 0, 0x10, 0, 0, 0, 0x10, 0, 0])))
    write("dimensions-overflow.gz", gz(bytes([0, 0, 0x0E, 3]) + b"\xff" * 12))

    # One gzip member of 1 MiB of zeros: the tests append it to a small IDX file's gzip many
    # times over, for a decompression bomb of about 1 MB that inflates to 1 GiB.
    write("zeros-1mib-member.gz", gz(bytes(1 << 20)))

    # Samples without elements: uint8 images 5 x 0 x 28 and float32 images 5 x 0 x 5 x 5 (no
    # payload), each beside the five labels under MNIST's naming.
    for prefix, values, dtype in [("zero-width", np.zeros((5, 0, 28)), "uint8"),
                                  ("zero-channels", np.zeros((5, 0, 5, 5)), "float32")]:
        write(f"{prefix}-images-idx3-ubyte", idx_bytes(values, dtype))
        write(f"{prefix}-images-idx3-ubyte.gz", gz(idx_bytes(values, dtype)))
        write(f"{prefix}-labels-idx1-ubyte", labels)

    for name in ["truncated.gz", "trailing-garbage.gz", "bad-crc.gz", "huge-declared.gz", "zeros-1mib-member.gz"]:
        print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")


if __name__ == "__main__":
    main()
