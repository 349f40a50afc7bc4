import Foundation
import SiameseCore
import SiameseEvaluation

/// Barnes-Hut t-SNE wall time beside scikit-learn's `TSNE` (scripts/bench/tsne_peer.py) on the same points:
/// 20,000 MNIST training digits reduced to 50 dimensions by PCA, default parameters, 2 threads.
enum TSNEBenchmark {
    /// User plus system CPU time of this process (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func run(peers directory: String?, points requested: Int?) throws {
        var points: [[Float]] = []
        var peer: [String: Any] = [:]
        if let directory, let data = FileManager.default.contents(atPath: "\(directory)/tsne_input.f32") {
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            points = stride(from: 0, to: values.count, by: 50).map { Array(values[$0..<($0 + 50)]) }
            if let json = FileManager.default.contents(atPath: "\(directory)/tsne.json"),
               let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] { peer = object }
        } else {
            // No peer run: ten Gaussian clusters in 50 dimensions, seeded.
            var g = SeededGenerator(seed: 0)
            let n = requested ?? 20000
            let centres = (0..<10).map { _ in (0..<50).map { _ in 4 * g.nextNormal() } }
            points = (0..<n).map { i in centres[i % 10].map { $0 + g.nextNormal() } }
            emit("(no peer input in \(directory ?? "--peers not given"): seeded Gaussian clusters, no sklearn column)")
        }
        if let requested, requested < points.count, peer.isEmpty { points = Array(points.prefix(requested)) }
        Threading.threadCount = 2
        let tsne = TSNE()
        let start = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuSeconds()
        let embedding = try tsne.embed(points)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu = cpuSeconds() - cpuStart
        let first = min(2000, points.count)
        let trust = try trustworthiness(original: Array(points.prefix(first)), embedded: Array(embedding.prefix(first)))
        let peerSeconds = peer["seconds"] as? Double
        let peerTrust = peer["trustworthiness_first_2000"] as? Double
        let peerCPU = peer["cpu_seconds"] as? Double
        emit("\n### t-SNE, Barnes-Hut θ = 0.5 (wall seconds, one run each, CPU seconds of all threads in brackets; SiameseKit 2 threads)\n")
        emit(row(["points", "method", "SiameseKit s", "sklearn s", "speed-up vs sklearn (wall)", "speed-up (CPU)",
                  "trustworthiness (first \(first), k=5) ours / sklearn"]))
        emit(row(Array(repeating: "---", count: 7)))
        emit(row(["\(points.count) × \(points.first?.count ?? 0)", "\(tsne.resolvedMethod(count: points.count))",
                  String(format: "%.1f (%.1f)", seconds, cpu),
                  peerSeconds.map { String(format: "%.1f", $0) + (peerCPU.map { String(format: " (%.1f)", $0) } ?? "") } ?? "—",
                  peerSeconds.map { String(format: "%.2f×", $0 / seconds) } ?? "—",
                  peerCPU.map { String(format: "%.2f×", $0 / cpu) } ?? "—",
                  String(format: "%.4f", trust) + " / " + (peerTrust.map { String(format: "%.4f", $0) } ?? "—")]))
    }
}
