import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// One `siamese train` run: builds the network, optimizer and schedule from a recipe, trains with early
/// stopping (best weights in `checkpoint/`, the state after every epoch in `last/`), then evaluates.
///
/// Every random choice of epoch `e` (pairs, P×K groups, distortions) is seeded from the recipe's seed and
/// `e`, so a run resumed from `last/` continues exactly as an uninterrupted one would.
final class TrainingSession {
    let recipe: TrainingRecipe
    let data: TrainingData
    let input: InputRecipe
    let network: SiameseNetwork<AnyEncoder>
    let optimizer: Adam
    let schedule: WarmupCosineSchedule
    let stopping: EarlyStopping
    var folder: RunFolder
    let showProgress: Bool

    /// A batch ready for a step: twin inputs with same/different flags, or one input with class labels.
    struct Batch: Sendable {
        let x1: Tensor, x2: Tensor?, same: Tensor?, labels: [Int]
    }

    init(recipe: TrainingRecipe, data: TrainingData, folder: RunFolder, showProgress: Bool) throws {
        self.recipe = recipe
        self.data = data
        self.folder = folder
        self.showProgress = showProgress
        if recipe.loss != .contrastive, recipe.batchSize / recipe.samplesPerClass > data.trainingClasses {
            throw ValidationError("batchSize \(recipe.batchSize) / samplesPerClass \(recipe.samplesPerClass) asks for "
                                  + "\(recipe.batchSize / recipe.samplesPerClass) classes per batch; the training data has \(data.trainingClasses)")
        }
        // Normalisation statistics come from the original training images only.
        let pixels = data.training.lazy.flatMap { data.images[$0].pixels }
        var sum = 0.0, squares = 0.0, count = 0.0
        for p in pixels { sum += Double(p); squares += Double(p) * Double(p); count += 1 }
        let mean = sum / count, std = Swift.max((squares / count - mean * mean).squareRoot(), 1e-6)
        input = InputRecipe(size: recipe.encoder.inputSide, invert: recipe.resolvedInvert, mean: Float(mean), std: Float(std),
                            channels: recipe.encoder.inputChannels)

        GlobalGenerator.seed(recipe.seed)
        do {
            network = SiameseNetwork(encoder: try recipe.encoder.makeEncoder(), normalizeEmbeddings: recipe.normalizeEmbeddings)
        } catch {
            throw ValidationError("\(error)")
        }
        let parameters = network.trainableParameters()
        optimizer = recipe.optimizer == .adamw
            ? AdamW(parameters, learningRate: recipe.learningRate, weightDecay: recipe.weightDecay)
            : Adam(parameters, learningRate: recipe.learningRate, weightDecay: recipe.weightDecay)
        let total = recipe.epochs * recipe.stepsPerEpoch
        schedule = WarmupCosineSchedule(base: recipe.learningRate, warmupSteps: Swift.min(recipe.warmupSteps, total - 1),
                                        totalSteps: Swift.max(total, 1), minimum: recipe.learningRate / 20)
        let architecture = NetworkArchitecture(encoder: recipe.encoder, normalizeEmbeddings: recipe.normalizeEmbeddings)
        stopping = EarlyStopping(model: network, optimizer: optimizer, checkpoint: folder.url.appendingPathComponent("checkpoint"),
                                 patience: recipe.patience, greaterIsBetter: true, architecture: architecture.jsonString,
                                 latest: folder.url.appendingPathComponent("last"))
    }

    /// Restores the state after the last finished epoch of an interrupted run.
    func resume() throws {
        do { try stopping.resumeFromLatest() } catch {
            throw ValidationError("\(folder.url.path): cannot resume from last/: \(error)")
        }
    }

    /// Embeddings of prepared images in evaluation mode, in batches, without a graph.
    func embed(_ prepared: [Image]) -> Tensor {
        input.embed(prepared, with: network)
    }

    /// Distortions of training images, scaled to the input side (Koch et al.'s ranges, each with p = ½).
    var augmentation: ImageAugmentation {
        guard recipe.augment else { return ImageAugmentation([]) }
        let shift = Float(recipe.encoder.inputSide) / 28
        return ImageAugmentation([.affine(rotation: -10...10, shear: -0.3...0.3, scale: 0.8...1.2,
                                          translation: -shift...shift, probability: 0.5, fill: 0)])
    }

    /// The batches of epoch `epoch`, built on a background thread.
    func batches(epoch: Int) throws -> BatchLoader<Batch> {
        let recipe = recipe, images = data.images, labels = data.labels, training = data.training, input = input
        let augmentation = augmentation
        var g = SeededGenerator(seed: recipe.seed &+ UInt64(epoch) &* 1_000_003)
        let seed = recipe.seed &+ UInt64(epoch) &* 7919
        let steps = recipe.stepsPerEpoch
        let trainingLabels = training.map { labels[$0] }
        switch recipe.loss {
        case .contrastive:
            let pairs = try BalancedPairSampler(labels: trainingLabels).pairs(steps * recipe.batchSize, generator: &g)
            let size = recipe.batchSize
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> Batch in
                var ag = SeededGenerator(seed: seed &+ UInt64(index[0]))
                let slice = pairs[(index[0] * size)..<((index[0] + 1) * size)]
                let first = slice.map { augmentation.apply(images[training[$0.first]], generator: &ag) }
                let second = slice.map { augmentation.apply(images[training[$0.second]], generator: &ag) }
                return Batch(x1: input.stack(first), x2: input.stack(second), same: Tensor(slice.map { $0.same ? 1 : 0 }), labels: [])
            }
        case .multiSimilarity, .triplet:
            let sampler = MPerClassSampler(labels: trainingLabels, classesPerBatch: recipe.batchSize / recipe.samplesPerClass,
                                           samplesPerClass: recipe.samplesPerClass)
            let rounds = (steps + sampler.batchesPerEpoch - 1) / sampler.batchesPerEpoch
            let groups = (0..<rounds).flatMap { _ in sampler.epoch(generator: &g) }
            return BatchLoader(count: steps, batchSize: 1, shuffle: false) { index -> Batch in
                var ag = SeededGenerator(seed: seed &+ UInt64(index[0]))
                let members = groups[index[0]]
                let drawn = members.map { augmentation.apply(images[training[$0]], generator: &ag) }
                return Batch(x1: input.stack(drawn), x2: nil, same: nil, labels: members.map { trainingLabels[$0] })
            }
        }
    }

    /// The library trainers the recipe's loss needs: twin pairs, or labelled P×K batches with a miner.
    private lazy var pairTrainer = PairTrainer(network: network, loss: PairContrastiveLoss(margin: recipe.margin),
                                               optimizer: optimizer, schedule: schedule)
    private lazy var metricTrainer: MetricTrainer<AnyEncoder> = recipe.loss == .triplet
        ? MetricTrainer(network: network, loss: TripletMarginLoss(margin: recipe.margin), miner: BatchHardMiner(),
                        optimizer: optimizer, schedule: schedule)
        : MetricTrainer(network: network, loss: MultiSimilarityLoss(), miner: MultiSimilarityMiner(),
                        optimizer: optimizer, schedule: schedule)

    /// One optimisation step; returns the loss.
    func step(_ batch: Batch) throws -> Float {
        if let x2 = batch.x2, let same = batch.same { return try pairTrainer.step(batch.x1, x2, same: same) }
        return try metricTrainer.step(batch.x1, labels: batch.labels)
    }

    /// Trains until the recipe's epochs or patience run out (or after `pause` more epochs), leaving the best
    /// weights in the network.
    /// - Returns: seconds spent training in this call.
    func train(pause: Int? = nil) throws -> Double {
        let episodes = try RunEvaluation.episodes(labels: data.validation.map { data.labels[$0] }, ways: recipe.ways,
                                                  count: 300, seed: recipe.seed &+ 2)
        let validationImages = data.validation.map { data.images[$0] }
        var vg = SeededGenerator(seed: recipe.seed &+ 4)
        let validationPairs = try BalancedPairSampler(labels: data.validation.map { data.labels[$0] })
            .pairs(Swift.min(recipe.evaluationPairs, 2000), generator: &vg)
        var bar = ProgressBar(enabled: showProgress)
        bar.unit = recipe.loss == .contrastive ? "pairs" : "images"
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
                let elapsed = Date().timeIntervalSince(epochStart)
                bar.update(TrainingProgress(epoch: epoch, epochs: epochs, step: done, stepsPerEpoch: steps,
                                            loss: total / Float(done), pairsPerSecond: Double(done * perStep) / Swift.max(elapsed, 1e-9),
                                            secondsLeft: Double((steps - done) + (epochs - epoch) * steps) * elapsed / Double(done)))
            }
            lastLoss = total / Float(Swift.max(done, 1))
            return lastLoss
        }, validate: { [self] in
            let e = embed(validationImages)
            let score: Double
            switch recipe.resolvedCriterion {
            case .oneShot: score = try RunEvaluation.episodeAccuracy(e, episodes).accuracy
            case .rocAUC:
                let d = LpDistance(normalizeEmbeddings: false)
                    .pairwise(e.indexSelect(axis: 0, validationPairs.map(\.first)), e.indexSelect(axis: 0, validationPairs.map(\.second)))
                score = try VerificationMetrics.fromDistances(labels: validationPairs.map { $0.same ? 1 : 0 },
                                                              distances: d.scalars.map(Double.init)).rocAUC
            }
            let improved = score > (stopping.best?.validation ?? -1)
            let name = recipe.resolvedCriterion == .oneShot ? "held-out \(episodes[0].support.count)-way one-shot" : "held-out ROC-AUC"
            let line = String(format: "epoch %d: mean loss %.4f, %@ %.4f%@", stopping.history.count + 1, lastLoss, name, score,
                              improved ? " (best so far)" : "")
            folder.log(line)
            if showProgress { status("  " + line) }
            return score
        })
        return Date().timeIntervalSince(start)
    }
}
