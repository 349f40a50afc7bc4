import Testing
@testable import SiameseCore
@testable import SiameseNN
@testable import SiameseOptimizers

/// One parameter p = [1, −2] with loss Σ p² · c, so the gradient is 2c·p.
func quadratic(_ values: [Float] = [1, -2]) -> (Parameter, () -> Void) {
    let p = Parameter(Tensor(values))
    return (p, { (p.value * p.value).sum().backward() })
}

func close(_ a: [Float], _ b: [Float], _ tol: Float = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol * Swift.max(1, Swift.abs($1)) }
}

@Suite struct OptimizerTests {
    @Test func sgdWithMomentumNesterovAndDecay() {
        let (p, loss) = quadratic()
        let sgd = SGD([("p", p)], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        loss(); sgd.step()
        // g = 2p + 0.01p = [2.01, −4.02]; b = g; g' = g + 0.9b = 1.9g; p −= 0.1·g'
        let expectedFirst: [Float] = [1 - 0.1 * 1.9 * 2.01, -2 + 0.1 * 1.9 * 4.02]
        #expect(close(p.value.scalars, expectedFirst))
        let p1 = p.value.scalars
        sgd.zeroGrad(); loss(); sgd.step()
        let g2 = p1.map { 2.01 * $0 }
        let b2 = zip([2.01, -4.02] as [Float], g2).map { 0.9 * $0 + $1 }
        let expected = (0..<2).map { p1[$0] - 0.1 * (g2[$0] + 0.9 * b2[$0]) }
        #expect(close(p.value.scalars, expected))
    }

    @Test func plainSGD() {
        let (p, loss) = quadratic()
        let sgd = SGD([("p", p)], learningRate: 0.25)
        loss(); sgd.step()
        #expect(p.value.scalars == [0.5, -1])
    }

    @Test func adamFirstTwoSteps() {
        let (p, loss) = quadratic()
        let adam = Adam([("p", p)], learningRate: 0.1)
        loss(); adam.step()
        // Step 1: m̂ = g, v̂ = g², update = lr · g/(|g| + ε) ≈ lr · sign(g).
        #expect(close(p.value.scalars, [0.9, -1.9], 1e-5))
        let p1 = p.value.scalars
        adam.zeroGrad(); loss(); adam.step()
        let g1: [Float] = [2, -4], g2 = p1.map { 2 * $0 }
        let expected = (0..<2).map { i -> Float in
            let m = 0.9 * (0.1 * g1[i]) + 0.1 * g2[i]
            let v = 0.999 * (0.001 * g1[i] * g1[i]) + 0.001 * g2[i] * g2[i]
            let mh = m / (1 - 0.81), vh = v / (1 - 0.998001)
            return p1[i] - 0.1 * mh / (vh.squareRoot() + 1e-8)
        }
        #expect(close(p.value.scalars, expected, 1e-5))
    }

    @Test func adamWDecouplesWeightDecay() {
        let (p, loss) = quadratic()
        let opt = AdamW([("p", p)], learningRate: 0.1, weightDecay: 0.5)
        loss(); opt.step()
        // p ← p·(1 − 0.05), then the Adam step of ≈ 0.1·sign(g).
        #expect(close(p.value.scalars, [0.95 - 0.1, -1.9 + 0.1], 1e-5))
        let (q, lossQ) = quadratic()
        let l2 = Adam([("q", q)], learningRate: 0.1, weightDecay: 0.5)
        lossQ(); l2.step()
        #expect(close(q.value.scalars, [0.9, -1.9], 1e-5))  // L2 term only rescales g: first Adam step is still lr·sign(g)
    }

    @Test func frozenAndGradientlessParametersAreSkipped() {
        let a = Parameter(Tensor([1])), b = Parameter(Tensor([1]))
        b.setFrozen(true)
        let opt = SGD([("a", a), ("b", b)], learningRate: 1)
        opt.step()
        #expect(a.value.scalars == [1] && b.value.scalars == [1])
    }

    @Test func clipping() {
        let (p, loss) = quadratic([3, 4])
        loss()  // g = [6, 8], ‖g‖ = 10
        let norm = GradientClipping.clipByNorm([p], maxNorm: 5)
        #expect(norm == 10)
        #expect(close(p.grad!.scalars, [3, 4], 1e-5))
        GradientClipping.clipByValue([p], maxValue: 3.5)
        #expect(close(p.grad!.scalars, [3, 3.5], 1e-5))
    }
}
