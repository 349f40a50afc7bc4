import Foundation
import SiameseCore
import SiameseNN

/// A training checkpoint: a folder with the weights, the optimizer state and a JSON description.
///
/// ```
/// run/checkpoint/
///   model.safetensors       parameters and buffers, PyTorch key names
///   optimizer.safetensors   optimizer slots (`<parameter>.exp_avg`, …); step count in its metadata
///   checkpoint.json         architecture description, optimizer name and user metadata
/// ```
/// The folder is written beside its destination and swapped in with renames, so a crash never leaves a
/// half-written checkpoint in place of a good one.
public enum Checkpoint {
    /// What ``load(from:into:optimizer:)`` found besides the tensors.
    public struct Info: Codable, Sendable, Equatable {
        /// The architecture description given at save time (any JSON value, as text).
        public var architecture: String?
        /// The optimizer's type name.
        public var optimizer: String?
        /// Steps the optimizer had taken.
        public var stepCount: Int
        /// Free-form values (epoch, best metric, …).
        public var metadata: [String: String]
        /// Generator states of the model's dropout layers, by module path, so resumed masks match.
        public var randomStates: [String: [UInt64]]?
    }

    /// Problems with a checkpoint folder as a whole.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case notACheckpoint(path: String, reason: String)
        case optimizerMismatch(path: String, saved: String, given: String)

        public var description: String {
            switch self {
            case let .notACheckpoint(path, reason): return "\(path): not a checkpoint (\(reason))"
            case let .optimizerMismatch(path, saved, given):
                return "\(path): checkpoint holds \(saved) state but the optimizer is \(given)"
            }
        }
    }

    /// Saves `model`, `optimizer` and the description into `directory` (replacing an existing checkpoint).
    public static func save(model: Module, optimizer: (any Optimizer)? = nil, architecture: String? = nil,
                            metadata: [String: String] = [:], to directory: URL) throws {
        try AtomicFolder.replace(directory) { partial in
            try model.save(to: partial.appendingPathComponent("model.safetensors"))
            let info = Info(architecture: architecture, optimizer: optimizer.map { String(describing: type(of: $0)) },
                            stepCount: optimizer?.stepCount ?? 0, metadata: metadata, randomStates: model.randomStates)
            if let optimizer {
                try Safetensors.write(floats: optimizer.stateTensors(), metadata: ["step": String(optimizer.stepCount)],
                                      to: partial.appendingPathComponent("optimizer.safetensors"))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(info), to: partial.appendingPathComponent("checkpoint.json"))
        }
    }

    /// Reads a checkpoint's description (architecture, optimizer, step, metadata) without loading weights,
    /// e.g. to decide which model to build before ``load(from:into:optimizer:)``.
    public static func readInfo(from directory: URL) throws -> Info {
        let infoURL = directory.appendingPathComponent("checkpoint.json")
        guard let data = FileManager.default.contents(atPath: infoURL.path) else {
            throw Error.notACheckpoint(path: directory.path, reason: "checkpoint.json is missing")
        }
        do { return try JSONDecoder().decode(Info.self, from: data) } catch {
            throw Error.notACheckpoint(path: infoURL.path, reason: "checkpoint.json is not valid")
        }
    }

    /// Loads a checkpoint into `model` (and `optimizer`, when given) and returns its description.
    ///
    /// - Throws: ``Error``, or ``SafetensorsError`` naming the file and tensor (a damaged file, a shape that does not
    ///   fit, NaN or infinite weights or optimizer state).
    @discardableResult
    public static func load(from directory: URL, into model: Module, optimizer: (any Optimizer)? = nil) throws -> Info {
        let info = try readInfo(from: directory)
        try model.load(from: directory.appendingPathComponent("model.safetensors"))
        if let states = info.randomStates { model.randomStates = states }
        if let optimizer {
            let given = String(describing: type(of: optimizer))
            if let saved = info.optimizer, saved != given {
                throw Error.optimizerMismatch(path: directory.path, saved: saved, given: given)
            }
            let url = directory.appendingPathComponent("optimizer.safetensors")
            let file = try Safetensors.read(url)
            // Moment estimates holding NaN or infinity would turn every weight into NaN at the first step.
            for (name, entry) in file.tensors.sorted(by: { $0.key < $1.key }) {
                if let index = entry.floats().firstIndex(where: { !$0.isFinite }) {
                    throw SafetensorsError.nonFiniteValue(path: url.path, tensor: name, index: index)
                }
            }
            try optimizer.loadState(file.tensors.mapValues { $0.tensor() }, stepCount: info.stepCount)
        }
        return info
    }
}
