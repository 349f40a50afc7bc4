import ArgumentParser
import Foundation
import SiameseCore
import SiameseMetricLearning

/// Loads the data, trains, evaluates and writes the run folder: what `siamese train` and the Omniglot demo share.
enum TrainingRun {
    /// - Parameters:
    ///   - resuming: continue from the folder's `last/` checkpoint.
    ///   - pauseAfter: stop after this many epochs in this call (resumable).
    /// - Returns: the report written to `metrics.json`.
    static func execute(recipe: TrainingRecipe, folder: RunFolder, resuming: Bool, pauseAfter: Int?, quiet: Bool,
                        command: String) throws -> TrainingReport {
        if !quiet { status("\(command): loading \(recipe.data)…") }
        let data = try TrainingData.load(recipe)
        let session = try TrainingSession(recipe: recipe, data: data, folder: folder, showProgress: !quiet)
        try folder.writeJSON(recipe, "config.json")
        try folder.writeJSON(session.input, "preprocessing.json")
        if resuming {
            try session.resume()
            session.folder.log("resumed after epoch \(session.stopping.history.count)")
        }
        let header = "\(recipe.encoder.kind.rawValue) encoder, \(recipe.loss.rawValue) loss on \(data.summary): "
            + "\(data.training.count) training images of \(data.trainingClasses) classes, \(data.validation.count) held out "
            + "(\(data.validationClasses) classes); \(recipe.epochs) epochs × \(recipe.stepsPerEpoch) steps, "
            + "\(Threading.threadCount) threads → \(folder.url.path)"
        session.folder.log(header)
        if !quiet { status("\(command): " + header) }

        let seconds = try session.train(pause: pauseAfter)
        let evaluation = try RunEvaluation.measure(data: data, recipe: recipe, embed: session.embed,
                                                   embedRaw: { session.embed($0.map(session.input.prepared)) })
        let report = TrainingReport(evaluation: evaluation, trainingSeconds: seconds, bestEpoch: session.stopping.best?.epoch ?? 0,
                                    history: session.stopping.history, trainingClasses: data.trainingClasses,
                                    validationClasses: data.validationClasses)
        try folder.writeJSON(report, "metrics.json")
        session.folder.log(evaluation.text.replacingOccurrences(of: "\n", with: "; "))
        return report
    }
}

/// `metrics.json` of a training run: the evaluation's fields at the top level, plus the training history.
struct TrainingReport: Codable {
    let evaluation: RunEvaluation
    let trainingSeconds: Double
    let bestEpoch: Int
    let history: [EarlyStopping.EpochRecord]
    /// Classes trained on (rotated copies count as classes) and held out.
    let trainingClasses: Int
    let validationClasses: Int

    private enum Keys: String, CodingKey { case trainingSeconds, bestEpoch, history, trainingClasses, validationClasses }

    init(evaluation: RunEvaluation, trainingSeconds: Double, bestEpoch: Int, history: [EarlyStopping.EpochRecord],
         trainingClasses: Int, validationClasses: Int) {
        self.evaluation = evaluation; self.trainingSeconds = trainingSeconds; self.bestEpoch = bestEpoch; self.history = history
        self.trainingClasses = trainingClasses; self.validationClasses = validationClasses
    }

    init(from decoder: Decoder) throws {
        evaluation = try RunEvaluation(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        trainingSeconds = try c.decode(Double.self, forKey: .trainingSeconds)
        bestEpoch = try c.decode(Int.self, forKey: .bestEpoch)
        history = try c.decode([EarlyStopping.EpochRecord].self, forKey: .history)
        trainingClasses = try c.decode(Int.self, forKey: .trainingClasses)
        validationClasses = try c.decode(Int.self, forKey: .validationClasses)
    }

    func encode(to encoder: Encoder) throws {
        try evaluation.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(trainingSeconds, forKey: .trainingSeconds)
        try c.encode(bestEpoch, forKey: .bestEpoch)
        try c.encode(history, forKey: .history)
        try c.encode(trainingClasses, forKey: .trainingClasses)
        try c.encode(validationClasses, forKey: .validationClasses)
    }
}
