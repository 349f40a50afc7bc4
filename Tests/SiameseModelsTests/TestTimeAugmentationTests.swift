import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseModels

@Suite struct TestTimeAugmentationTests {
    static func image(_ seed: UInt64, side: Int = 5, channels: Int = 2) -> Image {
        var g = SeededGenerator(seed: seed)
        return Image(width: side, height: side - 1, channels: channels, pixels: (0..<(side * (side - 1) * channels)).map { _ in g.nextUniform() })
    }

    /// An "encoder" that is not mirror-symmetric: the pixels themselves, weighted by column.
    static func embed(_ images: [Image]) -> Tensor {
        Tensor(images.flatMap { im in im.pixels.enumerated().map { i, p in p * Float(1 + i % im.width) } },
               shape: [images.count, images[0].pixels.count])
    }

    @Test func mirrorReversesEveryRowOfEveryChannel() {
        let im = Self.image(1)
        let m = im.mirroredLeftRight()
        for c in 0..<im.channels { for y in 0..<im.height { for x in 0..<im.width { #expect(m[c, y, x] == im[c, y, im.width - 1 - x]) } } }
        #expect(m.mirroredLeftRight().pixels == im.pixels)
    }

    @Test func flipAveragesTheImageAndItsMirrorInOneCall() throws {
        let images = (0..<3).map { Self.image(UInt64($0)) }
        var calls = 0
        let e = TestTimeAugmentation.horizontalFlip.embed(images, normalize: false) { calls += 1; return Self.embed($0) }
        #expect(calls == 1 && e.shape == [3, images[0].pixels.count])
        let plain = Self.embed(images).scalars, mirrored = Self.embed(images.map { $0.mirroredLeftRight() }).scalars
        #expect(zip(e.scalars, zip(plain, mirrored)).allSatisfy { abs($0 - ($1.0 + $1.1) / 2) < 1e-6 })
        // An image and its mirror get the same embedding.
        let a = TestTimeAugmentation.horizontalFlip.embed([images[0]], normalize: true, Self.embed).scalars
        let b = TestTimeAugmentation.horizontalFlip.embed([images[0].mirroredLeftRight()], normalize: true, Self.embed).scalars
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 })
        // Normalised: unit length.
        #expect(abs(a.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        // none: exactly the encoder's embeddings.
        #expect(TestTimeAugmentation.none.embed(images, normalize: true, Self.embed).scalars == plain)
    }
}

@Suite struct TestTimeViewsTests {
    /// A grey `side`×`side` image with one lit pixel at (y, x).
    static func dot(y: Int, x: Int, side: Int = 28) -> Image {
        var p = [Float](repeating: 0, count: side * side)
        p[y * side + x] = 1
        return Image(width: side, height: side, channels: 1, pixels: p)
    }

    /// Centre of mass (x, y) and total ink.
    static func centre(_ im: Image) -> (x: Float, y: Float, mass: Float) {
        var (sx, sy, s): (Float, Float, Float) = (0, 0, 0)
        for (i, v) in im.pixels.enumerated() { sx += v * Float(i % im.width); sy += v * Float(i / im.width); s += v }
        return (sx / s, sy / s, s)
    }

    @Test func viewsAreTheImageThenShiftsTurnsAndScales() {
        let image = Self.dot(y: 10, x: 20)
        let views = TestTimeAugmentation.affine(views: 9).views(image)
        #expect(views.count == 9)
        #expect(views[0].pixels == image.pixels)
        // Shifts: exactly one pixel right, left, down, up.
        let lit = views[1...4].map { v in v.pixels.indices.filter { v.pixels[$0] > 0 }.map { ($0 / 28, $0 % 28) } }
        #expect(lit[0].count == 1 && lit[0][0] == (10, 21))
        #expect(lit[1].count == 1 && lit[1][0] == (10, 19))
        #expect(lit[2].count == 1 && lit[2][0] == (11, 20))
        #expect(lit[3].count == 1 && lit[3][0] == (9, 20))
        #expect(views[1].pixels.max() == 1)
        // Turns by ±6° about the centre (13.5, 13.5): the dot's centre of mass moves along its circle.
        let (cx, cy): (Float, Float) = (13.5, 13.5), (dx, dy): (Float, Float) = (20 - 13.5, 10 - 13.5)
        for (view, degrees) in [(views[5], Float(6)), (views[6], Float(-6))] {
            let t = degrees * .pi / 180, m = Self.centre(view)
            #expect(abs(m.x - (cx + cosf(t) * dx - sinf(t) * dy)) < 0.1 && abs(m.y - (cy + sinf(t) * dx + cosf(t) * dy)) < 0.1, "\(m)")
            #expect(abs(m.mass - 1) < 0.05)
        }
        // Scales 1.1 and 0.9: the dot's distance to the centre scales.
        for (view, s) in [(views[7], Float(1.1)), (views[8], Float(0.9))] {
            let m = Self.centre(view)
            #expect(abs(m.x - (cx + s * dx)) < 0.1 && abs(m.y - (cy + s * dy)) < 0.1, "\(m)")
        }
        // views(n) takes the first n; a 56-pixel image shifts by two pixels.
        #expect(TestTimeAugmentation.affine(views: 5).views(image).map(\.pixels) == views.prefix(5).map(\.pixels))
        #expect(TestTimeAugmentation.affine(views: 1).views(image).map(\.pixels) == [image.pixels])
        let wide = TestTimeAugmentation.affine(views: 2).views(Self.dot(y: 20, x: 20, side: 56))
        #expect(wide[1].pixels[20 * 56 + 22] == 1)
    }

    @Test func embeddingIsTheRenormalisedMeanOverViewsInOneCall() {
        let images = [Self.dot(y: 10, x: 12), Self.dot(y: 5, x: 20), Self.dot(y: 14, x: 3)]
        // A position-sensitive toy encoder: centre of mass and ink.
        func toy(_ batch: [Image]) -> Tensor {
            Tensor(batch.flatMap { im -> [Float] in let m = Self.centre(im); return [m.x, m.y, m.mass] }, shape: [batch.count, 3])
        }
        var calls = 0, sizes: [Int] = []
        let tta = TestTimeAugmentation.affine(views: 9)
        let mean = tta.embed(images, normalize: false) { calls += 1; sizes.append($0.count); return toy($0) }
        #expect(calls == 1 && sizes == [27] && mean.shape == [3, 3])
        for (i, image) in images.enumerated() {
            let perView = toy(tta.views(image)).scalars
            for j in 0..<3 {
                let expected = stride(from: j, to: perView.count, by: 3).map { perView[$0] }.reduce(0, +) / 9
                #expect(abs(mean.scalars[i * 3 + j] - expected) < 1e-4)
            }
        }
        // The views are symmetric: the mean centre of mass stays near the drawing's own.
        #expect(abs(mean.scalars[0] - 12) < 0.2 && abs(mean.scalars[1] - 10) < 0.2)
        let unit = tta.embed(images, normalize: true, toy).scalars
        for i in 0..<3 {
            let m = Array(mean.scalars[(i * 3)..<(i * 3 + 3)]), norm = m.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<3 { #expect(abs(unit[i * 3 + j] - m[j] / norm) < 1e-5) }
        }
        // One view: exactly the encoder's embeddings.
        #expect(TestTimeAugmentation.affine(views: 1).embed(images, normalize: true, toy).scalars == toy(images).scalars)
    }

    @Test func recipeSpellingReadsWritesAndRejectsBadValues() throws {
        struct Box: Codable { let tta: TestTimeAugmentation }
        func decode(_ json: String) throws -> TestTimeAugmentation { try JSONDecoder().decode(Box.self, from: Data("{\"tta\": \(json)}".utf8)).tta }
        #expect(try decode("\"none\"") == TestTimeAugmentation.none)
        #expect(try decode("\"horizontal-flip\"") == .horizontalFlip)
        #expect(try decode("{\"views\": 5}") == .affine(views: 5))
        for value in [TestTimeAugmentation.none, .horizontalFlip, .affine(views: 9)] {
            #expect(try JSONDecoder().decode(Box.self, from: JSONEncoder().encode(Box(tta: value))).tta == value)
            #expect(TestTimeAugmentation(value.description) == value)
        }
        #expect(String(decoding: try JSONEncoder().encode(Box(tta: .horizontalFlip)), as: UTF8.self) == "{\"tta\":\"horizontal-flip\"}")
        for (bad, says) in [("\"flip\"", "flip"), ("{\"views\": 0}", "got 0"), ("{\"views\": 10}", "got 10"),
                            ("{\"view\": 3}", "view"), ("9", "views")] {
            do {
                _ = try decode(bad)
                Issue.record("\(bad) was accepted")
            } catch let DecodingError.dataCorrupted(context) {
                #expect(context.debugDescription.contains(says), "\(context.debugDescription)")
            }
        }
        #expect(TestTimeAugmentation("views-10") == nil && TestTimeAugmentation("views-x") == nil)
        #expect(TestTimeAugmentation.affine(views: 12).problems.count == 1 && TestTimeAugmentation.affine(views: 9).problems.isEmpty)
        #expect(TestTimeAugmentation.affine(views: 9).movesPixels && !TestTimeAugmentation.horizontalFlip.movesPixels)
    }
}
