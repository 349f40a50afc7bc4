import SiameseCore

/// Centroid triplet loss (Wieczorek et al. 2021, "On the Unreasonable Effectiveness of Centroids in Image
/// Retrieval"), as PyTorch Metric Learning 1.7.3's `CentroidTripletLoss` (the class is absent from PML 2.x).
///
/// Every sample `q` of a class `k` with at least two samples is a query; its positive is the prototype of its class
/// built from the *other* samples, `p_q = mean{x_j : y_j = k, j ≠ q}`, and its negatives are the centroids of every
/// other class, `c_l = mean{x_j : y_j = l}`. Per query and other class `l`, the triplet loss
///
/// `[d(q, p_q) − d(q, c_l) + margin]₊`
///
/// (signs flip for a similarity; `smoothLoss`: `softplus(…)` instead of `[…]₊`; `swap`: `d(q, c_l)` replaced by
/// `d(p_q, c_l)` where that is smaller, PML's `swap`), reduced over all triplets. Gradients flow through the
/// prototypes and centroids.
///
/// Defaults as PML 1.7.3: `margin` 0.05, `swap` false, `smoothLoss` false, ``LpDistance`` (L2 on normalised
/// embeddings), ``AvgNonZeroReducer``. Mined tuples are ignored (PML rejects them); no reference embeddings.
///
/// Where PML 1.7.3 differs: it rejects a class with one sample (here that sample is no query, its class centroid
/// still a negative); it groups queries by their position within their class, so with unequal class sizes a
/// query whose position no other class reaches has no triplets; and its index slicing keeps only the last
/// `⌈3(P−1)/P⌉` negative centroids per query when a position has `P` ≥ 5 classes. SiameseKit computes the formula
/// above in every case; on balanced batches of at most four classes the two agree (the conformance cases).
public struct CentroidTripletLoss: MetricLoss {
    public let margin: Float
    public let swap: Bool
    public let smoothLoss: Bool
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin: Float = 0.05, swap: Bool = false, smoothLoss: Bool = false, distance: any Distance = LpDistance(),
                reducer: any Reducer = AvgNonZeroReducer()) {
        self.margin = margin; self.swap = swap; self.smoothLoss = smoothLoss; self.distance = distance; self.reducer = reducer
    }

    /// The triplet terms as an `[n, classes]` matrix (classes in order of first appearance), masked to the queries
    /// with a prototype and the classes other than theirs. `tuples` are ignored: the loss builds its own triplets.
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
        for i in 0..<n where isQuery[i] { for c in 0..<classes where c != column[i] { mask[i * classes + c] = 1 } }
        return ["loss": LossTerm(losses: losses, kind: .triplet, mask: Tensor(mask, shape: [n, classes]))]
    }
}
