import Foundation

/// The inputs under `Fuzz/regressions/<target>/`: each once made a parser crash under `scripts/fuzz.sh` and must now
/// give a typed error. They are read from the checkout (the files are small and committed), not from ../shared.
public enum FuzzRegressions {
    /// The repository's `Fuzz/regressions` folder, found from this file's place in the checkout.
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/regressions")

    /// The regression inputs of `target` by file name, sorted; empty when there are none.
    public static func inputs(_ target: String) throws -> [(name: String, data: Data)] {
        let directory = folder.appendingPathComponent(target)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { ($0, try Data(contentsOf: directory.appendingPathComponent($0))) }
    }
}
