import Foundation
import Testing

/// The README's commands: with `--json`, `bash scripts/demo.sh` leaves standard output to the JSON, so every step the
/// script runs before the program sends its output to standard error.
@Suite struct ScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func demoScriptKeepsBuildOutputOffStandardOutput() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("scripts/demo.sh"), encoding: .utf8)
        let commands = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("set ") && !$0.hasPrefix("cd ") }
        let program = try #require(commands.last)
        #expect(program.hasPrefix(".build/release/siamese-demo"))
        // The script builds the program it runs (`siamese-demo`, without the HTTP service's dependencies).
        #expect(commands.contains { $0.hasPrefix("swift build -c release --product siamese-demo") })
        for command in commands.dropLast() {
            #expect(command.hasSuffix(">&2") || command.contains(">/dev/null"), "\(command) writes to standard output")
        }
    }
}
