import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// One-shot recognition on Omniglot: train on the minimal background sets, test on the 400 official
/// 20-way one-shot trials drawn from alphabets never seen in training.
struct OmniglotDemo {
    let settings: DemoCommand
    var folder: RunFolder

    /// Drawings are shrunk from 105×105 to the tutorial CNN's 28×28 and inverted, so strokes are 1 on 0.
    static let side = 28

    struct Config: Codable {
        let dataset: String, encoder: String, loss: String, resolution: Int, augmentation: String
        let epochs: Int, batchSize: Int, pairsPerEpoch: Int, learningRate: Float, margin: Float, seed: UInt64, threads: Int
        let trainingClasses: Int, validationClasses: Int, objective: String
    }

    struct Report: Codable {
        let oneShotAccuracy: Double, oneShotInterval95: [Double], oneShotTrials: Int
        let validationROCAUC: Double, threshold: Double, trainingSeconds: Double, finalLoss: Float
        let bestEpoch: Int, validationOneShot: Double
    }

    /// A training batch: twin inputs with same/different flags (pairs), or one input with class labels (multi-similarity).
    struct PairBatch: Sendable {
        let x1: Tensor, x2: Tensor?, same: Tensor?, labels: [Int]
    }

    init(settings: DemoCommand, folder: RunFolder) {
        self.settings = settings
        self.folder = folder
    }

    static func prepare(_ image: Image) -> Image { InputRecipe.prepared(image, size: side, invert: true) }

    /// Fraction of episodes whose query's nearest support example has the right class.
    static func episodeAccuracy(_ embeddings: Tensor, _ episodes: [EpisodicSampler.Episode]) throws -> Double {
        var distances: [[Double]] = [], classes: [[Int]] = [], answers: [Int] = []
        for e in episodes {
            let support = embeddings.indexSelect(axis: 0, e.support)
            for (q, k) in zip(e.query, e.queryClasses) {
                let d = Tensor.pairwiseDistances(embeddings.indexSelect(axis: 0, [q]), support, metric: .l2)
                distances.append(d.scalars.map(Double.init)); classes.append(e.supportClasses); answers.append(k)
            }
        }
        return try FewShotAccuracy(distances: distances, supportClasses: classes, answers: answers).accuracy
    }


    mutating func execute() throws {
        let s = settings
        let data = try DemoCommand.resource("omniglot")
        status("siamese demo: loading Omniglot (background sets and the 20 official one-shot runs)…")
        let background = try OmniglotDataset(archives: ["images_background_small1.zip", "images_background_small2.zip"]
            .map { data.appendingPathComponent($0) })
        let images = try (0..<background.count).map { Self.prepare(try background.item(at: $0)) }
        let labels = background.labels
        // Every tenth character is held out to choose the same/different threshold.
        let isValidation = { (label: Int) in label % 10 == 9 }
        let trainIndices = labels.indices.filter { !isValidation(labels[$0]) }
        let validationIndices = labels.indices.filter { isValidation(labels[$0]) }
        let pixels = trainIndices.flatMap { images[$0].pixels }
        let mean = pixels.reduce(0, +) / Float(pixels.count)
        let std = (pixels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(pixels.count)).squareRoot()
        let recipe = InputRecipe(size: Self.side, invert: true, mean: mean, std: std)
        let runs = try OmniglotOneShotRuns(archive: data.appendingPathComponent("all_runs.zip"))

        let epochs = s.resolvedEpochs, pairsPerEpoch = s.resolvedPairs, batchSize = s.batchSize
        try folder.writeJSON(Config(dataset: "Omniglot minimal background sets (bundled)", encoder: "TutorialCNN",
                                 loss: s.objective == .pairs ? "PairContrastiveLoss" : "MultiSimilarityLoss + MultiSimilarityMiner",
                                 resolution: Self.side,
                                 augmentation: s.augment ? "Koch et al. affine" : "none", epochs: epochs, batchSize: batchSize,
                                 pairsPerEpoch: pairsPerEpoch, learningRate: s.learningRate, margin: s.margin, seed: s.seed,
                                 threads: Threading.threadCount, trainingClasses: Set(trainIndices.map { labels[$0] }).count,
                                 validationClasses: Set(validationIndices.map { labels[$0] }).count,
                                 objective: s.objective.rawValue), "config.json")
        status("siamese demo: tutorial CNN twin network on \(trainIndices.count) drawings of "
               + "\(Set(trainIndices.map { labels[$0] }).count) characters, \(epochs) epochs × \(pairsPerEpoch) pairs, "
               + "\(Threading.threadCount) threads → \(folder.url.path)")

        GlobalGenerator.seed(s.seed)
        let network = SiameseNetwork(encoder: TutorialCNN())
        let optimizer = Adam(network.trainableParameters(), learningRate: s.learningRate)
        let schedule = WarmupCosineSchedule(base: s.learningRate, warmupSteps: 50,
                                            totalSteps: Swift.max(51, epochs * ((pairsPerEpoch + batchSize - 1) / batchSize)),
                                            minimum: s.learningRate / 20)
        let trainer = PairTrainer(network: network, loss: PairContrastiveLoss(margin: s.margin), optimizer: optimizer, schedule: schedule)
        let sampler = try BalancedPairSampler(labels: trainIndices.map { labels[$0] })
        let augmentation = s.augment
            ? ImageAugmentation([.affine(rotation: -10...10, shear: -0.3...0.3, scale: 0.8...1.2, translation: -1...1, probability: 0.5, fill: 0)])
            : ImageAugmentation([])
        var bar = ProgressBar(enabled: true)
        let start = Date()
        var lastLoss: Float = 0
        var g = SeededGenerator(seed: s.seed)
        let batches = (pairsPerEpoch + batchSize - 1) / batchSize
        let trainLabels = trainIndices.map { labels[$0] }
        // Multi-similarity batches: 2·batchSize images, 4 drawings of each of batchSize/2 characters.
        let perClass = MPerClassSampler(labels: trainLabels, classesPerBatch: Swift.max(2, batchSize / 2), samplesPerClass: 4)
        let multiSimilarity = MultiSimilarityLoss(), miner = MultiSimilarityMiner()
        // Each epoch ends with 20-way one-shot episodes on the held-out characters; the best epoch's weights are
        // kept (checkpoint/) and training stops after `patience` epochs without improvement.
        let validation = recipe.stack(validationIndices.map { images[$0] })
        let episodes = EpisodicSampler(labels: validationIndices.map { labels[$0] }, ways: 20, shots: 1)
        var episodeGenerator = SeededGenerator(seed: s.seed &+ 2)
        let validationEpisodes = (0..<300).map { _ in episodes.episode(generator: &episodeGenerator) }
        let checkpoint = folder.url.appendingPathComponent("checkpoint")
        let architecture = #"{"encoder":"TutorialCNN","input":[1,28,28]}"#
        let stopping = EarlyStopping(model: network, optimizer: optimizer, checkpoint: checkpoint, patience: s.patience,
                                     architecture: architecture)
        try stopping.run(epochs: epochs, train: { epoch in
            let pairs = sampler.pairs(pairsPerEpoch, generator: &g)
            let groups = (0..<((batches + perClass.batchesPerEpoch - 1) / perClass.batchesPerEpoch)).flatMap { _ in perClass.epoch(generator: &g) }
            let seed = s.seed &+ UInt64(epoch) &* 7919
            // Batches are gathered and distorted on the loader's background thread while the network trains.
            let loader = BatchLoader(count: batches, batchSize: 1, shuffle: false) { [images, trainIndices, objective = s.objective] index -> PairBatch in
                var ag = SeededGenerator(seed: seed &+ UInt64(index[0]))
                if objective == .multiSimilarity {
                    let members = groups[index[0]]
                    let drawn = members.map { augmentation.apply(images[trainIndices[$0]], generator: &ag) }
                    return PairBatch(x1: recipe.stack(drawn), x2: nil, same: nil,
                                     labels: members.map { trainLabels[$0] })
                }
                let slice = pairs[(index[0] * batchSize)..<Swift.min(pairs.count, (index[0] + 1) * batchSize)]
                let first = slice.map { augmentation.apply(images[trainIndices[$0.first]], generator: &ag) }
                let second = slice.map { augmentation.apply(images[trainIndices[$0.second]], generator: &ag) }
                return PairBatch(x1: recipe.stack(first), x2: recipe.stack(second),
                                 same: Tensor(slice.map { $0.same ? 1 : 0 }), labels: [])
            }
            var total: Float = 0, step = 0
            let epochStart = Date()
            for result in loader.epoch(0) {
                let batch = try result.get()
                if let x2 = batch.x2, let same = batch.same {
                    total += try trainer.step(batch.x1, x2, same: same)
                } else {
                    schedule.apply(to: optimizer)
                    optimizer.zeroGrad()
                    let e = network.embed(batch.x1)
                    let l = multiSimilarity(e, labels: batch.labels, tuples: miner(e, labels: batch.labels))
                    guard l.item.isFinite else { throw TrainingError.nonFiniteLoss(step: optimizer.stepCount) }
                    l.backward()
                    optimizer.step()
                    total += l.item
                }
                step += 1
                let elapsed = Date().timeIntervalSince(epochStart)
                bar.update(TrainingProgress(epoch: epoch, epochs: epochs, step: step, stepsPerEpoch: batches,
                                            loss: total / Float(step), pairsPerSecond: Double(step * batchSize) / Swift.max(elapsed, 1e-9),
                                            secondsLeft: Double((batches - step) + (epochs - epoch) * batches) * elapsed / Double(step)))
            }
            lastLoss = total / Float(Swift.max(step, 1))
            return lastLoss
        }, validate: {
            let score = try Self.episodeAccuracy(trainer.embed(validation), validationEpisodes)
            let improved = score > (stopping.best?.validation ?? -1)
            folder.log(String(format: "epoch %d: mean loss %.4f, held-out 20-way one-shot %.1f %%", stopping.history.count + 1, lastLoss, 100 * score))
            status(String(format: "  held-out 20-way one-shot accuracy %.1f %%%@", 100 * score, improved ? " (best so far)" : ""))
            return score
        })
        let bestEpoch = stopping.best?.epoch ?? 0, best = stopping.best?.validation ?? 0
        if stopping.history.count < epochs {
            status("  no improvement for \(s.patience) epochs: stopped, keeping epoch \(bestEpoch)")
        }
        let seconds = Date().timeIntervalSince(start)

        // Verification on the held-out characters picks the threshold that `compare` will use.
        var eg = SeededGenerator(seed: s.seed &+ 1)
        let valPairs = try BalancedPairSampler(labels: validationIndices.map { labels[$0] }).pairs(s.evaluationPairs / 2, generator: &eg)
        let valMetrics = try VerificationMetrics.fromDistances(labels: valPairs.map { $0.same ? 1 : 0 },
                                                               distances: trainer.distances(inputs: validation, pairs: valPairs).map(Double.init))
        // The official trials: nearest of the 20 one-example candidates.
        let queries = trainer.embed(recipe.tensor(runs.trials.map(\.query)))
        var candidateEmbeddings: [Int: Tensor] = [:]
        for trial in runs.trials where candidateEmbeddings[trial.run] == nil {
            candidateEmbeddings[trial.run] = trainer.embed(recipe.tensor(trial.candidates))
        }
        let distances = runs.trials.enumerated().map { t, trial -> [Double] in
            let q = queries.narrowed(axis: 0, start: t, length: 1)
            return Tensor.pairwiseDistances(q, candidateEmbeddings[trial.run]!, metric: .l2).scalars.map(Double.init)
        }
        let oneShot = try FewShotAccuracy(distances: distances, supportClasses: runs.trials.map { _ in Array(0..<20) },
                                          answers: runs.trials.map(\.answer))
        let report = Report(oneShotAccuracy: oneShot.accuracy, oneShotInterval95: [oneShot.interval95.lowerBound, oneShot.interval95.upperBound],
                            oneShotTrials: oneShot.trials, validationROCAUC: valMetrics.rocAUC,
                            threshold: valMetrics.bestMidpointThreshold, trainingSeconds: seconds, finalLoss: lastLoss,
                            bestEpoch: bestEpoch, validationOneShot: best)
        try folder.writeJSON(report, "metrics.json")
        try folder.writeJSON(recipe, "preprocessing.json")
        folder.log("20-way one-shot accuracy \(oneShot.accuracy) over \(oneShot.trials) trials, 95% CI \(oneShot.interval95)")
        try settings.publish(report, summary: String(format: """
            Omniglot, 400 official 20-way one-shot trials (alphabets never seen in training):
              accuracy         %.1f %%  (95 %% interval %.1f–%.1f %%; chance 5 %%)
            Held-out characters: verification ROC-AUC %.4f, same if distance ≤ %.3f
            Training: %.1f s, final loss %.4f; weights of epoch %d (held-out one-shot %.1f %%). Run folder: %@
            """, 100 * oneShot.accuracy, 100 * oneShot.interval95.lowerBound, 100 * oneShot.interval95.upperBound,
                                                     valMetrics.rocAUC, valMetrics.bestMidpointThreshold, seconds, lastLoss, bestEpoch, 100 * best, folder.url.path))
    }
}
