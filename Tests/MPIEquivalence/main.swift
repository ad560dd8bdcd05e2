// Trains `flatten linear(32) relu linear(10)` on the first 1,280 MNIST training images for a
// number of SGD steps with momentum, either as one rank of an MPI job (`--distributed`, batches of
// `--batch-size` per rank, gradients averaged over the ranks) or as one process, and writes the
// final parameters as little-endian Float32, all tensors in order, for LoadersMPITests to compare.
//
//     mpirun -np 2 mpi-equivalence --distributed --batch-size 32 --output DIR   # DIR/rank-0.f32, rank-1.f32
//     mpi-equivalence --batch-size 64 --output DIR                            # DIR/single.f32
//
// `--chunk N` makes every collective move at most N elements per MPI call, to exercise the
// pieces that buffers beyond MPI's Int32 counts go in.
//
// `--mismatched-rank R` gives rank R a hidden layer of 33 instead of 32, for the start-up check
// that the ranks' models agree.
//
// Each rank initialises its model from a seed of its own (its rank), so that only the broadcast
// of rank 0's parameters can make the ranks, and the single process, start alike.

import Foundation
import Loaders
import LoadersMPI
import Training

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mpi-equivalence: \(message)\n".utf8))
    exit(1)
}

var given = ["--data": "Fixtures/mnist", "--batch-size": "64", "--steps": "100", "--samples": "1280", "--output": "", "--chunk": "\(Int32.max)", "--mismatched-rank": "-1"]
var distributed = false
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    if name == "--distributed" { distributed = true; continue }
    guard given[name] != nil, let value = arguments.popFirst() else {
        fail("unknown option or missing value at \(name); options: --distributed, \(given.keys.sorted().joined(separator: ", "))")
    }
    given[name] = value
}
let options = given
guard let batchSize = Int(options["--batch-size"]!), batchSize > 0,
      let steps = Int(options["--steps"]!), steps > 0,
      let samples = Int(options["--samples"]!), samples > 0,
      let chunk = Int(options["--chunk"]!), (1...Int(Int32.max)).contains(chunk),
      let mismatchedRank = Int(options["--mismatched-rank"]!) else {
    fail("--batch-size, --steps, --samples and --chunk take positive whole numbers (--chunk at most \(Int32.max))")
}
guard let output = options["--output"], !output.isEmpty else { fail("--output DIR is required") }

/// The model's parameters, in order, as one array.
func flattened(_ model: any Layer) -> [Float] {
    model.parameters.flatMap(\.value.scalars)
}

/// Whether every rank holds exactly rank 0's parameters, bit for bit.
func identicalAcrossRanks(_ model: any Layer, _ group: MPIProcessGroup) throws -> Bool {
    let mine = flattened(model)
    var first = mine
    try group.broadcast(&first, from: 0)
    let differing = zip(mine, first).filter { $0.bitPattern != $1.bitPattern }.count
    return try group.range(of: Int64(differing)).upperBound == 0
}

/// Checks `allreduce`'s average and `barrier` against values every rank can work out alone:
/// rank r contributes (r, r², 1) over `--chunk`-sized pieces, whose means are (W-1)/2,
/// (W-1)(2W-1)/6 and 1.
func checkCollectives(_ group: MPIProcessGroup) throws {
    let (r, w) = (Float(group.rank), Float(group.worldSize))
    var values: [Float] = Array(repeating: [r, r * r, 1], count: 1000).flatMap { $0 }
    try group.allreduce(&values, .average)
    let expected: [Float] = [(w - 1) / 2, (w - 1) * (2 * w - 1) / 6, 1]
    guard values == Array(repeating: expected, count: 1000).flatMap({ $0 }) else {
        fail("rank \(group.rank): allreduce average gave \(values.prefix(3)), expected \(expected)")
    }
    try group.barrier()
    print("rank \(group.rank): allreduce average and barrier agree")
}

func train(group: MPIProcessGroup?) async throws {
    let process = group?.processRank ?? .single
    let mnist = try MNIST(directory: options["--data"]!, split: .train)
    guard samples <= mnist.count else { fail("--samples \(samples) is more than MNIST's \(mnist.count) training images") }
    let images = mnist.subset(Array(0..<samples))
    let order = RandomSampler(count: images.count, seed: 42)
    // The single process batches the ordinary way, so the test compares against the plain path.
    let loader = group == nil
        ? DataLoader(images, batchSampler: BatchSampler(order, batchSize: batchSize, dropLast: false), workers: 1)
        : DataLoader(images, batchSampler: DistributedBatchSampler(order, batchSize: batchSize, dropLast: false, process: process), workers: 1)

    var random = SeededGenerator(seed: UInt64(process.rank))
    let hidden = process.rank == mismatchedRank ? 33 : 32
    let model = Sequential([
        Flatten(),
        Linear(inputFeatures: 28 * 28, outputFeatures: hidden, generator: &random), ReLU(),
        Linear(inputFeatures: hidden, outputFeatures: 10, generator: &random),
    ])
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.05, momentum: 0.9), normalization: .mnist)
    if let group {
        try checkCollectives(group)
        try group.broadcastState(of: model)
        trainer.gradientSynchronizer = MPIGradientAverager(group: group)
    }

    var (step, epoch, lastLoss) = (0, 0, Float.nan)
    while step < steps {
        epoch += 1
        for try await batch in loader.epoch(epoch) where step < steps {
            lastLoss = try trainer.trainStep(batch)
            step += 1
        }
        if let group {
            guard try identicalAcrossRanks(model, group) else { fail("rank \(process.rank): parameters differ across ranks after epoch \(epoch)") }
            print("rank \(process.rank): epoch \(epoch): parameters identical across ranks")
        }
    }
    let name = group == nil ? "single" : "rank-\(process.rank)"
    let values = flattened(model)
    let data = values.withUnsafeBufferPointer { Data(buffer: $0) }   // little-endian on every platform Swift runs MPI on
    try data.write(to: URL(fileURLWithPath: output).appendingPathComponent("\(name).f32"))
    print("\(process): \(step) steps, \(epoch) epochs, last loss \(lastLoss), \(values.count) parameters")
}

if distributed {
    let group: MPIProcessGroup
    do { group = try MPIProcessGroup(chunk: chunk) } catch { fail(error.localizedDescription) }
    do {
        try await train(group: group)
        try group.finalize()
    } catch {
        FileHandle.standardError.write(Data("mpi-equivalence: rank \(group.rank): \(error.localizedDescription)\n".utf8))
        group.abort(code: 1)
    }
} else {
    do { try await train(group: nil) } catch { fail(error.localizedDescription) }
}
