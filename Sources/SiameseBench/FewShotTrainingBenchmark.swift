import Foundation
import SiameseCore
import SiameseTraining

/// `siamese-bench fewshot-train`: runs an image recipe (the same `TrainingRun` as `siamese train`) and prints the
/// one-shot results with wall and CPU time, for BENCHMARKS.md's few-shot comparison table. Builds without the HTTP
/// service's dependencies, so it is quick to compile on a busy machine.
enum FewShotTrainingBenchmark {
    static func run(recipe path: String, output: String, epochs: Int?, stepsPerEpoch: Int?) throws {
        var recipe = try TrainingRecipe.load(URL(fileURLWithPath: path))
        if let epochs { recipe.epochs = epochs }
        if let stepsPerEpoch { recipe.stepsPerEpoch = stepsPerEpoch }
        let folder = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "fewshot", explicit: URL(fileURLWithPath: output))
        let start = Date(), cpuStart = TSNEBenchmark.cpuSeconds()
        let report = try TrainingRun.execute(recipe: recipe, folder: folder, resuming: false,
                                             callbacks: TrainingCallbacks(log: { emit($0) }), notes: { emit("note: " + $0) })
        let wall = Date().timeIntervalSince(start), cpu = TSNEBenchmark.cpuSeconds() - cpuStart
        let e = report.evaluation
        var line = String(format: "fewshot-train %@: %d epochs × %d steps (kept epoch %d); held-out %d-way one-shot %.2f %% (95 %% %.1f–%.1f)",
                          path, report.history.count, recipe.stepsPerEpoch, report.bestEpoch, e.oneShotWays, 100 * e.validationOneShot,
                          100 * e.validationOneShotInterval95[0], 100 * e.validationOneShotInterval95[1])
        if let a = e.oneShotAccuracy, let ci = e.oneShotInterval95 {
            line += String(format: "; official 20-way one-shot %.2f %% (95 %% %.1f–%.1f)", 100 * a, 100 * ci[0], 100 * ci[1])
        }
        line += String(format: "; %.1f s training, %.1f s wall in all, %.1f s CPU, %d threads", report.trainingSeconds, wall, cpu,
                       Threading.threadCount)
        emit(line)
    }
}
