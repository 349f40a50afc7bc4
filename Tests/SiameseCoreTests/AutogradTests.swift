import Testing
@testable import SiameseCore

@Suite struct AutogradTests {
    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor([1, 2]).requiringGrad()
        (x * 3).sum().backward()
        (x * x).sum().backward()
        #expect(x.grad?.scalars == [5, 7])
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test func sharedSubexpressionSumsBothPaths() {
        let x = Tensor([2]).requiringGrad()
        let y = x.exp()
        (y * y + y).sum().backward()  // d/dx (e^{2x} + e^x) = 2e^{2x} + e^x
        let e2 = Float(7.389056)
        #expect(Check.close(x.grad!.scalars, [2 * e2 * e2 + e2], tolerance: 1e-5))
    }

    @Test func noGradRecordsNothing() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let y = withNoGrad { (x * 2).exp().sum() }
        #expect(!y.requiresGrad)
        #expect((x * 2).requiresGrad)
        #expect(GradMode.isEnabled)
    }

    @Test func detachStopsGradient() {
        let x = Tensor([1, 2]).requiringGrad()
        let y = x * x.detached()
        y.sum().backward()
        #expect(x.grad?.scalars == [1, 2])
    }

    @Test func constantsDoNotRequireGrad() {
        let a = Tensor([1, 2]), b = Tensor([3, 4])
        #expect(!(a * b).requiresGrad)
    }

    @Test func parameterAccumulatesAndUpdatesInPlace() {
        let p = Parameter(Tensor([1, 2, 3]))
        (p.value * p.value).sum().backward()
        #expect(p.grad?.scalars == [2, 4, 6])
        p.update(Tensor([0, 0, 1]))
        #expect(p.value.scalars == [0, 0, 1])
        p.zeroGrad()
        #expect(p.grad == nil)
        p.setFrozen(true)
        #expect(!(p.value * 2).requiresGrad)
    }

    @Test func deepChainDoesNotOverflowTheStack() {
        var x = Tensor([1]).requiringGrad()
        let leaf = x
        for _ in 0..<20_000 { x = x + 0 }
        x.sum().backward()
        #expect(leaf.grad?.scalars == [1])
    }

    @Test func backwardWithSeed() {
        let x = Tensor([1, 2]).requiringGrad()
        (x * 3).backward(seed: Tensor([1, -1]))
        #expect(x.grad?.scalars == [3, -3])
    }
}
