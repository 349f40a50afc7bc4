import Foundation
import SiameseCore
import SiameseTraining

/// `siamese-bench fewshot-table`: issue 17's comparison table. Trains every recipe of `recipes/fewshot/` (six methods ×
/// three benchmarks; the same ``TrainingRun`` as `siamese train`), one after another in this process, into
/// `OUTPUT/<recipe>`, and prints one markdown table: each cell's accuracy with its 95 % interval (from the run's
/// `metrics.json`: the official trials, the recipe's `fewShotGrid`) and each training's CPU seconds (user + sys of
/// the whole run: loading, training with its per-epoch validation, final evaluation).
///
/// A run folder that already holds `metrics.json` and `fewshot-table.json` (the timing this command wrote) is reused,
/// so an interrupted table resumes where it stopped; `--no-train` only prints what is there (missing cells: —).
enum FewShotTableBenchmark {
    /// Rows of the table, in order: name shown, and the recipe file's suffix.
    static let methods: [(name: String, file: String)] = [
        ("Siamese, contrastive pairs (Hadsell et al.)", "contrastive"),
        ("Siamese, P×K multi-similarity", "multi-similarity"),
        ("Koch et al.'s objective on Conv-4 (weighted L1, BCE)", "koch"),
        ("prototypical networks", "protonet"),
        ("matching networks", "matching"),
        ("relation networks", "relation"),
    ]
    /// Benchmarks: name shown, the recipe file's prefix, and whether it has Omniglot's official trials.
    static let benchmarks: [(name: String, file: String, official: Bool)] = [
        ("Omniglot", "omniglot", true),
        ("MNIST, held-out digits", "mnist", false),
        ("AT&T faces, held-out people", "att-faces", false),
    ]

    /// What this command records beside a run's `metrics.json`.
    struct Timing: Codable {
        let cpuSeconds: Double, wallSeconds: Double, threads: Int
        let epochs: Int, stepsPerEpoch: Int, bestEpoch: Int, finished: String
    }

    static func run(recipes: String, output: String, only: String?, train: Bool) throws {
        let root = URL(fileURLWithPath: output)
        for b in benchmarks {
            for m in methods {
                let name = "\(b.file)-\(m.file)"
                if let only, !only.split(separator: ",").contains(where: { name.contains($0) }) { continue }
                let folder = root.appendingPathComponent(name)
                if (try? load(folder)) != nil {
                    emit("fewshot-table: \(name): reusing \(folder.path)")
                    continue
                }
                guard train else { continue }
                try trainCell(recipe: URL(fileURLWithPath: recipes).appendingPathComponent("\(name).yaml"), folder: folder)
            }
        }
        emit(table(root: root, recipes: recipes))
    }

    static func trainCell(recipe url: URL, folder url2: URL) throws {
        let recipe = try TrainingRecipe.load(url)
        let folder = try RunFolder(root: url2.deletingLastPathComponent(), name: url2.lastPathComponent, explicit: url2)
        let start = Date(), cpuStart = TSNEBenchmark.cpuSeconds()
        let report = try TrainingRun.execute(recipe: recipe, folder: folder, resuming: false,
                                             callbacks: TrainingCallbacks(log: { emit($0) }), notes: { emit("note: " + $0) })
        let timing = Timing(cpuSeconds: TSNEBenchmark.cpuSeconds() - cpuStart, wallSeconds: Date().timeIntervalSince(start),
                            threads: Threading.threadCount, epochs: report.history.count, stepsPerEpoch: recipe.stepsPerEpoch,
                            bestEpoch: report.bestEpoch, finished: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(timing).write(to: url2.appendingPathComponent("fewshot-table.json"), options: .atomic)
        emit(report.evaluation.text)
        emit(String(format: "fewshot-table: %@ done: %.1f CPU s, %.1f s wall, %d threads", url.lastPathComponent, timing.cpuSeconds,
                    timing.wallSeconds, timing.threads))
    }

    static func load(_ folder: URL) throws -> (TrainingReport, Timing) {
        let report = try JSONDecoder().decode(TrainingReport.self, from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        let timing = try JSONDecoder().decode(Timing.self, from: Data(contentsOf: folder.appendingPathComponent("fewshot-table.json")))
        return (report, timing)
    }

    /// `84.5 % (80.6–87.7)`.
    static func cell(_ accuracy: Double, _ interval: [Double]) -> String {
        String(format: "%.1f %% (%.1f–%.1f)", 100 * accuracy, 100 * interval[0], 100 * interval[1])
    }

    /// The markdown table: a row per measured task (grouped by benchmark) and a cost row per benchmark; a column per method.
    static func table(root: URL, recipes: String) -> String {
        var lines = ["| benchmark, task | " + methods.map(\.name).joined(separator: " | ") + " |",
                     "| --- |" + String(repeating: " --- |", count: methods.count)]
        for b in benchmarks {
            let runs = methods.map { try? load(root.appendingPathComponent("\(b.file)-\($0.file)")) }
            if b.official {
                lines.append("| \(b.name): official 20-way 1-shot (400 trials) | " + runs.map { r in
                    guard let e = r?.0.evaluation, let a = e.oneShotAccuracy, let ci = e.oneShotInterval95 else { return "—" }
                    return cell(a, ci)
                }.joined(separator: " | ") + " |")
            }
            // The tasks, in the order of the first finished run's grid.
            let tasks = runs.compactMap { $0?.0.evaluation.fewShot }.first ?? []
            for t in tasks {
                let label = b.official ? "\(b.name): held-out characters \(t.ways)-way \(t.shots)-shot" : "\(b.name): \(t.ways)-way \(t.shots)-shot"
                lines.append("| \(label) | " + runs.map { r in
                    guard let c = r?.0.evaluation.fewShot?.first(where: { $0.ways == t.ways && $0.shots == t.shots }) else { return "—" }
                    return cell(c.accuracy, c.interval95)
                }.joined(separator: " | ") + " |")
            }
            lines.append("| \(b.name): CPU s (epochs × steps, kept epoch) | " + methods.indices.map { i in
                guard let t = runs[i]?.1 else { return "—" }
                return String(format: "%.0f s (%d × %d, %d) [↗](%@/%@-%@.yaml)", t.cpuSeconds, t.epochs, t.stepsPerEpoch, t.bestEpoch,
                              recipes, b.file, methods[i].file)
            }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
