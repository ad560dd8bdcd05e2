/// How a read by SwiftLoaders' own path compares with libhdf5's read of the same data, worst last.
enum Verdict: String, Codable, Comparable, CaseIterable {
    /// Both read the same values.
    case read
    /// Both failed with typed errors.
    case refused
    /// Not checked: the dataset claims more elements than a check reads.
    case tooLarge
    /// SwiftLoaders refused with a typed error what libhdf5 read.
    case stricter
    /// An error that is not a `LoaderError` naming the file and dataset.
    case untyped
    /// Different values, or values where libhdf5 failed: silently wrong data.
    case mismatch

    static func < (left: Verdict, right: Verdict) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }

    /// Compares `ours` with libhdf5's `reference`, with a reason for anything but `.read`.
    static func of(_ ours: ReadOutcome, against reference: ReadOutcome) -> (verdict: Verdict, detail: String?) {
        switch (ours, reference) {
        case (.failed(let failure), _) where !failure.typed, (_, .failed(let failure)) where !failure.typed:
            return (.untyped, failure.description)
        case (.tooLarge(let elements), _), (_, .tooLarge(let elements)):
            return (.tooLarge, "\(elements) elements")
        case (.values(let shape, let bits), .values(let referenceShape, let referenceBits)):
            if shape == referenceShape && bits == referenceBits { return (.read, nil) }
            let first = zip(bits, referenceBits).enumerated().first { $0.element.0 != $0.element.1 }.map { "first differing element \($0.offset)" }
            return (.mismatch, "shape \(shape) vs libhdf5's \(referenceShape), \(first ?? "\(bits.count) vs \(referenceBits.count) elements")")
        case (.values, .failed(let failure)):
            return (.mismatch, "read values where libhdf5 failed: \(failure.description)")
        case (.failed(let failure), .values):
            return (.stricter, failure.description)
        case (.failed(let failure), .failed):
            return (.refused, failure.description)
        }
    }
}
