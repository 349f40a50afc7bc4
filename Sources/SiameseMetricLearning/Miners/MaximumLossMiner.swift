import SiameseCore

/// The random subset of a batch with the largest loss, as PyTorch Metric Learning 1.7.3's `MaximumLossMiner`
/// (a subset-batch miner, absent from PML 2.x).
///
/// It draws `numTrials` subsets of `outputBatchSize` rows uniformly without replacement, evaluates
/// `loss(x[S], y[S], miner(x[S], y[S]))` on each (no gradient; the inner `miner` optional, all tuples without one)
/// and keeps the subset `S* = argmax_S loss(S)` (the first on ties, as `numpy.argmax`).
///
/// ``subset(_:labels:generator:)`` returns `S*` as batch row indices, PML's output: train on `x[S*]`. As a
/// ``Miner`` (for recipes and ``MetricTrainer``) it returns the tuples of `S*` mapped back to batch rows: the inner
/// miner's, or every pair of the subset; a pair or triplet loss over them equals the loss on `x[S*]`, while a loss
/// that averages over every anchor row counts the rows outside `S*` as zeros.
///
/// Defaults as PML 1.7.3: `numTrials` 5, no inner miner; `outputBatchSize` (required there) has no default. A batch
/// smaller than `outputBatchSize` gives subsets of the whole batch. Draws come from ``GlobalGenerator`` (not numpy's
/// stream: the conformance cases check the choice among PML's own draws).
/// `@unchecked Sendable`: the loss and the miner it holds are immutable values or synchronise themselves.
public struct MaximumLossMiner: Miner, @unchecked Sendable {
    public let loss: any MetricLoss
    public let miner: (any Miner)?
    public let outputBatchSize: Int
    public let numTrials: Int

    public init(loss: any MetricLoss, outputBatchSize: Int, miner: (any Miner)? = nil, numTrials: Int = 5) {
        precondition(outputBatchSize > 0 && numTrials > 0, "MaximumLossMiner: outputBatchSize and numTrials must be > 0")
        self.loss = loss; self.miner = miner; self.outputBatchSize = outputBatchSize; self.numTrials = numTrials
    }

    /// The loss of each candidate subset (row indices into the batch), evaluated without gradient.
    public func losses(of candidates: [[Int]], _ embeddings: Tensor, labels: [Int]) -> [Float] {
        withNoGrad {
            let x = embeddings.detached()
            return candidates.map { rows in
                let subset = x.indexSelect(axis: 0, rows), subsetLabels = rows.map { labels[$0] }
                return loss(subset, labels: subsetLabels, tuples: miner.map { $0(subset, labels: subsetLabels) }).item
            }
        }
    }

    /// The candidate with the largest loss (the first of equal ones), and every candidate's loss.
    public func choose(among candidates: [[Int]], _ embeddings: Tensor, labels: [Int]) -> (subset: [Int], losses: [Float]) {
        precondition(!candidates.isEmpty, "MaximumLossMiner: no candidate subsets")
        let values = losses(of: candidates, embeddings, labels: labels)
        var best = 0
        for k in values.indices where values[k] > values[best] { best = k }
        return (candidates[best], values)
    }

    /// `numTrials` random subsets of `min(outputBatchSize, n)` distinct rows.
    public func candidates(count n: Int, generator: inout SeededGenerator) -> [[Int]] {
        let size = Swift.min(outputBatchSize, n)
        return (0..<numTrials).map { _ in
            var rows = Array(0..<n)
            for i in 0..<size { rows.swapAt(i, i + generator.nextInt(below: n - i)) }   // partial Fisher–Yates
            return Array(rows[0..<size])
        }
    }

    /// PML's output: the batch rows of the subset with the largest loss.
    public func subset(_ embeddings: Tensor, labels: [Int], generator: inout SeededGenerator) -> [Int] {
        choose(among: candidates(count: labels.count, generator: &generator), embeddings, labels: labels).subset
    }

    /// The tuples of the chosen subset in batch row indices (the inner miner's, or all pairs).
    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        let drawn = GlobalGenerator.with { generator in candidates(count: labels.count, generator: &generator) }
        return tuples(of: choose(among: drawn, embeddings, labels: labels).subset, embeddings, labels: labels)
    }

    /// The tuples of the subset `rows` in batch row indices: the inner miner's on `x[rows]`, or all its pairs.
    public func tuples(of rows: [Int], _ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        let subsetLabels = rows.map { labels[$0] }
        let inner = withNoGrad { miner.map { $0(embeddings.detached().indexSelect(axis: 0, rows), labels: subsetLabels) } }
        switch inner ?? .allPairs(subsetLabels) {
        case let .pairs(a1, p, a2, n):
            return .pairs(a1: a1.map { rows[$0] }, p: p.map { rows[$0] }, a2: a2.map { rows[$0] }, n: n.map { rows[$0] })
        case let .triplets(a, p, n):
            return .triplets(a: a.map { rows[$0] }, p: p.map { rows[$0] }, n: n.map { rows[$0] })
        }
    }
}
