import Foundation
import Testing
import Yams
@testable import SiameseCore
@testable import SiameseMetricLearning

@Suite struct MetricRegistryTests {
    static let context = RegistryContext(numClasses: 4, embeddingSize: 8)
    /// 4 classes × 4 items, interleaved.
    static let labels = (0..<16).map { $0 % 4 }

    static func embeddings(seed: UInt64 = 11) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.normal([16, 8], generator: &g)
    }

    static func registryError(_ body: () throws -> Void) -> RegistryError? {
        do { try body() } catch let error as RegistryError { return error } catch { return nil }
        return nil
    }

    /// A loss built from `spec` under seed 7, evaluated on the standard batch.
    static func value(_ spec: ComponentSpec, tuples: MinedTuples? = nil) throws -> Float {
        let loss = try GlobalGenerator.withSeed(7) { try Losses.registry.make(spec, context: context) }
        return loss(embeddings(), labels: labels, tuples: tuples).item
    }

    /// The same for a loss built directly under seed 7.
    static func value(_ make: () -> any MetricLoss, tuples: MinedTuples? = nil) -> Float {
        let loss = GlobalGenerator.withSeed(7) { make() }
        return loss(embeddings(), labels: labels, tuples: tuples).item
    }

    static func checkTuples(_ tuples: MinedTuples, _ labels: [Int]) -> Bool {
        let (a1, p, a2, n) = tuples.asPairs
        let all = a1 + p + a2 + n
        return all.allSatisfy { labels.indices.contains($0) }
            && zip(a1, p).allSatisfy { labels[$0] == labels[$1] && $0 != $1 }
            && zip(a2, n).allSatisfy { labels[$0] != labels[$1] }
    }

    // MARK: Every name, with defaults

    @Test func everyLossBuildsWithDefaultsAndIsFinite() throws {
        let e = Self.embeddings()
        for name in Losses.registry.names {
            let spec = Self.wrapperSpecs[name] ?? ComponentSpec(name: name)
            let loss = try GlobalGenerator.withSeed(1) { try Losses.registry.make(spec, context: Self.context) }
            let value = loss(e, labels: Self.labels).item
            #expect(value.isFinite, "\(name): \(value)")
            let mined = loss(e, labels: Self.labels, tuples: TripletMarginMiner(margin: 0.5)(e, labels: Self.labels)).item
            #expect(mined.isFinite, "\(name) with mined tuples: \(mined)")
        }
    }

    @Test func everyMinerBuildsWithDefaultsAndMinesValidTuples() throws {
        let e = Self.embeddings()
        for name in Miners.registry.names {
            let miner = try Miners.registry.make(Self.minerSpecs[name] ?? ComponentSpec(name: name), context: Self.context)
            let tuples = GlobalGenerator.withSeed(2) { miner(e, labels: Self.labels) }
            #expect(Self.checkTuples(tuples, Self.labels), "\(name)")
        }
        // The distance-weighted miner, through the registry, is reproducible under a task-local seed.
        let dw = try Miners.registry.make("distance-weighted")
        #expect(GlobalGenerator.withSeed(3) { dw(e, labels: Self.labels) } == GlobalGenerator.withSeed(3) { dw(e, labels: Self.labels) })
        let (anchors, _, _) = GlobalGenerator.withSeed(3) { dw(e, labels: Self.labels) }.asTriplets
        #expect(!anchors.isEmpty)
    }

    @Test func everyReducerDistanceAndPairLossBuildsAndApplies() throws {
        let term = LossTerm(losses: Tensor([0, 0.5, 2, -1]), kind: .triplet, anchors: [0, 0, 1, 2], divisor: 2)
        for name in Reducers.registry.names {
            let value = try Reducers.registry.make(ComponentSpec(name: name)).reduce(term).item
            #expect(value.isFinite, "\(name)")
        }
        #expect(try Reducers.registry.make("sum").reduce(term).item == 1.5)
        #expect(try Reducers.registry.make(ComponentSpec(name: "threshold", parameters: ["low": 0, "high": 1])).reduce(term).item == 0.5)
        let e = Self.embeddings()
        for name in Distances.registry.names {
            let matrix = try Distances.registry.make(ComponentSpec(name: name)).matrix(e)
            let finite = matrix.scalars.allSatisfy { $0.isFinite }
            #expect(matrix.shape == [16, 16] && finite, "\(name)")
        }
        let a = e.narrowed(axis: 0, start: 0, length: 8), b = e.narrowed(axis: 0, start: 8, length: 8)
        let targets = Tensor([1, 0, 1, 0, 1, 0, 1, 0])
        for name in PairLosses.registry.names {
            let loss = try PairLosses.registry.make(ComponentSpec(name: name))
            let value = loss(a, b, targets: targets).item
            #expect(value.isFinite, "\(name)")
        }
        let contrastive = try PairLosses.registry.make("pair-contrastive")
        #expect(contrastive(a, b, targets: targets).item == PairContrastiveLoss()(a, b, same: targets).item)
    }

    @Test func everySamplerDrawsAValidEpoch() throws {
        let labels = (0..<60).map { $0 % 10 }                      // 10 classes × 6
        for name in Samplers.registry.names {
            let factory = try Samplers.registry.make(ComponentSpec(name: name))
            var g = SeededGenerator(seed: 4)
            let batches = try factory.make(labels: labels).epoch(generator: &g)
            #expect(!batches.isEmpty && batches.allSatisfy { !$0.isEmpty }, "\(name)")
            #expect(batches.joined().allSatisfy { labels.indices.contains($0) }, "\(name)")
        }
        var g = SeededGenerator(seed: 5)
        let pk = try Samplers.registry.make(ComponentSpec(name: "m-per-class", parameters: ["batchSize": 12, "samplesPerClass": 3]))
            .make(labels: labels).epoch(generator: &g)
        #expect(pk.count == 3 && pk.allSatisfy { batch in batch.count == 12 && Set(batch.map { labels[$0] }).count == 4 })
        let episode = try Samplers.registry.make(ComponentSpec(name: "episodic", parameters: ["ways": 3, "shots": 2, "queries": 2, "episodes": 4]))
            .make(labels: labels).epoch(generator: &g)
        #expect(episode.count == 4 && episode.allSatisfy { $0.count == 12 && Set($0).count == 12 })
        let fixed = try Samplers.registry.make(ComponentSpec(name: "fixed-triplets", parameters: ["count": 10, "batchSize": 4])).make(labels: labels)
        let first = fixed.epoch(generator: &g), second = fixed.epoch(generator: &g)
        #expect(first == second && first.map(\.count) == [12, 12, 6])
        let triplets = first.joined().map { $0 }
        #expect(stride(from: 0, to: triplets.count, by: 3).allSatisfy {
            labels[triplets[$0]] == labels[triplets[$0 + 1]] && labels[triplets[$0]] != labels[triplets[$0 + 2]]
        })
        let pairs = try Samplers.registry.make(ComponentSpec(name: "balanced-pairs", parameters: ["positiveFraction": 1, "pairs": 20, "batchSize": 8]))
            .make(labels: labels).epoch(generator: &g)
        let flat = Array(pairs.joined())
        #expect(flat.count == 40 && stride(from: 0, to: 40, by: 2).allSatisfy { labels[flat[$0]] == labels[flat[$0 + 1]] && flat[$0] != flat[$0 + 1] })
    }

    // MARK: Defaults follow the Swift initialisers; coverage

    /// Losses that wrap another one, with the one they wrap.
    static let wrapperSpecs: [String: ComponentSpec] = [
        "regularized": ComponentSpec(name: "regularized", parameters: ["loss": "contrastive", "embeddingRegularizer": "lp"]),
        "cross-batch-memory": ComponentSpec(name: "cross-batch-memory", parameters: ["loss": "contrastive", "memorySize": 64]),
    ]

    /// Miners with required parameters: the loss that scores subsets and the subset size.
    static let minerSpecs: [String: ComponentSpec] = [
        "maximum-loss": ComponentSpec(name: "maximum-loss", parameters: ["loss": "triplet-margin", "outputBatchSize": 8]),
    ]

    /// Each built-in loss type with its Swift defaults, by registry name; losses with weights under the same seed.
    static let lossDefaults: [String: @Sendable () -> any MetricLoss] = [
        "angular": { AngularLoss() }, "circle": { CircleLoss() }, "contrastive": { ContrastiveLoss() },
        "lifted-structure": { LiftedStructureLoss() }, "margin": { MarginLoss() }, "multi-similarity": { MultiSimilarityLoss() },
        "n-pairs": { NPairsLoss() }, "nt-xent": { NTXentLoss() }, "ntxent": { NTXentLoss() }, "quadruplet": { QuadrupletLoss() },
        "sup-con": { SupConLoss() }, "triplet-margin": { TripletMarginLoss() },
        "arc-face": { ArcFaceLoss(numClasses: 4, embeddingSize: 8) }, "arcface": { ArcFaceLoss(numClasses: 4, embeddingSize: 8) },
        "cos-face": { ArcFaceLoss.cosFace(numClasses: 4, embeddingSize: 8) }, "cosface": { ArcFaceLoss.cosFace(numClasses: 4, embeddingSize: 8) },
        "proxy-anchor": { ProxyAnchorLoss(numClasses: 4, embeddingSize: 8) }, "proxy-nca": { ProxyNCALoss(numClasses: 4, embeddingSize: 8) },
        // PML breadth (issue 13).
        "generalized-lifted-structure": { GeneralizedLiftedStructureLoss() }, "fast-ap": { FastAPLoss() },
        "tuplet-margin": { TupletMarginLoss() }, "intra-pair-variance": { IntraPairVarianceLoss() }, "histogram": { HistogramLoss() },
        "dynamic-soft-margin": { DynamicSoftMarginLoss() }, "instance": { InstanceLoss() },
        "threshold-consistent-margin": { ThresholdConsistentMarginLoss() },
        "soft-triple": { SoftTripleLoss(numClasses: 4, embeddingSize: 8) }, "normalized-softmax": { NormalizedSoftmaxLoss(numClasses: 4, embeddingSize: 8) },
        "large-margin-softmax": { LargeMarginSoftmaxLoss(numClasses: 4, embeddingSize: 8) }, "sphere-face": { SphereFaceLoss(numClasses: 4, embeddingSize: 8) },
        "sub-center-arc-face": { SubCenterArcFaceLoss(numClasses: 4, embeddingSize: 8) }, "p2s-grad": { P2SGradLoss(embeddingSize: 8, numClasses: 4) },
        "multiple-losses": { MultipleLosses([ContrastiveLoss()]) },
        // PML 1.7.3.
        "centroid-triplet": { CentroidTripletLoss() },
    ]

    @Test func registryDefaultsBehaveAsTheSwiftDefaults() throws {
        // `regularized` and `cross-batch-memory` wrap another loss and have no defaults of their own.
        #expect(Losses.registry.names.filter { Self.wrapperSpecs[$0] == nil } == Self.lossDefaults.keys.sorted())
        for (name, make) in Self.lossDefaults {
            #expect(try Self.value(ComponentSpec(name: name)) == Self.value(make), "\(name)")
        }
        let e = Self.embeddings()
        let miners: [String: any Miner] = [
            "batch-hard": BatchHardMiner(), "multi-similarity": MultiSimilarityMiner(), "pair-margin": PairMarginMiner(),
            "triplet-margin": TripletMarginMiner(), "distance-weighted": DistanceWeightedMiner(),
            "batch-easy-hard": BatchEasyHardMiner(), "hdc": HDCMiner(), "angular": AngularMiner(), "uniform-histogram": UniformHistogramMiner(),
            "maximum-loss": MaximumLossMiner(loss: TripletMarginLoss(), outputBatchSize: 8),
        ]
        #expect(Miners.registry.names == miners.keys.sorted())
        for (name, miner) in miners {
            let built = try Miners.registry.make(Self.minerSpecs[name] ?? ComponentSpec(name: name))
            #expect(GlobalGenerator.withSeed(9) { built(e, labels: Self.labels) } == GlobalGenerator.withSeed(9) { miner(e, labels: Self.labels) }, "\(name)")
        }
    }

    /// The types conforming to `protocolName` in the package's sources under `folder` (declarations and extensions).
    static func conformers(of protocolName: String, in folder: String) throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent(folder)
        let files = try #require(FileManager.default.enumerator(atPath: directory.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        let pattern = try NSRegularExpression(pattern: #"^(?:public\s+)?(?:final\s+)?(?:struct|class|extension)\s+(\w+)\s*:[^{]*\b\#(protocolName)\b"#, options: .anchorsMatchLines)
        var found: Set<String> = []
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return found
    }

    /// The type names a registry's components have, every name built with defaults.
    static func builtTypes<C>(_ registry: ComponentRegistry<C>) throws -> Set<String> {
        Set(try registry.names.map { name in
            // Components that wrap another one need it named.
            let spec = wrapperSpecs[name] ?? minerSpecs[name] ?? ComponentSpec(name: name)
            let component = try GlobalGenerator.withSeed(1) { try registry.make(spec, context: context) }
            return String(describing: type(of: component as Any))
        })
    }

    @Test func registriesCoverEveryConformingType() throws {
        // ErasedMetricLoss is the internal adapter that lets SelfSupervisedLoss wrap any registered loss, not a loss.
        let losses = try Self.conformers(of: "MetricLoss", in: "Sources/SiameseMetricLearning").subtracting(["ErasedMetricLoss"])
        #expect(losses == ["AngularLoss", "ArcFaceLoss", "CircleLoss", "ContrastiveLoss", "LiftedStructureLoss", "MarginLoss",
                           "MultiSimilarityLoss", "NPairsLoss", "NTXentLoss", "ProxyAnchorLoss", "ProxyNCALoss", "QuadrupletLoss",
                           "SupConLoss", "TripletMarginLoss", "RegularizedLoss", "CrossBatchMemory",
                           // PML breadth (issue 13); SphereFaceLoss conforms through LargeMarginSoftmaxLoss.
                           "GeneralizedLiftedStructureLoss", "FastAPLoss", "SoftTripleLoss", "NormalizedSoftmaxLoss",
                           "LargeMarginSoftmaxLoss", "SubCenterArcFaceLoss", "TupletMarginLoss", "IntraPairVarianceLoss",
                           "HistogramLoss", "DynamicSoftMarginLoss", "P2SGradLoss", "InstanceLoss",
                           "ThresholdConsistentMarginLoss", "MultipleLosses",
                           // PML 1.7.3.
                           "CentroidTripletLoss"])
        #expect(losses.subtracting(try Self.builtTypes(Losses.registry)).isEmpty)
        let miners = try Self.conformers(of: "Miner", in: "Sources/SiameseMetricLearning")
        #expect(miners == ["BatchHardMiner", "DistanceWeightedMiner", "MultiSimilarityMiner", "PairMarginMiner", "TripletMarginMiner",
                           "BatchEasyHardMiner", "HDCMiner", "AngularMiner", "UniformHistogramMiner", "MaximumLossMiner"])
        #expect(miners.subtracting(try Self.builtTypes(Miners.registry)).isEmpty)
        let reducers = try Self.conformers(of: "Reducer", in: "Sources/SiameseMetricLearning")
        let reducerTypes = try Self.builtTypes(Reducers.registry)
        #expect(reducers.count == 7)
        #expect(reducers.subtracting(reducerTypes).isEmpty)
        let pairLosses = try Self.conformers(of: "PairLoss", in: "Sources/SiameseMetricLearning")
        #expect(pairLosses == ["PairContrastiveLoss", "OnlineContrastiveLoss", "CosineSimilarityRegressionLoss", "MultipleNegativesRankingLoss", "CoSENTLoss"])
        #expect(pairLosses.subtracting(try Self.builtTypes(PairLosses.registry)).isEmpty)
        // LearnedHeadDistance compares through a trained model's head (its weights come from the model folder), so no
        // recipe can name it.
        let distances = try Self.conformers(of: "Distance", in: "Sources").subtracting(["LearnedHeadDistance"])
        #expect(distances == ["LpDistance", "CosineSimilarity", "DotProductSimilarity"])
        #expect(distances.subtracting(try Self.builtTypes(Distances.registry)).isEmpty)
        // Samplers are wrapped, so map each sampler type to its name; a new sampler type fails the first check.
        let samplerNames = ["MPerClassSampler": "m-per-class", "EpisodicSampler": "episodic", "FixedSetOfTriplets": "fixed-triplets",
                            "BalancedPairSampler": "balanced-pairs", "TripletSampler": "triplets"]
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var samplerTypes: Set<String> = []
        for folder in ["Sources/SiameseData/Sampling"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path) {
                let text = try String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("public struct ") {
                    samplerTypes.insert(String(line.dropFirst("public struct ".count).prefix { $0.isLetter || $0.isNumber }))
                }
            }
        }
        #expect(samplerTypes == Set(samplerNames.keys))
        #expect(Set(samplerNames.values) == Set(Samplers.registry.names))
    }

    // MARK: Non-default configurations

    @Test func nonDefaultLossConfigurations() throws {
        let cases: [(ComponentSpec, () -> any MetricLoss)] = [
            (ComponentSpec(name: "triplet-margin", parameters: ["margin": 0.3, "softMargin": true, "distance": "cosine-similarity", "reducer": "mean"]),
             { TripletMarginLoss(margin: 0.3, softMargin: true, distance: CosineSimilarity(), reducer: MeanReducer()) }),
            (ComponentSpec(name: "contrastive", parameters: ["posMargin": 0.1, "negMargin": 0.8, "distance": ["name": "lp-distance", "p": 1],
                                                             "reducer": ["name": "threshold", "low": 0.01]]),
             { ContrastiveLoss(posMargin: 0.1, negMargin: 0.8, distance: LpDistance(p: 1), reducer: ThresholdReducer(low: 0.01)) }),
            (ComponentSpec(name: "quadruplet", parameters: ["margin1": 0.5, "margin2": 0.25, "reducer": "per-anchor"]),
             { QuadrupletLoss(margin1: 0.5, margin2: 0.25, reducer: PerAnchorReducer()) }),
            (ComponentSpec(name: "multi-similarity", parameters: ["alpha": 3, "beta": 40, "base": 0.4, "distance": "dot-product-similarity"]),
             { MultiSimilarityLoss(alpha: 3, beta: 40, base: 0.4, distance: DotProductSimilarity()) }),
            (ComponentSpec(name: "circle", parameters: ["m": 0.25, "gamma": 64, "reducer": "mean"]), { CircleLoss(m: 0.25, gamma: 64, reducer: MeanReducer()) }),
            (ComponentSpec(name: "nt-xent", parameters: ["temperature": 0.2, "distance": "euclidean"]),
             { NTXentLoss(temperature: 0.2, distance: LpDistance(normalizeEmbeddings: false)) }),
            (ComponentSpec(name: "sup-con", parameters: ["temperature": 0.5, "reducer": "sum"]), { SupConLoss(temperature: 0.5, reducer: SumReducer()) }),
            (ComponentSpec(name: "n-pairs", parameters: ["distance": ["name": "dot-product-similarity", "normalizeEmbeddings": false]]),
             { NPairsLoss(distance: DotProductSimilarity(normalizeEmbeddings: false)) }),
            (ComponentSpec(name: "margin", parameters: ["margin": 0.1, "beta": 1, "reducer": "mean"]), { MarginLoss(margin: 0.1, beta: 1, reducer: MeanReducer()) }),
            (ComponentSpec(name: "lifted-structure", parameters: ["margin": 0.5, "distance": "lp-distance"]), { LiftedStructureLoss(negMargin: 0.5, distance: LpDistance()) }),
            (ComponentSpec(name: "lifted-structure", parameters: ["negMargin": 0.8, "posMargin": 0.1]), { LiftedStructureLoss(negMargin: 0.8, posMargin: 0.1) }),
            (ComponentSpec(name: "margin", parameters: ["form": "pairs"]), { MarginLoss(form: .pairs) }),
            (ComponentSpec(name: "triplet-margin", parameters: ["margin": 0.1, "smoothLoss": true]), { TripletMarginLoss(margin: 0.1, smoothLoss: true) }),
            (ComponentSpec(name: "angular", parameters: ["alphaDegrees": 45, "reducer": "sum"]), { AngularLoss(alphaDegrees: 45, reducer: SumReducer()) }),
            (ComponentSpec(name: "arc-face", parameters: ["marginKind": "cosine", "margin": 0.3, "scale": 30]),
             { ArcFaceLoss(numClasses: 4, embeddingSize: 8, margin: .cosine(0.3), scale: 30) }),
            // margin in degrees, as PML; marginRadians for radians.
            (ComponentSpec(name: "arc-face", parameters: ["margin": 20, "reducer": "sum"]),
             { ArcFaceLoss(numClasses: 4, embeddingSize: 8, margin: .angular(degrees: 20), reducer: SumReducer()) }),
            (ComponentSpec(name: "arc-face", parameters: ["marginRadians": 0.2]),
             { ArcFaceLoss(numClasses: 4, embeddingSize: 8, margin: .angular(radians: 0.2)) }),
            (ComponentSpec(name: "sub-center-arc-face", parameters: ["margin": 20, "subCenters": 2]),
             { SubCenterArcFaceLoss(numClasses: 4, embeddingSize: 8, margin: 20, subCenters: 2) }),
            (ComponentSpec(name: "sub-center-arc-face", parameters: ["marginRadians": 0.2]),
             { SubCenterArcFaceLoss(numClasses: 4, embeddingSize: 8, margin: Float(0.2 * 180 / Double.pi)) }),
            (ComponentSpec(name: "tuplet-margin", parameters: ["margin": 10]), { TupletMarginLoss(marginDegrees: 10) }),
            (ComponentSpec(name: "angular", parameters: ["alpha": 35]), { AngularLoss(alphaDegrees: 35) }),
            (ComponentSpec(name: "cos-face", parameters: ["margin": 0.2, "scale": 16]), { ArcFaceLoss.cosFace(numClasses: 4, embeddingSize: 8, margin: 0.2, scale: 16) }),
            (ComponentSpec(name: "proxy-anchor", parameters: ["margin": 0.2, "alpha": 16]), { ProxyAnchorLoss(numClasses: 4, embeddingSize: 8, margin: 0.2, alpha: 16) }),
            (ComponentSpec(name: "proxy-nca", parameters: ["softmaxScale": 3]), { ProxyNCALoss(numClasses: 4, embeddingSize: 8, softmaxScale: 3) }),
        ]
        for (spec, make) in cases {
            let built = try Self.value(spec), direct = Self.value(make), defaults = try Self.value(ComponentSpec(name: spec.name))
            #expect(built == direct, "\(spec)")
            // The parameters changed something: the value differs from the defaults'.
            #expect(built != defaults, "\(spec) equals the defaults")
        }
        let e = Self.embeddings()
        let semihard = try Miners.registry.make(ComponentSpec(name: "triplet-margin", parameters: ["kind": "semihard", "margin": 0.5]))
        #expect(semihard(e, labels: Self.labels) == TripletMarginMiner(margin: 0.5, kind: .semihard)(e, labels: Self.labels))
        let hardCosine = try Miners.registry.make(ComponentSpec(name: "batch-hard", parameters: ["distance": "cosine-similarity"]))
        #expect(hardCosine(e, labels: Self.labels) == BatchHardMiner(distance: CosineSimilarity())(e, labels: Self.labels))
        let margins = try Miners.registry.make(ComponentSpec(name: "pair-margin", parameters: ["posMargin": 0.5, "negMargin": 1.5, "distance": "euclidean"]))
        #expect(margins(e, labels: Self.labels) == PairMarginMiner(posMargin: 0.5, negMargin: 1.5, distance: LpDistance(normalizeEmbeddings: false))(e, labels: Self.labels))
        #expect(try PairLosses.registry.make(ComponentSpec(name: "online-contrastive", parameters: ["margin": 0.9])) is OnlineContrastiveLoss)
    }

    // MARK: Decoding recipes

    struct Recipe: Codable, Equatable {
        var loss: ComponentSpec
        var miner: ComponentSpec
        var sampler: ComponentSpec
    }

    static let expectedRecipe = Recipe(
        loss: ComponentSpec(name: "triplet-margin", parameters: [
            "margin": 0.2, "softMargin": false, "reducer": "mean",
            "distance": ["name": "lp-distance", "p": 1, "normalizeEmbeddings": true],
        ]),
        miner: ComponentSpec(name: "triplet-margin", parameters: ["kind": "semihard"]),
        sampler: "m-per-class")

    @Test func yamlRecipeWithANestedDistance() throws {
        let yaml = """
        loss:
          name: triplet-margin
          margin: 0.2
          softMargin: false
          distance: {name: lp-distance, p: 1, normalizeEmbeddings: true}
          reducer: mean
        miner: {name: triplet-margin, kind: semihard}
        sampler: m-per-class
        """
        let recipe = try YAMLDecoder().decode(Recipe.self, from: yaml)
        #expect(recipe == Self.expectedRecipe)
        let loss = try Losses.registry.make(recipe.loss)
        let direct = TripletMarginLoss(margin: 0.2, distance: LpDistance(p: 1), reducer: MeanReducer())
        let e = Self.embeddings()
        #expect(loss(e, labels: Self.labels).item == direct(e, labels: Self.labels).item)
        // Back to YAML and in again.
        #expect(try YAMLDecoder().decode(Recipe.self, from: try YAMLEncoder().encode(recipe)) == recipe)
    }

    @Test func jsonRecipeWithANestedDistance() throws {
        let json = #"{"loss": {"name": "triplet-margin", "margin": 0.2, "softMargin": false, "reducer": "mean", "distance": {"name": "lp-distance", "p": 1, "normalizeEmbeddings": true}}, "miner": {"name": "triplet-margin", "kind": "semihard"}, "sampler": "m-per-class"}"#
        let recipe = try JSONDecoder().decode(Recipe.self, from: Data(json.utf8))
        #expect(recipe == Self.expectedRecipe)
        #expect(try JSONDecoder().decode(Recipe.self, from: try JSONEncoder().encode(recipe)) == recipe)
        _ = try Losses.registry.make(recipe.loss)
        _ = try Miners.registry.make(recipe.miner)
    }

    // MARK: Errors

    @Test func unknownNamesParametersAndBadValuesAreReported() throws {
        let unknown = Self.registryError { _ = try Losses.registry.make("triplet") }
        #expect(unknown == .unknownName(kind: "loss", name: "triplet", known: Losses.registry.names))
        #expect(unknown?.description.hasPrefix("unknown loss 'triplet'; known loss names: angular, arc-face,") == true)

        let typo = Self.registryError { _ = try Losses.registry.make(ComponentSpec(name: "triplet-margin", parameters: ["margn": 0.2])) }
        #expect(typo?.description == "loss 'triplet-margin' has no parameter 'margn' (it reads: distance, margin, reducer, smoothLoss, softMargin, tripletsPerAnchor)")

        let text = Self.registryError { _ = try Losses.registry.make(ComponentSpec(name: "triplet-margin", parameters: ["margin": "high"])) }
        #expect(text == .wrongType(kind: "loss", name: "triplet-margin", parameter: "margin", expected: "a number"))

        let nested = Self.registryError { _ = try Losses.registry.make(ComponentSpec(name: "contrastive", parameters: ["distance": "chebyshev"])) }
        #expect(nested?.description.hasPrefix("unknown distance 'chebyshev'") == true)
        let nestedTypo = Self.registryError {
            _ = try Losses.registry.make(ComponentSpec(name: "contrastive", parameters: ["reducer": ["name": "threshold", "lo": 0.1]]))
        }
        #expect(nestedTypo == .unknownParameter(kind: "reducer", name: "threshold", parameter: "lo", known: ["high", "low"]))

        let noContext = Self.registryError { _ = try Losses.registry.make("proxy-anchor") }
        #expect(noContext == .missingContext(kind: "loss", name: "proxy-anchor", what: "numClasses"))
        let noSize = Self.registryError { _ = try Losses.registry.make("arc-face", context: RegistryContext(numClasses: 4)) }
        #expect(noSize == .missingContext(kind: "loss", name: "arc-face", what: "embeddingSize"))

        let kind = Self.registryError { _ = try Losses.registry.make(ComponentSpec(name: "arc-face", parameters: ["marginKind": "additive"]), context: Self.context) }
        #expect(kind?.description == "loss 'arc-face': invalid value for parameter 'marginKind': 'additive' is not one of angular, cosine")
        let minerKind = Self.registryError { _ = try Miners.registry.make(ComponentSpec(name: "triplet-margin", parameters: ["kind": "medium"])) }
        #expect(minerKind?.description == "miner 'triplet-margin': invalid value for parameter 'kind': 'medium' is not one of all, hard, semihard, easy")
        let temperature = Self.registryError { _ = try Losses.registry.make(ComponentSpec(name: "nt-xent", parameters: ["temperature": 0])) }
        #expect(temperature != nil)

        let batch = Self.registryError { _ = try Samplers.registry.make(ComponentSpec(name: "m-per-class", parameters: ["batchSize": 10, "samplesPerClass": 4])) }
        #expect(batch?.description == "sampler 'm-per-class': invalid value for parameter 'batchSize': batchSize 10 is not a positive multiple of samplesPerClass 4")
        let ways = try Samplers.registry.make(ComponentSpec(name: "episodic", parameters: ["ways": 5]))
        let tooFew = Self.registryError { _ = try ways.make(labels: Self.labels) }
        #expect(tooFew == .invalidValue(kind: "sampler", name: "episodic", parameter: "ways", reason: "only 4 classes have 2 items; 5 needed"))
        let oneClass = Self.registryError { _ = try Samplers.registry.make("balanced-pairs").make(labels: [0, 0, 0]) }
        #expect(oneClass?.description.hasPrefix("sampler 'balanced-pairs': invalid value for parameter 'labels':") == true)
        let count = Self.registryError { _ = try Samplers.registry.make(ComponentSpec(name: "fixed-triplets", parameters: ["count": 2.5])) }
        #expect(count == .wrongType(kind: "sampler", name: "fixed-triplets", parameter: "count", expected: "an integer"))
    }
}
