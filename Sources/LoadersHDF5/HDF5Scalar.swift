/// A Swift number type that `HDF5File.read(_:as:strategy:)` converts stored elements into.
///
/// Integer targets take only values they represent exactly (a stored `300` read as `UInt8` is an
/// error, not 44); floating-point targets round to nearest.
public protocol HDF5Scalar: Sendable {
    /// Converts a stored integer, or returns nil when it does not fit.
    init?<Source: BinaryInteger>(hdf5Integer value: Source)
    /// Converts a stored float, or returns nil when it does not fit.
    init?<Source: BinaryFloatingPoint>(hdf5Float value: Source)
}

extension HDF5Scalar where Self: BinaryFloatingPoint {
    public init?<Source: BinaryInteger>(hdf5Integer value: Source) { self.init(value) }
    public init?<Source: BinaryFloatingPoint>(hdf5Float value: Source) { self.init(value) }
}

extension HDF5Scalar where Self: FixedWidthInteger {
    public init?<Source: BinaryInteger>(hdf5Integer value: Source) { self.init(exactly: value) }
    public init?<Source: BinaryFloatingPoint>(hdf5Float value: Source) { self.init(exactly: value) }
}

extension Float: HDF5Scalar {}
extension Double: HDF5Scalar {}
extension Int: HDF5Scalar {}
extension Int8: HDF5Scalar {}
extension Int16: HDF5Scalar {}
extension Int32: HDF5Scalar {}
extension Int64: HDF5Scalar {}
extension UInt: HDF5Scalar {}
extension UInt8: HDF5Scalar {}
extension UInt16: HDF5Scalar {}
extension UInt32: HDF5Scalar {}
extension UInt64: HDF5Scalar {}
