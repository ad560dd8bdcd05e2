"""Writes the damaged HDF5 files of the LoadersHDF5 regression tests: each is a committed fixture
with a few bytes changed, found by the mutation campaign (Fuzz/hdf5). The original bytes are
checked first, so a regenerated base file fails here instead of damaging the wrong place.
usage: python3 make_damaged.py   (writes next to this script; needs no h5py)
"""
import os

here = os.path.dirname(os.path.abspath(__file__))
# name: (base file, offset, bytes there before, bytes written), and what the change does.
DAMAGED = {
    # The fractal heap of the root group's dense link storage loses its signature: libhdf5 1.10
    # aborts (free(): invalid pointer) in H5Literate's cleanup when listing the group.
    "damaged_link_heap.h5": ("unsupported.h5", 5568, "46524850", "58524850"),
    # /images' dataspace becomes [9, 7493989779944505346, 0]: no elements, but the product of
    # the first two extents overflows.
    "damaged_shape_overflow.h5": ("userblock.h5", 1359, "00020000", "68000000"),
    # The element-size offset in the chunk index key of /little/i8's first chunk: walking the
    # index still finds the chunk, H5Dread's search does not and reads it as never written.
    "damaged_chunk_index.h5": ("byte_orders.h5", 24795, "0000", "ffff"),
    # /little/u2's shuffle filter stores an element size of 212 instead of 2.
    "damaged_shuffle.h5": ("byte_orders.h5", 15128, "02", "d4"),
    # /tiles' deflate filter parameters become invalid (libhdf5 fails at read time).
    "damaged_deflate.h5": ("chunked_gzip_shuffle.h5", 12430, "00000000", "00040000"),
    # /sparse's fill value message says fill time 10, which is none of the three defined.
    "damaged_fill_time.h5": ("chunked_gzip_shuffle.h5", 26654, "02", "0a"),
    # A valid file: /sparse's fill time becomes "never", so its unwritten chunks have no value.
    "fill_time_never.h5": ("chunked_gzip_shuffle.h5", 26654, "02", "01"),
    # /images' maximum first extent becomes 0, below its extent of 20.
    "damaged_maxshape.h5": ("contiguous_uint8.h5", 856, "1400", "0000"),
    # /images' chunks become 5 x 4 x 32772 in a dataset of at most 10 x 4 x 4: H5Dread of it
    # writes out of bounds (SIGSEGV).
    "damaged_chunk_shape.h5": ("corrupt_chunk.h5", 988, "00", "80"),
    # The resizable /labels grows from 11 to 524,299 rows: 174,767 chunks of 3, four of them
    # written; one H5Dread of it all holds 670 MB.
    "damaged_extent.h5": ("resizable.h5", 4570, "00000000", "08000000"),
}

for name, (base, offset, before, after) in DAMAGED.items():
    data = bytearray(open(os.path.join(here, base), "rb").read())
    found = data[offset:offset + len(bytes.fromhex(before))].hex()
    assert found == before, f"{base} holds {found} at {offset}, not {before}"
    data[offset:offset + len(bytes.fromhex(after))] = bytes.fromhex(after)
    open(os.path.join(here, name), "wb").write(bytes(data))
print("ok")
