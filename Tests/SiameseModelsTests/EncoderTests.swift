import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseModels
@testable import SiameseNN
@testable import SiameseOptimizers

@Suite struct EncoderTests {
    @Test func tutorialAndKochShapesAndParameterCounts() {
        #expect(GlobalGenerator.withSeed(1) { TutorialCNN() }.parameterCount == 115_584)
        let (koch, head) = GlobalGenerator.withSeed(1) { (KochEncoder(), KochHead()) }
        // 38,951,745 in the peer kit's PyTorch model (encoder + 4096→1 output).
        #expect(koch.parameterCount + head.parameterCount == 38_951_745)
        #expect(koch.namedParameters().first?.name == "conv.0.weight")
    }

    @Test func kochForwardShape() {
        let koch = GlobalGenerator.withSeed(2) { KochEncoder() }
        var g = SeededGenerator(seed: 1)
        let e = withNoGrad { koch(Tensor.uniform([1, 1, 105, 105], generator: &g)) }
        #expect(e.shape == [1, 4096])
        #expect(e.min().item >= 0 && e.max().item <= 1)
    }

    @Test func binaryCrossEntropyValuesAndGradient() {
        // z = 0: log 2 whatever the target; z = 3, y = 1: log(1 + e⁻³).
        let z = Tensor([0, 3]), y = Tensor([1, 1])
        #expect(Swift.abs(binaryCrossEntropy(logits: z, targets: y).item - Float((log(2.0) + log(1 + exp(-3.0))) / 2)) < 1e-6)
        #expect(binaryCrossEntropy(logits: Tensor([100]), targets: Tensor([1])).item < 1e-6)
        let leaf = Tensor([0.5, -1]).requiringGrad()
        binaryCrossEntropy(logits: leaf, targets: Tensor([1, 0])).backward()
        // d/dz = (σ(z) − y) / n
        let expected = [(1 / (1 + Float(exp(-0.5))) - 1) / 2, (1 / (1 + Float(exp(1.0)))) / 2]
        #expect(zip(leaf.grad!.scalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }

    @Test func learnedHeadAndResidualEncoderTrain() throws {
        let (encoder, head) = GlobalGenerator.withSeed(3) {
            (ResidualEncoder(inChannels: 1, width: 4, blocks: 2, embeddingSize: 8), KochHead(features: 8))
        }
        var g = SeededGenerator(seed: 4)
        let x1 = Tensor.normal([6, 1, 8, 8], generator: &g), x2 = Tensor.normal([6, 1, 8, 8], generator: &g)
        let y = Tensor([1, 0, 1, 0, 1, 0])
        #expect(encoder(x1).shape == [6, 8])
        let params = encoder.trainableParameters() + head.trainableParameters().map { ("head." + $0.name, $0.parameter) }
        let adam = Adam(params, learningRate: 0.01)
        var losses: [Float] = []
        for _ in 0..<30 {
            adam.zeroGrad()
            let l = binaryCrossEntropy(logits: head(encoder(x1), encoder(x2)), targets: y)
            l.backward()
            adam.step()
            losses.append(l.item)
        }
        #expect(losses.last! < losses.first! * 0.5)
    }

    @Test func convNetEncoderShapesAndNames() {
        let conv4 = GlobalGenerator.withSeed(3) { ConvNetEncoder(width: 8, blocks: 4) }
        var g = SeededGenerator(seed: 1)
        let e = withNoGrad { conv4(Tensor.uniform([3, 1, 28, 28], generator: &g)) }
        #expect(e.shape == [3, 8])  // 28 → 14 → 7 → 3 → 1
        #expect(conv4.namedParameters().map(\.name).prefix(4) == ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias"])
        // 1·8·9+8 + BN 16, then three blocks of 8·8·9+8 + 16.
        #expect(conv4.parameterCount == (72 + 8 + 16) + 3 * (576 + 8 + 16))
    }

    @Test func encoderConfigurationBuildsEachKindAndRoundTrips() throws {
        for kind in EncoderConfiguration.Kind.allCases where kind != .koch {
            let config = EncoderConfiguration(kind: kind, width: 4, blocks: 2, embeddingSize: 5, hidden: [7])
            let encoder = try GlobalGenerator.withSeed(4) { try config.makeEncoder() }
            var g = SeededGenerator(seed: 2)
            let out = withNoGrad { encoder(Tensor.uniform([2, 1, config.inputSide, config.inputSide], generator: &g)) }
            #expect(out.shape[0] == 2 && out.rank == 2, "\(kind)")
            #expect(try EncoderConfiguration(architecture: config.jsonString) == config)
        }
        // Transparent wrapper: same names as the bare encoder, so checkpoints are interchangeable.
        let wrapped = try GlobalGenerator.withSeed(5) { try EncoderConfiguration(kind: .tutorialCNN).makeEncoder() }
        #expect(wrapped.namedParameters().map(\.name) == TutorialCNN().namedParameters().map(\.name))
        // Early demo checkpoints name only the tutorial CNN.
        #expect(try EncoderConfiguration(architecture: #"{"encoder":"TutorialCNN","input":[1,28,28]}"#).kind == .tutorialCNN)
        #expect(throws: EncoderConfigurationError.self) { try EncoderConfiguration(architecture: "{}") }
    }

    @Test func encoderConfigurationRejectsImpossibleShapes() {
        #expect(!EncoderConfiguration(kind: .tutorialCNN, inputSide: 32).problems.isEmpty)
        #expect(!EncoderConfiguration(kind: .convNet, inputSide: 8, blocks: 4).problems.isEmpty)
        #expect(EncoderConfiguration(kind: .convNet, inputSide: 16, blocks: 4).problems.isEmpty)
        #expect(throws: EncoderConfigurationError.self) { try EncoderConfiguration(kind: .koch, inputSide: 28).makeEncoder() }
    }
}

/// A damaged or hostile configuration asking for absurd sizes is refused before anything is allocated.
@Suite struct AbsurdEncoderConfigurationTests {
    @Test(arguments: [
        EncoderConfiguration(kind: .mlp, inputSide: 4096, embeddingSize: 64, hidden: [100_000]),
        EncoderConfiguration(kind: .convNet, inputSide: 64, width: 100_000, blocks: 4),
        EncoderConfiguration(kind: .residual, inputSide: 32, width: 100_000, blocks: 3),
        EncoderConfiguration(kind: .mlp, inputSide: 8, embeddingSize: Int.max / 2, hidden: [Int.max / 2]),
    ])
    func absurdSizesAreProblems(_ config: EncoderConfiguration) {
        #expect(!config.problems.isEmpty, "\(config)")
        #expect(throws: EncoderConfigurationError.self) { try config.makeEncoder() }
    }

    @Test func estimateMatchesTheBuiltEncoders() throws {
        for config in [EncoderConfiguration(kind: .mlp, inputSide: 10, embeddingSize: 7, hidden: [13, 5]),
                       EncoderConfiguration(kind: .convNet, inputSide: 28, inputChannels: 3, width: 8, blocks: 3)] {
            let built = try GlobalGenerator.withSeed(1) { try config.makeEncoder() }
            #expect(config.estimatedParameters == Double(built.parameterCount), "\(config.kind)")
        }
        // The residual estimate only has to be generous.
        let residual = EncoderConfiguration(kind: .residual, inputSide: 16, width: 8, blocks: 3, embeddingSize: 16)
        #expect(try residual.estimatedParameters! >= Double(GlobalGenerator.withSeed(1) { try residual.makeEncoder() }.parameterCount))
    }
}
