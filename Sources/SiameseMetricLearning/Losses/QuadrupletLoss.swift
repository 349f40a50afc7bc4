import SiameseCore

/// Quadruplet loss (Chen et al. 2017): the triplet term plus a second term that pushes apart two samples of
/// classes *different from the anchor's and from each other's*:
/// `[d(a,p) − d(a,n) + α₁]₊ + [d(a,p) − d(n,n₂) + α₂]₊`.
///
/// For each triplet the second negative `n₂` is the one closest to `n` (batch-hard), which keeps the cost at
/// one pass over the distance matrix. Defaults: α₁ 1, α₂ 0.5, ``LpDistance``, ``AvgNonZeroReducer``.
public struct QuadrupletLoss: MetricLoss {
    public let margin1: Float, margin2: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin1: Float = 1, margin2: Float = 0.5, distance: any Distance = LpDistance(),
                reducer: any Reducer = AvgNonZeroReducer()) {
        self.margin1 = margin1; self.margin2 = margin2; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a, p, n) = (tuples ?? .allTriplets(labels)).asTriplets
        guard !a.isEmpty else { return [:] }
        let mat = distance.matrix(embeddings)
        let values = mat.detached().scalars
        let count = labels.count
        // For each triplet, the sample closest to n among those of a third class.
        var keep: [Int] = [], second: [Int] = []
        for t in a.indices {
            var best: Int?
            for k in 0..<count where labels[k] != labels[a[t]] && labels[k] != labels[n[t]] {
                if best.map({ distance.isCloser(values[n[t] * count + k], than: values[n[t] * count + $0]) }) ?? true { best = k }
            }
            if let best { keep.append(t); second.append(best) }
        }
        let ap = mat.entries(rows: a, cols: p)
        let first = (distance.margin(ap, mat.entries(rows: a, cols: n)) + margin1).relu()
        var out = ["triplet_loss": LossTerm(losses: first, kind: .triplet)]
        if !keep.isEmpty {
            let apKept = mat.entries(rows: keep.map { a[$0] }, cols: keep.map { p[$0] })
            let nn = mat.entries(rows: keep.map { n[$0] }, cols: second)
            out["quadruplet_loss"] = LossTerm(losses: (distance.margin(apKept, nn) + margin2).relu(), kind: .triplet)
        }
        return out
    }
}
