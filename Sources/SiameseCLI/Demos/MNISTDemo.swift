import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseNN
import SiameseModels
import SiameseOptimizers
import SiameseTraining

/// Verification on MNIST digits: train on 7,000, choose the threshold on 1,000, report on 2,000 unseen ones.
struct MNISTDemo {
    let settings: DemoCommand
    let folder: RunFolder

    struct Config: Codable {
        let dataset: String, encoder: String, loss: String
        let epochs: Int, batchSize: Int, pairsPerEpoch: Int, learningRate: Float, margin: Float, seed: UInt64, threads: Int
    }

    struct Report: Codable {
        let testROCAUC: Double, testEER: Double, testAccuracy: Double, threshold: Double
        let validationROCAUC: Double, trainingSeconds: Double, finalLoss: Float
    }

    init(settings: DemoCommand, folder: RunFolder) {
        self.settings = settings
        self.folder = folder
    }

    func execute() throws {
        let s = settings
        let data = try BundledData.folder("mnist")
        let images = try IDXFile(contentsOf: data.appendingPathComponent("t10k-images.idx3-ubyte.gz"))
        let labels = try IDXFile(contentsOf: data.appendingPathComponent("t10k-labels.idx1-ubyte.gz")).integers
        guard images.shape.first == labels.count else {
            throw ValidationError("bundled MNIST images (\(images.shape)) and labels (\(labels.count)) disagree")
        }
        let inputs = (images.images() - 0.1307) / 0.3081  // the usual MNIST normalisation
        let train = 0..<7000, validation = 7000..<8000, test = 8000..<10000
        func pairs(_ r: Range<Int>, _ count: Int, _ g: inout SeededGenerator) throws -> [BalancedPairSampler.Pair] {
            try BalancedPairSampler(labels: Array(labels[r])).pairs(count, generator: &g)
                .map { .init(first: $0.first + r.lowerBound, second: $0.second + r.lowerBound, same: $0.same) }
        }
        try folder.writeJSON(Config(dataset: "MNIST test set (bundled)", encoder: "TutorialCNN", loss: "PairContrastiveLoss",
                                 epochs: s.resolvedEpochs, batchSize: s.resolvedBatchSize, pairsPerEpoch: s.resolvedPairs,
                                 learningRate: s.learningRate, margin: s.margin, seed: s.seed, threads: Threading.threadCount),
                          "config.json")
        status("siamese demo: tutorial CNN twin network on MNIST, \(s.resolvedEpochs) epochs × \(s.resolvedPairs) pairs, "
               + "\(Threading.threadCount) threads → \(folder.url.path)")

        GlobalGenerator.seed(s.seed)
        let network = SiameseNetwork(encoder: TutorialCNN())
        let optimizer = Adam(network.trainableParameters(), learningRate: s.learningRate)
        let trainer = PairTrainer(network: network, loss: PairContrastiveLoss(margin: s.margin), optimizer: optimizer)
        var g = SeededGenerator(seed: s.seed)
        var bar = ProgressBar(enabled: true)
        let start = Date()
        var lastLoss: Float = 0
        for epoch in 1...s.resolvedEpochs {
            let epochPairs = try pairs(train, s.resolvedPairs, &g)
            lastLoss = try trainer.trainEpoch(inputs: inputs, pairs: epochPairs, batchSize: s.resolvedBatchSize, epoch: epoch,
                                              epochs: s.resolvedEpochs) { bar.update($0) }
            folder.log("epoch \(epoch): mean loss \(lastLoss)")
        }
        let seconds = Date().timeIntervalSince(start)
        try Checkpoint.save(model: network, optimizer: optimizer, architecture: #"{"encoder":"TutorialCNN"}"#,
                            metadata: ["epochs": String(s.resolvedEpochs)], to: folder.url.appendingPathComponent("checkpoint"))

        var evalGenerator = SeededGenerator(seed: s.seed &+ 1)
        let valPairs = try pairs(validation, s.resolvedEvaluationPairs / 2, &evalGenerator)
        let testPairs = try pairs(test, s.resolvedEvaluationPairs, &evalGenerator)
        let valMetrics = try VerificationMetrics.fromDistances(
            labels: valPairs.map { $0.same ? 1 : 0 }, distances: trainer.distances(inputs: inputs, pairs: valPairs).map(Double.init))
        let threshold = valMetrics.bestMidpointThreshold
        let testDistances = trainer.distances(inputs: inputs, pairs: testPairs).map(Double.init)
        let testLabels = testPairs.map { $0.same ? 1 : 0 }
        let testMetrics = try VerificationMetrics.fromDistances(labels: testLabels, distances: testDistances)
        let correct = zip(testDistances, testLabels).filter { ($0 <= threshold) == ($1 == 1) }.count
        let report = Report(testROCAUC: testMetrics.rocAUC, testEER: testMetrics.equalErrorRate,
                            testAccuracy: Double(correct) / Double(testLabels.count), threshold: threshold,
                            validationROCAUC: valMetrics.rocAUC, trainingSeconds: seconds, finalLoss: lastLoss)
        try folder.writeJSON(report, "metrics.json")
        let input = ImageInput.Configuration(size: 28, invert: false, mean: 0.1307, std: 0.3081)
        try folder.writeJSON(input, "preprocessing.json")
        // The model folder: the tutorial CNN with the threshold chosen on the validation pairs.
        let calibrated = try ThresholdCalibration.bestAccuracy(labels: valPairs.map { $0.same ? 1 : 0 },
                                                               scores: trainer.distances(inputs: inputs, pairs: valPairs).map(Double.init),
                                                               greaterIsCloser: false)
        try EmbeddingModel(input: input, encoder: EncoderStage(configuration: EncoderConfiguration(kind: .tutorialCNN),
                                                               encoder: AnyEncoder(network.encoder)),
                           normalizeEmbeddings: false,
                           similarity: SimilarityConfiguration(threshold: calibrated),
                           info: ModelInfo(metadata: ["data": "MNIST test set (bundled), digits 0–6999"]))
            .save(to: folder.url.appendingPathComponent("model"))
        folder.log("test ROC-AUC \(report.testROCAUC), EER \(report.testEER), accuracy \(report.testAccuracy) at distance ≤ \(threshold)")
        try settings.publish(report, summary: String(format: """
            Held-out digits (2,000 images never seen in training, %d pairs):
              ROC-AUC          %.4f
              equal error rate %.4f
              accuracy         %.4f  (same if distance ≤ %.3f, threshold chosen on validation pairs)
            Training: %.1f s, final loss %.4f. Run folder: %@
            """, testPairs.count, report.testROCAUC, report.testEER, report.testAccuracy, threshold, seconds, lastLoss,
                                                     folder.url.path))
    }
}
