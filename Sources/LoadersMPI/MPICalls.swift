import CMPI
import Loaders

extension LoaderError.Code {
    /// The processes of a distributed job could not communicate (an MPI call failed), or disagree
    /// on something they must share.
    public static let communication = Self("communication")
}

/// Every MPI call of LoadersMPI goes through here, turning a return code into a `LoaderError`
/// that names the call and MPI's own error string.
enum MPICalls {
    /// Runs the MPI call `name`, throwing unless it returns `MPI_SUCCESS`.
    static func check(_ name: String, _ call: () -> Int32) throws {
        let code = call()
        guard code != MPI_SUCCESS else { return }
        throw LoaderError(.communication, "\(name) failed: \(errorString(code)) (MPI error \(code))")
    }

    /// MPI's description of `code`, when MPI is running to give it (Open MPI aborts the process
    /// on `MPI_Error_string` before `MPI_Init` or after `MPI_Finalize`).
    static func errorString(_ code: Int32) -> String {
        var initialized: Int32 = 0, finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        guard initialized != 0 && finalized == 0 else { return "MPI is not running to describe it" }
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &text, &length) == MPI_SUCCESS else { return "unknown error" }
        return String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs `call` over `count` elements of `stride` bytes from `start` in pieces MPI's `Int32`
    /// counts can express, at most `chunk` elements each.
    static func inChunks(
        _ name: String, count: Int, stride: Int, start: UnsafeMutableRawPointer?, chunk: Int,
        _ call: (UnsafeMutableRawPointer?, Int32) -> Int32
    ) throws {
        var done = 0
        while done < count {
            let piece = min(chunk, count - done)
            try check(name) { call(start.map { $0 + done * stride }, Int32(piece)) }
            done += piece
        }
    }
}
