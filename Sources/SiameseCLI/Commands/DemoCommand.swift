import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// `siamese demo`: trains the tutorial CNN as a twin network on the MNIST test set shipped with the program,
/// then reports verification metrics on digits held out from training.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a Siamese CNN on the bundled MNIST digits and report verification metrics.",
        discussion: """
        Uses the 10,000 MNIST test digits bundled with the program: 7,000 for training, 1,000 for choosing \
        the same/different threshold, 2,000 for the final report. Writes a run folder with the config, \
        metrics, a checkpoint and a log.
        """
    )

    @Option(help: "Training epochs.") var epochs = 3
    @Option(help: "Pairs per training step.") var batchSize = 128
    @Option(help: "Training pairs drawn per epoch.") var pairsPerEpoch = 12_000
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Contrastive margin.") var margin: Float = 1
    @Option(help: "Held-out pairs to report on (half as many choose the threshold).") var evaluationPairs = 8000
    @Option(help: "Random seed (weights, pairs).") var seed: UInt64 = 42
    @Option(help: "Threads for the engine and the BLAS (default: all cores).") var threads: Int?
    @Option(help: "Run folder (default: runs/demo-<time>).") var output: String?
    @Flag(help: "Print the final metrics as JSON on standard output.") var json = false

    struct Config: Codable {
        let dataset: String, encoder: String, loss: String
        let epochs: Int, batchSize: Int, pairsPerEpoch: Int, learningRate: Float, margin: Float, seed: UInt64, threads: Int
    }

    struct Report: Codable {
        let testROCAUC: Double, testEER: Double, testAccuracy: Double, threshold: Double
        let validationROCAUC: Double, trainingSeconds: Double, finalLoss: Float
    }

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard pairsPerEpoch >= batchSize else { throw ValidationError("--pairs-per-epoch must be at least --batch-size") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be a positive number") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard evaluationPairs >= 20 else { throw ValidationError("--evaluation-pairs must be at least 20") }
    }

    func run() throws {
        if let threads { Threading.threadCount = threads }
        guard let folder = Bundle.module.url(forResource: "mnist", withExtension: nil) else {
            throw ValidationError("the bundled MNIST digits are missing from this build")
        }
        let images = try IDXFile(contentsOf: folder.appendingPathComponent("t10k-images.idx3-ubyte.gz"))
        let labels = try IDXFile(contentsOf: folder.appendingPathComponent("t10k-labels.idx1-ubyte.gz")).integers
        guard images.shape.first == labels.count else {
            throw ValidationError("bundled MNIST images (\(images.shape)) and labels (\(labels.count)) disagree")
        }
        // The usual MNIST normalisation.
        let inputs = (images.images() - 0.1307) / 0.3081
        let train = 0..<7000, validation = 7000..<8000, test = 8000..<10000
        func sampler(_ r: Range<Int>) throws -> (BalancedPairSampler, Int) { (try BalancedPairSampler(labels: Array(labels[r])), r.lowerBound) }
        func pairs(_ r: Range<Int>, _ count: Int, _ g: inout SeededGenerator) throws -> [BalancedPairSampler.Pair] {
            let (s, offset) = try sampler(r)
            return s.pairs(count, generator: &g).map { .init(first: $0.first + offset, second: $0.second + offset, same: $0.same) }
        }

        var run = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "demo", explicit: output.map { URL(fileURLWithPath: $0) })
        let config = Config(dataset: "MNIST test set (bundled)", encoder: "TutorialCNN", loss: "PairContrastiveLoss",
                            epochs: epochs, batchSize: batchSize, pairsPerEpoch: pairsPerEpoch, learningRate: learningRate,
                            margin: margin, seed: seed, threads: Threading.threadCount)
        try run.writeJSON(config, "config.json")
        status("siamese demo: tutorial CNN twin network on MNIST, \(epochs) epochs × \(pairsPerEpoch) pairs, "
               + "\(Threading.threadCount) threads → \(run.url.path)")

        GlobalGenerator.seed(seed)
        let network = SiameseNetwork(encoder: TutorialCNN())
        let optimizer = Adam(network.trainableParameters(), learningRate: learningRate)
        let trainer = PairTrainer(network: network, loss: PairContrastiveLoss(margin: margin), optimizer: optimizer)
        var g = SeededGenerator(seed: seed)
        var bar = ProgressBar(enabled: true)
        let start = Date()
        var lastLoss: Float = 0
        for epoch in 1...epochs {
            let epochPairs = try pairs(train, pairsPerEpoch, &g)
            lastLoss = try trainer.trainEpoch(inputs: inputs, pairs: epochPairs, batchSize: batchSize, epoch: epoch, epochs: epochs) {
                bar.update($0)
            }
            run.log("epoch \(epoch): mean loss \(lastLoss)")
        }
        let seconds = Date().timeIntervalSince(start)
        try Checkpoint.save(model: network, optimizer: optimizer, architecture: #"{"encoder":"TutorialCNN"}"#,
                            metadata: ["epochs": String(epochs)], to: run.url.appendingPathComponent("checkpoint"))

        var evalGenerator = SeededGenerator(seed: seed &+ 1)
        let valPairs = try pairs(validation, evaluationPairs / 2, &evalGenerator)
        let testPairs = try pairs(test, evaluationPairs, &evalGenerator)
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
        try run.writeJSON(report, "metrics.json")
        run.log("test ROC-AUC \(report.testROCAUC), EER \(report.testEER), accuracy \(report.testAccuracy) at distance ≤ \(threshold)")
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(String(format: """
                Held-out digits (2,000 images never seen in training, %d pairs):
                  ROC-AUC          %.4f
                  equal error rate %.4f
                  accuracy         %.4f  (same if distance ≤ %.3f, threshold chosen on validation pairs)
                Training: %.1f s, final loss %.4f. Run folder: %@
                """, testPairs.count, report.testROCAUC, report.testEER, report.testAccuracy, threshold, seconds, lastLoss, run.url.path))
        }
    }
}
