import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseGallery
import SiameseGalleryPostgres
import SiameseModels

/// `siamese gallery …`: a persistent gallery of identities (SQLite or PostgreSQL) tied to one model folder.
struct GalleryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Enroll identities and identify, verify or search against them (a SQLite or PostgreSQL gallery tied to one model).",
        discussion: "The gallery records the model's content hash; opening it with another model is refused.",
        subcommands: [GalleryEnrollCommand.self, GalleryRemoveCommand.self, GalleryListCommand.self, GalleryVerifyCommand.self,
                      GalleryIdentifyCommand.self, GallerySearchCommand.self]
    )
}

/// Options every gallery subcommand takes.
struct GalleryOptions: ParsableArguments {
    @Option(name: .customLong("gallery"), help: "Gallery: a SQLite file (created when missing), postgres://USER[:PASSWORD]@HOST[:PORT]/DB or postgres://USER@/DB?host=/SOCKET/FOLDER.")
    var database: String
    @Option(name: .customLong("model"), help: "Model folder (modules.json, model.safetensors, …).") var modelFolder: String
    @Flag(help: "Print the result as JSON.") var json = false

    func open() async throws -> Gallery {
        let store = try await GalleryStoreLocation(parsing: database).open()
        return try await Gallery(store: store, model: try EmbeddingModel.load(from: URL(fileURLWithPath: modelFolder)))
    }
}

/// A probe: an image file, or `--embedding` with comma-separated components.
struct ProbeOptions: ParsableArguments {
    @Argument(help: "Probe image (PNG, JPEG or PGM/PPM).") var image: String?
    @Option(help: "A precomputed probe embedding: comma-separated numbers (write --embedding=-0.5,… when the first is negative).") var embedding: String?

    func validate() throws {
        guard (image == nil) != (embedding == nil) else { throw ValidationError("give a probe image or --embedding, not both") }
    }

    func source() throws -> EmbeddingSource {
        if let image { return .imageFile(URL(fileURLWithPath: image)) }
        return .embedding(try parseEmbedding(embedding!))
    }
}

/// The decision threshold: calibrated (default), `--far RATE` or `--threshold VALUE`.
struct ThresholdOptions: ParsableArguments {
    @Option(help: "Explicit threshold on the model's score.") var threshold: Double?
    @Option(help: "Use the calibrated threshold for this false-accept rate (e.g. 0.01).") var far: Double?

    func validate() throws {
        if threshold != nil && far != nil { throw ValidationError("give --threshold or --far, not both") }
    }

    var choice: GalleryThreshold {
        if let threshold { return .value(threshold) }
        if let far { return .falseAcceptRate(far) }
        return .calibrated
    }
}

func parseEmbedding(_ text: String) throws -> [Float] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    return try parts.enumerated().map { i, part in
        guard let value = Float(part) else { throw ValidationError("--embedding: component \(i) '\(part)' is not a number") }
        return value
    }
}

/// Writes one line to standard output at once (unbuffered), so a reader sees it even if the process is killed next.
func emitLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

struct GalleryEnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll", abstract: "Enroll an identity from images or embeddings (or many, from a JSON-lines batch).",
        discussion: """
            Each enroll is atomic. With --batch FILE (or - for standard input), every line is one enroll, \
            {"name": …, "metadata": {…}, "images": [paths], "embeddings": [[numbers]]}, and one JSON line is printed \
            as soon as each is committed.
            """)

    @Argument(help: "Identity name (omit with --batch).") var name: String?
    @Argument(help: "Reference images.") var images: [String] = []
    @Option(help: "A precomputed reference embedding (comma-separated); repeatable.") var embedding: [String] = []
    @Option(help: "Metadata as key=value; repeatable (replaces the identity's metadata).") var metadata: [String] = []
    @Option(help: "JSON-lines file of enrolls, or - for standard input.") var batch: String?
    @OptionGroup var gallery: GalleryOptions

    func validate() throws {
        if batch != nil, name != nil { throw ValidationError("give a name or --batch, not both") }
        if batch == nil, name == nil { throw ValidationError("give the identity's name (or --batch FILE)") }
        if batch == nil, images.isEmpty, embedding.isEmpty { throw ValidationError("give reference images or --embedding") }
    }

    func run() async throws { try await reportingPlainlyAsync(execute) }

    private func execute() async throws {
        let opened = try await gallery.open()
        if let batch { return try await enrollBatch(batch, into: opened) }
        var pairs: [String: String] = [:]
        for item in metadata {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else { throw ValidationError("--metadata '\(item)': expected key=value") }
            pairs[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        let sources = images.map { EmbeddingSource.imageFile(URL(fileURLWithPath: $0)) } + (try embedding.map { .embedding(try parseEmbedding($0)) })
        let receipt = try await opened.enroll(name!, metadata: metadata.isEmpty ? nil : pairs, from: sources)
        if gallery.json {
            emitLine(try jsonLine(receipt))
        } else {
            print("enrolled \(receipt.identity.name): \(receipt.referenceIDs.count) reference(s) added, \(receipt.identity.referenceCount) in all"
                  + (receipt.created ? " (new identity)" : ""))
        }
    }

    /// One line of a batch file.
    struct BatchLine: Decodable {
        var name: String
        var metadata: [String: String]?
        var images: [String]?
        var embeddings: [[Float]]?
    }

    private func enrollBatch(_ path: String, into gallery: Gallery) async throws {
        var fileLines: IndexingIterator<[Substring]>?
        if path != "-" {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--batch: cannot read \(path)") }
            fileLines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        }
        var number = 0
        while let line = fileLines != nil ? fileLines!.next().map(String.init) : readLine() {
            number += 1
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let item: BatchLine
            do { item = try JSONDecoder().decode(BatchLine.self, from: Data(line.utf8)) } catch {
                throw ValidationError("\(path), line \(number): not an enroll object (\(error))")
            }
            let sources = (item.images ?? []).map { EmbeddingSource.imageFile(URL(fileURLWithPath: $0)) } + (item.embeddings ?? []).map { .embedding($0) }
            let receipt = try await gallery.enroll(item.name, metadata: item.metadata, from: sources)
            emitLine(try jsonLine(receipt))
        }
    }
}

struct GalleryRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an identity and its references.")
    @Argument(help: "Identity name.") var name: String
    @OptionGroup var gallery: GalleryOptions

    func run() async throws {
        try await reportingPlainlyAsync {
            let removed = try await gallery.open().remove(name)
            if gallery.json { emitLine(try jsonLine(removed)) } else { print("removed \(removed.name) (\(removed.referenceCount) reference(s))") }
        }
    }
}

struct GalleryListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the enrolled identities.")
    @OptionGroup var gallery: GalleryOptions

    func run() async throws {
        try await reportingPlainlyAsync {
            let identities = try await gallery.open().list()
            if gallery.json { return emitLine(try jsonLine(identities)) }
            for identity in identities {
                let meta = identity.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print("\(identity.name)\t\(identity.referenceCount) reference(s)\(meta.isEmpty ? "" : "\t" + meta)")
            }
            if identities.isEmpty { status("the gallery is empty") }
        }
    }
}

struct GalleryVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "1:1: is the probe this identity?")
    @Argument(help: "Identity name.") var name: String
    @OptionGroup var probe: ProbeOptions
    @Option(help: "How reference scores combine: best or mean.") var aggregation: ScoreAggregation = .best
    @OptionGroup var threshold: ThresholdOptions
    @OptionGroup var gallery: GalleryOptions

    func run() async throws {
        try await reportingPlainlyAsync {
            let result = try await gallery.open().verify(try probe.source(), against: name, aggregation: aggregation, threshold: threshold.choice)
            if gallery.json { return emitLine(try jsonLine(result)) }
            print(String(format: "%@: %@ (%@ score %.4f, threshold %.4f, %@)", name, result.accepted ? "accepted" : "rejected",
                         result.aggregation.rawValue, result.score, result.threshold.value, result.threshold.rule))
        }
    }
}

extension ScoreAggregation: ExpressibleByArgument {}

struct GalleryIdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "identify", abstract: "1:N: who in the gallery is the probe?")
    @OptionGroup var probe: ProbeOptions
    @Option(name: .customShort("k"), help: "Candidates to list.") var k = 5
    @OptionGroup var threshold: ThresholdOptions
    @OptionGroup var gallery: GalleryOptions

    func run() async throws {
        try await reportingPlainlyAsync {
            let result = try await gallery.open().identify(try probe.source(), k: k, threshold: threshold.choice)
            if gallery.json { return emitLine(try jsonLine(result)) }
            print(result.match.map { "match: \($0.identity)" } ?? "no match (threshold \(result.threshold.value), \(result.threshold.rule))")
            for c in result.candidates { print(String(format: "  %@\t%.4f%@", c.identity, c.score, c.accepted ? "\taccepted" : "")) }
        }
    }
}

struct GallerySearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "The closest reference embeddings to the probe.")
    @OptionGroup var probe: ProbeOptions
    @Option(name: .customShort("k"), help: "References to list.") var k = 10
    @OptionGroup var gallery: GalleryOptions

    func run() async throws {
        try await reportingPlainlyAsync {
            let hits = try await gallery.open().search(try probe.source(), k: k)
            if gallery.json { return emitLine(try jsonLine(hits)) }
            for h in hits { print(String(format: "%@\t%.4f\t%@", h.identity, h.score, h.source ?? "-")) }
        }
    }
}
