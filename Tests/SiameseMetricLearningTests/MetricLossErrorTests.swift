import Testing
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// Where PyTorch Metric Learning 2.9 raises an error, SiameseKit throws a typed one instead of ignoring the request:
/// InstanceLoss and P2SGradLoss take no mined tuples (PML's `indices_tuple_not_supported`).
@Suite struct MetricLossErrorTests {
    let labels = [0, 0, 1, 1, 2, 2]
    var x: Tensor {
        var g = SeededGenerator(seed: 7)
        return Tensor.normal([6, 4], generator: &g)
    }

    @Test func lossesWithoutMinedTuplesRefuseThem() throws {
        let mined = BatchHardMiner()(x, labels: labels)
        let p2s = GlobalGenerator.withSeed(1) { P2SGradLoss(embeddingSize: 4, numClasses: 3) }
        #expect(throws: MetricLossError.minerNotSupported(loss: "InstanceLoss")) {
            try InstanceLoss().checked(x, labels: labels, tuples: mined)
        }
        #expect(throws: MetricLossError.minerNotSupported(loss: "P2SGradLoss")) {
            try p2s.checked(x, labels: labels, tuples: mined)
        }
        // Without tuples the checked call is the plain one.
        #expect(try InstanceLoss().checked(x, labels: labels, tuples: nil).item == InstanceLoss()(x, labels: labels).item)
        #expect(try p2s.checked(x, labels: labels, tuples: nil).item == p2s(x, labels: labels).item)
        // Losses that take tuples still do.
        let triplet = TripletMarginLoss(margin: 0.2)
        #expect(try triplet.checked(x, labels: labels, tuples: mined).item == triplet(x, labels: labels, tuples: mined).item)
        #expect(!InstanceLoss().acceptsMinedTuples && !p2s.acceptsMinedTuples && triplet.acceptsMinedTuples)
        #expect(MetricLossError.minerNotSupported(loss: "InstanceLoss").description.contains("InstanceLoss"))
    }

    @Test func multipleLossesRefuseAMinerForSuchALoss() {
        let combined = MultipleLosses([.init("0", ContrastiveLoss()), .init("1", InstanceLoss(), miner: BatchHardMiner())])
        #expect(throws: MetricLossError.minerNotSupported(loss: "InstanceLoss")) { try combined.checkEntries() }
        #expect(!combined.acceptsMinedTuples)
        let spec = ComponentSpec(name: "multiple-losses", parameters: [
            "losses": .array([.string("contrastive"), .string("instance")]),
            "miners": .array([.null, .string("batch-hard")]),
        ])
        #expect(throws: RegistryError.self) { try Losses.registry.make(spec, context: RegistryContext(numClasses: 3, embeddingSize: 4)) }
        let fine = ComponentSpec(name: "multiple-losses", parameters: [
            "losses": .array([.string("instance"), .string("contrastive")]),
            "miners": .array([.null, .string("batch-hard")]),
        ])
        #expect(throws: Never.self) { try Losses.registry.make(fine, context: RegistryContext(numClasses: 3, embeddingSize: 4)) }
    }

    @Test func trainerRefusesAMinerForSuchALoss() throws {
        let network = GlobalGenerator.withSeed(3) { SiameseNetwork(encoder: MLPEncoder([4, 3])) }
        let trainer = MetricTrainer(network: network, loss: InstanceLoss(), miner: BatchHardMiner(),
                                    optimizer: SGD(network.trainableParameters(), learningRate: 0.1))
        #expect(throws: MetricLossError.minerNotSupported(loss: "InstanceLoss")) { try trainer.step(x, labels: labels) }
        let plain = MetricTrainer(network: network, loss: InstanceLoss(), optimizer: SGD(network.trainableParameters(), learningRate: 0.1))
        #expect(throws: Never.self) { try plain.step(x, labels: labels) }
    }
}
