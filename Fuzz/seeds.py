#!/usr/bin/env python3
"""Writes a fuzzer's seed inputs into its corpus folder (named by content, as libFuzzer names
the inputs it adds, so rerunning adds nothing twice):

    python3 Fuzz/seeds.py gzip|idx|csv CORPUS_DIR

The seeds are the project's fixtures, small slices of MNIST, and the inputs fuzzing has found
(Fixtures/fuzz/<target>/, kept as the fuzzer reads them). Run from the repository's root.
"""
import glob
import gzip
import hashlib
import os
import sys
import zlib

FIXTURES = "Fixtures"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def mnist_slice(name, count):
    """The first `count` samples of a bundled MNIST file, with the header's count set to match."""
    data = gzip.decompress(read(os.path.join(FIXTURES, "mnist", name)))
    rank = data[3]
    sample = 1
    for d in range(1, rank):
        sample *= int.from_bytes(data[4 + 4 * d:8 + 4 * d], "big")
    header = data[:4] + count.to_bytes(4, "big") + data[8:4 + 4 * rank]
    return header + data[4 + 4 * rank:4 + 4 * rank + count * sample]


def gzip_with_header_fields(data):
    """One member whose header has every optional field: extra, name, comment and header CRC."""
    header = bytes([0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3])
    header += (4).to_bytes(2, "little") + b"ab\x00\x00" + b"name\x00" + b"comment\x00"
    header += (zlib.crc32(header) & 0xFFFF).to_bytes(2, "little")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = deflate.compress(data) + deflate.flush()
    return header + body + zlib.crc32(data).to_bytes(4, "little") + len(data).to_bytes(4, "little")


def fixtures(pattern):
    return [read(p) for p in sorted(glob.glob(os.path.join(FIXTURES, pattern))) if not p.endswith(".py")]


def inflates_small(data):
    """Whether `data` is not a gzip bomb: each input is read in blocks of a few bytes, so one that
    inflates to a megabyte slows every run it is mutated into (the unit tests cover bombs)."""
    try:
        return len(gzip.decompress(data)) <= 65536
    except (OSError, EOFError, zlib.error):
        return True


def gzip_seeds():
    images = mnist_slice("t10k-images-idx3-ubyte.gz", 2)
    labels = mnist_slice("t10k-labels-idx1-ubyte.gz", 64)
    return [d for d in fixtures("idx/*.gz") if inflates_small(d)] + [
        gzip.compress(images, mtime=0),
        gzip.compress(labels, compresslevel=1, mtime=0) + gzip.compress(b"", mtime=0),
        gzip_with_header_fields(labels),
    ]


def idx_seeds():
    # The first byte picks how the fuzzer writes the file: 0 as it is, 1 in one gzip member,
    # 2 in two members split where the second byte says.
    raw = [d for d in fixtures("idx/*") if d[:2] != b"\x1f\x8b"]
    raw += [mnist_slice("t10k-images-idx3-ubyte.gz", 3), mnist_slice("t10k-labels-idx1-ubyte.gz", 16)]
    seeds = [b"\x00" + d for d in fixtures("idx/*.gz") + raw]
    seeds += [b"\x01" + d for d in raw] + [b"\x02" + bytes([min(len(d) // 2, 255)]) + d for d in raw]
    seeds.append(b"\x00" + gzip.compress(raw[-2], mtime=0))
    return seeds


def csv_seeds():
    wine = read(os.path.join(FIXTURES, "wine.csv")).split(b"\n")
    mnist = read(os.path.join(FIXTURES, "csv", "mnist_test_head.csv")).split(b"\n")
    head = b"\n".join(wine[:12]) + b"\n"
    small = [d for d in fixtures("csv/*.csv") if len(d) < 65536]
    return small + [
        read(os.path.join(FIXTURES, "wine.csv")),
        b"\n".join(mnist[:4]) + b"\n",
        head.replace(b",", b";"),
        b"\xef\xbb\xbf" + head.replace(b",", b"\t").replace(b"\n", b"\r\n"),
        b"\n".join(wine[1:6]) + b"\n",   # no header
        b'x,"y, quoted",label\n1e3,"2",setosa\n-inf,nan,"vir""ginica"\n.5,5.,setosa\r\n',
    ]


def main():
    target, corpus = sys.argv[1], sys.argv[2]
    seeds = {"gzip": gzip_seeds, "idx": idx_seeds, "csv": csv_seeds}[target]()
    seeds += fixtures(f"fuzz/{target}/*")
    os.makedirs(corpus, exist_ok=True)
    for seed in seeds:
        with open(os.path.join(corpus, hashlib.sha1(seed).hexdigest()), "wb") as f:
            f.write(seed)


if __name__ == "__main__":
    main()
