import Foundation
import PropertyBased
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseModels

/// Model folders saved and loaded back for generated configurations: the same embeddings bit for bit, the same
/// similarity settings and content hash, and no file left beside the folder.
@Suite struct ModelFolderPropertyTests {
    struct Setup: Sendable, CustomStringConvertible {
        var side: Int, embedding: Int, hidden: [Int], normalize: Bool, invert: Bool, distance: String, threshold: Double?, seed: UInt64
        var description: String { "side \(side), embedding \(embedding), hidden \(hidden), normalize \(normalize), \(distance), threshold \(String(describing: threshold)), seed \(seed)" }
    }

    static let distances = ["euclidean", "cosine", "squared-euclidean", "manhattan"]

    /// Sizes from the generators; the rest (normalisation, inversion, distance, threshold) drawn from the seed.
    static let setups = zip(Gen.int(in: 2...9), Gen.int(in: 1...8), Gen.int(in: 1...8).array(of: 0...2), Gen.uint64(in: 0...UInt64.max))
        .map { (side: Int, embedding: Int, hidden: [Int], seed: UInt64) -> Setup in
            var g = SeededGenerator(seed: seed)
            let threshold: Double? = g.nextInt(below: 3) == 0 ? nil : Double(g.nextUniform()) * 4 - 2
            return Setup(side: side, embedding: embedding, hidden: hidden, normalize: g.nextInt(below: 2) == 0, invert: g.nextInt(below: 2) == 0,
                         distance: distances[g.nextInt(below: distances.count)], threshold: threshold, seed: seed)
        }

    @Test func savingAndLoadingKeepsEverything() async throws {
        await propertyCheck(count: 25, input: Self.setups) { setup in
            let config = EncoderConfiguration(kind: .mlp, inputSide: setup.side, embeddingSize: setup.embedding, hidden: setup.hidden)
            let encoder = try GlobalGenerator.withSeed(setup.seed) { try EncoderStage(configuration: config) }
            let calibrated = setup.threshold.map { CalibratedThreshold(value: $0, falseAcceptRate: 0.01, falseRejectRate: 0.2, rule: "generated", pairs: 10) }
            guard let similarity = try? SimilarityConfiguration(distance: ComponentSpec(stringLiteral: setup.distance), threshold: calibrated) else { return }
            let model = try EmbeddingModel(input: .init(size: setup.side, invert: setup.invert, mean: 0.1, std: 0.7), encoder: encoder,
                                           normalizeEmbeddings: setup.normalize, similarity: similarity)
            var g = SeededGenerator(seed: setup.seed)
            let images = (0..<3).map { _ in
                Image(width: setup.side + 1, height: setup.side, channels: 1,
                      pixels: (0..<((setup.side + 1) * setup.side)).map { _ in Float.random(in: 0...1, using: &g) })
            }
            let parent = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-model-property-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: parent) }
            let folder = parent.appendingPathComponent("model")
            try model.save(to: folder)
            try model.save(to: folder)  // replacing a model folder leaves the same result
            let loaded = try EmbeddingModel.load(from: folder)
            #expect(try loaded.embed(images: images).scalars.map(\.bitPattern) == model.embed(images: images).scalars.map(\.bitPattern))
            #expect(loaded.similarity == model.similarity)
            #expect(loaded.info.contentHash == model.info.contentHash)
            #expect(loaded.encoder?.configuration == config)
            #expect(loaded.normalizesEmbeddings == setup.normalize)
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["model"])
        }
    }
}
