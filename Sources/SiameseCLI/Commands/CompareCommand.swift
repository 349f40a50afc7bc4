import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseCore
import SiameseData
import SiameseModels
import SiameseNN
import SiameseText
import SiameseTraining

/// Where a command finds its model: a model folder (`--model`) or a run folder (`--run`, its `model/`).
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: "Model folder (modules.json, model.safetensors, …).") var modelFolder: String?
    @Option(name: .customLong("run"), help: "Run folder written by `siamese train` or `siamese demo`.") var runFolder: String?

    func validate() throws {
        guard (modelFolder == nil) != (runFolder == nil) else { throw ValidationError("give either --model DIR or --run DIR") }
    }

    func load() throws -> EmbeddingModel {
        if let modelFolder { return try EmbeddingModel.load(from: URL(fileURLWithPath: modelFolder)) }
        return try EmbeddingModel.load(run: URL(fileURLWithPath: runFolder!))
    }
}

/// `siamese compare A B`: distance, similarity and the same/different decision of a trained model.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two images (or, with a text model, two sentences): distance, similarity and same or different.",
        discussion: "The decision uses the threshold calibrated on held-out pairs (the model's similarity.json). With a sentence-transformers text model (--model DIR) the arguments are sentences and the result is their cosine similarity; truncation to the model's maximum length is reported."
    )

    @Argument(help: "First image (PNG, JPEG or PGM/PPM), or first sentence for a text model.") var first: String
    @Argument(help: "Second image or sentence.") var second: String
    @OptionGroup var model: ModelOptions
    @Option(help: "Threshold (default: the model's calibrated one).") var threshold: Double?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        if let folder = model.modelFolder, TextModelFolder.isTextModel(URL(fileURLWithPath: folder)) {
            return try TextCommands.compare(first, second, folder: folder, threshold: threshold, json: json)
        }
        let loaded = try model.load()
        let result = try loaded.compare(URL(fileURLWithPath: first), URL(fileURLWithPath: second), threshold: threshold)
        if json {
            try printJSON(result)
        } else {
            let verdict = result.same.map { $0 ? "same" : "different" } ?? "no calibrated threshold in the model"
            print(String(format: "%@ %.4f  similarity %.4f  → %@%@", result.greaterIsCloser ? "score" : "distance", result.distance,
                         result.similarity, verdict, result.threshold.map { String(format: " (threshold %.4f)", $0) } ?? ""))
        }
    }
}

/// `siamese embed`: images → an embeddings file (safetensors: `embeddings` [n, d]; file names and skipped files in
/// the metadata).
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Embed images (or, with --text, sentences) with a trained model.",
        discussion: "Folders are searched recursively (class sub-folders too), in name order. Unreadable files are skipped with a warning and listed in the output's metadata (`skipped`); --strict stops at the first one instead. With --text FILE (one sentence a line, `-` for standard input) and a sentence-transformers model, the output is JSON (`.json`), TSV (`.tsv`, or `-` for standard output) or safetensors; truncated sentences are reported.")

    @Argument(help: "Image files, or folders whose images are embedded in name order.") var inputs: [String] = []
    @Option(help: "Sentences to embed, one a line (`-`: standard input); needs a text model.") var text: String?
    @OptionGroup var model: ModelOptions
    @Option(help: "Output file.") var output = "embeddings.safetensors"
    @Flag(help: "Fail on the first unreadable image instead of skipping it.") var strict = false

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        if let text {
            guard let folder = model.modelFolder else { throw ValidationError("--text needs --model DIR (a sentence-transformers folder)") }
            guard inputs.isEmpty else { throw ValidationError("give either image inputs or --text FILE, not both") }
            return try TextCommands.embed(file: text, folder: folder, output: output)
        }
        guard !inputs.isEmpty else { throw ValidationError("give image files or folders, or --text FILE") }
        let loaded = try model.load()
        let files = try ImageFiles.collect(inputs.map { URL(fileURLWithPath: $0) })
        guard !files.isEmpty else { throw ValidationError("no images to embed in \(inputs.joined(separator: ", "))") }
        let decoded = try ImageFiles.decode(files, mode: loaded.imageInput?.colorMode ?? .grey, strict: strict)
        for (url, reason) in decoded.skipped.prefix(5) { status("warning: skipped \(url.path): \(reason)") }
        if decoded.skipped.count > 5 { status("warning: skipped \(decoded.skipped.count) unreadable files in all") }
        guard !decoded.images.isEmpty else { throw ValidationError("none of the \(files.count) files could be read as an image") }
        let embeddings = try loaded.embed(images: decoded.images.map(\.image))
        let json = JSONEncoder()
        json.outputFormatting = [.withoutEscapingSlashes]
        let names = String(decoding: try json.encode(decoded.images.map(\.url.path)), as: UTF8.self)
        let skipped = String(decoding: try json.encode(decoded.skipped.map { ["file": $0.url.path, "reason": $0.reason] }), as: UTF8.self)
        try Safetensors.write(floats: ["embeddings": embeddings],
                              metadata: ["files": names, "skipped": skipped, "model": loaded.info.contentHash],
                              to: URL(fileURLWithPath: output))
        status("siamese embed: \(decoded.images.count) images → \(output) (\(embeddings.shape[1]) dimensions)"
               + (decoded.skipped.isEmpty ? "" : ", \(decoded.skipped.count) skipped"))
    }
}
