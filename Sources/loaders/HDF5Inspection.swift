import Loaders
import LoadersHDF5

/// The HDF5 part of `loaders inspect`: every dataset's type and shape, or one dataset's exact
/// sum, minimum and maximum.
struct HDF5Inspection {
    let file: HDF5File

    /// Opens the HDF5 file at `path`.
    /// - Throws: `LoaderError` naming the file when it is not readable HDF5.
    init(path: String) throws {
        file = try HDF5File(path)
    }

    /// `{"format":"hdf5","datasets":[{"path":…,"dtype":…,"shape":[…]},…]}` and a readable listing;
    /// datasets that cannot be read follow under `"unsupported"` (with their type and why), and
    /// where the group walk stopped under `"stopped"`, each key only when there are any.
    func listing() throws -> InspectionSummary {
        let contents = try file.contents()
        let datasets = contents.datasets
        var fields: [(String, JSON)] = [
            ("format", .string("hdf5")),
            ("datasets", .array(datasets.map { info in
                .object([
                    ("path", .string(info.path)),
                    ("dtype", .string(info.elementType.name)),
                    ("shape", .array(info.shape.map { .integer(Int128($0)) })),
                ])
            })),
        ]
        if !contents.unsupported.isEmpty {
            fields.append(("unsupported", .array(contents.unsupported.map { dataset in
                .object([
                    ("path", .string(dataset.path)),
                    ("type", .string(dataset.typeName)),
                    ("shape", dataset.shape.map { .array($0.map { .integer(Int128($0)) }) } ?? .null),
                    ("reason", .string(dataset.reason)),
                ])
            })))
        }
        if !contents.stops.isEmpty {
            fields.append(("stopped", .array(contents.stops.map { stop in
                .object([("path", .string(stop.path)), ("reason", .string(stop.reason))])
            })))
        }
        var heading = "\(file.path): HDF5, \(datasets.count) dataset\(datasets.count == 1 ? "" : "s")"
        if !contents.unsupported.isEmpty { heading += " and \(contents.unsupported.count) unsupported" }
        var lines = [heading]
        for info in datasets {
            var storage = info.layout.rawValue
            if let chunks = info.chunkShape { storage += " \(chunks.map(String.init).joined(separator: "x"))" }
            if !info.filters.isEmpty { storage += ", " + info.filters.map(\.description).joined(separator: "+") }
            if info.isResizable { storage += ", resizable" }
            lines.append("  \(info.path)  \(info.elementType.name)  \(Self.shapeText(info.shape))  (\(storage))")
        }
        for dataset in contents.unsupported {
            let shape = dataset.shape.map(Self.shapeText) ?? "no simple shape"
            lines.append("  \(dataset.path)  \(dataset.typeName)  \(shape)  (unsupported: \(dataset.reason))")
        }
        for stop in contents.stops {
            lines.append("  not walked: \(stop.path): \(stop.reason)")
        }
        return InspectionSummary(json: .object(fields), readable: lines.joined(separator: "\n"))
    }

    /// `{"format":"hdf5","path":…,"dtype":…,"shape":[…],"sum":…,"min":…,"max":…}`; integer sums
    /// are exact. Reads the dataset a slice of rows at a time.
    /// - Throws: `LoaderError` naming the file and dataset.
    func summary(dataset datasetPath: String) throws -> InspectionSummary {
        let info = try file.info(datasetPath)
        let (sum, minimum, maximum) = try statistics(info)
        let json = JSON.object([
            ("format", .string("hdf5")),
            ("path", .string(info.path)),
            ("dtype", .string(info.elementType.name)),
            ("shape", .array(info.shape.map { .integer(Int128($0)) })),
            ("sum", sum),
            ("min", minimum),
            ("max", maximum),
        ])
        let readable = """
            \(file.path): HDF5 dataset \(info.path), \(info.elementType.name), shape \(Self.shapeText(info.shape))
              sum \(sum.text)  min \(minimum.text)  max \(maximum.text)
            """
        return InspectionSummary(json: json, readable: readable)
    }

    private static func shapeText(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: " x ")
    }

    /// Visits the dataset in slices of about 1 Mi elements, each converted to `Scalar`.
    private func forEachSlice<Scalar: HDF5Scalar>(_ info: HDF5DatasetInfo, as: Scalar.Type, _ body: ([Scalar]) -> Void) throws {
        guard let rowCount = info.shape.first else {
            body(try file.read(info.path, as: Scalar.self).scalars)
            return
        }
        let rowElements = info.shape.dropFirst().reduce(1, *)
        // Rows of no elements hold no values, however many the file claims (2^60 would never end).
        guard rowElements > 0 else { return }
        let step = max(1, (1 << 20) / rowElements)
        for start in stride(from: 0, to: rowCount, by: step) {
            body(try file.read(info.path, rows: start..<min(rowCount, start + step), as: Scalar.self).scalars)
        }
    }

    private func statistics(_ info: HDF5DatasetInfo) throws -> (JSON, JSON, JSON) {
        switch info.elementType {
        case .float32:
            let (sum, minimum, maximum) = try floatStatistics(info, as: Float.self)
            return (sum, minimum.map { .float(Float($0)) } ?? .null, maximum.map { .float(Float($0)) } ?? .null)
        case .float64:
            let (sum, minimum, maximum) = try floatStatistics(info, as: Double.self)
            return (sum, minimum.map { .double($0) } ?? .null, maximum.map { .double($0) } ?? .null)
        // Each integer type is read as itself, so that a slice takes no more memory than stored.
        case .int8: return try integerStatistics(info, as: Int8.self)
        case .uint8: return try integerStatistics(info, as: UInt8.self)
        case .int16: return try integerStatistics(info, as: Int16.self)
        case .uint16: return try integerStatistics(info, as: UInt16.self)
        case .int32: return try integerStatistics(info, as: Int32.self)
        case .uint32: return try integerStatistics(info, as: UInt32.self)
        case .int64: return try integerStatistics(info, as: Int64.self)
        case .uint64: return try integerStatistics(info, as: UInt64.self)
        }
    }

    /// The sum in Double, and the minimum and maximum (nil when there are no elements), of a
    /// float dataset read as its own type.
    private func floatStatistics<Scalar: HDF5Scalar & BinaryFloatingPoint>(_ info: HDF5DatasetInfo, as: Scalar.Type) throws -> (JSON, Double?, Double?) {
        var sum = 0.0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var seen = false
        try forEachSlice(info, as: Scalar.self) { values in
            for stored in values {
                let value = Double(stored)
                sum += value
                minimum = Swift.min(minimum, value)
                maximum = Swift.max(maximum, value)
            }
            seen = seen || !values.isEmpty
        }
        guard seen else { return (.double(0), nil, nil) }
        return (.double(sum), minimum, maximum)
    }

    private func integerStatistics<Scalar: HDF5Scalar & FixedWidthInteger>(_ info: HDF5DatasetInfo, as: Scalar.Type) throws -> (JSON, JSON, JSON) {
        var sum: Int128 = 0
        var minimum = Scalar.max
        var maximum = Scalar.min
        var seen = false
        try forEachSlice(info, as: Scalar.self) { values in
            for value in values {
                sum += Int128(value)
                minimum = Swift.min(minimum, value)
                maximum = Swift.max(maximum, value)
            }
            seen = seen || !values.isEmpty
        }
        guard seen else { return (.integer(0), .null, .null) }
        return (.integer(sum), .integer(Int128(minimum)), .integer(Int128(maximum)))
    }
}
