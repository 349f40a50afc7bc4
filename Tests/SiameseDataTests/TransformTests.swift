import Testing
@testable import SiameseCore
@testable import SiameseData

@Suite struct TransformTests {
    static func ramp(_ h: Int, _ w: Int) -> Image { Image(width: w, height: h, channels: 1, pixels: (0..<(h * w)).map(Float.init)) }

    static func close(_ a: [Float], _ b: [Float], _ tol: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol }
    }

    @Test func bilinearResizeMatchesPyTorch() {
        // torch.nn.functional.interpolate(arange(9).view(1,1,3,3), size=(5,4), mode="bilinear", align_corners=False)
        let expected: [Float] = [0, 0.625, 1.375, 2, 1.2, 1.825, 2.575, 3.2, 3, 3.625, 4.375, 5, 4.8, 5.425, 6.175, 6.8, 6, 6.625, 7.375, 8]
        #expect(Self.close(Self.ramp(3, 3).resized(height: 5, width: 4).pixels, expected))
    }

    @Test func areaResize() {
        // Whole blocks: the same as torch's mode="area" (adaptive average pooling) for 6×6 → 3×3.
        #expect(Self.ramp(6, 6).resized(height: 3, width: 3, method: .area).pixels == [3.5, 5.5, 7.5, 15.5, 17.5, 19.5, 27.5, 29.5, 31.5])
        // Fractional coverage for 3 → 2: the first output covers column 0 fully and column 1 by half.
        let row = Image(width: 3, height: 1, channels: 1, pixels: [0, 3, 6]).resized(height: 1, width: 2, method: .area)
        #expect(Self.close(row.pixels, [1, 5]))
    }

    @Test func cropsAndNormalisation() {
        let image = Self.ramp(4, 4)
        #expect(image.centerCropped(height: 2, width: 2).pixels == [5, 6, 9, 10])
        var g1 = SeededGenerator(seed: 1), g2 = SeededGenerator(seed: 1)
        let a = image.randomlyCropped(height: 2, width: 3, generator: &g1), b = image.randomlyCropped(height: 2, width: 3, generator: &g2)
        #expect(a == b && a.width == 3 && a.height == 2)
        #expect(image.normalized(mean: [2], std: [4]).pixels.prefix(3).elementsEqual([-0.5, -0.25, 0]))
    }

    @Test func affineIdentityAndQuarterTurn() {
        let image = Self.ramp(5, 5)
        #expect(Self.close(image.affineTransformed(theta: 0, shear: (0, 0), scale: (1, 1), translation: (0, 0)).pixels, image.pixels))
        // A 90° turn about the centre: output (y, x) samples input (y', x') exactly on the grid.
        let turned = image.affineTransformed(theta: Float.pi / 2, shear: (0, 0), scale: (1, 1), translation: (0, 0))
        for y in 0..<5 { for x in 0..<5 {
            #expect(Swift.abs(turned[0, y, x] - image[0, 4 - x, y]) < 1e-4 || Swift.abs(turned[0, y, x] - image[0, x, 4 - y]) < 1e-4)
        } }
        let shifted = image.affineTransformed(theta: 0, shear: (0, 0), scale: (1, 1), translation: (1, 0), fill: -1)
        #expect(shifted[0, 2, 0] == -1 && shifted[0, 2, 3] == image[0, 2, 2])
    }

    @Test func augmentationIsSeeded() {
        let pipeline = ImageAugmentation(ImageAugmentation.kochAffine.steps + [
            .horizontalFlip(probability: 0.5), .gaussianNoise(std: 0.1), .colorJitter(brightness: 0.2, contrast: 0.2),
            .randomErasing(probability: 1, area: 0.1...0.2, aspect: 0.5...2, value: 0),
        ])
        let image = Self.ramp(10, 10).normalized(mean: [0], std: [99])
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5), g3 = SeededGenerator(seed: 6)
        let a = pipeline.apply(image, generator: &g1)
        #expect(a == pipeline.apply(image, generator: &g2))
        #expect(a != pipeline.apply(image, generator: &g3))
        var g4 = SeededGenerator(seed: 1)
        let flipped = ImageAugmentation([.horizontalFlip(probability: 1)]).apply(Self.ramp(1, 3), generator: &g4)
        #expect(flipped.pixels == [2, 1, 0])
    }

    @Test func textAugmentationIsSeeded() {
        let words = "a man is playing a large flute".split(separator: " ").map(String.init)
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        #expect(TextAugmentation.masked(words, probability: 0.3, generator: &g1) == TextAugmentation.masked(words, probability: 0.3, generator: &g2))
        let swapped = TextAugmentation.swapped(words, count: 2, generator: &g1)
        #expect(swapped.sorted() == words.sorted())
        let dropped = TextAugmentation.dropped(words, probability: 0.99, generator: &g1)
        #expect(!dropped.isEmpty && dropped.allSatisfy(words.contains))
    }
}

@Suite struct PreprocessingTests {
    @Test func sameRecipeForBothBranches() {
        let prep = Preprocessing(resize: (4, 4), method: .area, centerCrop: (2, 2), mean: [1], std: [2])
        let a = TransformTests.ramp(8, 8), b = TransformTests.ramp(6, 10)
        let x = prep.tensor([a, b])
        #expect(x.shape == [2, 1, 2, 2])
        // 8×8 ramp → 4×4 block means → centre 2×2 → (v − 1) / 2.
        let expected: [Float] = [22.5, 24.5, 38.5, 40.5].map { ($0 - 1) / 2 }
        #expect(Array(x.scalars.prefix(4)) == expected)
        #expect(prep.apply(a) == prep.apply(a))
    }

    @Test func quarterTurnsMatchNumpyRot90() {
        // numpy.rot90([[0,1,2],[3,4,5]], k) for k = 1, 2, 3 (counter-clockwise).
        let a = TransformTests.ramp(2, 3)
        let once = a.rotated(quarterTurns: 1)
        #expect(once.height == 3 && once.width == 2 && once.pixels == [2, 5, 1, 4, 0, 3])
        #expect(a.rotated(quarterTurns: 2).pixels == [5, 4, 3, 2, 1, 0])
        #expect(a.rotated(quarterTurns: 3).pixels == [3, 0, 4, 1, 5, 2])
        #expect(a.rotated(quarterTurns: -1) == a.rotated(quarterTurns: 3))
        #expect(a.rotated(quarterTurns: 4) == a)
        let rgb = Image(width: 2, height: 1, channels: 2, pixels: [1, 2, 10, 20])
        #expect(rgb.rotated(quarterTurns: 1).pixels == [2, 1, 20, 10])
    }
}
