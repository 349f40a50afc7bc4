import SiameseCore
import SiameseNN

/// The small CNN of the classic MNIST Siamese tutorial, for 1×28×28 input and 64-d embeddings.
///
/// Conv 1→16 3×3, ReLU, MaxPool 2, Conv 16→32 3×3, ReLU, MaxPool 2, Linear 800→128, ReLU, Linear 128→64
/// (115,584 parameters). Keys: `cnn.0.weight`, …, `fc.2.bias`, as in the PyTorch tutorial.
public final class TutorialCNN: Module, UnaryLayer {
    // Max-pool before ReLU: the same function (both are monotone) with ReLU on a quarter of the values.
    public let cnn = Sequential(Conv2d(1, 16, kernel: 3), MaxPool2d(2), ReLU(), Conv2d(16, 32, kernel: 3), MaxPool2d(2), ReLU())
    public let fc = Sequential(Linear(32 * 5 * 5, 128), ReLU(), Linear(128, 64))

    override public init() { super.init() }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && Array(x.shape.dropFirst()) == [1, 28, 28], "TutorialCNN: expected [N, 1, 28, 28], got \(x.shape)")
        return fc(cnn(x).flattened())
    }
}

/// A multilayer perceptron encoder: Linear → ReLU blocks, then a final Linear to the embedding size.
public final class MLPEncoder: Module, UnaryLayer {
    public let layers: Sequential

    /// - Parameter sizes: input size, hidden sizes…, embedding size (at least two entries).
    public init(_ sizes: [Int]) {
        precondition(sizes.count >= 2, "MLPEncoder: give at least an input and an output size")
        var modules: [any UnaryLayer] = []
        for i in 0..<(sizes.count - 1) {
            modules.append(Linear(sizes[i], sizes[i + 1]))
            if i < sizes.count - 2 { modules.append(ReLU()) }
        }
        layers = Sequential(modules)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { layers(x.rank > 2 ? x.flattened() : x) }
}
