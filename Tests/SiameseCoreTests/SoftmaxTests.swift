import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct SoftmaxTests {
    @Test func valuesSumToOneAndAreStable() {
        let x = Tensor([[1, 2, 3], [1000, 1000, 1000]])
        let s = x.softmax()
        #expect(Check.close(s.scalars, [0.09003057, 0.24472847, 0.66524096, 1 / 3.0, 1 / 3.0, 1 / 3.0]))
        let ls = x.logSoftmax()
        #expect(Check.close(ls.scalars, [-2.40760596, -1.40760596, -0.40760596, -1.09861229, -1.09861229, -1.09861229]))
    }

    @Test func gradients() {
        let x = Check.random([3, 5], seed: 21, low: -2, high: 2)
        #expect(GradientCheck.worstError([x]) { $0[0].softmax() } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].softmax(axis: 0) } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].logSoftmax() } <= 1)
        let y = Check.random([2, 3, 4], seed: 22)
        #expect(GradientCheck.worstError([y]) { $0[0].logSoftmax(axis: 1) } <= 1)
    }
}
