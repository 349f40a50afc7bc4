import Foundation
import SiameseCore
import SiameseMetricLearning

/// The losses added for PML breadth (issue 13), timed like ``LossBenchmark`` beside PML
/// (scripts/bench/pml_speed_breadth.py): learned-weight losses get one class per 4 samples; two-view losses get a
/// second view `x + 0.1·noise`. The "all triplets" losses (Histogram, DynamicSoftMargin) run at 256 only, as in PML's
/// script.
enum BreadthLossBenchmark {
    typealias Step = (Tensor, Tensor, [Int]) -> Tensor
    /// Name, whether it is skipped at 1024, and a maker of the step for a number of classes.
    static var cases: [(String, Bool, (Int) -> Step)] { [
        ("GeneralizedLiftedStructureLoss", false, { _ in { x, _, l in GeneralizedLiftedStructureLoss()(x, labels: l) } }),
        ("FastAPLoss", false, { _ in { x, _, l in FastAPLoss()(x, labels: l) } }),
        ("SoftTripleLoss", false, { c in let f = SoftTripleLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("NormalizedSoftmaxLoss", false, { c in let f = NormalizedSoftmaxLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("LargeMarginSoftmaxLoss", false, { c in let f = LargeMarginSoftmaxLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("SphereFaceLoss", false, { c in let f = SphereFaceLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("SubCenterArcFaceLoss", false, { c in let f = SubCenterArcFaceLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("TupletMarginLoss", false, { _ in { x, _, l in TupletMarginLoss()(x, labels: l) } }),
        ("TupletMarginLoss + MultiSimilarityMiner", false, { _ in { x, _, l in
            TupletMarginLoss()(x, labels: l, tuples: MultiSimilarityMiner()(x, labels: l)) } }),
        ("IntraPairVarianceLoss", false, { _ in { x, _, l in IntraPairVarianceLoss()(x, labels: l) } }),
        ("HistogramLoss", true, { _ in { x, _, l in HistogramLoss()(x, labels: l) } }),
        ("DynamicSoftMarginLoss", true, { _ in let f = DynamicSoftMarginLoss(); return { x, _, l in f(x, labels: l) } }),
        ("P2SGradLoss", false, { c in let f = P2SGradLoss(embeddingSize: 128, numClasses: c); return { x, _, l in f(x, labels: l) } }),
        ("InstanceLoss", false, { _ in { x, _, l in InstanceLoss()(x, labels: l) } }),
        ("ThresholdConsistentMarginLoss", false, { _ in { x, _, l in ThresholdConsistentMarginLoss()(x, labels: l) } }),
        ("VICRegLoss", false, { _ in { x, r, _ in VICRegLoss()(x, reference: r) } }),
        ("SelfSupervisedLoss(NTXentLoss)", false, { _ in { x, r, _ in SelfSupervisedLoss(NTXentLoss(temperature: 0.1))(x, reference: r) } }),
        ("MultipleLosses(Contrastive, TripletMargin + semihard)", false, { _ in
            let f = MultipleLosses([.init("0", ContrastiveLoss()),
                                    .init("1", TripletMarginLoss(margin: 0.2), miner: TripletMarginMiner(margin: 0.2, kind: .semihard))])
            return { x, _, l in f(x, labels: l) } }),
    ] }

    static func run(peers directory: String?, reps: Int) {
        var peer: [String: Double] = [:]
        if let directory, let data = FileManager.default.contents(atPath: "\(directory)/pml_speed_breadth.json"),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let rows = obj["results"] as? [[String: Any]] {
            for r in rows {
                if let c = r["case"] as? String, let b = r["batch"] as? Int, let ms = r["ms_median"] as? Double { peer["\(c) \(b)"] = ms }
            }
        }
        Threading.threadCount = 2
        emit("\n### PML breadth losses, issue 13 (ms per forward+backward step, median of \(reps); 2 threads)\n")
        emit(row(["case", "batch", "SiameseKit ms", "PML ms", "speed-up vs PML"]))
        emit(row(Array(repeating: "---", count: 5)))
        for batch in [256, 1024] {
            var g = SeededGenerator(seed: 0)
            let x = Tensor.normal([batch, 128], generator: &g)
            let r = x + Tensor.normal([batch, 128], generator: &g) * 0.1
            let labels = (0..<batch).map { $0 / 4 }
            for (name, smallOnly, make) in cases where !(smallOnly && batch == 1024) {
                let step = GlobalGenerator.withSeed(0) { make(batch / 4) }
                let leaf = x.requiringGrad(), second = r.requiringGrad()
                let st = measure(work: 1, reps: reps, target: 0.25) {
                    leaf.zeroGrad(); second.zeroGrad()
                    step(leaf, second, labels).backward()
                }
                let ms = 1000 / st.median
                let p = peer["\(name) \(batch)"]
                emit(row([name, "\(batch)", fmt(ms), p.map { fmt($0) } ?? "no PML value", p.map { String(format: "%.1f×", $0 / ms) } ?? "—"]))
            }
        }
    }
}
