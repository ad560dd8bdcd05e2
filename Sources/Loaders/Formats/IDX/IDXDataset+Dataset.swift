extension IDXDataset: Dataset {
    public var origin: String? { imagesPath }

    /// Reads sample `index`: its features converted to Float and its label.
    /// - Precondition: `0 <= index < count`.
    /// - Throws: `LoaderError` when the payloads, loaded at the first access, hold bad data.
    public func sample(at index: Int) throws -> Example {
        try samples(at: [index])[0]
    }

    /// Reads the samples at `indices` with one lookup of the loaded payloads and a tight
    /// conversion loop per sample.
    /// - Precondition: every index is in `0..<count`.
    /// - Throws: `LoaderError` when the payloads, loaded at the first access, hold bad data.
    /// - Complexity: O(`indices.count` × features per sample).
    public func samples(at indices: [Int]) throws -> [Example] {
        let payloads = try loadedPayloads()
        let elements = featuresPerSample
        let type = imagesHeader.elementType
        let sampleBytes = elements * type.byteWidth
        let labelType = labelsHeader.elementType
        let shape = sampleShape
        let count = count
        return payloads.images.withUnsafeBytes { images in
            payloads.labels.withUnsafeBytes { labels in
                indices.map { index in
                    require(index >= 0 && index < count, "IDXDataset index \(index) out of range 0..<\(count)")
                    let start = index * sampleBytes
                    let features = [Float](uninitializedCapacity: elements) { buffer, initialized in
                        type.convertToFloat(UnsafeRawBufferPointer(rebasing: images[start..<(start + sampleBytes)]), into: buffer)
                        initialized = elements
                    }
                    return Example(
                        features: Tensor(shape: shape, scalars: features),
                        label: labelType.integer(at: index, in: labels))
                }
            }
        }
    }
}
