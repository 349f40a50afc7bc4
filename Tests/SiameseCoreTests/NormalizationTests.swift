import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct NormalizationTests {
    @Test func batchNormStatistics() {
        let x = Tensor([[1, 10], [3, 20], [5, 30]])
        let (y, mean, variance) = x.batchNorm(epsilon: 0)
        #expect(mean.scalars == [3, 20])
        #expect(Check.close(variance.scalars, [8 / 3.0, 200 / 3.0]))
        let col0 = [-1.2247449, 0, 1.2247449] as [Float]
        #expect(Check.close([y[0, 0], y[1, 0], y[2, 0]], col0, tolerance: 1e-5))
        #expect(Check.close([y[0, 1], y[1, 1], y[2, 1]], col0, tolerance: 1e-5))
    }

    @Test func inferenceModeUsesGivenStatistics() {
        let x = Tensor([[2, 4]])
        let y = x.batchNorm(mean: Tensor([1, 2]), variance: Tensor([4, 1]), gamma: Tensor([2, 1]), beta: Tensor([0, 1]), epsilon: 0)
        #expect(y.scalars == [1, 3])
    }

    @Test func layerNormZeroMeanUnitVariance() {
        let x = Check.random([4, 8], seed: 41)
        let y = x.layerNorm(epsilon: 0)
        for row in 0..<4 {
            let r = y.narrowed(axis: 0, start: row, length: 1)
            #expect(Swift.abs(r.mean().item) < 1e-5)
            #expect(Swift.abs(r.variance().item - 1) < 1e-4)
        }
    }

    @Test func gradients() {
        let x2 = Check.random([5, 3], seed: 42), x4 = Check.random([2, 3, 3, 2], seed: 43)
        let g = Check.positive([3], seed: 44), b = Check.random([3], seed: 45)
        #expect(GradientCheck.worstError([x2, g, b]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2]).output } <= 1)
        #expect(GradientCheck.worstError([x4, g, b]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2]).output } <= 1)
        let ln = Check.random([3, 6], seed: 46), lg = Check.positive([6], seed: 47), lb = Check.random([6], seed: 48)
        #expect(GradientCheck.worstError([ln, lg, lb]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) } <= 1)
    }

    @Test func fusedBatchNormMatchesTheComposedReference() {
        let g = Check.positive([4], seed: 50), b = Check.random([4], seed: 51)
        // Rank 2, rank 4, and a non-contiguous (permuted) input.
        let inputs = [Check.random([6, 4], seed: 52), Check.random([3, 4, 5, 2], seed: 53),
                      Check.random([3, 5, 4, 2], seed: 54).permuted([0, 2, 1, 3])]
        for x in inputs {
            for (gamma, beta) in [(g, b), (nil, nil), (g, nil)] as [(Tensor?, Tensor?)] {
                let leaves = [x.requiringGrad(), gamma?.requiringGrad(), beta?.requiringGrad()]
                let fused = leaves[0]!.batchNorm(gamma: leaves[1], beta: leaves[2], epsilon: 1e-3)
                let probe = Check.random(x.shape, seed: 55)
                (fused.output * probe).sum().backward()
                let reference = [x.requiringGrad(), gamma?.requiringGrad(), beta?.requiringGrad()]
                let composed = reference[0]!.composedBatchNorm(gamma: reference[1], beta: reference[2], epsilon: 1e-3)
                (composed.output * probe).sum().backward()
                #expect(Check.close(fused.output.scalars, composed.output.scalars, tolerance: 1e-5))
                #expect(Check.close(fused.mean.scalars, composed.mean.scalars, tolerance: 1e-6))
                #expect(Check.close(fused.variance.scalars, composed.variance.scalars, tolerance: 1e-5))
                for (a, r) in zip(leaves, reference) where a != nil {
                    #expect(Check.close(a!.grad!.scalars, r!.grad!.scalars, tolerance: 1e-4))
                }
            }
        }
        let x = Check.random([4, 3, 2, 2], seed: 56)
        #expect(GradientCheck.worstError([x]) { $0[0].batchNorm().output } <= 1)
    }

    @Test func dropoutIsSeededAndScaled() {
        let x = Tensor.ones([1000])
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let a = x.dropout(0.25, generator: &g1), b = x.dropout(0.25, generator: &g2)
        #expect(a.scalars == b.scalars)
        #expect(Set(a.scalars).isSubset(of: [0, 4 / 3.0]))
        let dropped = a.scalars.filter { $0 == 0 }.count
        #expect(dropped > 200 && dropped < 300)
        var g3 = SeededGenerator(seed: 5)
        #expect(x.dropout(0.25, training: false, generator: &g3).scalars == x.scalars)
        var g4 = SeededGenerator(seed: 6)
        let input = Check.random([20], seed: 49)
        let leaf = input.requiringGrad()
        let y = leaf.dropout(0.5, generator: &g4)
        y.sum().backward()
        #expect(leaf.grad!.scalars == y.scalars.enumerated().map { $0.element == 0 ? 0 : 2 })
    }
}

/// Kernels must never read memory they did not write: buffers come back from the pool with old contents.
@Suite(.serialized) struct UninitializedMemoryTests {
    /// Fills pooled buffers of the sizes `body` uses with NaN, then checks `body` gives what it gave before.
    static func poisoned(_ body: () -> [Float]) -> (clean: [Float], poisoned: [Float]) {
        BufferPool.shared.drain()
        let clean = body()
        // Whatever sizes the first run used are in the pool now; poison every cached buffer.
        #expect(BufferPool.shared.fillCachedBuffers(with: .nan) > 5)
        return (clean, body())
    }

    @Test func trainingStepThroughConvBatchNormPoolIgnoresStaleBuffers() {
        let result = Self.poisoned {
            var g = SeededGenerator(seed: 9)
            let x = Tensor.normal([8, 4, 16, 16], generator: &g)
            let w = Tensor.normal([6, 4, 3, 3], generator: &g).requiringGrad()
            let bias = Tensor.normal([6], generator: &g).requiringGrad()
            let gamma = Tensor.ones([6]).requiringGrad()
            let y = x.conv2d(weight: w, bias: bias, padding: (1, 1)).batchNorm(gamma: gamma).output.relu().maxPool2d(kernel: (2, 2))
            let loss = matmul(y.flattened(), Tensor.normal([384, 5], generator: &g)).square().mean()
            loss.backward()
            return loss.scalars + w.grad!.scalars + bias.grad!.scalars + gamma.grad!.scalars
        }
        #expect(result.clean == result.poisoned)
        #expect(result.poisoned.allSatisfy { $0.isFinite })
    }
}
