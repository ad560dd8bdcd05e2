import Loaders
import LoadersHDF5

/// Reads one HDF5 file every way SwiftLoaders offers and compares each read with libhdf5's own
/// read of the same data (`HDF5ReadStrategy.libhdf5`).
///
/// Each dataset is read whole and in uneven slices of rows through `HDF5File`; each pair of
/// features and labels through `HDF5Dataset`, by random access in shuffled batches (cached and
/// uncached) and by streaming every shard, against libhdf5's read of every sample in order.
/// Datasets are read by path even when the file's listing fails. A check never trusts a damaged
/// file's claimed size: datasets of more than `elementLimit` elements are reported, not read.
struct ReadCheck {
    /// The most elements read from one dataset or pair.
    static let elementLimit = 1 << 22

    let path: String
    /// Called before each step, so that a crash inside libhdf5 can be traced to its read.
    var step: (String) -> Void = { _ in }

    func run(datasets requested: [String], pairs: [(features: String, labels: String)]) -> CheckReport {
        step("open")
        var opened: HDF5File?
        var listing: [String]?
        let outcome = ReadOutcome.of(file: path, places: []) {
            let file = try HDF5File(path)
            opened = file
            step("list")
            listing = try file.datasets().map(\.path)
            return .values(shape: [], bits: [])
        }
        var report = CheckReport(file: path, open: Self.finding(outcome), listing: listing)
        guard let file = opened else { return report }
        var seen = Set<String>()
        for datasetPath in (listing ?? []) + requested where seen.insert(datasetPath).inserted {
            report.datasets.append(checkDataset(datasetPath, in: file))
        }
        for pair in pairs {
            report.pairs.append(CheckReport.PairReport(features: pair.features, labels: pair.labels, finding: checkPair(pair)))
        }
        return report
    }

    /// The finding for an outcome that has nothing to compare with (opening the file).
    private static func finding(_ outcome: ReadOutcome) -> CheckReport.Finding {
        guard case .failed(let failure) = outcome else { return CheckReport.Finding(verdict: .read) }
        return CheckReport.Finding(verdict: failure.typed ? .refused : .untyped, code: failure.code, detail: failure.description)
    }

    /// The worst comparison of `ours` with `reference`.
    private static func finding(_ ours: [ReadOutcome], against reference: ReadOutcome) -> CheckReport.Finding {
        let worst = ours.map { (outcome: $0, comparison: Verdict.of($0, against: reference)) }.max { $0.comparison.verdict < $1.comparison.verdict }!
        var code: String?
        if case .failed(let failure) = worst.outcome { code = failure.code }
        return CheckReport.Finding(verdict: worst.comparison.verdict, code: code, detail: worst.comparison.detail)
    }

    // MARK: - Datasets

    private func checkDataset(_ datasetPath: String, in file: HDF5File) -> CheckReport.DatasetReport {
        step("info \(datasetPath)")
        var info: HDF5DatasetInfo?
        let opened = ReadOutcome.of(file: path, places: [datasetPath]) {
            info = try file.info(datasetPath)
            return .values(shape: [], bits: [])
        }
        guard let info else {
            return CheckReport.DatasetReport(path: datasetPath, finding: Self.finding(opened))
        }
        guard info.elementCount <= Self.elementLimit else {
            return CheckReport.DatasetReport(
                path: datasetPath, finding: CheckReport.Finding(verdict: .tooLarge, detail: "\(info.elementCount) elements"),
                dtype: info.elementType.name, byteOrder: info.byteOrder.rawValue, shape: info.shape)
        }
        step("read \(datasetPath) libhdf5")
        let reference = read(info, in: file, rows: nil, strategy: .libhdf5)
        step("read \(datasetPath) direct")
        var ours = [read(info, in: file, rows: nil, strategy: .direct)]
        if let rowCount = info.shape.first {
            step("read \(datasetPath) in slices")
            ours.append(readInSlices(info, in: file, rowCount: rowCount))
        }
        var report = CheckReport.DatasetReport(
            path: datasetPath, finding: Self.finding(ours, against: reference),
            dtype: info.elementType.name, byteOrder: info.byteOrder.rawValue, shape: info.shape)
        if report.finding.verdict == .read, case .values(_, let bits) = reference {
            report.values = Self.hex(bits)
        }
        return report
    }

    /// Reads `rows` (all when nil) as Int64, UInt64 or Double bit patterns, by the element type.
    private func read(_ info: HDF5DatasetInfo, in file: HDF5File, rows: Range<Int>?, strategy: HDF5ReadStrategy) -> ReadOutcome {
        ReadOutcome.of(file: path, places: [info.path]) {
            func values<Scalar: HDF5Scalar>(_: Scalar.Type, _ bits: (Scalar) -> UInt64) throws -> ReadOutcome {
                let tensor = try rows.map { try file.read(info.path, rows: $0, as: Scalar.self, strategy: strategy) }
                    ?? file.read(info.path, as: Scalar.self, strategy: strategy)
                return .values(shape: tensor.shape, bits: tensor.scalars.map(bits))
            }
            switch info.elementType {
            case .float32, .float64: return try values(Double.self) { $0.bitPattern }
            case .uint8, .uint16, .uint32, .uint64: return try values(UInt64.self) { $0 }
            case .int8, .int16, .int32, .int64: return try values(Int64.self) { UInt64(bitPattern: $0) }
            }
        }
    }

    /// Reads the rows in a few uneven slices (the first row alone, the last alone), last slice
    /// first, and joins them in row order.
    private func readInSlices(_ info: HDF5DatasetInfo, in file: HDF5File, rowCount: Int) -> ReadOutcome {
        let edges = Array(Set([0, min(1, rowCount), rowCount / 3, rowCount / 2, max(rowCount - 1, 0), rowCount])).sorted()
        var slices: [(shape: [Int], bits: [UInt64])] = []
        for (start, end) in zip(edges, edges.dropFirst()).reversed() {
            switch read(info, in: file, rows: start..<end, strategy: .direct) {
            case .values(let shape, let bits): slices.insert((shape, bits), at: 0)
            case let other: return other
            }
        }
        var shape = info.shape
        shape[0] = slices.reduce(0) { $0 + $1.shape[0] }
        return .values(shape: shape, bits: slices.flatMap(\.bits))
    }

    // MARK: - Pairs

    private func checkPair(_ pair: (features: String, labels: String)) -> CheckReport.Finding {
        step("pair \(pair.features) \(pair.labels) libhdf5")
        let reference = readPair(pair, strategy: .libhdf5, cacheBytes: 1 << 30, order: .sequential)
        var ours: [ReadOutcome] = []
        // libhdf5 reads a damaged chunk's uninitialised tail as data, differently from one read
        // to the next, so only the direct reads are compared with its reference read.
        for (cacheBytes, order) in [(1 << 30, PairOrder.shuffled), (0, .shuffled), (1 << 30, .streaming)] {
            step("pair \(pair.features) \(pair.labels) direct \(order) cache \(cacheBytes)")
            ours.append(readPair(pair, strategy: .direct, cacheBytes: cacheBytes, order: order))
        }
        return Self.finding(ours, against: reference)
    }

    private enum PairOrder { case sequential, shuffled, streaming }

    /// Every sample, as its label's bits followed by its features' bits, in index order.
    private func readPair(
        _ pair: (features: String, labels: String), strategy: HDF5ReadStrategy, cacheBytes: Int, order: PairOrder
    ) -> ReadOutcome {
        ReadOutcome.of(file: path, places: [pair.features, pair.labels]) {
            let dataset = try HDF5Dataset(path, features: pair.features, labels: pair.labels, cacheBytes: cacheBytes, strategy: strategy)
            let sampleElements = Tensor<Float>.elementCount(of: dataset.sampleShape)
            let (elements, overflow) = dataset.count.multipliedReportingOverflow(by: sampleElements + 1)
            guard !overflow, elements <= Self.elementLimit else { return .tooLarge(elements: overflow ? Int.max : elements) }
            var samples = [Example?](repeating: nil, count: dataset.count)
            switch order {
            case .sequential, .shuffled:
                var indices = Array(0..<dataset.count)
                if order == .shuffled {
                    var random = SeededGenerator(seed: 7)
                    indices.shuffle(using: &random)
                }
                for start in stride(from: 0, to: indices.count, by: 5) {
                    let batch = Array(indices[start..<min(start + 5, indices.count)])
                    for (index, sample) in zip(batch, try dataset.samples(at: batch)) { samples[index] = sample }
                }
            case .streaming:
                var index = 0
                for shard in 0..<dataset.shardCount {
                    var stream = try dataset.stream(shard: shard)
                    while let sample = try stream.next() {
                        guard index < samples.count else { return .values(shape: [index + 1], bits: []) }
                        samples[index] = sample
                        index += 1
                    }
                }
            }
            let bits = samples.flatMap { sample in
                sample.map { sample -> [UInt64] in
                    let target: [UInt64] = switch sample.target {
                    case .label(let label): [UInt64(bitPattern: Int64(label))]
                    case .values(let values): values.scalars.map { UInt64($0.bitPattern) }
                    }
                    return target + sample.features.scalars.map { UInt64($0.bitPattern) }
                } ?? []
            }
            return .values(shape: [samples.compactMap { $0 }.count] + dataset.sampleShape, bits: bits)
        }
    }

    private static func hex(_ values: [UInt64]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(values.count * 16)
        for value in values {
            for byte in 0..<8 {
                let octet = UInt8(truncatingIfNeeded: value >> (8 * byte))
                text.append(digits[Int(octet >> 4)])
                text.append(digits[Int(octet & 15)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
