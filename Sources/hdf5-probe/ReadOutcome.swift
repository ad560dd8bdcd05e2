import Loaders

/// What one way of reading a dataset produced: its shape and every element's bit pattern, or the
/// error it ended with.
enum ReadOutcome: Equatable {
    case values(shape: [Int], bits: [UInt64])
    case failed(ReadFailure)
    /// Not read: the file claims more elements than a check reads (`ReadCheck.elementLimit`).
    case tooLarge(elements: Int)

    /// Runs `body`, turning a thrown error into `.failed`; `file` and `places` say what a typed
    /// error must name to count as naming its place.
    static func of(file: String, places: [String], _ body: () throws -> ReadOutcome) -> ReadOutcome {
        do {
            return try body()
        } catch let error as LoaderError {
            let namesPlace = places.isEmpty || places.contains { place in
                error.location == .datasetPath(place) || error.message.contains(place)
            }
            return .failed(ReadFailure(code: error.code.rawValue, description: error.description, typed: error.path == file && namesPlace))
        } catch {
            return .failed(ReadFailure(code: "untyped", description: "\(error)", typed: false))
        }
    }
}

/// An error a read ended with.
struct ReadFailure: Equatable {
    /// The `LoaderError` code, or "untyped" for any other error.
    var code: String
    var description: String
    /// Whether it is a `LoaderError` naming the file and (for a dataset's reads) the dataset.
    var typed: Bool
}
