import SiameseCore
import SiameseData
import SiameseMetricLearning
import SiameseModels
import SiameseNN

/// What a training step optimises, as a value: twin pairs with a pair loss (or with Koch et al.'s learned head), labelled
/// batches with a metric loss and an optional miner, N-way K-shot episodes with an ``EpisodicLoss`` (prototypical,
/// matching or relation networks), or two augmented views of each sample with a ``TwoViewLoss``.
///
/// ```swift
/// let objective = TrainingObjective.labelled(loss: MultiSimilarityLoss(), miner: MultiSimilarityMiner())
/// let objective = TrainingObjective.pairs(loss: PairContrastiveLoss(margin: 1))
/// let objective = TrainingObjective.episodic(loss: MatchingLoss(), ways: 20, shots: 1, queries: 1)
/// ```
public enum TrainingObjective {
    /// Balanced same/different pairs; both branches embedded in one pass.
    case pairs(loss: any PairLoss)
    /// Labelled batches (P×K by default) with any ``MetricLoss`` and, optionally, a ``Miner``.
    case labelled(loss: any MetricLoss, miner: (any Miner)?)
    /// Balanced same/different pairs scored by Koch et al.'s learned weighted-L1 head with binary cross-entropy.
    case learnedPairs(loss: KochPairLoss)
    /// Episodes of `ways` classes with `shots` support and `queries` query items each.
    case episodic(loss: any EpisodicLoss, ways: Int, shots: Int, queries: Int)
    /// Two augmented views of each sample of a batch (labels unused) with a ``TwoViewLoss`` (VICReg, self-supervised).
    case twoViews(loss: any TwoViewLoss)

    /// The kind, as recipes name it.
    public var kind: TrainingRecipe.Objective {
        switch self {
        case .pairs, .learnedPairs: return .pairs
        case .labelled: return .labelled
        case .episodic: return .episodic
        case .twoViews: return .twoViews
        }
    }

    /// Parameters the loss learns (proxies, class weights), which the optimizer must update too.
    public var lossModule: Module? {
        switch self {
        case .labelled(let loss, _): return loss as? Module
        case .episodic(let loss, _, _, _): return loss as? Module
        case .learnedPairs(let loss): return loss
        case .twoViews(let loss): return loss as? Module
        case .pairs: return nil
        }
    }

    /// The learned comparison that classifies few-shot queries (class scores per episode), when the objective has
    /// one: every episodic loss, and Koch et al.'s head. Evaluation then scores episodes with it instead of a distance.
    public var episodeScorer: (any EpisodicLoss)? {
        switch self {
        case .episodic(let loss, _, _, _): return loss
        case .learnedPairs(let loss): return loss
        case .pairs, .labelled, .twoViews: return nil
        }
    }

    /// The learned comparison to save with the encoder, when the objective trains one: Koch et al.'s head, or the
    /// relation module of relation networks. A model with it compares inputs by the head (`similarity.json`:
    /// `learned-head`).
    public var comparisonHead: ComparisonHeadStage? {
        switch self {
        case .learnedPairs(let loss): return ComparisonHeadStage(koch: loss.head)
        case .episodic(let loss as RelationLoss, _, _, _): return ComparisonHeadStage(relation: loss.relation)
        case .episodic, .pairs, .labelled, .twoViews: return nil
        }
    }

    /// One batch's loss: `x1` holds the batch (the first branch for pairs, the first view for two views), `x2` the
    /// second branch of pairs or the second view, `labels` the items' classes (labelled, episodic) or the pairs' same
    /// flags.
    func loss(network: SiameseNetwork<AnyEncoder>, batch: TrainingBatch) -> Tensor {
        switch self {
        case .pairs(let loss):
            let (e1, e2) = network(batch.x1, batch.x2!)
            return loss(e1, e2, targets: Tensor(batch.labels.map(Float.init)))
        case .learnedPairs(let loss):
            let (e1, e2) = network(batch.x1, batch.x2!)
            return loss(e1, e2, targets: Tensor(batch.labels.map(Float.init)))
        case .labelled(let loss, let miner):
            let e = network.embed(batch.x1)
            return loss(e, labels: batch.labels, tuples: miner.map { $0(e, labels: batch.labels) })
        case .episodic(let loss, let ways, let shots, _):
            let e = network.embed(batch.x1)
            let supportCount = ways * shots
            let n = batch.labels.count
            return loss(support: e.narrowed(axis: 0, start: 0, length: supportCount), supportClasses: Array(batch.labels[..<supportCount]),
                        query: e.narrowed(axis: 0, start: supportCount, length: n - supportCount),
                        queryClasses: Array(batch.labels[supportCount...]))
        case .twoViews(let loss):
            let (e1, e2) = network(batch.x1, batch.x2!)
            return loss(e1, reference: e2)
        }
    }
}

/// A batch ready for a step: the inputs of the first (or only) branch, the second branch of pairs, and the labels
/// (pairs: 1 for same, 0 for different; episodes: episode-local classes, support first).
public struct TrainingBatch: Sendable {
    public let x1: Tensor
    public let x2: Tensor?
    public let labels: [Int]

    public init(x1: Tensor, x2: Tensor? = nil, labels: [Int]) {
        self.x1 = x1; self.x2 = x2; self.labels = labels
    }
}
