import SiameseCore

/// The pair mining of multi-similarity (Wang et al. 2019, PML's `MultiSimilarityMiner`): keep a negative if it
/// is more similar than the anchor's least similar positive minus ε, and a positive if it is less similar than
/// the anchor's most similar negative plus ε. Defaults: ε 0.1, ``CosineSimilarity``.
public struct MultiSimilarityMiner: Sendable {
    public let epsilon: Float
    public let distance: any Distance

    public init(epsilon: Float = 0.1, distance: any Distance = CosineSimilarity()) {
        self.epsilon = epsilon; self.distance = distance
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let mat = withNoGrad { distance.matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let refLabels = reference?.labels ?? labels
        let n = refLabels.count, selfComparison = reference == nil
        // Work in "similarity" terms: larger = closer.
        let sim: (Int, Int) -> Float = { distance.isInverted ? mat[$0 * n + $1] : -mat[$0 * n + $1] }
        var a1: [Int] = [], p: [Int] = [], a2: [Int] = [], neg: [Int] = []
        for i in labels.indices {
            let positives = (0..<n).filter { !(selfComparison && $0 == i) && refLabels[$0] == labels[i] }
            let negatives = (0..<n).filter { refLabels[$0] != labels[i] }
            guard !positives.isEmpty, !negatives.isEmpty else { continue }
            let hardestPositive = positives.map { sim(i, $0) }.min()!
            let hardestNegative = negatives.map { sim(i, $0) }.max()!
            for j in negatives where sim(i, j) + epsilon > hardestPositive { a2.append(i); neg.append(j) }
            for j in positives where sim(i, j) - epsilon < hardestNegative { a1.append(i); p.append(j) }
        }
        return .pairs(a1: a1, p: p, a2: a2, n: neg)
    }
}
