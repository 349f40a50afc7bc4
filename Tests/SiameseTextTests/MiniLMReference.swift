import Foundation
import SiameseTestSupport
import Testing

/// `minilm_reference.json` (vendored in SiameseTestSupport's fixtures; made by `../shared/peers/minilm.py` with
/// sentence-transformers 6.2.0): 64 sentences, their encodings and embeddings.
struct MiniLMReference: Decodable {
    struct Encoding: Decodable {
        let input_ids: [Int]
        let token_type_ids: [Int]
        let attention_mask: [Int]
        let tokens: [String]
    }
    let sentences: [String]
    let encodings: [Encoding]
    let embeddings_normalized: [[Double]]
    let pooled_unnormalized: [[Double]]
    let max_seq_length: Int

    static func load() throws -> MiniLMReference {
        try Fixtures.decode(MiniLMReference.self, from: "minilm_reference.json")
    }
}

/// The files vendored in `Tests/SiameseTextTests/Fixtures` (MiniLM's `vocab.txt` and `tokenizer_config.json`,
/// Apache-2.0).
enum TextFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
}

/// The pretrained all-MiniLM-L6-v2 folder unpacked by `scripts/get-minilm.sh`.
enum MiniLMFolder {
    static let url: URL = {
        if let dir = ProcessInfo.processInfo.environment["SIAMESE_MINILM_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/siamese/all-MiniLM-L6-v2", isDirectory: true)
    }()
    static let available = FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path)
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where all-MiniLM-L6-v2 is unpacked (`bash scripts/get-minilm.sh`).
    static var needsMiniLM: Self {
        .enabled(if: MiniLMFolder.available,
                 Comment(rawValue: "needs all-MiniLM-L6-v2 at \(MiniLMFolder.url.path) (run bash scripts/get-minilm.sh)"))
    }
}
