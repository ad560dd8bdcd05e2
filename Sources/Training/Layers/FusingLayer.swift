/// A layer that can take over the work of the layer after it in a `Sequential`, doing both in
/// one pass over its output while that is in cache (a convolution applying its `ReLU` and
/// `MaxPool2d`, a linear layer its `ReLU`).
protocol FusingLayer: Layer {
    /// Takes on `next`'s forward and backward passes if this layer can, and says whether it did;
    /// `Sequential` then leaves `next` out of the layers it runs.
    func absorb(_ next: any Layer) -> Bool
}
