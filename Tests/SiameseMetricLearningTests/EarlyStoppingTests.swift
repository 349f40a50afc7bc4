import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
@testable import SiameseNN
@testable import SiameseOptimizers

@Suite struct EarlyStoppingTests {
    func makeLoop(_ dir: URL) -> (Linear, EarlyStopping) {
        let model = GlobalGenerator.withSeed(1) { Linear(2, 1) }
        return (model, EarlyStopping(model: model, optimizer: SGD(model.trainableParameters(), learningRate: 0.1),
                                     checkpoint: dir.appendingPathComponent("ckpt"), patience: 2))
    }

    @Test func stopsAfterPatienceAndKeepsTheBestWeights() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("es-\(UUID().uuidString)")
        let (model, loop) = makeLoop(dir)
        let scores: [Double] = [0.5, 0.7, 0.6, 0.65, 0.9]
        var weightsAtBest: [Float] = []
        let best = try loop.run(epochs: 5, train: { epoch in
            model.weight.update(Tensor([Float(epoch), 0], shape: [1, 2]))  // stands in for training
            if epoch == 2 { weightsAtBest = model.weight.value.scalars }
            return 1 / Float(epoch)
        }, validate: { scores[loop.history.count] })
        #expect(best?.epoch == 2)
        #expect(loop.history.map(\.epoch) == [1, 2, 3, 4])  // epochs 3 and 4 did not improve: stop before 5
        #expect(model.weight.value.scalars == weightsAtBest)
    }

    @Test func resumeContinuesAfterTheBestEpoch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("es-\(UUID().uuidString)")
        let (_, first) = makeLoop(dir)
        try first.run(epochs: 2, train: { _ in 1 }, validate: { Double(first.history.count) })
        let (_, again) = makeLoop(dir)
        try again.resume()
        #expect(again.history.map(\.epoch) == [1, 2])
        var trained: [Int] = []
        try again.run(epochs: 4, train: { trained.append($0); return 1 }, validate: { 10 })
        #expect(trained == [3, 4])
        #expect(again.best?.epoch == 3)
    }

    @Test func latestCheckpointResumesAfterTheLastEpochNotTheBest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("es-\(UUID().uuidString)")
        func loop() -> (Linear, EarlyStopping) {
            let model = GlobalGenerator.withSeed(1) { Linear(2, 1) }
            return (model, EarlyStopping(model: model, optimizer: SGD(model.trainableParameters(), learningRate: 0.1),
                                         checkpoint: dir.appendingPathComponent("best"), patience: 2,
                                         latest: dir.appendingPathComponent("last")))
        }
        let (model, first) = loop()
        let scores: [Double] = [0.9, 0.5, 0.4]
        // Two epochs: the first is the best, the second is worse but is the latest.
        try first.run(epochs: 2, train: { epoch in model.weight.update(Tensor([Float(epoch), 0], shape: [1, 2])); return 1 },
                      validate: { scores[first.history.count] })
        let (resumedModel, again) = loop()
        try again.resumeFromLatest()
        #expect(again.history.map(\.epoch) == [1, 2])
        #expect(resumedModel.weight.value.scalars == [2, 0])  // the latest epoch's weights, not the best's
        #expect(!again.isExhausted)
        var trained: [Int] = []
        try again.run(epochs: 5, train: { trained.append($0); return 1 }, validate: { scores[again.history.count] })
        #expect(trained == [3])  // epoch 3 is the second without improvement: patience 2 ends the run
        #expect(again.isExhausted)
        #expect(resumedModel.weight.value.scalars == [1, 0])  // best (epoch 1) weights loaded at the end
    }

    /// `keep: .last` ignores patience: every epoch of the schedule runs, and the model and `checkpoint` hold the last
    /// epoch's weights even though epoch 1 scored best.
    @Test func keepLastRunsTheWholeScheduleAndKeepsTheFinalWeights() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("es-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = GlobalGenerator.withSeed(1) { Linear(2, 1) }
        let loop = EarlyStopping(model: model, optimizer: SGD(model.trainableParameters(), learningRate: 0.1),
                                 checkpoint: dir.appendingPathComponent("ckpt"), patience: 1, keep: .last)
        let scores: [Double] = [0.9, 0.5, 0.4, 0.3]
        let kept = try loop.run(epochs: 4, train: { epoch in
            model.weight.update(Tensor([Float(epoch), 0], shape: [1, 2]))
            return 1
        }, validate: { scores[loop.history.count] })
        #expect(loop.history.map(\.epoch) == [1, 2, 3, 4])
        #expect(kept?.epoch == 4 && loop.kept?.epoch == 4)
        #expect(loop.best?.epoch == 1)                    // still recorded, not used
        #expect(model.weight.value.scalars == [4, 0])
        #expect(!loop.isExhausted)
        let reloaded = GlobalGenerator.withSeed(2) { Linear(2, 1) }
        try Checkpoint.load(from: dir.appendingPathComponent("ckpt"), into: reloaded)
        #expect(reloaded.weight.value.scalars == [4, 0])
    }

    /// Without a validation score (`validate` returns nil) epochs never count as improvements; `keep: .last` still
    /// trains them all and keeps the last.
    @Test func keepLastWithoutValidationRecordsNoScores() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("es-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = GlobalGenerator.withSeed(1) { Linear(2, 1) }
        let loop = EarlyStopping(model: model, optimizer: SGD(model.trainableParameters(), learningRate: 0.1),
                                 checkpoint: dir.appendingPathComponent("ckpt"), patience: 1, keep: .last)
        try loop.run(epochs: 3, train: { epoch in model.weight.update(Tensor([0, Float(epoch)], shape: [1, 2])); return 1 },
                     validate: { nil })
        #expect(loop.history.map(\.epoch) == [1, 2, 3])
        #expect(loop.history.allSatisfy { $0.validation == nil && !$0.improved })
        #expect(loop.best == nil && loop.kept?.epoch == 3)
        #expect(model.weight.value.scalars == [0, 3])
        // The history (with absent scores) survives the checkpoint round trip.
        let resumedModel = GlobalGenerator.withSeed(1) { Linear(2, 1) }
        let again = EarlyStopping(model: resumedModel, optimizer: SGD(resumedModel.trainableParameters(), learningRate: 0.1),
                                  checkpoint: dir.appendingPathComponent("ckpt"), patience: 1, keep: .last)
        try again.resume()
        #expect(again.history == loop.history && resumedModel.weight.value.scalars == [0, 3])
    }
}
