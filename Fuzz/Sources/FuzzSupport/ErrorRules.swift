import Loaders

/// What every error a reader throws must satisfy: it names one of the input files, and a place
/// in it that exists.
public struct ErrorRules {
    /// The files an error may name.
    public var paths: Set<String>
    /// Codes that may come without a location: they concern the request (a column that does not
    /// exist) or the file as a whole (no records at all), not a place in it.
    public var unlocated: Set<LoaderError.Code>
    /// What is wrong with an error's location, or nil when the place exists in the input.
    public var checkLocation: (LoaderError, LoaderError.Location) -> String?

    public init(
        paths: Set<String>, unlocated: Set<LoaderError.Code> = [],
        checkLocation: @escaping (LoaderError, LoaderError.Location) -> String?
    ) {
        self.paths = paths
        self.unlocated = unlocated
        self.checkLocation = checkLocation
    }

    /// What is wrong with `error`, or nil when it follows the rules.
    func problem(with error: LoaderError) -> String? {
        guard let path = error.path, paths.contains(path) else { return "the error names no input file" }
        guard let location = error.location else {
            return unlocated.contains(error.code) ? nil : "the error has no location"
        }
        return checkLocation(error, location)
    }
}
