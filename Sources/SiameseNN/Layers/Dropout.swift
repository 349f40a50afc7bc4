import SiameseCore

/// Inverted dropout with its own seeded generator; the identity in evaluation mode.
public final class Dropout: Module, UnaryLayer {
    public let probability: Float
    private var generator: SeededGenerator

    /// The mask generator's state; checkpoints save and restore it so a resumed run draws the same masks.
    public var generatorState: [UInt64] {
        get { generator.state }
        set { generator.state = newValue }
    }

    /// - Parameters:
    ///   - probability: chance of zeroing each element.
    ///   - seed: seeds this layer's mask sequence; by default drawn from ``GlobalGenerator``.
    public init(_ probability: Float = 0.5, seed: UInt64? = nil) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1)")
        self.probability = probability
        generator = SeededGenerator(seed: seed ?? GlobalGenerator.with { $0.next() })
        super.init()
    }

    override public func children() -> [(String, Any)] { [] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.dropout(probability, training: isTraining, generator: &generator)
    }
}

/// A lookup table of `count` vectors of size `dimension`, initialised from N(0, 1) like PyTorch.
public final class Embedding: Module {
    public let weight: Parameter

    public init(_ count: Int, _ dimension: Int) {
        weight = Parameter(Initializer.normal([count, dimension]))
        super.init()
    }

    /// Rows for `ids`: the result has shape `ids.shape + [dimension]`.
    public func callAsFunction(_ ids: IntTensor) -> Tensor {
        weight.value.embedding(ids)
    }
}
