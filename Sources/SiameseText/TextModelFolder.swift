import Foundation

/// Text model folders of either kind: a sentence-transformers folder (``SentenceTransformer``, BERT) or a
/// ``RecurrentTextEncoder`` folder, told apart by the first module of `modules.json`.
public enum TextModelFolder {
    /// Loads the text model in `folder`.
    ///
    /// - Throws: what ``SentenceTransformer/init(folder:)`` or ``RecurrentTextEncoder/init(folder:)`` throws.
    public static func load(_ folder: URL) throws -> any SentenceEncoder {
        if firstModuleType(folder) == RecurrentTextEncoder.typeName { return try RecurrentTextEncoder(folder: folder) }
        return try SentenceTransformer(folder: folder)
    }

    /// Whether `folder` holds a text model: its `modules.json` lists a Transformer or a recurrent text encoder.
    public static func isTextModel(_ folder: URL) -> Bool {
        guard let modules = modules(folder) else { return false }
        return modules.contains {
            guard let type = $0["type"] as? String else { return false }
            return type.hasSuffix("Transformer") || type == RecurrentTextEncoder.typeName
        }
    }

    static func modules(_ folder: URL) -> [[String: Any]]? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("modules.json").path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
    }

    static func firstModuleType(_ folder: URL) -> String? {
        modules(folder)?.min { (($0["idx"] as? NSNumber)?.intValue ?? 0) < (($1["idx"] as? NSNumber)?.intValue ?? 0) }?["type"] as? String
    }
}
