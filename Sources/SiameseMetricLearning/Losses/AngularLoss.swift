import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Angular loss (Wang et al. 2017) in PML's form (`AngularLoss`). Per positive pair `(a, p)`, with `x_a`, `x_p`
/// L2-normalised and `n` ranging over **every** sample of another class than `a` (mined negatives are not used):
/// `log(1 + Σ_n exp(4 tan²α · (x_a + x_p)ᵀ e_n − 2(1 + tan²α) · x_aᵀx_p))`.
///
/// As PML, the negatives `e_n` enter as given, not normalised; `normalizeNegatives: true` normalises them too (the
/// paper's form and SiameseKit's earlier default; its values differ from PML's).
///
/// Defaults: α 40°, ``MeanReducer`` over positive pairs. Takes reference embeddings (``CrossBatchMemory``): anchors
/// are batch rows, positives and negatives reference rows.
public struct AngularLoss: MetricLoss, ReferenceMetricLoss {
    public let alphaDegrees: Float
    public let normalizeNegatives: Bool
    public let distance: any Distance = DotProductSimilarity()
    public let reducer: any Reducer

    public init(alphaDegrees: Float = 40, normalizeNegatives: Bool = false, reducer: any Reducer = MeanReducer()) {
        self.alphaDegrees = alphaDegrees; self.normalizeNegatives = normalizeNegatives; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let (a1, p, a2, _) = (tuples ?? .allPairs(labels, reference: reference?.labels)).asPairs
        guard !a1.isEmpty, !a2.isEmpty else { return [:] }
        let alpha = Double(alphaDegrees) * Double.pi / 180
        let tan2 = Float(Foundation_tan(alpha) * Foundation_tan(alpha))
        let others = reference?.embeddings ?? embeddings, otherLabels = reference?.labels ?? labels
        let x = embeddings.l2Normalized(axis: -1), y = reference.map { $0.embeddings.l2Normalized(axis: -1) } ?? x
        let xa = x.indexSelect(axis: 0, a1), xp = y.indexSelect(axis: 0, p)
        let negatives = normalizeNegatives ? y : others
        let apDot = (xa * xp).sum(axis: 1, keepDims: true)                               // [pairs, 1]
        let scores = matmul(xa + xp, negatives.transposed()) * (4 * tan2) - apDot * (2 * (1 + tan2))   // [pairs, n]
        let n = otherLabels.count
        var keep = [Float](repeating: 0, count: a1.count * n)
        for (i, anchor) in a1.enumerated() { for j in 0..<n where otherLabels[j] != labels[anchor] { keep[i * n + j] = 1 } }
        let losses = scores.maskedLogSumExp(keep: Tensor(keep, shape: [a1.count, n]), addOne: true, axis: 1)
        return ["loss": LossTerm(losses: losses.reshaped([-1]), kind: .positivePair, anchors: a1)]
    }
}

@inline(__always) private func Foundation_tan(_ x: Double) -> Double { tan(x) }
