import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FastAP (Cakir et al. 2019): one minus a histogram approximation of each anchor's average precision.
///
/// The distances `d(i, j)` (squared L2 on normalised embeddings, so in `[0, 4]`) are spread over `numBins + 1`
/// evenly spaced bin centres `c_k` with triangular kernels `δ_k(d) = [1 − |d − c_k| / Δ]₊`, `Δ = 4 / numBins`.
/// With `h⁺_k` and `h_k` the soft counts of anchor `i`'s positives and of all its pairs in bin `k`, and `H⁺_k`,
/// `H_k` their cumulative sums:
///
/// `FastAP(i) = 1/N⁺(i) Σ_k h⁺_k H⁺_k / H_k`, loss per anchor `1 − FastAP(i)`
///
/// over anchors with at least one positive, times the miner's sample weight (a miner only reweighs anchors,
/// as in PML). Defaults as PML 2.9 `FastAPLoss`: `numBins` 10, ``LpDistance`` with `power` 2 (the distance must be
/// L2 on normalised embeddings; its power sets the histogram range `2^power`), ``MeanReducer``.
public struct FastAPLoss: MetricLoss {
    public let numBins: Int
    public let distance: any Distance
    public let reducer: any Reducer

    public init(numBins: Int = 10, distance: any Distance = LpDistance(power: 2), reducer: any Reducer = MeanReducer()) {
        precondition(numBins >= 1, "FastAPLoss: numBins must be ≥ 1")
        self.numBins = numBins; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let n = labels.count
        let weights = MinedTuples.sampleWeights(tuples, count: n)
        let (posMask, negMask) = MinedTuples.allPairMasks(labels)
        let positives = posMask.sum(axis: 1).scalars
        let anchors = (0..<n).filter { positives[$0] > 0 }
        guard !anchors.isEmpty else { return [:] }
        let mat = distance.matrix(embeddings)
        let power = (distance as? LpDistance)?.power ?? 1
        let histMax = Float(pow(2.0, Double(power)))
        let delta = histMax / Float(numBins)
        var posColumns: [Tensor] = [], negColumns: [Tensor] = []
        for k in 0...numBins {
            let centre = histMax * Float(k) / Float(numBins)
            let pulse = (1 - (mat - centre).abs() * (1 / delta)).relu()
            posColumns.append((pulse * posMask).sum(axis: 1, keepDims: true))
            negColumns.append((pulse * negMask).sum(axis: 1, keepDims: true))
        }
        let posHist = Tensor.concatenate(posColumns, axis: 1), negHist = Tensor.concatenate(negColumns, axis: 1)
        let totalPos = posHist.cumulativeSumAlongLastAxis()
        let total = (posHist + negHist).cumulativeSumAlongLastAxis()
        let product = posHist * totalPos
        // Only bins where both are positive count; elsewhere the ratio is 0 (and its gradient too).
        let safe = product.detached().gt(0) * total.detached().gt(0)
        let ratio = product * safe / (total + (1 - safe))
        let fastAP = ratio.sum(axis: 1).indexSelect(axis: 0, anchors) / Tensor(anchors.map { positives[$0] }, shape: [anchors.count])
        let losses = (1 - fastAP) * weights.indexSelect(axis: 0, anchors)
        return ["loss": LossTerm(losses: losses, kind: .element, anchors: anchors)]
    }
}
