import Loaders

extension HDF5Writer {
    /// What `write(_:features:labels:chunkRows:gzipLevel:)` stored.
    public struct ConversionSummary: Sendable, Equatable {
        public var count: Int
        public var featuresType: HDF5ElementType
        public var labelsType: HDF5ElementType
        public var featuresShape: [Int]
    }

    /// Writes every sample of `dataset` as two datasets: features `[N, …sample shape]` and
    /// targets.
    ///
    /// Features that are all `k / 255` for integers `k` in 0...255 (images read from uint8 IDX,
    /// HDF5 or CSV pixels) are stored as uint8 `k`, so the file holds the source's bytes exactly,
    /// and single-channel images `[1, H, W]` as `[N, H, W]` (which `HDF5Dataset` reads back as
    /// `[1, H, W]`); anything else as float32 `[N, …sample shape]`. Class labels in 0...255 are
    /// stored as uint8 `[N]`, others as int64. Real-valued targets are stored as float32: `[N]`
    /// for one value a sample (shape `[1]`), `[N, …target shape]` otherwise, so that
    /// `HDF5Dataset(…, targets: .values)` reads back exactly the same Floats and shapes.
    /// - Throws: `LoaderError` from reading `dataset` or writing; `.mismatch` when samples differ
    ///   in shape or some have class labels and others real values.
    /// - Complexity: O(total elements); holds the whole dataset in memory once.
    @discardableResult
    public func write(
        _ dataset: some Dataset<Example>, features: String = "/images", labels: String = "/labels",
        chunkRows: Int? = nil, gzipLevel: Int? = nil
    ) throws -> ConversionSummary {
        var values: [Float] = []
        var labelValues: [Int] = []
        var targetValues: [Float] = []
        var sampleShape: [Int]?
        var targetShape: [Int]?
        let step = 1024
        for start in stride(from: 0, to: dataset.count, by: step) {
            let indices = Array(start..<min(dataset.count, start + step))
            for (index, example) in zip(indices, try dataset.samples(at: indices)) {
                if let sampleShape, sampleShape != example.features.shape {
                    throw LoaderError(
                        .mismatch, "sample has shape \(example.features.shape), earlier samples \(sampleShape)",
                        path: path, location: .sampleIndex(index))
                }
                sampleShape = example.features.shape
                values.append(contentsOf: example.features.scalars)
                switch example.target {
                case .label(let label):
                    guard targetShape == nil else {
                        throw LoaderError(
                            .mismatch, "the sample's target is a class label, earlier samples have real values",
                            path: path, location: .sampleIndex(index))
                    }
                    labelValues.append(label)
                case .values(let target):
                    guard labelValues.isEmpty else {
                        throw LoaderError(
                            .mismatch, "the sample's target is real values, earlier samples have class labels",
                            path: path, location: .sampleIndex(index))
                    }
                    if let targetShape, targetShape != target.shape {
                        throw LoaderError(
                            .mismatch, "the sample's target has shape \(target.shape), earlier samples \(targetShape)",
                            path: path, location: .sampleIndex(index))
                    }
                    targetShape = target.shape
                    targetValues.append(contentsOf: target.scalars)
                }
            }
        }
        let bytesExact = values.allSatisfy { value in
            let scaled = (value * 255).rounded()
            return scaled >= 0 && scaled <= 255 && Float(UInt8(scaled)) / 255 == value
        }
        var shape = [dataset.count] + (sampleShape ?? [])
        if bytesExact, shape.count == 4, shape[1] == 1 { shape.remove(at: 1) }
        if bytesExact {
            try write(Tensor(shape: shape, scalars: values.map { UInt8(($0 * 255).rounded()) }), to: features, chunkRows: chunkRows, gzipLevel: gzipLevel)
        } else {
            try write(Tensor(shape: shape, scalars: values), to: features, chunkRows: chunkRows, gzipLevel: gzipLevel)
        }
        let labelsType: HDF5ElementType
        if let targetShape {
            // One value a sample is the plain column (N,) that h5py users write.
            let stored = [dataset.count] + (targetShape == [1] ? [] : targetShape)
            try write(Tensor(shape: stored, scalars: targetValues), to: labels, chunkRows: chunkRows, gzipLevel: gzipLevel)
            labelsType = .float32
        } else if labelValues.allSatisfy({ (0...255).contains($0) }) {
            try write(Tensor(shape: [labelValues.count], scalars: labelValues.map { UInt8($0) }), to: labels, chunkRows: chunkRows, gzipLevel: gzipLevel)
            labelsType = .uint8
        } else {
            try write(Tensor(shape: [labelValues.count], scalars: labelValues.map { Int64($0) }), to: labels, chunkRows: chunkRows, gzipLevel: gzipLevel)
            labelsType = .int64
        }
        try flush()
        return ConversionSummary(
            count: dataset.count, featuresType: bytesExact ? .uint8 : .float32, labelsType: labelsType, featuresShape: shape)
    }
}
