import FuzzSupport
@testable import Loaders

/// IDX files, raw and gzipped. The first input byte picks the file: 0 the rest as it is (raw, or
/// gzip when it starts with 1f 8b), 1 the rest wrapped in one gzip member, 2 the rest after the
/// second byte in two members split where that byte says. The wrapping stores the bytes
/// uncompressed, so the fuzzer controls the decompressed IDX bytes exactly.
///
/// Checks: whole-file loading (`IDXArray(contentsOf:)`, libdeflate for gzip) gives what the IDX
/// rules in Docs/Formats.md say, computed here from the known bytes; random access
/// (`IDXDataset.samples(at:)`) and streaming (`stream(shard:)` through zlib, one shard or three)
/// give the same samples or the same error; samples hold the loaded elements, converted as
/// documented; every error names the file and an offset that exists in the stream its message
/// names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mode = input.first else { return 0 }
    let (file, plain) = makeFile(mode: mode, input.dropFirst())
    let path = FuzzFiles.save(file, as: "input")
    let labelsPath = FuzzFiles.save([], as: "labels")
    let rules = ErrorRules(paths: [path, labelsPath]) { error, location in
        guard case .byteOffset(let offset) = location else { return "not a byte offset" }
        let notes = [
            ("(offset in the compressed file)", file.count), ("(offset in the file)", file.count),
            ("(offset in the decompressed stream)", plain?.count ?? Int.max), ("(offset in the header)", 4 + 4 * 32),
        ]
        guard let (_, limit) = notes.first(where: { error.message.hasSuffix($0.0) }) else {
            return "the message does not say which offset"
        }
        return (0...limit).contains(offset) ? nil : "offset beyond the end of its stream"
    }

    let array = Outcome("IDXArray(contentsOf:)", rules: rules) { try Loaded(IDXArray(contentsOf: path)) }
    if let plain {
        let expected = expectedOutcome(plain: plain, fileSize: file.count, compressed: plain != file, path: path)
        expectSame(array, expected, "IDXArray(contentsOf:) and the IDX rules")
    }

    // The datasets need a labels file with one label per sample: a copy of the file when it is one
    // (a file cannot label itself), else uint8 labels written here. Files with very many
    // (necessarily empty) samples are skipped.
    guard let header = try? IDXReader(path: path, blockSize: 1 << 16).header else {
        let dataset = Outcome("IDXDataset(images:labels:)", rules: rules) {
            _ = try IDXDataset(images: path, labels: path)
            return true
        }
        guard dataset.failure != nil, dataset.failure == array.failure else {
            violation("IDXDataset opens a file whose header IDXArray rejects: \(brief(array)), \(brief(dataset))")
        }
        return 0
    }
    let count = header.shape[0]
    guard count <= 4096 else { return 0 }
    let selfLabelled = header.elementType.isInteger && header.shape.count == 1
    let labels = FuzzFiles.save(selfLabelled ? file : uint8Labels(count: count), as: "labels")
    /// The copy holds the input's bytes, so its errors are the input's: named as the input, they
    /// compare with `IDXArray`'s.
    func namingTheInput<Value>(_ read: () throws -> Value) throws -> Value {
        do {
            return try read()
        } catch var error as LoaderError where selfLabelled && error.path == labels {
            error.path = path
            throw error
        }
    }

    let random = Outcome("IDXDataset.samples(at:)", rules: rules) {
        try namingTheInput { try IDXDataset(images: path, labels: labels).samples(at: Array(0..<count)).map(SampleBits.init) }
    }
    for shards in [1, 3] {
        let streamed = Outcome("IDXDataset.stream(shard:), \(shards) shards", rules: rules) {
            try namingTheInput {
                let dataset = try IDXDataset(images: path, labels: labels, shards: shards)
                return try (0..<shards).flatMap { try SampleBits.all(in: dataset, shard: $0) }
            }
        }
        expectSame(random, streamed, "random access and streaming in \(shards) shards")
    }

    switch (array, random) {
    case (.value(let loaded), .value(let samples)):
        let expectedLabels = selfLabelled ? loaded.integers : (0..<count).map { $0 * 37 % 256 }
        let expected = (0..<count).map { SampleBits(loaded.sample($0, label: expectedLabels[$0])) }
        guard samples == expected else {
            violation("samples differ from the loaded elements: \(brief(random)) but the elements give \(expected.prefix(4))")
        }
    case (.failure(let whole), .failure(let sample)) where whole == sample:
        break
    default:
        violation("IDXArray and IDXDataset disagree: \(brief(array)), \(brief(random))")
    }
    return 0
}

/// The file to write, and its decompressed bytes when they are known.
private func makeFile(mode: UInt8, _ rest: ArraySlice<UInt8>) -> (file: [UInt8], plain: [UInt8]?) {
    switch mode % 3 {
    case 0:
        let isGzip = rest.count >= 2 && rest[rest.startIndex] == 0x1F && rest[rest.startIndex + 1] == 0x8B
        return (Array(rest), isGzip ? nil : Array(rest))
    case 1:
        return (StoredGzip.member(rest), Array(rest))
    default:
        guard let cut = rest.first else { return ([], []) }
        let body = rest.dropFirst()
        let split = body.startIndex + Int(cut) % (body.count + 1)
        return (StoredGzip.member(body[..<split]) + StoredGzip.member(body[split...]), Array(body))
    }
}

/// An IDX file's uint8 labels `[count]`: label `i` is `i * 37 % 256`.
private func uint8Labels(count: Int) -> [UInt8] {
    [0, 0, 0x08, 1] + (0..<4).map { UInt8(truncatingIfNeeded: count >> (24 - 8 * $0)) }
        + (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37) }
}

/// What `IDXArray` loaded: its type, shape and elements, comparable with what the rules say.
private struct Loaded: Equatable, CustomStringConvertible {
    var type: IDXElementType
    var shape: [Int]
    /// The payload bytes, big-endian as stored.
    var payload: [UInt8]

    init(type: IDXElementType, shape: [Int], payload: [UInt8]) {
        self.type = type
        self.shape = shape
        self.payload = payload
    }

    init(_ array: IDXArray) {
        self.init(type: array.elementType, shape: array.shape, payload: array.withUnsafeBytes { Array($0) })
    }

    var description: String { "\(type) \(shape), \(payload.count) payload bytes" }

    /// Element `index` decoded from the big-endian payload bytes.
    func element(_ index: Int) -> Double {
        let pattern = bits(index)
        switch type {
        case .uint8: return Double(pattern)
        case .int8: return Double(Int8(truncatingIfNeeded: pattern))
        case .int16: return Double(Int16(truncatingIfNeeded: pattern))
        case .int32: return Double(Int32(truncatingIfNeeded: pattern))
        case .float32: return Double(Float(bitPattern: UInt32(pattern)))
        case .float64: return Double(bitPattern: pattern)
        }
    }

    /// The big-endian bytes of element `index`, as an integer.
    private func bits(_ index: Int) -> UInt64 {
        payload[(index * type.byteWidth)..<((index + 1) * type.byteWidth)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Element `index` as a sample's feature: uint8 as value / 255, float32 as stored (a NaN
    /// keeps its bits, which a trip through Double would quiet), others the Float nearest it.
    func feature(_ index: Int) -> Float {
        switch type {
        case .uint8: Float(element(index)) / 255
        case .float32: Float(bitPattern: UInt32(bits(index)))
        default: Float(element(index))
        }
    }

    var integers: [Int] { (0..<(payload.count / type.byteWidth)).map { Int(element($0)) } }

    /// Sample `index` as Docs/Formats.md describes it: the `index`-th slice along the first
    /// dimension, `[N, H, W]` uint8 as `[1, H, W]`.
    func sample(_ index: Int, label: Int) -> Example {
        let inner = Array(shape.dropFirst())
        let width = inner.reduce(1, *)
        let features = (index * width ..< (index + 1) * width).map(feature)
        let sampleShape = type == .uint8 && inner.count == 2 ? [1] + inner : inner
        return Example(features: Tensor(shape: sampleShape, scalars: features), label: label)
    }
}

/// What loading `plain` (the decompressed bytes of a `fileSize`-byte file) must give, by the IDX
/// rules in Docs/Formats.md: the array, or the error code and the offset of the offending byte.
private func expectedOutcome(plain: [UInt8], fileSize: Int, compressed: Bool, path: String) -> Outcome<Loaded> {
    func error(_ code: LoaderError.Code, at offset: Int) -> Outcome<Loaded> {
        .failure(Failure(LoaderError(code, "expected by the IDX rules", path: path, location: .byteOffset(offset))))
    }
    guard plain.count >= 4 else { return error(.truncated, at: plain.count) }
    if let position = (0..<2).first(where: { plain[$0] != 0 }) { return error(.malformed, at: position) }
    guard let type = IDXElementType(rawValue: plain[2]) else { return error(.unsupported, at: 2) }
    let rank = Int(plain[3])
    guard rank > 0 else { return error(.malformed, at: 3) }
    guard rank <= 32 else { return error(.unsupported, at: 3) }
    let headerBytes = 4 + 4 * rank
    guard plain.count >= headerBytes else { return error(.truncated, at: plain.count) }
    let shape = (0..<rank).map { dimension in
        plain[(4 + 4 * dimension)..<(8 + 4 * dimension)].reduce(0) { $0 << 8 | Int($1) }
    }
    // The product of the dimensions (zeros left out) times the element width must stay below
    // half of Int's range.
    var bytes = type.byteWidth
    for (dimension, size) in shape.enumerated() {
        let (product, overflow) = bytes.multipliedReportingOverflow(by: max(size, 1))
        guard !overflow, product <= Int.max / 2 else { return error(.unsupported, at: 4 + 4 * dimension) }
        bytes = product
    }
    let declared = shape.reduce(1, *) * type.byteWidth
    let present = plain.count - headerBytes
    if compressed, declared > fileSize * 1032 { return error(.truncated, at: fileSize) }
    if present < declared { return error(.truncated, at: plain.count) }
    if present > declared { return error(.trailingData, at: headerBytes + declared) }
    return .value(Loaded(type: type, shape: shape, payload: Array(plain[headerBytes...])))
}
