import Testing
@testable import SiameseCore
@testable import SiameseNN

final class TinyNet: Module, UnaryLayer {
    let encoder = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
    let norm = BatchNorm1d(2)
    let heads: [Linear] = [Linear(2, 1), Linear(2, 1, bias: false)]
    let optionalHead: Linear? = nil

    func callAsFunction(_ x: Tensor) -> Tensor { heads[0](norm(encoder(x))) }
}

@Suite struct ModuleTests {
    @Test func parametersHaveDottedPyTorchNames() {
        let net = TinyNet()
        #expect(net.namedParameters().map(\.name) == [
            "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
            "norm.weight", "norm.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight",
        ])
        #expect(net.namedBuffers().map(\.name) == ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked"])
        #expect(net.parameterCount == 15 + 8 + 4 + 3 + 2)
    }

    @Test func trainEvalAndFreezeReachEveryChild() {
        let net = TinyNet()
        net.eval()
        #expect(net.modules().allSatisfy { !$0.isTraining })
        net.train()
        #expect(net.norm.isTraining)
        net.encoder.freeze()
        #expect(net.trainableParameters().count == 5)
        let y = net(Support.random([3, 4], seed: 1))
        y.sum().backward()
        #expect(net.encoder.parameters().allSatisfy { $0.grad == nil })
        #expect(net.heads[0].weight.grad != nil)
    }

    @Test func sequentialAppliesInOrder() {
        let s = Sequential(Flatten(), ReLU())
        #expect(s(Tensor([-1, 2, -3, 4], shape: [1, 2, 2])).scalars == [0, 2, 0, 4])
    }
}
