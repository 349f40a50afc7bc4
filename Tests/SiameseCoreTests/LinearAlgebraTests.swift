import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct LinearAlgebraTests {
    /// Reference product by triple loop.
    static func naive(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return c
    }

    @Test func matrixProductMatchesNaive() {
        let a = Check.random([5, 7], seed: 1), b = Check.random([7, 3], seed: 2)
        let c = matmul(a, b)
        #expect(c.shape == [5, 3])
        #expect(Check.close(c.scalars, Self.naive(a.scalars, b.scalars, m: 5, k: 7, n: 3), tolerance: 1e-5))
    }

    @Test func transposedViewsNeedNoCopyAndGiveTheSameProduct() {
        let a = Check.random([7, 5], seed: 3), b = Check.random([3, 7], seed: 4)
        let viaViews = matmul(a.transposed(), b.transposed())
        let viaCopies = matmul(a.transposed().contiguous(), b.transposed().contiguous())
        #expect(Check.close(viaViews.scalars, viaCopies.scalars, tolerance: 1e-6))
        #expect(Kernels.matrixOperand(a.transposed()).transposed)
    }

    @Test func batchedAndBroadcastProducts() {
        let a = Check.random([2, 3, 4, 5], seed: 5), b = Check.random([3, 5, 2], seed: 6)
        let c = matmul(a, b)
        #expect(c.shape == [2, 3, 4, 2])
        let a11 = a.narrowed(axis: 0, start: 1, length: 1).narrowed(axis: 1, start: 2, length: 1).reshaped([4, 5])
        let b2 = b.narrowed(axis: 0, start: 2, length: 1).reshaped([5, 2])
        let c11 = c.narrowed(axis: 0, start: 1, length: 1).narrowed(axis: 1, start: 2, length: 1).reshaped([4, 2])
        #expect(Check.close(c11.scalars, matmul(a11, b2).scalars, tolerance: 1e-5))
        let stack = matmul(Check.random([2, 4, 5], seed: 7), Check.random([5, 3], seed: 8))
        #expect(stack.shape == [2, 4, 3])
        #expect(matmul(Tensor([1, 2]), Tensor([[1, 0], [0, 1]])).scalars == [1, 2])
        #expect(matmul(Tensor([[1, 2], [3, 4]]), Tensor([1, 1])).scalars == [3, 7])
    }

    @Test func gradients() {
        let a = Check.random([3, 4], seed: 9), b = Check.random([4, 5], seed: 10)
        #expect(GradientCheck.worstError([a, b]) { matmul($0[0], $0[1]) } <= 1)
        #expect(GradientCheck.worstError([a, b]) { matmul($0[1].transposed(), $0[0].transposed()) } <= 1)
        let ba = Check.random([2, 3, 4], seed: 11), bb = Check.random([2, 4, 2], seed: 12)
        #expect(GradientCheck.worstError([ba, bb]) { matmul($0[0], $0[1]) } <= 1)
        let shared = Check.random([4, 2], seed: 13)
        #expect(GradientCheck.worstError([ba, shared]) { matmul($0[0], $0[1]) } <= 1)
        let left = Check.random([3, 4], seed: 14)
        #expect(GradientCheck.worstError([left, bb]) { matmul($0[0], $0[1]) } <= 1)
    }

    @Test func largeProductUsesBLASCorrectly() {
        var g = SeededGenerator(seed: 1)
        let a = Tensor.normal([64, 300], generator: &g), b = Tensor.normal([300, 40], generator: &g)
        #expect(Check.close(matmul(a, b).scalars, Self.naive(a.scalars, b.scalars, m: 64, k: 300, n: 40), tolerance: 1e-4))
    }
}
