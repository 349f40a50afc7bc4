import SiameseCore

/// The regularisers a recipe can name (kind "regularizer"): `lp` (`p` 2, `power` 1), `zero-mean`,
/// `center-invariant`, `regular-face`, `sparse-centers` (`numClasses` and `centersPerClass`, both required).
/// A loss takes one as `embeddingRegularizer` through the `regularized` loss, or as `weightRegularizer`
/// (`arc-face`, `cos-face`, `proxy-anchor`, `proxy-nca`).
public enum Regularizers {
    public static let registry: ComponentRegistry<any Regularizer> = {
        let registry = ComponentRegistry<any Regularizer>(kind: "regularizer")
        let lp = LpRegularizer()
        registry.register("lp", summary: "mean p-norm of the rows raised to power; p \(lp.p), power \(lp.power)") { reader, _ in
            let p = try reader.float("p", default: lp.p), power = try reader.float("power", default: lp.power)
            try reader.check(p >= 1, "p", "p is \(p); it must be ≥ 1")
            return LpRegularizer(p: p, power: power)
        }
        registry.register("zero-mean", summary: "mean absolute row sum; no parameters") { _, _ in ZeroMeanRegularizer() }
        registry.register("center-invariant", summary: "spread of the squared row norms; no parameters") { _, _ in CenterInvariantRegularizer() }
        registry.register("regular-face", summary: "mean cosine of each row with its most similar other row; no parameters") { _, _ in RegularFaceRegularizer() }
        registry.register("sparse-centers", summary: "keeps each class's centres apart; numClasses, centersPerClass (required, > 1)") { reader, _ in
            guard let classes = try reader.optionalInt("numClasses"), classes > 0 else { throw reader.invalidValue("numClasses", "numClasses is required and must be > 0") }
            guard let centers = try reader.optionalInt("centersPerClass"), centers > 1 else { throw reader.invalidValue("centersPerClass", "centersPerClass is required and must be > 1") }
            return SparseCentersRegularizer(numClasses: classes, centersPerClass: centers)
        }
        return registry
    }()
}
