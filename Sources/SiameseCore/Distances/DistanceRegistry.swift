/// The distances a recipe can name, and the spec that names a given distance.
///
/// | name | builds | parameters (defaults) |
/// |---|---|---|
/// | `lp-distance` | ``LpDistance`` | `p` (2, ≥ 1), `power` (1, > 0), `normalizeEmbeddings` (true) |
/// | `cosine-similarity`, `cosine` | ``CosineSimilarity`` | none |
/// | `dot-product-similarity` | ``DotProductSimilarity`` | `normalizeEmbeddings` (true) |
/// | `euclidean` | ``LpDistance`` p 2, power 1 | `normalizeEmbeddings` (false) |
/// | `squared-euclidean` | ``LpDistance`` p 2, power 2 | `normalizeEmbeddings` (false) |
/// | `manhattan` | ``LpDistance`` p 1, power 1 | `normalizeEmbeddings` (false) |
///
/// Defaults are those of the Swift initialisers, which follow PyTorch Metric Learning.
public enum Distances {
    /// Every built-in distance by name (kind "distance").
    public static let registry: ComponentRegistry<any Distance> = {
        let registry = ComponentRegistry<any Distance>(kind: "distance")
        let lp = LpDistance()
        registry.register("lp-distance", summary: "‖a − b‖ₚ^power; p \(lp.p) (≥ 1), power \(lp.power), normalizeEmbeddings \(lp.normalizeEmbeddings)") { reader, _ in
            let p = try reader.float("p", default: lp.p)
            let power = try reader.float("power", default: lp.power)
            let normalize = try reader.bool("normalizeEmbeddings", default: lp.normalizeEmbeddings)
            return try makeLp(reader, p: p, power: power, normalize: normalize)
        }
        let fixed: [(name: String, p: Float, power: Float, what: String)] = [
            ("euclidean", 2, 1, "L2 distance"), ("squared-euclidean", 2, 2, "squared L2 distance"), ("manhattan", 1, 1, "L1 distance"),
        ]
        for alias in fixed {
            registry.register(alias.name, summary: "\(alias.what): lp-distance with p \(alias.p), power \(alias.power); normalizeEmbeddings false") { reader, _ in
                let normalize = try reader.bool("normalizeEmbeddings", default: false)
                return try makeLp(reader, p: alias.p, power: alias.power, normalize: normalize)
            }
        }
        for name in ["cosine-similarity", "cosine"] {
            let note = name == "cosine" ? " (alias of cosine-similarity)" : ""
            registry.register(name, summary: "cosine similarity, larger is closer; no parameters\(note)") { _, _ in CosineSimilarity() }
        }
        let dot = DotProductSimilarity()
        registry.register("dot-product-similarity", summary: "dot product, larger is closer; normalizeEmbeddings \(dot.normalizeEmbeddings)") { reader, _ in
            DotProductSimilarity(normalizeEmbeddings: try reader.bool("normalizeEmbeddings", default: dot.normalizeEmbeddings))
        }
        return registry
    }()

    /// An ``LpDistance``, or ``RegistryError/invalidValue(kind:name:parameter:reason:)`` instead of the
    /// initialiser's precondition for values it cannot use.
    private static func makeLp(_ reader: ParameterReader, p: Float, power: Float, normalize: Bool) throws(RegistryError) -> LpDistance {
        try reader.check(p >= 1 && p.isFinite, "p", "p is \(p); it must be a finite number ≥ 1")
        try reader.check(power > 0 && power.isFinite, "power", "power is \(power); it must be a finite number > 0")
        return LpDistance(p: p, power: power, normalizeEmbeddings: normalize)
    }

    /// The canonical spec of a built-in distance: its long name with the parameters that differ from the
    /// defaults, so that `registry.make(specification(of: d)!)` behaves as `d`. `nil` for other types.
    public static func specification(of distance: any Distance) -> ComponentSpec? {
        switch distance {
        case let lp as LpDistance:
            let defaults = LpDistance()
            var parameters: [String: RecipeValue] = [:]
            if lp.p != defaults.p { parameters["p"] = RecipeValue(lp.p) }
            if lp.power != defaults.power { parameters["power"] = RecipeValue(lp.power) }
            if lp.normalizeEmbeddings != defaults.normalizeEmbeddings { parameters["normalizeEmbeddings"] = .bool(lp.normalizeEmbeddings) }
            return ComponentSpec(name: "lp-distance", parameters: parameters)
        case is CosineSimilarity:
            return ComponentSpec(name: "cosine-similarity")
        case let dot as DotProductSimilarity:
            let defaults = DotProductSimilarity()
            return dot.normalizeEmbeddings == defaults.normalizeEmbeddings
                ? ComponentSpec(name: "dot-product-similarity")
                : ComponentSpec(name: "dot-product-similarity", parameters: ["normalizeEmbeddings": .bool(dot.normalizeEmbeddings)])
        default:
            return nil
        }
    }
}
