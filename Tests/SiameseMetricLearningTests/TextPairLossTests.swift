import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseTestSupport

/// The sentence-pair losses against sentence-transformers 6.2 (`text_loss_reference.json`, made by
/// `scripts/reference/text_loss_reference.py`) and against finite differences.
@Suite struct TextPairLossTests {
    struct Case: Decodable {
        let a: [[Double]], b: [[Double]], targets: [Double], cosine_targets: [Double]
        let mnrl: Double, mnrl_scale5: Double, mnrl_symmetric: Double
        let cosent: Double, cosent_scale5: Double, cosine_similarity: Double
        let online_contrastive: Double?

        func tensor(_ rows: [[Double]]) -> Tensor { Tensor(rows.flatMap { $0.map(Float.init) }, shape: [rows.count, rows[0].count]) }
        var x: Tensor { tensor(a) }
        var y: Tensor { tensor(b) }
        var t: Tensor { Tensor(targets.map(Float.init)) }
    }
    struct Reference: Decodable { let cases: [Case] }

    static let reference: [Case] = (try? Fixtures.decode(Reference.self, from: "text_loss_reference.json").cases) ?? []

    func expectClose(_ value: Float, _ expected: Double, _ what: String) {
        let tolerance = 1e-5 * Swift.max(1, Swift.abs(expected))
        #expect(Swift.abs(Double(value) - expected) <= tolerance, "\(what): \(value) vs sentence-transformers \(expected)")
    }

    @Test func fixtureIsThere() { #expect(Self.reference.count == 4) }

    @Test func valuesMatchSentenceTransformers() {
        for (i, c) in Self.reference.enumerated() {
            expectClose(MultipleNegativesRankingLoss()(c.x, c.y, targets: c.t).item, c.mnrl, "case \(i) MNRL")
            expectClose(MultipleNegativesRankingLoss(scale: 5)(c.x, c.y, targets: c.t).item, c.mnrl_scale5, "case \(i) MNRL scale 5")
            expectClose(MultipleNegativesRankingLoss(symmetric: true)(c.x, c.y, targets: c.t).item, c.mnrl_symmetric, "case \(i) symmetric MNRL")
            expectClose(CoSENTLoss()(c.x, c.y, targets: c.t).item, c.cosent, "case \(i) CoSENT")
            expectClose(CoSENTLoss(scale: 5)(c.x, c.y, targets: c.t).item, c.cosent_scale5, "case \(i) CoSENT scale 5")
            expectClose(CosineSimilarityRegressionLoss()(c.x, c.y, targets: Tensor(c.cosine_targets.map(Float.init))).item,
                        c.cosine_similarity, "case \(i) cosine similarity")
            if let online = c.online_contrastive {
                expectClose(OnlineContrastiveLoss()(c.x, c.y, same: c.t).item, online, "case \(i) online contrastive")
            }
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        // Scale 5 keeps the exponentials in the range where float32 central differences are accurate.
        let losses: [(String, any PairLoss)] = [
            ("mnrl", MultipleNegativesRankingLoss(scale: 5)), ("symmetric mnrl", MultipleNegativesRankingLoss(scale: 5, symmetric: true)),
            ("cosent", CoSENTLoss(scale: 5)), ("cosine", CosineSimilarityRegressionLoss()),
        ]
        for c in Self.reference.prefix(2) {
            let targets = Tensor(c.cosine_targets.map(Float.init))
            for (name, loss) in losses {
                let worst = GradientCheck.worstError([c.x, c.y], epsilon: 1e-3) { loss($0[0], $0[1], targets: targets) }
                #expect(worst <= 1, "\(name): worst gradient mismatch \(worst)")
            }
        }
    }

    @Test func cosentIsZeroWhenTargetsTieAndIgnoresTheirScale() {
        let c = Self.reference[0]
        #expect(CoSENTLoss()(c.x, c.y, targets: Tensor([Float](repeating: 2, count: c.targets.count))).item == 0)
        // Only the order of the targets matters.
        let scaled = Tensor(c.targets.map { Float($0) / 5 })
        expectClose(CoSENTLoss()(c.x, c.y, targets: scaled).item, c.cosent, "CoSENT with targets / 5")
    }

    @Test func registryBuildsTheNewLosses() throws {
        let ranking = try PairLosses.registry.make(ComponentSpec(name: "multiple-negatives-ranking", parameters: ["symmetric": true, "scale": 10]))
        let made = try #require(ranking as? MultipleNegativesRankingLoss)
        #expect(made.symmetric && made.scale == 10)
        #expect(try PairLosses.registry.make("cosent") is CoSENTLoss)
        #expect(throws: RegistryError.self) { try PairLosses.registry.make(ComponentSpec(name: "cosent", parameters: ["scale": -1])) }
    }
}
