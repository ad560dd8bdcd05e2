import Loaders

/// Turns stored element bytes (any supported type, either byte order) into Swift numbers.
enum ElementConversion {
    /// Writes `count` elements from `raw` into `target` as Float: uint8 scaled to [0, 1] as images
    /// are, every other type converted as is.
    static func floats(
        _ raw: UnsafeRawPointer, count: Int, element: HDF5ElementType, order: HDF5ByteOrder,
        into target: UnsafeMutablePointer<Float>
    ) {
        let swap = order != .native
        switch element {
        case .uint8:
            let bytes = raw.assumingMemoryBound(to: UInt8.self)
            for index in 0..<count { target[index] = Float(bytes[index]) / 255 }
        case .int8: load(raw, count, Int8.self, swap, target) { Float($0) }
        case .int16: load(raw, count, Int16.self, swap, target) { Float($0) }
        case .uint16: load(raw, count, UInt16.self, swap, target) { Float($0) }
        case .int32: load(raw, count, Int32.self, swap, target) { Float($0) }
        case .uint32: load(raw, count, UInt32.self, swap, target) { Float($0) }
        case .int64: load(raw, count, Int64.self, swap, target) { Float($0) }
        case .uint64: load(raw, count, UInt64.self, swap, target) { Float($0) }
        case .float32:
            if swap {
                load(raw, count, UInt32.self, true, target) { Float(bitPattern: $0) }
            } else {
                UnsafeMutableRawPointer(target).copyMemory(from: raw, byteCount: count * 4)
            }
        case .float64: load(raw, count, UInt64.self, swap, target) { Float(Double(bitPattern: $0)) }
        }
    }

    /// Writes `count` elements from `raw` into `target` as the Float nearest each value, uint8
    /// included: targets are quantities, not pixel intensities.
    static func values(
        _ raw: UnsafeRawPointer, count: Int, element: HDF5ElementType, order: HDF5ByteOrder,
        into target: UnsafeMutablePointer<Float>
    ) {
        guard element == .uint8 else { return floats(raw, count: count, element: element, order: order, into: target) }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        for index in 0..<count { target[index] = Float(bytes[index]) }
    }

    @inline(__always)
    private static func load<Stored: FixedWidthInteger, Target>(
        _ raw: UnsafeRawPointer, _ count: Int, _: Stored.Type, _ swap: Bool,
        _ target: UnsafeMutablePointer<Target>, _ convert: (Stored) -> Target
    ) {
        let size = MemoryLayout<Stored>.size
        if swap {
            for index in 0..<count { target[index] = convert(raw.loadUnaligned(fromByteOffset: index * size, as: Stored.self).byteSwapped) }
        } else {
            for index in 0..<count { target[index] = convert(raw.loadUnaligned(fromByteOffset: index * size, as: Stored.self)) }
        }
    }

    /// Converts `count` elements into `Scalar`, or returns the index of the first element that
    /// `Scalar` cannot represent.
    static func scalars<Scalar: HDF5Scalar>(
        _ raw: UnsafeRawPointer, count: Int, element: HDF5ElementType, order: HDF5ByteOrder,
        as: Scalar.Type
    ) -> Result<[Scalar], OutOfRange> {
        let swap = order != .native
        if isStored(element, as: Scalar.self) {
            return .success(copied(raw, count: count, byteCount: element.byteCount, swap: swap))
        }
        var failedAt: Int?
        let values = [Scalar](uninitializedCapacity: count) { buffer, initialized in
            func fill<Stored: FixedWidthInteger>(_: Stored.Type, _ convert: (Stored) -> Scalar?) {
                let size = MemoryLayout<Stored>.size
                for index in 0..<count {
                    var stored = raw.loadUnaligned(fromByteOffset: index * size, as: Stored.self)
                    if swap { stored = stored.byteSwapped }
                    guard let value = convert(stored) else { failedAt = index; return }
                    (buffer.baseAddress! + index).initialize(to: value)
                    initialized = index + 1
                }
            }
            switch element {
            case .int8: fill(Int8.self) { Scalar(hdf5Integer: $0) }
            case .uint8: fill(UInt8.self) { Scalar(hdf5Integer: $0) }
            case .int16: fill(Int16.self) { Scalar(hdf5Integer: $0) }
            case .uint16: fill(UInt16.self) { Scalar(hdf5Integer: $0) }
            case .int32: fill(Int32.self) { Scalar(hdf5Integer: $0) }
            case .uint32: fill(UInt32.self) { Scalar(hdf5Integer: $0) }
            case .int64: fill(Int64.self) { Scalar(hdf5Integer: $0) }
            case .uint64: fill(UInt64.self) { Scalar(hdf5Integer: $0) }
            case .float32: fill(UInt32.self) { Scalar(hdf5Float: Float(bitPattern: $0)) }
            case .float64: fill(UInt64.self) { Scalar(hdf5Float: Double(bitPattern: $0)) }
            }
        }
        if let failedAt { return .failure(OutOfRange(index: failedAt)) }
        return .success(values)
    }

    /// Whether `Scalar` is the stored type itself, so that converting is copying (the generic
    /// conversion costs a metadata lookup per element when not specialised).
    private static func isStored<Scalar>(_ element: HDF5ElementType, as: Scalar.Type) -> Bool {
        switch element {
        case .int8: Scalar.self == Int8.self
        case .uint8: Scalar.self == UInt8.self
        case .int16: Scalar.self == Int16.self
        case .uint16: Scalar.self == UInt16.self
        case .int32: Scalar.self == Int32.self
        case .uint32: Scalar.self == UInt32.self
        case .int64: Scalar.self == Int64.self || Scalar.self == Int.self && MemoryLayout<Int>.size == 8
        case .uint64: Scalar.self == UInt64.self || Scalar.self == UInt.self && MemoryLayout<UInt>.size == 8
        case .float32: Scalar.self == Float.self
        case .float64: Scalar.self == Double.self
        }
    }

    /// `count` elements of `byteCount` bytes copied from `raw`, each byte-reversed if `swap`.
    private static func copied<Scalar>(_ raw: UnsafeRawPointer, count: Int, byteCount: Int, swap: Bool) -> [Scalar] {
        [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableRawBufferPointer(buffer)
            target.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: count * byteCount))
            if swap {
                for start in stride(from: 0, to: count * byteCount, by: byteCount) {
                    var low = start
                    var high = start + byteCount - 1
                    while low < high {
                        target.swapAt(low, high)
                        low += 1
                        high -= 1
                    }
                }
            }
            initialized = count
        }
    }

    /// The element at `index` that the target type cannot hold.
    struct OutOfRange: Error {
        var index: Int
    }

    /// One stored element as an `Int` label: integers that fit, and floats with an integral value
    /// that fits.
    static func label(_ raw: UnsafeRawPointer, element: HDF5ElementType, order: HDF5ByteOrder) -> Result<Int, UnusableLabel> {
        let swap = order != .native
        func load<Stored: FixedWidthInteger>(_: Stored.Type) -> Stored {
            let value = raw.loadUnaligned(as: Stored.self)
            return swap ? value.byteSwapped : value
        }
        func integer(_ value: some BinaryInteger) -> Result<Int, UnusableLabel> {
            Int(exactly: value).map { .success($0) } ?? .failure(UnusableLabel(value: "\(value)", element: element, isIntegral: true))
        }
        func float(_ value: some BinaryFloatingPoint & CustomStringConvertible) -> Result<Int, UnusableLabel> {
            if let exact = Int(exactly: value) { return .success(exact) }
            let integral = value.isFinite && value.rounded(.towardZero) == value
            return .failure(UnusableLabel(value: value.description, element: element, isIntegral: integral))
        }
        switch element {
        case .int8: return integer(load(Int8.self))
        case .uint8: return integer(load(UInt8.self))
        case .int16: return integer(load(Int16.self))
        case .uint16: return integer(load(UInt16.self))
        case .int32: return integer(load(Int32.self))
        case .uint32: return integer(load(UInt32.self))
        case .int64: return integer(load(Int64.self))
        case .uint64: return integer(load(UInt64.self))
        case .float32: return float(Float(bitPattern: load(UInt32.self)))
        case .float64: return float(Double(bitPattern: load(UInt64.self)))
        }
    }

    /// A stored label that is no `Int`: a fraction, infinity, NaN, or an integer beyond `Int`'s range.
    struct UnusableLabel: Error {
        /// The value as stored, in decimal.
        var value: String
        var element: HDF5ElementType
        /// Whether the value is a whole number (too large for `Int`).
        var isIntegral: Bool

        /// The error for this label at `row` of the labels dataset `labelsPath` in `file`.
        func error(labelsPath: String, row: Int, file: String) -> LoaderError {
            let problem = isIntegral ? "does not fit in Int (\(Int.min)...\(Int.max))" : "is not an integer"
            let hint = element.isFloatingPoint ? "; targets: .values reads real-valued targets (loaders train --task regression)" : ""
            return LoaderError(
                .unsupported, "label \(value) (\(element.name)) in \(labelsPath), row \(row), \(problem)\(hint)",
                path: file, location: .sampleIndex(row))
        }
    }
}
