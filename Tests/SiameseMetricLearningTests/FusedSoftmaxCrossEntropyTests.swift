import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseTestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fused softmax cross-entropy ops (``SoftmaxCrossEntropy``, ``MarginSoftmaxCrossEntropy``): finite-difference
/// gradients in the embeddings and the class weights, agreement with the same loss composed from engine ops, on
/// batches large enough for several parallel chunks and for the vector tails, and the portable path (SIMD level 0)
/// against the AVX one.
@Suite struct FusedSoftmaxCrossEntropyTests {
    static func normal(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.normal(shape, generator: &g) * scale
    }

    /// The target logits the losses use: ArcFace's, CosFace's, L-Softmax's (m = 2, with ‖x‖·‖w‖) and a plain one.
    static func arc(_ c: Float, _ a: Float, _ b: Float) -> TargetLogit { ArcFaceLoss.angularMargin(c, 0.3, scale: 4) }
    static func cosFace(_ c: Float, _ a: Float, _ b: Float) -> TargetLogit { TargetLogit(value: 4 * (c - 0.2), dc: 4) }
    static func largeMargin(_ c: Float, _ a: Float, _ b: Float) -> TargetLogit {
        // ψ = 2c² − 1 (cos 2θ) for θ < π/2, −(2c² − 1) − 2 beyond; times a·b.
        let k: Float = c < 0 ? 1 : 0, sign: Float = c < 0 ? -1 : 1
        let psi = sign * (2 * c * c - 1) - 2 * k
        return TargetLogit(value: a * b * psi, dc: a * b * sign * 4 * c, da: b * psi, db: a * psi)
    }

    /// The same loss from engine ops: logits `s·α·(x·W)·β` with the target replaced, then `−log softmax`.
    static func composed(_ x: Tensor, _ w: Tensor, subCenters k: Int, targets: [Int], scale: Float,
                         normalizeEmbeddings: Bool, normalizeWeights: Bool,
                         target: (Tensor, Tensor, Tensor) -> Tensor) -> Tensor {
        let n = x.shape[0], classes = w.shape[1] / k
        let a = x.norm(axis: 1, keepDims: true), b = w.norm(axis: 0, keepDims: true)
        let xn = normalizeEmbeddings ? x.l2Normalized(axis: 1) : x
        let wn = normalizeWeights ? w.l2Normalized(axis: 0) : w
        var logits = Tensor.matmul(xn, wn) * scale
        let cosine = Tensor.matmul(x.l2Normalized(axis: 1), w.l2Normalized(axis: 0))
        var bNorm = b.expanded(to: [n, w.shape[1]])
        var cosTarget = cosine
        if k > 1 {
            // The class's closest sub-centre (by cosine, as the fused op chooses it); the targets used here ignore ‖w‖.
            logits = logits.reshaped([n, classes, k]).max(axis: 2)
            cosTarget = cosine.reshaped([n, classes, k]).max(axis: 2)
            bNorm = Tensor.zeros([n, classes])
        }
        let mask = ClassTargets.oneHot(targets, classes: classes)
        let c = (cosTarget * mask).sum(axis: 1, keepDims: true)
        let bt = (bNorm * mask).sum(axis: 1, keepDims: true)
        let t = target(c, a, bt)
        let replaced = logits * (1 - mask) + mask * t
        return ClassTargets.crossEntropy(replaced, oneHot: mask)
    }

    static func fused(_ x: Tensor, _ w: Tensor, subCenters: Int = 1, targets: [Int], scale: Float, normalizeEmbeddings: Bool = true,
                      normalizeWeights: Bool = true, _ target: @escaping (Float, Float, Float) -> TargetLogit) -> Tensor {
        MarginSoftmaxCrossEntropy.losses(embeddings: x, weights: w, subCenters: subCenters, targets: targets, scale: scale,
                                         normalizeEmbeddings: normalizeEmbeddings, normalizeWeights: normalizeWeights, target: target)
    }

    @Test func marginGradientsByFiniteDifferences() {
        let x = Self.normal([8, 4], seed: 5), w = Self.normal([4, 3], seed: 6)
        let labels = LossCheck.labels
        #expect(GradientCheck.worstError([x, w], epsilon: 1e-3) { Self.fused($0[0], $0[1], targets: labels, scale: 4, Self.arc) } <= 1)
        #expect(GradientCheck.worstError([x, w], epsilon: 1e-3) { Self.fused($0[0], $0[1], targets: labels, scale: 4, Self.cosFace) } <= 1)
        // L-Softmax: nothing normalised, the target's own terms in ‖x‖ and ‖w‖.
        #expect(GradientCheck.worstError([x, w], epsilon: 1e-3) {
            Self.fused($0[0], $0[1], targets: labels, scale: 0.5, normalizeEmbeddings: false, normalizeWeights: false, Self.largeMargin)
        } <= 1)
        // SphereFace-like: weights normalised, embeddings not.
        #expect(GradientCheck.worstError([x, w], epsilon: 1e-3) {
            Self.fused($0[0], $0[1], targets: labels, scale: 1, normalizeEmbeddings: false, normalizeWeights: true) { c, a, _ in
                TargetLogit(value: a * (c - 0.1), dc: a, da: c - 0.1)
            }
        } <= 1)
        // Two sub-centres per class.
        let w2 = Self.normal([4, 6], seed: 7)
        #expect(GradientCheck.worstError([x, w2], epsilon: 1e-3) { Self.fused($0[0], $0[1], subCenters: 2, targets: labels, scale: 4, Self.arc) } <= 1)
    }

    @Test func plainGradientsByFiniteDifferences() {
        let x = Self.normal([8, 5], seed: 8), b = Self.normal([6, 5], seed: 9)
        let labels = [0, 1, 2, 3, 4, 0, 1, 2]
        #expect(GradientCheck.worstError([x], epsilon: 1e-3) { SoftmaxCrossEntropy.losses($0[0], targets: labels, scale: 0.7) } <= 1)
        #expect(GradientCheck.worstError([x, b], epsilon: 1e-3) { SoftmaxCrossEntropy.ofProduct($0[0], $0[1], targets: labels, scale: 0.7) } <= 1)
        #expect(GradientCheck.worstError([x], epsilon: 1e-3) { SoftmaxCrossEntropy.ofGram($0[0], targets: labels, scale: 0.7) } <= 1)
        #expect(GradientCheck.worstError([x], epsilon: 1e-3) {
            SoftmaxCrossEntropy.ofGram($0[0], targets: labels, scale: 3, normalizeRows: true)
        } <= 1)
    }

    /// Values and gradients against the composed loss on batches of 300 × 67 classes (two chunks, vector tails) and
    /// sub-centres, at the default SIMD level (AVX-512 where the CPU has it), at level 1 (AVX2 + FMA, which an AVX-512
    /// machine would otherwise never run) and at level 0 (the portable kernels).
    @Test(arguments: [Int.max, 1, 0])
    func matchesComposedLoss(level: Int) {
        SIMDKernels.$maximumLevel.withValue(level) {
            let n = 300, d = 24, classes = 67
            let labels = (0..<n).map { ($0 * 7) % classes }
            let cases: [(Int, Float, Bool, Bool, (Float, Float, Float) -> TargetLogit, (Tensor, Tensor, Tensor) -> Tensor)] = [
                (1, 16, true, true, Self.arc, { c, _, _ in
                    let cc = c.clamped(min: -1 + 1e-7, max: 1 - 1e-7)
                    return (cc * cosf(0.3) - (1 - cc.square()).sqrt() * sinf(0.3)) * 4 }),
                (1, 16, true, true, Self.cosFace, { c, _, _ in (c - 0.2) * 4 }),
                (1, 0.5, false, false, Self.largeMargin, { c, a, b in
                    let negative = c.mapValues { $0 < 0 ? 1 : 0 }
                    let sign = 1 - 2 * negative
                    return a * b * (sign * (2 * c.square() - 1) - 2 * negative) }),
                (3, 16, true, true, Self.arc, { c, _, _ in
                    let cc = c.clamped(min: -1 + 1e-7, max: 1 - 1e-7)
                    return (cc * cosf(0.3) - (1 - cc.square()).sqrt() * sinf(0.3)) * 4 }),
            ]
            for (k, scale, normX, normW, target, reference) in cases {
                let x = Self.normal([n, d], seed: 21).requiringGrad(), w = Self.normal([d, classes * k], seed: 22).requiringGrad()
                let r = Self.normal([n], seed: 23)
                (Self.fused(x, w, subCenters: k, targets: labels, scale: scale, normalizeEmbeddings: normX,
                            normalizeWeights: normW, target) * r).sum().backward()
                let x2 = x.detached().requiringGrad(), w2 = w.detached().requiringGrad()
                let expected = Self.composed(x2, w2, subCenters: k, targets: labels, scale: scale, normalizeEmbeddings: normX,
                                             normalizeWeights: normW, target: reference)
                (expected * r).sum().backward()
                let got = withNoGrad {
                    Self.fused(x.detached(), w.detached(), subCenters: k, targets: labels, scale: scale,
                               normalizeEmbeddings: normX, normalizeWeights: normW, target)
                }
                Self.expectClose(got, expected, "k \(k) level \(level) losses")
                Self.expectClose(x.grad!, x2.grad!, "k \(k) level \(level) d/dx")
                Self.expectClose(w.grad!, w2.grad!, "k \(k) level \(level) d/dW")
            }
            // The plain op: a row of 67 scaled logits.
            let z = Self.normal([n, classes], seed: 24, scale: 3)
            let got = SoftmaxCrossEntropy.losses(z, targets: labels, scale: 1.5)
            let expected = ClassTargets.crossEntropy(z * 1.5, oneHot: ClassTargets.oneHot(labels, classes: classes))
            Self.expectClose(got, expected, "plain level \(level)")
            // The batch against itself (the 8×8 tile transposes, with a partial last tile: 300 = 37·8 + 4).
            let q = Self.normal([n, d], seed: 25).requiringGrad(), q2 = q.detached().requiringGrad()
            let rank = (0..<n).map { $0 % 50 }, r = Self.normal([n], seed: 26)
            (SoftmaxCrossEntropy.ofGram(q, targets: rank, scale: 0.3) * r).sum().backward()
            let gram = ClassTargets.crossEntropy(Tensor.matmul(q2, q2.transposed()) * 0.3, oneHot: ClassTargets.oneHot(rank, classes: n))
            (gram * r).sum().backward()
            Self.expectClose(withNoGrad { SoftmaxCrossEntropy.ofGram(q.detached(), targets: rank, scale: 0.3) }, gram, "gram level \(level)")
            Self.expectClose(q.grad!, q2.grad!, "gram level \(level) d/dq")
            // … with the rows normalised inside the op.
            let u = Self.normal([n, d], seed: 27).requiringGrad(), u2 = u.detached().requiringGrad()
            (SoftmaxCrossEntropy.ofGram(u, targets: rank, scale: 8, normalizeRows: true) * r).sum().backward()
            let un = u2.l2Normalized(axis: 1)
            (ClassTargets.crossEntropy(Tensor.matmul(un, un.transposed()) * 8, oneHot: ClassTargets.oneHot(rank, classes: n)) * r).sum().backward()
            Self.expectClose(u.grad!, u2.grad!, "normalised gram level \(level) d/du")
        }
    }

    static func expectClose(_ a: Tensor, _ b: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let x = a.scalars, y = b.scalars
        let scale = y.map(Swift.abs).max() ?? 0
        let worst = x.count == y.count ? (zip(x, y).map { Swift.abs($0 - $1) }.max() ?? 0) : .infinity
        #expect(worst <= 1e-5 + 1e-4 * scale, "\(what): differs by \(worst) (largest \(scale))", sourceLocation: sourceLocation)
    }
}
