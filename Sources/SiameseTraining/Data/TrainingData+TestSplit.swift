import Foundation
import SiameseData

extension TrainingData {
    /// The three-way split of a recipe with `testFraction`: a test part first — every k-th class (`split: classes`) or
    /// every k-th image of each class (`split: images`), k = round(1 / testFraction), the last of each k — which neither
    /// training nor early stopping ever sees; then the recipe's usual training/validation split
    /// (``split(labels:classes:recipe:)``) of what is left, with the remaining classes renumbered 0, 1, … in their order so
    /// that its every-k-th rule applies to them.
    ///
    /// With `testFraction: 0.2` and `split: classes` on the 40 AT&T people (classes in byte order), the test people are
    /// the ones the two-way split used to hold out (labels 4, 9, …, 39); validation then takes every fifth of the other 32.
    ///
    /// - Returns: indices into `labels` for training, validation and test, and notes on what was adapted.
    static func splitWithTest(labels: [Int], classes: [Int], recipe: TrainingRecipe, testFraction: Double) throws
        -> (training: [Int], validation: [Int], test: [Int], notes: [String]) {
        guard testFraction > 0 && testFraction < 1 else {
            throw RecipeError.data("testFraction \(testFraction) must lie strictly between 0 and 1")
        }
        let k = Swift.max(2, Int((1 / testFraction).rounded()))
        var test: [Int] = [], rest: [Int] = []
        switch recipe.split {
        case .classes:
            let position = Dictionary(uniqueKeysWithValues: zip(classes, 0...))
            guard classes.count >= 6 else {
                throw RecipeError.data("\(recipe.data): testFraction with split: classes needs at least six classes (found \(classes.count))")
            }
            for (i, label) in labels.enumerated() {
                if position[label]! % k == k - 1 { test.append(i) } else { rest.append(i) }
            }
        case .images:
            var seen: [Int: Int] = [:]
            for (i, label) in labels.enumerated() {
                if seen[label, default: 0] % k == k - 1 { test.append(i) } else { rest.append(i) }
                seen[label, default: 0] += 1
            }
        }
        // The rest, renumbered densely, split as a two-way recipe would split it.
        let remaining = Set(rest.map { labels[$0] }).sorted()
        let dense = Dictionary(uniqueKeysWithValues: zip(remaining, 0...))
        let (training, validation, notes) = try split(labels: rest.map { dense[labels[$0]]! }, classes: Array(0..<remaining.count),
                                                      recipe: recipe)
        let testClasses = Set(test.map { labels[$0] }).count
        guard test.count >= 4, testClasses >= 2 else {
            throw RecipeError.data("\(recipe.data): the test part has \(test.count) images of \(testClasses) classes; raise testFraction")
        }
        return (training.map { rest[$0] }, validation.map { rest[$0] }, test, notes)
    }

    /// Classes in the test part.
    public var testClasses: Int { Set(test.map { labels[$0] }).count }
}

extension TrainingData {
    /// Appends a recipe's `testData` as the test part: an MNIST-style IDX images file (its `labels-idx1` file beside it)
    /// or a folder (class sub-folders, or IDX files as `data` reads them), prepared like the training images.
    mutating func appendTest(from path: String, recipe: TrainingRecipe, prepare: (Image) -> Image) throws {
        let url = URL(fileURLWithPath: path)
        let raw: ([Image], [Int], String, [String])
        var names: [String] = []
        let name = url.lastPathComponent
        if name.contains("images-idx3-ubyte") || name.contains("images.idx3-ubyte") {
            let labels = url.deletingLastPathComponent().appendingPathComponent(name
                .replacingOccurrences(of: "images-idx3-ubyte", with: "labels-idx1-ubyte")
                .replacingOccurrences(of: "images.idx3-ubyte", with: "labels.idx1-ubyte"))
            guard FileManager.default.fileExists(atPath: url.path), FileManager.default.fileExists(atPath: labels.path) else {
                throw RecipeError.data("testData \(path): needs the images file and \(labels.lastPathComponent) beside it")
            }
            raw = try Self.idx(images: url, labels: labels, prepare)
        } else {
            raw = try Self.folder(url, mode: recipe.color ? .rgb : .grey, prepare, itemNames: &names)
        }
        guard !raw.0.isEmpty else { throw RecipeError.data("testData \(path): no images") }
        guard Set(raw.1).count >= 2 else { throw RecipeError.data("testData \(path): needs at least two classes") }
        let start = images.count
        images += raw.0
        labels += raw.1
        test = Array(start..<images.count)
        if !itemNames.isEmpty {
            itemNames += names.count == raw.0.count ? names.map { "test: " + $0 } : raw.1.enumerated().map { "test image \($0) (class \($1))" }
        }
        notes += raw.3
        summary += "; test part \(path)"
    }
}
