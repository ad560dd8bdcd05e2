/// Reads one shard of an `IDXDataset` in order, one sample at a time.
public struct IDXSampleStream: SampleStream {
    private let images: IDXReader
    private let labels: IDXReader
    private let range: Range<Int>
    private let checksEnd: Bool
    private let sampleShape: [Int]
    private let targets: IDXTargetDecoder
    private var position = 0
    private var imageBytes: [UInt8]
    private var labelBytes: [UInt8]

    init(dataset: IDXDataset, range: Range<Int>, checksEnd: Bool) throws {
        // Small blocks: a stream is about bounded memory, and each worker holds one per file.
        images = try IDXReader(path: dataset.imagesPath, blockSize: 1 << 16)
        labels = try IDXReader(path: dataset.labelsPath, blockSize: 1 << 16)
        try dataset.checkHeadersUnchanged(images: images.header, labels: labels.header)
        self.range = range
        self.checksEnd = checksEnd
        self.sampleShape = dataset.sampleShape
        self.targets = dataset.targetDecoder
        position = range.lowerBound
        // An empty shard reads nothing, and with no samples at all the header's payload check
        // does not bound one sample's declared size: allocate it only when a sample will be read.
        let sampleBytes = range.isEmpty ? 0 : dataset.featuresPerSample * images.header.elementType.byteWidth
        try images.checkFitsInMemory(sampleBytes, holding: "one sample")
        let targetBytes = range.isEmpty ? 0 : dataset.targetDecoder.byteCount
        try labels.checkFitsInMemory(targetBytes, holding: "one sample's target")
        imageBytes = [UInt8](repeating: 0, count: sampleBytes)
        labelBytes = [UInt8](repeating: 0, count: targetBytes)
        try images.skip(range.lowerBound * imageBytes.count)
        try labels.skip(range.lowerBound * labelBytes.count)
    }

    /// The next sample of the shard, or `nil` after its last.
    /// - Throws: `LoaderError` naming the file and byte offset of bad or missing data.
    public mutating func next() throws -> Example? {
        guard position < range.upperBound else {
            if checksEnd, position == range.upperBound {
                position += 1  // check once
                try images.finish()
                try labels.finish()
            }
            return nil
        }
        try imageBytes.withUnsafeMutableBytes { try images.readExactly(into: $0) }
        try labelBytes.withUnsafeMutableBytes { try labels.readExactly(into: $0) }
        let index = position
        position += 1
        let type = images.header.elementType
        let features = imageBytes.withUnsafeBytes { bytes in
            let elements = bytes.count / type.byteWidth
            return [Float](uninitializedCapacity: elements) { buffer, initialized in
                type.convertToFloat(bytes, into: buffer)
                initialized = elements
            }
        }
        let target = try labelBytes.withUnsafeBytes { try targets.target($0, sample: index) }
        return Example(features: Tensor(shape: sampleShape, scalars: features), target: target)
    }
}
