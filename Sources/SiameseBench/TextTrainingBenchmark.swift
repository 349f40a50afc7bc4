import Foundation
import SiameseCore
import SiameseTraining

/// `siamese-bench text-train`: runs a text recipe (the same `TextTrainingRun` as `siamese train`) and prints its log
/// lines with the wall time, for BENCHMARKS.md's fine-tuning and from-scratch figures.
enum TextTrainingBenchmark {
    static func run(recipe path: String, output: String) throws {
        let recipe = try TextRecipe.load(URL(fileURLWithPath: path))
        let folder = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "text", explicit: URL(fileURLWithPath: output))
        let start = Date()
        var lastPrinted = Date()
        let report = try TextTrainingRun.execute(recipe: recipe, folder: folder, progress: { p in
            guard Date().timeIntervalSince(lastPrinted) > 30 else { return }
            lastPrinted = Date()
            emit(String(format: "  epoch %d step %d/%d: loss %.4f, %.1f pairs/s, %.0f s left", p.epoch, p.step, p.stepsPerEpoch, p.loss,
                        p.pairsPerSecond, p.secondsLeft))
        }, log: { emit($0) })
        emit(String(format: "text-train %@: %d steps, %.1f s training, %.1f s wall in all, %d threads", path, report.steps,
                    report.trainingSeconds, Date().timeIntervalSince(start), Threading.threadCount))
    }
}
