import Loaders

/// A thrown `LoaderError` reduced to what two reading paths must agree on: the code, the file and
/// the place. The description is kept for reports only.
public struct Failure: Equatable, CustomStringConvertible {
    public var code: LoaderError.Code
    public var path: String?
    public var location: LoaderError.Location?
    public var description: String

    public init(_ error: LoaderError) {
        code = error.code
        path = error.path
        location = error.location
        description = error.description
    }

    public static func == (left: Failure, right: Failure) -> Bool {
        left.code == right.code && left.path == right.path && left.location == right.location
    }
}

/// What one way of reading an input gave: a value, or the error it threw.
public enum Outcome<Value: Equatable>: Equatable {
    case value(Value)
    case failure(Failure)

    /// Runs `body`. An error that is not a `LoaderError`, or that breaks `rules`, is a violation.
    public init(_ what: String, rules: ErrorRules, _ body: () throws -> Value) {
        do {
            self = .value(try body())
        } catch let error as LoaderError {
            if let problem = rules.problem(with: error) { violation("\(what): \(problem): \(error)") }
            self = .failure(Failure(error))
        } catch {
            violation("\(what) threw a \(type(of: error)), not a LoaderError: \(error)")
        }
    }

    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    public var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// Two ways of reading the same input must give the same values, or fail with the same code at
/// the same place.
public func expectSame<Value>(_ first: Outcome<Value>, _ second: Outcome<Value>, _ what: String) {
    guard first != second else { return }
    violation("\(what) disagree:\n  \(brief(first))\n  \(brief(second))")
}

/// An outcome short enough for a report.
public func brief<Value>(_ outcome: Outcome<Value>) -> String {
    let text = switch outcome {
    case .value(let value): "value \(value)"
    case .failure(let failure): "error \(failure.code): \(failure.description)"
    }
    return text.count > 600 ? String(text.prefix(600)) + "…" : text
}
