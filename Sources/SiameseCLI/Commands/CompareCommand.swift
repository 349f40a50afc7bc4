import ArgumentParser
import Foundation
import SiameseCore
import SiameseNN

/// `siamese compare A B`: distance, similarity and the same/different decision of a trained model.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two images with a trained model: distance, similarity and same or different.",
        discussion: "The decision uses the threshold the run calibrated on held-out pairs (metrics.json)."
    )

    @Argument(help: "First image (PNG, JPEG or PGM/PPM).") var first: String
    @Argument(help: "Second image.") var second: String
    @Option(name: .customLong("run"), help: "Run folder written by `siamese train` or `siamese demo`.") var runFolder: String
    @Option(help: "Distance threshold (default: the run's calibrated one).") var threshold: Double?
    @Flag(help: "Print the result as JSON.") var json = false

    struct Result: Codable { let distance: Double; let similarity: Double; let threshold: Double?; let same: Bool? }

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        let model = try ModelRun(folder: URL(fileURLWithPath: runFolder))
        let e = try model.embed([URL(fileURLWithPath: first), URL(fileURLWithPath: second)])
        let d = Double(Tensor.pairwiseDistances(e.narrowed(axis: 0, start: 0, length: 1), e.narrowed(axis: 0, start: 1, length: 1),
                                                metric: .l2).item)
        let cut = threshold ?? model.threshold
        let result = Result(distance: d, similarity: 1 / (1 + d), threshold: cut, same: cut.map { d <= $0 })
        if json {
            try printJSON(result)
        } else {
            let verdict = result.same.map { $0 ? "same" : "different" } ?? "no threshold in the run"
            print(String(format: "distance %.4f  similarity %.4f  → %@%@", d, result.similarity, verdict,
                         cut.map { String(format: " (threshold %.4f)", $0) } ?? ""))
        }
    }
}

/// `siamese embed`: images → an embeddings file (safetensors: `embeddings` [n, d], file names in the metadata).
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Embed images with a trained model.")

    @Argument(help: "Image files, or folders whose images are embedded in name order.") var inputs: [String]
    @Option(name: .customLong("run"), help: "Run folder written by `siamese train` or `siamese demo`.") var runFolder: String
    @Option(help: "Output file.") var output = "embeddings.safetensors"

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        let files = try inputs.flatMap { path -> [URL] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path): no such file or folder")
            }
            guard isDirectory.boolValue else { return [URL(fileURLWithPath: path)] }
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                .filter { !$0.hasPrefix(".") && ["png", "jpg", "jpeg", "pgm", "ppm"].contains(($0 as NSString).pathExtension.lowercased()) }
                .map { URL(fileURLWithPath: path).appendingPathComponent($0) }
        }
        guard !files.isEmpty else { throw ValidationError("no images to embed") }
        let model = try ModelRun(folder: URL(fileURLWithPath: runFolder))
        let embeddings = try model.embed(files)
        let names = String(decoding: try JSONEncoder().encode(files.map(\.path)), as: UTF8.self)
        try EmbeddingsFile.write(embeddings, files: names, to: URL(fileURLWithPath: output))
        status("siamese embed: \(files.count) images → \(output) (\(embeddings.shape[1]) dimensions)")
    }
}

/// Writes embeddings as safetensors, atomically.
enum EmbeddingsFile {
    static func write(_ embeddings: Tensor, files: String, to url: URL) throws {
        try Safetensors.write(floats: ["embeddings": embeddings], metadata: ["files": files], to: url)
    }
}
