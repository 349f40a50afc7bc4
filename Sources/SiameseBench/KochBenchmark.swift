import Foundation
import SiameseCore
import SiameseMetricLearning
import SiameseModels
import SiameseNN
import SiameseOptimizers

/// Koch et al.'s (2015) Omniglot Siamese network beside PyTorch: training pairs/s at batch 32 (both branches in one
/// pass, weighted-L1 head, binary cross-entropy, Adam 6e-5, as the peer kit's koch.py) and inference images/s at
/// batch 64. Besides wall-clock rates it reports CPU seconds (user + system of the process) per step, the figure
/// that stays comparable on a contended machine; the peer's CPU figures come from scripts/bench/koch_peer_cpu.py,
/// run with the same thread count in the same `bash scripts/bench.sh koch`.
enum KochBenchmark {
    /// A peer figure: wall rate (median) and CPU seconds per unit of work, when measured.
    struct Peer { var rate: Double?; var cpuPerUnit: Double? }

    static func run(peers directory: String?, threads: [Int], reps: Int) {
        let official = officialPeer(directory)
        for t in threads {
            Threading.threadCount = t
            let cpuPeer = cpuPeer(directory, threads: t)
            emit("\n### Koch et al. Siamese network, 1×105×105 (\(t) thread\(t == 1 ? "" : "s"), median of \(reps); load \(loadAverage()))\n")
            emit(row(["measurement", "SiameseKit", "PyTorch", "ratio (wall)", "SiameseKit CPU s/unit", "PyTorch CPU s/unit", "ratio (CPU)"]))
            emit(row(Array(repeating: "---", count: 7)))
            GlobalGenerator.seed(0)
            let network = SiameseNetwork(encoder: KochEncoder())
            let loss = KochPairLoss(features: 4096)
            let adam = Adam(network.trainableParameters() + loss.trainableParameters(), learningRate: 6e-5)
            var g = SeededGenerator(seed: 0)
            let batch = 32
            let x1 = Tensor.uniform([batch, 1, 105, 105], generator: &g), x2 = Tensor.uniform([batch, 1, 105, 105], generator: &g)
            let same = Tensor((0..<batch).map { _ in Float(g.nextInt(below: 2)) })
            let train = timed(reps: reps) {
                adam.zeroGrad()
                let (e1, e2) = network(x1, x2)
                loss(e1, e2, targets: same).backward()
                adam.step()
            }
            let peerTrain = Peer(rate: t == 2 ? official["train"] : nil, cpuPerUnit: cpuPeer["train"])
            emit(line("train, batch \(batch) pairs (pairs/s)", work: Double(batch), ours: train, peer: peerTrain))
            network.eval()
            let images = Tensor.uniform([64, 1, 105, 105], generator: &g)
            let inference = timed(reps: reps) { _ = withNoGrad { network.embed(images) } }
            let peerInference = Peer(rate: official["inference \(t)"], cpuPerUnit: cpuPeer["inference"])
            emit(line("inference, batch 64 (images/s)", work: 64, ours: inference, peer: peerInference))
        }
        emit("\nPyTorch wall rates: the peer kit's koch.py (best of its two training variants; it trains with 2 threads only). "
             + "CPU columns: scripts/bench/koch_peer_cpu.py in the same run. A ratio above 1 means SiameseKit is faster.")
    }

    /// Wall seconds and CPU seconds of one call, medians over `reps` calls after one untimed call.
    static func timed(reps: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<reps {
            let c0 = processCPUSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
            body()
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            cpus.append(processCPUSeconds() - c0)
        }
        return (walls.sorted()[reps / 2], cpus.sorted()[reps / 2])
    }

    static func line(_ what: String, work: Double, ours: (wall: Double, cpu: Double), peer: Peer) -> String {
        let rate = work / ours.wall, cpu = ours.cpu / work
        let cpuRatio = peer.cpuPerUnit.map { String(format: "%.2f×", $0 / cpu) } ?? "—"
        return row([what, fmt(rate), fmt(peer.rate), ratio(rate, peer.rate), String(format: "%.4f", cpu),
                    peer.cpuPerUnit.map { String(format: "%.4f", $0) } ?? "—", cpuRatio])
    }

    /// User + system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double { TSNEBenchmark.cpuSeconds() }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    }

    /// koch.py's raw results: `train` (best variant, 2 threads) and `inference 1`/`inference 2` (medians).
    static func officialPeer(_ directory: String?) -> [String: Double] {
        guard let directory, let rows = results(atPath: "\(directory)/koch.json") else { return [:] }
        var peer: [String: Double] = [:]
        for r in rows {
            guard let what = r["what"] as? String, let rate = (r["pairs_per_s"] ?? r["images_per_s"]) as? [String: Any],
                  let median = rate["median"] as? Double else { continue }
            let key = what == "train" ? "train" : "inference \(r["threads"] as? Int ?? 0)"
            peer[key] = Swift.max(peer[key] ?? 0, median)
        }
        return peer
    }

    /// koch_peer_cpu.py's results for `threads`: CPU seconds per pair (`train`) and per image (`inference`).
    static func cpuPeer(_ directory: String?, threads: Int) -> [String: Double] {
        guard let directory, let rows = results(atPath: "\(directory)/koch_cpu.json") else { return [:] }
        var peer: [String: Double] = [:]
        for r in rows where r["threads"] as? Int == threads {
            if let what = r["what"] as? String, let cpu = r["cpu_seconds_per_unit"] as? Double { peer[what] = cpu }
        }
        return peer
    }

    static func results(atPath path: String) -> [[String: Any]]? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["results"] as? [[String: Any]]
    }
}
