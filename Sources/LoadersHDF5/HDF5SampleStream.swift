import Loaders

/// Reads one shard of an `HDF5Dataset` front to back, holding one decoded block of features and
/// one of targets.
public struct HDF5SampleStream: SampleStream {
    public typealias Element = Example

    private let dataset: HDF5Dataset
    private let rows: Range<Int>
    private var position: Int
    private var features: BlockCursor
    private var labels: BlockCursor

    init(dataset: HDF5Dataset, rows: Range<Int>) {
        self.dataset = dataset
        self.rows = rows
        self.position = rows.lowerBound
        features = BlockCursor(dataset.features.stored)
        labels = BlockCursor(dataset.labels.stored)
    }

    /// The next sample of the shard, or nil after its last.
    /// - Throws: `LoaderError` naming the file, dataset and place of unreadable data.
    public mutating func next() throws -> Example? {
        guard position < rows.upperBound else { return nil }
        let row = position
        let target = try labels.withRow(row) { raw in try dataset.target(raw, row: row) }
        let featureInfo = features.stored.info
        let elements = features.stored.rowElementCount
        let values = try features.withRow(row) { raw in
            [Float](uninitializedCapacity: elements) { buffer, initialized in
                if let target = buffer.baseAddress {
                    ElementConversion.floats(raw, count: elements, element: featureInfo.elementType, order: featureInfo.byteOrder, into: target)
                }
                initialized = elements
            }
        }
        position += 1
        return Example(features: Tensor(shape: dataset.sampleShape, scalars: values), target: target)
    }

    /// The one decoded block a stream holds for a dataset.
    private struct BlockCursor {
        let stored: StoredDataset
        private var block = -1
        private var bytes: [UInt8] = []

        init(_ stored: StoredDataset) {
            self.stored = stored
        }

        mutating func withRow<Result>(_ row: Int, _ body: (UnsafeRawPointer) throws -> Result) throws -> Result {
            let wanted = row / stored.blockRows
            if wanted != block {
                bytes = []  // release the old block before decoding the next
                bytes = try stored.readBlock(wanted)
                block = wanted
            }
            let offset = (row - stored.blockRange(wanted).lowerBound) * stored.rowByteCount
            return try bytes.withUnsafeBytes { raw in try body((raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!) + offset) }
        }
    }
}
