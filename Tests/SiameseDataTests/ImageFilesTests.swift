import Foundation
import Testing
@testable import SiameseData

@Suite struct ImageFilesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A fresh folder tree:
    ///
    ///     top.pnm  zz.txt  .hidden.png  .cache/x.png
    ///     b/2.pgm  b/1.png  b/3.PGM  b/notes.txt  b/.DS_Store.png
    ///     a/corrupt.jpg  a/nested/deep.ppm
    static func tree() throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("image-files-\(UUID().uuidString)")
        for folder in ["a/nested", "b", ".cache"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let pgm = Data("P5 2 2 255 ".utf8) + Data([0, 85, 170, 255])
        let png = try Data(contentsOf: fixtures.appendingPathComponent("omniglot_item01.png"))
        let files: [String: Data] = [
            "top.pnm": pgm, "zz.txt": Data("not an image".utf8), ".hidden.png": png, ".cache/x.png": png,
            "b/2.pgm": pgm, "b/1.png": png, "b/3.PGM": pgm, "b/notes.txt": Data("notes".utf8), "b/.DS_Store.png": png,
            "a/corrupt.jpg": Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), "a/nested/deep.ppm": Data("P6 1 1 255 ".utf8) + Data([255, 0, 0]),
        ]
        for (path, data) in files { try data.write(to: root.appendingPathComponent(path)) }
        return root
    }

    static func relative(_ urls: [URL], to root: URL) -> [String] {
        urls.map { String($0.path.dropFirst(root.path.count + 1)) }
    }

    @Test func foldersExpandInNameOrderSkippingHiddenAndOtherFiles() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let files = try ImageFiles.collect([root])
        #expect(Self.relative(files, to: root) == ["top.pnm", "a/corrupt.jpg", "a/nested/deep.ppm", "b/1.png", "b/2.pgm", "b/3.PGM"])
        // Inputs keep their order; a file named directly is kept whatever its extension.
        let mixed = try ImageFiles.collect([root.appendingPathComponent("zz.txt"), root.appendingPathComponent("b"), root.appendingPathComponent("a/nested")])
        #expect(Self.relative(mixed, to: root) == ["zz.txt", "b/1.png", "b/2.pgm", "b/3.PGM", "a/nested/deep.ppm"])
        // Stable: the same tree gives the same list.
        #expect(try ImageFiles.collect([root]) == files)
    }

    @Test func aMissingInputIsATypedError() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("no-such-folder")
        #expect(throws: DataError.unreadable(path: missing.path, reason: "no such file or folder")) {
            try ImageFiles.collect([root, missing])
        }
    }

    @Test func decodingSkipsBadFilesOrStopsWhenStrict() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let files = try ImageFiles.collect([root, root.appendingPathComponent("zz.txt")])
        let decoded = try ImageFiles.decode(files, mode: .grey)
        #expect(Self.relative(decoded.images.map(\.url), to: root) == ["top.pnm", "a/nested/deep.ppm", "b/1.png", "b/2.pgm", "b/3.PGM"])
        #expect(decoded.images[0].image.pixels == [0, 85 / 255, 170 / 255, 1])
        #expect(decoded.images.allSatisfy { $0.image.channels == 1 })
        #expect(Self.relative(decoded.skipped.map(\.url), to: root) == ["a/corrupt.jpg", "zz.txt"])
        #expect(decoded.skipped[0].reason == "JPEG: no frame header")
        #expect(decoded.skipped[1].reason == "not a PNG, JPEG or PGM/PPM image")

        // Strict: the first failure, as the decoder threw it.
        let error = #expect(throws: DataError.self) { try ImageFiles.decode(files, mode: .grey, strict: true) }
        guard case let .corrupt(path, _) = error else { Issue.record("expected corrupt, got \(String(describing: error))"); return }
        #expect(path == root.appendingPathComponent("a/corrupt.jpg").path)

        // The size limit applies per call: only the 1×1 and 2×2 images fit in 4 pixels.
        let small = try ImageFiles.decode(files, mode: .rgb, maximumPixels: 4)
        #expect(Self.relative(small.images.map(\.url), to: root) == ["top.pnm", "a/nested/deep.ppm", "b/2.pgm", "b/3.PGM"])
        #expect(small.skipped.count == 3 && small.skipped[1].reason.contains("over the limit of 4 pixels"))
    }
}
