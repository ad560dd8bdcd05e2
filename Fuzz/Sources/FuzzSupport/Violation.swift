#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reports a broken property and aborts, which libFuzzer records as a crash and saves the input.
public func violation(_ message: String) -> Never {
    let report = Array("property violated: \(message)\n".utf8)
    _ = report.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}
