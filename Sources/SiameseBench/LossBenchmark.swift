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

    static func run(peers directory: String?, options: LossBenchOptions) {
        let peer = options.beginTable("Metric-learning losses", per: "forward+backward step", peers: directory, peerFile: "pml_speed.json")
        for batch in [256, 1024] {
            var g = SeededGenerator(seed: 0)
            let x = Tensor.normal([batch, 128], generator: &g)
            let labels = (0..<batch).map { $0 / 4 }
            for (name, step) in cases where options.includes(name) {
                let leaf = x.requiringGrad()
                let ms = options.time {
                    leaf.zeroGrad()
                    step(leaf, labels).backward()
                }
                emit(LossBenchOptions.tableRow(name, batch, ms, peer["\(name) \(batch)"], missing: "skipped by PML"))
            }
        }
    }
}
