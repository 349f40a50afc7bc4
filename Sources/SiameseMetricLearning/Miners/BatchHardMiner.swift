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
            var hardestPositive: Int?, hardestNegative: Int?
            for j in 0..<n where j != i {
                let d = mat[i * n + j]
                if labels[j] == labels[i] {
                    if hardestPositive.map({ isFarther(d, than: mat[i * n + $0]) }) ?? true { hardestPositive = j }
                } else if hardestNegative.map({ isFarther(mat[i * n + $0], than: d) }) ?? true {
                    hardestNegative = j
                }
            }
            if let hp = hardestPositive, let hn = hardestNegative { a.append(i); p.append(hp); neg.append(hn) }
        }
        return .triplets(a: a, p: p, n: neg)
    }
}
