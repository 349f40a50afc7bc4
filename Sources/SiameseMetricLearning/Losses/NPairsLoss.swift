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
        var firstByLabel: [Int: (Int, Int)] = [:]
        if let tuples {
            let (a1, p, _, _) = tuples.asPairs
            for (a, q) in zip(a1, p) where firstByLabel[labels[a]] == nil { firstByLabel[labels[a]] = (a, q) }
        } else {
            // The first positive pair of each label in the order of all pairs (anchor, then positive, by index),
            // without listing the negative pairs.
            var members: [Int: [Int]] = [:]
            for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
            for (l, m) in members where m.count >= 2 { firstByLabel[l] = (m[0], m[1]) }
        }
        let chosen = firstByLabel.keys.sorted().map { firstByLabel[$0]! }
        guard !chosen.isEmpty else { return [:] }
        let anchors = embeddings.indexSelect(axis: 0, chosen.map(\.0)), positives = embeddings.indexSelect(axis: 0, chosen.map(\.1))
        let targets = Array(chosen.indices)
        let losses: Tensor
        if distance is DotProductSimilarity || distance is CosineSimilarity {
            // The similarity is a plain product: fused with the cross-entropy (one GEMM).
            losses = SoftmaxCrossEntropy.ofProduct(distance.prepare(anchors), distance.prepare(positives), targets: targets, scale: 1)
        } else {
            let sim = distance.matrix(anchors, positives)
            losses = SoftmaxCrossEntropy.losses(distance.isInverted ? sim : -sim, targets: targets)
        }
        return ["loss": LossTerm(losses: losses, kind: .element)]
    }
}
