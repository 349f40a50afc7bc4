import Foundation
import SiameseCore
import SiameseEvaluation
import SiameseGallery
import SiameseModels

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ label: String = "gallery") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A tiny saved model folder (an MLP on 8×8 grey images, 6-d embeddings) with a calibrated threshold and two
/// operating points, loaded back so that it carries its content hash.
func makeModelFolder(in folder: URL, name: String = "model", distance: ComponentSpec = "euclidean", seed: UInt64 = 7,
                     embeddingSize: Int = 6, calibrated: Bool = true) throws -> URL {
    let config = EncoderConfiguration(kind: .mlp, inputSide: 8, embeddingSize: embeddingSize, hidden: [9])
    let encoder = try GlobalGenerator.withSeed(seed) { try EncoderStage(configuration: config) }
    let threshold = calibrated ? CalibratedThreshold(value: 0.5, falseAcceptRate: 0.05, falseRejectRate: 0.1, rule: "best-accuracy", pairs: 100) : nil
    let points = calibrated ? [CalibratedThreshold(value: 0.3, falseAcceptRate: 0.01, falseRejectRate: 0.2, rule: "false-accept-rate ≤ 0.01", pairs: 100),
                               CalibratedThreshold(value: 0.1, falseAcceptRate: 0.001, falseRejectRate: 0.4, rule: "false-accept-rate ≤ 0.001", pairs: 100)] : []
    let model = try EmbeddingModel(input: .init(size: 8), encoder: encoder, normalizeEmbeddings: false,
                                   similarity: try SimilarityConfiguration(distance: distance, threshold: threshold, operatingPoints: points))
    let url = folder.appendingPathComponent(name)
    try model.save(to: url)
    return url
}

/// Seeded random vectors with components in [-1, 1].
func randomVectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &g) } }
}

/// An 8-bit binary PGM (P5) of seeded random pixels.
func writePGM(to url: URL, side: Int = 8, seed: UInt64) throws {
    var g = SeededGenerator(seed: seed)
    var bytes = Array("P5\n\(side) \(side)\n255\n".utf8)
    bytes += (0..<(side * side)).map { _ in UInt8.random(in: 0...255, using: &g) }
    try Data(bytes).write(to: url)
}

/// Opens a gallery on `database` with the model folder at `model`.
func openGallery(_ database: URL, model: URL) async throws -> Gallery {
    try await Gallery.open(database: database.path, modelFolder: model)
}

/// The model's score between two vectors, in Double: Euclidean distance or cosine similarity.
func referenceScore(_ a: [Float], _ b: [Float], cosine: Bool) -> Double {
    if cosine {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
        return dot / (na.squareRoot() * nb.squareRoot())
    }
    return zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
}
