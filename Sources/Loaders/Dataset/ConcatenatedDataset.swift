/// Several datasets read as one, end to end, like PyTorch's `ConcatDataset`.
///
/// ```swift
/// let all = ConcatenatedDataset([train, extra])   // train's samples, then extra's
/// ```
public struct ConcatenatedDataset<Element: Sendable>: Dataset {
    public let parts: [any Dataset<Element>]
    /// `ends[k]` is one past the last index belonging to `parts[k]`.
    private let ends: [Int]

    public init(_ parts: [any Dataset<Element>]) {
        self.parts = parts
        var total = 0
        self.ends = parts.map { total += $0.count; return total }
    }

    public var count: Int { ends.last ?? 0 }

    /// - Complexity: O(log `parts.count`) to find the part, then the part's read.
    public func sample(at index: Int) throws -> Element {
        let (part, local) = locate(index)
        return try parts[part].sample(at: local)
    }

    public func samples(at indices: [Int]) throws -> [Element] {
        try samples(at: indices, epoch: 1)
    }

    public func samples(at indices: [Int], epoch: Int) throws -> [Element] {
        // Group consecutive indices of one part so that part's bulk read serves them together.
        var result: [Element] = []
        result.reserveCapacity(indices.count)
        var start = 0
        while start < indices.count {
            let part = locate(indices[start]).part
            var end = start + 1
            while end < indices.count && locate(indices[end]).part == part { end += 1 }
            let offset = part == 0 ? 0 : ends[part - 1]
            result += try parts[part].samples(at: indices[start..<end].map { $0 - offset }, epoch: epoch)
            start = end
        }
        return result
    }

    private func locate(_ index: Int) -> (part: Int, local: Int) {
        require(index >= 0 && index < count, "Index \(index) outside 0..<\(count)")
        var low = 0, high = ends.count - 1
        while low < high {
            let middle = (low + high) / 2
            if ends[middle] > index { high = middle } else { low = middle + 1 }
        }
        return (low, index - (low == 0 ? 0 : ends[low - 1]))
    }
}
