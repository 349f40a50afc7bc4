import SiameseCore
import SiameseModels

/// The few-shot losses a recipe can name (kind "episodic loss"), trained on N-way K-shot episodes (or, for `koch`, on
/// twin pairs) and scored per class at evaluation.
///
/// | name | method | parameters (defaults) |
/// |---|---|---|
/// | `prototypical` | Snell et al. 2017: nearest class mean, squared Euclidean | none |
/// | `matching` | Vinyals et al. 2016: cosine attention over the support set | `scale` (1), `fullContext` (false), `steps` (5) |
/// | `relation` | Sung et al. 2018: a learned relation module on feature maps, MSE | `channels` (64), `hidden` (8), `initialisation` (`pytorch`; `authors`) |
/// | `koch` | Koch et al. 2015: weighted-L1 head, sigmoid, binary cross-entropy on pairs | none |
///
/// All read the encoder's embedding size from the context (`matching` with `fullContext`, `relation`, `koch`).
/// `relation` reshapes embeddings of size `channels · side²` into `channels` maps of `side × side`.
public enum EpisodicLosses {
    /// Every built-in few-shot loss by name.
    public static let registry: ComponentRegistry<any EpisodicLoss> = {
        let registry = ComponentRegistry<any EpisodicLoss>(kind: "episodic loss")
        registry.register("prototypical", summary: "prototypical networks: softmax over −squared distances to class means; no parameters") { _, _ in
            PrototypicalLoss()
        }
        registry.register("matching", summary: "matching networks: cosine attention over the support set; scale 1, fullContext false, steps 5") { r, context in
            let scale = try r.float("scale", default: 1)
            try r.check(scale > 0 && scale.isFinite, "scale", "must be a positive number")
            let full = try r.bool("fullContext", default: false)
            let steps = try r.int("steps", default: 5)
            try r.check(steps >= 1 && steps <= 100, "steps", "must lie in 1…100")
            guard full else { return MatchingLoss(scale: scale) }
            let size = try context.require(.embeddingSize, for: r)
            try r.check(size <= 1024, "fullContext", "the embedding size \(size) is too large for the LSTMs (at most 1024)")
            return MatchingLoss(scale: scale, fullContext: FullContextEmbedding(size: size, steps: steps))
        }
        registry.register("relation", summary: "relation networks: learned relation module on feature maps, MSE on one-hot; channels 64, hidden 8, initialisation pytorch (or authors), classMaps sum (or mean)") { r, context in
            let channels = try r.int("channels", default: 64), hidden = try r.int("hidden", default: 8)
            let initialisation = RelationModule.Initialisation(rawValue: try r.choice("initialisation", default: "pytorch",
                                                                                      from: RelationModule.Initialisation.allCases.map(\.rawValue)))!
            try r.check(channels >= 1 && channels <= 4096, "channels", "must lie in 1…4096")
            try r.check(hidden >= 1 && hidden <= 4096, "hidden", "must lie in 1…4096")
            let size = try context.require(.embeddingSize, for: r)
            let side = Int(Double(size / channels).squareRoot().rounded())
            try r.check(size % channels == 0 && side * side * channels == size, "channels",
                        "the embedding size \(size) is not \(channels) channels × a square map")
            let classMaps = RelationModule.ClassMaps(rawValue: try r.choice("classMaps", default: "sum",
                                                                            from: RelationModule.ClassMaps.allCases.map(\.rawValue)))!
            return RelationLoss(relation: RelationModule(channels: channels, side: side, hidden: hidden, initialisation: initialisation,
                                                         classMaps: classMaps))
        }
        registry.register("koch", summary: "Koch et al.: weighted-L1 head, sigmoid, binary cross-entropy on twin pairs; no parameters") { r, context in
            KochPairLoss(features: try context.require(.embeddingSize, for: r))
        }
        return registry
    }()
}
