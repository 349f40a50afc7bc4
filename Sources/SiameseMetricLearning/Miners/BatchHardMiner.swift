import SiameseCore

/// For every anchor, its hardest positive (farthest) and hardest negative (closest), as PML's `BatchHardMiner`.
///
/// Anchors without a positive or a negative in the batch are skipped. Runs without recording gradients.
public struct BatchHardMiner: Sendable {
    public let distance: any Distance

    public init(distance: any Distance = LpDistance()) { self.distance = distance }

    /// Strictly less alike, in this distance's sense (so the first of equal candidates is kept).
    private func isFarther(_ x: Float, than y: Float) -> Bool { distance.isInverted ? x < y : x > y }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        let mat = withNoGrad { distance.matrix(embeddings.detached()) }.scalars
        let n = labels.count
        var a: [Int] = [], p: [Int] = [], neg: [Int] = []
        for i in 0..<n {
            // Scan row i once: farthest positive and closest negative (first one on ties).
            var hardestPositive = -1, hardestNegative = -1
            let row = i * n
            for j in 0..<n where j != i {
                let d = mat[row + j]
                if labels[j] == labels[i] {
                    if hardestPositive < 0 || isFarther(d, than: mat[row + hardestPositive]) { hardestPositive = j }
                } else if hardestNegative < 0 || isFarther(mat[row + hardestNegative], than: d) {
                    hardestNegative = j
                }
            }
            if hardestPositive >= 0 && hardestNegative >= 0 { a.append(i); p.append(hardestPositive); neg.append(hardestNegative) }
        }
        return .triplets(a: a, p: p, n: neg)
    }
}
