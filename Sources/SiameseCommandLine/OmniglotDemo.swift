import ArgumentParser
import SiameseCore
import Foundation
import SiameseMetricLearning
import SiameseModels
import SiameseTraining

/// One-shot recognition on Omniglot: train on the minimal background sets, test on the 400 official
/// 20-way one-shot trials drawn from alphabets never seen in training. It is `siamese train` with the
/// library's ``TrainingRecipe/omniglotDemo`` (the same as `recipes/omniglot-conv4.yaml`), adjusted by the demo's flags.
struct OmniglotDemo {
    let settings: DemoCommand
    let folder: RunFolder

    /// The demo's recipe with its flags applied.
    static func recipe(for s: DemoCommand) -> TrainingRecipe {
        var r = TrainingRecipe.omniglotDemo
        if let epochs = s.epochs { r.epochs = epochs }
        if s.objective == .pairs {
            r.loss = "contrastive"
            r.batchSize = 128
        }
        if let batchSize = s.batchSize { r.batchSize = batchSize }
        if let pairs = s.pairsPerEpoch { r.stepsPerEpoch = Swift.max(1, (pairs + r.batchSize - 1) / r.batchSize) }
        r.learningRate = s.learningRate
        r.margin = s.margin
        r.augment = s.augment
        r.patience = s.patience
        r.seed = s.seed
        if let tta = s.testTimeAugmentation { r.testTimeAugmentation = tta }
        r.evaluationPairs = s.resolvedEvaluationPairs
        return r
    }

    func execute() throws {
        let recipe = Self.recipe(for: settings)
        if let problem = recipe.problems.first { throw ValidationError(problem) }
        status("siamese demo: loading \(recipe.data)…")
        let report = try TrainingRun.execute(recipe: recipe, folder: folder, resuming: false,
                                             callbacks: .terminal(quiet: false, unit: recipe.resolvedObjective == .pairs ? "pairs" : "images"),
                                             notes: { status("siamese demo: note: " + $0) })
        let e = report.evaluation
        guard let accuracy = e.oneShotAccuracy, let interval = e.oneShotInterval95 else {
            throw ValidationError("the official one-shot trials were not evaluated")
        }
        let best = report.history.first { $0.epoch == report.bestEpoch }
        var views = ""
        if case let .affine(n) = recipe.testTimeAugmentation, n > 1 { views = "; each drawing embedded under \(n) views, averaged" }
        try settings.publish(report, summary: String(format: """
            Omniglot, 400 official 20-way one-shot trials (alphabets never seen in training):
              accuracy         %.1f %%  (95 %% interval %.1f–%.1f %%; chance 5 %%%@)
            Held-out characters: 20-way one-shot %.1f %%, verification ROC-AUC %.4f, same if distance ≤ %.3f
            Training: %.1f s; weights of epoch %d (held-out one-shot %.1f %%). Run folder: %@
            """, 100 * accuracy, 100 * interval[0], 100 * interval[1], views, 100 * e.validationOneShot, e.validationROCAUC,
                                                     e.threshold, report.trainingSeconds, report.bestEpoch,
                                                     100 * (best?.validation ?? 0), folder.url.path))
    }
}
