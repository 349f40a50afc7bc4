import Foundation
import SiameseCore

/// siamese-bench: performance figures of SiameseKit, side by side with the peer kit's raw results.
///
///     swift run -c release siamese-bench engine [--peers DIR] [--only gemm|conv] [--shape TEXT] [--threads 1,2] [--reps 5]
let usage = """
usage: siamese-bench engine [--peers DIR] [--only gemm|conv] [--shape TEXT] [--threads 1,2] [--reps N]
       siamese-bench losses [--peers DIR] [--only earlier|breadth|miners] [--case TEXT] [--threads N] [--clock wall|cpu] [--reps N]
       siamese-bench tutorial [--peers DIR] [--only train|inference] [--reps N]
       siamese-bench loader --data MNIST_DIR [--reps N]
       siamese-bench tsne [--peers DIR] [--points N]
       siamese-bench text [--peers DIR] [--model MINILM_DIR] [--reps N]
       siamese-bench koch [--peers DIR] [--threads 1,2] [--reps N]   (Koch et al.'s network: wall and CPU time beside PyTorch)
       siamese-bench search [--peers DIR] [--mnist MNIST_DIR] [--only exact,sequential,hnsw,latency] [--points N] [--reps N]
       siamese-bench text-train --recipe FILE --output RUN_DIR   (timed text training; no Hummingbird/NIO in the build)
       siamese-bench fewshot-train --recipe FILE --output RUN_DIR [--epochs N] [--steps N]   (timed image recipe, one-shot results)
       siamese-bench fewshot-table [--recipes DIR] [--output DIR] [--only NAME,…] [--no-train yes] [--threads N]   (issue 17's table: every recipes/fewshot recipe, markdown)
       siamese-bench accuracy --recipe FILE --output DIR [--seeds 1,2,3] [--epochs N] [--steps N] [--threads N]   (a recipe per seed: verification, one-shot, CPU time)
       siamese-bench accuracy --runs RUN_DIR,RUN_DIR,…   (trained runs re-measured: test-time flip on and off, their ensemble)
  --peers DIR   the peer kit's raw JSON folder ($PEERS_OUT/raw), measured in the same run
  --shape TEXT  engine: only the rows whose shape or description contains TEXT (e.g. "conv1, 128")
  --case TEXT   losses: only the cases whose name contains TEXT
  --clock cpu   losses: CPU time (user+sys) per step instead of wall time, for a contended machine (with --threads 1)
"""

var args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first, ["engine", "losses", "tutorial", "loader", "tsne", "text", "search", "text-train", "fewshot-train", "fewshot-table", "koch", "accuracy"].contains(command) else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
args.removeFirst()
var peersDir: String?
var only: String?
var shapeFilter: String?
var threads = [1, 2]
var threadsGiven = false
var caseFilter: String?
var cpuClock = false
var reps = 5
var pointCount: Int?
var mnistDir = ProcessInfo.processInfo.environment["PEERS_MNIST_DIR"]
var recipePath: String?
var outputPath: String?
var epochsOverride: Int?
var stepsOverride: Int?
var seedList: [UInt64] = [1, 2, 3]
var runList: [String] = []
var recipesDir = "recipes/fewshot"
var train = true
var modelDir = ProcessInfo.processInfo.environment["SIAMESE_MINILM_DIR"]
    ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/siamese/all-MiniLM-L6-v2").path
while !args.isEmpty {
    let flag = args.removeFirst()
    guard let value = args.first else {
        FileHandle.standardError.write(Data("siamese-bench: \(flag) needs a value\n\(usage)".utf8))
        exit(2)
    }
    args.removeFirst()
    switch flag {
    case "--peers", "--data": peersDir = value
    case "--only": only = value
    case "--shape": shapeFilter = value
    case "--threads": threads = value.split(separator: ",").compactMap { Int($0) }; threadsGiven = true
    case "--case": caseFilter = value
    case "--clock":
        guard value == "wall" || value == "cpu" else {
            FileHandle.standardError.write(Data("siamese-bench: --clock is wall or cpu, not '\(value)'\n".utf8))
            exit(2)
        }
        cpuClock = value == "cpu"
    case "--reps": reps = max(1, Int(value) ?? 5)
    case "--points": pointCount = Int(value)
    case "--model": modelDir = value
    case "--mnist": mnistDir = value
    case "--recipe": recipePath = value
    case "--output": outputPath = value
    case "--epochs": epochsOverride = Int(value)
    case "--steps": stepsOverride = Int(value)
    case "--seeds": seedList = value.split(separator: ",").compactMap { UInt64($0) }
    case "--recipes": recipesDir = value
    case "--no-train": train = !["yes", "true", "1"].contains(value)
    case "--runs": runList = value.split(separator: ",").map(String.init)
    default:
        FileHandle.standardError.write(Data("siamese-bench: unknown option \(flag)\n\(usage)".utf8))
        exit(2)
    }
}
/// A missing required option: the message, then the usage text, exit status 2.
struct UsageError: Error { let message: String }

/// `value`, or a ``UsageError`` naming what `command` needs.
func required<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw UsageError(message: "siamese-bench \(command): \(what) is required") }
    return value
}

let env = ProcessInfo.processInfo.environment
emit("SiameseKit \(command) benchmark — OPENBLAS_CORETYPE=\(env["OPENBLAS_CORETYPE"] ?? "unset") "
      + "OPENBLAS_L2_SIZE=\(env["OPENBLAS_L2_SIZE"] ?? "unset"), peers: \(peersDir ?? "none")")
// Training benchmarks take one thread count (one thread per process suits several runs side by side on a busy machine).
if threadsGiven, let n = threads.first, ["fewshot-table", "accuracy"].contains(command) { Threading.threadCount = n }
do {
    switch command {
    case "loader":
        try LoaderBenchmark.run(mnist: try required(peersDir, "--data MNIST_DIR"), reps: reps)
    case "tsne":
        try TSNEBenchmark.run(peers: peersDir, points: pointCount)
    case "search":
        try SearchBenchmark.run(mnist: try required(mnistDir, "--mnist MNIST_DIR (or PEERS_MNIST_DIR)"), peers: peersDir, reps: reps,
                                basePoints: pointCount,
                                parts: only.map { Set($0.split(separator: ",").map(String.init)) } ?? SearchBenchmark.allParts)
    case "fewshot-train":
        try FewShotTrainingBenchmark.run(recipe: try required(recipePath, "--recipe FILE"), output: try required(outputPath, "--output DIR"),
                                         epochs: epochsOverride, stepsPerEpoch: stepsOverride)
    case "fewshot-table":
        try FewShotTableBenchmark.run(recipes: recipesDir, output: outputPath ?? "runs/fewshot-table", only: only, train: train)
    case "accuracy" where !runList.isEmpty:
        try AccuracyBenchmark.compare(runs: runList.map { URL(fileURLWithPath: $0) })
    case "accuracy":
        if seedList.isEmpty { throw UsageError(message: "siamese-bench accuracy: --seeds needs at least one seed") }
        try AccuracyBenchmark.run(recipe: try required(recipePath, "--recipe FILE"), output: try required(outputPath, "--output DIR"),
                                  seeds: seedList, epochs: epochsOverride, stepsPerEpoch: stepsOverride)
    case "text-train":
        try TextTrainingBenchmark.run(recipe: try required(recipePath, "--recipe FILE"), output: try required(outputPath, "--output DIR"))
    case "text":
        try TextBenchmark.run(peers: peersDir, model: modelDir, reps: reps)
    case "koch":
        KochBenchmark.run(peers: peersDir, threads: threads == [1, 2] ? [2] : threads, reps: reps == 5 ? 3 : reps)
    case "tutorial":
        TutorialBenchmark.run(peers: peersDir, only: only, reps: reps)
    case "losses":
        if let only, !["earlier", "breadth", "miners"].contains(only) {
            throw UsageError(message: "siamese-bench losses: --only is earlier, breadth or miners, not '\(only)'")
        }
        let options = LossBenchOptions(filter: caseFilter, threads: threadsGiven ? (threads.first ?? 2) : 2, cpuTime: cpuClock, reps: reps)
        if only == nil || only == "earlier" { LossBenchmark.run(peers: peersDir, options: options) }
        if only == nil || only == "breadth" { BreadthLossBenchmark.run(peers: peersDir, options: options) }
        if only == nil || only == "miners" { MinerBenchmark.run(peers: peersDir, options: options) }
    default:  // "engine"; the guard above admits only the listed commands
        EngineBenchmark.run(threads: threads, peers: PeerResults(directory: peersDir), only: only, shape: shapeFilter, reps: reps)
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("\(error.message)\n\(usage)".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("siamese-bench: \(error)\n".utf8))
    exit(1)
}
