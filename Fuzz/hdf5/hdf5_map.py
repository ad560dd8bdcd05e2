"""Where the structures of an HDF5 file lie, for aiming mutations at its metadata.

Reads the layout h5py writes by default (a version 0 or 1 superblock, version 1 object headers,
groups as symbol tables: v1 B-trees, symbol table nodes and local heaps; chunk indexes as v1
B-trees) with nothing but the format specification, so the map does not depend on the library
being tested. Structures of other versions are marked by their signatures only.
"""
import struct

SIGNATURE = b"\x89HDF\r\n\x1a\n"
UNDEFINED = 0xFFFFFFFFFFFFFFFF
MESSAGE_NAMES = {
    0x00: "nil", 0x01: "dataspace", 0x02: "link info", 0x03: "datatype", 0x04: "old fill value",
    0x05: "fill value", 0x06: "link", 0x07: "external files", 0x08: "layout", 0x0A: "group info",
    0x0B: "filter pipeline", 0x0C: "attribute", 0x0D: "comment", 0x10: "continuation",
    0x11: "symbol table", 0x12: "modification time", 0x15: "attribute info", 0x16: "reference count",
}
# Signatures of structures this map does not parse (v2 object headers, v2 B-trees, fractal heaps,
# global heaps, the chunk indexes of newer layouts).
OTHER_SIGNATURES = [b"OHDR", b"OCHK", b"BTHD", b"BTIN", b"BTLF", b"FRHP", b"FHDB", b"FHIB", b"FSHD",
                    b"FSSE", b"GCOL", b"EAHD", b"EAIB", b"EADB", b"EASB", b"FAHD", b"FADB"]


class Region:
    """One structure (or part of one) at bytes [start, end) of the file."""

    def __init__(self, start, end, kind, name):
        self.start, self.end, self.kind, self.name = start, end, kind, name

    @property
    def is_metadata(self):
        return self.kind != "raw data"

    def __repr__(self):
        return f"{self.kind} {self.name} [{self.start}, {self.end})"


class FileMap:
    """The regions of one file; `regions` in file order."""

    def __init__(self, data):
        self.data = data
        self.regions = []
        self._visited = set()
        self.base = next((o for o in [0] + [512 << k for k in range(8)] if data[o:o + 8] == SIGNATURE), None)
        if self.base is None:
            return
        try:
            self._superblock()
        except (struct.error, IndexError, KeyError, ValueError):
            pass  # a map of what was reached is still a map
        for signature in OTHER_SIGNATURES:
            start = data.find(signature)
            while start >= 0:
                self._add(start, start + 4, "signature", signature.decode())
                start = data.find(signature, start + 1)
        self.regions.sort(key=lambda region: (region.start, region.end))

    def metadata(self):
        return [region for region in self.regions if region.is_metadata]

    def boundaries(self):
        """Every offset where a structure starts or ends, inside the file."""
        return sorted({edge for region in self.regions for edge in (region.start, region.end) if 0 < edge < len(self.data)})

    # -- reading fields

    def _add(self, start, end, kind, name):
        self.regions.append(Region(start, min(end, len(self.data)), kind, name))

    def _uint(self, offset, size):
        if offset + size > len(self.data):
            raise ValueError("past the end")
        return int.from_bytes(self.data[offset:offset + size], "little")

    def _address(self, offset):
        return self._uint(offset, self.offset_size)

    def _absolute(self, address):
        return None if address == UNDEFINED else self.base + address

    # -- structures

    def _superblock(self):
        at = self.base
        version = self.data[at + 8]
        if version > 1:
            self._add(at, at + 48, "superblock", f"version {version}")
            return
        self.offset_size, self.length_size = self.data[at + 13], self.data[at + 14]
        self.leaf_k = self._uint(at + 16, 2)
        addresses = at + 24 + (4 if version == 1 else 0)
        root_entry = addresses + 4 * self.offset_size
        end = root_entry + 2 * self.offset_size + 8 + 16
        self._add(at, root_entry, "superblock", f"version {version}")
        self._add(root_entry, end, "symbol table entry", "/")
        self._object(self._absolute(self._address(root_entry + self.offset_size)), "/")

    def _object(self, at, path):
        if at is None or at in self._visited or at + 16 > len(self.data):
            return
        self._visited.add(at)
        if self.data[at] != 1:
            self._add(at, at + 16, "object header", f"{path} (version {self.data[at]})")
            return
        count, size = self._uint(at + 2, 2), self._uint(at + 8, 4)
        self._add(at, at + 16, "object header", path)
        blocks, seen = [(at + 16, size)], 0
        while blocks and seen < count:
            start, length = blocks.pop(0)
            position = start
            while position + 8 <= start + length and seen < count:
                kind, body = self._uint(position, 2), self._uint(position + 2, 2)
                data = position + 8
                self._add(position, data + body, "message", f"{path} {MESSAGE_NAMES.get(kind, f'type {kind}')}")
                if kind == 0x10:
                    blocks.append((self._absolute(self._address(data)), self._uint(data + self.offset_size, self.length_size)))
                elif kind == 0x11:
                    self._group(self._absolute(self._address(data)), self._absolute(self._address(data + self.offset_size)), path)
                elif kind == 0x08:
                    self._layout(data, path)
                position = data + body
                seen += 1

    def _layout(self, at, path):
        version, layout = self.data[at], self.data[at + 1]
        if version != 3:
            return
        if layout == 1:
            address = self._absolute(self._address(at + 2))
            if address is not None:
                self._add(address, address + self._uint(at + 2 + self.offset_size, self.length_size), "raw data", path)
        elif layout == 2:
            rank = self.data[at + 2]
            self._chunk_tree(self._absolute(self._address(at + 3)), rank, path)

    def _tree_node(self, at, kind):
        """A v1 B-tree node's level, and its (key offset, child address) pairs."""
        if at is None or at in self._visited or self.data[at:at + 4] != b"TREE" or self.data[at + 4] != kind:
            return None, []
        self._visited.add(at)
        level, used = self.data[at + 5], self._uint(at + 6, 2)
        key_size = self.length_size if kind == 0 else 8 + 8 * self.rank
        entry = key_size + self.offset_size
        first = at + 8 + 2 * self.offset_size
        self._add(at, first + used * entry + key_size, "B-tree node", f"level {level}")
        return level, [(first + i * entry, self._absolute(self._address(first + i * entry + key_size))) for i in range(used)]

    def _chunk_tree(self, at, rank, path):
        self.rank = rank
        level, entries = self._tree_node(at, 1)
        for key, child in entries:
            if level == 0:
                if child is not None:
                    self._add(child, child + self._uint(key, 4), "raw data", f"{path} chunk")
            else:
                self._chunk_tree(child, rank, path)

    def _group(self, tree, heap, path):
        names = self._heap(heap, path)
        self._group_tree(tree, names, path)

    def _heap(self, at, path):
        if at is None or self.data[at:at + 4] != b"HEAP":
            return b""
        size = self._uint(at + 8, self.length_size)
        data = self._absolute(self._address(at + 8 + 2 * self.length_size))
        self._add(at, at + 8 + 2 * self.length_size + self.offset_size, "local heap", path)
        if data is None:
            return b""
        self._add(data, data + size, "local heap data", path)
        return self.data[data:data + size]

    def _group_tree(self, at, names, path):
        level, entries = self._tree_node(at, 0)
        for _, child in entries:
            if level:
                self._group_tree(child, names, path)
            elif child is not None and self.data[child:child + 4] == b"SNOD" and child not in self._visited:
                self._visited.add(child)
                symbols = self._uint(child + 6, 2)
                entry_size = 2 * self.offset_size + 24
                self._add(child, child + 8 + symbols * entry_size, "symbol table node", path)
                for index in range(symbols):
                    entry = child + 8 + index * entry_size
                    name_at = self._address(entry)
                    name = names[name_at:names.find(b"\0", name_at)].decode(errors="replace")
                    child_path = path.rstrip("/") + "/" + name
                    self._add(entry, entry + entry_size, "symbol table entry", child_path)
                    self._object(self._absolute(self._address(entry + self.offset_size)), child_path)
