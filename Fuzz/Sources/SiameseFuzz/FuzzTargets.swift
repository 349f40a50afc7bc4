import Foundation
import SiameseCore
import SiameseData
import SiameseModels
import SiameseNN
import SiameseServe
import SiameseText
import SiameseTraining

/// Every fuzz target, by the name scripts/fuzz.sh and the corpus folders use.
enum FuzzTargets {
    nonisolated(unsafe) static var selected: FuzzTarget?

    /// Images are limited to 2²⁰ pixels here so that a valid but large picture is not mistaken for a memory leak.
    static let pixelLimit = 1 << 20

    static let all: [String: FuzzTarget] = [
        "safetensors": FuzzTarget { data in
            guard let file = try? Safetensors.parse(data, path: "fuzz.safetensors") else { return }
            for entry in file.tensors.values { _ = entry.floats(); _ = entry.integers() }
        },
        "idx": FuzzTarget { data in
            guard let file = try? IDXFile(data: data, path: "fuzz.idx", maximumBytes: 1 << 22) else { return }
            if file.shape.count == 3, file.shape[0] > 0 { _ = file.images(0..<1) }
            _ = file.integers
        },
        "idx-gzip": FuzzTarget { data in
            let url = Scratch.file("fuzz.idx.gz", data)
            _ = try? IDXFile(contentsOf: url, maximumBytes: 1 << 22)
            _ = try? Gzip.decompress(data, path: url.path, maximumBytes: 1 << 22)
        },
        "pnm": image, "png": image, "jpeg": image,
        "zip": FuzzTarget { data in
            let url = Scratch.file("fuzz.zip", data)
            guard let set = try? OmniglotDataset(archives: [url]) else { return }
            for i in 0..<min(set.count, 4) { _ = try? set.item(at: i) }
        },
        "recipe-json": recipe(extension: "json"),
        "recipe-yaml": recipe(extension: "yaml"),
        "model-folder": ModelFolderTarget.target,
        "vocab": FuzzTarget { data in
            // First byte: 0 = vocab.txt alone, else tokenizer_config.json (the rest) beside a fixed vocabulary.
            guard let first = data.first else { return }
            let rest = data.dropFirst()
            let folder = Scratch.folder.appendingPathComponent("tokenizer")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let config = folder.appendingPathComponent("tokenizer_config.json")
            if first % 2 == 0 {
                try? FileManager.default.removeItem(at: config)
                FileManager.default.createFile(atPath: folder.appendingPathComponent("vocab.txt").path, contents: Data(rest))
            } else {
                FileManager.default.createFile(atPath: folder.appendingPathComponent("vocab.txt").path, contents: Data(TextInput.vocabulary.joined(separator: "\n").utf8))
                FileManager.default.createFile(atPath: config.path, contents: Data(rest))
            }
            guard let tokenizer = try? WordPieceTokenizer(folder: folder) else { return }
            _ = try? tokenizer.encodeBatch(["hello, unaffable world!", "Ünïcødé 中文 text\u{0}\t"], maxLength: 16)
        },
        "text": FuzzTarget { data in
            let tokenizer = TextInput.tokenizer
            _ = try? tokenizer.encode(utf8: data, source: "fuzz text", maxLength: 64)
            if let text = String(data: data, encoding: .utf8) { _ = try? tokenizer.encodeBatch([text, "x"], maxLength: 8) }
        },
        "http": FuzzTarget { data in
            let decoder = JSONDecoder()
            var inputs: [APIInput] = []
            if let r = try? decoder.decode(CompareRequest.self, from: data) { inputs += [r.a, r.b] }
            if let r = try? decoder.decode(EmbedRequest.self, from: data) { inputs += r.inputs }
            if let r = try? decoder.decode(GalleryEnrollRequest.self, from: data) { inputs += r.inputs }
            if let r = try? decoder.decode(GalleryVerifyRequest.self, from: data) { inputs.append(r.input) }
            if let r = try? decoder.decode(GalleryIdentifyRequest.self, from: data) { inputs.append(r.input) }
            if let r = try? decoder.decode(GallerySearchRequest.self, from: data) { inputs.append(r.input) }
            for case let .image(base64) in inputs.prefix(4) {
                guard let bytes = Data(base64Encoded: base64) else { continue }
                _ = try? ImageDecoder.decode(bytes, path: "request", mode: .grey, maximumPixels: pixelLimit)
            }
        },
    ]

    /// PNG, JPEG and PGM/PPM share one entry point; the corpora differ. The first byte picks the colour mode.
    static let image = FuzzTarget { data in
        guard let first = data.first else { return }
        let mode: ColorMode = first & 0x80 == 0 ? .grey : .rgb
        _ = try? ImageDecoder.decode(data, path: "fuzz-image", mode: mode, maximumPixels: pixelLimit)
        _ = try? ImageDecoder.decode(data.dropFirst(), path: "fuzz-image", mode: mode, maximumPixels: pixelLimit)
    }

    static func recipe(extension ext: String) -> FuzzTarget {
        FuzzTarget { data in
            let url = Scratch.file("recipe.\(ext)", data)
            if let recipe = try? TrainingRecipe.load(url) { _ = recipe.problems }
            _ = TextRecipe.isTextRecipe(url)
            if let recipe = try? TextRecipe.load(url) { _ = recipe.problems }
        }
    }
}

/// A small WordPiece vocabulary for the text target.
enum TextInput {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "un", "##aff", "##able", ",", "!", "a", "##b", "中", "文", "text"]
    static let tokenizer = try! WordPieceTokenizer(vocabulary: vocabulary)
}
