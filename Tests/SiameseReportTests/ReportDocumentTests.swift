import Foundation
import SiameseEvaluation
import Testing
@testable import SiameseReport

@Suite struct ReportDocumentTests {
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func everySectionIsPresentOnce() {
        let html = ReportDocument(ReportFixtures.content()).html()
        for id in ReportDocument.sectionIDs {
            #expect(Self.count("<section id=\"\(id)\">", in: html) == 1, "section \(id)")
        }
        #expect(Self.count("<section", in: html) == Self.count("</section>", in: html))
        #expect(Self.count("<svg", in: html) == Self.count("</svg>", in: html))
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("</html>"))
    }

    @Test func userTextIsEscapedAndThereIsNoScript() {
        let html = ReportDocument(ReportFixtures.content()).html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<run>") && !html.contains("<x>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Test &lt;run&gt;"))
        // Nothing is fetched from elsewhere: the only URLs are data: URIs and the SVG namespace.
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        #expect(!html.contains("https://"))
    }

    @Test func plotsHaveTheExpectedMarks() {
        let content = ReportFixtures.content()
        let plots = Dictionary(uniqueKeysWithValues: ReportDocument(content).sections.flatMap { $0.plots() }.map { ($0.name, $0.svg) })
        #expect(Set(plots.keys) == ["loss", "learning-rate", "validation", "roc", "det", "precision-recall", "distances", "pca"])
        #expect(Self.count("class=\"mark point\"", in: plots["pca"]!) == 40)
        #expect(Self.count("class=\"mark line\"", in: plots["loss"]!) == 1)
        // The best epoch (2) is marked on the validation curve.
        #expect(Self.count("class=\"mark marker\"", in: plots["validation"]!) == 1)
        // ROC: the curve, the chance line, the equal-error point and the threshold.
        #expect(Self.count("class=\"mark line\"", in: plots["roc"]!) == 2)
        #expect(Self.count("class=\"mark marker\"", in: plots["roc"]!) == 2)
        for (name, svg) in plots { #expect(Self.count("class=\"mark", in: svg) > 0, "\(name) is empty") }
    }

    /// The ROC polyline has exactly the points of SiameseEvaluation's ROCCurve, in order.
    @Test func rocPointsComeFromTheEvaluationLibrary() throws {
        let content = ReportFixtures.content()
        let v = try #require(content.verification)
        let roc = try ROCCurve(labels: v.labels, scores: v.scores.map { -$0 })
        let svg = try #require(VerificationSection(content).plots().first { $0.name == "roc" }?.svg)
        let frame = PlotFrame(title: "", xLabel: "", yLabel: "", x: AxisScale(0, 1), y: AxisScale(0, 1), width: 400, height: 340)
        let expected = zip(roc.falsePositiveRates, roc.truePositiveRates).map { "\(Markup.coordinate(frame.px($0))),\(Markup.coordinate(frame.py($1)))" }
        #expect(svg.contains("points=\"\(expected.joined(separator: " "))\""))
        let metrics = try VerificationMetrics(labels: v.labels, scores: v.scores.map { -$0 })
        #expect(SummarySection(content).headline.first { $0.0 == "ROC-AUC" }?.1 == String(format: "%.4f", metrics.rocAUC))
    }

    @Test func mistakesShowThumbnailsOfTheHardestPairs() throws {
        let content = ReportFixtures.content()
        let html = MistakesSection(content).body()
        let v = try #require(content.verification)
        let accepts = v.hardestFalseAccepts(3), rejects = v.hardestFalseRejects(3)
        try #require(accepts.count == 3 && rejects.count == 3)
        #expect(accepts.allSatisfy { !v.pairs[$0].same && v.scores[$0] <= 0.5 })
        #expect(rejects.allSatisfy { v.pairs[$0].same && v.scores[$0] > 0.5 })
        // Most alike different-class pair first; least alike same-class pair first.
        #expect(v.scores[accepts[0]] <= v.scores[accepts[1]] && v.scores[rejects[0]] >= v.scores[rejects[1]])
        #expect(Self.count("src=\"data:image/png;base64,", in: html) == 12)
    }

    @Test func writesAtomicallyAndReplaces() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("report.html")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: url)
        let document = ReportDocument(ReportFixtures.content())
        try document.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == document.html())
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"])
        let svgs = try document.writePlots(to: folder.appendingPathComponent("svg"))
        #expect(svgs.count == 8)
        #expect(try String(contentsOf: svgs[0], encoding: .utf8).hasPrefix("<?xml"))
    }

    @Test func writingIntoAFileThatIsAFolderIsATypedError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("file")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data().write(to: blocker)
        let target = blocker.appendingPathComponent("report.html")
        #expect(throws: ReportError.self) { try ReportDocument(ReportFixtures.content()).write(to: target) }
    }

    @Test func withoutPairsOrHistoryTheSectionsSaySo() {
        let content = ReportContent(title: "empty", source: "/nowhere")
        let html = ReportDocument(content).html()
        for id in ReportDocument.sectionIDs { #expect(html.contains("<section id=\"\(id)\">")) }
        #expect(!html.contains("<svg"))
        #expect(html.contains("No verification pairs were evaluated"))
    }

    @Test func textSummaryNamesTheHeadlineMetrics() {
        let text = ReportDocument(ReportFixtures.content()).textSummary
        #expect(text.contains("ROC-AUC") && text.contains("4-way 1-shot: 80.0 %") && text.contains("1\u{202F}234 parameters"))
    }
}
