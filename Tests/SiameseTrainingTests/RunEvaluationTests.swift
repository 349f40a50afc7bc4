import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseModels
@testable import SiameseTraining

@Suite struct RunEvaluationTests {
    /// A toy encoder: the mean ink of each quadrant of a 12×12 image, so shifts, turns and scales change it.
    static func quadrants(_ images: [Image]) -> Tensor {
        Tensor(images.flatMap { im -> [Float] in
            (0..<4).map { q in
                var s: Float = 0
                for y in 0..<6 { for x in 0..<6 { s += im.pixels[((q / 2) * 6 + y) * 12 + (q % 2) * 6 + x] } }
                return s / 36
            }
        }, shape: [images.count, 4])
    }

    /// With `views(n)`, the held-out images are embedded under n views in one call and every metric uses the averaged,
    /// renormalised embeddings; without, the plain ones.
    @Test func testTimeViewsAverageTheHeldOutEmbeddings() throws {
        let data = syntheticData(classes: 8, perClass: 4, side: 12)
        var recipe = tinyRecipe()
        var sizes: [Int] = []
        let embed: ([Image]) throws -> Tensor = { sizes.append($0.count); return Self.quadrants($0) }
        let noRaw: ([Image]) throws -> Tensor = { _ in Issue.record("no raw images here"); return Tensor.zeros([0, 4]) }
        let plain = try RunEvaluation.measure(data: data, recipe: recipe, embed: embed, embedRaw: noRaw)
        #expect(sizes == [data.validation.count])
        sizes = []
        recipe.testTimeAugmentation = .affine(views: 5)
        let averaged = try RunEvaluation.measure(data: data, recipe: recipe, embed: embed, embedRaw: noRaw)
        #expect(sizes == [5 * data.validation.count])
        #expect(averaged.threshold != plain.threshold)
        let held = data.validation.map { data.images[$0] }
        let byHand = TestTimeAugmentation.affine(views: 5).embed(held, normalize: true, Self.quadrants)
        let distance = try Distances.registry.make(recipe.distance)
        let labels = data.validation.map { data.labels[$0] }
        let oneShot = try FewShotEvaluator(labels: labels, ways: 2, shots: 1, episodes: 400, seed: recipe.seed &+ 3, distance: distance)
        #expect(try oneShot.accuracy(byHand).accuracy == averaged.validationOneShot)
        let verification = try VerificationEvaluator(labels: labels, pairs: recipe.evaluationPairs, seed: recipe.seed &+ 1, distance: distance)
        #expect(try verification.evaluate(embeddings: byHand).metrics["rocAUC"] == averaged.validationROCAUC)
    }

    /// Raw images (the official trials' drawings: dark strokes on white, larger than the input) are prepared as
    /// training prepares them before views that move pixels, so shifted-in borders are background; a mirror acts on
    /// them as they are.
    @Test func rawImagesArePreparedBeforeViewsThatMovePixels() throws {
        var recipe = tinyRecipe()
        recipe.data = "omniglot"   // inverts
        recipe.testTimeAugmentation = .affine(views: 3)
        var pixels = [Float](repeating: 1, count: 24 * 24)
        for y in 6..<10 { for x in 8..<12 { pixels[y * 24 + x] = 0 } }
        let raw = Image(width: 24, height: 24, channels: 1, pixels: pixels)
        var seen: [Image] = []
        let e = try RunEvaluation.augmentedEmbeddings([raw], raw: true, recipe: recipe, embed: { seen += $0; return Self.quadrants($0) },
                                                      embedRaw: { _ in Issue.record("views must not act on raw images"); return Tensor.zeros([0, 4]) })
        let prepared = ImageInput.prepare(raw, size: 12, invert: true)
        #expect(prepared.pixels.max() == 1 && prepared.pixels[0] == 0)
        #expect(seen.map(\.pixels) == TestTimeAugmentation.affine(views: 3).views(prepared).map(\.pixels))
        #expect(seen[1].pixels.allSatisfy { $0 >= 0 && $0 <= 1 } && seen[1].pixels[0] == 0)
        #expect(e.shape == [1, 4])
        recipe.testTimeAugmentation = .horizontalFlip
        var rawSeen: [Image] = []
        _ = try RunEvaluation.augmentedEmbeddings([raw], raw: true, recipe: recipe, embed: { _ in Issue.record("raw goes to embedRaw"); return Tensor.zeros([0, 4]) },
                                                  embedRaw: { rawSeen += $0; return Self.quadrants($0.map { ImageInput.prepare($0, size: 12, invert: true) }) })
        #expect(rawSeen.map(\.pixels) == [raw.pixels, raw.mirroredLeftRight().pixels])
    }
}
