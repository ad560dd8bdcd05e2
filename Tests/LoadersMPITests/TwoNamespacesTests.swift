import ChildProcessSupport
import Foundation
import Testing

/// Two MPI ranks on two "machines": network namespaces of this one, joined by a veth pair, one
/// rank in each, so that the gradients cross a real TCP link (Docs/Scaling.md, "Two machines on
/// one"). The same training as `MPIEquivalenceTests`, and the bytes counted on the link.
@Suite(
    .enabled(if: MPIRun.path != nil, "mpirun is not on PATH: install openmpi-bin (`make deps` does)"),
    .enabled(if: VethLink.ipPath != nil, "iproute2's `ip` is not on PATH: install iproute2 (`make deps` does)"),
    .enabled(if: geteuid() == 0, "creating network namespaces needs root"),
    .enabled("`ip netns add` fails: the kernel or the container refuses network namespaces") { VethLink.namespacesAllowed() }
)
struct TwoNamespacesTests {
    /// `--mca plm_rsh_agent`: enters the namespace a host address lives in, where ssh would log in.
    static let agent = MPIEquivalenceTests.root.appendingPathComponent("Tests/LoadersMPITests/netns-agent.sh").path

    @Test func twoRanksInTwoNamespacesTrainAsOneProcessOverTCP() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-netns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        VethLink.removeLeftovers()
        let link = try VethLink()
        defer { link.remove() }

        let hostfile = directory.appendingPathComponent("hosts")
        try link.addresses.map { "\($0) slots=1\n" }.joined().write(to: hostfile, atomically: true, encoding: .utf8)
        let steps = 100, samples = 1280   // the 100 steps `expectTrainedAsOneProcess` checks
        let common = ["--data", MPIEquivalenceTests.root.appendingPathComponent("Fixtures/mnist").path, "--steps", "\(steps)",
                      "--samples", "\(samples)", "--output", directory.path]
        let before = try link.byteCounts()
        // mpirun runs in the first namespace, so the first address is its own machine and the
        // second is reached through the agent. TCP only (no shared memory between the ranks), on
        // the link's subnet only, for the ranks and for Open MPI's own daemons.
        let distributed = try await MPIEquivalenceTests.run(VethLink.ipPath!, [
            "netns", "exec", link.namespaces[0], MPIRun.path!, "--allow-run-as-root", "--hostfile", hostfile.path, "-np", "2",
            "--mca", "plm_rsh_agent", "\(Self.agent) \(link.addresses[1])=\(link.namespaces[1])",
            "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", VethLink.subnet, "--mca", "oob_tcp_if_include", VethLink.subnet,
            MPIEquivalenceTests.program, "--distributed", "--batch-size", "32",
        ] + common)
        let after = try link.byteCounts()
        #expect(distributed.status == 0 && !distributed.timedOut, "\(distributed.standardOutput)\(distributed.standardError)")
        let single = try await MPIEquivalenceTests.run(MPIEquivalenceTests.program, ["--batch-size", "64"] + common)
        #expect(single.status == 0 && !single.timedOut, "\(single.standardError)")

        // Two machines: each rank is the only one on its own, so both have local rank 0.
        try MPIEquivalenceTests.expectTrainedAsOneProcess(distributed, samples: samples, localRanks: [0, 0], directory: directory)

        // Every step's allreduce moves at least the whole gradient each way between two ranks
        // (a ring sends half in its reduce-scatter and half in its all-gather; recursive doubling
        // sends all of it), so each direction carries at least steps × parameters × 4 bytes.
        let payload = steps * MPIEquivalenceTests.tensorSizes.reduce(0, +) * MemoryLayout<Float>.size
        let sent = zip(after.sent, before.sent).map { $0 - $1 }, received = zip(after.received, before.received).map { $0 - $1 }
        print("TwoNamespacesTests: bytes sent by each namespace's end \(sent), received \(received); allreduce payload \(payload) each way")
        for end in 0..<2 {
            #expect(sent[end] >= payload && received[end] >= payload,
                    "\(link.namespaces[end]) sent \(sent[end]) and received \(received[end]) bytes, fewer than the \(payload) of the gradients")
        }
    }
}

/// Two network namespaces joined by a veth pair, with an address each on `subnet`: two machines
/// on one cable. Removing the namespaces removes the link.
struct VethLink {
    static let ipPath: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/ip" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The namespaces' names start with the prefix and this process's id, so a run cleans up what
    /// a killed run left behind without touching a live run's namespaces.
    static let prefix = "loaders-mpi-"
    static let subnet = "10.77.0.0/24"

    let namespaces: [String]
    let addresses = ["10.77.0.1", "10.77.0.2"]
    /// The veth end inside each namespace.
    let interfaces = ["mpi0", "mpi1"]

    /// Creates the namespaces, the link and the addresses, and brings every interface up;
    /// removes what it made if a step fails.
    init() throws {
        namespaces = ["a", "b"].map { "\(Self.prefix)\(getpid())-\($0)" }
        do {
            for namespace in namespaces { try Self.ip("netns", "add", namespace) }
            try Self.ip("link", "add", "name", interfaces[0], "netns", namespaces[0],
                        "type", "veth", "peer", "name", interfaces[1], "netns", namespaces[1])
            for end in 0..<2 {
                try Self.ip("-n", namespaces[end], "address", "add", "\(addresses[end])/24", "dev", interfaces[end])
                try Self.ip("-n", namespaces[end], "link", "set", interfaces[end], "up")
                try Self.ip("-n", namespaces[end], "link", "set", "lo", "up")
            }
        } catch {
            remove()
            throw error
        }
    }

    func remove() {
        for namespace in namespaces { _ = try? Self.ip("netns", "delete", namespace) }
    }

    /// Bytes each end has sent and received so far, from the kernel's counters in the namespace.
    func byteCounts() throws -> (sent: [Int], received: [Int]) {
        func counter(_ end: Int, _ name: String) throws -> Int {
            let text = try Self.ip("netns", "exec", namespaces[end], "cat", "/sys/class/net/\(interfaces[end])/statistics/\(name)")
            guard let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw CommandFailure(command: "cat \(name) in \(namespaces[end])", output: text)
            }
            return value
        }
        return (try (0..<2).map { try counter($0, "tx_bytes") }, try (0..<2).map { try counter($0, "rx_bytes") })
    }

    /// Deletes the namespaces of earlier runs that no longer run (killed before their cleanup).
    static func removeLeftovers() {
        guard let list = try? ip("netns", "list") else { return }
        for line in list.split(separator: "\n") {
            guard let name = line.split(separator: " ").first.map(String.init), name.hasPrefix(prefix),
                  let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }) else { continue }
            if pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH) { _ = try? ip("netns", "delete", name) }
        }
    }

    /// Whether `ip netns add` works here: containers without the privilege, and kernels without
    /// network namespaces, refuse it.
    static func namespacesAllowed() -> Bool {
        removeLeftovers()
        let probe = "\(prefix)\(getpid())-probe"
        guard (try? ip("netns", "add", probe)) != nil else { return false }
        _ = try? ip("netns", "delete", probe)
        return true
    }

    /// Runs `ip` with `arguments` and returns what it printed.
    /// - Throws: `CommandFailure` with its output when it fails. `ip` answers in milliseconds, so
    ///   the wait blocks instead of suspending.
    @discardableResult
    static func ip(_ arguments: String...) throws -> String {
        guard let ipPath else { throw CommandFailure(command: "ip", output: "not on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipPath)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(command: "ip " + arguments.joined(separator: " "), output: output)
        }
        return output
    }
}

/// A command that ended with a failure, and what it printed.
struct CommandFailure: Error, CustomStringConvertible {
    let command: String
    let output: String
    var description: String { "`\(command)` failed: \(output)" }
}
