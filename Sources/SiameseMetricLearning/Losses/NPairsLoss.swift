import SiameseCore

/// N-pair loss (Sohn 2016): one positive pair per class; each anchor must pick out its own positive
/// among all the positives by cross-entropy over similarities.
///
/// The pair of a class is its first anchor (in index order) with that anchor's first positive, as PML does.
/// Defaults: ``DotProductSimilarity`` on normalised embeddings, ``MeanReducer``.
public struct NPairsLoss: MetricLoss {
    public let distance: any Distance
    public let reducer: any Reducer

    public init(distance: any Distance = DotProductSimilarity(), reducer: any Reducer = MeanReducer()) {
        self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a1, p, _, _) = (tuples ?? .allPairs(labels)).asPairs
        var firstByLabel: [Int: (Int, Int)] = [:]
        for (a, q) in zip(a1, p) where firstByLabel[labels[a]] == nil { firstByLabel[labels[a]] = (a, q) }
        let chosen = firstByLabel.keys.sorted().map { firstByLabel[$0]! }
        guard !chosen.isEmpty else { return [:] }
        let anchors = embeddings.indexSelect(axis: 0, chosen.map(\.0)), positives = embeddings.indexSelect(axis: 0, chosen.map(\.1))
        var sim = distance.matrix(anchors, positives)
        if !distance.isInverted { sim = -sim }
        let k = chosen.count
        let diagonal = Tensor.eye(k)
        let losses = -(sim.logSoftmax(axis: 1) * diagonal).sum(axis: 1)
        return ["loss": LossTerm(losses: losses, kind: .element)]
    }
}
