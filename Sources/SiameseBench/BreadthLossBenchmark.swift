import Foundation
import SiameseCore
import SiameseMetricLearning

/// The PML losses that the peer kit's pml_speed.py does not time (issue 13), timed like ``LossBenchmark`` beside PML
/// (scripts/bench/pml_speed_breadth.py): learned-weight losses get one class per 4 samples; two-view losses get a
/// second view `x + 0.1·noise`. The "all triplets" losses (Histogram, DynamicSoftMargin, Angular, Margin) run at
/// 256 only, as in PML's script.
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
        ("AngularLoss", true, { _ in { x, _, l in AngularLoss()(x, labels: l) } }),
        ("MarginLoss", true, { _ in { x, _, l in MarginLoss()(x, labels: l) } }),
        ("LiftedStructureLoss", false, { _ in { x, _, l in LiftedStructureLoss()(x, labels: l) } }),
        ("NPairsLoss", false, { _ in { x, _, l in NPairsLoss()(x, labels: l) } }),
        ("ArcFaceLoss", false, { c in let f = ArcFaceLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("CosFaceLoss", false, { c in let f = ArcFaceLoss.cosFace(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("ProxyAnchorLoss", false, { c in let f = ProxyAnchorLoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("ProxyNCALoss", false, { c in let f = ProxyNCALoss(numClasses: c, embeddingSize: 128); return { x, _, l in f(x, labels: l) } }),
        ("MultipleLosses(Contrastive, TripletMargin + semihard)", false, { _ in
            let f = MultipleLosses([.init("0", ContrastiveLoss()),
                                    .init("1", TripletMarginLoss(margin: 0.2), miner: TripletMarginMiner(margin: 0.2, kind: .semihard))])
            return { x, _, l in f(x, labels: l) } }),
    ] }

    static func run(peers directory: String?, options: LossBenchOptions) {
        let peer = options.beginTable("PML losses beyond pml_speed.py, issue 13", per: "forward+backward step", peers: directory, peerFile: "pml_speed_breadth.json")
        for batch in [256, 1024] {
            var g = SeededGenerator(seed: 0)
            let x = Tensor.normal([batch, 128], generator: &g)
            let r = x + Tensor.normal([batch, 128], generator: &g) * 0.1
            let labels = (0..<batch).map { $0 / 4 }
            for (name, smallOnly, make) in cases where !(smallOnly && batch == 1024) && options.includes(name) {
                let step = GlobalGenerator.withSeed(0) { make(batch / 4) }
                let leaf = x.requiringGrad(), second = r.requiringGrad()
                let ms = options.time {
                    leaf.zeroGrad(); second.zeroGrad()
                    step(leaf, second, labels).backward()
                }
                emit(LossBenchOptions.tableRow(name, batch, ms, peer["\(name) \(batch)"], missing: "no PML value"))
            }
        }
    }
}
