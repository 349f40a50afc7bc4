import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseTestSupport

/// Finite-difference checks (`GradientCheck`) for every loss, on a small batch (8 samples, 3 classes), away from kinks.
enum LossCheck {
    static let labels = [0, 1, 2, 0, 1, 2, 0, 1]

    static func embeddings(seed: UInt64 = 5, dim: Int = 4) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.normal([labels.count, dim], generator: &g)
    }
}

@Suite struct LossGradientTests {
    let x = LossCheck.embeddings()
    let labels = LossCheck.labels

    @Test func pairAndTripletLosses() {
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { ContrastiveLoss()($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { TripletMarginLoss(margin: 0.3)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { TripletMarginLoss(softMargin: true)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { QuadrupletLoss()($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { MarginLoss()($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { MarginLoss(form: .pairs)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { TripletMarginLoss(margin: 0.1, smoothLoss: true)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { LiftedStructureLoss()($0, labels: labels) } <= 1)
        // General p: the p-th root of a zero distance (the diagonal) must not make the gradient NaN.
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { ContrastiveLoss(distance: LpDistance(p: 3, normalizeEmbeddings: false))($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { ContrastiveLoss(distance: CosineSimilarity(), reducer: PerAnchorReducer())($0, labels: labels) } <= 1)
    }

    @Test func softmaxFamilyLosses() {
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { MultiSimilarityLoss()($0, labels: labels) } <= 1)
        // CircleLoss is absent on purpose: its pair weights are detached (as in the paper and PML), so its
        // gradient is not the derivative of its value; it is checked against PML's gradient instead.
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { NTXentLoss(temperature: 0.5)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { NPairsLoss()($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { SupConLoss(temperature: 0.5)($0, labels: labels) } <= 1)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { AngularLoss()($0, labels: labels) } <= 1)
        let arc = ArcFaceLoss(numClasses: 3, embeddingSize: 4, scale: 8)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { arc($0, labels: labels) } <= 1)
        let cos = ArcFaceLoss.cosFace(numClasses: 3, embeddingSize: 4, scale: 8)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { cos($0, labels: labels) } <= 1)
        let proxyAnchor = ProxyAnchorLoss(numClasses: 3, embeddingSize: 4, alpha: 4)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { proxyAnchor($0, labels: labels) } <= 1)
        let nca = ProxyNCALoss(numClasses: 3, embeddingSize: 4)
        #expect(GradientCheck.worstError(x, epsilon: 1e-3) { nca($0, labels: labels) } <= 1)
    }

    @Test func explicitPairLosses() {
        let a = LossCheck.embeddings(seed: 6), b = LossCheck.embeddings(seed: 7)
        let same = Tensor([1, 0, 1, 0, 1, 0, 1, 0]), targets = Tensor([0.9, 0.1, 0.5, 0.3, 1, 0, 0.7, 0.2])
        #expect(GradientCheck.worstError(a, epsilon: 1e-3) { PairContrastiveLoss()($0, b, same: same) } <= 1)
        #expect(GradientCheck.worstError(a, epsilon: 1e-3) { CosineSimilarityRegressionLoss()($0, b, targets: targets) } <= 1)
        #expect(GradientCheck.worstError(a, epsilon: 1e-3) { OnlineContrastiveLoss(margin: 1)($0, b, same: same) } <= 1)
    }
}

@Suite struct HandDerivedLossTests {
    // Points on the unit circle at known angles.
    static func unit(_ degrees: Float) -> [Float] {
        let r = degrees * Float.pi / 180
        return [Tensor([r]).mapValues { Foundation_cos($0) }.item, Tensor([r]).mapValues { Foundation_sin($0) }.item]
    }

    @Test func cosineRegressionAtRightAngles() {
        let a = Tensor([[1, 0], [1, 0]]), b = Tensor([[0, 1], [1, 0]])
        // cos = [0, 1]; targets [1, 1] → ((0 − 1)² + 0) / 2
        #expect(CosineSimilarityRegressionLoss()(a, b, targets: Tensor([1, 1])).item == 0.5)
    }

    @Test func marginLossByHand() {
        // Unnormalised L2: positive pair at distance 1.5, negative at 1.0; α 0.2, β 1.2.
        let x = Tensor([[0, 0], [1.5, 0], [0, 1]])
        let pairs = MarginLoss(form: .pairs, distance: LpDistance(normalizeEmbeddings: false))(x, labels: [0, 0, 1])
        // pos: [0.2 + 1.5 − 1.2]₊ = 0.5 (both orders); neg: [0.2 + 1.2 − d]₊ for d = 1 (0.4, twice) and d = √3.25 (0).
        #expect(Swift.abs(pairs.item - (0.5 + 0.4)) < 1e-5)
        // PML's triplet form: triplets (0, 1, 2) and (1, 0, 2) give 0.5 + 0.4 and 0.5 + 0; three non-zero terms.
        let triplets = MarginLoss(distance: LpDistance(normalizeEmbeddings: false))(x, labels: [0, 0, 1])
        #expect(Swift.abs(triplets.item - 1.4 / 3) < 1e-5)
    }

    @Test func tripletLossAtKnownAngles() {
        // Anchor at 0°, positive at 60°, negative at 90°: chord lengths 1 and √2.
        let x = Tensor([Self.unit(0), Self.unit(60), Self.unit(90)])
        let loss = TripletMarginLoss(margin: 0.5)(x, labels: [0, 0, 1])
        // Triplets (0,1,2): [1 − √2 + 0.5]₊ = 0.0858; (1,0,2): d(1,2) = chord(30°) = 0.5176: [1 − 0.5176 + 0.5]₊ = 0.9824.
        #expect(Swift.abs(loss.item - (0.0857864 + 0.9823619) / 2) < 1e-5)
    }

    @Test func npairsAtKnownAngles() {
        // Two classes; each anchor's own positive at 0° difference, the other at 90°: CE = log(1 + e^(0 − 1)).
        let x = Tensor([Self.unit(0), Self.unit(90), Self.unit(0), Self.unit(90)])
        let loss = NPairsLoss()(x, labels: [0, 1, 0, 1])
        #expect(Swift.abs(loss.item - 0.31326169) < 1e-5)
    }

    @Test func perAnchorReducerWeightsAnchorsEqually() {
        let term = LossTerm(losses: Tensor([1, 3, 10]), kind: .positivePair, anchors: [0, 0, 1])
        #expect(PerAnchorReducer().reduce(term).item == 6)  // (mean(1, 3) + 10) / 2
        #expect(AvgNonZeroReducer().reduce(LossTerm(losses: Tensor([0, 2, 4]), kind: .element)).item == 3)
        #expect(ThresholdReducer(low: 1, high: 5).reduce(LossTerm(losses: Tensor([0, 2, 4, 6]), kind: .element)).item == 3)
        #expect(DivisorReducer().reduce(LossTerm(losses: Tensor([2, 4]), kind: .element, divisor: 3)).item == 2)
    }

    @Test func onlineContrastiveUsesOnlyHardPairs() {
        let a = Tensor([[1, 0], [1, 0], [1, 0]]), b = Tensor([Self.unit(0), Self.unit(60), Self.unit(30)])
        // Cosine distances: pos 0 (easy), pos 0.5 (hard: farther than the negative at 0.134), neg 0.134 (hard).
        let l = OnlineContrastiveLoss(margin: 0.5)(a, b, same: Tensor([1, 1, 0]))
        let dNeg = 1 - Float(0.8660254)
        #expect(Swift.abs(l.item - (0.25 + (0.5 - dNeg) * (0.5 - dNeg))) < 1e-5)
    }
}

#if canImport(Glibc)
import Glibc
func Foundation_cos(_ x: Float) -> Float { Glibc.cosf(x) }
func Foundation_sin(_ x: Float) -> Float { Glibc.sinf(x) }
#else
import Darwin
func Foundation_cos(_ x: Float) -> Float { Darwin.cosf(x) }
func Foundation_sin(_ x: Float) -> Float { Darwin.sinf(x) }
#endif
