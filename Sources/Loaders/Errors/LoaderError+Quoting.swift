extension LoaderError {
    /// `text` in double quotes for a message, with its control, format and line-separating
    /// characters (and `"`, `\`) escaped as in a Swift string literal: a file's bytes cannot break
    /// the message's one line, hide in it (a NUL, a byte-order mark) or reorder it (a bidi override).
    /// Text longer than `limit` characters is cut, with an ellipsis.
    package static func quoted(_ text: String, limit: Int = .max) -> String {
        var result = "\""
        for scalar in text.prefix(limit).unicodeScalars {
            switch scalar {
            case "\0": result += "\\0"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\"", "\\": result += "\\\(scalar)"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator:
                    result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                default:
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + (text.count > limit ? "…\"" : "\"")
    }
}
