import ArgumentParser
import Foundation
import SiameseData

/// The images a training run learns from (grey, or RGB with `color`), already inverted (when asked) and resized
/// to the encoder's input side, split into training and held-out parts.
struct TrainingData {
    /// Prepared images (not yet normalised), training and validation alike.
    var images: [Image]
    var labels: [Int]
    /// Indices into `images` used for training (including rotated copies) and for validation.
    var training: [Int]
    var validation: [Int]
    /// Omniglot's 400 official 20-way one-shot trials, when training on Omniglot.
    var officialRuns: OmniglotOneShotRuns?
    /// A short description for the log.
    var summary: String

    var trainingClasses: Int { Set(training.map { labels[$0] }).count }
    var validationClasses: Int { Set(validation.map { labels[$0] }).count }

    /// Loads and splits the data a recipe names.
    static func load(_ recipe: TrainingRecipe) throws -> TrainingData {
        let side = recipe.encoder.inputSide, invert = recipe.resolvedInvert
        let prepare = { (image: Image) in InputRecipe.prepared(image, size: side, invert: invert) }
        var raw: (images: [Image], labels: [Int], summary: String)
        var runs: OmniglotOneShotRuns?
        switch recipe.data {
        case "omniglot":
            let folder = try DemoCommand.resource("omniglot")
            let set = try OmniglotDataset(archives: ["images_background_small1.zip", "images_background_small2.zip"]
                .map { folder.appendingPathComponent($0) })
            raw = (try (0..<set.count).map { prepare(try set.item(at: $0)) }, set.labels, "Omniglot minimal background sets (bundled)")
            runs = try OmniglotOneShotRuns(archive: folder.appendingPathComponent("all_runs.zip"))
        case "mnist":
            raw = try idx(images: try DemoCommand.resource("mnist").appendingPathComponent("t10k-images.idx3-ubyte.gz"),
                          labels: try DemoCommand.resource("mnist").appendingPathComponent("t10k-labels.idx1-ubyte.gz"), prepare)
            raw.summary = "MNIST test set (bundled)"
        default:
            raw = try folder(URL(fileURLWithPath: recipe.data), mode: recipe.color ? .rgb : .grey, prepare)
        }
        guard !raw.images.isEmpty else { throw ValidationError("\(recipe.data): no images") }
        guard Set(raw.labels).count >= 2 else { throw ValidationError("\(recipe.data): needs at least two classes") }

        // Every k-th class (or every k-th image of each class) is held out.
        let k = Swift.max(2, Int((1 / recipe.validationFraction).rounded()))
        var training: [Int] = [], validation: [Int] = [], seen: [Int: Int] = [:]
        for (i, label) in raw.labels.enumerated() {
            let held: Bool
            switch recipe.split {
            case .classes: held = label % k == k - 1
            case .images:
                held = seen[label, default: 0] % k == k - 1
                seen[label, default: 0] += 1
            }
            if held { validation.append(i) } else { training.append(i) }
        }
        var data = TrainingData(images: raw.images, labels: raw.labels, training: training, validation: validation,
                                officialRuns: runs, summary: raw.summary)
        guard data.trainingClasses >= 2 else {
            throw ValidationError("\(recipe.data): only \(data.trainingClasses) class left for training; lower validationFraction")
        }
        guard data.validationClasses >= 2 else {
            throw ValidationError("\(recipe.data): only \(data.validationClasses) class held out for validation; "
                                  + "raise validationFraction or use split: images")
        }
        if recipe.rotationClasses { data.addRotatedClasses() }
        return data
    }

    /// Turned copies (90°, 180°, 270°) of every training image become three new classes per class.
    mutating func addRotatedClasses() {
        let offset = (labels.max() ?? 0) + 1
        let originals = training
        for turn in 1...3 {
            for i in originals {
                images.append(images[i].rotated(quarterTurns: turn))
                labels.append(labels[i] + turn * offset)
                training.append(images.count - 1)
            }
        }
        summary += " + rotated classes"
    }

    /// An MNIST-style pair of IDX files.
    private static func idx(images: URL, labels: URL, _ prepare: (Image) -> Image) throws -> ([Image], [Int], String) {
        let pixels = try IDXFile(contentsOf: images), classes = try IDXFile(contentsOf: labels).integers
        guard pixels.shape.count == 3, pixels.shape[0] == classes.count else {
            throw ValidationError("\(images.path) holds \(pixels.shape) but \(labels.lastPathComponent) has \(classes.count) labels")
        }
        let (h, w) = (pixels.shape[1], pixels.shape[2])
        let all = pixels.images().scalars
        let decoded = (0..<classes.count).map { i in
            prepare(Image(width: w, height: h, channels: 1, pixels: Array(all[(i * h * w)..<((i + 1) * h * w)])))
        }
        return (decoded, classes, images.deletingLastPathComponent().path)
    }

    /// A folder of IDX files (prefers the `train-` pair) or of class sub-folders of images.
    private static func folder(_ url: URL, mode: ColorMode, _ prepare: (Image) -> Image) throws -> ([Image], [Int], String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("data \(url.path): no such folder (give omniglot, mnist, or a folder)")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let imageFiles = names.filter { $0.contains("images-idx3-ubyte") }.sorted { a, b in a.hasPrefix("train") && !b.hasPrefix("train") }
        if let imageFile = imageFiles.first {
            guard mode == .grey else { throw ValidationError("\(url.path): IDX images are grey; drop color") }
            let stem = imageFile.components(separatedBy: "images-idx3-ubyte")[0]
            guard let labelFile = names.first(where: { $0.hasPrefix(stem) && $0.contains("labels-idx1-ubyte") }) else {
                throw ValidationError("\(url.path): \(imageFile) has no matching \(stem)labels-idx1-ubyte file")
            }
            return try idx(images: url.appendingPathComponent(imageFile), labels: url.appendingPathComponent(labelFile), prepare)
        }
        let set: ImageFolderDataset
        do { set = try ImageFolderDataset(root: url, mode: mode) } catch let error as DataError {
            throw ValidationError(error.description)
        }
        let decoded = set.items(Array(0..<set.count))
        for (index, error) in decoded.skipped.prefix(5) {
            status("warning: skipped \(set.files[index].url.lastPathComponent): \(error)")
        }
        if decoded.skipped.count > 5 { status("warning: skipped \(decoded.skipped.count) unreadable images in all") }
        return (decoded.items.map(prepare), decoded.indices.map { set.label(at: $0) },
                "\(url.path) (\(set.classNames.count) classes)")
    }
}
