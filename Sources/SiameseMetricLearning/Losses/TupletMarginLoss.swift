import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tuplet margin loss (Yu & Tao 2019), per positive pair `(a, p)` with cosine `cos θ_ap`:
///
/// `log(1 + Σ_{n ∈ N(a)} exp(s · (cos θ_an − cos(θ_ap − m))))`
///
/// where `N(a)` are the anchor's negative pairs (all, or the mined ones), `m` the angular margin and `s` the scale.
///
/// Defaults as PML 2.9 `TupletMarginLoss`: margin 5.73° (given in degrees), scale 64, ``CosineSimilarity`` (the
/// only distance PML accepts), ``MeanReducer`` over positive pairs. Takes reference embeddings (``CrossBatchMemory``):
/// the pairs join a batch row to a reference row.
public struct TupletMarginLoss: MetricLoss, ReferenceMetricLoss {
    /// The angular margin in degrees.
    public let marginDegrees: Float
    public let scale: Float
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer

    public init(marginDegrees: Float = 5.73, scale: Float = 64, reducer: any Reducer = MeanReducer()) {
        self.marginDegrees = marginDegrees; self.scale = scale; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let n = labels.count, cols = reference?.labels.count ?? n
        let all = tuples ?? .allPairs(labels, reference: reference?.labels)
        let (a1, p, a2, _) = all.asPairs
        guard !a1.isEmpty, !a2.isEmpty else { return [:] }
        let negMask = all.pairMasks(rows: n, cols: cols).negative
        let mat = distance.matrix(embeddings, reference?.embeddings)
        // cos(θ − m) = cos θ · cos m + sin θ · sin m, with sin θ = √(1 − cos²θ).
        let m = Double(marginDegrees) * Double.pi / 180
        let c = mat.entries(rows: a1, cols: p).clamped(min: -1 + 1e-7, max: 1 - 1e-7)
        let shifted = c * Float(cos(m)) + (1 - c.square()).sqrt() * Float(sin(m))
        let inside = (mat.indexSelect(axis: 0, a1) - shifted.unsqueezed(1)) * scale
        let losses = inside.maskedLogSumExp(keep: negMask.indexSelect(axis: 0, a1), addOne: true, axis: 1).reshaped([-1])
        return ["loss": LossTerm(losses: losses, kind: .positivePair, anchors: a1)]
    }
}
