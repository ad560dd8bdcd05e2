import Loaders

extension LoaderError.Code {
    /// libhdf5 reported a failure that no more specific code describes; the message carries its text.
    public static let hdf5 = Self("hdf5")
    /// A stored checksum does not match the data it protects.
    public static let checksum = Self("checksum")
}
