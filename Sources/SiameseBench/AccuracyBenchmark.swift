import Foundation
import SiameseCore
import SiameseTraining

/// `siamese-bench accuracy`: trains one image recipe once per seed (the same ``TrainingRun`` as `siamese train`, run
/// folders `OUTPUT/seed-N`) and prints each seed's held-out verification (ROC-AUC, EER, accuracy at the calibrated
/// threshold) and N-way one-shot accuracy, with training wall and CPU seconds, then the mean and range over the seeds:
/// issue 17's accuracy targets are stated over three seeds. With `testFraction` in the recipe the figures are measured on
/// the test part, which neither training nor early stopping sees.
enum AccuracyBenchmark {
    struct SeedResult: Codable {
        let seed: UInt64, rocAUC: Double, equalErrorRate: Double, accuracy: Double, oneShot: Double, oneShotWays: Int
        let epochs: Int, bestEpoch: Int, trainingSeconds: Double, cpuSeconds: Double
        let bestValidation: Double?
    }

    static func run(recipe path: String, output: String, seeds: [UInt64], epochs: Int?, stepsPerEpoch: Int?) throws {
        var results: [SeedResult] = []
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
            emit(String(format: "accuracy %@ seed %llu: ROC-AUC %.5f, EER %.4f, accuracy %.4f; %d-way one-shot %.2f %%; "
                        + "kept epoch %d of %d (validation %.4f); %.1f s training, %.1f s CPU, %d threads",
                        path, seed, e.validationROCAUC, e.validationEER, e.validationAccuracy, e.oneShotWays, 100 * e.validationOneShot,
                        report.bestEpoch, report.history.count, result.bestValidation ?? .nan, report.trainingSeconds, cpu,
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
        let url = URL(fileURLWithPath: output).appendingPathComponent("accuracy.json")
        try encoder.encode(results).write(to: url, options: .atomic)
    }
}
