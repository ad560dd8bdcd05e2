/// Turns one sample's elements of an IDX targets file into its `Example.Target`, as the user's
/// `TargetKind` asks: the one place random access and streaming decode targets.
struct IDXTargetDecoder: Sendable {
    /// The targets file, for errors.
    let path: String
    let elementType: IDXElementType
    let kind: TargetKind
    /// The shape of one sample's values: `[1]` for a rank-1 file, the file's shape without its
    /// first dimension otherwise.
    let valueShape: [Int]
    /// The elements of one sample's target.
    let elementCount: Int

    /// A decoder for the file at `path` with header `header`.
    /// - Throws: `LoaderError` `.unsupported` at the rank byte when class labels are asked of a
    ///   file of rank above 1.
    init(path: String, header: IDXHeader, kind: TargetKind) throws {
        let trailing = Array(header.shape.dropFirst())
        if kind == .labels, !trailing.isEmpty {
            throw LoaderError(
                .unsupported,
                "class labels need one per sample (rank 1), found shape \(header.shape) (offset in the header); targets: .values reads real-valued targets of any shape (loaders train --task regression)",
                path: path, location: .byteOffset(3))
        }
        self.path = path
        self.elementType = header.elementType
        self.kind = kind
        self.valueShape = trailing.isEmpty ? [1] : trailing
        // The header's parsing bounded this product.
        self.elementCount = trailing.reduce(1, *)
    }

    /// The bytes of one sample's target.
    var byteCount: Int { elementCount * elementType.byteWidth }

    /// The target of sample `index`, from its `byteCount` big-endian bytes.
    /// - Throws: `LoaderError` naming the file, the sample and the value of a float label that is
    ///   not a whole number or does not fit in `Int`.
    @inline(__always)
    func target(_ bytes: UnsafeRawBufferPointer, sample index: Int) throws -> Example.Target {
        switch kind {
        case .labels:
            if elementType.isInteger { return .label(elementType.integer(at: 0, in: bytes)) }
            let value = elementType.double(at: 0, in: bytes)
            if let label = Int(exactly: value) { return .label(label) }
            throw unusableLabel(value, sample: index)
        case .values:
            let count = elementCount
            let values = [Float](uninitializedCapacity: count) { buffer, initialized in
                elementType.convertValuesToFloat(bytes, into: buffer)
                initialized = count
            }
            return .values(Tensor(shape: valueShape, scalars: values))
        }
    }

    private func unusableLabel(_ value: Double, sample index: Int) -> LoaderError {
        // A float32 reads best as the shortest text that gives back the same Float.
        let text = elementType == .float32 ? Float(value).description : value.description
        let whole = value.isFinite && value.rounded(.towardZero) == value
        let problem = whole ? "does not fit in Int (\(Int.min)...\(Int.max))" : "is not an integer"
        return LoaderError(
            .unsupported,
            "label \(text) (\(elementType)) \(problem); targets: .values reads real-valued targets (loaders train --task regression)",
            path: path, location: .sampleIndex(index))
    }
}
