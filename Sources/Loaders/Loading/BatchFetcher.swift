/// Reads and collates one batch of a map-style dataset: what a loader worker does per batch.
struct BatchFetcher<Source: Dataset>: Sendable where Source.Element: Collatable {
    let dataset: Source

    /// The batch of `indices` as epoch `epoch` sees it, or an error naming `worker`, the batch
    /// (counted from 1, as people count) and the failing sample.
    func load(_ indices: [Int], epoch: Int, batch: Int, worker: Int?) -> Result<Source.Element.Collated, LoaderError> {
        let samples: [Source.Element]
        do {
            samples = try dataset.samples(at: indices, epoch: epoch)
        } catch {
            let index = Self.sampleIndex(in: error) ?? firstFailingIndex(in: indices, epoch: epoch)
            return .failure(.loading(
                error, worker: worker, activity: "reading batch \(batch + 1)",
                location: index.map(LoaderError.Location.sampleIndex)))
        }
        do {
            return .success(try Source.Element.collate(samples, indices: indices))
        } catch {
            var failure = LoaderError.loading(
                error, worker: worker, activity: "collating batch \(batch + 1)",
                location: Self.sampleIndex(in: error).map(LoaderError.Location.sampleIndex))
            // Collation sees samples, not files: name the file they came from.
            if failure.path == nil { failure.path = dataset.origin }
            return .failure(failure)
        }
    }

    private static func sampleIndex(in error: any Error) -> Int? {
        guard case .sampleIndex(let index)? = (error as? LoaderError)?.location else { return nil }
        return index
    }

    /// Finds which sample a bulk read failed on by reading the batch's samples one at a time;
    /// runs only after a failure, so the normal path pays nothing for it.
    private func firstFailingIndex(in indices: [Int], epoch: Int) -> Int? {
        indices.first { index in (try? dataset.samples(at: [index], epoch: epoch)) == nil }
    }
}
