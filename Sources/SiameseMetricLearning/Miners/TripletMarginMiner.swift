import SiameseCore

/// Selects triplets by how much the negative is farther than the positive (`an − ap` for a distance,
/// `ap − an` for a similarity), compared with `margin`, as PML's `TripletMarginMiner`:
/// - `.all`: margin ≤ `margin` (every violating triplet);
/// - `.hard`: also ≤ 0 (the negative is at least as close as the positive);
/// - `.semihard`: also > 0;
/// - `.easy`: margin > `margin`.
///
/// Vectorised over the distance matrix and run without recording gradients.
public struct TripletMarginMiner: Sendable {
    public enum Kind: String, Sendable { case all, hard, semihard, easy }

    public let margin: Float
    public let kind: Kind
    public let distance: any Distance

    public init(margin: Float = 0.2, kind: Kind = .all, distance: any Distance = LpDistance()) {
        self.margin = margin; self.kind = kind; self.distance = distance
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let mat = withNoGrad { distance.matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let refLabels = reference?.labels ?? labels
        let n = refLabels.count, selfComparison = reference == nil
        var a: [Int] = [], p: [Int] = [], neg: [Int] = []
        for i in labels.indices {
            for j in 0..<n where !(selfComparison && j == i) && refLabels[j] == labels[i] {
                let ap = mat[i * n + j]
                for k in 0..<n where refLabels[k] != labels[i] {
                    let an = mat[i * n + k]
                    let m = distance.isInverted ? ap - an : an - ap
                    let keep: Bool
                    switch kind {
                    case .easy: keep = m > margin
                    case .all: keep = m <= margin
                    case .hard: keep = m <= margin && m <= 0
                    case .semihard: keep = m <= margin && m > 0
                    }
                    if keep { a.append(i); p.append(j); neg.append(k) }
                }
            }
        }
        return .triplets(a: a, p: p, n: neg)
    }
}
