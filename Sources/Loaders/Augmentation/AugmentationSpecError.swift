/// Why an augmentation spec could not be read, and where: the 1-based character position in the
/// spec of the part that is wrong.
///
/// `augmentation spec "blur(kernel=4)", character 13: blur kernel must be odd and positive, got 4`
public struct AugmentationSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not of the form `name(parameter=value, …), …`: a missing `=`, an empty part, text after `)`.
        case syntax
        /// A `(` never closed, a `)` never opened, or parentheses inside parentheses.
        case unbalancedParentheses
        /// A transform name not in `AugmentationSpec.entries`.
        case unknownTransform
        /// A parameter the transform does not have.
        case unknownParameter
        /// A parameter given twice.
        case duplicateParameter
        /// A parameter without a default that is not given.
        case missingParameter
        /// A value that is not a number (or a pair, or a word) where one is wanted.
        case badValue
        /// A number outside the values the parameter takes.
        case outOfRange
    }

    public var kind: Kind
    /// The spec as given.
    public var spec: String
    /// Where the wrong part starts, counting the spec's characters from 1.
    public var position: Int
    public var message: String

    public init(_ kind: Kind, _ message: String, spec: String, position: Int) {
        self.kind = kind
        self.message = message
        self.spec = spec
        self.position = position
    }

    public var description: String {
        "augmentation spec \"\(spec)\", character \(position): \(message)"
    }
}
