extension IDXDataset: Dataset {
    public var origin: String? { imagesPath }

    /// Reads sample `index`: its features converted to Float and its target.
    /// - Precondition: `0 <= index < count`.
    /// - Throws: `LoaderError` when the payloads, loaded at the first access, hold bad data, or
    ///   for a float class label that is not a whole number.
    public func sample(at index: Int) throws -> Example {
        try samples(at: [index])[0]
    }

    /// Reads the samples at `indices` with one lookup of the loaded payloads and a tight
    /// conversion loop per sample.
    /// - Precondition: every index is in `0..<count`.
    /// - Throws: `LoaderError` when the payloads, loaded at the first access, hold bad data, or
    ///   naming the file, the sample and the value of a float class label that is not a whole number.
    /// - Complexity: O(`indices.count` × elements per sample).
    public func samples(at indices: [Int]) throws -> [Example] {
        let payloads = try loadedPayloads()
        let elements = featuresPerSample
        let type = imagesHeader.elementType
        let sampleBytes = elements * type.byteWidth
        let targets = targetDecoder
        let targetBytes = targets.byteCount
        let shape = sampleShape
        let count = count
        return try payloads.images.withUnsafeBytes { images in
            try payloads.labels.withUnsafeBytes { labels in
                try indices.map { index in
                    require(index >= 0 && index < count, "IDXDataset index \(index) out of range 0..<\(count)")
                    let start = index * sampleBytes
                    let features = [Float](uninitializedCapacity: elements) { buffer, initialized in
                        type.convertToFloat(UnsafeRawBufferPointer(rebasing: images[start..<(start + sampleBytes)]), into: buffer)
                        initialized = elements
                    }
                    let targetStart = index * targetBytes
                    return Example(
                        features: Tensor(shape: shape, scalars: features),
                        target: try targets.target(
                            UnsafeRawBufferPointer(rebasing: labels[targetStart..<(targetStart + targetBytes)]), sample: index))
                }
            }
        }
    }
}
