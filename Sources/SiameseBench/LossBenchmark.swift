import Foundation
import SiameseCore
import SiameseMetricLearning

/// Loss (+ miner) forward+backward time per step beside pytorch-metric-learning (the peer kit's pml_speed.py):
/// 128-d normal embeddings, 4 samples per class, batches of 256 and 1024.
enum LossBenchmark {
    typealias Step = @Sendable (Tensor, [Int]) -> Tensor

    static let cases: [(String, Step)] = [
        ("ContrastiveLoss", { ContrastiveLoss()($0, labels: $1) }),
        ("TripletMarginLoss all triplets", { TripletMarginLoss(margin: 0.2)($0, labels: $1) }),
        ("TripletMarginLoss + BatchHardMiner", { x, l in
            TripletMarginLoss(margin: 0.2)(x, labels: l, tuples: BatchHardMiner()(x, labels: l)) }),
        ("TripletMarginLoss + semihard TripletMarginMiner", { x, l in
            TripletMarginLoss(margin: 0.2)(x, labels: l, tuples: TripletMarginMiner(margin: 0.2, kind: .semihard)(x, labels: l)) }),
        ("MultiSimilarityLoss + MultiSimilarityMiner", { x, l in
            MultiSimilarityLoss()(x, labels: l, tuples: MultiSimilarityMiner()(x, labels: l)) }),
        ("NTXentLoss t=0.1", { NTXentLoss(temperature: 0.1)($0, labels: $1) }),
        ("CircleLoss", { CircleLoss()($0, labels: $1) }),
        ("SupConLoss", { SupConLoss()($0, labels: $1) }),
    ]

    static func run(peers directory: String?, reps: Int) {
        var peer: [String: Double] = [:]
        if let directory, let data = FileManager.default.contents(atPath: "\(directory)/pml_speed.json"),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let rows = obj["results"] as? [[String: Any]] {
            for r in rows {
                if let c = r["case"] as? String, let b = r["batch"] as? Int, let ms = r["ms_median"] as? Double { peer["\(c) \(b)"] = ms }
            }
        }
        Threading.threadCount = 2
        emit("\n### Metric-learning losses (ms per forward+backward step, median of \(reps); 2 threads)\n")
        emit(row(["case", "batch", "SiameseKit ms", "PML ms", "speed-up vs PML"]))
        emit(row(Array(repeating: "---", count: 5)))
        for batch in [256, 1024] {
            var g = SeededGenerator(seed: 0)
            let x = Tensor.normal([batch, 128], generator: &g)
            let labels = (0..<batch).map { $0 / 4 }
            for (name, step) in cases {
                let leaf = x.requiringGrad()
                let st = measure(work: 1, reps: reps, target: 0.25) {
                    leaf.zeroGrad()
                    step(leaf, labels).backward()
                }
                let ms = 1000 / st.median
                let p = peer["\(name) \(batch)"]
                emit(row([name, "\(batch)", fmt(ms), p.map { fmt($0) } ?? "skipped by PML", p.map { String(format: "%.1f×", $0 / ms) } ?? "—"]))
            }
        }
    }
    static func profile() {
        var g = SeededGenerator(seed: 0)
        let x = Tensor.normal([1024, 128], generator: &g).requiringGrad()
        func t(_ name: String, _ body: () -> Void) {
            let s = measure(work: 1, reps: 3, target: 0.2, body); emit("\(name): \(fmt(1000 / s.median)) ms")
        }
        t("normalize fwd") { _ = x.l2Normalized() }
        let n = x.l2Normalized()
        t("matmul fwd") { _ = matmul(n, n.transposed()) }
        t("sqL2 fwd") { _ = Tensor.pairwiseDistances(n, n, metric: .squaredL2) }
        t("L2 fwd") { _ = Tensor.pairwiseDistances(n, n, metric: .l2) }
        t("L2 fwd+bwd") { x.zeroGrad(); Tensor.pairwiseDistances(x, x, metric: .l2).sum().backward() }
        t("LpDistance matrix fwd+bwd") { x.zeroGrad(); LpDistance().matrix(x).sum().backward() }
        let m = Tensor.normal([1024, 1024], generator: &g)
        t("relu 1M") { _ = m.relu() }
        t("exp 1M") { _ = m.exp() }
        t("add 1M") { _ = m + m }

        t("manual add 1M") {
            let out = UnsafeMutablePointer<Float>.allocate(capacity: 1 << 20)
            let p = m.storage.pointer
            for i in 0..<(1 << 20) { out[i] = p[i] + p[i] }
            out.deallocate()
        }
        t("mul scalar 1M") { _ = m * 2 }
        t("sum 1M") { _ = m.sum() }
        t("sum axis1 1M") { _ = m.sum(axis: 1) }
        t("sum axis0 1M") { _ = m.sum(axis: 0) }
        t("where 1M") { _ = Tensor.where(m, m, m) }
        t("scalars 1M") { _ = m.scalars }
        t("transposed contiguous 1M") { _ = m.transposed().contiguous() }
        let labels = (0..<1024).map { $0 / 4 }
        t("allPairs") { _ = MinedTuples.allPairs(labels) }
        t("miner batchhard") { _ = BatchHardMiner()(x, labels: labels) }
    }
}
