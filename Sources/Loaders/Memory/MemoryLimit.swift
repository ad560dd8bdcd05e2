#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The most memory that one allocation sized by a file's metadata or by an argument may take.
///
/// A 2 KB file can declare billions of rows or rows of gigabytes that were never written; a
/// loader that believed it would ask the system for more than it has and be killed. Wherever a
/// size comes from a file or an argument (an epoch's order, a batch, a model's parameters, a
/// block read), it is checked here first and refused with `LoaderError` `.resourceExhausted`,
/// naming what needed the memory and how much.
///
/// The limit defaults to the memory this process can have: the machine's physical memory, or
/// less under an address-space limit (`ulimit -v`) or a cgroup memory limit. Raise or lower it
/// for the whole process:
///
/// ```swift
/// MemoryLimit.bytes = 4 << 30    // refuse anything sized by a file past 4 GiB
/// ```
public enum MemoryLimit {
    private static let current = Atomic<Int>(available)

    /// The limit in bytes, for every check from now on; at least 1.
    public static var bytes: Int {
        get { current.load(ordering: .relaxed) }
        set { current.store(max(newValue, 1), ordering: .relaxed) }
    }

    /// The memory this process can have: physical memory, the address-space limit or the
    /// cgroup limit, whichever is least.
    public static let available: Int = {
        var least = Int.max
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0, let physical = product([pages, pageSize]) { least = physical }
        var limit = rlimit()
        // RLIM_INFINITY is the largest value, past Int.max.
        if getrlimit(RLIMIT_AS_RESOURCE, &limit) == 0, limit.rlim_cur < UInt64(Int.max) {
            least = min(least, Int(limit.rlim_cur))
        }
        if let cgroup = cgroupMemoryMax() { least = min(least, cgroup) }
        return least
    }()

    /// Throws unless `bytes` fit within the limit.
    /// - Parameters:
    ///   - bytes: the size asked for; `nil` when computing it overflowed, which never fits.
    ///   - purpose: what needs the memory, e.g. "a batch of 64 samples of [20000, 20000]".
    ///   - path: the file whose metadata the size came from.
    ///   - location: the place in it.
    ///   - limit: the limit to hold to, `bytes` unless a test asks for less.
    /// - Throws: `LoaderError` `.resourceExhausted` naming the purpose, the size and the limit.
    public static func check(
        _ bytes: Int?, for purpose: String, path: String? = nil, location: LoaderError.Location? = nil,
        limit: Int = MemoryLimit.bytes
    ) throws(LoaderError) {
        guard let bytes, bytes <= limit else {
            var (size, allowed) = (bytes.map(describe) ?? "more than \(describe(Int.max))", describe(limit))
            if size == allowed, let bytes {
                // Rounded alike: the exact counts tell them apart.
                size += " (\(bytes) bytes)"
                allowed += " (\(limit) bytes)"
            }
            throw LoaderError(
                .resourceExhausted,
                "\(purpose) needs \(size), more than the memory limit of \(allowed) (MemoryLimit.bytes, --memory-limit)",
                path: path, location: location)
        }
    }

    /// The product of `factors` (a count of elements times their size), or `nil` when it
    /// overflows or a factor is negative.
    public static func product(_ factors: some Sequence<Int>) -> Int? {
        var total = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// The sum of `terms` (sizes of the parts of a whole), or `nil` when a term is `nil` or
    /// negative or the sum overflows.
    public static func sum(_ terms: [Int?]) -> Int? {
        var total = 0
        for term in terms {
            guard let term, term >= 0 else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(term)
            if overflow { return nil }
            total = sum
        }
        return total
    }

    /// `bytes` for a person, in binary units: "64.0 GiB".
    static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }

    /// cgroup v2's `memory.max` for this process, when one is set.
    private static func cgroupMemoryMax() -> Int? {
        guard let file = fopen("/sys/fs/cgroup/memory.max", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        // "max" when unlimited, otherwise a number of bytes and a line break.
        let digits = line.prefix { $0 >= 0x30 && $0 <= 0x39 }.map { UInt8(bitPattern: $0) }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}

#if canImport(Glibc) || canImport(Musl)
private let RLIMIT_AS_RESOURCE = __rlimit_resource_t(RLIMIT_AS.rawValue)
#else
private let RLIMIT_AS_RESOURCE = RLIMIT_AS
#endif
