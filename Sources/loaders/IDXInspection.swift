import Loaders

/// The IDX part of `loaders inspect`: element type, shape, and the exact sum, minimum and maximum.
///
/// Float arrays also count their NaNs; sum, minimum and maximum are over the other elements (as
/// numpy's `nansum`, `nanmin`, `nanmax`), so one NaN neither hides the rest nor goes unreported.
/// Infinities count as values: `inf` and `-inf` (in JSON the strings `"inf"`, `"-inf"`; a sum of
/// both is `nan`), while `null` means there was no value at all.
struct IDXInspection {
    let array: IDXArray

    /// Reads the whole IDX file at `path`, raw or gzipped.
    /// - Throws: `LoaderError` naming the file and byte offset of bad input.
    init(path: String) throws {
        array = try IDXArray(contentsOf: path)
    }

    /// The statistics in both output forms; integer sums are exact.
    func summary() -> InspectionSummary {
        let (sum, minimum, maximum, nanCount) = statistics()
        var members: [(String, JSON)] = [
            ("format", .string("idx")),
            ("dtype", .string(array.elementType.description)),
            ("shape", .array(array.shape.map { .integer(Int128($0)) })),
            ("sum", sum),
            ("min", minimum),
            ("max", maximum),
        ]
        var statisticsLine = "sum \(sum.readableText)  min \(minimum.readableText)  max \(maximum.readableText)"
        if let nanCount {
            members.append(("nan", .integer(Int128(nanCount))))
            statisticsLine += "  nan \(nanCount)"
        }
        let readable = """
            \(array.path): IDX, \(array.elementType), shape \(array.shape.map(String.init).joined(separator: " x "))
              \(statisticsLine)
            """
        let json = JSON.object(members)
        return InspectionSummary(json: json, readable: readable)
    }

    /// (sum, min, max) as JSON numbers: exact integers for integer types; null min/max when empty
    /// (or all NaN). The NaN count is nil for integer types.
    private func statistics() -> (JSON, JSON, JSON, Int?) {
        array.withUnsafeBytes { bytes in
            let count = array.count
            // Loads are unaligned-safe and leave the bytes' memory binding alone.
            switch array.elementType {
            case .uint8: return integerStatistics(count) { Int(bytes[$0]) }
            case .int8: return integerStatistics(count) { Int(Int8(bitPattern: bytes[$0])) }
            case .int16:
                return integerStatistics(count) {
                    Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: $0 &* 2, as: Int16.self)))
                }
            case .int32:
                return integerStatistics(count) {
                    Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: $0 &* 4, as: Int32.self)))
                }
            case .float32:
                return floatStatistics(count) {
                    Double(Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: $0 &* 4, as: UInt32.self))))
                }
            case .float64:
                return floatStatistics(count) {
                    Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: $0 &* 8, as: UInt64.self)))
                }
            }
        }
    }

    private func integerStatistics(_ count: Int, _ value: (Int) -> Int) -> (JSON, JSON, JSON, Int?) {
        guard count > 0 else { return (.integer(0), .null, .null, nil) }
        // Chunks of 2^31 int32 values cannot overflow an Int64 partial sum.
        var sum: Int128 = 0
        var minimum = Int.max
        var maximum = Int.min
        var start = 0
        while start < count {
            let end = min(start + (1 << 31), count)
            var partial = 0
            for index in start..<end {
                let element = value(index)
                partial &+= element
                minimum = min(minimum, element)
                maximum = max(maximum, element)
            }
            sum += Int128(partial)
            start = end
        }
        return (.integer(sum), .integer(Int128(minimum)), .integer(Int128(maximum)), nil)
    }

    private func floatStatistics(_ count: Int, _ value: (Int) -> Double) -> (JSON, JSON, JSON, Int?) {
        var sum = 0.0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var nanCount = 0
        for index in 0..<count {
            let number = value(index)
            if number.isNaN {
                nanCount += 1
                continue
            }
            sum += number
            minimum = Swift.min(minimum, number)
            maximum = Swift.max(maximum, number)
        }
        guard nanCount < count else { return (.double(0), .null, .null, nanCount) }
        if array.elementType == .float32 {
            return (.double(sum), .float(Float(minimum)), .float(Float(maximum)), nanCount)
        }
        return (.double(sum), .double(minimum), .double(maximum), nanCount)
    }
}

extension IDXInspection {
    /// An MNIST folder's files, each split's images then labels: every split that is there (a
    /// folder with only the test split is inspected too), in one summary.
    /// - Throws: `LoaderError` when no split is there (naming where the training files were looked
    ///   for), or when a file present cannot be read.
    static func summary(ofMNISTFolder directory: String) throws -> InspectionSummary {
        var splits: [MNIST] = []
        var firstFailure: (any Error)?
        for split in MNIST.Split.allCases {
            do {
                splits.append(try MNIST(directory: directory, split: split))
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if splits.isEmpty, let firstFailure { throw firstFailure }
        let paths = splits.flatMap { [$0.dataset.imagesPath, $0.dataset.labelsPath] }
        let files = try paths.map { try IDXInspection(path: $0).summary() }
        let json = zip(paths, files).map { path, file -> JSON in
            guard case .object(let members) = file.json else { return file.json }
            return .object([("path", .string(path))] + members)
        }
        return InspectionSummary(
            json: .object([("format", .string("mnist")), ("files", .array(json))]),
            readable: files.map(\.readable).joined(separator: "\n"))
    }
}

