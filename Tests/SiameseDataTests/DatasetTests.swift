import Foundation
import Testing
@testable import SiameseData
import SiameseTestSupport

@Suite struct DatasetTests {
    @Test(.needsSharedDatasets("att-faces")) func imageFolderOnATTFaces() throws {
        let faces = try ImageFolderDataset(root: sharedDatasets.appendingPathComponent("att-faces"))
        #expect(faces.count == 400 && faces.classNames.count == 40)
        #expect(faces.indicesByClass.values.allSatisfy { $0.count == 10 })
        let first = faces.files[0]
        #expect(first.url.lastPathComponent == "1.pgm" && faces.classNames[first.label] == "s1")
        let image = try faces.item(at: 0)
        #expect(image.width == 92 && image.height == 112)
    }

    @Test func emptyClassFolderAndBadItemsAreReported() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.url("att-faces-s1-1.pgm"),
                                         to: root.appendingPathComponent("a/1.pgm"))
        #expect(throws: DataError.emptyClass(path: root.appendingPathComponent("b").path)) { try ImageFolderDataset(root: root) }
        try Data("P5 92 112 255\n".utf8).write(to: root.appendingPathComponent("b/broken.pgm"))
        let dataset = try ImageFolderDataset(root: root)
        let loaded = dataset.items([0, 1])
        #expect(loaded.items.count == 1 && loaded.skipped.map(\.index) == [1])
        #expect(loaded.skipped.first?.error as? DataError == .corrupt(path: root.appendingPathComponent("b/broken.pgm").path,
                                                                       reason: "truncated image data: 0 bytes for 10304"))
    }

    @Test(.needsSharedDatasets("omniglot")) func omniglotBackgroundSets() throws {
        let omniglot = sharedDatasets.appendingPathComponent("omniglot")
        let small1 = try OmniglotDataset(archives: [omniglot.appendingPathComponent("images_background_small1.zip")])
        #expect(small1.count == 2720 && small1.classNames.count == 136)
        #expect(small1.indicesByClass.values.allSatisfy { $0.count == 20 })
        let both = try OmniglotDataset(archives: [omniglot.appendingPathComponent("images_background_small1.zip"),
                                                  omniglot.appendingPathComponent("images_background_small2.zip")])
        #expect(both.count == 4840 && both.classNames.count == 242)
        let image = try both.item(at: 0)
        #expect(image.width == 105 && image.height == 105)
    }

    @Test(.needsSharedDatasets("omniglot")) func officialOneShotRunsAndTheirAnswerKeys() throws {
        let runs = try OmniglotOneShotRuns(archive: sharedDatasets.appendingPathComponent("omniglot/all_runs.zip"))
        #expect(runs.trials.count == 400)
        #expect(runs.trials.allSatisfy { $0.candidates.count == 20 && (0..<20).contains($0.answer) })
        // run01/class_labels.txt: item01 → class08, item02 → class09, item03 → class02.
        #expect(runs.trials.prefix(3).map(\.answer) == [7, 8, 1])
        #expect(runs.trials[0].query.width == 105)
        // Every candidate of a run is the answer to exactly one query.
        for run in 1...20 {
            #expect(Set(runs.trials.filter { $0.run == run }.map(\.answer)).count == 20)
        }
    }

    @Test(.needsSharedDatasets("stsbenchmark")) func stsBenchmarkPairs() throws {
        let sts = sharedDatasets.appendingPathComponent("stsbenchmark")
        let train = try TextPairDataset(contentsOf: sts.appendingPathComponent("sts-train.csv"))
        #expect(train.pairs.count == 5749)
        #expect(train.pairs[0] == .init(first: "A plane is taking off.", second: "An air plane is taking off.", score: 5))
        #expect(try TextPairDataset(contentsOf: sts.appendingPathComponent("sts-dev.csv")).pairs.count == 1500)
        #expect(try TextPairDataset(contentsOf: sts.appendingPathComponent("sts-test.csv")).pairs.count == 1379)
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("sts-\(UUID().uuidString).csv")
        try Data("g\tf\t2012\t1\t5.0\tA\tB\ng\tf\t2012\t2\t4.0\tonly one sentence\n".utf8).write(to: bad)
        #expect(throws: DataError.badRow(path: bad.path, line: 2, reason: "6 fields, expected at least 7")) {
            try TextPairDataset(contentsOf: bad)
        }
    }
}
