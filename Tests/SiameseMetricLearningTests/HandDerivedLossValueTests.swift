import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning

/// Values worked out by hand (see each comment) for the losses that have no PML fixture.
@Suite struct HandDerivedLossValueTests {
    let l2 = LpDistance(normalizeEmbeddings: false)

    @Test func hadsellContrastive() {
        // d = [5, 0.5]; (1·5² + (1 − 0.5)²) / 2
        let loss = PairContrastiveLoss(margin: 1)(Tensor([[0, 0], [0, 0]]), Tensor([[3, 4], [0.5, 0]]), same: Tensor([1, 0]))
        #expect(Swift.abs(loss.item - 12.625) < 1e-4)
    }

    @Test func quadruplet() {
        // 1-D points 0, 1 (class 0), 3 (class 1), 3.5 (class 2). Triplet terms with α₁ = 2.5: 0.5, 0, 1.5, 1 → mean of
        // non-zero 1. Every second negative is 0.5 from its negative, so each quadruplet term is d(a,p) = 1 → 1.
        let x = Tensor([[0], [1], [3], [3.5]])
        let loss = QuadrupletLoss(margin1: 2.5, margin2: 0.5, distance: l2)(x, labels: [0, 0, 1, 2])
        #expect(Swift.abs(loss.item - 2) < 1e-5)
    }

    @Test func angular() {
        // α = 45° (tan² = 1): for a = (1,0), p = (0,1), n = (−1,0): f = 4(a+p)·n − 4 a·p = −4, loss = log(1 + e⁻⁴).
        let x = Tensor([[1, 0], [0, 1], [-1, 0]])
        let loss = AngularLoss(alphaDegrees: 45)(x, labels: [0, 0, 1])
        #expect(Swift.abs(loss.item - 0.0181499279) < 1e-6)
    }

    @Test func liftedStructure() {
        // Points 0, 1 (class 0) and 3 (class 1), margin 1: J = log(e^(1−3) + e^(1−2)) + 1, loss = J²/2.
        let loss = LiftedStructureLoss(negMargin: 1, distance: LpDistance(normalizeEmbeddings: false))(Tensor([[0], [1], [3]]), labels: [0, 0, 1])
        #expect(Swift.abs(loss.item - 0.0490664424) < 1e-6)
    }

    @Test func proxyNCAAndCosFace() {
        // Proxies (1,0), (0,1); x = (1,0) of class 0: squared distances 0 and 2 → log(1 + e⁻²).
        let nca = ProxyNCALoss(numClasses: 2, embeddingSize: 2)
        nca.proxies.update(Tensor([[1, 0], [0, 1]]))
        #expect(Swift.abs(nca(Tensor([[1, 0]]), labels: [0]).item - 0.1269280110) < 1e-6)
        // CosFace, scale 1, margin 0.35: logits (1 − 0.35, 0) → log(1 + e^−0.65).
        let cosFace = ArcFaceLoss.cosFace(numClasses: 2, embeddingSize: 2, margin: 0.35, scale: 1)
        cosFace.weight.update(Tensor([[1, 0], [0, 1]]))
        #expect(Swift.abs(cosFace(Tensor([[1, 0]]), labels: [0]).item - 0.4200553357) < 1e-6)
        // ArcFace with the same setup: θ = 0, target cos(0 + m).
        let arc = ArcFaceLoss(numClasses: 2, embeddingSize: 2, margin: .angular(radians: 0.5), scale: 1)
        arc.weight.update(Tensor([[1, 0], [0, 1]]))
        let target = Float(0.8775825619)  // cos 0.5
        let expected = -(target - (Tensor([target, 0]).logSumExp().item))
        #expect(Swift.abs(arc(Tensor([[1, 0]]), labels: [0]).item - expected) < 1e-4)
    }
}
