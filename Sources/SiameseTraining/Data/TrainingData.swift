import Foundation
import SiameseData
import SiameseModels

/// The images a training run learns from (grey, or RGB with `color`), already inverted (when asked) and resized
/// to the encoder's input side, split into training and held-out parts.
public struct TrainingData: Sendable {
    /// Prepared images (not yet normalised), training and validation alike.
    public var images: [Image]
    public var labels: [Int]
    /// Indices into `images` used for training (including rotated copies) and for validation.
    public var training: [Int]
    public var validation: [Int]
    /// Indices of the test part (recipes with `testFraction`): never trained on nor used for early stopping; the run's
    /// final evaluation measures these when present, the validation part otherwise.
    public var test: [Int] = []
    /// Omniglot's 400 official 20-way one-shot trials, when training on Omniglot.
    public var officialRuns: OmniglotOneShotRuns?
    /// A short description for the log.
    public var summary: String
    /// What was adapted or skipped while loading (a held-out split changed to fit the data, unreadable files), one
    /// line each, for the caller to show.
    public var notes: [String] = []
    /// A name for each image (its file, or its place in the data set), for reports; empty when unknown.
    public var itemNames: [String] = []

    /// Data already prepared (inverted and resized to the encoder's input side) and split.
    public init(images: [Image], labels: [Int], training: [Int], validation: [Int], officialRuns: OmniglotOneShotRuns? = nil,
                summary: String, notes: [String] = []) {
        self.images = images; self.labels = labels; self.training = training; self.validation = validation
        self.officialRuns = officialRuns; self.summary = summary; self.notes = notes
    }

    public var trainingClasses: Int { Set(training.map { labels[$0] }).count }
    public var validationClasses: Int { Set(validation.map { labels[$0] }).count }

    /// Loads and splits the data a recipe names.
    public static func load(_ recipe: TrainingRecipe) throws -> TrainingData {
        let side = recipe.encoder.inputSide, invert = recipe.resolvedInvert
        let prepare = { (image: Image) in ImageInput.prepare(image, size: side, invert: invert) }
        var raw: (images: [Image], labels: [Int], summary: String, notes: [String])
        var runs: OmniglotOneShotRuns?
        var names: [String] = []
        switch recipe.data {
        case "omniglot":
            let folder = try BundledData.folder("omniglot")
            let set = try OmniglotDataset(archives: ["images_background_small1.zip", "images_background_small2.zip"]
                .map { folder.appendingPathComponent($0) })
            raw = (try (0..<set.count).map { prepare(try set.item(at: $0)) }, set.labels, "Omniglot minimal background sets (bundled)", [])
            names = (0..<set.count).map(set.path(at:))
            runs = try OmniglotOneShotRuns(archive: folder.appendingPathComponent("all_runs.zip"))
        case "mnist":
            raw = try idx(images: try BundledData.folder("mnist").appendingPathComponent("t10k-images.idx3-ubyte.gz"),
                          labels: try BundledData.folder("mnist").appendingPathComponent("t10k-labels.idx1-ubyte.gz"), prepare)
            raw.summary = "MNIST test set (bundled)"
        default:
            var files: [String] = []
            raw = try folder(URL(fileURLWithPath: recipe.data), mode: recipe.color ? .rgb : .grey, prepare, itemNames: &files)
            names = files
        }
        if names.count != raw.images.count {
            names = raw.labels.enumerated().map { "image \($0) (class \($1))" }
        }
        guard !raw.images.isEmpty else { throw RecipeError.data("\(recipe.data): no images") }
        let classes = Set(raw.labels).sorted()
        guard classes.count >= 2 else { throw RecipeError.data("\(recipe.data): needs at least two classes (found \(classes.count))") }
        var test: [Int] = []
        let (training, validation, notes): ([Int], [Int], [String])
        if let testFraction = recipe.testFraction {
            (training, validation, test, notes) = try splitWithTest(labels: raw.labels, classes: classes, recipe: recipe,
                                                                    testFraction: testFraction)
        } else {
            (training, validation, notes) = try split(labels: raw.labels, classes: classes, recipe: recipe)
        }
        var data = TrainingData(images: raw.images, labels: raw.labels, training: training, validation: validation,
                                officialRuns: runs, summary: raw.summary, notes: raw.notes + notes)
        data.test = test
        data.itemNames = names
        if let testData = recipe.testData { try data.appendTest(from: testData, recipe: recipe, prepare: prepare) }
        if recipe.rotationClasses { data.addRotatedClasses() }
        return data
    }

    /// The held-out split: every k-th class (`split: classes`) or every k-th image of each class (`split: images`), with
    /// k = 1 / validationFraction. When that would hold out fewer than two classes, the classes to hold out are spread
    /// evenly instead (⌈fraction · classes⌉, at least two, leaving at least two for training); with fewer than four
    /// classes the split falls back to images. Split by images, each class keeps at least two held-out images where it
    /// has four or more. Each change is reported as a note. With `validationFraction: 0` (allowed with `keep: last` only)
    /// nothing is held out: every image trains and the validation part is empty.
    static func split(labels: [Int], classes: [Int], recipe: TrainingRecipe) throws -> (training: [Int], validation: [Int], notes: [String]) {
        if recipe.validationFraction == 0 {
            guard recipe.keep == .last else {
                throw RecipeError.unusable("validationFraction 0 (no validation part) needs keep: last")
            }
            guard classes.count >= 2 else { throw RecipeError.data("\(recipe.data): only \(classes.count) class left for training") }
            return (Array(labels.indices), [], [])
        }
        guard recipe.validationFraction > 0 && recipe.validationFraction < 1 else {
            throw RecipeError.unusable("validationFraction must lie strictly between 0 and 1 (or be 0 with keep: last)")
        }
        let k = Swift.max(2, Int((1 / recipe.validationFraction).rounded()))
        var notes: [String] = []
        var mode = recipe.split
        var heldClasses = Set(classes.filter { $0 % k == k - 1 })
        if mode == .classes && (heldClasses.count < 2 || classes.count - heldClasses.count < 2) {
            if classes.count >= 4 {
                let count = Swift.min(classes.count - 2, Swift.max(2, Int((recipe.validationFraction * Double(classes.count)).rounded(.up))))
                heldClasses = Set((0..<count).map { classes[($0 * classes.count) / count + (classes.count / count) - 1] })
                notes.append("held out \(count) of \(classes.count) classes for validation (every \(k)th class would hold out \(classes.filter { $0 % k == k - 1 }.count))")
            } else {
                mode = .images
                notes.append("only \(classes.count) classes: holding out images of every class instead of whole classes")
            }
        }
        var imageStride = k
        if mode == .images {
            // Every class should keep two held-out images for one-shot episodes, where it has four or more.
            var sizes: [Int: Int] = [:]
            for l in labels { sizes[l, default: 0] += 1 }
            let smallest = sizes.values.min() ?? 0
            if smallest / k < 2 && smallest >= 4 {
                imageStride = smallest / 2
                notes.append("holding out every \(imageStride)th image of each class (not every \(k)th) so that each class keeps two for validation")
            }
        }
        var training: [Int] = [], validation: [Int] = [], seen: [Int: Int] = [:]
        for (i, label) in labels.enumerated() {
            let held: Bool
            switch mode {
            case .classes: held = heldClasses.contains(label)
            case .images:
                held = seen[label, default: 0] % imageStride == imageStride - 1
                seen[label, default: 0] += 1
            }
            if held { validation.append(i) } else { training.append(i) }
        }
        let heldCount = Set(validation.map { labels[$0] }).count, trainCount = Set(training.map { labels[$0] }).count
        guard trainCount >= 2 else {
            throw RecipeError.data("\(recipe.data): only \(trainCount) class left for training; lower validationFraction")
        }
        guard heldCount >= 2, validation.count >= 4 else {
            throw RecipeError.data("\(recipe.data): the held-out part has \(validation.count) images of \(heldCount) classes; "
                                   + "it needs at least two classes with two images each (raise validationFraction or add images)")
        }
        return (training, validation, notes)
    }

    /// Turned copies (90°, 180°, 270°) of every training image become three new classes per class.
    public mutating func addRotatedClasses() {
        let offset = (labels.max() ?? 0) + 1
        let originals = training
        for turn in 1...3 {
            for i in originals {
                images.append(images[i].rotated(quarterTurns: turn))
                if itemNames.count == images.count - 1 { itemNames.append(itemNames[i] + " (turned \(90 * turn)°)") }
                labels.append(labels[i] + turn * offset)
                training.append(images.count - 1)
            }
        }
        summary += " + rotated classes"
    }

    /// An MNIST-style pair of IDX files.
    static func idx(images: URL, labels: URL, _ prepare: (Image) -> Image) throws -> ([Image], [Int], String, [String]) {
        let pixels = try IDXFile(contentsOf: images), classes = try IDXFile(contentsOf: labels).integers
        guard pixels.shape.count == 3, pixels.shape[0] == classes.count else {
            throw RecipeError.data("\(images.path) holds \(pixels.shape) but \(labels.lastPathComponent) has \(classes.count) labels")
        }
        let (h, w) = (pixels.shape[1], pixels.shape[2])
        let all = pixels.images().scalars
        let decoded = (0..<classes.count).map { i in
            prepare(Image(width: w, height: h, channels: 1, pixels: Array(all[(i * h * w)..<((i + 1) * h * w)])))
        }
        return (decoded, classes, images.deletingLastPathComponent().path, [])
    }

    /// A folder of IDX files (prefers the `train-` pair) or of class sub-folders of images.
    static func folder(_ url: URL, mode: ColorMode, _ prepare: (Image) -> Image,
                               itemNames: inout [String]) throws -> ([Image], [Int], String, [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RecipeError.data("data \(url.path): no such folder (give omniglot, mnist, or a folder)")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        // LeCun's names (train-images-idx3-ubyte.gz) or the dotted ones of other copies (train-images.idx3-ubyte.gz).
        let imageFiles = names.filter { $0.contains("images-idx3-ubyte") || $0.contains("images.idx3-ubyte") }
            .sorted { a, b in a.hasPrefix("train") && !b.hasPrefix("train") }
        if let imageFile = imageFiles.first {
            guard mode == .grey else { throw RecipeError.data("\(url.path): IDX images are grey; drop color") }
            let stem = imageFile.components(separatedBy: imageFile.contains("images-idx3-ubyte") ? "images-idx3-ubyte" : "images.idx3-ubyte")[0]
            guard let labelFile = names.first(where: { $0.hasPrefix(stem) && ($0.contains("labels-idx1-ubyte") || $0.contains("labels.idx1-ubyte")) }) else {
                throw RecipeError.data("\(url.path): \(imageFile) has no matching \(stem)labels-idx1-ubyte file")
            }
            return try idx(images: url.appendingPathComponent(imageFile), labels: url.appendingPathComponent(labelFile), prepare)
        }
        let set: ImageFolderDataset
        do { set = try ImageFolderDataset(root: url, mode: mode) } catch let error as DataError {
            throw RecipeError.data(error.description)
        }
        let decoded = set.items(Array(0..<set.count))
        var notes = decoded.skipped.prefix(5).map { index, error in "skipped \(set.files[index].url.lastPathComponent): \(error)" }
        if decoded.skipped.count > 5 { notes.append("skipped \(decoded.skipped.count) unreadable images in all") }
        let rootPath = url.standardizedFileURL.path + "/"
        itemNames = decoded.indices.map { i in
            let path = set.files[i].url.standardizedFileURL.path
            return path.hasPrefix(rootPath) ? String(path.dropFirst(rootPath.count)) : set.files[i].url.lastPathComponent
        }
        return (decoded.items.map(prepare), decoded.indices.map { set.label(at: $0) },
                "\(url.path) (\(set.classNames.count) classes)", notes)
    }
}
