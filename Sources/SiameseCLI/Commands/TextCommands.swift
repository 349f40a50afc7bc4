import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseCore
import SiameseNN
import SiameseText

/// The text side of `siamese embed` and `siamese compare` (text model folders: sentence-transformers or LSTM twins).
enum TextCommands {
    /// `siamese compare "a" "b" --model DIR` for a text model.
    static func compare(_ a: String, _ b: String, folder: String, threshold: Double?, json: Bool) throws {
        let model = try TextModelFolder.load(URL(fileURLWithPath: folder))
        let encodings = model.encode([a, b])
        for (name, e) in zip(["first", "second"], encodings) where e.isTruncated {
            status("warning: the \(name) sentence was truncated to \(model.maxLength) tokens (\(e.truncatedPieces) word pieces dropped)")
        }
        let rows = try model.embedRows(encodings, batchSize: 2)
        let d = model.dimension
        var dot = 0.0, na = 0.0, nb = 0.0
        for k in 0..<d { dot += Double(rows[k] * rows[d + k]); na += Double(rows[k] * rows[k]); nb += Double(rows[d + k] * rows[d + k]) }
        let cosine = dot / max((na * nb).squareRoot(), 1e-12)
        struct Report: Encodable {
            let similarity: Double; let threshold: Double?; let same: Bool?; let truncated: [Int]
        }
        let report = Report(similarity: cosine, threshold: threshold, same: threshold.map { cosine >= $0 },
                            truncated: encodings.map(\.truncatedPieces))
        if json { try printJSON(report); return }
        print(String(format: "cosine similarity %.4f", cosine)
              + (report.same.map { $0 ? String(format: "  → same (threshold %.4f)", threshold!) : String(format: "  → different (threshold %.4f)", threshold!) } ?? ""))
    }

    /// `siamese embed --text FILE --model DIR --output OUT`.
    static func embed(file: String, folder: String, output: String) throws {
        let source = file == "-" ? "standard input" : file
        let data: Data
        if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else {
            guard let d = FileManager.default.contents(atPath: file) else { throw TextError.missingFile(path: file) }
            data = d
        }
        var lines: [String] = []
        var number = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var bytes = Data(raw)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard let line = String(bytes: bytes, encoding: .utf8), line.utf8.elementsEqual(bytes) else {
                throw TextError.invalidUTF8(source: "\(source), line \(number)")
            }
            lines.append(line)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ValidationError("\(source) holds no sentences") }
        let model = try TextModelFolder.load(URL(fileURLWithPath: folder))
        let encodings = model.encode(lines)
        let truncated = encodings.enumerated().filter { $0.element.isTruncated }
        for (i, e) in truncated.prefix(5) {
            status("warning: line \(i + 1) truncated to \(model.maxLength) tokens (\(e.truncatedPieces) word pieces dropped)")
        }
        if truncated.count > 5 { status("warning: \(truncated.count) lines truncated in all") }
        let rows = try model.embedRows(encodings, batchSize: 32)
        let d = model.dimension
        if output == "-" || output.hasSuffix(".tsv") {
            var text = ""
            for (i, line) in lines.enumerated() {
                let clean = line.replacingOccurrences(of: "\t", with: " ")
                text += clean + "\t" + rows[(i * d)..<((i + 1) * d)].map { "\($0)" }.joined(separator: "\t") + "\n"
            }
            if output == "-" { FileHandle.standardOutput.write(Data(text.utf8)) } else {
                try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: output))
            }
        } else if output.hasSuffix(".json") {
            struct Row: Encodable { let text: String; let truncated: Int; let embedding: [Float] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            let rowsOut = lines.indices.map { Row(text: lines[$0], truncated: encodings[$0].truncatedPieces,
                                                  embedding: Array(rows[($0 * d)..<(($0 + 1) * d)])) }
            try AtomicFile.write(try encoder.encode(rowsOut), to: URL(fileURLWithPath: output))
        } else {
            let encoder = JSONEncoder()
            let texts = String(decoding: try encoder.encode(lines), as: UTF8.self)
            let cut = String(decoding: try encoder.encode(encodings.map(\.truncatedPieces)), as: UTF8.self)
            try Safetensors.write(floats: ["embeddings": Tensor(rows, shape: [lines.count, d])],
                                  metadata: ["texts": texts, "truncated": cut, "model": folder], to: URL(fileURLWithPath: output))
        }
        if output != "-" {
            status("siamese embed: \(lines.count) sentences → \(output) (\(d) dimensions)"
                   + (truncated.isEmpty ? "" : ", \(truncated.count) truncated"))
        }
    }
}

/// `siamese convert --model SRC --output DST`: rewrites a sentence-transformers text model folder in the layout
/// ``SentenceTransformer/save(to:)`` writes (F32 weights, so F16/BF16 checkpoints are widened once).
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Re-save a sentence-transformers text model folder (F32 weights, SiameseKit's layout).",
        discussion: "The result loads in Python's sentence-transformers (SentenceTransformer(DST)) and in SiameseKit; see scripts/st-roundtrip.sh.")

    @Option(name: .customLong("model"), help: "The sentence-transformers folder to read.") var model: String
    @Option(help: "The folder to write (replaced only if it is a model folder or empty).") var output: String

    func run() throws {
        try reportingPlainly {
            let loaded = try SentenceTransformer(folder: URL(fileURLWithPath: model))
            try loaded.save(to: URL(fileURLWithPath: output))
            status("siamese convert: \(model) → \(output) (\(loaded.bert.parameterCount) parameters, pooling \(loaded.pooling.rawValue)\(loaded.normalizes ? ", normalized" : ""))")
        }
    }
}
