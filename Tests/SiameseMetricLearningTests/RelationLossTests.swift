import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseModels
import SiameseTestSupport

@Suite struct RelationLossTests {
    @Test func matchesPyTorchReference() throws {
        let r = try FewShotReference.load()
        let reference = r.relation
        let loss = RelationLoss(relation: RelationModule(channels: reference.channels!, side: reference.side!, hidden: reference.hidden!))
        FewShotReference.load(reference.weights!, into: loss)
        // Training mode: batch-norm on the batch's statistics, as in the reference.
        let value = loss(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor, queryClasses: r.queryClasses)
        #expect(abs(Double(value.item) - reference.loss) <= 1e-5 * (1 + abs(reference.loss)))
        let scores = loss.scores(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor)
        #expect(FewShotReference.worst(scores, reference.scores) <= 1e-5)
    }

    /// Backpropagation through the relation module (batch norm in training mode, max-pool of 3×3 maps, the summed class
    /// maps) gives PyTorch's gradients for the embeddings and every weight.
    @Test func gradientsMatchPyTorchReference() throws {
        let r = try FewShotReference.load()
        let reference = r.relation
        let loss = RelationLoss(relation: RelationModule(channels: reference.channels!, side: reference.side!, hidden: reference.hidden!))
        FewShotReference.load(reference.weights!, into: loss)
        let support = r.supportTensor.requiringGrad(), query = r.queryTensor.requiringGrad()
        loss(support: support, supportClasses: r.supportClasses, query: query, queryClasses: r.queryClasses).backward()
        let scale = (try #require(reference.supportGrad) + reference.queryGrad!).flatMap { $0 }.map(abs).max()!
        func worst(_ ours: [Float]?, _ theirs: [Double]) -> Double {
            guard let ours, ours.count == theirs.count else { return .infinity }
            return zip(ours, theirs).map { abs(Double($0) - $1) }.max()! / scale
        }
        #expect(worst(support.grad?.scalars, reference.supportGrad!.flatMap { $0 }) <= 1e-4)
        #expect(worst(query.grad?.scalars, reference.queryGrad!.flatMap { $0 }) <= 1e-4)
        for (name, p) in loss.namedParameters() {
            let theirs = try #require(reference.weightGrads?[name], "\(name)")
            // Biases of convolutions followed by batch norm have a zero gradient (rounding noise on both sides).
            let s = theirs.map(abs).max()!
            let e = zip(p.grad?.scalars ?? [], theirs).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(e <= 1e-4 * s + 1e-7, "\(name): worst difference \(e), largest reference gradient \(s)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 8)
        // Two channels of 2×2 maps.
        let support = Tensor.normal([4, 8], generator: &g), query = Tensor.normal([3, 8], generator: &g)
        let loss = GlobalGenerator.withSeed(4) { RelationLoss(relation: RelationModule(channels: 2, side: 2, hidden: 4)) }
        #expect(GradientCheck.worstError([support, query], parameters: loss.parameters(), epsilon: 1e-3) {
            loss(support: $0[0], supportClasses: [0, 1, 0, 1], query: $0[1], queryClasses: [1, 0, 1])
        } <= 1)
    }

    /// The authors' scheme: linear biases 1 and weights of standard deviation 0.01, so every first score is near σ(1).
    @Test func authorsInitialisationStartsScoresNearSigmoidOfOne() {
        let relation = GlobalGenerator.withSeed(3) { RelationModule(channels: 8, side: 3, hidden: 8, initialisation: .authors) }
        #expect(relation.fc2.bias!.value.scalars == [1] && relation.fc1.bias!.value.scalars.allSatisfy { $0 == 1 })
        let w = relation.fc1.weight.value.scalars
        let std = (w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(std > 0.007 && std < 0.013, "fc1 weight std \(std)")
        var g = SeededGenerator(seed: 1)
        let r = relation(Tensor.normal([16, 72], generator: &g).relu(), Tensor.normal([16, 72], generator: &g).relu()).scalars
        #expect(r.allSatisfy { abs($0 - 0.731) < 0.02 }, "\(r)")
    }

    /// The loss's gradient reaches every encoder parameter through the relation module (an encoder that got no gradient
    /// would leave relation networks learning on fixed random features).
    @Test func gradientReachesEveryEncoderParameter() {
        let encoder = GlobalGenerator.withSeed(1) { ConvNetEncoder(width: 4, blocks: 2) }
        let loss = GlobalGenerator.withSeed(2) { RelationLoss(relation: RelationModule(channels: 4, side: 4, hidden: 4, initialisation: .authors)) }
        var g = SeededGenerator(seed: 3)
        let e = encoder(Tensor.uniform([8, 1, 16, 16], generator: &g))
        loss(support: e.narrowed(axis: 0, start: 0, length: 4), supportClasses: [0, 1, 2, 3],
             query: e.narrowed(axis: 0, start: 4, length: 4), queryClasses: [3, 2, 1, 0]).backward()
        let parameters = encoder.trainableParameters()
        #expect(parameters.count == 8)
        for (name, p) in parameters {
            let grad = p.grad?.scalars ?? []
            #expect(grad.count == p.value.count && grad.contains { $0 != 0 } && grad.allSatisfy(\.isFinite), "\(name)")
        }
    }

    @Test func registryReadsTheMapShapeFromTheEmbeddingSize() throws {
        let made = try EpisodicLosses.registry.make(ComponentSpec(name: "relation", parameters: ["channels": 4]),
                                                    context: RegistryContext(embeddingSize: 36))
        let relation = try #require(made as? RelationLoss).relation
        #expect(relation.channels == 4 && relation.side == 3)
        #expect(throws: RegistryError.self) {
            try EpisodicLosses.registry.make("relation", context: RegistryContext(embeddingSize: 100))
        }
    }
}
