import SiameseCore

/// The ``TwoViewLoss``es a recipe can name (kind "two-view loss"), trained on two augmented views of each sample.
///
/// `vicreg` (PML 2.9 `VICRegLoss`: `invarianceLambda` 25, `varianceMu` 25, `covarianceV` 1, `eps` 1e-4) and
/// `self-supervised` (PML 2.9 `SelfSupervisedLoss`: `loss`, a metric loss spec from ``Losses``, default `nt-xent`;
/// each sample's two views are the positive pair, every other sample a negative).
///
/// ```yaml
/// loss: {name: self-supervised, loss: {name: nt-xent, temperature: 0.1}}
/// ```
public enum TwoViewLosses {
    /// Every built-in two-view loss by name.
    public static let registry: ComponentRegistry<any TwoViewLoss> = {
        let registry = ComponentRegistry<any TwoViewLoss>(kind: "two-view loss")
        let v = VICRegLoss()
        registry.register("vicreg", summary: "PML VICReg on two views; invarianceLambda \(v.invarianceLambda), varianceMu \(v.varianceMu), covarianceV \(v.covarianceV), eps \(v.eps)") { r, _ in
            VICRegLoss(invarianceLambda: try r.float("invarianceLambda", default: v.invarianceLambda),
                       varianceMu: try r.float("varianceMu", default: v.varianceMu),
                       covarianceV: try r.float("covarianceV", default: v.covarianceV), eps: try r.float("eps", default: v.eps))
        }
        registry.register("self-supervised", summary: "PML SelfSupervisedLoss: a metric loss over two views, each sample its own class; loss (a loss spec, default nt-xent)") { r, c in
            let spec = try r.optionalSpec("loss") ?? "nt-xent"
            return SelfSupervisedLoss(ErasedMetricLoss(try Losses.registry.make(spec, context: c)))
        }
        return registry
    }()
}

/// A ``MetricLoss`` existential as a concrete type, so the generic ``SelfSupervisedLoss`` can wrap any registered loss.
struct ErasedMetricLoss: MetricLoss {
    let base: any MetricLoss
    init(_ base: any MetricLoss) { self.base = base }
    var distance: any Distance { base.distance }
    var reducer: any Reducer { base.reducer }
    func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        base.terms(embeddings: embeddings, labels: labels, tuples: tuples)
    }
}
