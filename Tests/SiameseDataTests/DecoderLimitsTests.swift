import Foundation
import SiameseZlib
import Testing
@testable import SiameseData

/// Headers that declare absurd sizes are refused with typed errors, quickly and before any large allocation.
@Suite struct DecoderLimitsTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Runs `body` and checks it took under a second (a refused header must not decode or allocate gigabytes).
    static func quickly<T>(_ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { #expect(ContinuousClock.now - start < .seconds(1)) }
        return try body()
    }

    static func temporaryFile(_ bytes: Data, suffix: String = "") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString)\(suffix)")
        try bytes.write(to: url)
        return url
    }

    // MARK: PGM / PPM

    @Test func pnmHeaderOverTheLimitIsRefused() throws {
        let url = try Self.temporaryFile(Data("P5\n100000 100000\n255\n".utf8) + Data(repeating: 7, count: 100), suffix: ".pgm")
        #expect(throws: DataError.imageTooLarge(path: url.path, width: 100000, height: 100000, channels: 1, limit: 1 << 27)) {
            try Self.quickly { try ImageDecoder.decode(contentsOf: url, mode: .grey) }
        }
        // A per-call limit overrides the process-wide one.
        let small = Data("P6 4 4 255 ".utf8) + Data(repeating: 1, count: 48)
        #expect(try ImageDecoder.decode(small, path: "s.ppm", mode: .rgb).width == 4)
        #expect(throws: DataError.imageTooLarge(path: "s.ppm", width: 4, height: 4, channels: 3, limit: 15)) {
            try ImageDecoder.decode(small, path: "s.ppm", mode: .rgb, maximumPixels: 15)
        }
        // Numbers too long to fit are refused, not overflowed.
        #expect(throws: DataError.self) { try ImageDecoder.decode(Data("P5 99999999999999999999999 2 255 ".utf8), path: "o.pgm", mode: .grey) }
    }

    @Test func pnmEmptySizesAndBadMaximaAreRefused() {
        #expect(throws: DataError.invalidImageSize(path: "z.pgm", width: 0, height: 5)) {
            try ImageDecoder.decode(Data("P5 0 5 255 ".utf8), path: "z.pgm", mode: .grey)
        }
        #expect(throws: DataError.corrupt(path: "m.pgm", reason: "PGM/PPM maximum value 0 is outside 1...65535")) {
            try ImageDecoder.decode(Data("P5 2 2 0 ".utf8) + Data(count: 4), path: "m.pgm", mode: .grey)
        }
        #expect(throws: DataError.corrupt(path: "m.pgm", reason: "PGM/PPM maximum value 65536 is outside 1...65535")) {
            try ImageDecoder.decode(Data("P5 2 2 65536 ".utf8) + Data(count: 8), path: "m.pgm", mode: .grey)
        }
        // 65535 itself is fine (16-bit samples, big-endian).
        #expect((try? ImageDecoder.decode(Data("P5 1 1 65535 ".utf8) + Data([0xFF, 0xFF]), path: "w.pgm", mode: .grey))?.pixels == [1])
    }

    @Test func truncatedPnmDataIsRefused() throws {
        // P6 2×2 needs 12 bytes; 7 are present.
        let ppm = try Self.temporaryFile(Data("P6\n2 2\n255\n".utf8) + Data(repeating: 9, count: 7), suffix: ".ppm")
        #expect(throws: DataError.corrupt(path: ppm.path, reason: "truncated image data: 7 bytes for 12")) {
            try ImageDecoder.decode(contentsOf: ppm, mode: .rgb)
        }
        // Text PGM claiming a large image with a few samples is refused before the samples are allocated.
        #expect(throws: DataError.corrupt(path: "t.pgm", reason: "truncated image data: 6 bytes for 100000000 text samples")) {
            try Self.quickly { try ImageDecoder.decode(Data("P2 10000 10000 255 1 2 3".utf8), path: "t.pgm", mode: .grey) }
        }
        // A header cut in the middle.
        #expect(throws: DataError.corrupt(path: "h.pgm", reason: "PGM/PPM header is damaged (no maximum value)")) {
            try ImageDecoder.decode(Data("P5 3 3".utf8), path: "h.pgm", mode: .grey)
        }
    }

    // MARK: PNG

    /// CRC-32 (ISO-HDLC, as PNG and gzip use), bit by bit.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(crc32(typed))
    }

    /// A structurally valid PNG (signature, IHDR, one IDAT, IEND, correct CRCs) declaring `width`×`height` grey.
    static func png(width: UInt32, height: UInt32) -> Data {
        let ihdr = be32(width) + be32(height) + [8, 0, 0, 0, 0]
        // zlib stream holding one empty stored block (Adler-32 of nothing is 1).
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", []))
    }

    @Test func crcMatchesTheKnownCheckValue() {
        #expect(Self.crc32("123456789".utf8) == 0xCBF4_3926)
        #expect(Self.crc32(Array(Data("hello".utf8))) == UInt32(SiameseZlib.crc32(0, Array("hello".utf8), 5)))
    }

    @Test func pngIHDROverTheLimitIsRefused() throws {
        let url = try Self.temporaryFile(Self.png(width: 100000, height: 100000), suffix: ".png")
        #expect(throws: DataError.imageTooLarge(path: url.path, width: 100000, height: 100000, channels: 1, limit: 1 << 27)) {
            try Self.quickly { try ImageDecoder.decode(contentsOf: url, mode: .grey) }
        }
        #expect(throws: DataError.invalidImageSize(path: "z.png", width: 0, height: 10)) {
            try ImageDecoder.decode(Self.png(width: 0, height: 10), path: "z.png", mode: .grey)
        }
        // The real fixture decodes, and is refused under a per-call limit below its size.
        let fixture = try Data(contentsOf: Self.fixtures.appendingPathComponent("face_rgb.png"))
        let image = try ImageDecoder.decode(fixture, path: "face_rgb.png", mode: .rgb)
        let error = #expect(throws: DataError.self) {
            try ImageDecoder.decode(fixture, path: "face_rgb.png", mode: .rgb, maximumPixels: image.width * image.height - 1)
        }
        guard case let .imageTooLarge(path, width, height, _, limit) = error else {
            Issue.record("expected imageTooLarge, got \(String(describing: error))"); return
        }
        #expect(path == "face_rgb.png" && width == image.width && height == image.height && limit == image.width * image.height - 1)
    }

    // MARK: JPEG

    @Test func jpegFrameHeaderOverTheLimitIsRefused() throws {
        var jpeg = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("face.jpg")))
        // Find the baseline frame header (SOF0: FF C0, length, precision, height, width) and patch its size.
        guard let sof = (2..<(jpeg.count - 9)).first(where: { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }) else {
            Issue.record("face.jpg has no SOF0 marker"); return
        }
        #expect(Int(jpeg[sof + 5]) << 8 | Int(jpeg[sof + 6]) == 112)  // the fixture is 92 × 112
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFD, 0xE8, 0xFD, 0xE8])  // 65000 × 65000
        let url = try Self.temporaryFile(Data(jpeg), suffix: ".jpg")
        let error = #expect(throws: DataError.self) { try Self.quickly { try ImageDecoder.decode(contentsOf: url, mode: .grey) } }
        guard case let .imageTooLarge(path, width, height, _, limit) = error else {
            Issue.record("expected imageTooLarge, got \(String(describing: error))"); return
        }
        #expect(path == url.path && width == 65000 && height == 65000 && limit == ImageDecoder.defaultMaximumPixels)
        #expect(error?.description.contains("65000×65000") == true)
    }

    // MARK: IDX and gzip

    /// A gzip stream of `prefix` followed by `zeros` zero bytes, deflated in 1 MiB steps.
    static func gzip(_ prefix: [UInt8], zeros: Int) -> Data {
        var stream = z_stream()
        let ok = deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(ok == Z_OK)
        defer { deflateEnd(&stream) }
        var output = Data()
        var out = [UInt8](repeating: 0, count: 1 << 16)
        func feed(_ input: [UInt8], flush: Int32) {
            var input = input
            input.withUnsafeMutableBufferPointer { inp in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                repeat {
                    let produced = out.withUnsafeMutableBufferPointer { o -> Int in
                        stream.next_out = o.baseAddress
                        stream.avail_out = uInt(o.count)
                        _ = deflate(&stream, flush)
                        return o.count - Int(stream.avail_out)
                    }
                    output.append(contentsOf: out[0..<produced])
                } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
            }
        }
        feed(prefix, flush: Z_NO_FLUSH)
        let block = [UInt8](repeating: 0, count: 1 << 20)
        var left = zeros
        while left > 0 { let n = min(left, block.count); feed(Array(block[0..<n]), flush: Z_NO_FLUSH); left -= n }
        feed([], flush: Z_FINISH)
        return output
    }

    static func idxHeader(_ shape: [UInt32]) -> [UInt8] { [0, 0, 0x08, UInt8(shape.count)] + shape.flatMap(be32) }

    @Test func idxHeaderMustAgreeWithTheData() throws {
        let url = try Self.temporaryFile(Data(Self.idxHeader([1_000_000_000]) + [UInt8](repeating: 1, count: 10)))
        #expect(throws: DataError.sizeMismatch(path: url.path, expectedBytes: 1_000_000_000, actualBytes: 10)) {
            try Self.quickly { try IDXFile(contentsOf: url) }
        }
        // 4 × 2³² − 1 cubed overflows Int: refused, not trapped.
        let huge: [UInt32] = [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]
        #expect(throws: DataError.dataTooLarge(path: "o.idx", shape: huge.map(Int.init), limit: IDXFile.defaultMaximumBytes)) {
            try IDXFile(data: Data(Self.idxHeader(huge) + [1, 2, 3]), path: "o.idx")
        }
        #expect(throws: DataError.dataTooLarge(path: "l.idx", shape: [10, 10], limit: 99)) {
            try IDXFile(data: Data(Self.idxHeader([10, 10]) + [UInt8](repeating: 0, count: 100)), path: "l.idx", maximumBytes: 99)
        }
        let fine = try IDXFile(data: Data(Self.idxHeader([2, 3]) + [1, 2, 3, 4, 5, 6]), path: "f.idx")
        #expect(fine.shape == [2, 3] && fine.integers == [1, 2, 3, 4, 5, 6])
    }

    @Test func gzipIDXIsBoundedByItsHeaderAndTheLimits() throws {
        // Declares 16 × 2³⁰ bytes (16 GiB, over the 4 GiB default): refused after the header is inflated.
        let bomb = try Self.temporaryFile(Self.gzip(Self.idxHeader([16, 1 << 30]), zeros: 4 << 20))
        #expect(throws: DataError.dataTooLarge(path: bomb.path, shape: [16, 1 << 30], limit: IDXFile.defaultMaximumBytes)) {
            try Self.quickly { try IDXFile(contentsOf: bomb) }
        }
        // Declares 1000 bytes but inflates to 64 MiB of zeros (from about 64 KiB): stopped at the first chunk.
        let long = try Self.temporaryFile(Self.gzip(Self.idxHeader([1000]), zeros: 64 << 20))
        #expect(throws: DataError.corrupt(path: long.path, reason: "gzip stream inflates past the 1000 data bytes its IDX header declares")) {
            try Self.quickly { try IDXFile(contentsOf: long) }
        }
        // Declares 2 000 000 bytes but holds 1000.
        let short = try Self.temporaryFile(Self.gzip(Self.idxHeader([2000, 1000]), zeros: 1000))
        #expect(throws: DataError.sizeMismatch(path: short.path, expectedBytes: 2_000_000, actualBytes: 1000)) {
            try IDXFile(contentsOf: short)
        }
        // Exactly as declared: read back.
        let good = try IDXFile(contentsOf: try Self.temporaryFile(Self.gzip(Self.idxHeader([3, 1000]), zeros: 3000)))
        #expect(good.shape == [3, 1000] && good.bytes.count == 3000)
        // Plain Gzip.decompress stops at its own limit.
        let zeros = Self.gzip([], zeros: 8 << 20)
        #expect(throws: DataError.decompressedTooLarge(path: "z.gz", limit: 1 << 20)) {
            try Gzip.decompress(zeros, path: "z.gz", maximumBytes: 1 << 20)
        }
        #expect(try Gzip.decompress(zeros, path: "z.gz").count == 8 << 20)
    }
}
