import Foundation

/// So that `localizedDescription`, what Foundation and most UIs show of an error, is the message
/// naming the file and the place rather than "The operation could not be completed".
extension LoaderError: LocalizedError {
    public var errorDescription: String? { description }
}
