import SiameseCore
import SiameseNN

/// A weighted sum of metric losses, each optionally with its own miner (PML 2.9 `MultipleLosses`).
///
/// `L = Σ_k w_k · loss_k(embeddings, labels, tuples_k)`, where `tuples_k` is the output of loss `k`'s miner
/// (run without gradient) when it has one, else the tuples passed in (or all of them). Weights default to 1.
/// As in PML, tuples passed in are an error when any sub-loss has its own miner. Sub-losses with learned weights
/// are its child modules (named by their entry names), so ``parameters()`` hands them all to the optimizer.
public final class MultipleLosses: Module, MetricLoss {
    /// One summand.
    public struct Entry {
        public let name: String
        public let loss: any MetricLoss
        public let miner: (any Miner)?
        public let weight: Float

        public init(_ name: String, _ loss: any MetricLoss, miner: (any Miner)? = nil, weight: Float = 1) {
            self.name = name; self.loss = loss; self.miner = miner; self.weight = weight
        }
    }

    public let entries: [Entry]
    /// Not used for the sum; each sub-loss reduces with its own distance and reducer.
    public let distance: any Distance = LpDistance()
    public let reducer: any Reducer = SumReducer()

    /// Tuples passed in go to every sub-loss: only when no entry has its own miner and every sub-loss takes them.
    public var acceptsMinedTuples: Bool { entries.allSatisfy { $0.miner == nil && $0.loss.acceptsMinedTuples } }

    /// Throws ``MetricLossError/minerNotSupported(loss:)`` for an entry whose miner its loss does not take.
    public func checkEntries() throws(MetricLossError) {
        for e in entries { try e.loss.checkMiner(e.miner != nil) }
    }

    public init(_ entries: [Entry]) {
        precondition(!entries.isEmpty, "MultipleLosses: at least one loss is needed")
        precondition(Set(entries.map(\.name)).count == entries.count, "MultipleLosses: loss names must be distinct")
        self.entries = entries
        super.init()
    }

    override public func children() -> [(String, Any)] {
        entries.compactMap { e in (e.loss as? Module).map { (e.name, $0 as Any) } }
    }

    /// Unnamed losses (named by position), with optional weights.
    public convenience init(_ losses: [any MetricLoss], weights: [Float]? = nil) {
        precondition(weights == nil || weights!.count == losses.count, "MultipleLosses: one weight per loss")
        self.init(losses.enumerated().map { Entry(String($0.offset), $0.element, weight: weights?[$0.offset] ?? 1) })
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        precondition(tuples == nil || entries.allSatisfy { $0.miner == nil },
                     "MultipleLosses: tuples were passed in although a sub-loss has its own miner")
        var out: [String: LossTerm] = [:]
        for e in entries {
            let mined = e.miner.map { m in withNoGrad { m(embeddings.detached(), labels: labels) } } ?? tuples
            let value = e.loss(embeddings, labels: labels, tuples: mined) * e.weight
            out[e.name] = LossTerm(losses: value.reshaped([1]), kind: .element)
        }
        return out
    }
}
