import SiameseCore

/// For every anchor, one positive and one negative chosen by a strategy each (PML's `BatchEasyHardMiner`):
///
/// - `.hard`: the positive least alike / the negative most alike;
/// - `.easy`: the positive most alike / the negative least alike;
/// - `.semihard`: the hardest one that is still easier than the other side's choice (a positive more alike than
///   the chosen negative, a negative less alike than the chosen positive); only one side may be semihard;
/// - `.all`: every positive (or negative) pair of the anchor; not with `.semihard` on the other side.
///
/// `allowedPositiveRange` / `allowedNegativeRange` (closed intervals of the distance) drop candidates outside them.
/// Both sides chosen: pairs `(a, p)` and `(a, n)` for anchors that have both. On ties the first index wins.
/// Defaults: positives `.easy`, negatives `.semihard`, no range, ``LpDistance``. ``BatchHardMiner`` is
/// `.hard`/`.hard` as triplets.
public struct BatchEasyHardMiner: Sendable {
    public enum Strategy: String, Sendable, CaseIterable { case hard, semihard, easy, all }

    public let positiveStrategy: Strategy, negativeStrategy: Strategy
    public let allowedPositiveRange: ClosedRange<Float>?, allowedNegativeRange: ClosedRange<Float>?
    public let distance: any Distance

    public init(positiveStrategy: Strategy = .easy, negativeStrategy: Strategy = .semihard,
                allowedPositiveRange: ClosedRange<Float>? = nil, allowedNegativeRange: ClosedRange<Float>? = nil,
                distance: any Distance = LpDistance()) {
        precondition(!(positiveStrategy == .semihard && negativeStrategy == .semihard),
                     "BatchEasyHardMiner: positives and negatives cannot both be semihard")
        precondition(!((positiveStrategy == .all && negativeStrategy == .semihard) || (negativeStrategy == .all && positiveStrategy == .semihard)),
                     "BatchEasyHardMiner: semihard cannot be combined with all")
        self.positiveStrategy = positiveStrategy; self.negativeStrategy = negativeStrategy
        self.allowedPositiveRange = allowedPositiveRange; self.allowedNegativeRange = allowedNegativeRange
        self.distance = distance
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    /// One chosen column per row (or `nil`), its value: the largest or smallest value among `candidates(row)`,
    /// within `range` and, with a threshold, strictly beyond it (smaller for a max, larger for a min).
    private static func choose(_ mat: [Float], rows: Int, cols: Int, largest: Bool, range: ClosedRange<Float>?,
                               thresholds: [Float?]?, candidate: (Int, Int) -> Bool) -> [(index: Int, value: Float)?] {
        (0..<rows).map { i in
            var best: (index: Int, value: Float)?
            for j in 0..<cols where candidate(i, j) {
                let v = mat[i * cols + j]
                if let range, !range.contains(v) { continue }
                if let t = thresholds?[i] {
                    if largest ? v >= t : v <= t { continue }
                } else if thresholds != nil { continue }
                if let b = best { if largest ? v > b.value : v < b.value { best = (j, v) } } else { best = (j, v) }
            }
            return best
        }
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let refLabels = reference?.labels ?? labels
        let mat = withNoGrad { distance.matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let rows = labels.count, cols = refLabels.count
        let selfComparison = reference == nil
        let isPositive = { (i: Int, j: Int) in refLabels[j] == labels[i] && !(selfComparison && i == j) }
        let isNegative = { (i: Int, j: Int) in refLabels[j] != labels[i] }
        let inverted = distance.isInverted
        // "largest" in value terms: hard/semihard positives are the largest distances (smallest similarities).
        let positiveLargest = (positiveStrategy == .easy) == inverted
        let negativeLargest = (negativeStrategy == .easy) != inverted
        var positives: [(index: Int, value: Float)?] = []
        var negatives: [(index: Int, value: Float)?] = []
        func pickPositives(_ t: [Float?]?) {
            positives = Self.choose(mat, rows: rows, cols: cols, largest: positiveLargest, range: allowedPositiveRange, thresholds: t, candidate: isPositive)
        }
        func pickNegatives(_ t: [Float?]?) {
            negatives = Self.choose(mat, rows: rows, cols: cols, largest: negativeLargest, range: allowedNegativeRange, thresholds: t, candidate: isNegative)
        }
        if positiveStrategy == .semihard && negativeStrategy != .all {
            pickNegatives(nil); pickPositives(negatives.map { $0?.value })
        } else if negativeStrategy == .semihard && positiveStrategy != .all {
            pickPositives(nil); pickNegatives(positives.map { $0?.value })
        } else {
            if positiveStrategy != .all { pickPositives(nil) }
            if negativeStrategy != .all { pickNegatives(nil) }
        }
        var a1: [Int] = [], p: [Int] = [], a2: [Int] = [], n: [Int] = []
        switch (positiveStrategy == .all, negativeStrategy == .all) {
        case (false, false):
            for i in 0..<rows { if let q = positives[i], let m = negatives[i] { a1.append(i); p.append(q.index); a2.append(i); n.append(m.index) } }
        case (true, false):
            for i in 0..<rows { for j in 0..<cols where isPositive(i, j) { a1.append(i); p.append(j) } }
            for i in 0..<rows { if let m = negatives[i] { a2.append(i); n.append(m.index) } }
        case (false, true):
            for i in 0..<rows { if let q = positives[i] { a1.append(i); p.append(q.index) } }
            for i in 0..<rows { for j in 0..<cols where isNegative(i, j) { a2.append(i); n.append(j) } }
        case (true, true):
            return .allPairs(labels, reference: reference?.labels)
        }
        return .pairs(a1: a1, p: p, a2: a2, n: n)
    }
}
