import Foundation
import SiameseCore
import SiameseMetricLearning

/// Every PML miner SiameseKit has, timed alone (mining only, no loss: PML miners run without gradients) beside
/// PML (scripts/bench/pml_speed_breadth.py, the same embeddings and labels as the losses), default arguments.
enum MinerBenchmark {
    static var cases: [(String, any Miner)] { [
        ("BatchHardMiner", BatchHardMiner()),
        ("BatchEasyHardMiner", BatchEasyHardMiner()),
        ("TripletMarginMiner semihard", TripletMarginMiner(margin: 0.2, kind: .semihard)),
        ("MultiSimilarityMiner", MultiSimilarityMiner()),
        ("PairMarginMiner", PairMarginMiner()),
        ("DistanceWeightedMiner", DistanceWeightedMiner()),
        ("HDCMiner", HDCMiner()),
        ("AngularMiner", AngularMiner()),
        ("UniformHistogramMiner", UniformHistogramMiner()),
    ] }

    static func run(peers directory: String?, options: LossBenchOptions) {
        let peer = options.beginTable("PML miners alone, issue 13", per: "mining call", peers: directory, peerFile: "pml_speed_miners.json")
        for batch in [256, 1024] {
            var g = SeededGenerator(seed: 0)
            let x = Tensor.normal([batch, 128], generator: &g)
            let labels = (0..<batch).map { $0 / 4 }
            for (name, miner) in cases where options.includes(name) {
                let ms = GlobalGenerator.withSeed(0) {
                    options.time { _ = miner(x, labels: labels) }
                }
                emit(LossBenchOptions.tableRow(name, batch, ms, peer["\(name) \(batch)"], missing: "no PML value"))
            }
        }
    }
}
