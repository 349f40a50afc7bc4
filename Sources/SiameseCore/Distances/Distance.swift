/// A way to compare embeddings, injected into losses and miners so each is written once.
///
/// A distance knows whether larger values mean *closer* (a similarity, ``isInverted``) or *farther*,
/// and can optionally L2-normalise embeddings first. Defaults follow PyTorch Metric Learning.
public protocol Distance: Sendable {
    /// `true` for similarities (cosine, dot product), where larger means more alike.
    var isInverted: Bool { get }
    /// Whether embeddings are L2-normalised before comparing.
    var normalizeEmbeddings: Bool { get }
    /// The embeddings as compared: L2-normalised if ``normalizeEmbeddings`` (``LpDistance`` normalises by its own
    /// p-norm, as PML's `F.normalize(p=self.p)`), else unchanged.
    func prepare(_ embeddings: Tensor) -> Tensor
    /// The `[n, m]` matrix between the rows of (already normalised) `query` and `reference`.
    func computeMatrix(_ query: Tensor, _ reference: Tensor) -> Tensor
    /// The distance between aligned rows of (already normalised) `a` and `b`, shape `[n]`.
    func computePairwise(_ a: Tensor, _ b: Tensor) -> Tensor
}

extension Distance {
    /// Normalises if configured.
    public func prepare(_ embeddings: Tensor) -> Tensor {
        normalizeEmbeddings ? embeddings.l2Normalized(axis: -1) : embeddings
    }

    /// The full matrix between `query` and `reference` (default: `query` with itself).
    public func matrix(_ query: Tensor, _ reference: Tensor? = nil) -> Tensor {
        let q = prepare(query)
        return computeMatrix(q, reference.map(prepare) ?? q)
    }

    /// Row-wise distances between aligned `a[i]` and `b[i]`.
    public func pairwise(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape && a.rank == 2, "Distance.pairwise: expected equal [n, d] shapes, got \(a.shape) and \(b.shape)")
        return computePairwise(prepare(a), prepare(b))
    }

    /// How much `x` is farther than `y` in this distance's sense: `x − y`, or `y − x` for a similarity.
    public func margin(_ x: Tensor, _ y: Tensor) -> Tensor { isInverted ? y - x : x - y }

    /// The value that means "identical" is greatest (similarity) or smallest (distance).
    public func isCloser(_ a: Float, than b: Float) -> Bool { isInverted ? a > b : a < b }
}
