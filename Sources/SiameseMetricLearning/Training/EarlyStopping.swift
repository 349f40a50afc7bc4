import Foundation
import SiameseCore
import SiameseNN
import SiameseOptimizers

/// Runs epochs, validates after each, keeps the best weights in a checkpoint and stops when validation
/// has not improved for `patience` epochs; can resume from that checkpoint.
///
/// ```swift
/// let loop = EarlyStopping(model: net, optimizer: adam, checkpoint: runURL.appendingPathComponent("checkpoint"), patience: 4)
/// let best = try loop.run(epochs: 30, train: { epoch in try trainer.trainEpoch(…) }, validate: { try score(net) })
/// ```
public final class EarlyStopping {
    /// What happened in one epoch.
    public struct EpochRecord: Codable, Sendable, Equatable {
        public let epoch: Int
        public let trainingLoss: Float
        public let validation: Double
        public let improved: Bool

        public init(epoch: Int, trainingLoss: Float, validation: Double, improved: Bool) {
            self.epoch = epoch; self.trainingLoss = trainingLoss; self.validation = validation; self.improved = improved
        }
    }

    public let model: Module
    public let optimizer: any Optimizer
    public let checkpoint: URL
    public let patience: Int
    /// Whether larger validation scores are better (accuracy, ROC-AUC) or smaller (a loss).
    public let greaterIsBetter: Bool
    /// The architecture description stored with each checkpoint.
    public let architecture: String?
    /// Where the state after the most recent epoch is kept (weights, optimizer, history), so an interrupted
    /// run can continue exactly where it stopped; `nil` keeps only the best checkpoint.
    public let latest: URL?
    public private(set) var history: [EpochRecord] = []

    public init(model: Module, optimizer: any Optimizer, checkpoint: URL, patience: Int = 4, greaterIsBetter: Bool = true,
                architecture: String? = nil, latest: URL? = nil) {
        precondition(patience >= 1, "EarlyStopping: patience must be at least 1")
        self.model = model; self.optimizer = optimizer; self.checkpoint = checkpoint
        self.patience = patience; self.greaterIsBetter = greaterIsBetter; self.architecture = architecture
        self.latest = latest
    }

    /// Whether the history already ended by running out of patience (so ``run(epochs:train:validate:)`` trains no more).
    public var isExhausted: Bool {
        let sinceBest = history.count - (history.lastIndex(where: \.improved).map { $0 + 1 } ?? 0)
        return sinceBest >= patience
    }

    /// The best epoch so far.
    public var best: EpochRecord? {
        history.filter(\.improved).last
    }

    /// Trains up to `epochs` epochs (continuing after the epochs already in ``history``), then loads the best weights.
    ///
    /// - Parameters:
    ///   - train: runs epoch `n` (1-based) and returns its mean training loss.
    ///   - validate: the validation score after an epoch.
    /// - Returns: the best epoch's record.
    @discardableResult
    public func run(epochs: Int, train: (Int) throws -> Float, validate: () throws -> Double) throws -> EpochRecord? {
        var sinceBest = history.count - (history.lastIndex(where: \.improved).map { $0 + 1 } ?? 0)
        for epoch in stride(from: history.count + 1, through: epochs, by: 1) where sinceBest < patience {
            let loss = try train(epoch)
            let score = try validate()
            let previous = best?.validation
            let improved = previous.map { greaterIsBetter ? score > $0 : score < $0 } ?? true
            let record = EpochRecord(epoch: epoch, trainingLoss: loss, validation: score, improved: improved)
            history.append(record)
            if improved {
                sinceBest = 0
                try save(to: checkpoint)
            } else {
                sinceBest += 1
            }
            if let latest { try save(to: latest) }
        }
        if best != nil { try Checkpoint.load(from: checkpoint, into: model) }
        return best
    }

    private func save(to folder: URL) throws {
        let encoder = JSONEncoder()
        let text = String(decoding: try encoder.encode(history), as: UTF8.self)
        try Checkpoint.save(model: model, optimizer: optimizer, architecture: architecture, metadata: ["history": text], to: folder)
    }

    /// Restores the best checkpoint's weights, optimizer state and history, so ``run(epochs:train:validate:)``
    /// continues after the best epoch.
    public func resume() throws {
        try resume(from: checkpoint)
    }

    /// Restores the state after the most recent epoch (``latest``), so training continues as if never stopped.
    public func resumeFromLatest() throws {
        guard let latest else { preconditionFailure("EarlyStopping.resumeFromLatest: no latest checkpoint folder was given") }
        try resume(from: latest)
    }

    private func resume(from folder: URL) throws {
        let info = try Checkpoint.load(from: folder, into: model, optimizer: optimizer)
        if let text = info.metadata["history"] {
            history = try JSONDecoder().decode([EpochRecord].self, from: Data(text.utf8))
        }
    }
}
