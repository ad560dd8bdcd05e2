import Foundation
import Loaders

/// The checkpoint file format (integers unsigned little-endian):
///
/// ```text
/// offset 0    "SLCK"                    4-byte magic
///        4    version = 1               u32
///        8    header byte count H       u32
///        12   header CRC-32             u32, of the H header bytes
///        16   header                    H bytes of JSON (UTF-8, sorted keys): everything but the
///                                       arrays and the loader state, with the shape or length of each
///        16+H the arrays                float32 little-endian, in the header's order: every tensor,
///                                       then every optimizer buffer, parameter by parameter
///             the loader state          the byte count the header gives, as the loader encoded it
///        S-4  CRC-32                    u32, of every byte before it (S = the file's size)
/// ```
///
/// The header has its own checksum so that its sizes can be trusted before the rest is read: a
/// file shorter than they add up to is truncated, one whose bytes do not match the final checksum
/// is damaged. Floats of the optimizer state are kept in the header as JSON doubles, which hold
/// every Float exactly.
extension TrainingCheckpoint {
    static let magic: [UInt8] = Array("SLCK".utf8)
    static let version: UInt32 = 1
    /// The fixed fields before the header.
    static let prefixBytes = 16
    /// The largest header a reader accepts: far more than the names, shapes and reports of any
    /// run, and a bound on what a damaged length can make it allocate.
    static let maximumHeaderBytes = 64 << 20

    /// Writes the checkpoint to `path` atomically (`AtomicFile`), replacing any file there.
    /// - Throws: `LoaderError(.io)` naming `path`.
    /// - Complexity: O(size of the checkpoint); it is put together in memory, then written.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    /// The file's bytes.
    func encoded() throws -> [UInt8] {
        let header = try Self.encoder.encode(Header(self))
        require(header.count <= Self.maximumHeaderBytes, "a checkpoint header of \(header.count) bytes is over \(Self.maximumHeaderBytes)")
        let arrays = tensors.reduce(0) { $0 + $1.values.count } + optimizer.buffers.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.prefixBytes + header.count + 4 * arrays + loaderState.count + 4)
        bytes += Self.magic
        Self.append(Self.version, to: &bytes)
        Self.append(UInt32(header.count), to: &bytes)
        Self.append(CRC32.checksum(header), to: &bytes)
        bytes += header
        for tensor in tensors { Self.append(tensor.values, to: &bytes) }
        for buffer in optimizer.buffers {
            for values in buffer.values { Self.append(values, to: &bytes) }
        }
        bytes += loaderState
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update($0) }
        Self.append(crc.value, to: &bytes)
        return bytes
    }

    /// Reads the checkpoint at `path`, checking everything before trusting it.
    ///
    /// The sizes the header declares are compared with the file's size before anything they
    /// size is allocated, and the whole file is checksummed before its arrays are read.
    /// - Throws: `LoaderError` naming `path` and the byte offset: `.io` (unreadable),
    ///   `.malformed` (not a checkpoint, or a header that does not make sense), `.unsupported`
    ///   (a later version), `.truncated` (ends before the header's sizes add up),
    ///   `.trailingData` (longer than they add up to), `.checksumMismatch` (damaged).
    /// - Complexity: reads the file twice, once to checksum it.
    public init(contentsOf path: String) throws {
        let file = try ReadOnlyFile(path: path)
        func fail(_ code: LoaderError.Code, _ message: String, at offset: Int) -> LoaderError {
            LoaderError(code, message, path: path, location: .byteOffset(offset))
        }
        let prefix = try Self.read(file, at: 0, count: min(file.size, Self.prefixBytes))
        guard prefix.starts(with: Self.magic.prefix(prefix.count)), !prefix.isEmpty else {
            throw fail(.malformed, file.size == 0 ? "an empty file is not a checkpoint" : "not a checkpoint (the magic is not \"SLCK\")", at: 0)
        }
        guard prefix.count == Self.prefixBytes else {
            throw fail(.truncated, "the checkpoint ends after \(file.size) bytes, inside its first \(Self.prefixBytes)", at: file.size)
        }
        let version = Self.uint32(prefix, at: 4)
        guard version == Self.version else {
            throw fail(.unsupported, "checkpoint version \(version); this reader knows version \(Self.version)", at: 4)
        }
        let headerBytes = Int(Self.uint32(prefix, at: 8))
        guard headerBytes <= Self.maximumHeaderBytes else {
            throw fail(.malformed, "a header of \(headerBytes) bytes, over the \(Self.maximumHeaderBytes) a checkpoint may have", at: 8)
        }
        guard Self.prefixBytes + headerBytes + 4 <= file.size else {
            throw fail(.truncated, "the checkpoint ends after \(file.size) bytes, inside its header of \(headerBytes) bytes", at: file.size)
        }
        let headerText = try Self.read(file, at: Self.prefixBytes, count: headerBytes)
        let headerChecksum = CRC32.checksum(headerText)
        guard headerChecksum == Self.uint32(prefix, at: 12) else {
            throw fail(.checksumMismatch, String(format: "the header is damaged: its CRC-32 is %08x, its bytes give %08x", Self.uint32(prefix, at: 12), headerChecksum), at: 12)
        }
        let header: Header
        do {
            header = try Self.decoder.decode(Header.self, from: Data(headerText))
        } catch {
            throw fail(.malformed, "the header is not a checkpoint's JSON: \(Self.reason(error))", at: Self.prefixBytes)
        }
        let arraysStart = Self.prefixBytes + headerBytes
        let counts: [Int]
        do {
            counts = try header.arrayCounts()
        } catch var error as LoaderError {
            error.path = path
            throw error
        }
        guard let size = Self.sum([arraysStart] + counts.map { 4 * $0 } + [header.loaderStateBytes, 4]) else {
            throw fail(.malformed, "the header declares more bytes than a file can hold", at: Self.prefixBytes)
        }
        guard file.size >= size else {
            throw fail(.truncated, "the checkpoint ends after \(file.size) bytes; its header declares \(size)", at: file.size)
        }
        guard file.size == size else {
            throw fail(.trailingData, "\(file.size - size) bytes after the end the header declares", at: size)
        }
        var crc = CRC32()
        var offset = 0
        while offset < size - 4 {
            let piece = try Self.read(file, at: offset, count: min(1 << 20, size - 4 - offset))
            piece.withUnsafeBytes { crc.update($0) }
            offset += piece.count
        }
        let stored = Self.uint32(try Self.read(file, at: size - 4, count: 4), at: 0)
        guard crc.value == stored else {
            throw fail(.checksumMismatch, String(format: "the checkpoint is damaged: its CRC-32 is %08x, its bytes give %08x", stored, crc.value), at: size - 4)
        }
        offset = arraysStart
        var arrays: [[Float]] = []
        for count in counts {
            arrays.append(try Self.floats(file, at: offset, count: count))
            offset += 4 * count
        }
        let loaderState = Data(try Self.read(file, at: offset, count: header.loaderStateBytes))
        self = header.checkpoint(arrays: arrays, loaderState: loaderState)
        self.path = path
    }

    // MARK: Bytes

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // A run whose loss diverged still checkpoints.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func append(_ values: [Float], to bytes: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes += $0 }
        #else
        for value in values { append(value.bitPattern, to: &bytes) }
        #endif
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func read(_ file: ReadOnlyFile, at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try file.readExactly(into: $0, at: offset) }
        return bytes
    }

    private static func floats(_ file: ReadOnlyFile, at offset: Int, count: Int) throws -> [Float] {
        var values = [Float](repeating: 0, count: count)
        try values.withUnsafeMutableBytes { try file.readExactly(into: $0, at: offset) }
        #if !_endian(little)
        for index in values.indices { values[index] = Float(bitPattern: UInt32(littleEndian: values[index].bitPattern)) }
        #endif
        return values
    }

    /// What a decoding error says, in one line: the field and the problem.
    private static func reason(_ error: any Error) -> String {
        let context: DecodingError.Context? = switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context): context
        default: nil
        }
        guard let context else { return "\(error)" }
        let field = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return field.isEmpty ? context.debugDescription : "\(field): \(context.debugDescription)"
    }

    /// The sum of `terms`, nil past `Int.max`.
    private static func sum(_ terms: [Int]) -> Int? {
        var total = 0
        for term in terms {
            let (next, overflow) = total.addingReportingOverflow(term)
            guard !overflow, term >= 0 else { return nil }
            total = next
        }
        return total
    }

    // MARK: Header

    /// The checkpoint without its arrays and loader state, as the file's JSON header.
    struct Header: Codable {
        struct Tensor: Codable {
            var name: String
            var shape: [Int]
        }

        struct Buffer: Codable {
            var name: String
            /// Per parameter, the number of values.
            var counts: [Int]
        }

        struct Optimizer: Codable {
            var kind: String
            var steps: Int
            var learningRate: Double
            var momentum: Double?
            var settings: [String: Double]
            var buffers: [Buffer]
        }

        var tensors: [Tensor]
        var optimizer: Optimizer
        var generators: [GeneratorState]
        var schedulerSteps: Int?
        var globalStep: Int
        var completedEpochs: [EpochReport]
        var epochInProgress: EpochProgress?
        var loaderStateBytes: Int
        var metadata: [String: String]

        init(_ checkpoint: TrainingCheckpoint) {
            tensors = checkpoint.tensors.map { Tensor(name: $0.name, shape: $0.shape) }
            let state = checkpoint.optimizer
            optimizer = Optimizer(
                kind: state.kind, steps: state.steps, learningRate: Double(state.learningRate), momentum: state.momentum.map(Double.init),
                settings: state.settings.mapValues(Double.init), buffers: state.buffers.map { Buffer(name: $0.name, counts: $0.values.map(\.count)) })
            generators = checkpoint.generators
            schedulerSteps = checkpoint.schedulerSteps
            globalStep = checkpoint.globalStep
            completedEpochs = checkpoint.completedEpochs
            epochInProgress = checkpoint.epochInProgress
            loaderStateBytes = checkpoint.loaderState.count
            metadata = checkpoint.metadata
        }

        /// The element count of every array, in file order.
        /// - Throws: `LoaderError(.malformed)` for a negative size or a shape whose product overflows.
        func arrayCounts() throws -> [Int] {
            var counts: [Int] = []
            for tensor in tensors {
                var count = 1
                for dimension in tensor.shape {
                    let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                    guard dimension >= 0, !overflow, product <= Int.max / 4 else {
                        throw LoaderError(.malformed, "the header gives \(tensor.name) the shape \(tensor.shape)", location: .byteOffset(TrainingCheckpoint.prefixBytes))
                    }
                    count = product
                }
                counts.append(count)
            }
            for buffer in optimizer.buffers {
                for count in buffer.counts {
                    guard count >= 0, count <= Int.max / 4 else {
                        throw LoaderError(.malformed, "the header gives optimizer buffer '\(buffer.name)' \(count) values", location: .byteOffset(TrainingCheckpoint.prefixBytes))
                    }
                    counts.append(count)
                }
            }
            guard loaderStateBytes >= 0 else {
                throw LoaderError(.malformed, "the header gives the loader state \(loaderStateBytes) bytes", location: .byteOffset(TrainingCheckpoint.prefixBytes))
            }
            return counts
        }

        /// The checkpoint, given the arrays `arrayCounts()` sized, in the same order.
        func checkpoint(arrays: [[Float]], loaderState: Data) -> TrainingCheckpoint {
            var next = arrays.makeIterator()
            let tensors = tensors.map { SavedTensor(name: $0.name, shape: $0.shape, values: next.next()!) }
            let buffers = optimizer.buffers.map { buffer in
                OptimizerState.Buffer(name: buffer.name, values: buffer.counts.map { _ in next.next()! })
            }
            let state = OptimizerState(
                kind: optimizer.kind, steps: optimizer.steps, learningRate: Float(optimizer.learningRate),
                momentum: optimizer.momentum.map(Float.init), settings: optimizer.settings.mapValues(Float.init), buffers: buffers)
            return TrainingCheckpoint(
                tensors: tensors, optimizer: state, generators: generators, schedulerSteps: schedulerSteps, globalStep: globalStep,
                completedEpochs: completedEpochs, epochInProgress: epochInProgress, loaderState: loaderState, metadata: metadata)
        }
    }
}
