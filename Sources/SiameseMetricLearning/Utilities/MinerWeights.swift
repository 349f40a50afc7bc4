import SiameseCore

extension MinedTuples {
    /// Per-sample weights from a miner's output, for losses that weigh whole samples (PML's
    /// `lmu.convert_to_weights`): each sample counts how often it appears anywhere in the tuples, divided by the
    /// largest count; samples that never appear weigh 0. Without tuples (or with empty ones) every weight is 1.
    static func sampleWeights(_ tuples: MinedTuples?, count n: Int) -> Tensor {
        guard let tuples else { return Tensor.ones([n]) }
        let all: [Int]
        switch tuples {
        case let .pairs(a1, p, a2, neg): all = a1 + p + a2 + neg
        case let .triplets(a, p, neg): all = a + p + neg
        }
        guard !all.isEmpty else { return Tensor.ones([n]) }
        var counts = [Float](repeating: 0, count: n)
        for i in all where i >= 0 && i < n { counts[i] += 1 }
        let top = counts.max() ?? 1
        return Tensor(counts.map { $0 / Swift.max(top, 1) }, shape: [n])
    }
}
