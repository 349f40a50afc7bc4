import Foundation
import SiameseCore
import SiameseData
import SiameseNN
import SiameseOptimizers

/// Where a training run stands, reported after every step.
public struct TrainingProgress: Sendable {
    public let epoch: Int, epochs: Int
    public let step: Int, stepsPerEpoch: Int
    /// Mean loss over the epoch so far.
    public let loss: Float
    /// Pairs per second over the epoch so far.
    public let pairsPerSecond: Double
    /// Estimated seconds left in the whole run.
    public let secondsLeft: Double

    public init(epoch: Int, epochs: Int, step: Int, stepsPerEpoch: Int, loss: Float, pairsPerSecond: Double, secondsLeft: Double) {
        self.epoch = epoch; self.epochs = epochs; self.step = step; self.stepsPerEpoch = stepsPerEpoch
        self.loss = loss; self.pairsPerSecond = pairsPerSecond; self.secondsLeft = secondsLeft
    }
}

/// Trains a ``SiameseNetwork`` on labelled pairs with ``PairContrastiveLoss``.
///
/// Each step gathers a batch of pairs from an in-memory input tensor, embeds both branches in one pass,
/// back-propagates the loss and updates with the optimizer (after the schedule sets its rate).
public final class PairTrainer<Encoder: UnaryLayer> {
    public let network: SiameseNetwork<Encoder>
    public let loss: PairContrastiveLoss
    public let optimizer: any Optimizer
    public let schedule: (any LearningRateSchedule)?

    public init(network: SiameseNetwork<Encoder>, loss: PairContrastiveLoss = PairContrastiveLoss(),
                optimizer: any Optimizer, schedule: (any LearningRateSchedule)? = nil) {
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.schedule = schedule
    }

    /// Runs one epoch over `pairs` (in order) in batches; returns the mean loss.
    ///
    /// - Throws: ``TrainingError/nonFiniteLoss(step:)`` if the loss becomes NaN or infinite.
    @discardableResult
    public func trainEpoch(inputs: Tensor, pairs: [BalancedPairSampler.Pair], batchSize: Int, epoch: Int = 1, epochs: Int = 1,
                           progress: ((TrainingProgress) -> Void)? = nil) throws -> Float {
        network.train()
        let steps = (pairs.count + batchSize - 1) / batchSize
        let start = Date()
        var total: Float = 0
        for s in 0..<steps {
            let batch = Array(pairs[(s * batchSize)..<Swift.min(pairs.count, (s + 1) * batchSize)])
            let x1 = inputs.indexSelect(axis: 0, batch.map(\.first)), x2 = inputs.indexSelect(axis: 0, batch.map(\.second))
            total += try step(x1, x2, same: Tensor(batch.map { $0.same ? 1 : 0 }))
            if let progress {
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double((s + 1) * batchSize) / Swift.max(elapsed, 1e-9)
                let left = Double((steps - s - 1) + (epochs - epoch) * steps) * elapsed / Double(s + 1)
                progress(TrainingProgress(epoch: epoch, epochs: epochs, step: s + 1, stepsPerEpoch: steps,
                                          loss: total / Float(s + 1), pairsPerSecond: rate, secondsLeft: left))
            }
        }
        return total / Float(Swift.max(steps, 1))
    }

    /// One optimisation step on a batch of input pairs; returns the loss.
    ///
    /// - Throws: ``TrainingError/nonFiniteLoss(step:)`` if the loss is NaN or infinite (the update is skipped).
    @discardableResult
    public func step(_ x1: Tensor, _ x2: Tensor, same: Tensor) throws -> Float {
        try optimizationStep(network, optimizer, schedule) {
            let (e1, e2) = network(x1, x2)
            return loss(e1, e2, same: same)
        }
    }

    /// Embeddings of `inputs` in evaluation mode, without a graph, in batches.
    public func embed(_ inputs: Tensor, batchSize: Int = 512) -> Tensor {
        network.embedAll(inputs, batchSize: batchSize)
    }

    /// Distances between the embeddings of each pair, in evaluation mode and without a graph.
    public func distances(inputs: Tensor, pairs: [BalancedPairSampler.Pair], batchSize: Int = 512) -> [Float] {
        network.eval()
        defer { network.train() }
        return withNoGrad {
            stride(from: 0, to: pairs.count, by: batchSize).flatMap { lo -> [Float] in
                let batch = Array(pairs[lo..<Swift.min(pairs.count, lo + batchSize)])
                let x1 = inputs.indexSelect(axis: 0, batch.map(\.first)), x2 = inputs.indexSelect(axis: 0, batch.map(\.second))
                return network.distance(x1, x2).scalars
            }
        }
    }
}

/// Problems during training.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case nonFiniteLoss(step: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step): return "training diverged: the loss became NaN or infinite at step \(step) (try a lower learning rate)"
        }
    }
}
