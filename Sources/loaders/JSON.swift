/// A JSON value for the command line's machine-readable output: objects keep their key order,
/// numbers print without loss, strings are escaped.
///
/// JSON has no infinity or NaN: they print as the strings `"inf"`, `"-inf"` and `"nan"`, so that
/// `null` keeps its one meaning, "no value" (the minimum of an empty array).
enum JSON: Equatable {
    case null
    case bool(Bool)
    /// An exact integer, printed in full.
    case integer(Int128)
    /// A Double, printed as the shortest text that reads back to the same value.
    case double(Double)
    /// A Float, printed as the shortest text that reads back to the same Float.
    case float(Float)
    case string(String)
    case array([JSON])
    /// Key–value pairs in the order they are printed.
    case object([(String, JSON)])

    static func == (left: JSON, right: JSON) -> Bool {
        left.text == right.text
    }

    /// The compact JSON text, without spaces: `{"a":[1,2.5,"x"]}`.
    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .integer(let value):
            output += String(value)
        case .double(let value):
            output += value.isFinite ? value.description : "\"\(Self.nonFiniteName(value))\""
        case .float(let value):
            output += value.isFinite ? value.description : "\"\(Self.nonFiniteName(Double(value)))\""
        case .string(let value):
            Self.writeString(value, to: &output)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (position, (key, value)) in members.enumerated() {
                if position > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    /// The value as people read it: numbers and `null` as in `text`, infinities and NaN bare
    /// (`inf`, `-inf`, `nan`), a string without quotes.
    var readableText: String {
        switch self {
        case .double(let value) where !value.isFinite: Self.nonFiniteName(value)
        case .float(let value) where !value.isFinite: Self.nonFiniteName(Double(value))
        case .string(let value): value
        default: text
        }
    }

    /// `inf`, `-inf` or `nan`: the names Python's `float()` reads back.
    private static func nonFiniteName(_ value: Double) -> String {
        value.isNaN ? "nan" : value < 0 ? "-inf" : "inf"
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
