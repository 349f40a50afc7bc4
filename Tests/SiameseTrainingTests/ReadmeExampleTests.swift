import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseModels

/// The README's ten-line program is `Examples/CompareImages/main.swift` word for word, and the built program loads a model
/// folder and compares two images without the command-line program.
@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func readmeShowsTheExampleVerbatim() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: Self.root.appendingPathComponent("Examples/CompareImages/main.swift"), encoding: .utf8)
        let marker = "<!-- Examples/CompareImages/main.swift -->\n```swift\n"
        let start = try #require(readme.range(of: marker)).upperBound
        let end = try #require(readme.range(of: "```", range: start..<readme.endIndex)).lowerBound
        #expect(String(readme[start..<end]) == example)
        #expect(example.split(separator: "\n").count <= 10)
        #expect(!example.contains("SiameseCLI"))
    }

    @Test func builtExampleComparesTwoImages() throws {
        let folder = temporaryFolder("example")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try EmbeddingModel(input: .init(size: 16), encoder: GlobalGenerator.withSeed(3) {
            try EncoderStage(configuration: EncoderConfiguration(kind: .mlp, inputSide: 16, embeddingSize: 4, hidden: [8]))
        }, normalizeEmbeddings: false, similarity: SimilarityConfiguration(threshold: .init(value: 1e9, falseAcceptRate: 1, falseRejectRate: 0, rule: "test", pairs: 2)))
        try model.save(to: folder.appendingPathComponent("model"))
        try writePGM([UInt8](repeating: 10, count: 256), side: 16, to: folder.appendingPathComponent("a.pgm"))
        try writePGM([UInt8](repeating: 200, count: 256), side: 16, to: folder.appendingPathComponent("b.pgm"))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [binary, binary.deletingLastPathComponent()].map { $0.appendingPathComponent("compare-images") }
        let program = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let process = Process()
        process.executableURL = program
        process.arguments = [folder.appendingPathComponent("model").path, folder.appendingPathComponent("a.pgm").path,
                             folder.appendingPathComponent("b.pgm").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try model.compare(folder.appendingPathComponent("a.pgm"), folder.appendingPathComponent("b.pgm"))
        #expect(text == "distance \(expected.distance), similarity \(expected.similarity)\nsame\n", "\(text)")
    }
}
