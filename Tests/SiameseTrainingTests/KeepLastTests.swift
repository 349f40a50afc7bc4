import Foundation
import Testing
import Yams
@testable import SiameseCore
@testable import SiameseEvaluation
@testable import SiameseMetricLearning
@testable import SiameseModels
@testable import SiameseNN
@testable import SiameseOptimizers
@testable import SiameseTraining

/// A validation score that falls every time it is asked: epoch 1 is always the best.
private final class FallingScore: Evaluator, @unchecked Sendable {
    let itemCount: Int
    private var calls = 0
    init(itemCount: Int) { self.itemCount = itemCount }
    var name: String { "falling" }
    var primaryMetric: String { "score" }
    var greaterIsBetter: Bool { true }
    func evaluate(embeddings: Tensor) throws -> EvaluationResult {
        calls += 1
        return EvaluationResult(evaluator: name, metrics: ["score": 1 / Double(calls)], primaryMetric: "score", greaterIsBetter: true)
    }
}

/// `keep: last` (a fixed schedule, the last epoch's weights) and `validationFraction: 0` (no validation part).
@Suite(.serialized) struct KeepLastTests {
    @Test func recipeKeysAreReadAndDefaultsDoNotChange() throws {
        #expect(TrainingRecipe().keep == .best)
        let r = try YAMLDecoder().decode(TrainingRecipe.self, from: Data("keep: last\nvalidationFraction: 0\ntestFraction: 0.2\n".utf8))
        #expect(r.keep == .last && r.validationFraction == 0 && r.problems.isEmpty, "\(r.problems)")
        // The resolved recipe (config.json) reads back the same.
        #expect(try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(r)) == r)
    }

    @Test func badCombinationsAreRefusedNamingTheField() throws {
        var r = TrainingRecipe()
        r.validationFraction = 0
        r.testFraction = 0.2
        #expect(r.problems == ["validationFraction 0 (no validation part) needs keep: last; keep: best chooses the epoch on the validation part"])
        r.keep = .last
        r.testFraction = nil
        #expect(r.problems == ["validationFraction 0 leaves nothing to measure the trained model on; set testFraction or testData"])
        r.validationFraction = 1
        #expect(r.problems == ["validationFraction must lie strictly between 0 and 1 (or be 0 with keep: last)"])
        r.validationFraction = 0.2
        #expect(r.problems.isEmpty, "\(r.problems)")   // keep: last with a validation part is fine
        // A misspelt value is an error naming the key.
        let url = temporaryFolder("recipe").appendingPathExtension("yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("keep: latest\n".utf8).write(to: url)
        do {
            _ = try TrainingRecipe.load(url)
            Issue.record("keep: latest was accepted")
        } catch let RecipeError.invalid(file, reason) {
            #expect(file == url.lastPathComponent && reason.contains("keep"), "\(reason)")
        }
    }

    /// TrainingRun checks the recipe before reading any data: no crash on a zero fraction with `keep: best`.
    @Test func trainingRunRefusesAZeroFractionWithKeepBest() throws {
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: run) }
        var recipe = tinyRecipe()
        recipe.data = "/nonexistent-folder"
        recipe.validationFraction = 0
        recipe.testFraction = 0.2
        #expect(throws: RecipeError.unusable("validationFraction 0 (no validation part) needs keep: last; keep: best chooses the epoch on the validation part")) {
            try TrainingRun.execute(recipe: recipe, folder: RunFolder(root: run, name: "", explicit: run), resuming: false)
        }
        #expect(throws: RecipeError.unusable("validationFraction 0 (no validation part) needs keep: last")) {
            try TrainingData.split(labels: [0, 0, 1, 1], classes: [0, 1], recipe: recipe)
        }
    }

    /// With a validation score that only falls, `keep: best` stops after `patience` and keeps epoch 1; `keep: last` runs
    /// the whole schedule and the network ends with the last epoch's weights (those in `last/`), which differ from epoch 1's.
    @Test func keepLastLeavesTheLastEpochsWeightsDespiteAFallingScore() throws {
        func train(_ keep: EarlyStopping.Keep) throws -> (Trainer, URL) {
            let run = temporaryFolder()
            var recipe = tinyRecipe()
            recipe.epochs = 4; recipe.patience = 1; recipe.keep = keep
            let data = syntheticData()
            let trainer = try Trainer(recipe: recipe, data: data, folder: run, validator: FallingScore(itemCount: data.validation.count))
            try trainer.fit()
            return (trainer, run)
        }
        let (best, bestRun) = try train(.best)
        let (last, lastRun) = try train(.last)
        defer { for url in [bestRun, lastRun] { try? FileManager.default.removeItem(at: url) } }
        #expect(best.stopping.history.count == 2 && best.stopping.kept?.epoch == 1)
        #expect(last.stopping.history.count == 4 && last.stopping.kept?.epoch == 4 && last.stopping.best?.epoch == 1)
        let finalWeights = last.network.parameters().map(\.value.scalars)
        let fromLast = SiameseNetwork(encoder: try last.recipe.encoder.makeEncoder(), normalizeEmbeddings: true)
        try Checkpoint.load(from: lastRun.appendingPathComponent("last"), into: fromLast)
        #expect(fromLast.parameters().map(\.value.scalars) == finalWeights)
        // Both runs are identical up to epoch 1 (same seed), so keep: best's weights are epoch 1's.
        #expect(best.network.parameters().map(\.value.scalars) != finalWeights)
    }

    /// The whole run without a validation part: every non-test class trains, no epoch is validated, all epochs run, the
    /// last is reported as kept, and the final evaluation measures the test part.
    @Test func zeroValidationFractionTrainsOnEveryNonTestClass() throws {
        let images = try imageFolder(classes: 10, perClass: 6)
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: images); try? FileManager.default.removeItem(at: run) }
        var recipe = tinyMLPRecipe(images, epochs: 3, stepsPerEpoch: 2)
        recipe.testFraction = 0.2; recipe.validationFraction = 0; recipe.keep = .last; recipe.patience = 1
        var logged: [String] = []
        let report = try TrainingRun.execute(recipe: recipe, folder: RunFolder(root: run, name: "", explicit: run), resuming: false,
                                             callbacks: TrainingCallbacks(log: { logged.append($0) }))
        #expect(report.trainingClasses == 8 && report.validationClasses == 0)
        #expect(report.history.map(\.epoch) == [1, 2, 3] && report.history.allSatisfy { $0.validation == nil })
        #expect(report.bestEpoch == 3 && report.validationMetric == nil)
        #expect(report.evaluation.oneShotWays == 2)   // the 2 test classes
        #expect(logged.filter { $0.contains("no validation part") }.count == 3, "\(logged)")
        let model = try EmbeddingModel.load(from: run.appendingPathComponent("model"))
        #expect(model.info.metadata["bestEpoch"] == "3")
    }
}
