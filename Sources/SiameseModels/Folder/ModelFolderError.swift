/// Why a model folder cannot be read or written; every case names the file (and the key or module) at fault.
public enum ModelFolderError: Error, Equatable, CustomStringConvertible {
    /// The folder or one of its required files is missing.
    case missingFile(path: String)
    /// A JSON file is not what it should be.
    case invalidJSON(path: String, reason: String)
    /// Neither a model folder nor a run folder with a checkpoint.
    case notARunFolder(path: String)
    /// `model.json` declares a format newer than this library reads.
    case newerFormat(path: String, found: Int, supported: Int)
    /// `modules.json` names a module type that no registered loader knows.
    case unknownModuleType(path: String, type: String, known: [String])
    /// The modules do not form a usable model (for example no encoder, or stages in an impossible order).
    case invalidPipeline(path: String, reason: String)
    /// A module's configuration is unusable.
    case invalidConfiguration(path: String, reason: String)
    /// A weights file holds a tensor no module uses.
    case unexpectedTensor(path: String, tensor: String)
    /// A weights file's content hash differs from the one `model.json` recorded.
    case hashMismatch(path: String, expected: String, actual: String)
    /// Input the model cannot take (wrong shape, nothing to embed, …).
    case invalidInput(String)
    /// The model produced NaN or infinite embeddings.
    case nonFiniteEmbedding(index: Int)

    public var description: String {
        switch self {
        case let .missingFile(path): return "\(path): missing (not a SiameseKit model folder?)"
        case let .invalidJSON(path, reason): return "\(path): \(reason)"
        case let .notARunFolder(path): return "\(path): not a run folder (no model/ and no checkpoint/checkpoint.json)"
        case let .newerFormat(path, found, supported):
            return "\(path): format version \(found) is newer than this SiameseKit reads (\(supported)); update SiameseKit"
        case let .unknownModuleType(path, type, known):
            return "\(path): unknown module type '\(type)' (known: \(known.joined(separator: ", ")))"
        case let .invalidPipeline(path, reason): return "\(path): \(reason)"
        case let .invalidConfiguration(path, reason): return "\(path): \(reason)"
        case let .unexpectedTensor(path, tensor): return "\(path): tensor '\(tensor)' belongs to no module of this model"
        case let .hashMismatch(path, expected, actual):
            return "\(path): content hash \(actual.prefix(12))… differs from \(expected.prefix(12))… recorded in model.json (damaged or edited weights)"
        case let .invalidInput(reason): return "model input: \(reason)"
        case let .nonFiniteEmbedding(index): return "the model produced a NaN or infinite embedding for input \(index)"
        }
    }
}
