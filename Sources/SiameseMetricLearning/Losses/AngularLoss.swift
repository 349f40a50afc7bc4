import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Angular loss (Wang et al. 2017) on L2-normalised embeddings. Per positive pair `(a, p)`:
/// `log(1 + Σ_n exp(4 tan²α · (x_a + x_p)ᵀx_n − 2(1 + tan²α) · x_aᵀx_p))`, negatives being those of anchor `a`.
///
/// Defaults: α 40°, ``MeanReducer`` over positive pairs.
public struct AngularLoss: MetricLoss {
    public let alphaDegrees: Float
    public let distance: any Distance = DotProductSimilarity()
    public let reducer: any Reducer

    public init(alphaDegrees: Float = 40, reducer: any Reducer = MeanReducer()) {
        self.alphaDegrees = alphaDegrees; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a, p, n) = (tuples ?? .allTriplets(labels)).asTriplets
        guard !a.isEmpty else { return [:] }
        let x = embeddings.l2Normalized(axis: -1)
        let tan2 = powf(tanf(alphaDegrees * Float.pi / 180), 2)
        let xa = x.indexSelect(axis: 0, a), xp = x.indexSelect(axis: 0, p), xn = x.indexSelect(axis: 0, n)
        let f = ((xa + xp) * xn).sum(axis: 1) * (4 * tan2) - (xa * xp).sum(axis: 1) * (2 * (1 + tan2))
        // Group the triplets by positive pair: log(1 + Σ exp f) per pair.
        var pairIndex: [[Int]: Int] = [:], group: [Int] = []
        for t in a.indices {
            let key = [a[t], p[t]]
            if pairIndex[key] == nil { pairIndex[key] = pairIndex.count }
            group.append(pairIndex[key]!)
        }
        let pairs = pairIndex.count
        var mask = [Float](repeating: 0, count: pairs * a.count)
        for (t, g) in group.enumerated() { mask[g * a.count + t] = 1 }
        let scores = f.unsqueezed(0).expanded(to: [pairs, a.count])
        let losses = scores.maskedLogSumExp(keep: Tensor(mask, shape: [pairs, a.count]), addOne: true, axis: 1)
        return ["loss": LossTerm(losses: losses.reshaped([-1]), kind: .positivePair)]
    }
}
