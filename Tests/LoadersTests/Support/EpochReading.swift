import Foundation
import Loaders

/// Every batch of `epoch`, read with the blocking iterator.
func collect<Element>(_ epoch: LoaderEpoch<Element>) throws -> [Element] {
    var iterator = epoch.makeIterator()
    var batches: [Element] = []
    while let batch = try iterator.next() { batches.append(batch) }
    return batches
}

/// Reads a whole epoch with `for try await` or with the blocking iterator, pausing after each
/// batch as a slow consumer would: the batches delivered, and the error that ended the epoch
/// early, if any.
func read<Element>(
    _ epoch: LoaderEpoch<Element>, asynchronously: Bool, pauseMicroseconds: UInt32 = 0
) async -> (batches: [Element], error: (any Error)?) {
    var batches: [Element] = []
    do {
        if asynchronously {
            for try await batch in epoch {
                batches.append(batch)
                if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
            }
        } else {
            var iterator = epoch.makeIterator()
            while let batch = try iterator.next() {
                batches.append(batch)
                if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
            }
        }
        return (batches, nil)
    } catch {
        return (batches, error)
    }
}

/// How a loader's next epoch ended: the batches before a failure, the error, and whether the
/// iterator then stays at its end.
struct EpochOutcome<Element> {
    var delivered: [Element] = []
    var error: LoaderError?
    var endsAfterError = false
}

/// Consumes the loader's next epoch through its asynchronous or its blocking iterator.
func consume<Loader: BatchLoader>(_ loader: Loader, async: Bool) async -> EpochOutcome<Loader.Element> {
    var outcome = EpochOutcome<Loader.Element>()
    do {
        if async {
            var iterator = loader.makeAsyncIterator()
            do {
                while let batch = try await iterator.next() { outcome.delivered.append(batch) }
            } catch let error as LoaderError {
                outcome.error = error
            }
            outcome.endsAfterError = try await iterator.next() == nil
        } else {
            var iterator = loader.makeIterator()
            do {
                while let batch = try iterator.next() { outcome.delivered.append(batch) }
            } catch let error as LoaderError {
                outcome.error = error
            }
            outcome.endsAfterError = try iterator.next() == nil
        }
    } catch {
        outcome.error = LoaderError(.io, "an error after the end: \(error)")
    }
    return outcome
}
