import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseModels
import SiameseNN
import SiameseOptimizers

/// What a ``Trainer`` reports while it runs. Every hook is optional.
public struct TrainingCallbacks {
    /// After every step: epoch, step, mean loss so far, throughput and time left.
    public var progress: ((TrainingProgress) -> Void)?
    /// A line for the run's log (epoch summaries, adaptations).
    public var log: ((String) -> Void)?
    /// After every epoch's validation, with the epoch's record and the evaluator's full result (not called in runs
    /// without a validation part).
    public var epochEnded: ((EarlyStopping.EpochRecord, EvaluationResult) -> Void)?

    public init(progress: ((TrainingProgress) -> Void)? = nil, log: ((String) -> Void)? = nil,
                epochEnded: ((EarlyStopping.EpochRecord, EvaluationResult) -> Void)? = nil) {
        self.progress = progress; self.log = log; self.epochEnded = epochEnded
    }
}

/// Trains a Siamese encoder on ``TrainingData`` with a ``TrainingObjective``: AdamW or Adam under a warm-up + cosine
/// schedule, random affine distortions, validation after every epoch with an ``Evaluator`` whose primary metric drives
/// early stopping, the best epoch's weights in `checkpoint/` and the latest state in `last/` (resumable). With the
/// recipe's `keep: last` every epoch of the schedule runs and the last one's weights are kept (in `checkpoint/` too);
/// with `validationFraction: 0` as well, there is no validation part and no per-epoch validation.
///
/// A NaN or infinite loss stops training with ``TrainingError/nonFiniteLoss(step:)``; the checkpoints written by earlier
/// epochs stay as they were.
///
/// Every random choice of epoch `e` (pairs, P×K groups, episodes, distortions) is seeded from the recipe's seed and `e`,
/// so a run resumed from `last/` continues exactly as an uninterrupted one would.
///
/// ```swift
/// let recipe = try TrainingRecipe.load(URL(fileURLWithPath: "recipes/omniglot-conv4.yaml"))
/// let data = try TrainingData.load(recipe)
/// let trainer = try Trainer(recipe: recipe, data: data, folder: URL(fileURLWithPath: "runs/mine"))
/// try trainer.fit()
/// let model = try trainer.model()        // an EmbeddingModel, ready to save(to:)
/// ```
public final class Trainer {
    public let recipe: TrainingRecipe
    public let data: TrainingData
    /// The model's input stage, with normalisation statistics from the training images.
    public let input: ImageInput
    public let network: SiameseNetwork<AnyEncoder>
    public let objective: TrainingObjective
    public let optimizer: Adam
    public let schedule: WarmupCosineSchedule
    public let stopping: EarlyStopping
    /// Scores every epoch; its primary metric decides early stopping. `nil` when the data has no validation part
    /// (`validationFraction: 0` with `keep: last`).
    public let validator: (any Evaluator)?
    public var callbacks: TrainingCallbacks
    /// Training labels mapped to 0..<classes (what losses with proxies need).
    let denseLabels: [Int]
    let classes: Int

    /// - Parameters:
    ///   - folder: the run folder (`checkpoint/` and `last/` go there).
    ///   - objective: overrides the recipe's loss, miner and objective.
    ///   - validator: overrides the recipe's criterion (any evaluator over the held-out images, in `data.validation` order).
    public init(recipe: TrainingRecipe, data: TrainingData, folder: URL, objective: TrainingObjective? = nil,
                validator: (any Evaluator)? = nil, callbacks: TrainingCallbacks = TrainingCallbacks()) throws {
        self.recipe = recipe
        self.data = data
        self.callbacks = callbacks
        // Sorted, so the mapping keeps the classes' order and the samplers draw exactly as they would on the raw labels.
        let sortedClasses = Set(data.training.map { data.labels[$0] }).sorted()
        let dense = Dictionary(uniqueKeysWithValues: zip(sortedClasses, 0...))
        denseLabels = data.training.map { dense[data.labels[$0]]! }
        classes = dense.count
        if recipe.resolvedObjective == .labelled, objective == nil, recipe.sampler == nil, recipe.batchSize / recipe.samplesPerClass > classes {
            throw RecipeError.unusable("batchSize \(recipe.batchSize) / samplesPerClass \(recipe.samplesPerClass) asks for "
                                       + "\(recipe.batchSize / recipe.samplesPerClass) classes per batch; the training data has \(classes)")
        }
        // Normalisation statistics come from the original training images only.
        var sum = 0.0, squares = 0.0, count = 0.0
        for i in data.training { for p in data.images[i].pixels { sum += Double(p); squares += Double(p) * Double(p); count += 1 } }
        let mean = sum / count, std = Swift.max((squares / count - mean * mean).squareRoot(), 1e-6)
        input = try ImageInput(configuration: .init(size: recipe.encoder.inputSide, invert: recipe.resolvedInvert, mean: Float(mean),
                                                    std: Float(std), channels: recipe.encoder.inputChannels))
        // The network first (its initialisation draws from the seeded generator), then whatever the loss learns.
        // The network first, then whatever the loss learns, from the recipe's seed on this task's own generator.
        let (net, madeObjective) = try GlobalGenerator.withSeed(recipe.seed) { () throws -> (SiameseNetwork<AnyEncoder>, TrainingObjective) in
            let net: SiameseNetwork<AnyEncoder>
            do {
                net = SiameseNetwork(encoder: try recipe.encoder.makeEncoder(), normalizeEmbeddings: recipe.normalizeEmbeddings)
            } catch {
                throw RecipeError.unusable("\(error)")
            }
            // In evaluation mode, so batch-norm statistics are untouched.
            let embeddingSize = net.embedAll(Tensor.zeros([1, recipe.encoder.inputChannels, recipe.encoder.inputSide,
                                                           recipe.encoder.inputSide])).shape[1]
            return (net, try objective ?? recipe.makeObjective(classes: dense.count, embeddingSize: embeddingSize))
        }
        network = net
        self.objective = madeObjective
        var parameters = net.trainableParameters()
        if let module = madeObjective.lossModule { parameters += module.trainableParameters().map { ("loss." + $0.name, $0.parameter) } }
        optimizer = recipe.optimizer == .adamw
            ? AdamW(parameters, learningRate: recipe.learningRate, weightDecay: recipe.weightDecay)
            : Adam(parameters, learningRate: recipe.learningRate, weightDecay: recipe.weightDecay)
        let total = recipe.epochs * recipe.stepsPerEpoch
        schedule = WarmupCosineSchedule(base: recipe.learningRate, warmupSteps: Swift.min(recipe.warmupSteps, total - 1),
                                        totalSteps: Swift.max(total, 1), minimum: recipe.learningRate / 20)
        let distance = try Distances.registry.make(recipe.distance)
        let heldLabels = data.validation.map { data.labels[$0] }
        let chosen: (any Evaluator)?
        if data.validation.isEmpty && validator == nil {
            guard recipe.keep == .last else {
                throw RecipeError.data("\(recipe.data): no validation part to choose the best epoch on; set validationFraction or keep: last")
            }
            chosen = nil
        } else {
            do {
                switch recipe.resolvedCriterion {
                case .oneShot:
                    chosen = try validator ?? FewShotEvaluator(labels: heldLabels, ways: recipe.ways, shots: 1, episodes: 300,
                                                               seed: recipe.seed &+ 2, distance: distance)
                case .rocAUC:
                    chosen = try validator ?? VerificationEvaluator(labels: heldLabels, pairs: Swift.min(recipe.evaluationPairs, 2000),
                                                                    seed: recipe.seed &+ 4, distance: distance)
                }
            } catch {
                throw RecipeError.data("validation on the held-out data is impossible: \(error)")
            }
        }
        self.validator = chosen
        let checkpointed: Module = madeObjective.lossModule.map { TrainingState(network: net, loss: $0) } ?? net
        stopping = EarlyStopping(model: checkpointed, optimizer: optimizer, checkpoint: folder.appendingPathComponent("checkpoint"),
                                 patience: recipe.patience, greaterIsBetter: chosen?.greaterIsBetter ?? true,
                                 architecture: Self.architecture(recipe), latest: folder.appendingPathComponent("last"),
                                 keep: recipe.keep)
    }

    /// What checkpoints store as their architecture: the encoder and whether embeddings are normalised.
    static func architecture(_ recipe: TrainingRecipe) -> String {
        "{\"encoder\":\(recipe.encoder.jsonString),\"normalizeEmbeddings\":\(recipe.normalizeEmbeddings)}"
    }

    /// Restores the state after the last finished epoch of an interrupted run.
    public func resume() throws {
        try stopping.resumeFromLatest()
    }

    /// Embeddings of images prepared by ``input`` (inverted, resized), in evaluation mode, in batches, without a graph.
    public func embed(_ prepared: [Image]) -> Tensor {
        let parts = stride(from: 0, to: prepared.count, by: 512).map {
            network.embedAll(input.stack(Array(prepared[$0..<Swift.min(prepared.count, $0 + 512)])), batchSize: 512)
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
    }

    /// The network's current weights as an ``EmbeddingModel`` (the encoder, and the objective's learned comparison head
    /// when it has one, are shared, not copied). With a head, the default similarity is the head's (`learned-head`).
    public func model(similarity: SimilarityConfiguration? = nil, info: ModelInfo = ModelInfo()) throws -> EmbeddingModel {
        let head = objective.comparisonHead
        let base = try EmbeddingModel(input: input.configuration, encoder: EncoderStage(configuration: recipe.encoder, encoder: network.encoder),
                                      normalizeEmbeddings: recipe.normalizeEmbeddings,
                                      similarity: try similarity ?? (head == nil ? SimilarityConfiguration(distance: recipe.distance) : .learnedHead()),
                                      info: info)
        guard let head else { return base }
        return EmbeddingModel(stages: base.stages + [head], similarity: base.similarity, info: info)
    }

    /// Distortions of training images, scaled to the input side (Koch et al.'s ranges, each with p = ½).
    var augmentation: ImageAugmentation {
        guard recipe.augment else { return ImageAugmentation([]) }
        if let chosen = recipe.augmentation { return chosen.make(side: recipe.encoder.inputSide) }
        let shift = Float(recipe.encoder.inputSide) / 28
        return ImageAugmentation([.affine(rotation: -10...10, shear: -0.3...0.3, scale: 0.8...1.2,
                                          translation: -shift...shift, probability: 0.5, fill: 0)])
    }

    /// The batches of epoch `epoch`, built on a background thread.
    func batches(epoch: Int) throws -> BatchLoader<TrainingBatch> {
        let recipe = recipe, images = data.images, training = data.training, input = input, labels = denseLabels
        let augmentation = augmentation
        var g = SeededGenerator(seed: recipe.seed &+ UInt64(epoch) &* 1_000_003)
        let seed = recipe.seed &+ UInt64(epoch) &* 7919
        let steps = recipe.stepsPerEpoch
        let load: @Sendable ([Int], Int) -> Tensor = { members, index in
            var ag = SeededGenerator(seed: seed &+ UInt64(index))
            return input.stack(members.map { augmentation.apply(images[training[$0]], generator: &ag) })
        }
        // A recipe's own sampler: batches of indices (pairs as consecutive first, second).
        if let spec = recipe.sampler, objective.kind != .episodic {
            let sampler: any BatchSampler
            do { sampler = try Samplers.registry.make(spec).make(labels: labels) } catch {
                throw RecipeError.unusable("sampler: \(error)")
            }
            var drawn: [[Int]] = []
            while drawn.count < steps {
                let more = sampler.epoch(generator: &g)
                guard !more.isEmpty else { throw RecipeError.unusable("sampler \(spec.name) yields no batches on this data") }
                drawn += more
            }
            let groups = drawn
            let pairs = objective.kind == .pairs
            let twoViews = objective.kind == .twoViews
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> TrainingBatch in
                let members = groups[index[0]]
                if twoViews {
                    // Two views of the same items: the same images under independently drawn distortions.
                    return TrainingBatch(x1: load(members, index[0]), x2: load(members, index[0] &+ 2_000_000), labels: members.map { labels[$0] })
                }
                guard pairs else { return TrainingBatch(x1: load(members, index[0]), labels: members.map { labels[$0] }) }
                let first = stride(from: 0, to: members.count - 1, by: 2).map { members[$0] }
                let second = stride(from: 1, to: members.count, by: 2).map { members[$0] }
                return TrainingBatch(x1: load(first, index[0]), x2: load(second, index[0] &+ 1_000_000),
                                     labels: zip(first, second).map { labels[$0] == labels[$1] ? 1 : 0 })
            }
        }
        switch objective {
        case .pairs, .learnedPairs:
            let pairs = try BalancedPairSampler(labels: labels).pairs(steps * recipe.batchSize, generator: &g)
            let size = recipe.batchSize
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> TrainingBatch in
                var ag = SeededGenerator(seed: seed &+ UInt64(index[0]))
                let slice = pairs[(index[0] * size)..<((index[0] + 1) * size)]
                let first = slice.map { augmentation.apply(images[training[$0.first]], generator: &ag) }
                let second = slice.map { augmentation.apply(images[training[$0.second]], generator: &ag) }
                return TrainingBatch(x1: input.stack(first), x2: input.stack(second), labels: slice.map { $0.same ? 1 : 0 })
            }
        case .labelled:
            let sampler = MPerClassSampler(labels: labels, classesPerBatch: recipe.batchSize / recipe.samplesPerClass,
                                           samplesPerClass: recipe.samplesPerClass)
            let rounds = (steps + sampler.batchesPerEpoch - 1) / sampler.batchesPerEpoch
            let groups = (0..<rounds).flatMap { _ in sampler.epoch(generator: &g) }
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> TrainingBatch in
                let members = groups[index[0]]
                return TrainingBatch(x1: load(members, index[0]), labels: members.map { labels[$0] })
            }
        case .twoViews:
            // Batches of distinct training images in a seeded order, each seen twice under independent distortions.
            let size = Swift.min(recipe.batchSize, labels.count)
            guard size >= 2 else { throw RecipeError.data("two views need batches of at least 2 training images; there are \(labels.count)") }
            var order: [Int] = []
            var groups: [[Int]] = []
            for _ in 0..<steps {
                if order.count < size { order = Array(0..<labels.count).shuffled(using: &g) }   // no item twice in a batch
                groups.append(Array(order.prefix(size)))
                order.removeFirst(size)
            }
            let drawn = groups
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> TrainingBatch in
                let members = drawn[index[0]]
                return TrainingBatch(x1: load(members, index[0]), x2: load(members, index[0] &+ 2_000_000), labels: members.map { labels[$0] })
            }
        case .episodic(_, let ways, let shots, let queries):
            let n = FewShotEvaluator.availableWays(labels: labels, ways: ways, shots: shots + queries - 1)
            guard n >= 2 else {
                throw RecipeError.data("episodes of \(shots) shot(s) and \(queries) queries need at least two training classes with \(shots + queries) images")
            }
            let sampler = EpisodicSampler(labels: labels, ways: n, shots: shots, queries: queries)
            let episodes = (0..<steps).map { _ in sampler.episode(generator: &g) }
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> TrainingBatch in
                let e = episodes[index[0]]
                return TrainingBatch(x1: load(e.support + e.query, index[0]), labels: e.supportClasses + e.queryClasses)
            }
        }
    }

    /// One optimisation step; returns the loss.
    ///
    /// - Throws: ``TrainingError/nonFiniteLoss(step:)`` (the update is skipped).
    public func step(_ batch: TrainingBatch) throws -> Float {
        objective.lossModule?.train()
        return try optimizationStep(network, optimizer, schedule) { objective.loss(network: network, batch: batch) }
    }

    /// Trains until the recipe's epochs or patience run out (or after `pause` more epochs), leaving the kept
    /// weights in the network (the best epoch's, or the last epoch's with `keep: last`).
    /// - Returns: seconds spent training in this call.
    @discardableResult
    public func fit(pause: Int? = nil) throws -> Double {
        let validationImages = data.validation.map { data.images[$0] }
        let perStep = recipe.batchSize, epochs = recipe.epochs, steps = recipe.stepsPerEpoch
        let start = Date()
        var lastLoss: Float = 0
        let until = pause.map { Swift.min(epochs, stopping.history.count + $0) } ?? epochs
        try stopping.run(epochs: until, train: { epoch in
            var total: Float = 0, done = 0
            let epochStart = Date()
            for result in try batches(epoch: epoch).epoch(0) {
                total += try step(try result.get())
                done += 1
                if let progress = callbacks.progress {
                    let elapsed = Date().timeIntervalSince(epochStart)
                    progress(TrainingProgress(epoch: epoch, epochs: epochs, step: done, stepsPerEpoch: steps,
                                              loss: total / Float(done), pairsPerSecond: Double(done * perStep) / Swift.max(elapsed, 1e-9),
                                              secondsLeft: Double((steps - done) + (epochs - epoch) * steps) * elapsed / Double(done)))
                }
            }
            lastLoss = total / Float(Swift.max(done, 1))
            return lastLoss
        }, validate: { [self] () throws -> Double? in
            guard let validator else {
                callbacks.log?(String(format: "epoch %d: mean loss %.4f (no validation part)", stopping.history.count + 1, lastLoss))
                return nil
            }
            let embeddings = embed(validationImages)
            // Episodes are scored by the objective's learned comparison where it has one.
            let result = try (validator as? FewShotEvaluator).flatMap { fewShot in
                try objective.episodeScorer.map { try fewShot.evaluate(embeddings: embeddings, scoredBy: $0) }
            } ?? validator.evaluate(embeddings: embeddings)
            let score = result.primaryValue
            let best = stopping.best?.validation
            let improved = best.map { validator.greaterIsBetter ? score > $0 : score < $0 } ?? true
            let line = String(format: "epoch %d: mean loss %.4f, held-out %@ %@ %.4f%@", stopping.history.count + 1, lastLoss,
                              validator.name, validator.primaryMetric, score, improved ? " (best so far)" : "")
            callbacks.log?(line)
            callbacks.epochEnded?(EarlyStopping.EpochRecord(epoch: stopping.history.count + 1, trainingLoss: lastLoss,
                                                            validation: score, improved: improved), result)
            return score
        })
        return Date().timeIntervalSince(start)
    }
}

/// The network and a loss with learned parameters, checkpointed together (the network's names stay as they are; the
/// loss's gain a `loss.` prefix).
final class TrainingState: Module {
    let network: SiameseNetwork<AnyEncoder>
    let loss: Module

    init(network: SiameseNetwork<AnyEncoder>, loss: Module) {
        self.network = network
        self.loss = loss
        super.init()
    }

    override func children() -> [(String, Any)] { network.children() + [("loss", loss)] }
}
