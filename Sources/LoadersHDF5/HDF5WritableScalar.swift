/// A Swift number type `HDF5Writer` stores as the matching HDF5 element type.
public protocol HDF5WritableScalar: Sendable {
    /// The element type a dataset of this Swift type is stored as.
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Int8: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .int8 } }
extension UInt8: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
extension Int16: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .int16 } }
extension UInt16: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .uint16 } }
extension Int32: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .int32 } }
extension UInt32: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .uint32 } }
extension Int64: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension UInt64: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .uint64 } }
extension Float: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Double: HDF5WritableScalar { public static var hdf5ElementType: HDF5ElementType { .float64 } }
