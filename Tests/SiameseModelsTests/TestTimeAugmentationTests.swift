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
