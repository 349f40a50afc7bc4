import Foundation
import Testing
@testable import SiameseText

/// Pair files for training and evaluation: STS TSV, three-column TSV, CSV with a header; typed errors for bad input.
@Suite struct PairFileTests {
    func write(_ bytes: [UInt8], _ name: String = "pairs.csv") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url
    }
    func write(_ text: String, _ name: String = "pairs.csv") throws -> URL { try write(Array(text.utf8), name) }

    func expectMalformed(_ url: URL, mentioning words: [String]) {
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try ScoredPairs.read(url)
            Issue.record("expected an error for \(url.lastPathComponent)")
        } catch let error as TextError {
            guard case .malformedFile(let path, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == url.path)
            for w in words { #expect(reason.contains(w), "\(reason) should mention \(w)") }
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func readsCSVWithHeaderAndQuotes() throws {
        let url = try write("id,sentence1,sentence2,label\n1,\"A cat, sitting.\",\"She said \"\"hi\"\"\",1\n2,x,\"two\nlines\",0\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let pairs = try ScoredPairs.read(url)
        #expect(pairs.first == ["A cat, sitting.", "x"])
        #expect(pairs.second == ["She said \"hi\"", "two\nlines"])
        #expect(pairs.scores == [1, 0])
    }

    @Test func readsSTSAndThreeColumnTSV() throws {
        let sts = try write("main\tMSRvid\t2012\t0001\t4.5\tA plane.\tAn air plane.\textra\n", "sts.csv")
        defer { try? FileManager.default.removeItem(at: sts) }
        #expect(try ScoredPairs.read(sts) == ScoredPairs(first: ["A plane."], second: ["An air plane."], scores: [4.5]))
        let three = try write("a, b\tc\t0.25\n", "three.tsv")
        defer { try? FileManager.default.removeItem(at: three) }
        #expect(try ScoredPairs.read(three).scores == [0.25])
    }

    @Test func badScoreIsNamedWithItsLine() throws {
        expectMalformed(try write("sentence1,sentence2,score\na,b,1\nc,d,high\n"), mentioning: ["line 3", "'high'"])
        expectMalformed(try write("0.5\ta\tb\nNaN?\tc\td\n", "x.tsv"), mentioning: ["line 2"])
    }

    @Test func missingColumnIsNamed() throws {
        expectMalformed(try write("sentence1,text,score\na,b,1\n"), mentioning: ["second-text column", "sentence1, text, score"])
        expectMalformed(try write("sentence1,sentence2,score\na,b\n"), mentioning: ["line 2", "2 fields"])
        expectMalformed(try write("sentence1,sentence2,score\n\"a,b,1\n"), mentioning: ["never closed"])
    }

    @Test func invalidUTF8IsNamed() throws {
        let url = try write(Array("sentence1,sentence2,score\na,".utf8) + [0xFF, 0xFE] + Array(",1\n".utf8))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: TextError.invalidUTF8(source: url.path)) { try ScoredPairs.read(url) }
    }
}
