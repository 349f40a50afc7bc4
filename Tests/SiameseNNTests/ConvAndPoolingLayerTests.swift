import Testing
@testable import SiameseCore
@testable import SiameseNN
import SiameseTestSupport

@Suite struct ConvAndPoolingLayerTests {
    @Test func conv2dLayerShapesAndGradients() {
        let conv = Conv2d(2, 3, kernel: 3, stride: 1, padding: 1)
        #expect(conv.weight.shape == [3, 2, 3, 3])
        let x = Support.random([2, 2, 5, 5], seed: 3)
        #expect(conv(x).shape == [2, 3, 5, 5])
        #expect(GradientCheck.worstError(Support.random([1, 2, 4, 4], seed: 4), parameters: conv.parameters(), atol: 3e-3, rtol: 3e-2) { conv($0) } <= 1)
        let bound = 1 / Float(2 * 9).squareRoot()
        #expect(conv.weight.value.abs().max().item <= bound)
    }

    @Test func poolingLayers() {
        let x = Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])
        #expect(MaxPool2d(2)(x).scalars == [5, 7, 13, 15])
        #expect(AvgPool2d(2)(x).scalars == [2.5, 4.5, 10.5, 12.5])
        #expect(AdaptiveAvgPool2d((1, 1))(x).scalars == [7.5])
        #expect(AdaptiveAvgPool2d((2, 2))(x).scalars == [2.5, 4.5, 10.5, 12.5])
        // 3×3 from 4×4 uses overlapping windows [0,2), [1,3), [2,4).
        let a = AdaptiveAvgPool2d((3, 3))(x)
        #expect(a.shape == [1, 1, 3, 3])
        #expect(a.scalars[0] == 2.5 && a.scalars[4] == 7.5 && a.scalars[8] == 12.5)
        #expect(Flatten()(x).shape == [1, 16])
    }
}
