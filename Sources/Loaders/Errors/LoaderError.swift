/// An error reading data: what went wrong, in which file, where in it, and why.
///
/// Every reader in SwiftLoaders throws this type, so a caller can match on `code` and a person can
/// read `description`: `train.csv: line 12, column 7: not a number in column "alcohol": "abc"`.
public struct LoaderError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; formats add their own codes in extensions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// Where in the input the failure was found.
    public enum Location: Hashable, Sendable, CustomStringConvertible {
        /// A byte offset from the start of the (decompressed, where so stated) stream.
        case byteOffset(Int)
        /// A 1-based line and column in a text file.
        case lineColumn(line: Int, column: Int)
        /// A dataset inside a container file, e.g. `/data/train/x` in HDF5.
        case datasetPath(String)
        /// A sample's index in a dataset.
        case sampleIndex(Int)

        public var description: String {
            switch self {
            case .byteOffset(let offset): "byte \(offset)"
            case .lineColumn(let line, let column): "line \(line), column \(column)"
            case .datasetPath(let path): "dataset \(path)"
            case .sampleIndex(let index): "sample \(index)"
            }
        }
    }

    public var code: Code
    public var message: String
    /// The file the failure is about, when there is one.
    public var path: String?
    public var location: Location?
    /// The lower-level error that caused this one, if any.
    public var underlying: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, path: String? = nil, location: Location? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.location = location
        self.underlying = underlying
    }

    public var description: String {
        description(within: nil)
    }

    /// The description, leaving out the file and the place `outer` already names, so that a
    /// wrapped error names each once: `a.h5: sample 3: worker 0 failed reading batch 0 (label …)`.
    private func description(within outer: LoaderError?) -> String {
        var parts: [String] = []
        if let path, path != outer?.path { parts.append(path) }
        if let location, location != outer?.location { parts.append(location.description) }
        parts.append(message)
        var text = parts.joined(separator: ": ")
        if let underlying = underlying as? LoaderError {
            text += " (\(underlying.description(within: self)))"
        } else if let underlying {
            text += " (\(underlying))"
        }
        return text
    }
}

extension LoaderError.Code {
    /// The file could not be opened, read or written.
    public static let io = Self("io")
    /// The bytes do not follow the format.
    public static let malformed = Self("malformed")
    /// The file ends before the format says it should.
    public static let truncated = Self("truncated")
    /// A value or size is outside what the reader accepts (too large, unsupported type).
    public static let unsupported = Self("unsupported")
    /// Two inputs that must agree do not (image and label counts, sample shapes).
    public static let mismatch = Self("mismatch")
}
