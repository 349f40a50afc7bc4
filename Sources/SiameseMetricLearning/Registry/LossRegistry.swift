import SiameseCore

/// The ``MetricLoss``es a recipe can name (kind "loss").
///
/// A loss's name is its Swift type name in kebab-case without `Loss` (`TripletMarginLoss` → `triplet-margin`);
/// its parameters are its initialiser's labels with the initialiser's defaults. `distance` and `reducer`
/// are nested specs (see ``Distances`` and ``Reducers``). Losses with learned weights (`arc-face`, `cos-face`,
/// `proxy-anchor`, `proxy-nca`) take `numClasses` and `embeddingSize` from the ``RegistryContext`` and
/// initialise their weights from ``GlobalGenerator``; they also take `weightRegularizer` (a regulariser spec, see
/// ``Regularizers``) and `weightRegWeight` (1). `regularized` wraps any loss with an embedding regulariser.
/// `arcface`, `cosface` and `ntxent` are aliases.
///
/// ```yaml
/// loss: {name: triplet-margin, margin: 0.2, distance: cosine-similarity, reducer: mean}
/// ```
public enum Losses {
    /// Every built-in metric loss by name.
    public static let registry: ComponentRegistry<any MetricLoss> = {
        let registry = ComponentRegistry<any MetricLoss>(kind: "loss")
        registerPairAndTripletLosses(registry)
        registerSoftmaxLosses(registry)
        registerLearnedLosses(registry)
        registerPMLBreadthLosses(registry)
        registry.register("regularized", summary: "a loss plus weight × an embedding regulariser (PML embedding_regularizer); loss (required), embeddingRegularizer (required), weight 1") { r, c in
            guard let inner = try r.optionalSpec("loss") else { throw r.invalidValue("loss", "the loss to regularise is required") }
            guard let regularizer = try r.optionalSpec("embeddingRegularizer") else {
                throw r.invalidValue("embeddingRegularizer", "an embedding regulariser is required")
            }
            return RegularizedLoss(try registry.make(inner, context: c), embeddingRegularizer: try Regularizers.registry.make(regularizer, context: c),
                                   weight: try r.float("weight", default: 1))
        }
        registry.register("cross-batch-memory", summary: "PML CrossBatchMemory: a queue of past embeddings the batch is compared with; loss (required: angular, circle, contrastive, generalized-lifted-structure, intra-pair-variance, lifted-structure, margin, multi-similarity, nt-xent, sup-con, triplet-margin, tuplet-margin), memorySize 1024, miner (optional); needs embeddingSize") { r, c in
            guard let lossSpec = try r.optionalSpec("loss") else { throw r.invalidValue("loss", "the loss to wrap is required") }
            guard let inner = try registry.make(lossSpec, context: c) as? any ReferenceMetricLoss else {
                throw r.invalidValue("loss", "'\(lossSpec.name)' cannot compare a batch with a memory")
            }
            let size = try r.int("memorySize", default: 1024)
            try r.check(size > 0, "memorySize", "memorySize is \(size); it must be > 0")
            var miner: (any ReferenceMiner)?
            if let minerSpec = try r.optionalSpec("miner") {
                guard let m = try Miners.registry.make(minerSpec, context: c) as? any ReferenceMiner else {
                    throw r.invalidValue("miner", "'\(minerSpec.name)' cannot mine against a memory")
                }
                miner = m
            }
            return CrossBatchMemory(loss: inner, embeddingSize: try c.require(.embeddingSize, for: r), memorySize: size, miner: miner)
        }
        return registry
    }()

    /// Losses over pairs and triplets of the batch.
    private static func registerPairAndTripletLosses(_ registry: ComponentRegistry<any MetricLoss>) {
        let contrastive = ContrastiveLoss()
        registry.register("contrastive", summary: "PML contrastive loss; posMargin \(contrastive.posMargin), negMargin \(contrastive.negMargin), distance lp-distance, reducer avg-non-zero") { r, c in
            let d = ContrastiveLoss()
            return ContrastiveLoss(posMargin: try r.float("posMargin", default: d.posMargin),
                            negMargin: try r.float("negMargin", default: d.negMargin),
                            distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                            reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let triplet = TripletMarginLoss()
        registry.register("triplet-margin", summary: "triplet margin loss; margin \(triplet.margin), smoothLoss \(triplet.smoothLoss) (PML smooth_loss), softMargin \(triplet.softMargin) (softplus without margin), tripletsPerAnchor (all; or a count of random triplets per anchor), distance lp-distance, reducer avg-non-zero") { r, c in
            let d = TripletMarginLoss()
            return TripletMarginLoss(margin: try r.float("margin", default: d.margin),
                              smoothLoss: try r.bool("smoothLoss", default: d.smoothLoss),
                              softMargin: try r.bool("softMargin", default: d.softMargin),
                              tripletsPerAnchor: try tripletsPerAnchor(&r),
                              distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                              reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let quadruplet = QuadrupletLoss()
        registry.register("quadruplet", summary: "quadruplet loss; margin1 \(quadruplet.margin1), margin2 \(quadruplet.margin2), distance lp-distance, reducer avg-non-zero") { r, c in
            let d = QuadrupletLoss()
            return QuadrupletLoss(margin1: try r.float("margin1", default: d.margin1),
                           margin2: try r.float("margin2", default: d.margin2),
                           distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                           reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let margin = MarginLoss()
        registry.register("margin", summary: "margin loss (Wu et al.), PML form; margin \(margin.margin), beta \(margin.beta), form triplets|pairs (triplets: PML's, divisor reducer; pairs: each pair set reduced apart, avg-non-zero), tripletsPerAnchor (all), distance lp-distance") { r, c in
            let d = MarginLoss()
            let form = try r.choice("form", default: d.form.rawValue, from: ["triplets", "pairs"])
            let parsedForm = MarginLoss.Form(rawValue: form) ?? .triplets
            var reducer: (any Reducer)?
            if let spec = try r.optionalSpec("reducer") { reducer = try Reducers.registry.make(spec, context: c) }
            return MarginLoss(margin: try r.float("margin", default: d.margin), beta: try r.float("beta", default: d.beta),
                       form: parsedForm, tripletsPerAnchor: try tripletsPerAnchor(&r),
                       distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                       reducer: reducer)
        }
        let lifted = LiftedStructureLoss()
        registry.register("lifted-structure", summary: "lifted structured loss, PML form; negMargin \(lifted.negMargin) (alias margin), posMargin \(lifted.posMargin), distance lp-distance, reducer mean") { r, c in
            let d = LiftedStructureLoss()
            let legacy = try r.optionalFloat("margin")
            return LiftedStructureLoss(negMargin: try r.float("negMargin", default: legacy ?? d.negMargin),
                                posMargin: try r.float("posMargin", default: d.posMargin),
                                distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                                reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let angular = AngularLoss()
        registry.register("angular", summary: "angular loss, PML form; alphaDegrees \(angular.alphaDegrees) (alias alpha, PML's name; degrees), normalizeNegatives \(angular.normalizeNegatives) (true: the paper's form), reducer mean") { r, c in
            let d = AngularLoss()
            let alpha = try r.optionalFloat("alpha")   // PML's name for the same angle in degrees
            return AngularLoss(alphaDegrees: try r.float("alphaDegrees", default: alpha ?? d.alphaDegrees),
                        normalizeNegatives: try r.bool("normalizeNegatives", default: d.normalizeNegatives),
                        reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let circle = CircleLoss()
        registry.register("circle", summary: "circle loss; m \(circle.m), gamma \(circle.gamma), distance cosine-similarity, reducer avg-non-zero") { r, c in
            let d = CircleLoss()
            return CircleLoss(m: try r.float("m", default: d.m), gamma: try r.float("gamma", default: d.gamma),
                       distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                       reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let ms = MultiSimilarityLoss()
        registry.register("multi-similarity", summary: "multi-similarity loss; alpha \(ms.alpha), beta \(ms.beta), base \(ms.base), distance cosine-similarity, reducer mean") { r, c in
            let d = MultiSimilarityLoss()
            return MultiSimilarityLoss(alpha: try r.float("alpha", default: d.alpha), beta: try r.float("beta", default: d.beta),
                                base: try r.float("base", default: d.base),
                                distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                                reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
    }

    /// Cross-entropy losses over in-batch similarities.
    private static func registerSoftmaxLosses(_ registry: ComponentRegistry<any MetricLoss>) {
        registry.register("n-pairs", summary: "N-pair loss; distance dot-product-similarity, reducer mean") { r, c in
            let d = NPairsLoss()
            return NPairsLoss(distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                       reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let ntxent = NTXentLoss()
        for name in ["nt-xent", "ntxent"] {
            let note = name == "ntxent" ? " (alias of nt-xent)" : ""
            registry.register(name, summary: "NT-Xent / InfoNCE; temperature \(ntxent.temperature), distance cosine-similarity, reducer mean\(note)") { r, c in
                let d = NTXentLoss()
                return NTXentLoss(temperature: try positive(&r, "temperature", default: d.temperature),
                           distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                           reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
            }
        }
        let supCon = SupConLoss()
        registry.register("sup-con", summary: "supervised contrastive loss; temperature \(supCon.temperature), distance cosine-similarity, reducer avg-non-zero") { r, c in
            let d = SupConLoss()
            return SupConLoss(temperature: try positive(&r, "temperature", default: d.temperature),
                       distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                       reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
    }

    /// Losses with learned class weights or proxies; their sizes come from the context.
    private static func registerLearnedLosses(_ registry: ComponentRegistry<any MetricLoss>) {
        // Default instances built on a throw-away task-local generator, so reading the defaults draws nothing
        // from the generator the caller's weights come from.
        let (arcMargin, arcScale, arcReducer, cosMargin, cosScale, anchorMargin, anchorAlpha, ncaScale) = GlobalGenerator.withSeed(0) {
            let arc = ArcFaceLoss(numClasses: 1, embeddingSize: 1), cos = ArcFaceLoss.cosFace(numClasses: 1, embeddingSize: 1)
            let anchor = ProxyAnchorLoss(numClasses: 1, embeddingSize: 1), nca = ProxyNCALoss(numClasses: 1, embeddingSize: 1)
            return (arc.margin, arc.scale, arc.reducer, cos.margin, cos.scale, anchor.margin, anchor.alpha, nca.softmaxScale)
        }
        let kinds = ["angular", "cosine"]
        for name in ["arc-face", "arcface"] {
            let note = name == "arcface" ? " (alias of arc-face)" : ""
            registry.register(name, summary: "PML ArcFace softmax with learned class weights; marginKind angular|cosine (angular), margin in degrees as PML (\(value(of: arcMargin))) for angular, a cosine offset (\(value(of: cosMargin))) for cosine; or marginRadians (angular only), scale \(arcScale), reducer mean; needs numClasses, embeddingSize\(note)") { r, c in
                let kind = try r.choice("marginKind", default: "angular", from: kinds)
                let margin: ArcFaceLoss.Margin
                if kind == "angular" {
                    let degrees = try r.optionalFloat("margin"), radians = try r.optionalFloat("marginRadians")
                    try r.check(degrees == nil || radians == nil, "marginRadians", "give margin (degrees) or marginRadians, not both")
                    margin = radians.map { ArcFaceLoss.Margin.angular(radians: $0) } ?? .angular(degrees: degrees ?? value(of: arcMargin))
                } else {
                    let radians = try r.optionalFloat("marginRadians")
                    try r.check(radians == nil, "marginRadians", "marginRadians needs marginKind angular")
                    margin = .cosine(try r.float("margin", default: value(of: cosMargin)))
                }
                return try arcFace(&r, c, margin: margin, defaultScale: arcScale, defaultReducer: arcReducer)
            }
        }
        for name in ["cos-face", "cosface"] {
            let note = name == "cosface" ? " (alias of cos-face)" : ""
            registry.register(name, summary: "CosFace (ArcFaceLoss with an additive cosine margin); margin \(value(of: cosMargin)), scale \(cosScale), reducer mean; needs numClasses, embeddingSize\(note)") { r, c in
                let margin = try r.float("margin", default: value(of: cosMargin))
                return try arcFace(&r, c, margin: .cosine(margin), defaultScale: cosScale, defaultReducer: arcReducer)
            }
        }
        registry.register("proxy-anchor", summary: "Proxy-Anchor loss with learned proxies; margin \(anchorMargin), alpha \(anchorAlpha); needs numClasses, embeddingSize") { r, c in
            let margin = try r.float("margin", default: anchorMargin), alpha = try r.float("alpha", default: anchorAlpha)
            let reducer = try r.component("reducer", from: Reducers.registry, default: DivisorReducer(), context: c)
            let (regularizer, weight) = try weightRegularizer(&r, c)
            let (classes, size) = try sizes(r, c)
            return ProxyAnchorLoss(numClasses: classes, embeddingSize: size, margin: margin, alpha: alpha, reducer: reducer,
                                   weightRegularizer: regularizer, weightRegWeight: weight)
        }
        registry.register("proxy-nca", summary: "Proxy-NCA loss with learned proxies; softmaxScale \(ncaScale); needs numClasses, embeddingSize") { r, c in
            let scale = try r.float("softmaxScale", default: ncaScale)
            let (regularizer, weight) = try weightRegularizer(&r, c)
            let (classes, size) = try sizes(r, c)
            return ProxyNCALoss(numClasses: classes, embeddingSize: size, softmaxScale: scale,
                                weightRegularizer: regularizer, weightRegWeight: weight)
        }
    }

    private static func arcFace(_ r: inout ParameterReader, _ c: RegistryContext, margin: ArcFaceLoss.Margin,
                                defaultScale: Float, defaultReducer: any Reducer) throws -> ArcFaceLoss {
        let scale = try positive(&r, "scale", default: defaultScale)
        let reducer = try r.component("reducer", from: Reducers.registry, default: defaultReducer, context: c)
        let (regularizer, weight) = try weightRegularizer(&r, c)
        let (classes, size) = try sizes(r, c)
        return ArcFaceLoss(numClasses: classes, embeddingSize: size, margin: margin, scale: scale, reducer: reducer,
                           weightRegularizer: regularizer, weightRegWeight: weight)
    }

    /// `weightRegularizer` (a regulariser spec, optional) and `weightRegWeight` (1).
    private static func weightRegularizer(_ r: inout ParameterReader, _ c: RegistryContext) throws(RegistryError) -> ((any Regularizer)?, Float) {
        let weight = try r.float("weightRegWeight", default: 1)
        guard let spec = try r.optionalSpec("weightRegularizer") else { return (nil, weight) }
        return (try Regularizers.registry.make(spec, context: c), weight)
    }

    /// `numClasses` and `embeddingSize` from the context.
    private static func sizes(_ r: ParameterReader, _ c: RegistryContext) throws(RegistryError) -> (Int, Int) {
        (try c.require(.numClasses, for: r), try c.require(.embeddingSize, for: r))
    }

    /// `tripletsPerAnchor`: absent or `"all"` for every triplet, else a count > 0.
    static func tripletsPerAnchor(_ r: inout ParameterReader) throws(RegistryError) -> Int? {
        if case .string("all")? = r.value("tripletsPerAnchor") { return nil }
        guard let k = try r.optionalInt("tripletsPerAnchor") else { return nil }
        try r.check(k > 0, "tripletsPerAnchor", "tripletsPerAnchor is \(k); it must be > 0 or \"all\"")
        return k
    }

    /// A float parameter that must be > 0 (a temperature or scale).
    private static func positive(_ r: inout ParameterReader, _ key: String, default value: Float) throws(RegistryError) -> Float {
        let x = try r.float(key, default: value)
        try r.check(x > 0, key, "\(key) is \(x); it must be > 0")
        return x
    }

    private static func value(of margin: ArcFaceLoss.Margin) -> Float {
        switch margin {
        case let .angular(degrees): return degrees
        case let .cosine(m): return m
        }
    }
}
