import Foundation
import SiameseCore
import SiameseNN

extension SentenceTransformer {
    /// Writes the sentence-transformers folder layout (see ``SentenceTransformer``), atomically: `modules.json`,
    /// `config.json`, `model.safetensors` (F32, transformers names), `sentence_bert_config.json`, `vocab.txt`,
    /// `tokenizer_config.json`, `special_tokens_map.json`, `1_Pooling/config.json` and `2_Normalize/` when the model
    /// normalises. Python's `SentenceTransformer(folder)` loads the result (see `scripts/st-roundtrip.py`).
    ///
    /// - Throws: ``TextError/invalidArgument(_:)`` when the destination exists and is not a model folder,
    ///   ``SafetensorsError/io(path:reason:)`` for write failures.
    public func save(to folder: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            let contents = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            guard isDirectory.boolValue, contents.isEmpty || contents.contains("modules.json") else {
                throw TextError.invalidArgument("\(folder.path) exists and is not a model folder; refusing to replace it")
            }
        }
        func json(_ object: Any) throws -> Data {
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        }
        try AtomicFolder.replace(folder) { partial in
            var modules: [[String: Any]] = [
                ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
                ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
            ]
            if normalizes {
                modules.append(["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"])
                try fm.createDirectory(at: partial.appendingPathComponent("2_Normalize"), withIntermediateDirectories: true)
            }
            try AtomicFile.write(try json(modules), to: partial.appendingPathComponent("modules.json"))
            try AtomicFile.write(try json(bert.configuration.jsonObject()), to: partial.appendingPathComponent("config.json"))
            try bert.save(to: partial.appendingPathComponent("model.safetensors"), metadata: ["format": "pt"])
            try AtomicFile.write(try json(["max_seq_length": maxLength, "do_lower_case": false]),
                                 to: partial.appendingPathComponent("sentence_bert_config.json"))
            try tokenizer.writeFiles(to: partial, modelMaxLength: bert.configuration.maxPositions)
            let poolingFolder = partial.appendingPathComponent("1_Pooling")
            try fm.createDirectory(at: poolingFolder, withIntermediateDirectories: true)
            try AtomicFile.write(try json(pooling.jsonObject(dimension: dimension)), to: poolingFolder.appendingPathComponent("config.json"))
        }
    }
}
