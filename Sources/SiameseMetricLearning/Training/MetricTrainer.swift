import SiameseCore
import SiameseNN
import SiameseOptimizers

/// Training steps for losses over labelled batches (multi-similarity, triplet, N-pair, …): embed the batch in
/// one pass, mine it (optionally), reduce the loss, back-propagate, update. Use it with an M-per-class sampler,
/// and with ``EarlyStopping`` for epochs, validation and checkpoints.
///
/// ```swift
/// let trainer = MetricTrainer(network: net, loss: MultiSimilarityLoss(), miner: MultiSimilarityMiner(),
///                             optimizer: Adam(net.trainableParameters()), schedule: warmupCosine)
/// for batch in MPerClassSampler(labels: labels, classesPerBatch: 64, samplesPerClass: 4).epoch(generator: &g) {
///     let loss = try trainer.step(inputs.indexSelect(axis: 0, batch), labels: batch.map { labels[$0] })
/// }
/// ```
public final class MetricTrainer<Encoder: UnaryLayer> {
    public let network: SiameseNetwork<Encoder>
    public let loss: any MetricLoss
    public let miner: (any Miner)?
    public let optimizer: any Optimizer
    public let schedule: (any LearningRateSchedule)?

    public init(network: SiameseNetwork<Encoder>, loss: any MetricLoss, miner: (any Miner)? = nil,
                optimizer: any Optimizer, schedule: (any LearningRateSchedule)? = nil) {
        self.network = network
        self.loss = loss
        self.miner = miner
        self.optimizer = optimizer
        self.schedule = schedule
    }

    /// One optimisation step on a labelled batch; returns the loss.
    ///
    /// - Throws: ``TrainingError/nonFiniteLoss(step:)`` if the loss is NaN or infinite (the update is skipped);
    ///   ``MetricLossError/minerNotSupported(loss:)`` if there is a miner and the loss takes no mined tuples.
    @discardableResult
    public func step(_ inputs: Tensor, labels: [Int]) throws -> Float {
        precondition(inputs.shape.first == labels.count, "MetricTrainer.step: \(inputs.shape) inputs for \(labels.count) labels")
        try loss.checkMiner(miner != nil)
        return try optimizationStep(network, optimizer, schedule) {
            let embeddings = network.embed(inputs)
            return loss(embeddings, labels: labels, tuples: miner.map { $0(embeddings, labels: labels) })
        }
    }

    /// Embeddings of `inputs` in evaluation mode, without a graph, in batches.
    public func embed(_ inputs: Tensor, batchSize: Int = 512) -> Tensor {
        network.embedAll(inputs, batchSize: batchSize)
    }
}
