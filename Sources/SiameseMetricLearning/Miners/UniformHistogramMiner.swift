import SiameseCore

/// Pairs spread evenly over the range of distances (PML's `UniformHistogramMiner`): the positive pairs' distances
/// (and, apart, the negative pairs') are split into `numBins` equal-width bins between their minimum and maximum,
/// and every non-empty bin contributes `positivesPerBin` (`negativesPerBin`) pairs drawn uniformly with
/// replacement from ``GlobalGenerator``. Bins are half-open `[s, e)` except the last, `[s, e]`.
///
/// Defaults: 100 bins, 10 pairs per bin each, ``LpDistance``. Runs without recording gradients.
public struct UniformHistogramMiner: Sendable {
    public let numBins: Int, positivesPerBin: Int, negativesPerBin: Int
    public let distance: any Distance

    public init(numBins: Int = 100, positivesPerBin: Int = 10, negativesPerBin: Int = 10, distance: any Distance = LpDistance()) {
        precondition(numBins > 0 && positivesPerBin > 0 && negativesPerBin > 0, "UniformHistogramMiner: counts must be > 0")
        self.numBins = numBins; self.positivesPerBin = positivesPerBin; self.negativesPerBin = negativesPerBin
        self.distance = distance
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        GlobalGenerator.with { generator in mine(embeddings, labels: labels, reference: nil, generator: &generator) }
    }

    /// The bin of each value: `numBins` equal bins from the smallest to the largest value.
    public func bins(_ values: [Float]) -> [Int] {
        guard let lo = values.min(), let hi = values.max() else { return [] }
        let width = Double(hi - lo) / Double(numBins)
        let edges = (0...numBins).map { i in i == numBins ? Double(hi) : Double(lo) + Double(i) * width }
        return values.map { v in
            let x = Double(v)
            // The last edge index with edge ≤ x, at most numBins − 1.
            var k = width > 0 ? Swift.min(numBins - 1, Swift.max(0, Int((x - Double(lo)) / width))) : 0
            while k > 0 && x < edges[k] { k -= 1 }
            while k < numBins - 1 && x >= edges[k + 1] { k += 1 }
            return k
        }
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?, generator: inout SeededGenerator) -> MinedTuples {
        let mat = withNoGrad { distance.matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let cols = reference?.labels.count ?? labels.count
        let (a1, p, a2, n) = MinedTuples.allPairs(labels, reference: reference?.labels).asPairs
        func draw(_ rows: [Int], _ others: [Int], perBin: Int) -> ([Int], [Int]) {
            guard !rows.isEmpty else { return ([], []) }
            let bin = bins(rows.indices.map { mat[rows[$0] * cols + others[$0]] })
            var members = [[Int]](repeating: [], count: numBins)
            for (k, b) in bin.enumerated() { members[b].append(k) }
            var outRows: [Int] = [], outOthers: [Int] = []
            for group in members where !group.isEmpty {
                for _ in 0..<perBin {
                    let k = group[generator.nextInt(below: group.count)]
                    outRows.append(rows[k]); outOthers.append(others[k])
                }
            }
            return (outRows, outOthers)
        }
        let (pa, pp) = draw(a1, p, perBin: positivesPerBin)
        let (na, nn) = draw(a2, n, perBin: negativesPerBin)
        return .pairs(a1: pa, p: pp, a2: na, n: nn)
    }
}
