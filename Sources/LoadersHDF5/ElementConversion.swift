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

    /// The element at `index` that the target type cannot hold.
    struct OutOfRange: Error {
        var index: Int
    }

    /// One stored element as an `Int` label: integers that fit, and floats with an integral value.
    static func label(_ raw: UnsafeRawPointer, element: HDF5ElementType, order: HDF5ByteOrder) -> Int? {
        let swap = order != .native
        func load<Stored: FixedWidthInteger>(_: Stored.Type) -> Stored {
            let value = raw.loadUnaligned(as: Stored.self)
            return swap ? value.byteSwapped : value
        }
        switch element {
        case .int8: return Int(load(Int8.self))
        case .uint8: return Int(load(UInt8.self))
        case .int16: return Int(load(Int16.self))
        case .uint16: return Int(load(UInt16.self))
        case .int32: return Int(load(Int32.self))
        case .uint32: return Int(load(UInt32.self))
        case .int64: return Int(load(Int64.self))
        case .uint64: return Int(exactly: load(UInt64.self))
        case .float32: return Int(exactly: Float(bitPattern: load(UInt32.self)))
        case .float64: return Int(exactly: Double(bitPattern: load(UInt64.self)))
        }
    }
}
