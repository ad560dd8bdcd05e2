#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Loaders
import Testing
@testable import loaders

/// A child that ends on a signal is described by what it printed: the Swift runtime's reason
/// (its own, not libhdf5's), or else libhdf5's crash.
@Suite struct IsolatedInspectionMessageTests {
    @Test func swiftRuntimeReasonIsPassedOnNotBlamedOnLibhdf5() {
        let errors = Data("Fatal error: failed to allocate 68719476768 bytes\n".utf8)
        let error = IsolatedInspection.crashError(signal: SIGABRT, errors: errors, file: "big.h5")
        #expect(error.code == .resourceExhausted)
        #expect(error.path == "big.h5")
        #expect(error.message == "the inspecting process stopped (SIGABRT) reading the file: Fatal error: failed to allocate 68719476768 bytes")
    }

    @Test func preconditionIsPassedOnAsMalformed() {
        let errors = Data("warning: x\nLinear.swift:34: Precondition failed: inputFeatures must be positive\n".utf8)
        let error = IsolatedInspection.crashError(signal: SIGILL, errors: errors, file: "f.h5")
        #expect(error.code == .malformed)
        #expect(error.message.hasSuffix("(SIGILL) reading the file: Linear.swift:34: Precondition failed: inputFeatures must be positive"))
    }

    @Test func silentCrashIsLibhdf5s() {
        let error = IsolatedInspection.crashError(signal: SIGSEGV, errors: Data("free(): invalid pointer\n".utf8), file: "f.h5")
        #expect(error.code == .malformed)
        #expect(error.message == "libhdf5 crashed (SIGSEGV) reading the file")
    }
}
