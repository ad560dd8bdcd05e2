/// The type of an IDX file's elements, from the third byte of its header. Elements are big-endian.
public enum IDXElementType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0x08
    case int8 = 0x09
    case int16 = 0x0B
    case int32 = 0x0C
    case float32 = 0x0D
    case float64 = 0x0E

    /// The size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8: 1
        case .int16: 2
        case .int32, .float32: 4
        case .float64: 8
        }
    }

    /// Whether the elements are integers (and can serve as class labels).
    public var isInteger: Bool {
        switch self {
        case .uint8, .int8, .int16, .int32: true
        case .float32, .float64: false
        }
    }

    /// The numpy-style name: `uint8`, `int8`, `int16`, `int32`, `float32`, `float64`.
    public var description: String {
        switch self {
        case .uint8: "uint8"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .float32: "float32"
        case .float64: "float64"
        }
    }

    /// The integer element at `index` of big-endian `bytes`.
    /// - Precondition: `isInteger`, and `bytes` holds element `index`.
    @inline(__always)
    func integer(at index: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        switch self {
        case .uint8: Int(bytes[index])
        case .int8: Int(Int8(bitPattern: bytes[index]))
        case .int16: Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: index &* 2, as: Int16.self)))
        case .int32: Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: index &* 4, as: Int32.self)))
        case .float32, .float64: preconditionFailure("IDX \(self) elements are not integers")
        }
    }

    /// The element at `index` of big-endian `bytes`, as a Double (exact for every type).
    @inline(__always)
    func double(at index: Int, in bytes: UnsafeRawBufferPointer) -> Double {
        switch self {
        case .uint8, .int8, .int16, .int32: Double(integer(at: index, in: bytes))
        case .float32:
            Double(Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))))
        case .float64:
            Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self)))
        }
    }

    /// Converts `output.count` big-endian elements from `bytes` to the Float nearest each value,
    /// uint8 included: targets are quantities, not pixel intensities.
    /// - Precondition: `bytes.count >= output.count * byteWidth`.
    func convertValuesToFloat(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Float>) {
        guard self == .uint8 else { return convertToFloat(bytes, into: output) }
        precondition(bytes.count >= output.count, "IDX conversion reads past its bytes")
        for i in 0..<output.count { output[i] = Float(bytes[i]) }
    }

    /// Converts `output.count` big-endian elements from `bytes` to Float.
    ///
    /// `uint8` elements are pixel intensities and become `value / 255` in [0, 1], exactly as
    /// torchvision's `ToTensor` computes them; every other type becomes the Float nearest its value.
    /// - Precondition: `bytes.count >= output.count * byteWidth`.
    /// - Complexity: O(`output.count`).
    func convertToFloat(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(bytes.count >= output.count * byteWidth, "IDX conversion reads past its bytes")
        switch self {
        case .uint8:
            let source = bytes.assumingMemoryBound(to: UInt8.self)
            for i in 0..<output.count { output[i] = Float(source[i]) / 255 }
        case .int8:
            let source = bytes.assumingMemoryBound(to: Int8.self)
            for i in 0..<output.count { output[i] = Float(source[i]) }
        case .int16:
            for i in 0..<output.count {
                output[i] = Float(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: i &* 2, as: Int16.self)))
            }
        case .int32:
            for i in 0..<output.count {
                output[i] = Float(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self)))
            }
        case .float32:
            for i in 0..<output.count {
                output[i] = Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)))
            }
        case .float64:
            for i in 0..<output.count {
                output[i] = Float(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))))
            }
        }
    }
}
