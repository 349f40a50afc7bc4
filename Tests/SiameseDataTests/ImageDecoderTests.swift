import Foundation
import Testing
@testable import SiameseData
import SiameseTestSupport

@Suite struct ImageDecoderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Expected: Decodable { let size: [Int]; let grey_sum: Int; let rgb_sums: [Int]? }
    static let expected: [String: Expected] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("images.json"))
        return try! JSONDecoder().decode([String: Expected].self, from: data)
    }()

    /// Σ of the 8-bit values, from the decoded floats.
    static func byteSum(_ values: ArraySlice<Float>) -> Int { values.reduce(0) { $0 + Int(($1 * 255).rounded()) } }

    @Test func pngPgmAndJpegMatchPillow() throws {
        // Pixel sums decoded independently by Pillow (Fixtures/make_image_fixtures.py).
        let png = try ImageDecoder.decode(contentsOf: Self.fixtures.appendingPathComponent("omniglot_item01.png"), mode: .grey)
        #expect([png.width, png.height] == Self.expected["omniglot_item01.png"]!.size)
        #expect(Self.byteSum(png.pixels[...]) == Self.expected["omniglot_item01.png"]!.grey_sum)

        let pgm = try ImageDecoder.decode(contentsOf: Fixtures.url("att-faces-s1-1.pgm"), mode: .grey)
        #expect(pgm.width == 92 && pgm.height == 112)
        #expect(Self.byteSum(pgm.pixels[...]) == Self.expected["att_s1_1.pgm"]!.grey_sum)

        let rgb = try ImageDecoder.decode(contentsOf: Self.fixtures.appendingPathComponent("face_rgb.png"), mode: .rgb)
        #expect(rgb.channels == 3)
        let plane = rgb.width * rgb.height
        let sums = (0..<3).map { Self.byteSum(rgb.pixels[($0 * plane)..<(($0 + 1) * plane)]) }
        #expect(sums == Self.expected["face_rgb.png"]!.rgb_sums!)

        let jpeg = try ImageDecoder.decode(contentsOf: Self.fixtures.appendingPathComponent("face.jpg"), mode: .grey)
        #expect(jpeg.width == 92 && jpeg.height == 112)
        // Both use libjpeg-turbo's default integer IDCT; allow a tiny difference between versions.
        #expect(Swift.abs(Self.byteSum(jpeg.pixels[...]) - Self.expected["face.jpg"]!.grey_sum) < 200)
        #expect(pgm.tensor.shape == [1, 112, 92])
    }

    @Test func corruptImagesGiveTypedErrors() throws {
        let png = try Data(contentsOf: Self.fixtures.appendingPathComponent("face_rgb.png"))
        #expect(throws: DataError.self) { try ImageDecoder.decode(png.prefix(png.count / 2), path: "half.png", mode: .rgb) }
        let jpeg = try Data(contentsOf: Self.fixtures.appendingPathComponent("face.jpg"))
        var damaged = jpeg
        for i in 2..<40 { damaged[i] = 0 }
        #expect(throws: DataError.self) { try ImageDecoder.decode(damaged, path: "bad.jpg", mode: .grey) }
        let pgm = try Data(contentsOf: Fixtures.url("att-faces-s1-1.pgm"))
        #expect(throws: DataError.corrupt(path: "cut.pgm", reason: "truncated image data: 5000 bytes for 10304")) {
            try ImageDecoder.decode(pgm.prefix(pgm.count - 10304 + 5000), path: "cut.pgm", mode: .grey)
        }
        #expect(throws: DataError.corrupt(path: "text.png", reason: "not a PNG, JPEG or PGM/PPM image")) {
            try ImageDecoder.decode(Data("hello".utf8), path: "text.png", mode: .grey)
        }
    }
}
