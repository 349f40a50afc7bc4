import Foundation
import Testing

/// `siamese-demo`, the program `bash scripts/demo.sh` builds: the `siamese demo` command on its own.
@Suite(.serialized) struct DemoProgramTests {
    /// The same flags give the same run as `siamese demo` (one thread, so the arithmetic is in the same order).
    @Test func runsTheSameDemoAsSiameseDemo() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-demo-program-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let flags = ["--dataset", "mnist", "--epochs", "1", "--pairs-per-epoch", "256", "--batch-size", "64",
                     "--evaluation-pairs", "200", "--seed", "7", "--threads", "1", "--json", "--no-report"]
        let program = try runBuiltProgram("siamese-demo", flags + ["--output", base.appendingPathComponent("a").path])
        let command = try runSiamese(["demo"] + flags + ["--output", base.appendingPathComponent("b").path])
        #expect(program.status == 0, "\(program.stderr)")
        #expect(command.status == 0, "\(command.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(program.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(command.stdout.utf8)) as? [String: Any])
        for key in ["testROCAUC", "testEER", "testAccuracy", "threshold", "finalLoss", "testPairs"] {
            let x = try #require(a[key] as? Double, "\(key) missing"), y = try #require(b[key] as? Double, "\(key) missing")
            #expect(x == y, "\(key): siamese-demo \(x), siamese demo \(y)")
        }
        #expect(program.stderr.contains("siamese demo: tutorial CNN twin network on MNIST"))
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("a/report.html").path))
    }

    @Test func namesItselfAndRejectsBadFlags() throws {
        let help = try runBuiltProgram("siamese-demo", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: siamese-demo") && help.stdout.contains("--test-time-augmentation"), "\(help.stdout)")
        let zero = try runBuiltProgram("siamese-demo", ["--epochs", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--epochs must be positive"), "\(zero.stderr)")
        let unknown = try runBuiltProgram("siamese-demo", ["--dataset", "cifar"])
        #expect(unknown.status != 0 && unknown.stderr.contains("cifar"), "\(unknown.stderr)")
        let views = try runBuiltProgram("siamese-demo", ["--test-time-augmentation", "views-99"])
        #expect(views.status != 0 && views.stderr.contains("views-99"), "\(views.stderr)")
    }
}
