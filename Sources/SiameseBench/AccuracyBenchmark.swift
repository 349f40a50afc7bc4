import Foundation
import SiameseCore
import SiameseData
import SiameseModels
import SiameseTraining

/// `siamese-bench accuracy`: trains one image recipe once per seed (the same ``TrainingRun`` as `siamese train`, run
/// folders `OUTPUT/seed-N`) and prints each seed's held-out verification (ROC-AUC, EER, accuracy at the calibrated
/// threshold) and N-way one-shot accuracy, with training wall and CPU seconds, then the mean over the seeds: issue 17's
/// accuracy targets are stated over three seeds. With `testFraction` in the recipe the figures are measured on the test
/// part, which neither training nor early stopping sees. Then, from the saved models: each seed with test-time flip
/// averaging switched (where the recipe flips) and the seeds' models as one ensemble (mean embedding).
///
/// `siamese-bench accuracy --runs DIR,DIR,…` does only the second part, on run folders already trained.
enum AccuracyBenchmark {
    struct SeedResult: Codable {
        let seed: UInt64, rocAUC: Double, equalErrorRate: Double, accuracy: Double, oneShot: Double, oneShotWays: Int
        let epochs: Int, bestEpoch: Int, trainingSeconds: Double, cpuSeconds: Double
        let bestValidation: Double?
    }

    static func run(recipe path: String, output: String, seeds: [UInt64], epochs: Int?, stepsPerEpoch: Int?) throws {
        var results: [SeedResult] = []
        var folders: [URL] = []
        for seed in seeds {
            var recipe = try TrainingRecipe.load(URL(fileURLWithPath: path))
            recipe.seed = seed
            if let epochs { recipe.epochs = epochs }
            if let stepsPerEpoch { recipe.stepsPerEpoch = stepsPerEpoch }
            let folder = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "accuracy",
                                       explicit: URL(fileURLWithPath: output).appendingPathComponent("seed-\(seed)"))
            let cpuStart = TSNEBenchmark.cpuSeconds()
            let report = try TrainingRun.execute(recipe: recipe, folder: folder, resuming: false, notes: { emit("note: " + $0) })
            let cpu = TSNEBenchmark.cpuSeconds() - cpuStart
            let e = report.evaluation
            let result = SeedResult(seed: seed, rocAUC: e.validationROCAUC, equalErrorRate: e.validationEER, accuracy: e.validationAccuracy,
                                    oneShot: e.validationOneShot, oneShotWays: e.oneShotWays, epochs: report.history.count,
                                    bestEpoch: report.bestEpoch, trainingSeconds: report.trainingSeconds, cpuSeconds: cpu,
                                    bestValidation: report.history.first { $0.epoch == report.bestEpoch }?.validation)
            results.append(result)
            folders.append(folder.url)
            // Runs with `keep: last` and no validation part have no score for the kept epoch.
            let validation = result.bestValidation.map { String(format: "validation %.4f", $0) } ?? "no validation part"
            emit(String(format: "accuracy %@ seed %llu: ROC-AUC %.5f, EER %.4f, accuracy %.4f; %d-way one-shot %.2f %%; "
                        + "kept epoch %d of %d (%@); %.1f s training, %.1f s CPU, %d threads",
                        path, seed, e.validationROCAUC, e.validationEER, e.validationAccuracy, e.oneShotWays, 100 * e.validationOneShot,
                        report.bestEpoch, report.history.count, validation, report.trainingSeconds, cpu,
                        Threading.threadCount))
        }
        func summary(_ name: String, _ values: [Double], _ format: String) -> String {
            let mean = values.reduce(0, +) / Double(values.count)
            return "\(name) mean \(String(format: format, mean)) (\(values.map { String(format: format, $0) }.joined(separator: ", ")))"
        }
        emit("accuracy \(path) over seeds \(seeds.map(String.init).joined(separator: ",")): "
             + [summary("ROC-AUC", results.map(\.rocAUC), "%.5f"), summary("EER", results.map(\.equalErrorRate), "%.4f"),
                summary("one-shot", results.map(\.oneShot), "%.4f"), summary("CPU s", results.map(\.cpuSeconds), "%.0f")]
                .joined(separator: "; "))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: output).appendingPathComponent("accuracy.json"), options: .atomic)
        try compare(runs: folders)
    }

    /// Re-measures trained run folders (their own recipes and splits): each with test-time flip averaging switched,
    /// where its recipe flips or averages flips, and, for two or more, all of them as one ensemble.
    static func compare(runs folders: [URL]) throws {
        var models: [EmbeddingModel] = []
        var measured: (TrainingData, TrainingRecipe)?
        for folder in folders {
            let recipe = try TrainingRecipe.load(folder.appendingPathComponent("config.json"))
            let data = try TrainingData.load(recipe)
            let model = try EmbeddingModel.load(run: folder)
            models.append(model)
            if measured == nil { measured = (data, recipe) }
            guard recipe.testTimeAugmentation != .none || (recipe.augmentation?.horizontalFlip ?? 0) > 0 else { continue }
            for tta in [TestTimeAugmentation.none, .horizontalFlip] {
                var r = recipe
                r.testTimeAugmentation = tta
                let o = try RunEvaluation.measure(data: data, recipe: r, embed: { try model.embed(prepared: $0) },
                                                  embedRaw: { try model.embed(images: $0) })
                emit(String(format: "accuracy %@ with test-time augmentation %@: ROC-AUC %.5f, EER %.4f; %d-way one-shot %.2f %%",
                            folder.path, tta.description, o.validationROCAUC, o.validationEER, o.oneShotWays, 100 * o.validationOneShot))
            }
        }
        // The models as one ensemble: the mean of their embeddings (re-normalised when the recipe normalises).
        guard models.count > 1, let (data, recipe) = measured else { return }
        func ensemble(_ each: (EmbeddingModel) throws -> Tensor) rethrows -> Tensor {
            let parts = try models.map(each)
            var sum = parts[0]
            for p in parts.dropFirst() { sum = sum + p }
            guard recipe.normalizeEmbeddings else { return sum / Float(parts.count) }
            let values = sum.scalars, d = sum.shape[1]
            var out = values
            for i in 0..<sum.shape[0] {
                let norm = Swift.max((0..<d).reduce(Float(0)) { $0 + values[i * d + $1] * values[i * d + $1] }.squareRoot(), 1e-12)
                for j in 0..<d { out[i * d + j] = values[i * d + j] / norm }
            }
            return Tensor(out, shape: sum.shape)
        }
        let o = try RunEvaluation.measure(data: data, recipe: recipe, embed: { images in try ensemble { try $0.embed(prepared: images) } },
                                          embedRaw: { images in try ensemble { try $0.embed(images: images) } })
        emit(String(format: "accuracy: ensemble of %d models (%@): ROC-AUC %.5f, EER %.4f; %d-way one-shot %.2f %%", models.count,
                    folders.map(\.lastPathComponent).joined(separator: ", "), o.validationROCAUC, o.validationEER, o.oneShotWays,
                    100 * o.validationOneShot))
    }
}
