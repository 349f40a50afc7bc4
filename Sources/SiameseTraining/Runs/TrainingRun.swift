import Foundation
import SiameseCore
import SiameseEvaluation
import SiameseMetricLearning
import SiameseModels

/// Loads the data, trains, evaluates and writes the run folder (with the trained model folder in `model/`): what
/// `siamese train`, the demo and any program that trains from a recipe share.
public enum TrainingRun {
    /// - Parameters:
    ///   - resuming: continue from the folder's `last/` checkpoint.
    ///   - pauseAfter: stop after this many epochs in this call (resumable).
    ///   - callbacks: progress and log hooks (the run's own log is written in any case).
    ///   - notes: receives what was adapted to the data (held-out split, classes per batch, skipped files), one line
    ///     each. The adapted recipe is what runs and what `config.json` records.
    /// - Returns: the report written to `metrics.json`.
    /// - Throws: ``RecipeError/unusable(_:)`` with the first of the recipe's ``TrainingRecipe/problems``, before any data is read.
    public static func execute(recipe requested: TrainingRecipe, folder: RunFolder, resuming: Bool, pauseAfter: Int? = nil,
                               callbacks: TrainingCallbacks = TrainingCallbacks(), notes: (String) -> Void = { _ in }) throws -> TrainingReport {
        if let problem = requested.problems.first { throw RecipeError.unusable(problem) }
        let data = try TrainingData.load(requested)
        let (recipe, adaptations) = requested.adapted(to: data)
        for note in data.notes + adaptations { notes(note); folder.log("note: " + note) }
        var hooks = callbacks
        let outer = callbacks.log
        hooks.log = { line in folder.log(line); outer?(line) }
        let trainer = try Trainer(recipe: recipe, data: data, folder: folder.url, callbacks: hooks)
        try folder.writeJSON(recipe, "config.json")
        try folder.writeJSON(trainer.input.configuration, "preprocessing.json")
        if resuming {
            do { try trainer.resume() } catch {
                throw RecipeError.unusable("\(folder.url.path): cannot resume from last/: \(error)")
            }
            folder.log("resumed after epoch \(trainer.stopping.history.count)")
        }
        let header = "\(recipe.encoder.kind.rawValue) encoder, \(recipe.loss) loss (\(recipe.resolvedObjective.rawValue)) on \(data.summary): "
            + "\(data.training.count) training images of \(data.trainingClasses) classes, \(data.validation.count) held out "
            + "(\(data.validationClasses) classes)"
            + (data.test.isEmpty ? "" : ", \(data.test.count) test images (\(data.testClasses) classes) never trained on nor used for early stopping")
            + "; \(recipe.epochs) epochs × \(recipe.stepsPerEpoch) steps, "
            + "\(Threading.threadCount) threads → \(folder.url.path)"
        folder.log(header)
        outer?(header)
        var seconds = 0.0
        do {
            seconds = try trainer.fit(pause: pauseAfter)
        } catch {
            folder.log("stopped: \(error)")
            throw error
        }
        let evaluation = try RunEvaluation.measure(data: data, recipe: recipe, embed: trainer.embed,
                                                   embedRaw: { trainer.embed($0.map(trainer.input.prepare)) },
                                                   scorer: trainer.objective.episodeScorer,
                                                   verificationDistance: trainer.objective.comparisonHead.map(LearnedHeadDistance.init))
        var report = TrainingReport(evaluation: evaluation, trainingSeconds: seconds, bestEpoch: trainer.stopping.kept?.epoch ?? 0,
                                    history: trainer.stopping.history, trainingClasses: data.trainingClasses,
                                    validationClasses: data.validationClasses)
        // The schedule's rate at each epoch's last step (the schedule is a function of the step, so resumed runs agree).
        report.learningRates = trainer.stopping.history.map { trainer.schedule.rate(at: $0.epoch * recipe.stepsPerEpoch - 1) }
        report.validationMetric = trainer.validator.map { "\($0.name) \($0.primaryMetric)" }
        try folder.writeJSON(report, "metrics.json")
        try trainedModel(trainer, evaluation: evaluation, data: data).save(to: folder.url.appendingPathComponent("model"))
        folder.log(evaluation.text.replacingOccurrences(of: "\n", with: "; "))
        return report
    }

    /// The trainer's (best) weights as a model folder's content, with the thresholds calibrated on held-out pairs (on the
    /// learned head's scores when the objective trains one).
    static func trainedModel(_ trainer: Trainer, evaluation: RunEvaluation, data: TrainingData) throws -> EmbeddingModel {
        let thresholds = evaluation.thresholds ?? []
        let similarity = trainer.objective.comparisonHead == nil
            ? try SimilarityConfiguration(distance: trainer.recipe.distance, threshold: thresholds.first, operatingPoints: Array(thresholds.dropFirst()))
            : SimilarityConfiguration.learnedHead(threshold: thresholds.first, operatingPoints: Array(thresholds.dropFirst()))
        let recipeJSON = try JSONDecoder().decode(RecipeValue.self, from: JSONEncoder().encode(trainer.recipe))
        let info = ModelInfo(recipe: recipeJSON, metadata: [
            "data": data.summary, "created": ISO8601DateFormatter().string(from: Date()),
            "bestEpoch": String(trainer.stopping.kept?.epoch ?? 0),
        ])
        return try trainer.model(similarity: similarity, info: info)
    }
}

/// `metrics.json` of a training run: the evaluation's fields at the top level, plus the training history.
public struct TrainingReport: Codable, Sendable {
    public let evaluation: RunEvaluation
    public let trainingSeconds: Double
    /// The epoch whose weights the run kept: the best validated one, or the last with `keep: last`.
    public let bestEpoch: Int
    public let history: [EarlyStopping.EpochRecord]
    /// Classes trained on (rotated copies count as classes) and held out.
    public let trainingClasses: Int
    public let validationClasses: Int
    /// The learning rate at the end of each epoch of ``history`` (absent in runs written before it was recorded).
    public var learningRates: [Float]?
    /// What ``history``'s `validation` measures, e.g. `20-way 1-shot accuracy` (absent in earlier runs).
    public var validationMetric: String?

    private enum Keys: String, CodingKey {
        case trainingSeconds, bestEpoch, history, trainingClasses, validationClasses, learningRates, validationMetric
    }

    public init(evaluation: RunEvaluation, trainingSeconds: Double, bestEpoch: Int, history: [EarlyStopping.EpochRecord],
                trainingClasses: Int, validationClasses: Int) {
        self.evaluation = evaluation; self.trainingSeconds = trainingSeconds; self.bestEpoch = bestEpoch; self.history = history
        self.trainingClasses = trainingClasses; self.validationClasses = validationClasses
    }

    public init(from decoder: Decoder) throws {
        evaluation = try RunEvaluation(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        trainingSeconds = try c.decode(Double.self, forKey: .trainingSeconds)
        bestEpoch = try c.decode(Int.self, forKey: .bestEpoch)
        history = try c.decode([EarlyStopping.EpochRecord].self, forKey: .history)
        trainingClasses = try c.decode(Int.self, forKey: .trainingClasses)
        validationClasses = try c.decode(Int.self, forKey: .validationClasses)
        learningRates = try c.decodeIfPresent([Float].self, forKey: .learningRates)
        validationMetric = try c.decodeIfPresent(String.self, forKey: .validationMetric)
    }

    public func encode(to encoder: Encoder) throws {
        try evaluation.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(trainingSeconds, forKey: .trainingSeconds)
        try c.encode(bestEpoch, forKey: .bestEpoch)
        try c.encode(history, forKey: .history)
        try c.encode(trainingClasses, forKey: .trainingClasses)
        try c.encode(validationClasses, forKey: .validationClasses)
        try c.encodeIfPresent(learningRates, forKey: .learningRates)
        try c.encodeIfPresent(validationMetric, forKey: .validationMetric)
    }
}
