import Foundation
import SiameseCore
import SiameseEvaluation
import SiameseModels
import SiameseNN
import SiameseOptimizers

extension EmbeddingModel {
    /// The model of a run folder: its `model/` folder or, for runs written before model folders existed, the model
    /// rebuilt from `checkpoint/`, `preprocessing.json` and the threshold in `metrics.json` (Euclidean distance).
    ///
    /// - Throws: ``ModelFolderError`` naming the file at fault.
    public static func load(run folder: URL) throws -> EmbeddingModel {
        let fm = FileManager.default
        let modelFolder = folder.appendingPathComponent("model")
        if fm.fileExists(atPath: modelFolder.appendingPathComponent("modules.json").path) {
            return try load(from: modelFolder)
        }
        let checkpoint = folder.appendingPathComponent("checkpoint")
        guard fm.fileExists(atPath: checkpoint.appendingPathComponent("checkpoint.json").path) else {
            throw ModelFolderError.notARunFolder(path: folder.path)
        }
        let preprocessingURL = folder.appendingPathComponent("preprocessing.json")
        guard let data = fm.contents(atPath: preprocessingURL.path),
              let input = try? JSONDecoder().decode(ImageInput.Configuration.self, from: data) else {
            throw ModelFolderError.invalidJSON(path: preprocessingURL.path, reason: "missing or unreadable")
        }
        struct Architecture: Decodable { let encoder: EncoderConfiguration; let normalizeEmbeddings: Bool }
        let encoder: EncoderConfiguration, normalize: Bool
        let network: SiameseNetwork<AnyEncoder>
        do {
            let info = try Checkpoint.readInfo(from: checkpoint)
            let text = info.architecture ?? ""
            if let a = try? JSONDecoder().decode(Architecture.self, from: Data(text.utf8)) {
                (encoder, normalize) = (a.encoder, a.normalizeEmbeddings)
            } else {
                (encoder, normalize) = (try EncoderConfiguration(architecture: text), false)
            }
            network = SiameseNetwork(encoder: try encoder.makeEncoder(), normalizeEmbeddings: normalize)
            try Checkpoint.load(from: checkpoint, into: network)
        } catch {
            throw ModelFolderError.invalidConfiguration(path: checkpoint.path, reason: "incompatible or damaged checkpoint: \(error)")
        }
        struct Metrics: Decodable { let threshold: Double? }
        let threshold = fm.contents(atPath: folder.appendingPathComponent("metrics.json").path)
            .flatMap { try? JSONDecoder().decode(Metrics.self, from: $0) }?.threshold
        let similarity = try SimilarityConfiguration(threshold: threshold.map {
            // Earlier runs did not record the rates; 1 keeps this threshold out of requests for a false-accept rate.
            CalibratedThreshold(value: $0, falseAcceptRate: 1, falseRejectRate: 1, rule: "best-accuracy (earlier run, rates not recorded)", pairs: 0)
        })
        return try EmbeddingModel(input: input, encoder: EncoderStage(configuration: encoder, encoder: network.encoder),
                                  normalizeEmbeddings: normalize, similarity: similarity)
    }
}
