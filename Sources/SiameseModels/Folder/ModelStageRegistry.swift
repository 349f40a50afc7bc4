import Foundation
import SiameseNN
import Synchronization

/// What a stage loader gets: where its files are and how to read its configuration.
public struct StageLoadContext: Sendable {
    /// The model folder.
    public let modelFolder: URL
    /// The stage's entry in `modules.json`.
    public let descriptor: ModuleDescriptor

    /// The stage's own folder (the model folder when its path is empty).
    public var directory: URL {
        descriptor.path.isEmpty ? modelFolder : modelFolder.appendingPathComponent(descriptor.path)
    }

    /// Runs `build`, reporting any error as an unusable `config.json` of this stage (named by its path).
    public func namingConfiguration<T>(_ build: () throws -> T) throws -> T {
        do { return try build() } catch {
            let reason: String
            if case ModelFolderError.invalidConfiguration(_, let why)? = error as? ModelFolderError { reason = why } else { reason = "\(error)" }
            throw ModelFolderError.invalidConfiguration(path: directory.appendingPathComponent("config.json").path, reason: reason)
        }
    }

    /// Decodes the stage's `config.json`; errors name the file.
    public func configuration<T: Decodable>(_ type: T.Type) throws -> T {
        let url = directory.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ModelFolderError.missingFile(path: url.path) }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw ModelFolderError.invalidJSON(path: url.path, reason: "not a valid \(descriptor.type) configuration (\(ModelJSON.describe(error)))")
        }
    }
}

/// The module types a model folder may list, each with its loader: adding an architecture or a stage is one
/// ``register(_:aliases:load:)`` call. The built-in image stages (``ImageInput``, ``EncoderStage``,
/// ``NormalizeStage``, ``ComparisonHeadStage``) are registered from the start.
public final class ModelStageRegistry: Sendable {
    public typealias Loader = @Sendable (StageLoadContext) throws -> any ModelStage

    /// The registry every ``EmbeddingModel/load(from:)`` uses.
    public static let shared = ModelStageRegistry()

    private let loaders = Mutex<[String: Loader]>([:])

    init() {
        register(ImageInput.typeName) { context in
            let configuration = try context.configuration(ImageInput.Configuration.self)
            return try context.namingConfiguration { try ImageInput(configuration: configuration) }
        }
        register(EncoderStage.typeName) { context in
            let configuration = try context.configuration(EncoderConfiguration.self)
            return try context.namingConfiguration { try EncoderStage(configuration: configuration) }
        }
        register(NormalizeStage.typeName, aliases: ["sentence_transformers.models.Normalize"]) { _ in NormalizeStage() }
        register(ComparisonHeadStage.typeName) { context in
            let configuration = try context.configuration(ComparisonHeadStage.Configuration.self)
            return try context.namingConfiguration { try ComparisonHeadStage(configuration: configuration) }
        }
    }

    /// Registers (or replaces) the loader of a module type.
    public func register(_ typeName: String, aliases: [String] = [], load: @escaping Loader) {
        loaders.withLock { for name in [typeName] + aliases { $0[name] = load } }
    }

    /// Every registered type name, sorted.
    public var typeNames: [String] {
        loaders.withLock { $0.keys.sorted() }
    }

    /// Builds the stage a `modules.json` entry describes.
    public func load(_ context: StageLoadContext, listedIn path: String) throws -> any ModelStage {
        let loader = loaders.withLock { $0[context.descriptor.type] }
        guard let loader else {
            throw ModelFolderError.unknownModuleType(path: path, type: context.descriptor.type, known: typeNames)
        }
        return try loader(context)
    }
}

/// JSON helpers shared by the model-folder files.
enum ModelJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func read<T: Decodable>(_ type: T.Type, at url: URL) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ModelFolderError.missingFile(path: url.path) }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw ModelFolderError.invalidJSON(path: url.path, reason: describe(error))
        }
    }

    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : "\(p): "
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return path(c) + c.debugDescription
        case .keyNotFound(let key, let c): return path(c) + "missing key '\(key.stringValue)'"
        case .dataCorrupted(let c): return path(c) + "not valid JSON (\(c.debugDescription))"
        @unknown default: return "\(error)"
        }
    }
}
