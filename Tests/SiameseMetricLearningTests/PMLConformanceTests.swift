import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseTestSupport

/// pml_conformance.json (vendored from ../shared/fixtures): losses, gradients and mined indices from PyTorch Metric Learning 2.9.
struct PMLFixture: Decodable {
    struct Inputs: Decodable { let embeddings: [[Float]]; let labels: [Int] }
    struct Case: Decodable {
        let name: String
        let loss: Double
        let grad_embeddings: [[Float]]
        let mined_indices: [[Int]]?
        let parameters: [String: [[Float]]]?
        let parameter_grads: [String: [[Float]]]?
    }
    let inputs: Inputs
    let cases: [Case]

    static let shared: PMLFixture = {
        try! Fixtures.decode(PMLFixture.self, from: "pml_conformance.json")
    }()

    var embeddings: Tensor { Tensor(inputs.embeddings) }
    func named(_ name: String) -> Case { cases.first { $0.name == name }! }
}

/// Compares a loss value (relative) and a gradient (absolute, or relative to its largest element).
func expectMatches(_ loss: Tensor, _ grad: Tensor?, _ c: PMLFixture.Case, lossTolerance: Double = 1e-5,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let value = Double(loss.item)
    let lossOK = Swift.abs(value - c.loss) <= Swift.max(lossTolerance * Swift.abs(c.loss), 1e-6)
    #expect(lossOK, "\(c.name): loss \(value) vs PML \(c.loss)", sourceLocation: sourceLocation)
    let expected = c.grad_embeddings.flatMap { $0 }
    let actual = grad?.scalars ?? [Float](repeating: 0, count: expected.count)
    let scale = expected.map(Swift.abs).max() ?? 0
    let worst = zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? 0
    #expect(worst <= Swift.max(1e-4, 1e-4 * scale), "\(c.name): gradient differs by \(worst) (largest element \(scale))",
            sourceLocation: sourceLocation)
}

@Suite struct PMLConformanceTests {
    let fixture = PMLFixture.shared

    func run(_ name: String, lossTolerance: Double = 1e-5, _ body: (Tensor, [Int]) -> Tensor) {
        let x = fixture.embeddings.requiringGrad()
        let loss = body(x, fixture.inputs.labels)
        loss.backward()
        expectMatches(loss, x.grad, fixture.named(name), lossTolerance: lossTolerance)
    }

    @Test func contrastive() {
        run("ContrastiveLoss_defaults") { ContrastiveLoss()($0, labels: $1) }
        run("ContrastiveLoss_pos0_neg1") { ContrastiveLoss(posMargin: 0, negMargin: 1)($0, labels: $1) }
        run("ContrastiveLoss_pos0.25_neg1.5") { ContrastiveLoss(posMargin: 0.25, negMargin: 1.5)($0, labels: $1) }
        run("ContrastiveLoss_pos0_neg1_unnormalized_L2") {
            ContrastiveLoss(distance: LpDistance(normalizeEmbeddings: false))($0, labels: $1)
        }
    }

    @Test func tripletMargin() {
        run("TripletMarginLoss_m0.2_all_triplets") { TripletMarginLoss(margin: 0.2)($0, labels: $1) }
        run("TripletMarginLoss_m0.2_unnormalized_L2") {
            TripletMarginLoss(margin: 0.2, distance: LpDistance(normalizeEmbeddings: false))($0, labels: $1)
        }
    }

    static func tripletSet(_ t: MinedTuples) -> Set<[Int]> {
        let (a, p, n) = t.asTriplets
        return Set((0..<a.count).map { [a[$0], p[$0], n[$0]] })
    }

    static func fixtureSet(_ c: PMLFixture.Case) -> Set<[Int]> {
        let m = c.mined_indices!
        return Set((0..<m[0].count).map { [m[0][$0], m[1][$0], m[2][$0]] })
    }

    @Test(arguments: [("TripletMarginLoss_m0.2_semihard_miner", TripletMarginMiner.Kind.semihard),
                      ("TripletMarginLoss_m0.2_hard_miner", .hard)])
    func tripletMarginMiner(_ name: String, _ kind: TripletMarginMiner.Kind) {
        let c = fixture.named(name)
        let mined = TripletMarginMiner(margin: 0.2, kind: kind)(fixture.embeddings, labels: fixture.inputs.labels)
        #expect(Self.tripletSet(mined) == Self.fixtureSet(c))
        run(name) { TripletMarginLoss(margin: 0.2)($0, labels: $1, tuples: mined) }
    }

    @Test func batchHardMiner() {
        let c = fixture.named("TripletMarginLoss_m0.2_BatchHardMiner")
        let mined = BatchHardMiner()(fixture.embeddings, labels: fixture.inputs.labels)
        #expect(Self.tripletSet(mined) == Self.fixtureSet(c))
        run(c.name) { TripletMarginLoss(margin: 0.2)($0, labels: $1, tuples: mined) }
    }

    @Test func similarityLosses() {
        run("MultiSimilarityLoss_defaults") { MultiSimilarityLoss()($0, labels: $1) }
        run("CircleLoss_defaults", lossTolerance: 1e-4) { CircleLoss()($0, labels: $1) }
        run("NTXentLoss_t0.1") { NTXentLoss(temperature: 0.1)($0, labels: $1) }
        run("NPairsLoss_defaults") { NPairsLoss()($0, labels: $1) }
        run("SupConLoss_defaults") { SupConLoss()($0, labels: $1) }
    }

    @Test func arcFaceWithLearnedWeights() {
        let c = fixture.named("ArcFaceLoss_8cls_16d")
        let loss = ArcFaceLoss(numClasses: 8, embeddingSize: 16)
        loss.weight.update(Tensor(c.parameters!["W"]!))
        run(c.name, lossTolerance: 1e-4) { loss($0, labels: $1) }
        expectParameterGradient(loss.weight.grad, c.parameter_grads!["W"]!, c.name)
    }

    @Test func proxyAnchorWithLearnedProxies() {
        let c = fixture.named("ProxyAnchorLoss_8cls_16d")
        let loss = ProxyAnchorLoss(numClasses: 8, embeddingSize: 16)
        loss.proxies.update(Tensor(c.parameters!["proxies"]!))
        run(c.name, lossTolerance: 1e-4) { loss($0, labels: $1) }
        expectParameterGradient(loss.proxies.grad, c.parameter_grads!["proxies"]!, c.name)
    }

    func expectParameterGradient(_ grad: Tensor?, _ expected: [[Float]], _ name: String) {
        let e = expected.flatMap { $0 }, a = grad?.scalars ?? []
        let scale = e.map(Swift.abs).max() ?? 0
        let worst = zip(a, e).map { Swift.abs($0 - $1) }.max() ?? .infinity
        #expect(a.count == e.count && worst <= Swift.max(1e-4, 1e-4 * scale), "\(name): parameter gradient differs by \(worst)")
    }
}
