import Foundation
import SiameseNN
import Synchronization

/// The folder every run writes:
///
/// ```
/// run/
///   config.json         the resolved recipe (what `--resume` reads back)
///   preprocessing.json  the input stage's configuration (also in model/0_ImageInput/config.json)
///   model/              the trained model folder (EmbeddingModel.load(from:))
///   checkpoint/         the best epoch's weights and optimizer state
///   last/               the latest epoch's state (resumable)
///   metrics.json        held-out metrics and the per-epoch history
///   log.txt             one line per event
///   report.html         the run's report (SiameseReport; written by the CLI at the end of train, evaluate, demo)
/// ```
public final class RunFolder: Sendable {
    public let url: URL
    /// The log's lines so far (`log.txt` is rewritten from them, under the lock, on every ``log(_:)``).
    private let lines: Mutex<[String]>

    /// Creates `root/<name>-<timestamp>` (or uses `explicit` as given).
    public init(root: URL, name: String, explicit: URL?) throws {
        if let explicit {
            url = explicit
        } else {
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
            url = root.appendingPathComponent("\(name)-\(stamp)")
        }
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RecipeError.unusable("cannot create run folder \(url.path): \(error.localizedDescription)")
        }
        // A resumed run appends to its earlier log instead of replacing it.
        let earlier = FileManager.default.contents(atPath: url.appendingPathComponent("log.txt").path)
        lines = Mutex(earlier.map {
            String(decoding: $0, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        } ?? [])
    }

    /// Writes `value` as pretty JSON to `name`, atomically.
    public func writeJSON<T: Encodable>(_ value: T, _ name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(value), to: url.appendingPathComponent(name))
    }

    /// Adds a line to the run log (and rewrites `log.txt`).
    public func log(_ line: String) {
        let file = url.appendingPathComponent("log.txt")
        lines.withLock { lines in
            lines.append(line)
            try? AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: file)
        }
    }
}

