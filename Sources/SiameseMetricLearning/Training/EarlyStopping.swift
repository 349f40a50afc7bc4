import Foundation
import SiameseCore
import SiameseNN
import SiameseOptimizers

/// Runs epochs, validates after each, keeps the best weights in a checkpoint and stops when validation
/// has not improved for `patience` epochs; can resume from that checkpoint. With ``Keep/last`` it instead runs every
/// epoch of a fixed schedule and keeps the final weights (validation, when there is any, is only recorded), in the
/// manner of a Keras `ModelCheckpoint` without `save_best_only`.
///
/// ```swift
/// let loop = EarlyStopping(model: net, optimizer: adam, checkpoint: runURL.appendingPathComponent("checkpoint"), patience: 4)
/// let best = try loop.run(epochs: 30, train: { epoch in try trainer.trainEpoch(…) }, validate: { try score(net) })
/// ```
public final class EarlyStopping {
    /// Which epoch's weights a run keeps.
    public enum Keep: String, Codable, CaseIterable, Sendable {
        /// The epoch with the best validation score; training stops after `patience` epochs without improvement.
        case best
        /// The last epoch of the schedule; no early stopping, and validation (if any) is only recorded.
        case last
    }

    /// What happened in one epoch.
    public struct EpochRecord: Codable, Sendable, Equatable {
        public let epoch: Int
        public let trainingLoss: Float
        /// The validation score after the epoch; `nil` when the run has no validation part (``Keep/last`` only).
        public let validation: Double?
        /// Whether ``validation`` beat every earlier epoch's (never true without a score).
        public let improved: Bool

        public init(epoch: Int, trainingLoss: Float, validation: Double?, improved: Bool) {
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
    /// Which epoch's weights ``run(epochs:train:validate:)`` leaves in the model and in ``checkpoint``; default ``Keep/best``.
    public let keep: Keep
    public private(set) var history: [EpochRecord] = []

    /// - Parameter keep: ``Keep/best`` (default) stops early and keeps the best validated epoch; ``Keep/last`` runs every
    ///   epoch, ignores `patience`, and keeps the final one (``checkpoint`` then always holds the latest epoch's weights).
    public init(model: Module, optimizer: any Optimizer, checkpoint: URL, patience: Int = 4, greaterIsBetter: Bool = true,
                architecture: String? = nil, latest: URL? = nil, keep: Keep = .best) {
        precondition(patience >= 1, "EarlyStopping: patience must be at least 1")
        self.model = model; self.optimizer = optimizer; self.checkpoint = checkpoint
        self.patience = patience; self.greaterIsBetter = greaterIsBetter; self.architecture = architecture
        self.latest = latest; self.keep = keep
    }

    /// Whether the history already ended by running out of patience (so ``run(epochs:train:validate:)`` trains no more);
    /// never with ``Keep/last``.
    public var isExhausted: Bool {
        keep == .best && sinceBest >= patience
    }

    private var sinceBest: Int {
        history.count - (history.lastIndex(where: \.improved).map { $0 + 1 } ?? 0)
    }

    /// The epoch with the best validation score so far (`nil` before any score).
    public var best: EpochRecord? {
        history.filter(\.improved).last
    }

    /// The epoch whose weights the run keeps: ``best`` with ``Keep/best``, the latest epoch with ``Keep/last``.
    public var kept: EpochRecord? {
        keep == .best ? best : history.last
    }

    /// Trains up to `epochs` epochs (continuing after the epochs already in ``history``), then loads the kept weights
    /// (the best epoch's with ``Keep/best``; with ``Keep/last`` the model already holds the last epoch's).
    ///
    /// - Parameters:
    ///   - train: runs epoch `n` (1-based) and returns its mean training loss.
    ///   - validate: the validation score after an epoch, or `nil` where there is nothing to validate on (such an epoch
    ///     never counts as an improvement, so with ``Keep/best`` it only uses up patience).
    /// - Returns: the kept epoch's record (``kept``).
    @discardableResult
    public func run(epochs: Int, train: (Int) throws -> Float, validate: () throws -> Double?) throws -> EpochRecord? {
        var waited = sinceBest
        for epoch in stride(from: history.count + 1, through: epochs, by: 1) where keep == .last || waited < patience {
            let loss = try train(epoch)
            let score = try validate()
            let previous = best?.validation
            let improved = score.map { score in previous.map { greaterIsBetter ? score > $0 : score < $0 } ?? true } ?? false
            let record = EpochRecord(epoch: epoch, trainingLoss: loss, validation: score, improved: improved)
            history.append(record)
            waited = improved ? 0 : waited + 1
            if keep == .last || improved { try save(to: checkpoint) }
            if let latest { try save(to: latest) }
        }
        if keep == .best, best != nil { try Checkpoint.load(from: checkpoint, into: model) }
        return kept
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
