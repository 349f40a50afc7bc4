import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseModels
import SiameseTraining

/// `siamese evaluate --run DIR`: re-measures a trained run on its bundled test data.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained run: Omniglot 20-way one-shot accuracy, or MNIST verification metrics.",
        discussion: "The data set and held-out split are the ones the run was trained with (its config.json)."
    )

    @Option(name: .customLong("run"), help: "Run folder written by `siamese train` or `siamese demo`.") var runFolder: String
    @Option(help: "MNIST: held-out pairs to report on.") var evaluationPairs = 8000
    @Option(help: "Seed for drawing the MNIST evaluation pairs.") var seed: UInt64 = 43
    @Flag(help: "Print the metrics as JSON.") var json = false

    struct OneShotReport: Codable { let oneShotAccuracy: Double; let oneShotInterval95: [Double]; let oneShotTrials: Int }
    struct VerificationReport: Codable { let testROCAUC: Double; let testEER: Double; let testAccuracy: Double?; let threshold: Double? }

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        let folder = URL(fileURLWithPath: runFolder)
        let model = try EmbeddingModel.load(run: folder)
        struct Config: Decodable { let dataset: String?; let data: String? }
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("config.json").path),
              let config = try? JSONDecoder().decode(Config.self, from: data) else {
            throw ValidationError("\(folder.path): config.json is missing or unreadable")
        }
        if config.data != nil {
            // A `siamese train` run: its recipe names the data and the held-out split.
            let recipe = try TrainingRecipe.load(folder.appendingPathComponent("config.json"))
            let data = try TrainingData.load(recipe)
            let evaluation = try RunEvaluation.measure(data: data, recipe: recipe.adapted(to: data).recipe,
                                                       embed: { try model.embed(prepared: $0) }, embedRaw: { try model.embed(images: $0) })
            try publish(evaluation, evaluation.text)
        } else if config.dataset?.hasPrefix("Omniglot") ?? false {
            let runs = try OmniglotOneShotRuns(archive: try BundledData.folder("omniglot").appendingPathComponent("all_runs.zip"))
            let r = try RunEvaluation.officialAccuracy(runs, distance: try model.similarity.makeDistance(), embedRaw: { try model.embed(images: $0) })
            try publish(OneShotReport(oneShotAccuracy: r.accuracy, oneShotInterval95: [r.interval95.lowerBound, r.interval95.upperBound],
                                      oneShotTrials: r.trials),
                        String(format: "20-way one-shot accuracy %.1f %% over %d official trials (95 %% interval %.1f–%.1f %%)",
                               100 * r.accuracy, r.trials, 100 * r.interval95.lowerBound, 100 * r.interval95.upperBound))
        } else {
            let mnist = try BundledData.folder("mnist")
            let images = try IDXFile(contentsOf: mnist.appendingPathComponent("t10k-images.idx3-ubyte.gz"))
            let labels = try IDXFile(contentsOf: mnist.appendingPathComponent("t10k-labels.idx1-ubyte.gz")).integers
            let test = 8000..<10000
            var g = SeededGenerator(seed: seed)
            let pairs = try BalancedPairSampler(labels: Array(labels[test])).pairs(evaluationPairs, generator: &g)
            let pixels = images.images(test)
            let decoded = (0..<test.count).map { i in
                Image(width: 28, height: 28, channels: 1, pixels: pixels.narrowed(axis: 0, start: i, length: 1).scalars)
            }
            let e = try model.embed(images: decoded)
            let n = pairs.count
            let scores = try model.scores(e.indexSelect(axis: 0, pairs.map(\.first)), e.indexSelect(axis: 0, pairs.map(\.second)))
            let same = pairs.map { $0.same ? 1 : 0 }
            let closer = model.similarity.greaterIsCloser
            let m = try VerificationMetrics(labels: same, scores: closer ? scores : scores.map { -$0 })
            let cut = model.similarity.threshold
            let accuracy = cut.map { t in Double(zip(scores, same).filter { t.accepts($0, greaterIsCloser: closer) == ($1 == 1) }.count) / Double(n) }
            try publish(VerificationReport(testROCAUC: m.rocAUC, testEER: m.equalErrorRate, testAccuracy: accuracy, threshold: cut?.value),
                        String(format: "held-out digits, %d pairs: ROC-AUC %.4f, EER %.4f%@", n, m.rocAUC, m.equalErrorRate,
                               accuracy.map { String(format: ", accuracy %.4f at the run's threshold", $0) } ?? ""))
        }
    }

    private func publish<R: Encodable>(_ report: R, _ text: String) throws {
        if json {
            try printJSON(report)
        } else {
            print(text)
        }
    }
}
