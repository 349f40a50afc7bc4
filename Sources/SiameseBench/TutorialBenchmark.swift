import Foundation
import SiameseCore
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// The tutorial Siamese CNN beside the peer kit's siamese_tutorial.py --quick: training pairs/s at batch 64 and
/// 256 (contrastive loss, Adam 1e-3; both branches in one batched pass) and inference images/s at batch 1024.
enum TutorialBenchmark {
    static func run(peers directory: String?, only: String? = nil, reps: Int) {
        var peer: [String: Double] = [:]
        if let directory, let data = FileManager.default.contents(atPath: "\(directory)/siamese_tutorial_quick.json"),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let rows = obj["results"] as? [[String: Any]] {
            for r in rows {
                // Best of the peer's variants (two forward calls, or one concatenated pass) per measurement.
                guard let what = r["what"] as? String,
                      let rate = (r["pairs_per_s"] ?? r["images_per_s"]) as? [String: Any], let median = rate["median"] as? Double
                else { continue }
                let key = what == "train" ? "train \(r["batch_pairs"] as? Int ?? 0)" : "inference"
                peer[key] = Swift.max(peer[key] ?? 0, median)
            }
        }
        Threading.threadCount = 2
        emit("\n### Tutorial Siamese CNN (2 threads, median of \(reps))\n")
        emit(row(["measurement", "SiameseKit", "PyTorch (best variant)", "ratio"]))
        emit(row(Array(repeating: "---", count: 4)))
        GlobalGenerator.seed(0)
        let network = SiameseNetwork(encoder: TutorialCNN())
        let adam = Adam(network.trainableParameters(), learningRate: 1e-3)
        let loss = PairContrastiveLoss()
        var g = SeededGenerator(seed: 0)
        for batch in [64, 256] where only == nil || only == "train" {
            let x1 = Tensor.uniform([batch, 1, 28, 28], generator: &g), x2 = Tensor.uniform([batch, 1, 28, 28], generator: &g)
            let same = Tensor((0..<batch).map { _ in Float(g.nextInt(below: 2)) })
            let st = measure(work: Double(batch), reps: reps, target: 0.5) {
                adam.zeroGrad()
                let (e1, e2) = network(x1, x2)
                loss(e1, e2, same: same).backward()
                adam.step()
            }
            let best = peer["train \(batch)"]
            emit(row(["train, batch \(batch) pairs (pairs/s)", fmt(st.median), fmt(best), ratio(st.median, best)]))
        }
        guard only == nil || only == "inference" else { return }
        network.eval()
        let images = Tensor.uniform([1024, 1, 28, 28], generator: &g)
        let inference = measure(work: 1024, reps: reps, target: 0.5) { _ = withNoGrad { network.embed(images) } }
        let best = peer["inference"]
        emit(row(["inference, batch 1024 (images/s)", fmt(inference.median), fmt(best), ratio(inference.median, best)]))
    }
}
