import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseModels

/// Replaces one file of a valid model folder (the first byte picks which) with the rest of the input, loads the
/// folder, then puts the file back.
enum ModelFolderTarget {
    static let folder = Scratch.folder.appendingPathComponent("model")
    nonisolated(unsafe) static var files: [(path: String, original: Data)] = []

    static let target = FuzzTarget(prepare: {
        do {
            let config = EncoderConfiguration(kind: .mlp, inputSide: 8, embeddingSize: 4, hidden: [5])
            let encoder = try GlobalGenerator.withSeed(1) { try EncoderStage(configuration: config) }
            let threshold = CalibratedThreshold(value: 0.5, falseAcceptRate: 0.05, falseRejectRate: 0.1, rule: "best-accuracy", pairs: 10)
            let model = try EmbeddingModel(input: .init(size: 8), encoder: encoder, normalizeEmbeddings: true,
                                           similarity: try SimilarityConfiguration(distance: "euclidean", threshold: threshold))
            try model.save(to: folder)
            let enumerator = FileManager.default.enumerator(atPath: folder.path)!
            for case let relative as String in enumerator {
                let url = folder.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files.append((relative, try Data(contentsOf: url)))
            }
            files.sort { $0.path < $1.path }
            // `SIAMESE_FUZZ_SEEDS=DIR` writes the seed corpus: each file of the folder behind its selector byte.
            if let seeds = ProcessInfo.processInfo.environment["SIAMESE_FUZZ_SEEDS"] {
                try FileManager.default.createDirectory(atPath: seeds, withIntermediateDirectories: true)
                for (i, file) in files.enumerated() {
                    let name = "\(i)-" + file.path.replacingOccurrences(of: "/", with: "-")
                    try (Data([UInt8(i)]) + file.original).write(to: URL(fileURLWithPath: seeds).appendingPathComponent(name))
                }
            }
            _ = try EmbeddingModel.load(from: folder)
        } catch {
            fatalError("model-folder: cannot write the base model folder: \(error)")
        }
    }, run: { data in
        guard let first = data.first else { return }
        let file = files[Int(first) % files.count]
        let url = folder.appendingPathComponent(file.path)
        FileManager.default.createFile(atPath: url.path, contents: Data(data.dropFirst()))
        defer { FileManager.default.createFile(atPath: url.path, contents: file.original) }
        guard let model = try? EmbeddingModel.load(from: folder) else { return }
        _ = try? model.embed(images: [Image(width: 8, height: 8, channels: 1, pixels: [Float](repeating: 0.5, count: 64))])
    })
}
