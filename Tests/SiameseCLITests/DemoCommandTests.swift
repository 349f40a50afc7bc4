import Foundation
import Testing

/// Runs the built `siamese` program (the test target depends on it, so it sits beside the test bundle).
func runSiamese(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [buildDirectory, buildDirectory.deletingLastPathComponent()].map { $0.appendingPathComponent("siamese") }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates[0].path])
    }
    let process = Process()
    process.executableURL = binary
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
        let r = try runSiamese(["demo", "--dataset", "mnist", "--epochs", "1", "--pairs-per-epoch", "512", "--batch-size", "128",
                                "--evaluation-pairs", "400", "--output", dir.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let auc = try #require(metrics?["testROCAUC"] as? Double)
        // Four steps of 128 pairs already separate digits far better than chance.
        #expect(auc > 0.75)
        for file in ["config.json", "metrics.json", "log.txt", "checkpoint/model.safetensors", "checkpoint/checkpoint.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(r.stderr.contains("pairs/s"))
    }

    @Test func omniglotDemoEvaluatesTheOfficialTrials() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-omniglot-\(UUID().uuidString)")
        let r = try runSiamese(["demo", "--epochs", "1", "--pairs-per-epoch", "128", "--batch-size", "128", "--no-augment",
                                "--evaluation-pairs", "40", "--output", dir.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(metrics?["oneShotTrials"] as? Int == 400)
        let accuracy = try #require(metrics?["oneShotAccuracy"] as? Double)
        let interval = try #require(metrics?["oneShotInterval95"] as? [Double])
        #expect(interval.count == 2 && interval[0] <= accuracy && accuracy <= interval[1])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["trainingClasses"] as? Int == 218 && config?["validationClasses"] as? Int == 24)
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
