extension MNIST: Dataset {
    public var origin: String? { dataset.origin }
    public var count: Int { dataset.count }

    public func sample(at index: Int) throws -> Example {
        try dataset.sample(at: index)
    }

    public func samples(at indices: [Int]) throws -> [Example] {
        try dataset.samples(at: indices)
    }
}
