/// A short text naming an augmentation, for command lines and configuration files:
/// `"hflip,erasing(p=0.25)"`, `"blur(kernel=3,sigma=0.1:2),noise(sigma=0.05)"`.
///
/// Grammar (spaces allowed around every token):
///
///     spec      = transform ("," transform)*
///     transform = name ["(" [parameter ("," parameter)*] ")"]
///     parameter = name "=" value
///     value     = number (":" number)*  |  word
///
/// `a:b` is a range (uniform draws between a and b) or a pair where torchvision takes a tuple; a
/// single number where a range is taken is the range torchvision makes of it. The transforms, their
/// parameters and defaults are the rows of `entries`.
///
/// ```swift
/// let augmentation = try Augmentation(spec: "hflip,erasing(p=0.25),normalize(mean=0.1307,std=0.3081)")
/// ```
public enum AugmentationSpec {
    /// A parameter's value as written: numbers separated by `:`, or a word such as `random`.
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case numbers([Double])
        case word(String)

        /// One number.
        public static func number(_ value: Double) -> Value { .numbers([value]) }

        public var description: String {
            switch self {
            case .numbers(let numbers): numbers.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }.joined(separator: ":")
            case .word(let word): word
            }
        }
    }

    /// One parameter of a transform: its name in the spec, its default (nil: it must be given) and
    /// what it means.
    public struct Parameter: Sendable {
        public let name: String
        public let defaultValue: Value?
        public let summary: String

        public init(_ name: String, _ defaultValue: Value?, _ summary: String) {
            self.name = name
            self.defaultValue = defaultValue
            self.summary = summary
        }
    }

    /// One transform of the spec language: its name, its parameters, and how to make it from the
    /// values given (checking them, so that a bad value is an error and not a stop).
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        public let parameters: [Parameter]
        public let make: @Sendable (Arguments) throws(AugmentationSpecError) -> any ImageTransform

        public init(_ name: String, _ summary: String, parameters: [Parameter],
                    make: @escaping @Sendable (Arguments) throws(AugmentationSpecError) -> any ImageTransform) {
            self.name = name
            self.summary = summary
            self.parameters = parameters
            self.make = make
        }
    }

    /// The values of one transform's parameters, given or default, read with checks that throw an
    /// error pointing at the value.
    public struct Arguments: Sendable {
        public let transform: String
        let spec: String
        /// Each parameter's value and the position of its first character (the transform name's
        /// for a default).
        let values: [String: (value: Value, position: Int)]

        /// The value of `name`, as given or by default.
        public func value(_ name: String) -> Value {
            guard let value = values[name]?.value else { preconditionFailure("\(transform) has no parameter \(name)") }
            return value
        }

        /// An error about the value of `name`, pointing at it.
        public func error(_ kind: AugmentationSpecError.Kind, _ name: String, _ message: String) -> AugmentationSpecError {
            AugmentationSpecError(kind, "\(transform) \(name) \(message)", spec: spec, position: values[name]?.position ?? 1)
        }

        /// The numbers of `name`: `count` of them (any count when nil), each within `bounds`.
        public func numbers(_ name: String, count: Int? = nil, within bounds: ClosedRange<Double> = -.infinity...(.infinity),
                            integer: Bool = false) throws(AugmentationSpecError) -> [Double] {
            guard case .numbers(let numbers) = value(name), count == nil || numbers.count == count else {
                let wanted = count == 1 ? "a number" : count == 2 ? "a pair a:b" : "numbers a:b:…"
                throw error(.badValue, name, "must be \(wanted), got \(value(name))")
            }
            for number in numbers where !bounds.contains(number) || (integer && number != number.rounded()) {
                throw error(.outOfRange, name, "must be \(integer ? "a whole number" : "a number") in \(bounds.lowerBound)...\(bounds.upperBound), got \(number)")
            }
            return numbers
        }

        /// The single number of `name`, within `bounds`.
        public func number(_ name: String, within bounds: ClosedRange<Double> = -.infinity...(.infinity)) throws(AugmentationSpecError) -> Double {
            try numbers(name, count: 1, within: bounds)[0]
        }

        /// The range `a:b` of `name` (`a <= b`), within `bounds`; a single number `x` is `x...x`.
        public func range(_ name: String, within bounds: ClosedRange<Double> = -.infinity...(.infinity)) throws(AugmentationSpecError) -> ClosedRange<Double> {
            let numbers = try numbers(name, within: bounds)
            guard numbers.count <= 2, numbers[0] <= numbers[numbers.count - 1] else {
                throw error(.badValue, name, "must be a number or a range a:b with a <= b, got \(value(name))")
            }
            return numbers[0]...numbers[numbers.count - 1]
        }

        /// The value of `name` as `true` or `false`.
        public func flag(_ name: String) throws(AugmentationSpecError) -> Bool {
            switch value(name) {
            case .word("true"): return true
            case .word("false"): return false
            default: throw error(.badValue, name, "must be true or false, got \(value(name))")
            }
        }
    }

    /// The transform `name` of `entries`.
    public static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The augmentation `spec` describes, its transforms applied in the order written.
    /// - Throws: `AugmentationSpecError` naming the part that is wrong and where it starts.
    public static func parse(_ spec: String) throws(AugmentationSpecError) -> Augmentation {
        let characters = Array(spec)
        func fail(_ kind: AugmentationSpecError.Kind, _ message: String, at index: Int) -> AugmentationSpecError {
            AugmentationSpecError(kind, message, spec: spec, position: index + 1)
        }
        // Parentheses first, so that a missing one is named as such rather than as what follows.
        var open: Int?
        var transforms: [Range<Int>] = []
        var start = 0
        for (index, character) in characters.enumerated() {
            switch character {
            case "(":
                if let open { throw fail(.unbalancedParentheses, "a \"(\" inside the \"(\" at character \(open + 1)", at: index) }
                open = index
            case ")":
                guard open != nil else { throw fail(.unbalancedParentheses, "a \")\" without its \"(\"", at: index) }
                open = nil
            case "," where open == nil:
                transforms.append(start..<index)
                start = index + 1
            default: break
            }
        }
        if let open { throw fail(.unbalancedParentheses, "the \"(\" is never closed", at: open) }
        transforms.append(start..<characters.count)
        var made: [any ImageTransform] = []
        for part in transforms {
            made.append(try transform(in: characters, part, spec: spec, fail: fail))
        }
        return Augmentation(made)
    }

    /// The transform written in `characters[part]`: a name, then its parameters in parentheses.
    private static func transform(
        in characters: [Character], _ part: Range<Int>, spec: String,
        fail: (AugmentationSpecError.Kind, String, Int) -> AugmentationSpecError
    ) throws(AugmentationSpecError) -> any ImageTransform {
        let (nameRange, afterName) = token(in: characters, part) { $0 != "(" }
        let name = String(characters[nameRange])
        guard !name.isEmpty else {
            throw fail(.syntax, "expected a transform name (one of \(entries.map(\.name).joined(separator: ", ")))", nameRange.lowerBound)
        }
        guard let entry = entry(named: name) else {
            throw fail(.unknownTransform, "unknown transform \"\(name)\"; known: \(entries.map(\.name).joined(separator: ", "))", nameRange.lowerBound)
        }
        var given: [String: (value: Value, position: Int)] = [:]
        if afterName < part.upperBound {
            // characters[afterName] is "(" and, the parentheses being balanced, a ")" closes it.
            let close = characters[afterName..<part.upperBound].firstIndex(of: ")")!
            if let extra = characters[(close + 1)..<part.upperBound].firstIndex(where: { !$0.isWhitespace }) {
                throw fail(.syntax, "unexpected \"\(characters[extra])\" after \(name)(…); transforms are separated by \",\"", extra)
            }
            let inside = (afterName + 1)..<close
            if characters[inside].contains(where: { !$0.isWhitespace }) {
                var parameterStart = inside.lowerBound
                for index in inside.lowerBound...inside.upperBound where index == inside.upperBound || characters[index] == "," {
                    let (key, keyPosition, value, position) = try parameter(in: characters, parameterStart..<index, of: entry, fail: fail)
                    guard given[key] == nil else { throw fail(.duplicateParameter, "\(name) \(key) is given twice", keyPosition) }
                    given[key] = (value, position)
                    parameterStart = index + 1
                }
            }
        }
        var values: [String: (value: Value, position: Int)] = [:]
        for parameter in entry.parameters {
            if let value = given[parameter.name] {
                values[parameter.name] = (value.value, value.position + 1)
            } else if let value = parameter.defaultValue {
                values[parameter.name] = (value, nameRange.lowerBound + 1)
            } else {
                throw fail(.missingParameter, "\(name) needs \(parameter.name)=… (\(parameter.summary))", nameRange.lowerBound)
            }
        }
        return try entry.make(Arguments(transform: name, spec: spec, values: values))
    }

    /// One `key=value` of `entry`, with the indices of the key's and the value's first characters.
    private static func parameter(
        in characters: [Character], _ part: Range<Int>, of entry: Entry,
        fail: (AugmentationSpecError.Kind, String, Int) -> AugmentationSpecError
    ) throws(AugmentationSpecError) -> (String, Int, Value, Int) {
        let (keyRange, afterKey) = token(in: characters, part) { $0 != "=" }
        let key = String(characters[keyRange])
        let known = entry.parameters.map(\.name)
        guard afterKey < part.upperBound, !key.isEmpty else {
            throw fail(.syntax, "expected name=value in \(entry.name)(…)\(known.isEmpty ? "" : " (parameters: \(known.joined(separator: ", ")))")",
                       key.isEmpty ? min(keyRange.lowerBound, part.upperBound) : keyRange.lowerBound)
        }
        guard known.contains(key) else {
            throw fail(.unknownParameter, "\(entry.name) has no parameter \"\(key)\"; its parameters: \(known.isEmpty ? "none" : known.joined(separator: ", "))",
                       keyRange.lowerBound)
        }
        let (valueRange, _) = token(in: characters, (afterKey + 1)..<part.upperBound) { _ in true }
        let text = String(characters[valueRange])
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        let numbers = pieces.compactMap { Double($0) }
        if numbers.count == pieces.count, numbers.allSatisfy(\.isFinite) {
            return (key, keyRange.lowerBound, .numbers(numbers), valueRange.lowerBound)
        }
        if !text.isEmpty, text.allSatisfy({ $0.isLetter }) {
            return (key, keyRange.lowerBound, .word(text), valueRange.lowerBound)
        }
        throw fail(.badValue, "\(entry.name) \(key) must be a number, numbers a:b or a word, got \"\(text)\"", min(valueRange.lowerBound, part.upperBound))
    }

    /// The characters of `part` from its first non-space one while `belongs` holds, spaces
    /// around trimmed, and the index after them.
    private static func token(in characters: [Character], _ part: Range<Int>, while belongs: (Character) -> Bool) -> (Range<Int>, Int) {
        var start = part.lowerBound
        while start < part.upperBound, characters[start].isWhitespace { start += 1 }
        var end = start
        while end < part.upperBound, belongs(characters[end]) { end += 1 }
        var trimmed = end
        while trimmed > start, characters[trimmed - 1].isWhitespace { trimmed -= 1 }
        return (start..<trimmed, end)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}

extension Augmentation {
    /// The augmentation `spec` describes (see `AugmentationSpec` for the grammar and names).
    /// - Throws: `AugmentationSpecError` naming the part that is wrong and where it starts.
    public init(spec: String) throws(AugmentationSpecError) {
        self = try AugmentationSpec.parse(spec)
    }
}
