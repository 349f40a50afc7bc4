import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseNN
@testable import SiameseOptimizers

@Suite(.serialized) struct CheckpointTests {
    static func makeModel(seed: UInt64) -> Sequential {
        // A task-scoped seed: tests in other suites seed the global generator in parallel.
        GlobalGenerator.withSeed(seed) { Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Dropout(0.2), Linear(8, 1)) }
    }

    static func batch(_ step: Int) -> (Tensor, Tensor) {
        var g = SeededGenerator(seed: UInt64(1000 + step))
        let x = Tensor.normal([16, 4], generator: &g)
        return (x, x.sum(axis: 1, keepDims: true).tanh())
    }

    static func train(_ model: Sequential, _ opt: Adam, _ schedule: WarmupCosineSchedule, steps: Range<Int>) -> [Float] {
        steps.map { step in
            let (x, y) = batch(step)
            schedule.apply(to: opt)
            opt.zeroGrad()
            let loss = (model(x) - y).square().mean()
            loss.backward()
            GradientClipping.clipByNorm(model.parameters(), maxNorm: 1)
            opt.step()
            return loss.item
        }
    }

    @Test func resumedTrainingContinuesExactly() throws {
        let schedule = WarmupCosineSchedule(base: 0.05, warmupSteps: 3, totalSteps: 20)
        let straight = Self.makeModel(seed: 1)
        let optA = Adam(straight.trainableParameters(), learningRate: 0.05, weightDecay: 1e-3)
        let all = Self.train(straight, optA, schedule, steps: 0..<20)

        let first = Self.makeModel(seed: 1)
        let optB = Adam(first.trainableParameters(), learningRate: 0.05, weightDecay: 1e-3)
        _ = Self.train(first, optB, schedule, steps: 0..<10)
        let dir = Support.temporaryDirectory().appendingPathComponent("ckpt")
        try Checkpoint.save(model: first, optimizer: optB, architecture: #"{"kind":"mlp"}"#, metadata: ["epoch": "3"], to: dir)

        let resumed = Self.makeModel(seed: 99)  // different initial weights: everything must come from the checkpoint
        let optC = Adam(resumed.trainableParameters(), learningRate: 0.05, weightDecay: 1e-3)
        let info = try Checkpoint.load(from: dir, into: resumed, optimizer: optC)
        #expect(info.stepCount == 10 && info.metadata["epoch"] == "3" && info.architecture == #"{"kind":"mlp"}"#)
        #expect(info.optimizer == "Adam")
        let rest = Self.train(resumed, optC, schedule, steps: 10..<20)
        #expect(rest.map(\.bitPattern) == all[10...].map(\.bitPattern))
        #expect(all.last! < all.first!)
    }

    @Test func savingReplacesAnOldCheckpointCompletely() throws {
        let dir = Support.temporaryDirectory().appendingPathComponent("ckpt")
        let model = Self.makeModel(seed: 2)
        try Checkpoint.save(model: model, optimizer: SGD(model.trainableParameters(), learningRate: 0.1, momentum: 0.9), to: dir)
        try Checkpoint.save(model: model, to: dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["checkpoint.json", "model.safetensors"])
        let siblings = try FileManager.default.contentsOfDirectory(atPath: dir.deletingLastPathComponent().path)
        #expect(siblings == ["ckpt"])
    }

    @Test func mismatchedOrMissingCheckpointsAreReported() throws {
        let dir = Support.temporaryDirectory().appendingPathComponent("ckpt")
        let model = Self.makeModel(seed: 3)
        try Checkpoint.save(model: model, optimizer: Adam(model.trainableParameters()), to: dir)
        #expect(throws: Checkpoint.Error.optimizerMismatch(path: dir.path, saved: "Adam", given: "SGD")) {
            try Checkpoint.load(from: dir, into: model, optimizer: SGD(model.trainableParameters(), learningRate: 1))
        }
        let empty = Support.temporaryDirectory()
        #expect(throws: Checkpoint.Error.notACheckpoint(path: empty.path, reason: "checkpoint.json is missing")) {
            try Checkpoint.load(from: empty, into: model)
        }
        #expect(throws: SafetensorsError.self) {
            try Checkpoint.load(from: dir, into: Sequential(Linear(4, 3)))
        }
    }
}

enum Support {
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("siamesekit-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A checkpoint whose weights hold NaN (a diverged run, a damaged file) is refused with an error naming the file and
/// the tensor, instead of loading and producing NaN distances.
@Suite struct NonFiniteCheckpointTests {
    @Test func nanWeightsAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-nan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = CheckpointTests.makeModel(seed: 9)
        try Checkpoint.save(model: model, to: folder)
        let file = folder.appendingPathComponent("model.safetensors")
        var tensors = try Safetensors.read(file).tensors.mapValues { $0.tensor() }
        tensors["0.weight"] = tensors["0.weight"]! * Float.infinity * 0
        try Safetensors.write(floats: tensors, integers: model.integerStateDict(), to: file)
        #expect(throws: SafetensorsError.nonFiniteValue(path: file.path, tensor: "0.weight", index: 0)) {
            try Checkpoint.load(from: folder, into: CheckpointTests.makeModel(seed: 9))
        }
    }

    @Test func nanOptimizerStateIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-nan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = CheckpointTests.makeModel(seed: 10)
        let optimizer = Adam(model.trainableParameters(), learningRate: 0.01)
        _ = CheckpointTests.train(model, optimizer, WarmupCosineSchedule(base: 0.01, warmupSteps: 1, totalSteps: 4), steps: 0..<2)
        try Checkpoint.save(model: model, optimizer: optimizer, to: folder)
        let file = folder.appendingPathComponent("optimizer.safetensors")
        let saved = try Safetensors.read(file)
        var tensors = saved.tensors.mapValues { $0.tensor() }
        let name = tensors.keys.sorted()[0]
        var values = tensors[name]!.scalars
        values[values.count - 1] = .nan
        tensors[name] = Tensor(values, shape: tensors[name]!.shape)
        try Safetensors.write(floats: tensors, metadata: saved.metadata, to: file)
        let fresh = CheckpointTests.makeModel(seed: 10)
        #expect(throws: SafetensorsError.nonFiniteValue(path: file.path, tensor: name, index: values.count - 1)) {
            try Checkpoint.load(from: folder, into: fresh, optimizer: Adam(fresh.trainableParameters(), learningRate: 0.01))
        }
    }
}
