import SiameseCore
import SiameseNN

/// Twin (and triplet) networks: one encoder whose weights every branch shares.
///
/// Both inputs of a pair go through the encoder in **one** batched pass (concatenated, then split), which
/// is faster than two calls and keeps batch-norm statistics consistent across branches.
/// ```swift
/// let net = SiameseNetwork(encoder: TutorialCNN())
/// let (e1, e2) = net(x1, x2)
/// let d = net.distance(x1, x2)          // [n] Euclidean distances
/// ```
public final class SiameseNetwork<Encoder: UnaryLayer>: Module {
    /// The shared encoder.
    public let encoder: Encoder
    /// Whether embeddings are L2-normalised.
    public let normalizeEmbeddings: Bool
    /// How two embeddings are compared by ``distance(_:_:)``.
    public let distance: any Distance

    public init(encoder: Encoder, normalizeEmbeddings: Bool = false,
                distance: any Distance = LpDistance(normalizeEmbeddings: false)) {
        self.encoder = encoder
        self.normalizeEmbeddings = normalizeEmbeddings
        self.distance = distance
        super.init()
    }

    /// Embeddings of a batch of inputs.
    public func embed(_ x: Tensor) -> Tensor {
        let e = encoder(x)
        return normalizeEmbeddings ? e.l2Normalized(axis: -1) : e
    }

    /// Embeddings of many inputs in evaluation mode and without a graph, `batchSize` at a time; the mode the
    /// network was in is restored afterwards.
    public func embedAll(_ inputs: Tensor, batchSize: Int = 512) -> Tensor {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return withNoGrad {
            let n = inputs.shape[0]
            let parts = stride(from: 0, to: n, by: batchSize).map {
                embed(inputs.narrowed(axis: 0, start: $0, length: Swift.min(batchSize, n - $0)))
            }
            return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
        }
    }

    /// Embeddings of both branches, computed in one batched pass.
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) -> (Tensor, Tensor) {
        precondition(x1.shape == x2.shape, "SiameseNetwork: branch inputs differ in shape: \(x1.shape) vs \(x2.shape)")
        let n = x1.shape[0]
        let parts = embed(Tensor.concatenate([x1, x2], axis: 0)).split(sizes: [n, n], axis: 0)
        return (parts[0], parts[1])
    }

    /// Embeddings of anchor, positive and negative in one pass (the triplet form).
    public func callAsFunction(anchor: Tensor, positive: Tensor, negative: Tensor) -> (Tensor, Tensor, Tensor) {
        let n = anchor.shape[0]
        let parts = embed(Tensor.concatenate([anchor, positive, negative], axis: 0)).split(sizes: [n, n, n], axis: 0)
        return (parts[0], parts[1], parts[2])
    }

    /// Distances (or similarities, for an inverted distance) between the embeddings of aligned inputs.
    public func distance(_ x1: Tensor, _ x2: Tensor) -> Tensor {
        let (a, b) = self(x1, x2)
        return distance.pairwise(a, b)
    }
}
