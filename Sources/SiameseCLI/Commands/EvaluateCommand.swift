import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseModels
import SiameseText
import SiameseTraining

/// `siamese evaluate --run DIR`: re-measures a trained run on its bundled test data.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained run (verification, one-shot accuracy, retrieval: precision@1, R-precision, MAP@R, MAP, MRR, NMI, AMI) or a text model on scored pairs (Spearman, Pearson).",
        discussion: "The data set and held-out split are the ones the run was trained with (its config.json)."
    )

    @Option(name: .customLong("run"), help: "Run folder written by `siamese train` or `siamese demo`.") var runFolder: String?
    @Option(name: .customLong("model"), help: "A sentence-transformers text model folder (with --pairs).") var textModel: String?
    @Option(help: "Scored sentence pairs (STS benchmark TSV, or score<TAB>a<TAB>b): Spearman and Pearson ×100 of cosine similarity.")
    var pairs: String?
    @Option(help: "Runs of `siamese train`/`demo`: test-time augmentation instead of the recipe's: none, horizontal-flip, or views-N (each image embedded under the first N of 9 fixed shifts, turns and scales, the embeddings averaged).")
    var testTimeAugmentation: TestTimeAugmentation?
    @Option(help: "MNIST: held-out pairs to report on.") var evaluationPairs = 8000
    @Option(help: "Seed for drawing the MNIST evaluation pairs.") var seed: UInt64 = 43
    @Flag(help: "Print the metrics as JSON.") var json = false
    @Flag(name: .customLong("no-report"), help: "Do not (re)write report.html into the run folder.") var noReport = false

    struct OneShotReport: Codable { let oneShotAccuracy: Double; let oneShotInterval95: [Double]; let oneShotTrials: Int }

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        if let pairs {
            guard testTimeAugmentation == nil else { throw ValidationError("--test-time-augmentation is for image runs, not text pairs") }
            guard let textModel, runFolder == nil else { throw ValidationError("--pairs needs --model DIR (a text model) and no --run") }
            let model = try TextModelFolder.load(URL(fileURLWithPath: textModel))
            let scored = try ScoredPairs.read(URL(fileURLWithPath: pairs))
            let r = try model.evaluate(scored)
            return try publish(r, String(format: "%d pairs: Spearman %.2f, Pearson %.2f (×100, cosine similarity)", r.pairs, r.spearman, r.pearson))
        }
        guard let runFolder, textModel == nil else { throw ValidationError("give --run DIR, or --model DIR with --pairs FILE") }
        let folder = URL(fileURLWithPath: runFolder)
        if TextTrainingRun.isTextRun(folder) {
            guard testTimeAugmentation == nil else { throw ValidationError("--test-time-augmentation is for image runs, not text runs") }
            let results = try TextTrainingRun.evaluate(run: folder)
            return try publish(results, results.map(\.text).joined(separator: "\n"))
        }
        let model = try EmbeddingModel.load(run: folder)
        struct Config: Decodable { let dataset: String?; let data: String? }
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("config.json").path),
              let config = try? JSONDecoder().decode(Config.self, from: data) else {
            throw ValidationError("\(folder.path): config.json is missing or unreadable")
        }
        if config.data != nil {
            // A `siamese train` run: its recipe names the data and the held-out split.
            var recipe = try TrainingRecipe.load(folder.appendingPathComponent("config.json"))
            if let testTimeAugmentation { recipe.testTimeAugmentation = testTimeAugmentation }
            let data = try TrainingData.load(recipe)
            let evaluation = try RunEvaluation.measure(model, data: data, recipe: recipe.adapted(to: data).recipe)
            try publish(evaluation, evaluation.text)
        } else if testTimeAugmentation != nil {
            throw ValidationError("--test-time-augmentation needs a run of `siamese train` or `siamese demo` (with a recipe in config.json)")
        } else if config.dataset?.hasPrefix("Omniglot") ?? false {
            let runs = try OmniglotOneShotRuns(archive: try BundledData.folder("omniglot").appendingPathComponent("all_runs.zip"))
            let r = try RunEvaluation.officialAccuracy(runs, model: model)
            try publish(OneShotReport(oneShotAccuracy: r.accuracy, oneShotInterval95: [r.interval95.lowerBound, r.interval95.upperBound],
                                      oneShotTrials: r.trials),
                        String(format: "20-way one-shot accuracy %.1f %% over %d official trials (95 %% interval %.1f–%.1f %%)",
                               100 * r.accuracy, r.trials, 100 * r.interval95.lowerBound, 100 * r.interval95.upperBound))
        } else {
            let r = try MNISTVerificationDemo.evaluate(model, pairs: evaluationPairs, seed: seed)
            try publish(r, String(format: "held-out digits, %d pairs: ROC-AUC %.4f, EER %.4f%@", r.testPairs, r.testROCAUC, r.testEER,
                                  r.testAccuracy.map { String(format: ", accuracy %.4f at the run's threshold", $0) } ?? "")
                + (r.retrieval.map { "\n" + RunEvaluation.retrievalLine($0, items: "test digits") } ?? ""))
        }
        writeReport(run: folder, enabled: !noReport)
    }

    private func publish<R: Encodable>(_ report: R, _ text: String) throws {
        if json {
            try printJSON(report)
        } else {
            print(text)
        }
    }
}
