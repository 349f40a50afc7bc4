import Foundation

/// One parser under test: `run` feeds it bytes and must return (or throw inside, caught here) for every input.
struct FuzzTarget: Sendable {
    /// Work done once before fuzzing (writing a base model folder, say).
    var prepare: @Sendable () -> Void = {}
    var run: @Sendable (Data) -> Void
}

/// A scratch folder of the process's own, under `TMPDIR` (scripts/fuzz.sh removes it afterwards).
enum Scratch {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Writes `data` to `name` in the scratch folder and returns its address.
    static func file(_ name: String, _ data: Data) -> URL {
        let url = folder.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: data)
        return url
    }
}
