"""Writes the files whose metadata declares sizes that their bytes do not hold.

Run with a Python that has h5py and numpy: `python make_fixtures.py` in this folder. Chunks that
are never written take no space, so each file is a few kilobytes whatever it declares.
"""
import struct

import h5py
import numpy as np


def hdf5(name, images, labels):
    # track_times=False keeps the files byte-identical from run to run.
    with h5py.File(name, "w", libver="earliest") as f:
        images(f)
        if callable(labels):
            labels(f)
        else:
            f.create_dataset("labels", data=labels, track_times=False)


# 2^33 rows of 4 floats and 2^33 labels, never written: the declared data is 192 GiB.
hdf5("rows-2pow33.h5",
     lambda f: f.create_dataset("images", shape=(2**33, 4), dtype="f4", chunks=(1024, 4), track_times=False),
     lambda f: f.create_dataset("labels", shape=(2**33,), dtype="i8", chunks=(1024,), track_times=False))
# 2 rows of 20000 x 20000 bytes, never written: 400 MB a sample.
hdf5("rows-20000x20000.h5",
     lambda f: f.create_dataset("images", shape=(2, 20000, 20000), dtype="u1", chunks=(1, 500, 500), track_times=False),
     np.array([0, 1], dtype="i8"))
# Samples with no features: 10 rows of shape (0,), and 5 images of 0 channels of 5 x 5.
hdf5("features-10x0.h5",
     lambda f: f.create_dataset("images", shape=(10, 0), dtype="f4", track_times=False),
     np.arange(10, dtype="i8") % 2)
hdf5("images-5x0x5x5.h5",
     lambda f: f.create_dataset("images", shape=(5, 0, 5, 5), dtype="f4", track_times=False),
     np.arange(5, dtype="i8") % 2)
# A label that an Int32 batch cannot hold, in row 2.
hdf5("label-2pow40.h5",
     lambda f: f.create_dataset("images", data=np.arange(12, dtype="f4").reshape(4, 3), track_times=False),
     np.array([0, 1, 2**40, 3], dtype="i8"))

# IDX: five uint8 images of 0 x 28, and their labels.
with open("empty-images-idx3-ubyte", "wb") as f:
    f.write(struct.pack(">HBB", 0, 0x08, 3) + struct.pack(">III", 5, 0, 28))
with open("empty-labels-idx1-ubyte", "wb") as f:
    f.write(struct.pack(">HBB", 0, 0x08, 1) + struct.pack(">I", 5) + bytes([0, 1, 0, 1, 0]))
