import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseModels
@testable import SiameseNN

/// A fresh model of `kind` with small sizes, seeded, and images it can take.
private func makeModel(_ kind: EncoderConfiguration.Kind, normalize: Bool = true, seed: UInt64 = 7) throws -> EmbeddingModel {
    let config = EncoderConfiguration(kind: kind, width: 4, blocks: 2, embeddingSize: 6, hidden: [9])
    let encoder = try GlobalGenerator.withSeed(seed) { try EncoderStage(configuration: config) }
    return try EmbeddingModel(input: .init(size: config.inputSide, invert: true, mean: 0.2, std: 0.3), encoder: encoder,
                              normalizeEmbeddings: normalize, similarity: SimilarityConfiguration())
}

private func images(_ count: Int, side: Int = 31, seed: UInt64 = 3) -> [Image] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Image(width: side, height: side + 2, channels: 1, pixels: (0..<(side * (side + 2))).map { _ in Float.random(in: 0...1, using: &g) }) }
}

private func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("siamese-model-\(UUID().uuidString)")
}

@Suite struct EmbeddingModelTests {
    /// Save → load gives bit-identical embeddings, for every registered encoder kind.
    @Test(arguments: EncoderConfiguration.Kind.allCases)
    func saveLoadRoundTripIsBitIdentical(kind: EncoderConfiguration.Kind) throws {
        let model = try makeModel(kind, normalize: kind != .mlp)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = images(kind == .koch ? 2 : 5)
        let before = try model.embed(images: inputs)
        try model.save(to: folder)
        let loaded = try EmbeddingModel.load(from: folder)
        #expect(try loaded.embed(images: inputs).scalars == before.scalars)
        #expect(loaded.info.contentHash == model.info.contentHash && model.info.contentHash.count == 64)
        #expect(loaded.encoder?.configuration == model.encoder?.configuration)
        #expect(loaded.normalizesEmbeddings == (kind != .mlp))
        let names = try JSONDecoder().decode([ModuleDescriptor].self, from: Data(contentsOf: folder.appendingPathComponent("modules.json")))
        #expect(names.first?.type == ImageInput.typeName && names.first?.path == "0_ImageInput")
        #expect(names.contains { $0.type == EncoderStage.typeName && $0.path == "" })
    }

    @Test func layoutFollowsSentenceTransformers() throws {
        let model = try makeModel(.convNet)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try model.save(to: folder)
        for file in ["modules.json", "config.json", "model.safetensors", "0_ImageInput/config.json", "2_Normalize",
                     "similarity.json", "model.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let weights = try Safetensors.read(folder.appendingPathComponent("model.safetensors"))
        #expect(weights.tensors["features.0.weight"]?.shape == [4, 1, 3, 3])
        let info = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("model.json"))) as? [String: Any]
        #expect(info?["formatVersion"] as? Int == 1)
        let hashes = info?["weights"] as? [String: String]
        #expect(hashes?["model.safetensors"] == SHA256.hex(of: try Data(contentsOf: folder.appendingPathComponent("model.safetensors"))))
    }

    @Test func calibratedThresholdDecidesComparisons() throws {
        let model = try makeModel(.convNet)
        let pair = images(2)
        let e = try model.embed(images: pair)
        let d = try model.scores(e.narrowed(axis: 0, start: 0, length: 1), e.narrowed(axis: 0, start: 1, length: 1))[0]
        #expect(try model.compare(pair[0], pair[1]).same == nil)
        model.similarity.threshold = CalibratedThreshold(value: d + 0.01, falseAcceptRate: 0.1, falseRejectRate: 0.1, rule: "test", pairs: 10)
        let verdict = try model.compare(pair[0], pair[1])
        #expect(verdict.same == true && abs(verdict.distance - d) < 1e-12 && abs(verdict.similarity - 1 / (1 + d)) < 1e-12)
        #expect(try model.compare(pair[0], pair[1], threshold: d - 0.01).same == false)
        // Cosine similarity: larger is closer, and the folder says so.
        model.similarity = try SimilarityConfiguration(distance: "cosine")
        #expect(model.similarity.greaterIsCloser)
        let cosine = try model.compare(pair[0], pair[1], threshold: 0.5)
        #expect(cosine.same == (cosine.distance >= 0.5) && cosine.similarity == cosine.distance)
    }

    @Test func thresholdForAFalseAcceptRateIsTheLargestCalibratedOneWithin() throws {
        func point(_ far: Double, _ value: Double) -> CalibratedThreshold {
            CalibratedThreshold(value: value, falseAcceptRate: far, falseRejectRate: 0.1, rule: "test", pairs: 100)
        }
        let s = try SimilarityConfiguration(threshold: point(0.04, 0.9), operatingPoints: [point(0.01, 0.6), point(0.001, 0.4)])
        #expect(s.threshold(forFalseAcceptRate: 0.05)?.value == 0.9)
        #expect(s.threshold(forFalseAcceptRate: 0.02)?.value == 0.6)
        #expect(s.threshold(forFalseAcceptRate: 0.001)?.value == 0.4)
        #expect(s.threshold(forFalseAcceptRate: 0.0001) == nil)
    }

    @Test func refusesToReplaceAFolderThatIsNotAModel() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        #expect(throws: ModelFolderError.self) { try makeModel(.mlp).save(to: folder) }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
    }

    @Test func wrongChannelsAndEmptyInputAreTypedErrors() throws {
        let model = try makeModel(.convNet)
        #expect(throws: ModelFolderError.self) { try model.embed(images: []) }
        let rgb = Image(width: 4, height: 4, channels: 3, pixels: Array(repeating: 0.5, count: 48))
        #expect(throws: ModelFolderError.self) { try model.embed(images: [rgb]) }
    }
}

/// Each damaged folder is refused with an error naming the file (and the tensor or module).
@Suite struct RefusedModelFolderTests {
    private func savedFolder() throws -> URL {
        let folder = temporaryFolder()
        try makeModel(.convNet).save(to: folder)
        return folder
    }

    /// Replaces `old` with `new` in the folder's `file`, then returns the load error's message.
    private func loadError(after file: String, in folder: URL, replacing old: String, with new: String) throws -> String {
        let url = folder.appendingPathComponent(file)
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(text.contains(old), "\(file) lacks \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
        return message { _ = try EmbeddingModel.load(from: folder) }
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func truncatedWeights() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count - 100).write(to: file)
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("model.safetensors"), "\(text)")
    }

    @Test func nanWeights() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.safetensors")
        var tensors = try Safetensors.read(file).tensors.mapValues { $0.tensor() }
        var w = tensors["features.0.weight"]!.scalars
        w[3] = .nan
        tensors["features.0.weight"] = Tensor(w, shape: tensors["features.0.weight"]!.shape)
        try Safetensors.write(floats: tensors, to: file)
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("model.safetensors") && text.contains("features.0.weight") && text.contains("NaN"), "\(text)")
    }

    @Test func wrongShape() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.safetensors")
        var tensors = try Safetensors.read(file).tensors.mapValues { $0.tensor() }
        tensors["features.0.bias"] = Tensor.zeros([5])
        try Safetensors.write(floats: tensors, to: file)
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("features.0.bias") && text.contains("[5]"), "\(text)")
    }

    @Test func editedWeightsFailTheHash() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.safetensors")
        var tensors = try Safetensors.read(file).tensors.mapValues { $0.tensor() }
        tensors["features.0.bias"] = tensors["features.0.bias"]! + 1
        try Safetensors.write(floats: tensors, to: file)
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("content hash"), "\(text)")
    }

    @Test func unknownModuleKind() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try loadError(after: "modules.json", in: folder, replacing: "SiameseKit.Normalize", with: "SiameseKit.Warp")
        #expect(error.contains("modules.json") && error.contains("SiameseKit.Warp"), "\(error)")
    }

    @Test func unknownEncoderKind() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try loadError(after: "config.json", in: folder, replacing: "conv4", with: "conv9")
        #expect(error.contains("config.json") && error.contains("conv9"), "\(error)")
    }

    @Test func newerFormatVersion() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try loadError(after: "model.json", in: folder, replacing: "\"formatVersion\" : 1", with: "\"formatVersion\" : 2")
        #expect(error == ModelFolderError.newerFormat(path: folder.appendingPathComponent("model.json").path, found: 2, supported: 1).description)
    }

    @Test func missingFolderAndFiles() throws {
        #expect(throws: ModelFolderError.self) { _ = try EmbeddingModel.load(from: temporaryFolder()) }
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("similarity.json"))
        let text = message { _ = try EmbeddingModel.load(from: folder) }
        #expect(text.contains("similarity.json"), "\(text)")
    }

    @Test func unusableInputConfiguration() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try loadError(after: "0_ImageInput/config.json", in: folder, replacing: "\"std\" : 0.3", with: "\"std\" : 0")
        #expect(error.contains("0_ImageInput/config.json") && error.contains("std"), "\(error)")
    }

    @Test func inputThatDoesNotFitTheEncoder() throws {
        let folder = try savedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try loadError(after: "0_ImageInput/config.json", in: folder, replacing: "\"size\" : 28", with: "\"size\" : 30")
        #expect(error.contains("30") && error.contains("modules.json"), "\(error)")
    }
}
