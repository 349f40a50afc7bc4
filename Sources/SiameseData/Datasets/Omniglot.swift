import Foundation
import ZIPFoundation

/// Reads every file of a zip archive into memory (paths → bytes), with typed errors naming the archive.
enum ZipReader {
    static func files(in url: URL, matching predicate: (String) -> Bool) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw DataError.corrupt(path: url.path, reason: "not a readable zip archive")
        }
        var out: [String: Data] = [:]
        for entry in archive where entry.type == .file && predicate(entry.path) {
            var data = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { data.append($0) } } catch {
                throw DataError.corrupt(path: "\(url.path)#\(entry.path)", reason: "damaged zip entry")
            }
            out[entry.path] = data
        }
        return out
    }
}

/// Omniglot characters from one of its zip files (`<set>/<Alphabet>/characterNN/<id>_<drawer>.png`).
///
/// Each (alphabet, character) pair is a class, named `Alphabet/characterNN`; images are decoded on access.
public struct OmniglotDataset: LabelledDataset, Sendable {
    public let classNames: [String]
    let entries: [(path: String, label: Int, png: Data)]

    /// - Parameter archives: one or more background zips (files that appear in several are kept once).
    public init(archives: [URL]) throws {
        var byPath: [String: Data] = [:]
        for url in archives {
            for (path, data) in try ZipReader.files(in: url, matching: { $0.lowercased().hasSuffix(".png") }) {
                // Key without the set folder, so Greek and Latin, present in both background zips, count once.
                let key = path.split(separator: "/").dropFirst().joined(separator: "/")
                byPath[key] = data
            }
        }
        guard !byPath.isEmpty else { throw DataError.empty(path: archives.map(\.path).joined(separator: ", ")) }
        let paths = byPath.keys.sorted()
        func className(_ p: String) -> String { p.split(separator: "/").dropLast().joined(separator: "/") }
        let names = Array(Set(paths.map(className))).sorted()
        let ids = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        classNames = names
        entries = paths.map { ($0, ids[className($0)]!, byPath[$0]!) }
    }

    public var count: Int { entries.count }
    public func label(at index: Int) -> Int { entries[index].label }
    public func item(at index: Int) throws -> Image { try ImageDecoder.decode(entries[index].png, path: entries[index].path, mode: .grey) }
    /// The drawing's path inside the archive, without the set folder (`Alphabet/characterNN/<id>_<drawer>.png`).
    public func path(at index: Int) -> String { entries[index].path }
}

/// The official 20-way one-shot classification runs (`all_runs.zip`): 20 runs × 20 queries = 400 trials.
public struct OmniglotOneShotRuns: Sendable {
    /// One trial: a query image, the 20 one-example candidates of its run, and the index of the right one.
    public struct Trial: Sendable {
        public let run: Int
        public let query: Image
        public let candidates: [Image]
        public let answer: Int
    }

    public let trials: [Trial]

    public init(archive url: URL) throws {
        let files = try ZipReader.files(in: url) { $0.hasSuffix(".png") || $0.hasSuffix("class_labels.txt") }
        var trials: [Trial] = []
        for run in 1...20 {
            let folder = String(format: "run%02d", run)
            guard let labels = files["\(folder)/class_labels.txt"] else {
                throw DataError.corrupt(path: url.path, reason: "\(folder)/class_labels.txt is missing")
            }
            let classPaths = (1...20).map { String(format: "\(folder)/training/class%02d.png", $0) }
            let candidates = try classPaths.map { p -> Image in
                guard let d = files[p] else { throw DataError.corrupt(path: url.path, reason: "\(p) is missing") }
                return try ImageDecoder.decode(d, path: "\(url.path)#\(p)", mode: .grey)
            }
            for (n, line) in String(decoding: labels, as: UTF8.self).split(separator: "\n").enumerated() {
                let parts = line.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard parts.count == 2, let answer = classPaths.firstIndex(of: parts[1]), let q = files[parts[0]] else {
                    throw DataError.badRow(path: "\(url.path)#\(folder)/class_labels.txt", line: n + 1, reason: "expected 'query class'")
                }
                trials.append(Trial(run: run, query: try ImageDecoder.decode(q, path: "\(url.path)#\(parts[0])", mode: .grey),
                                    candidates: candidates, answer: answer))
            }
        }
        self.trials = trials
    }
}
