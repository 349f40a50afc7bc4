import Foundation
import Testing

/// `siamese embed --text`, `siamese compare` and `siamese evaluate --pairs` with a sentence-transformers folder.
@Suite(.serialized) struct TextCommandTests {
    static let miniLM: URL = {
        if let dir = ProcessInfo.processInfo.environment["SIAMESE_MINILM_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/siamese/all-MiniLM-L6-v2")
    }()
    static let available = FileManager.default.fileExists(atPath: miniLM.appendingPathComponent("model.safetensors").path)

    @Test func textOptionsAreValidated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sentences = dir.appendingPathComponent("s.txt")
        try Data("hello\n".utf8).write(to: sentences)
        let noModel = try runSiamese(["embed", "--text", sentences.path, "--run", dir.path])
        #expect(noModel.status != 0)
        #expect(noModel.stderr.contains("--text needs --model"))
        let missing = try runSiamese(["evaluate", "--model", dir.path, "--pairs", dir.appendingPathComponent("none.tsv").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("modules.json"))
    }

    @Test(.enabled(if: available, "needs all-MiniLM-L6-v2 (bash scripts/get-minilm.sh)"))
    func embedCompareAndEvaluateText() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sentences = dir.appendingPathComponent("s.txt")
        let long = String(repeating: "very ", count: 300)
        try Data("A man is playing a guitar.\n\(long)\nA person plays an acoustic guitar on stage.\n".utf8).write(to: sentences)
        let out = dir.appendingPathComponent("e.json")
        let embed = try runSiamese(["embed", "--text", sentences.path, "--model", Self.miniLM.path, "--output", out.path])
        #expect(embed.status == 0, "\(embed.stderr)")
        #expect(embed.stderr.contains("line 2 truncated to 256 tokens"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect((rows[0]["embedding"] as? [Double])?.count == 384)
        #expect((rows[1]["truncated"] as? Int) == 300 - 254)

        let compare = try runSiamese(["compare", "A man is playing a guitar.", "A person plays an acoustic guitar on stage.",
                                      "--model", Self.miniLM.path, "--json"])
        #expect(compare.status == 0, "\(compare.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
        #expect(abs((report["similarity"] as? Double ?? 0) - 0.6517468690872192) < 1e-4)

        let pairs = dir.appendingPathComponent("pairs.tsv")
        try Data("5.0\tA man is playing a guitar.\tA man plays the guitar.\n0.2\tA cat sleeps.\tStock markets fell.\n2.5\tA dog runs.\tAn animal moves.\n".utf8)
            .write(to: pairs)
        let evaluate = try runSiamese(["evaluate", "--model", Self.miniLM.path, "--pairs", pairs.path, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any])
        #expect((metrics["pairs"] as? Int) == 3)
        #expect((metrics["spearman"] as? Double) == 100)

        let bad = dir.appendingPathComponent("bad.txt")
        try Data([0x61, 0x0A, 0xC3, 0x28, 0x0A]).write(to: bad)
        let invalid = try runSiamese(["embed", "--text", bad.path, "--model", Self.miniLM.path, "--output", out.path])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("line 2: not valid UTF-8"))
    }

    @Test func trainTextRecipeAndEvaluateTheRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-text-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "cat", "dog", "sits", "runs", "mat", "grass", "on", "sky"])
            .joined(separator: "\n").write(to: dir.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        // Quora-style labelled pairs: the run reports ROC-AUC and accuracy besides the correlations.
        let pairs = dir.appendingPathComponent("pairs.csv")
        try "question1,question2,is_duplicate\nthe cat sits on the mat,a cat sits on a mat,1\nthe cat sits,the dog runs on grass,0\n\"a dog, runs\",the dog runs,1\na dog runs,the sky,0\n"
            .write(to: pairs, atomically: true, encoding: .utf8)
        let recipe = dir.appendingPathComponent("text.yaml")
        try """
        kind: text
        train: \(pairs.path)
        test: \(pairs.path)
        scratch: {vocabulary: \(dir.path), layers: 1, hidden: 8, heads: 2, intermediate: 16, maxLength: 16}
        loss: {name: multiple-negatives-ranking, symmetric: true}
        epochs: 3
        batchSize: 4
        learningRate: 1.0e-3
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let train = try runSiamese(["train", "--recipe", recipe.path, "--output", run.path, "--quiet", "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
        #expect((report["steps"] as? Int) == 3)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("model/modules.json").path))
        let evaluate = try runSiamese(["evaluate", "--run", run.path, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [[String: Any]])
        #expect((rows.first?["pairs"] as? Int) == 4)
        #expect(rows.first?["rocAUC"] is Double)
        // A flag that only image recipes know is refused by name.
        let wrong = try runSiamese(["train", "--recipe", recipe.path, "--encoder", "conv4", "--output", dir.appendingPathComponent("x").path])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--encoder does not apply to a text recipe"))
    }
}

