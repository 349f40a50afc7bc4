import SiameseCore
import SiameseNN

/// The learned comparison of relation networks (Sung, Yang, Zhang, Xiang, Torr & Hospedales 2018): two feature maps
/// are concatenated along the channels and a small CNN scores how related they are, in (0, 1).
///
/// `r(a, b) = σ( W₂ ReLU( W₁ flatten( block₂( block₁( [a ‖ b] ) ) ) ) )`, each block being
/// Conv 3×3 (padding 1) → BatchNorm → ReLU → MaxPool 2 (the pool only while the maps are at least 2×2).
///
/// Feature maps are `[n, channels, side, side]`; flattened embeddings `[n, channels · side²]` (what a Conv-4 encoder
/// yields) are reshaped first. Defaults: `hidden` 8, as in the paper.
///
/// Initialisation: PyTorch's layer defaults, or (``Initialisation/authors``) that of the authors' `LearningToCompare_FSL`
/// code: convolutions `N(0, √(2 / (k² · out)))` with zero bias, batch norm `γ = 1, β = 0`, linear layers `N(0, 0.01)`
/// with bias 1, which starts every relation score near `σ(1) ≈ 0.73` instead of at a random value.
///
/// ```swift
/// let relation = RelationModule(channels: 64, side: 3)
/// let r = relation(queryMaps, classMaps)       // [n] relation scores
/// ```
public final class RelationModule: Module {
    public let channels: Int, side: Int
    /// How a class's feature map is formed from its K support maps before it meets a query (``RelationLoss``).
    public let classMaps: ClassMaps
    public let blocks: Sequential
    public let fc1: Linear, fc2: Linear

    /// A class's map from its K support maps.
    public enum ClassMaps: String, Sendable, CaseIterable {
        /// The sum (the authors' code and paper; they train a separate model for each K).
        case sum
        /// The mean: the same scale at every K, so a module trained on 1-shot episodes can score K-shot episodes.
        case mean
    }

    /// How the weights start.
    public enum Initialisation: String, Sendable, CaseIterable {
        /// PyTorch's defaults (Kaiming-uniform with `a = √5`, uniform biases).
        case pytorch
        /// The authors' code (see above).
        case authors
    }

    /// - Parameters:
    ///   - channels: channels C of each feature map (the blocks take 2C and give C).
    ///   - side: the maps' spatial side.
    ///   - hidden: units of the hidden fully connected layer.
    ///   - initialisation: PyTorch's defaults or the authors' scheme; draws from ``GlobalGenerator``.
    ///   - classMaps: how ``RelationLoss`` forms a class's map from K support maps; default the sum, as the authors.
    public init(channels: Int, side: Int, hidden: Int = 8, initialisation: Initialisation = .pytorch, classMaps: ClassMaps = .sum) {
        precondition(channels >= 1 && side >= 1 && hidden >= 1, "RelationModule: channels, side and hidden must be positive")
        self.channels = channels
        self.side = side
        self.classMaps = classMaps
        var layers: [any UnaryLayer] = []
        var s = side
        for b in 0..<2 {
            layers += [Conv2d(b == 0 ? 2 * channels : channels, channels, kernel: 3, padding: 1), BatchNorm2d(channels), ReLU()]
            if s >= 2 { layers.append(MaxPool2d(2)); s /= 2 }
        }
        layers.append(Flatten())
        blocks = Sequential(layers)
        fc1 = Linear(channels * s * s, hidden)
        fc2 = Linear(hidden, 1)
        super.init()
        if initialisation == .authors { initialiseAsAuthors() }
    }

    /// The authors' initialisation (`weights_init` in `LearningToCompare_FSL`).
    private func initialiseAsAuthors() {
        for layer in blocks.layers {
            if let conv = layer as? Conv2d {
                let s = conv.weight.shape
                conv.weight.update(Initializer.normal(s, std: (2 / Float(s[2] * s[3] * s[0])).squareRoot()))
                conv.bias?.update(Tensor.zeros([s[0]]))
            }
        }
        for fc in [fc1, fc2] {
            fc.weight.update(Initializer.normal(fc.weight.shape, std: 0.01))
            fc.bias?.update(Tensor.ones(fc.bias!.shape))
        }
    }

    /// Relation scores `[n]` of aligned feature maps (or flattened embeddings) `a[i]`, `b[i]`.
    public func callAsFunction(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "RelationModule: inputs differ in shape: \(a.shape) vs \(b.shape)")
        let n = a.shape[0]
        precondition(a.count == n * channels * side * side,
                     "RelationModule: expected [n, \(channels), \(side), \(side)] or [n, \(channels * side * side)], got \(a.shape)")
        let shape = [n, channels, side, side]
        let pair = Tensor.concatenate([a.reshaped(shape), b.reshaped(shape)], axis: 1)
        return fc2(fc1(blocks(pair)).relu()).sigmoid().reshaped([n])
    }
}
