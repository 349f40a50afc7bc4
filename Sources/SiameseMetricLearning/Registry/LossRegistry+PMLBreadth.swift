import SiameseCore

extension Losses {
    /// The PML 2.9 losses added for breadth (issue 13): names are the type names in kebab-case without `Loss`,
    /// parameters the initialisers' labels with their defaults. `soft-triple`, `normalized-softmax`,
    /// `large-margin-softmax`, `sphere-face`, `sub-center-arc-face` and `p2s-grad` take `numClasses` and
    /// `embeddingSize` from the context. `multiple-losses` takes `losses` (a list of loss specs; `[contrastive]` when absent), optional `weights`
    /// (numbers, default 1 each) and optional `miners` (one miner spec or null per loss).
    ///
    /// ```yaml
    /// loss: {name: multiple-losses, losses: [contrastive, {name: tuplet-margin, scale: 32}], weights: [1, 0.5]}
    /// ```
    static func registerPMLBreadthLosses(_ registry: ComponentRegistry<any MetricLoss>) {
        registerPairBreadthLosses(registry)
        registerClassBreadthLosses(registry)
        registerCombinations(registry)
    }

    private static func registerPairBreadthLosses(_ registry: ComponentRegistry<any MetricLoss>) {
        let gls = GeneralizedLiftedStructureLoss()
        registry.register("generalized-lifted-structure", summary: "PML generalized lifted structure loss; negMargin \(gls.negMargin), posMargin \(gls.posMargin), distance lp-distance, reducer mean") { r, c in
            let d = GeneralizedLiftedStructureLoss()
            return GeneralizedLiftedStructureLoss(negMargin: try r.float("negMargin", default: d.negMargin),
                                                  posMargin: try r.float("posMargin", default: d.posMargin),
                                                  distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                                                  reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let fastAP = FastAPLoss()
        registry.register("fast-ap", summary: "FastAP (histogram average precision); numBins \(fastAP.numBins), distance lp-distance power 2 (must be L2 on normalised embeddings), reducer mean") { r, c in
            let d = FastAPLoss()
            let bins = try atLeastOne(&r, "numBins", default: d.numBins)
            let distance = try r.component("distance", from: Distances.registry, default: d.distance, context: c)
            try r.check((distance as? LpDistance).map { $0.p == 2 && $0.normalizeEmbeddings } ?? false, "distance",
                        "FastAP needs lp-distance with p 2 on normalised embeddings")
            return FastAPLoss(numBins: bins, distance: distance,
                              reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let tuplet = TupletMarginLoss()
        registry.register("tuplet-margin", summary: "tuplet margin loss; marginDegrees \(tuplet.marginDegrees) (alias margin, PML's name; degrees), scale \(tuplet.scale), reducer mean; distance fixed (cosine similarity)") { r, c in
            let d = TupletMarginLoss()
            let margin = try r.optionalFloat("margin")   // PML's name for the same angle in degrees
            return TupletMarginLoss(marginDegrees: try r.float("marginDegrees", default: margin ?? d.marginDegrees),
                                    scale: try positive(&r, "scale", default: d.scale),
                                    reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let ipv = IntraPairVarianceLoss()
        registry.register("intra-pair-variance", summary: "intra-pair variance loss; posEps \(ipv.posEps), negEps \(ipv.negEps), distance cosine-similarity, reducer mean") { r, c in
            let d = IntraPairVarianceLoss()
            return IntraPairVarianceLoss(posEps: try r.float("posEps", default: d.posEps), negEps: try r.float("negEps", default: d.negEps),
                                         distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                                         reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let centroid = CentroidTripletLoss()
        registry.register("centroid-triplet", summary: "PML 1.7.3 centroid triplet loss (query vs its class prototype and the other class centroids); margin \(centroid.margin), swap \(centroid.swap), smoothLoss \(centroid.smoothLoss), negatives pml173|all (pml173: PML 1.7.3's last three other classes; all: every other class, the paper's), distance lp-distance, reducer avg-non-zero; mined tuples ignored") { r, c in
            let d = CentroidTripletLoss()
            let negatives = try r.choice("negatives", default: d.negatives.rawValue, from: CentroidTripletLoss.NegativeCentroids.allCases.map(\.rawValue))
            return CentroidTripletLoss(margin: try r.float("margin", default: d.margin), swap: try r.bool("swap", default: d.swap),
                                       smoothLoss: try r.bool("smoothLoss", default: d.smoothLoss),
                                       negatives: CentroidTripletLoss.NegativeCentroids(rawValue: negatives) ?? .pml173,
                                       distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c),
                                       reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let histogram = HistogramLoss()
        registry.register("histogram", summary: "histogram loss; numBins \(histogram.numBins), distance cosine-similarity; already reduced") { r, c in
            let d = HistogramLoss()
            return HistogramLoss(numBins: try atLeastOne(&r, "numBins", default: d.numBins),
                                 distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c))
        }
        let dsm = DynamicSoftMarginLoss()
        registry.register("dynamic-soft-margin", summary: "dynamic soft margin loss (running histogram); minVal \(dsm.minVal), numBins \(dsm.numBins), momentum \(dsm.momentum), distance lp-distance; already reduced") { r, c in
            let d = DynamicSoftMarginLoss()
            let minVal = try r.float("minVal", default: d.minVal)
            try r.check(minVal != 0, "minVal", "minVal must be non-zero")
            return DynamicSoftMarginLoss(minVal: minVal, numBins: try atLeastOne(&r, "numBins", default: d.numBins),
                                         momentum: try r.float("momentum", default: d.momentum),
                                         distance: try r.component("distance", from: Distances.registry, default: d.distance, context: c))
        }
        let instance = InstanceLoss()
        registry.register("instance", summary: "instance loss; gamma \(instance.gamma), reducer mean; distance fixed (cosine similarity)") { r, c in
            let d = InstanceLoss()
            return InstanceLoss(gamma: try r.float("gamma", default: d.gamma),
                                reducer: try r.component("reducer", from: Reducers.registry, default: d.reducer, context: c))
        }
        let tcm = ThresholdConsistentMarginLoss()
        registry.register("threshold-consistent-margin", summary: "threshold-consistent margin loss; lambdaPlus \(tcm.lambdaPlus), lambdaMinus \(tcm.lambdaMinus), marginPlus \(tcm.marginPlus), marginMinus \(tcm.marginMinus); cosine similarity; already reduced") { r, _ in
            let d = ThresholdConsistentMarginLoss()
            return ThresholdConsistentMarginLoss(lambdaPlus: try r.float("lambdaPlus", default: d.lambdaPlus),
                                                 lambdaMinus: try r.float("lambdaMinus", default: d.lambdaMinus),
                                                 marginPlus: try r.float("marginPlus", default: d.marginPlus),
                                                 marginMinus: try r.float("marginMinus", default: d.marginMinus))
        }
    }

    private static func registerClassBreadthLosses(_ registry: ComponentRegistry<any MetricLoss>) {
        // Defaults read from throw-away instances built on their own generator, so nothing is drawn from the caller's.
        let (soft, normalized, large, sub) = GlobalGenerator.withSeed(0) {
            (SoftTripleLoss(numClasses: 1, embeddingSize: 1), NormalizedSoftmaxLoss(numClasses: 1, embeddingSize: 1),
             LargeMarginSoftmaxLoss(numClasses: 1, embeddingSize: 1), SubCenterArcFaceLoss(numClasses: 1, embeddingSize: 1))
        }
        let (softCenters, softLa, softGamma, softMargin, softDistance, softReducer) =
            (soft.centersPerClass, soft.la, soft.gamma, soft.margin, soft.distance, soft.reducer)
        registry.register("soft-triple", summary: "SoftTriple loss with learned class centres; centersPerClass \(softCenters), la \(softLa), gamma \(softGamma), margin \(softMargin), distance cosine-similarity, reducer mean; needs numClasses, embeddingSize") { r, c in
            let centers = try atLeastOne(&r, "centersPerClass", default: softCenters)
            let la = try r.float("la", default: softLa), gamma = try positive(&r, "gamma", default: softGamma)
            let margin = try r.float("margin", default: softMargin)
            let distance = try r.component("distance", from: Distances.registry, default: softDistance, context: c)
            try r.check(distance.isInverted, "distance", "SoftTriple needs a similarity (cosine-similarity or dot-product-similarity)")
            let reducer = try r.component("reducer", from: Reducers.registry, default: softReducer, context: c)
            let (classes, size) = try breadthSizes(r, c)
            return SoftTripleLoss(numClasses: classes, embeddingSize: size, centersPerClass: centers, la: la, gamma: gamma,
                                  margin: margin, distance: distance, reducer: reducer)
        }
        let (normTemperature, normDistance, normReducer) = (normalized.temperature, normalized.distance, normalized.reducer)
        registry.register("normalized-softmax", summary: "normalised softmax loss with learned class weights; temperature \(normTemperature), distance dot-product-similarity, reducer mean; needs numClasses, embeddingSize") { r, c in
            let temperature = try positive(&r, "temperature", default: normTemperature)
            let distance = try r.component("distance", from: Distances.registry, default: normDistance, context: c)
            let reducer = try r.component("reducer", from: Reducers.registry, default: normReducer, context: c)
            let (classes, size) = try breadthSizes(r, c)
            return NormalizedSoftmaxLoss(numClasses: classes, embeddingSize: size, temperature: temperature, distance: distance, reducer: reducer)
        }
        let (largeMargin, largeScale, largeReducer) = (large.margin, large.scale, large.reducer)
        for (name, title) in [("large-margin-softmax", "large-margin softmax (L-Softmax)"), ("sphere-face", "SphereFace (A-Softmax)")] {
            registry.register(name, summary: "\(title) with learned class weights; margin \(largeMargin) (an integer), scale \(largeScale), reducer mean; needs numClasses, embeddingSize") { r, c in
                let margin = try atLeastOne(&r, "margin", default: largeMargin)
                let scale = try r.float("scale", default: largeScale)
                let reducer = try r.component("reducer", from: Reducers.registry, default: largeReducer, context: c)
                let (classes, size) = try breadthSizes(r, c)
                return name == "sphere-face"
                    ? SphereFaceLoss(numClasses: classes, embeddingSize: size, margin: margin, scale: scale, reducer: reducer)
                    : LargeMarginSoftmaxLoss(numClasses: classes, embeddingSize: size, margin: margin, scale: scale, reducer: reducer)
            }
        }
        let (subMargin, subScale, subCenters, subReducer) = (sub.margin, sub.scale, sub.subCenters, sub.reducer)
        registry.register("sub-center-arc-face", summary: "PML sub-center ArcFace with learned class weights; margin \(subMargin) in degrees as PML (or marginRadians), scale \(subScale), subCenters \(subCenters), reducer mean; needs numClasses, embeddingSize") { r, c in
            let degrees = try r.optionalFloat("margin"), radians = try r.optionalFloat("marginRadians")
            try r.check(degrees == nil || radians == nil, "marginRadians", "give margin (degrees) or marginRadians, not both")
            let margin = radians.map { Float(Double($0) * 180 / Double.pi) } ?? degrees ?? subMargin
            let scale = try positive(&r, "scale", default: subScale)
            let centers = try atLeastOne(&r, "subCenters", default: subCenters)
            let reducer = try r.component("reducer", from: Reducers.registry, default: subReducer, context: c)
            let (classes, size) = try breadthSizes(r, c)
            return SubCenterArcFaceLoss(numClasses: classes, embeddingSize: size, margin: margin, scale: scale,
                                        subCenters: centers, reducer: reducer)
        }
        registry.register("p2s-grad", summary: "P2SGrad (MSE of cosines to unit class weights and one-hot targets); no parameters; needs numClasses, embeddingSize") { r, c in
            let (classes, size) = try breadthSizes(r, c)
            return P2SGradLoss(embeddingSize: size, numClasses: classes)
        }
    }

    private static func registerCombinations(_ registry: ComponentRegistry<any MetricLoss>) {
        registry.register("multiple-losses", summary: "weighted sum of losses; losses (list of loss specs; default [contrastive]), weights (numbers, default 1 each), miners (miner spec or null per loss)") { r, c in
            let specs = try specList(&r, "losses")
            try r.check(!specs.isEmpty, "losses", "at least one loss is needed")
            var weights = [Float](repeating: 1, count: specs.count)
            if case let .array(values)? = r.value("weights") {
                try r.check(values.count == specs.count, "weights", "\(values.count) weights for \(specs.count) losses")
                weights = try values.map { v throws(RegistryError) -> Float in
                    guard case let .number(x) = v else { throw r.wrongType("weights", expected: "a list of numbers") }
                    return Float(x)
                }
            } else if r.parameters["weights"] != nil, r.parameters["weights"] != .null {
                throw r.wrongType("weights", expected: "a list of numbers")
            }
            var miners = [ComponentSpec?](repeating: nil, count: specs.count)
            if case let .array(values)? = r.value("miners") {
                try r.check(values.count == specs.count, "miners", "\(values.count) miners for \(specs.count) losses")
                miners = try values.map { v throws(RegistryError) -> ComponentSpec? in
                    if v == .null { return nil }
                    guard let s = ComponentSpec(v) else { throw r.wrongType("miners", expected: "a list of miner specs or nulls") }
                    return s
                }
            } else if r.parameters["miners"] != nil, r.parameters["miners"] != .null {
                throw r.wrongType("miners", expected: "a list of miner specs or nulls")
            }
            var entries: [MultipleLosses.Entry] = []
            for (k, spec) in specs.enumerated() {
                let loss = try registry.make(spec, context: c)
                let miner = try miners[k].map { s throws(RegistryError) in try Miners.registry.make(s, context: c) }
                try r.check(miner == nil || loss.acceptsMinedTuples, "miners",
                            "\(MetricLossError.minerNotSupported(loss: "loss '\(spec.name)'"))")
                entries.append(.init(String(k), loss, miner: miner, weight: weights[k]))
            }
            return MultipleLosses(entries)
        }
    }

    private static func specList(_ r: inout ParameterReader, _ key: String) throws(RegistryError) -> [ComponentSpec] {
        guard let value = r.value(key) else { return [ComponentSpec(name: "contrastive")] }
        guard case let .array(values) = value else { throw r.wrongType(key, expected: "a list of loss specs") }
        return try values.map { v throws(RegistryError) -> ComponentSpec in
            guard let s = ComponentSpec(v) else { throw r.wrongType(key, expected: "a list of loss names or mappings with 'name'") }
            return s
        }
    }

    private static func breadthSizes(_ r: ParameterReader, _ c: RegistryContext) throws(RegistryError) -> (Int, Int) {
        (try c.require(.numClasses, for: r), try c.require(.embeddingSize, for: r))
    }

    private static func atLeastOne(_ r: inout ParameterReader, _ key: String, default value: Int) throws(RegistryError) -> Int {
        let x = try r.int(key, default: value)
        try r.check(x >= 1, key, "\(key) is \(x); it must be ≥ 1")
        return x
    }

    private static func positive(_ r: inout ParameterReader, _ key: String, default value: Float) throws(RegistryError) -> Float {
        let x = try r.float(key, default: value)
        try r.check(x > 0, key, "\(key) is \(x); it must be > 0")
        return x
    }
}
