import Foundation
import SiameseCore
import SiameseNN

extension RecurrentTextEncoder {
    /// Writes the encoder's folder atomically (see ``RecurrentTextEncoder``); an existing folder is replaced only
    /// when it is a model folder or empty.
    ///
    /// - Throws: ``TextError/invalidArgument(_:)`` when the destination holds something else,
    ///   ``SiameseNN/SafetensorsError/io(path:reason:)`` for write failures.
    public func save(to folder: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            let contents = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            guard isDirectory.boolValue, contents.isEmpty || contents.contains("modules.json") else {
                throw TextError.invalidArgument("\(folder.path) exists and is not a model folder; refusing to replace it")
            }
        }
        try AtomicFolder.replace(folder) { partial in
            var modules: [[String: Any]] = [["idx": 0, "name": "0", "path": "", "type": Self.typeName]]
            if configuration.normalizes {
                modules.append(["idx": 1, "name": "1", "path": "1_Normalize", "type": "sentence_transformers.models.Normalize"])
                try fm.createDirectory(at: partial.appendingPathComponent("1_Normalize"), withIntermediateDirectories: true)
            }
            try AtomicFile.write(try JSONSerialization.data(withJSONObject: modules, options: [.prettyPrinted, .sortedKeys]),
                                 to: partial.appendingPathComponent("modules.json"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(configuration), to: partial.appendingPathComponent("config.json"))
            try recurrent.save(to: partial.appendingPathComponent("model.safetensors"), metadata: ["format": "pt"])
            try tokenizer.writeFiles(to: partial, modelMaxLength: maxLength)
        }
    }

    /// Loads a folder written by ``save(to:)``.
    ///
    /// - Throws: ``TextError`` naming the file: a missing or malformed `config.json` (the field at fault), vocabulary
    ///   or tokenizer configuration; ``SiameseNN/SafetensorsError`` for a missing, misshapen or non-finite weight.
    public convenience init(folder: URL) throws {
        let configURL = folder.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configURL.path) else { throw TextError.missingFile(path: configURL.path) }
        let configuration: RecurrentTextConfiguration
        do { configuration = try JSONDecoder().decode(RecurrentTextConfiguration.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw TextError.malformedFile(path: configURL.path, reason: "\(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw TextError.malformedFile(path: configURL.path, reason: "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw TextError.malformedFile(path: configURL.path, reason: "not a recurrent text encoder configuration")
        }
        if let problem = configuration.problems.first { throw TextError.malformedFile(path: configURL.path, reason: problem) }
        let tokenizer = try WordPieceTokenizer(folder: folder)
        guard tokenizer.tokens.count <= configuration.vocabularySize else {
            throw TextError.malformedFile(path: folder.appendingPathComponent("vocab.txt").path,
                                          reason: "\(tokenizer.tokens.count) tokens but config.json's vocab_size is \(configuration.vocabularySize)")
        }
        try self.init(tokenizer: tokenizer, configuration: configuration)
        let weightsURL = folder.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else { throw TextError.missingFile(path: weightsURL.path) }
        _ = try recurrent.load(from: weightsURL, strict: true)
        recurrent.eval()
    }
}
