import Foundation
import Testing
@testable import SiameseReport

/// A run folder missing what the report needs gives a typed error naming the file.
@Suite struct RunReportTests {
    static func folder(_ files: [String: String], directories: [String] = []) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for d in directories { try FileManager.default.createDirectory(at: url.appendingPathComponent(d), withIntermediateDirectories: true) }
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test func missingFolder() {
        let url = URL(fileURLWithPath: "/nonexistent/run-\(UUID().uuidString)")
        #expect(throws: ReportError.notAFolder(path: url.path)) { try RunReport.read(run: url) }
    }

    @Test func missingConfig() throws {
        let url = try Self.folder([:])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ReportError.missingFile(path: url.appendingPathComponent("config.json").path, what: "the run's recipe")) {
            try RunReport.read(run: url)
        }
    }

    @Test func missingMetrics() throws {
        let url = try Self.folder(["config.json": #"{"data": "mnist"}"#])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ReportError.self) { try RunReport.read(run: url) }
        guard case let .missingFile(path, _) = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(path.hasSuffix("metrics.json"))
    }

    @Test func missingModel() throws {
        let url = try Self.folder(["config.json": #"{"data": "mnist"}"#, "metrics.json": "{}"])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ReportError.self) { try RunReport.read(run: url) }
        guard case let .missingFile(path, _) = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(path.hasSuffix("model"))
    }

    @Test func unreadableConfigAndModel() throws {
        let bad = try Self.folder(["config.json": "[not json", "metrics.json": "{}", "model/modules.json": "[]"], directories: ["model"])
        defer { try? FileManager.default.removeItem(at: bad) }
        let error = #expect(throws: ReportError.self) { try RunReport.read(run: bad) }
        guard case let .unreadable(path, _) = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(path.hasSuffix("config.json"))

        let damaged = try Self.folder(["config.json": #"{"data": "mnist"}"#, "metrics.json": "{}", "model/modules.json": "[]"], directories: ["model"])
        defer { try? FileManager.default.removeItem(at: damaged) }
        let modelError = #expect(throws: ReportError.self) { try RunReport.read(run: damaged) }
        guard case let .unreadable(modelPath, _) = modelError else { Issue.record("wrong error \(String(describing: modelError))"); return }
        #expect(modelPath.hasSuffix("model"))
        #expect(modelError?.description.contains(modelPath) ?? false)
    }
}
