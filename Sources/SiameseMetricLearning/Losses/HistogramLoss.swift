import SiameseCore

/// The histogram loss (Ustinova & Lempitsky 2016): the probability that a random negative pair is more similar
/// than a random positive pair, estimated from soft histograms of the two similarity distributions.
///
/// Similarities in `[−1, 1]` are spread linearly over the two nearest of `numBins + 1` nodes `−1 + rΔ`
/// (`Δ = 2 / numBins`), giving densities `p⁺` and `p⁻` over the distinct unordered positive and negative pairs of
/// the triplets (all triplets, or the mined ones); the loss is `Σ_r p⁻_r · Φ⁺_r` with `Φ⁺` the cumulative sum of
/// `p⁺`. The value is already reduced, so there is no reducer to choose.
///
/// Defaults as PML 2.9 `HistogramLoss`: `numBins` 100 (PML's `n_bins`; `delta = 2 / numBins`),
/// ``CosineSimilarity``. A similarity of exactly 1 (PML indexes past its histogram there) falls in the last node.
public struct HistogramLoss: MetricLoss {
    public let numBins: Int
    public let distance: any Distance
    public let reducer: any Reducer = MeanReducer()

    public init(numBins: Int = 100, distance: any Distance = CosineSimilarity()) {
        precondition(numBins >= 1, "HistogramLoss: numBins must be ≥ 1")
        self.numBins = numBins; self.distance = distance
    }

    /// `2 / numBins`.
    public var delta: Float { Float(2 / Double(numBins)) }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a, p, n) = (tuples ?? .allTriplets(labels)).asTriplets
        guard !a.isEmpty else { return [:] }
        let mat = distance.matrix(embeddings)
        let width = labels.count
        func distinct(_ x: [Int], _ y: [Int]) -> [Int] {
            Array(Set(zip(x, y).map { Swift.min($0, $1) * width + Swift.max($0, $1) })).sorted()
        }
        let flat = mat.reshaped([-1])
        let pPos = density(flat.indexSelect(axis: 0, distinct(a, p)))
        let pNeg = density(flat.indexSelect(axis: 0, distinct(a, n)))
        let phi = pPos.reshaped([1, -1]).cumulativeSumAlongLastAxis().reshaped([-1])
        return ["loss": LossTerm(losses: (pNeg * phi).sum().reshaped([1]), kind: .element)]
    }

    /// The soft histogram of similarities over the `numBins + 1` nodes, divided by the number of values.
    func density(_ values: Tensor) -> Tensor {
        let d = delta
        let r = values.scalars.map { Swift.min(Swift.max(Int(((($0 + 1) / d).isFinite ? ($0 + 1) / d : 0).rounded(.down).clamped(-1, Float(numBins))), 0), numBins - 1) }
        let rStar = Tensor(r.map(Float.init), shape: [r.count])
        let toUpper = (values + 1 - rStar * d) * (1 / d)
        let toLower = ((rStar + 1) * d - 1 - values) * (1 / d)
        let nodes = Tensor.zeros([numBins + 1])
            .scatterAdd(axis: 0, IntTensor(r.map { $0 + 1 }), toUpper)
            .scatterAdd(axis: 0, IntTensor(r), toLower)
        return nodes * (1 / Float(values.count))
    }
}
