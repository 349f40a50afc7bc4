import SiameseCore

/// Selects the pairs that violate their margins (PML's `PairMarginMiner`): positives farther than
/// `posMargin` and negatives closer than `negMargin` (reversed for a similarity). Runs without gradients.
public struct PairMarginMiner: Sendable {
    public let posMargin: Float, negMargin: Float
    public let distance: any Distance

    public init(posMargin: Float = 0.2, negMargin: Float = 0.8, distance: any Distance = LpDistance()) {
        self.posMargin = posMargin; self.negMargin = negMargin; self.distance = distance
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let mat = withNoGrad { distance.matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let refLabels = reference?.labels ?? labels
        let n = refLabels.count, selfComparison = reference == nil
        var a1: [Int] = [], p: [Int] = [], a2: [Int] = [], neg: [Int] = []
        for i in labels.indices {
            for j in 0..<n where !(selfComparison && j == i) {
                let d = mat[i * n + j]
                if labels[i] == refLabels[j] {
                    if distance.isInverted ? d < posMargin : d > posMargin { a1.append(i); p.append(j) }
                } else if distance.isInverted ? d > negMargin : d < negMargin {
                    a2.append(i); neg.append(j)
                }
            }
        }
        return .pairs(a1: a1, p: p, a2: a2, n: neg)
    }
}
