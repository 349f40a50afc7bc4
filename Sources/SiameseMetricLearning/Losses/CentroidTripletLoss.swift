import SiameseCore

/// Centroid triplet loss (Wieczorek et al. 2021, "On the Unreasonable Effectiveness of Centroids in Image
/// Retrieval"), as PyTorch Metric Learning 1.7.3's `CentroidTripletLoss` (the class is absent from PML 2.x).
///
/// Every sample `q` of a class `k` with at least two samples is a query; its positive is the prototype of its class
/// built from the *other* samples, `p_q = mean{x_j : y_j = k, j ≠ q}`, and its negatives are centroids of other
/// classes, `c_l = mean{x_j : y_j = l}` (which ones: ``negatives``). Per query and negative class `l`, the triplet loss
///
/// `[d(q, p_q) − d(q, c_l) + margin]₊`
///
/// (signs flip for a similarity; `smoothLoss`: `softplus(…)` instead of `[…]₊`; `swap`: `d(q, c_l)` replaced by
/// `d(p_q, c_l)` where that is smaller, PML's `swap`), reduced over all triplets. Gradients flow through the
/// prototypes and centroids.
///
/// Defaults as PML 1.7.3: `margin` 0.05, `swap` false, `smoothLoss` false, ``LpDistance`` (L2 on normalised
/// embeddings), ``AvgNonZeroReducer``, `negatives` ``NegativeCentroids/pml173``. Mined tuples are ignored (PML
/// rejects them); no reference embeddings.
///
/// PML 1.7.3's index slicing keeps, per query, only the **last three** other classes' centroids (in order of first
/// appearance in the batch) once a batch has five or more classes; ``NegativeCentroids/pml173`` (the default, so that
/// a ported PML script gets PML's numbers) does the same, ``NegativeCentroids/all`` uses every other class, the
/// paper's loss. Up to four classes the two are equal. On balanced batches (every class the same size, as P×K
/// samplers give) the default equals PML 1.7.3; with unequal class sizes PML also groups queries by their position
/// in their class (a query whose position no other class reaches gets no triplets, and a class missing at a
/// position lends its centroid the label of sample 0), which SiameseKit does not copy; and PML rejects a class with
/// one sample, where here that sample is no query and its class centroid still a negative.
public struct CentroidTripletLoss: MetricLoss {
    /// Which other classes' centroids each query is compared with.
    public enum NegativeCentroids: String, Sendable, CaseIterable {
        /// The last three other classes in order of first appearance (all of them up to four classes): PML 1.7.3.
        case pml173
        /// Every other class (the paper's loss).
        case all
    }

    public let margin: Float
    public let swap: Bool
    public let smoothLoss: Bool
    public let negatives: NegativeCentroids
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin: Float = 0.05, swap: Bool = false, smoothLoss: Bool = false, negatives: NegativeCentroids = .pml173,
                distance: any Distance = LpDistance(), reducer: any Reducer = AvgNonZeroReducer()) {
        self.margin = margin; self.swap = swap; self.smoothLoss = smoothLoss; self.negatives = negatives
        self.distance = distance; self.reducer = reducer
    }

    /// The triplet terms as an `[n, classes]` matrix (classes in order of first appearance), masked to the queries
    /// with a prototype and their negative classes. `tuples` are ignored: the loss builds its own triplets.
    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let n = labels.count
        var classOf: [Int: Int] = [:]
        for label in labels where classOf[label] == nil { classOf[label] = classOf.count }
        let classes = classOf.count
        guard n > 0, classes > 1 else { return [:] }
        let column = labels.map { classOf[$0]! }
        var counts = [Float](repeating: 0, count: classes)
        for c in column { counts[c] += 1 }
        // membership[c, j] = 1 / |c| for the samples of class c: its rows times the embeddings are the centroids.
        var membership = [Float](repeating: 0, count: classes * n), oneHot = [Float](repeating: 0, count: classes * n)
        for (j, c) in column.enumerated() { membership[c * n + j] = 1 / counts[c]; oneHot[c * n + j] = 1 }
        let centroids = matmul(Tensor(membership, shape: [classes, n]), embeddings)                 // [classes, d]
        let sums = matmul(Tensor(oneHot, shape: [classes, n]), embeddings).indexSelect(axis: 0, column) // [n, d]
        // Prototype of query i: (class sum − x_i) / (|c| − 1); a singleton's "prototype" is itself (never used).
        let isQuery = column.map { counts[$0] > 1 }
        let keepSelf = Tensor(isQuery.map { $0 ? Float(1) : 0 }, shape: [n, 1])
        let scale = Tensor(column.map { counts[$0] > 1 ? 1 / (counts[$0] - 1) : Float(1) }, shape: [n, 1])
        let prototypes = (sums - embeddings * keepSelf) * scale
        let positive = distance.pairwise(embeddings, prototypes).reshaped([n, 1])
        var negative = distance.matrix(embeddings, centroids)
        if swap {
            let fromPrototype = distance.matrix(prototypes, centroids)
            negative = distance.isInverted ? Tensor.maximum(negative, fromPrototype) : Tensor.minimum(negative, fromPrototype)
        }
        let violation = distance.margin(positive, negative) + margin
        let losses = smoothLoss ? violation.softplus() : violation.relu()
        var mask = [Float](repeating: 0, count: n * classes)
        for i in 0..<n where isQuery[i] {
            let others = (0..<classes).filter { $0 != column[i] }
            for c in negatives == .all ? others[...] : others.suffix(3) { mask[i * classes + c] = 1 }
        }
        return ["loss": LossTerm(losses: losses, kind: .triplet, mask: Tensor(mask, shape: [n, classes]))]
    }
}
