import Loaders

extension LoaderError.Code {
    /// libhdf5 reported a failure that no more specific code describes; the message carries its text.
    public static let hdf5 = Self("hdf5")
}
