import Foundation
import Testing
import SiameseCore
import SiameseNN
import SiameseTestSupport

/// Runs the built `siamese` program (the test target depends on it, so it sits beside the test bundle).
///
/// It runs in a fresh temporary working directory, removed afterwards, so a command that falls back to its
/// default `runs/…` folder never writes into the checkout.
func runSiamese(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try runBuiltProgram("siamese", arguments)
}

/// Runs the built program `name` (`siamese`, `siamese-demo`) as ``runSiamese(_:)`` does.
func runBuiltProgram(_ name: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [buildDirectory, buildDirectory.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates[0].path])
    }
    let workingDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-cwd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workingDirectory) }
    let process = Process()
    process.executableURL = binary
    process.currentDirectoryURL = workingDirectory
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite(.serialized) struct DemoCommandTests {
    @Test func shortDemoRunWritesItsRunFolderAndMetrics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runSiamese(["demo", "--dataset", "mnist", "--epochs", "1", "--pairs-per-epoch", "512", "--batch-size", "128",
                                "--evaluation-pairs", "400", "--output", dir.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let auc = try #require(metrics?["testROCAUC"] as? Double)
        // Four steps of 128 pairs already separate digits far better than chance.
        #expect(auc > 0.75)
        for file in ["config.json", "metrics.json", "log.txt", "checkpoint/model.safetensors", "checkpoint/checkpoint.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(r.stderr.contains("pairs/s"))
        // Retrieval among the 2,000 test digits, in metrics.json and in the report's table.
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as? [String: Any]
        let retrieval = try #require(saved?["retrieval"] as? [String: Double])
        #expect(retrieval["queries"] == 2000 && (retrieval["precisionAt1"] ?? 0) > 0.3, "\(retrieval)")
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("meanAveragePrecisionAtR"))
        // The report is written at the end, announced on standard error (standard output stays JSON).
        #expect(r.stderr.contains("report: \(dir.appendingPathComponent("report.html").path)"))
        let report = try runSiamese(["report", "--run", dir.path, "--output", dir.appendingPathComponent("again.html").path,
                                     "--svg", dir.appendingPathComponent("svg").path, "--no-tsne"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("ROC-AUC") && report.stdout.contains("again.html"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("svg/roc.svg").path))
        let broken = try runSiamese(["report", "--run", dir.appendingPathComponent("checkpoint").path])
        #expect(broken.status != 0 && broken.stderr.contains("config.json"), "\(broken.stderr)")
    }

    @Test func omniglotDemoEvaluatesTheOfficialTrials() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-omniglot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Without the default 9 test-time views, which multiply the evaluation's work by 9 in a debug build.
        let r = try runSiamese(["demo", "--epochs", "1", "--pairs-per-epoch", "128", "--batch-size", "128", "--no-augment",
                                "--evaluation-pairs", "40", "--test-time-augmentation", "none", "--output", dir.path, "--json", "--no-report"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(metrics?["oneShotTrials"] as? Int == 400)
        let accuracy = try #require(metrics?["oneShotAccuracy"] as? Double)
        let interval = try #require(metrics?["oneShotInterval95"] as? [Double])
        #expect(interval.count == 2 && interval[0] <= accuracy && accuracy <= interval[1])
        // 218 training characters, each also turned three ways; 24 held out.
        #expect(metrics?["trainingClasses"] as? Int == 872 && metrics?["validationClasses"] as? Int == 24)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["data"] as? String == "omniglot" && config?["stepsPerEpoch"] as? Int == 1)
        // The demo is the shipped recipe: with the same overrides, `train --dry-run` resolves to the same config.
        let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("recipes/omniglot-conv4.yaml")
        let resolved = try runSiamese(["train", "--recipe", recipe.path, "--epochs", "1", "--steps-per-epoch", "1",
                                       "--batch-size", "128", "--no-augment", "--evaluation-pairs", "40", "--test-time-augmentation", "none", "--dry-run"])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let fromFile = try JSONSerialization.jsonObject(with: Data(resolved.stdout.utf8)) as? NSDictionary
        #expect(fromFile == (config.map { NSDictionary(dictionary: $0) }))
        // evaluate re-measures the demo run like any train run.
        let evaluated = try runSiamese(["evaluate", "--run", dir.path, "--json", "--no-report"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path))
        let again = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
        #expect(again?["oneShotAccuracy"] as? Double == accuracy)
        // evaluate can measure the same model under test-time views, and names a bad value.
        #expect(config?["testTimeAugmentation"] as? String == "none")
        let viewed = try runSiamese(["evaluate", "--run", dir.path, "--test-time-augmentation", "views-2", "--json", "--no-report"])
        #expect(viewed.status == 0, "\(viewed.stderr)")
        let viewedMetrics = try JSONSerialization.jsonObject(with: Data(viewed.stdout.utf8)) as? [String: Any]
        #expect(viewedMetrics?["oneShotTrials"] as? Int == 400 && viewedMetrics?["validationROCAUC"] as? Double != again?["validationROCAUC"] as? Double)
        let bad = try runSiamese(["evaluate", "--run", dir.path, "--test-time-augmentation", "views-10"])
        #expect(bad.status != 0 && bad.stderr.contains("test-time-augmentation"), "\(bad.stderr)")
    }

    @Test func badOptionsGiveOneLineErrors() throws {
        let zero = try runSiamese(["demo", "--epochs", "0"])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--epochs must be positive"))
        let unknown = try runSiamese(["demo", "--no-such-option"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no-such-option"))
        let badNumber = try runSiamese(["demo", "--learning-rate", "fast"])
        #expect(badNumber.status != 0)
        let badDataset = try runSiamese(["demo", "--dataset", "imagenet"])
        #expect(badDataset.status != 0 && badDataset.stderr.contains("imagenet"))
        let unknownCommand = try runSiamese(["fly"])
        #expect(unknownCommand.status != 0)
    }
}

@Suite(.serialized) struct CompareAndEmbedTests {
    /// Writes MNIST test digit `index` (0, 1 or 17, vendored in SiameseTestSupport's fixtures) as a binary PGM.
    static func digit(_ index: Int, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.url("mnist-t10k-\(index).pgm"), to: url)
    }

    @Test func compareAndEmbedWithATrainedRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-compare-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let run = dir.appendingPathComponent("run")
        let trained = try runSiamese(["demo", "--dataset", "mnist", "--epochs", "1", "--pairs-per-epoch", "2048",
                                      "--evaluation-pairs", "200", "--output", run.path, "--json", "--no-report"])
        #expect(trained.status == 0, "\(trained.stderr)")
        // Test digits 0 and 17 are both 7s; digit 1 is a 2.
        for (i, name) in [(0, "a.pgm"), (17, "b.pgm"), (1, "c.pgm")] { try Self.digit(i, to: dir.appendingPathComponent(name)) }
        let same = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                   "--run", run.path, "--json"])
        #expect(same.status == 0, "\(same.stderr)")
        let other = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("c.pgm").path,
                                    "--run", run.path, "--json"])
        let d1 = try #require((try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])?["distance"] as? Double)
        let d2 = try #require((try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: Any])?["distance"] as? Double)
        #expect(d1 < d2)
        let human = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path, "--run", run.path])
        #expect(human.stdout.contains("distance") && human.stdout.contains("threshold"))

        let evaluated = try runSiamese(["evaluate", "--run", run.path, "--evaluation-pairs", "400", "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        // The demo ran with --no-report; evaluate writes the report.
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("report.html").path))
        let metrics = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
        #expect((metrics?["testROCAUC"] as? Double ?? 0) > 0.8)
        let retrieval = try #require(metrics?["retrieval"] as? [String: Double])
        #expect(retrieval["queries"] == 2000 && (retrieval["precisionAt1"] ?? 0) > 0.3, "\(retrieval)")
        let noRun = try runSiamese(["evaluate", "--run", dir.path])
        #expect(noRun.status != 0 && noRun.stderr.contains("not a run folder"))

        // embed descends into class sub-folders, skips (and lists) unreadable files; --strict stops instead.
        let images = dir.appendingPathComponent("images")
        try Self.digit(0, to: images.appendingPathComponent("seven/a.pgm"))
        try Self.digit(17, to: images.appendingPathComponent("seven/b.pgm"))
        try Self.digit(1, to: images.appendingPathComponent("two/c.pgm"))
        try Data("not an image".utf8).write(to: images.appendingPathComponent("two/broken.png"))
        let output = dir.appendingPathComponent("e.safetensors")
        let embed = try runSiamese(["embed", images.path, "--run", run.path, "--output", output.path])
        #expect(embed.status == 0, "\(embed.stderr)")
        #expect(embed.stderr.contains("warning: skipped") && embed.stderr.contains("broken.png"), "\(embed.stderr)")
        let file = try Safetensors.read(output)
        #expect(file.tensors["embeddings"]?.shape.first == 3)
        #expect(file.metadata["skipped"]?.contains("broken.png") == true && file.metadata["files"]?.contains("seven/b.pgm") == true)
        let strict = try runSiamese(["embed", images.path, "--run", run.path, "--output", output.path, "--strict"])
        #expect(strict.status != 0 && strict.stderr.contains("broken.png"), "\(strict.stderr)")

        // A PGM header claiming 100000×100000 pixels is a one-line error, not an allocation failure.
        try Data("P5\n100000 100000\n255\n".utf8).write(to: dir.appendingPathComponent("huge.pgm"))
        let huge = try runSiamese(["compare", dir.appendingPathComponent("huge.pgm").path, dir.appendingPathComponent("b.pgm").path, "--run", run.path])
        #expect(huge.status != 0 && huge.stderr.contains("huge.pgm"), "\(huge.stderr)")

        let missing = try runSiamese(["compare", dir.appendingPathComponent("nope.png").path, dir.appendingPathComponent("b.pgm").path, "--run", run.path])
        #expect(missing.status != 0 && missing.stderr.contains("nope.png"))
        let notARun = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path, "--run", dir.path])
        #expect(notARun.status != 0 && notARun.stderr.contains("not a run folder"))
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("bad.png"))
        let corrupt = try runSiamese(["compare", dir.appendingPathComponent("bad.png").path, dir.appendingPathComponent("b.pgm").path, "--run", run.path])
        #expect(corrupt.status != 0 && corrupt.stderr.contains("bad.png"))

        // NaN weights are refused, not compared as "distance nan … different".
        let model = run.appendingPathComponent("model/model.safetensors")
        var weights = try Safetensors.read(model).tensors.mapValues { $0.tensor() }
        let key = try #require(weights.keys.sorted().first)
        weights[key] = weights[key]! * Float.nan
        try Safetensors.write(floats: weights, to: model)
        let nan = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path, "--run", run.path])
        #expect(nan.status != 0 && nan.stderr.contains("NaN") && nan.stderr.contains(key), "\(nan.stderr)")

    }
}
