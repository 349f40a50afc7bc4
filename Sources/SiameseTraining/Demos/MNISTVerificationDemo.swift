import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseModels
import SiameseNN
import SiameseOptimizers

/// Verification on the bundled MNIST digits (the PyTorch Siamese tutorial's setting): the tutorial CNN as a twin
/// network with Hadsell et al.'s contrastive loss, trained on 7,000 digits; the threshold is chosen on pairs of 1,000
/// others and reported on pairs of 2,000 digits never seen in training. Writes a run folder with `model/`.
public enum MNISTVerificationDemo {
    public struct Settings: Codable, Sendable {
        public var epochs = 3
        public var batchSize = 128
        public var pairsPerEpoch = 12_000
        public var learningRate: Float = 1e-3
        public var margin: Float = 1
        /// Test pairs (validation pairs are half as many).
        public var evaluationPairs = 8000
        public var seed: UInt64 = 42
        public init() {}
    }

    /// `config.json` of a demo run.
    public struct Config: Codable, Sendable {
        public let dataset: String, encoder: String, loss: String
        public let epochs: Int, batchSize: Int, pairsPerEpoch: Int, learningRate: Float, margin: Float, seed: UInt64, threads: Int
    }

    /// `metrics.json` of a demo run.
    public struct Report: Codable, Sendable {
        public let testROCAUC: Double, testEER: Double, testAccuracy: Double, threshold: Double
        public let validationROCAUC: Double, trainingSeconds: Double, finalLoss: Float
        /// Test pairs scored.
        public let testPairs: Int
        /// Mean training loss of each epoch (absent in runs written before it was recorded).
        public var lossHistory: [Float]? = nil
        /// Retrieval among the 2,000 test digits (``testRetrieval(_:embeddings:)``; absent in earlier runs).
        public var retrieval: [String: Double]? = nil
    }

    /// What `siamese evaluate` reports for a demo run: verification on fresh pairs of the 2,000 test digits.
    public struct TestReport: Codable, Sendable {
        public let testROCAUC: Double, testEER: Double
        /// Accuracy at the model's calibrated threshold, when it has one.
        public let testAccuracy: Double?, threshold: Double?
        public let testPairs: Int
        /// Retrieval among the 2,000 test digits (``testRetrieval(_:embeddings:)``).
        public var retrieval: [String: Double]? = nil
    }

    /// The bundled MNIST test images and labels.
    static func digits() throws -> (images: IDXFile, labels: [Int]) {
        let data = try BundledData.folder("mnist")
        let images = try IDXFile(contentsOf: data.appendingPathComponent("t10k-images.idx3-ubyte.gz"))
        let labels = try IDXFile(contentsOf: data.appendingPathComponent("t10k-labels.idx1-ubyte.gz")).integers
        guard images.shape.first == labels.count else {
            throw RecipeError.data("bundled MNIST images (\(images.shape)) and labels (\(labels.count)) disagree")
        }
        return (images, labels)
    }

    /// The 2,000 test digits (8,000–9,999 of the bundled set), never seen in training or calibration, as images in [0, 1].
    public static func testDigits() throws -> (images: [Image], labels: [Int]) {
        let (images, labels) = try digits()
        let test = 8000..<10000
        let pixels = images.images(test)
        let decoded = (0..<test.count).map { i in
            Image(width: 28, height: 28, channels: 1, pixels: pixels.narrowed(axis: 0, start: i, length: 1).scalars)
        }
        return (decoded, Array(labels[test]))
    }

    /// Re-measures a model on `pairs` seeded pairs of the test digits (8,000–9,999), never seen in training.
    public static func evaluate(_ model: EmbeddingModel, pairs count: Int, seed: UInt64) throws -> TestReport {
        let (images, labels) = try digits()
        let test = 8000..<10000
        var g = SeededGenerator(seed: seed)
        let pairs = try BalancedPairSampler(labels: Array(labels[test])).pairs(count, generator: &g)
        let pixels = images.images(test)
        let decoded = (0..<test.count).map { i in
            Image(width: 28, height: 28, channels: 1, pixels: pixels.narrowed(axis: 0, start: i, length: 1).scalars)
        }
        let e = try model.embed(images: decoded)
        let scores = try model.scores(e.indexSelect(axis: 0, pairs.map(\.first)), e.indexSelect(axis: 0, pairs.map(\.second)))
        let same = pairs.map { $0.same ? 1 : 0 }
        let closer = model.similarity.greaterIsCloser
        let m = try VerificationMetrics(labels: same, scores: closer ? scores : scores.map { -$0 })
        let cut = model.similarity.threshold
        let accuracy = cut.map { t in
            Double(zip(scores, same).filter { t.accepts($0, greaterIsCloser: closer) == ($1 == 1) }.count) / Double(pairs.count)
        }
        var report = TestReport(testROCAUC: m.rocAUC, testEER: m.equalErrorRate, testAccuracy: accuracy, threshold: cut?.value,
                                testPairs: pairs.count)
        report.retrieval = try testRetrieval(model, embeddings: e)
        return report
    }

    /// Retrieval among the 2,000 test digits, each a query against the other 1,999, ranked by the model's distance
    /// (``RetrievalEvaluator``, `k = max_bin_count`): PML's accuracy-calculator metrics by our names.
    ///
    /// - Parameter embeddings: the test digits' embeddings, when the caller has them (else they are computed).
    public static func testRetrieval(_ model: EmbeddingModel, embeddings: Tensor? = nil) throws -> [String: Double] {
        let (images, labels) = try testDigits()
        let e = try embeddings ?? model.embed(images: images)
        return try RetrievalEvaluator(labels: labels, distance: model.similarity.makeDistance()).evaluate(embeddings: e).metrics
    }

    /// Trains, calibrates, tests and writes the run folder.
    public static func run(_ s: Settings, folder: RunFolder, progress: ((TrainingProgress) -> Void)? = nil) throws -> Report {
        let (images, labels) = try digits()
        let inputs = (images.images() - 0.1307) / 0.3081  // the usual MNIST normalisation
        let train = 0..<7000, validation = 7000..<8000, test = 8000..<10000
        func pairs(_ r: Range<Int>, _ count: Int, _ g: inout SeededGenerator) throws -> [BalancedPairSampler.Pair] {
            try BalancedPairSampler(labels: Array(labels[r])).pairs(count, generator: &g)
                .map { .init(first: $0.first + r.lowerBound, second: $0.second + r.lowerBound, same: $0.same) }
        }
        try folder.writeJSON(Config(dataset: "MNIST test set (bundled)", encoder: "TutorialCNN", loss: "PairContrastiveLoss",
                                    epochs: s.epochs, batchSize: s.batchSize, pairsPerEpoch: s.pairsPerEpoch,
                                    learningRate: s.learningRate, margin: s.margin, seed: s.seed, threads: Threading.threadCount),
                             "config.json")
        let network = GlobalGenerator.withSeed(s.seed) { SiameseNetwork(encoder: TutorialCNN()) }
        let optimizer = Adam(network.trainableParameters(), learningRate: s.learningRate)
        let trainer = PairTrainer(network: network, loss: PairContrastiveLoss(margin: s.margin), optimizer: optimizer)
        var g = SeededGenerator(seed: s.seed)
        let start = Date()
        var lastLoss: Float = 0
        var losses: [Float] = []
        for epoch in 1...s.epochs {
            let epochPairs = try pairs(train, s.pairsPerEpoch, &g)
            lastLoss = try trainer.trainEpoch(inputs: inputs, pairs: epochPairs, batchSize: s.batchSize, epoch: epoch,
                                              epochs: s.epochs) { progress?($0) }
            losses.append(lastLoss)
            folder.log("epoch \(epoch): mean loss \(lastLoss)")
        }
        let seconds = Date().timeIntervalSince(start)
        try Checkpoint.save(model: network, optimizer: optimizer, architecture: #"{"encoder":"TutorialCNN"}"#,
                            metadata: ["epochs": String(s.epochs)], to: folder.url.appendingPathComponent("checkpoint"))

        var evalGenerator = SeededGenerator(seed: s.seed &+ 1)
        let valPairs = try pairs(validation, s.evaluationPairs / 2, &evalGenerator)
        let testPairs = try pairs(test, s.evaluationPairs, &evalGenerator)
        let valLabels = valPairs.map { $0.same ? 1 : 0 }, valDistances = trainer.distances(inputs: inputs, pairs: valPairs).map(Double.init)
        let valMetrics = try VerificationMetrics.fromDistances(labels: valLabels, distances: valDistances)
        let calibrated = try ThresholdCalibration.bestAccuracy(labels: valLabels, scores: valDistances, greaterIsCloser: false)
        let operating = try [0.01, 0.001].map {
            try ThresholdCalibration.atFalseAcceptRate($0, labels: valLabels, scores: valDistances, greaterIsCloser: false)
        }
        let testDistances = trainer.distances(inputs: inputs, pairs: testPairs).map(Double.init)
        let testLabels = testPairs.map { $0.same ? 1 : 0 }
        let testMetrics = try VerificationMetrics.fromDistances(labels: testLabels, distances: testDistances)
        let correct = zip(testDistances, testLabels).filter { calibrated.accepts($0, greaterIsCloser: false) == ($1 == 1) }.count
        var report = Report(testROCAUC: testMetrics.rocAUC, testEER: testMetrics.equalErrorRate,
                            testAccuracy: Double(correct) / Double(testLabels.count), threshold: calibrated.value,
                            validationROCAUC: valMetrics.rocAUC, trainingSeconds: seconds, finalLoss: lastLoss, testPairs: testPairs.count)
        report.lossHistory = losses
        let input = ImageInput.Configuration(size: 28, invert: false, mean: 0.1307, std: 0.3081)
        try folder.writeJSON(input, "preprocessing.json")
        let model = try EmbeddingModel(input: input, encoder: EncoderStage(configuration: EncoderConfiguration(kind: .tutorialCNN),
                                                                       encoder: AnyEncoder(network.encoder)),
                                   normalizeEmbeddings: false,
                                   similarity: SimilarityConfiguration(threshold: calibrated, operatingPoints: operating),
                                   info: ModelInfo(metadata: ["data": "MNIST test set (bundled), digits 0–6999"]))
        try model.save(to: folder.url.appendingPathComponent("model"))
        report.retrieval = try testRetrieval(model)
        try folder.writeJSON(report, "metrics.json")
        folder.log("test ROC-AUC \(report.testROCAUC), EER \(report.testEER), accuracy \(report.testAccuracy) at distance ≤ \(calibrated.value)")
        return report
    }
}
