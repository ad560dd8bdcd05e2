/// How `HDF5Dataset` reads a block of rows.
public enum HDF5ReadStrategy: String, Sendable, Hashable, CaseIterable {
    /// Contiguous bytes with `pread` at the dataset's file offset, and gzip/shuffle/fletcher32
    /// chunks read raw and decoded in the calling thread: worker threads read in parallel.
    /// Datasets with other filters still go through libhdf5.
    case direct
    /// Every block through libhdf5's `H5Dread`, which serialises all threads behind one lock:
    /// the reference, and the baseline the benchmark compares against.
    case libhdf5
}
