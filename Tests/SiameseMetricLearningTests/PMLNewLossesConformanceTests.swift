import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseNN
import SiameseTestSupport

/// pml_conformance_losses.json (scripts/reference/pml_conformance_losses.py): the losses issue 13 adds, computed by
/// PyTorch Metric Learning 2.9 on the batch of pml_conformance.json, with a second view for the two-view losses.
struct PMLNewLossFixture: Decodable {
    struct Inputs: Decodable { let embeddings: [[Float]]; let labels: [Int]; let reference: [[Float]] }
    struct Case: Decodable {
        let name: String
        let kind: String
        let loss: Double
        let grad_embeddings: [[Float]]
        let grad_reference: [[Float]]?
        let mined_indices: [[Int]]?
        let parameters: [String: [[Float]]]?
        let parameter_grads: [String: [[Float]]]?
        let first_call_loss: Double?
        let histogram_after: [Float]?
    }
    let version: String
    let inputs: Inputs
    let cases: [Case]

    static let shared: PMLNewLossFixture = {
        try! Fixtures.decode(PMLNewLossFixture.self, from: "pml_conformance_losses.json")
    }()

    static var caseNames: [String] { shared.cases.map(\.name) }
    func named(_ name: String) -> Case { cases.first { $0.name == name }! }
}

/// How one fixture case is computed here: the loss of `(embeddings, reference, labels, mined tuples)` and the
/// learned parameters PML recorded under the same names.
struct NewLossSubject {
    var lossTolerance = 1e-5
    var parameters: [String: Parameter] = [:]
    let compute: (_ x: Tensor, _ reference: Tensor, _ labels: [Int], _ tuples: MinedTuples?) -> Tensor
    /// For stateful losses: the histogram after the call, to compare with PML's.
    var histogram: (() -> [Float])?
}

@Suite struct PMLNewLossesConformanceTests {
    static let fixture = PMLNewLossFixture.shared

    static func tuples(_ c: PMLNewLossFixture.Case) -> MinedTuples? {
        guard let m = c.mined_indices else { return nil }
        return m.count == 3 ? .triplets(a: m[0], p: m[1], n: m[2]) : .pairs(a1: m[0], p: m[1], a2: m[2], n: m[3])
    }

    /// A learned-weight loss with PML's initial weights loaded.
    static func loaded<L: Module & MetricLoss>(_ loss: L, _ c: PMLNewLossFixture.Case, _ names: [String: Parameter],
                                                tolerance: Double = 1e-5) -> NewLossSubject {
        for (key, p) in names { p.update(Tensor(c.parameters![key]!)) }
        return NewLossSubject(lossTolerance: tolerance, parameters: names) { x, _, labels, t in loss(x, labels: labels, tuples: t) }
    }

    static func plain(_ loss: any MetricLoss, tolerance: Double = 1e-5) -> NewLossSubject {
        NewLossSubject(lossTolerance: tolerance) { x, _, labels, t in loss(x, labels: labels, tuples: t) }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func subject(_ c: PMLNewLossFixture.Case) -> NewLossSubject? {
        switch c.name {
        case "GeneralizedLiftedStructureLoss_defaults", "GeneralizedLiftedStructureLoss_pair_miner":
            return plain(GeneralizedLiftedStructureLoss())
        case "GeneralizedLiftedStructureLoss_neg0.5_pos0.1":
            return plain(GeneralizedLiftedStructureLoss(negMargin: 0.5, posMargin: 0.1))
        case "GeneralizedLiftedStructureLoss_cosine":
            return plain(GeneralizedLiftedStructureLoss(negMargin: 0.3, posMargin: 0.8, distance: CosineSimilarity()))
        case "FastAPLoss_defaults", "FastAPLoss_triplet_miner": return plain(FastAPLoss())
        case "FastAPLoss_bins5": return plain(FastAPLoss(numBins: 5))
        case "SoftTripleLoss_8cls_16d", "SoftTripleLoss_pair_miner":
            let l = SoftTripleLoss(numClasses: 8, embeddingSize: 16)
            return loaded(l, c, ["fc": l.fc])
        case "SoftTripleLoss_k3_la10_g0.2_m0.05":
            let l = SoftTripleLoss(numClasses: 8, embeddingSize: 16, centersPerClass: 3, la: 10, gamma: 0.2, margin: 0.05)
            return loaded(l, c, ["fc": l.fc])
        case "NormalizedSoftmaxLoss_8cls_16d", "NormalizedSoftmaxLoss_triplet_miner":
            let l = NormalizedSoftmaxLoss(numClasses: 8, embeddingSize: 16)
            return loaded(l, c, ["W": l.weight])
        case "NormalizedSoftmaxLoss_t0.2":
            let l = NormalizedSoftmaxLoss(numClasses: 8, embeddingSize: 16, temperature: 0.2)
            return loaded(l, c, ["W": l.weight])
        case "LargeMarginSoftmaxLoss_8cls_16d", "LargeMarginSoftmaxLoss_pair_miner":
            let l = LargeMarginSoftmaxLoss(numClasses: 8, embeddingSize: 16)
            return loaded(l, c, ["W": l.weight])
        case "LargeMarginSoftmaxLoss_m3_s2":
            let l = LargeMarginSoftmaxLoss(numClasses: 8, embeddingSize: 16, margin: 3, scale: 2)
            return loaded(l, c, ["W": l.weight])
        case "SphereFaceLoss_8cls_16d", "SphereFaceLoss_triplet_miner":
            let l = SphereFaceLoss(numClasses: 8, embeddingSize: 16)
            return loaded(l, c, ["W": l.weight])
        case "SphereFaceLoss_m2_s1.5":
            let l = SphereFaceLoss(numClasses: 8, embeddingSize: 16, margin: 2, scale: 1.5)
            return loaded(l, c, ["W": l.weight])
        case "SubCenterArcFaceLoss_8cls_16d", "SubCenterArcFaceLoss_pair_miner":
            let l = SubCenterArcFaceLoss(numClasses: 8, embeddingSize: 16)
            return loaded(l, c, ["W": l.weight], tolerance: 1e-4)
        case "SubCenterArcFaceLoss_k2_m20_s32":
            let l = SubCenterArcFaceLoss(numClasses: 8, embeddingSize: 16, margin: 20, scale: 32, subCenters: 2)
            return loaded(l, c, ["W": l.weight], tolerance: 1e-4)
        case "TupletMarginLoss_defaults", "TupletMarginLoss_pair_miner": return plain(TupletMarginLoss(), tolerance: 1e-4)
        case "TupletMarginLoss_m10_s32": return plain(TupletMarginLoss(marginDegrees: 10, scale: 32), tolerance: 1e-4)
        case "IntraPairVarianceLoss_defaults", "IntraPairVarianceLoss_pair_miner": return plain(IntraPairVarianceLoss())
        case "IntraPairVarianceLoss_eps0.05_0.02": return plain(IntraPairVarianceLoss(posEps: 0.05, negEps: 0.02))
        case "IntraPairVarianceLoss_L2": return plain(IntraPairVarianceLoss(distance: LpDistance()))
        case "HistogramLoss_defaults", "HistogramLoss_triplet_miner": return plain(HistogramLoss())
        case "HistogramLoss_bins10": return plain(HistogramLoss(numBins: 10))
        case "DynamicSoftMarginLoss_defaults", "DynamicSoftMarginLoss_triplet_miner":
            let l = DynamicSoftMarginLoss()
            return NewLossSubject(compute: { x, _, labels, t in l(x, labels: labels, tuples: t) }, histogram: { l.histogram })
        case "DynamicSoftMarginLoss_min-1.5_bins20":
            let l = DynamicSoftMarginLoss(minVal: -1.5, numBins: 20)
            return NewLossSubject(compute: { x, _, labels, t in l(x, labels: labels, tuples: t) }, histogram: { l.histogram })
        case "DynamicSoftMarginLoss_second_call":
            let l = DynamicSoftMarginLoss(momentum: 0.3)
            return NewLossSubject(compute: { x, reference, labels, t in
                let first = withNoGrad { l(reference, labels: labels) }
                #expect(Swift.abs(Double(first.item) - c.first_call_loss!) <= 1e-5 * Swift.abs(c.first_call_loss!) + 1e-6,
                        "first call \(first.item) vs PML \(c.first_call_loss!)")
                return l(x, labels: labels, tuples: t)
            }, histogram: { l.histogram })
        case "P2SGradLoss_16d_8cls":
            let l = P2SGradLoss(embeddingSize: 16, numClasses: 8)
            return loaded(l, c, ["weight": l.weight])
        case "P2SGradLoss_16d_12cls":
            let l = P2SGradLoss(embeddingSize: 16, numClasses: 12)
            return loaded(l, c, ["weight": l.weight])
        case "InstanceLoss_defaults": return plain(InstanceLoss(), tolerance: 1e-4)
        case "InstanceLoss_gamma16": return plain(InstanceLoss(gamma: 16))
        case "ThresholdConsistentMarginLoss_defaults": return plain(ThresholdConsistentMarginLoss())
        case "ThresholdConsistentMarginLoss_custom":
            return plain(ThresholdConsistentMarginLoss(lambdaPlus: 0.5, lambdaMinus: 2, marginPlus: 0.3, marginMinus: 0.1))
        case "ThresholdConsistentMarginLoss_pair_miner":
            return plain(ThresholdConsistentMarginLoss(marginPlus: 0.3, marginMinus: 0.1))
        case "VICRegLoss_defaults":
            return NewLossSubject { x, r, _, _ in VICRegLoss()(x, reference: r) }
        case "VICRegLoss_l10_mu5_v2":
            return NewLossSubject { x, r, _, _ in VICRegLoss(invarianceLambda: 10, varianceMu: 5, covarianceV: 2)(x, reference: r) }
        case "SelfSupervisedLoss_TripletMargin":
            return NewLossSubject { x, r, _, _ in SelfSupervisedLoss(TripletMarginLoss())(x, reference: r) }
        case "SelfSupervisedLoss_NTXent_t0.1":
            return NewLossSubject { x, r, _, _ in SelfSupervisedLoss(NTXentLoss(temperature: 0.1))(x, reference: r) }
        case "SelfSupervisedLoss_GeneralizedLiftedStructure":
            return NewLossSubject { x, r, _, _ in SelfSupervisedLoss(GeneralizedLiftedStructureLoss())(x, reference: r) }
        case "MultipleLosses_contrastive_triplet":
            return plain(MultipleLosses([ContrastiveLoss(), TripletMarginLoss(margin: 0.2)]))
        case "MultipleLosses_weighted_with_miner":
            return plain(MultipleLosses([
                .init("0", ContrastiveLoss(), weight: 0.7),
                .init("1", TripletMarginLoss(margin: 0.2), miner: TripletMarginMiner(margin: 0.2, kind: .semihard), weight: 2),
            ]))
        case "MultipleLosses_dict_new_losses":
            return plain(MultipleLosses([
                .init("gls", GeneralizedLiftedStructureLoss()), .init("tuplet", TupletMarginLoss(), weight: 0.1),
                .init("ipv", IntraPairVarianceLoss(), weight: 3),
            ]), tolerance: 1e-4)
        default:
            return nil
        }
    }

    @Test(arguments: PMLNewLossFixture.caseNames)
    func matchesPML(_ name: String) {
        let fixture = Self.fixture
        let c = fixture.named(name)
        guard let subject = Self.subject(c) else {
            Issue.record("\(name): no Swift counterpart wired into the test")
            return
        }
        let x = Tensor(fixture.inputs.embeddings).requiringGrad()
        let reference = Tensor(fixture.inputs.reference).requiringGrad()
        let loss = subject.compute(x, reference, fixture.inputs.labels, Self.tuples(c))
        loss.backward()
        let value = Double(loss.item)
        #expect(Swift.abs(value - c.loss) <= Swift.max(subject.lossTolerance * Swift.abs(c.loss), 1e-6),
                "\(name): loss \(value) vs PML \(c.loss)")
        Self.expectClose(x.grad, c.grad_embeddings, "\(name) d/d embeddings")
        if let g = c.grad_reference { Self.expectClose(reference.grad, g, "\(name) d/d reference") }
        for (key, expected) in c.parameter_grads ?? [:] {
            Self.expectClose(subject.parameters[key]?.grad, expected, "\(name) d/d \(key)")
        }
        if let expected = c.histogram_after, let histogram = subject.histogram?() {
            let worst = zip(histogram, expected).map { Swift.abs($0 - $1) }.max() ?? .infinity
            #expect(histogram.count == expected.count && worst <= 1e-5, "\(name): histogram differs by \(worst)")
        }
    }

    /// Gradients: 1e-4 absolute per element, or 1e-4 relative to the largest element (../shared/fixtures/README.md).
    static func expectClose(_ grad: Tensor?, _ expected: [[Float]], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let e = expected.flatMap { $0 }
        let a = grad?.scalars ?? [Float](repeating: 0, count: e.count)
        let scale = e.map(Swift.abs).max() ?? 0
        let worst = a.count == e.count ? (zip(a, e).map { Swift.abs($0 - $1) }.max() ?? 0) : .infinity
        #expect(worst <= Swift.max(1e-4, 1e-4 * scale), "\(what): differs by \(worst) (largest element \(scale))",
                sourceLocation: sourceLocation)
    }

    @Test func fixtureCoversEveryNewLoss() {
        let classes = Set(Self.fixture.cases.map { $0.name.split(separator: "_")[0] })
        #expect(Self.fixture.version == "2.9.0")
        #expect(classes.count == 17, "classes in the fixture: \(classes.sorted())")
        #expect(Self.fixture.cases.count >= 50)
    }
}

/// Finite-difference checks of the new losses' gradients (embeddings and learned weights) on the small batch of
/// ``LossCheck``, and their recipe names.
@Suite struct PMLNewLossesGradientAndRegistryTests {
    let x = LossCheck.embeddings()
    let labels = LossCheck.labels

    @Test func pairLossGradients() {
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { GeneralizedLiftedStructureLoss()($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { TupletMarginLoss(scale: 8)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { IntraPairVarianceLoss(posEps: 0.2, negEps: 0.2)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { InstanceLoss(gamma: 4)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { ThresholdConsistentMarginLoss()($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { DynamicSoftMarginLoss()($0, labels: labels) } <= 1)
    }

    @Test func learnedWeightGradients() {
        let soft = GlobalGenerator.withSeed(3) { SoftTripleLoss(numClasses: 3, embeddingSize: 4, centersPerClass: 2, la: 5) }
        #expect(GradientCheck.worstError([x], parameters: soft.parameters(), epsilon: 1e-3) { soft($0[0], labels: labels) } <= 1)
        let normalized = GlobalGenerator.withSeed(3) { NormalizedSoftmaxLoss(numClasses: 3, embeddingSize: 4, temperature: 0.5) }
        #expect(GradientCheck.worstError([x], parameters: normalized.parameters(), epsilon: 1e-3) { normalized($0[0], labels: labels) } <= 1)
        let large = GlobalGenerator.withSeed(3) { LargeMarginSoftmaxLoss(numClasses: 3, embeddingSize: 4, margin: 2) }
        #expect(GradientCheck.worstError([x], parameters: large.parameters(), epsilon: 1e-3) { large($0[0], labels: labels) } <= 1)
        let sub = GlobalGenerator.withSeed(3) { SubCenterArcFaceLoss(numClasses: 3, embeddingSize: 4, scale: 4, subCenters: 2) }
        #expect(GradientCheck.worstError([x], parameters: sub.parameters(), epsilon: 1e-3) { sub($0[0], labels: labels) } <= 1)
        let p2s = GlobalGenerator.withSeed(3) { P2SGradLoss(embeddingSize: 4, numClasses: 3) }
        #expect(GradientCheck.worstError([x], epsilon: 1e-3) { p2s($0[0], labels: labels) } <= 1)
    }

    @Test func twoViewGradients() {
        let y = LossCheck.embeddings(seed: 11)
        #expect(GradientCheck.worstError([x, y], epsilon: 1e-3) { VICRegLoss()($0[0], reference: $0[1]) } <= 1)
        #expect(GradientCheck.worstError([x, y], epsilon: 1e-3) { SelfSupervisedLoss(NTXentLoss(temperature: 0.5))($0[0], reference: $0[1]) } <= 1)
    }

    @Test func multipleLossesFromARecipe() throws {
        let context = RegistryContext(numClasses: 3, embeddingSize: 4)
        let spec = ComponentSpec(name: "multiple-losses", parameters: [
            "losses": .array([.string("contrastive"), .object(["name": .string("tuplet-margin"), "scale": .number(16)])]),
            "weights": .array([.number(0.5), .number(2)]),
            "miners": .array([.null, .string("multi-similarity")]),
        ])
        let built = try Losses.registry.make(spec, context: context)
        let direct = MultipleLosses([.init("0", ContrastiveLoss(), weight: 0.5),
                                     .init("1", TupletMarginLoss(scale: 16), miner: MultiSimilarityMiner(), weight: 2)])
        #expect(built(x, labels: labels).item == direct(x, labels: labels).item)
        let expected = 0.5 * ContrastiveLoss()(x, labels: labels).item
            + 2 * TupletMarginLoss(scale: 16)(x, labels: labels, tuples: MultiSimilarityMiner()(x, labels: labels)).item
        #expect(Swift.abs(built(x, labels: labels).item - expected) <= 1e-5 * Swift.abs(expected))
        let wrong = ComponentSpec(name: "multiple-losses", parameters: ["losses": .array([.string("contrastive")]), "weights": .array([.number(1), .number(2)])])
        #expect(throws: RegistryError.self) { try Losses.registry.make(wrong, context: context) }
        let badBins = ComponentSpec(name: "fast-ap", parameters: ["numBins": .number(0)])
        #expect(throws: RegistryError.self) { try Losses.registry.make(badBins, context: context) }
        let cosineFastAP = ComponentSpec(name: "fast-ap", parameters: ["distance": .string("cosine-similarity")])
        #expect(throws: RegistryError.self) { try Losses.registry.make(cosineFastAP, context: context) }
    }
}

extension PMLNewLossesGradientAndRegistryTests {
    @Test func multipleLossesExposesLearnedWeights() {
        let soft = GlobalGenerator.withSeed(3) { SoftTripleLoss(numClasses: 3, embeddingSize: 4) }
        let both = MultipleLosses([.init("triplet", TripletMarginLoss()), .init("soft", soft, weight: 0.5)])
        #expect(both.namedParameters().map(\.name) == ["soft.fc"])
        let x = self.x.requiringGrad()
        both(x, labels: labels).backward()
        #expect(soft.fc.grad != nil)
    }
}
