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
    /// labels `[N]`.
    ///
    /// Features that are all `k / 255` for integers `k` in 0...255 (images read from uint8 IDX,
    /// HDF5 or CSV pixels) are stored as uint8 `k`, so the file holds the source's bytes exactly,
    /// and single-channel images `[1, H, W]` as `[N, H, W]` (which `HDF5Dataset` reads back as
    /// `[1, H, W]`); anything else as float32 `[N, …sample shape]`. Labels in 0...255 are stored
    /// as uint8, others as int64.
    /// - Throws: `LoaderError` from reading `dataset` or writing; `.mismatch` when samples differ in shape.
    /// - Complexity: O(total elements); holds the whole dataset in memory once.
    @discardableResult
    public func write(
        _ dataset: some Dataset<Example>, features: String = "/images", labels: String = "/labels",
        chunkRows: Int? = nil, gzipLevel: Int? = nil
    ) throws -> ConversionSummary {
        var values: [Float] = []
        var labelValues: [Int] = []
        var sampleShape: [Int]?
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
                guard let label = example.label else {
                    throw LoaderError(.unsupported, "the sample's target is real values; the writer takes class labels", path: path, location: .sampleIndex(index))
                }
                labelValues.append(label)
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
        let labelsFitBytes = labelValues.allSatisfy { (0...255).contains($0) }
        if labelsFitBytes {
            try write(Tensor(shape: [labelValues.count], scalars: labelValues.map { UInt8($0) }), to: labels, chunkRows: chunkRows, gzipLevel: gzipLevel)
        } else {
            try write(Tensor(shape: [labelValues.count], scalars: labelValues.map { Int64($0) }), to: labels, chunkRows: chunkRows, gzipLevel: gzipLevel)
        }
        try flush()
        return ConversionSummary(
            count: dataset.count, featuresType: bytesExact ? .uint8 : .float32,
            labelsType: labelsFitBytes ? .uint8 : .int64, featuresShape: shape)
    }
}
