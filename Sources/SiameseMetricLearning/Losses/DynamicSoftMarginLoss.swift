import SiameseCore
import Synchronization

/// The dynamic soft margin loss (Zhang & Rusinkiewicz 2019): triplet differences weighted by their running CDF.
///
/// For each triplet (all, or the mined ones) `x = d(a, p) − d(a, n)`. A histogram of `x` over `numBins` bins of
/// width `Δ = 2|minVal| / numBins` starting at `minVal` is kept across calls: each call adds the batch's values,
/// spread linearly over two neighbouring bins, with weight `momentum` (1 on the first call) after scaling the old
/// histogram by `1 − momentum`, then normalises it. The loss is `mean(CDF(x) · x)`, the CDF read at each value's
/// bin; as in PML the gradient also flows through this batch's update of the histogram. The value is already
/// reduced, so there is no reducer to choose.
///
/// Defaults as PML 2.9 `DynamicSoftMarginLoss`: `minVal` −2, `numBins` 10, `momentum` 0.01, ``LpDistance`` (it must
/// be L2 on normalised embeddings). Values outside the histogram's range, where PML fails with an index error,
/// are counted in its first or last bin.
public final class DynamicSoftMarginLoss: MetricLoss, Sendable {
    public let minVal: Float, numBins: Int, momentum: Float
    public let distance: any Distance
    public let reducer: any Reducer = MeanReducer()
    private let state = Mutex<[Float]>([])

    public init(minVal: Float = -2, numBins: Int = 10, momentum: Float = 0.01, distance: any Distance = LpDistance()) {
        precondition(numBins >= 1 && minVal != 0, "DynamicSoftMarginLoss: numBins must be ≥ 1 and minVal non-zero")
        self.minVal = minVal; self.numBins = numBins; self.momentum = momentum; self.distance = distance
        state.withLock { $0 = [Float](repeating: 0, count: numBins) }
    }

    /// Bin width `2|minVal| / numBins`.
    public var delta: Float { 2 * Swift.abs(minVal) / Float(numBins) }

    /// The running histogram (normalised; all zeros before the first call).
    public var histogram: [Float] { state.withLock { $0 } }

    /// Clears the running histogram.
    public func reset() { state.withLock { $0 = [Float](repeating: 0, count: numBins) } }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a, p, n) = (tuples ?? .allTriplets(labels)).asTriplets
        guard !a.isEmpty else { return [:] }
        let mat = distance.matrix(embeddings)
        let x = mat.entries(rows: a, cols: p) - mat.entries(rows: a, cols: n)
        let scaled = (x - minVal) * (1 / delta)
        // Bin of each value (no gradient), kept inside the histogram so that index + 1 exists.
        let bins = scaled.scalars.map { Swift.min(Swift.max(Int(($0.isFinite ? $0 : 0).rounded(.down).clamped(-1, Float(numBins))), 0), Swift.max(numBins - 2, 0)) }
        let alpha = (scaled - Tensor(bins.map(Float.init), shape: [bins.count])).clamped(min: 0, max: 1)
        let old = state.withLock { $0 }
        let m = old.contains { $0 != 0 } ? momentum : 1
        var hist = (Tensor(old, shape: [numBins]) * (1 - m)).scatterAdd(axis: 0, IntTensor(bins), (1 - alpha) * m)
        if numBins > 1 { hist = hist.scatterAdd(axis: 0, IntTensor(bins.map { $0 + 1 }), alpha * m) }
        hist = hist / hist.sum()
        state.withLock { $0 = hist.detached().scalars }
        let cdf = hist.reshaped([1, -1]).cumulativeSumAlongLastAxis().reshaped([-1])
        let loss = (cdf.indexSelect(axis: 0, bins) * x).mean()
        return ["loss": LossTerm(losses: loss.reshaped([1]), kind: .element)]
    }
}
