import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseModels
@testable import SiameseNN

/// A Conv-4 image model (4 maps of 7×7 from 28×28 drawings, seeded) compared by a learned head of `kind`.
private func headModel(_ kind: ComparisonHeadStage.Configuration.Kind, seed: UInt64 = 11) throws -> EmbeddingModel {
    let config = EncoderConfiguration(kind: .convNet, inputSide: 28, width: 4, blocks: 2)
    return try GlobalGenerator.withSeed(seed) {
        let encoder = try EncoderStage(configuration: config)
        let head = try ComparisonHeadStage(configuration: kind == .koch
            ? .init(kind: .koch, features: 4 * 7 * 7) : .init(kind: .relation, channels: 4, side: 7, hidden: 5))
        let base = try EmbeddingModel(input: .init(size: 28, invert: true, mean: 0.2, std: 0.3), encoder: encoder,
                                      normalizeEmbeddings: false, similarity: SimilarityConfiguration())
        return EmbeddingModel(stages: base.stages + [head], similarity: .learnedHead(threshold: CalibratedThreshold(
            value: 0.5, falseAcceptRate: 0.1, falseRejectRate: 0.1, rule: "best-accuracy", pairs: 10)))
    }
}

private func drawings(_ count: Int, seed: UInt64 = 5) -> [Image] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Image(width: 30, height: 28, channels: 1, pixels: (0..<(30 * 28)).map { _ in Float.random(in: 0...1, using: &g) }) }
}

private func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("siamese-head-\(UUID().uuidString)")
}

private func message(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return "no error"
}

@Suite struct ComparisonHeadTests {
    /// Comparing two images runs Koch's head: σ(w · |h₁ − h₂| + b), recomputed here from the head's weights.
    @Test func kochComparisonIsTheHeadsProbability() throws {
        let model = try headModel(.koch)
        let inputs = drawings(2)
        let e = try model.embed(images: inputs).scalars, d = e.count / 2
        guard case .koch(let head)? = model.comparisonHead?.head else { Issue.record("no Koch head"); return }
        let w = head.out.weight.value.scalars, b = head.out.bias!.value.scalars[0]
        var logit = Double(b)
        for j in 0..<d { logit += Double(w[j]) * Double(abs(e[j] - e[d + j])) }
        let expected = 1 / (1 + exp(-logit))
        let result = try model.compare(inputs[0], inputs[1])
        #expect(abs(result.similarity - expected) < 1e-5, "\(result.similarity) vs \(expected)")
        #expect(result.greaterIsCloser && result.threshold == 0.5 && result.same == (expected >= 0.5))
        // A plain Euclidean model of the same encoder would give a distance, not this probability.
        #expect(try model.makeDistance() is LearnedHeadDistance)
    }

    /// Save → load keeps the head: the same comparison scores (bit for bit) and the same folder layout.
    @Test(arguments: ComparisonHeadStage.Configuration.Kind.allCases)
    func saveLoadKeepsTheScores(kind: ComparisonHeadStage.Configuration.Kind) throws {
        let model = try headModel(kind)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = drawings(6)
        let e = try model.embed(images: inputs)
        let a = e.narrowed(axis: 0, start: 0, length: 3), b = e.narrowed(axis: 0, start: 3, length: 3)
        let before = try model.scores(a, b)
        try model.save(to: folder)
        for file in ["2_ComparisonHead/config.json", "2_ComparisonHead/model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let loaded = try EmbeddingModel.load(from: folder)
        #expect(loaded.comparisonHead?.configuration == model.comparisonHead?.configuration)
        #expect(loaded.similarity.usesLearnedHead && loaded.similarity.greaterIsCloser)
        let e2 = try loaded.embed(images: inputs)
        #expect(e2.scalars == e.scalars)
        #expect(try loaded.scores(e2.narrowed(axis: 0, start: 0, length: 3), e2.narrowed(axis: 0, start: 3, length: 3)) == before)
        #expect(before.allSatisfy { $0 > 0 && $0 < 1 }, "\(before)")
        #expect(try loaded.compare(inputs[0], inputs[1]) == model.compare(inputs[0], inputs[1]))
        // The head changes the content hash: another head is another model.
        let other = try headModel(kind, seed: 12)
        let otherFolder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: otherFolder) }
        try other.save(to: otherFolder)
        #expect(other.info.contentHash != model.info.contentHash)
    }

    /// Relation scores of a pair do not depend on which other pairs share the batch (evaluation-mode batch norm).
    @Test func relationScoresAreEvaluationModeScores() throws {
        let model = try headModel(.relation)
        let e = try model.embed(images: drawings(4))
        let all = try model.scores(e.narrowed(axis: 0, start: 0, length: 2), e.narrowed(axis: 0, start: 2, length: 2))
        let one = try model.scores(e.narrowed(axis: 0, start: 1, length: 1), e.narrowed(axis: 0, start: 3, length: 1))
        #expect(abs(all[1] - one[0]) < 1e-6)
        #expect(model.comparisonHead?.module?.isTraining == true, "the head's mode is restored")
    }

    @Test func embeddingsOfAnotherSizeAreATypedError() throws {
        let model = try headModel(.koch)
        #expect(throws: ModelFolderError.self) { _ = try model.scores(Tensor.zeros([2, 5]), Tensor.zeros([2, 5])) }
        #expect(throws: ModelFolderError.self) { _ = try model.compare(embedding: [1, 2, 3], [3, 2, 1]) }
    }
}

/// A model folder whose head is missing or damaged is refused with an error naming the file.
@Suite struct RefusedHeadFolderTests {
    private func saved(_ kind: ComparisonHeadStage.Configuration.Kind = .relation) throws -> URL {
        let folder = temporaryFolder()
        try headModel(kind).save(to: folder)
        return folder
    }

    @Test func missingHeadWeights() throws {
        let folder = try saved()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("2_ComparisonHead/model.safetensors")
        try FileManager.default.removeItem(at: file)
        #expect(throws: ModelFolderError.missingFile(path: file.path)) { _ = try EmbeddingModel.load(from: folder) }
    }

    @Test func truncatedHeadWeights() throws {
        let folder = try saved()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("2_ComparisonHead/model.safetensors")
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count - 40).write(to: file)
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("2_ComparisonHead/model.safetensors"), "\(text)")
    }

    @Test func editedHeadWeightsFailTheHash() throws {
        let folder = try saved(.koch)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("2_ComparisonHead/model.safetensors")
        var tensors = try Safetensors.read(file).tensors.mapValues { $0.tensor() }
        #expect(Set(tensors.keys) == ["out.weight", "out.bias"])
        tensors["out.bias"] = tensors["out.bias"]! + 1
        try Safetensors.write(floats: tensors, to: file)
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("2_ComparisonHead/model.safetensors") && text.contains("content hash"), "\(text)")
    }

    @Test func headOfTheWrongShape() throws {
        let folder = try saved()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("2_ComparisonHead/config.json")
        let text = String(decoding: try Data(contentsOf: config), as: UTF8.self)
        try Data(text.replacingOccurrences(of: "\"hidden\" : 5", with: "\"hidden\" : 6").utf8).write(to: config)
        let error = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(error.contains("2_ComparisonHead/model.safetensors") && error.contains("fc1"), "\(error)")
    }

    @Test func missingAndBadHeadConfiguration() throws {
        let folder = try saved()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("2_ComparisonHead/config.json")
        let original = try Data(contentsOf: config)
        try Data(#"{"kind": "relation", "side": 7}"#.utf8).write(to: config)
        let missingField = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(missingField.contains(config.path) && missingField.contains("channels"), "\(missingField)")
        try Data(#"{"kind": "bilinear"}"#.utf8).write(to: config)
        let unknownKind = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(unknownKind.contains(config.path), "\(unknownKind)")
        try original.write(to: config)
        _ = try EmbeddingModel.load(from: folder)
        try FileManager.default.removeItem(at: config)
        #expect(throws: ModelFolderError.missingFile(path: config.path)) { _ = try EmbeddingModel.load(from: folder) }
    }

    /// `learned-head` in similarity.json with the head removed from modules.json.
    @Test func learnedHeadWithoutAHead() throws {
        let folder = try saved()
        defer { try? FileManager.default.removeItem(at: folder) }
        let modules = folder.appendingPathComponent("modules.json")
        var list = try JSONDecoder().decode([ModuleDescriptor].self, from: Data(contentsOf: modules))
        list.removeAll { $0.type == ComparisonHeadStage.typeName }
        try JSONEncoder().encode(list).write(to: modules)
        let error = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(error.contains("similarity.json") && error.contains("learned-head"), "\(error)")
    }
}
