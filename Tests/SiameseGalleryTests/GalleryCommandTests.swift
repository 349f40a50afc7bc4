import Foundation
import GRDB
import Testing
import SiameseCore
@testable import SiameseGallery
#if canImport(Glibc)
import Glibc
#endif

/// The built `siamese` program (the test target depends on it, so it sits beside the test bundle).
func siameseBinary() throws -> URL {
    let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [buildDirectory, buildDirectory.deletingLastPathComponent()].map { $0.appendingPathComponent("siamese") }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates[0].path])
    }
    return binary
}

/// Runs `siamese` to completion in `directory`.
func runSiamese(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = try siameseBinary()
    process.currentDirectoryURL = directory
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite(.serialized) struct GalleryCommandTests {
    @Test func enrollListIdentifyVerifySearchRemoveThroughTheCLI() throws {
        let folder = try temporaryFolder("gallery-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try makeModelFolder(in: folder)
        let common = ["--gallery", folder.appendingPathComponent("g.sqlite").path, "--model", model.path, "--json"]
        let images = try (0..<3).map { i -> String in
            let url = folder.appendingPathComponent("p\(i).pgm")
            try writePGM(to: url, seed: UInt64(40 + i))
            return url.path
        }
        var r = try runSiamese(["gallery", "enroll", "ada", images[0], images[1], "--metadata", "team=blue"] + common, in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        let receipt = try JSONDecoder().decode(EnrollReceipt.self, from: Data(r.stdout.utf8))
        #expect(receipt.created && receipt.identity.referenceCount == 2 && receipt.identity.metadata == ["team": "blue"])
        r = try runSiamese(["gallery", "enroll", "bob", "--embedding", "1,1,1,1,1,1"] + common, in: folder)
        #expect(r.status == 0, "\(r.stderr)")

        r = try runSiamese(["gallery", "list"] + common, in: folder)
        let listed = try JSONDecoder().decode([IdentitySummary].self, from: Data(r.stdout.utf8))
        #expect(listed.map(\.name) == ["ada", "bob"] && listed.map(\.referenceCount) == [2, 1])

        r = try runSiamese(["gallery", "identify", images[1], "-k", "2", "--threshold", "0.001"] + common, in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        let identification = try JSONDecoder().decode(Identification.self, from: Data(r.stdout.utf8))
        #expect(identification.match?.identity == "ada" && identification.candidates.map(\.identity) == ["ada", "bob"])

        r = try runSiamese(["gallery", "verify", "bob", "--embedding", "1,1,1,1,1,1.1", "--far", "0.01"] + common, in: folder)
        let verification = try JSONDecoder().decode(Verification.self, from: Data(r.stdout.utf8))
        #expect(verification.accepted && abs(verification.score - 0.1) < 1e-5 && verification.threshold.value == 0.3)

        r = try runSiamese(["gallery", "search", "--embedding", "1,1,1,1,1,1", "-k", "3"] + common, in: folder)
        let hits = try JSONDecoder().decode([ReferenceHit].self, from: Data(r.stdout.utf8))
        #expect(hits.count == 3 && hits[0].identity == "bob" && hits[0].score == 0)

        r = try runSiamese(["gallery", "remove", "ada"] + common, in: folder)
        #expect(r.status == 0)
        r = try runSiamese(["gallery", "remove", "ada"] + common, in: folder)
        #expect(r.status != 0 && r.stderr.contains("no identity named 'ada'"))
        r = try runSiamese(["gallery", "verify", "bob", "--embedding", "1,2"] + common, in: folder)
        #expect(r.status != 0 && r.stderr.contains("6-dimensional"), "\(r.stderr)")

        // Another model is refused, naming both hashes.
        let other = try makeModelFolder(in: folder, name: "other", seed: 99)
        r = try runSiamese(["gallery", "list", "--gallery", folder.appendingPathComponent("g.sqlite").path, "--model", other.path], in: folder)
        #expect(r.status != 0 && r.stderr.contains("refusing to mix"), "\(r.stderr)")
        // A damaged gallery file is named.
        let junk = folder.appendingPathComponent("junk.sqlite")
        try Data(repeating: 0x5A, count: 4096).write(to: junk)
        r = try runSiamese(["gallery", "list", "--gallery", junk.path, "--model", model.path], in: folder)
        #expect(r.status != 0 && r.stderr.contains(junk.path) && r.stderr.contains("damaged"), "\(r.stderr)")
    }

    /// `kill -9` of a process in the middle of a stream of enrolls, several times: every enroll it acknowledged is
    /// stored, with all its references, and no identity is ever half-written.
    @Test func killNineLosesNoAcknowledgedEnrollAndLeavesNoHalfIdentity() async throws {
        let folder = try temporaryFolder("gallery-kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try makeModelFolder(in: folder)
        let database = folder.appendingPathComponent("g.sqlite")
        let perIdentity = 3
        var expected: [String: [[Float]]] = [:]
        var acknowledged: Set<String> = []
        var generator = SeededGenerator(seed: 2024)
        let rounds = 6
        for round in 0..<rounds {
            // A batch far longer than the child gets through before it is killed.
            var lines: [String] = []
            for i in 0..<4000 {
                let name = "r\(round)-\(i)"
                let vectors = randomVectors(perIdentity, dimension: 6, seed: UInt64(round * 100_000 + i))
                expected[name] = vectors
                let json = try JSONSerialization.data(withJSONObject: ["name": name, "metadata": ["round": "\(round)"], "embeddings": vectors])
                lines.append(String(decoding: json, as: UTF8.self))
            }
            let batch = folder.appendingPathComponent("batch-\(round).jsonl")
            try lines.joined(separator: "\n").write(to: batch, atomically: true, encoding: .utf8)
            let acks = folder.appendingPathComponent("acks-\(round).txt")
            FileManager.default.createFile(atPath: acks.path, contents: nil)
            let process = Process()
            process.executableURL = try siameseBinary()
            process.currentDirectoryURL = folder
            process.arguments = ["gallery", "enroll", "--batch", batch.path, "--gallery", database.path, "--model", model.path]
            let output = try FileHandle(forWritingTo: acks)
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill at a random moment: after a random number of acknowledgements, plus a random sub-enroll delay.
            let target = Int.random(in: 1...40, using: &generator)
            let extraMicroseconds = UInt32.random(in: 0...20_000, using: &generator)
            var waited = 0
            while process.isRunning, waited < 120_000 {
                let count = (try? String(contentsOf: acks, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if count >= target { break }
                usleep(5_000)
                waited += 5
            }
            usleep(extraMicroseconds)
            #expect(process.isRunning, "round \(round): the child stopped before it was killed")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try output.close()
            #expect(process.terminationReason == .uncaughtSignal)
            // Only complete lines count as acknowledgements (the last one may be cut by the kill).
            let text = try String(contentsOf: acks, encoding: .utf8)
            var complete = text.split(separator: "\n", omittingEmptySubsequences: false)
            complete.removeLast()
            for line in complete {
                let receipt = try JSONDecoder().decode(EnrollReceipt.self, from: Data(line.utf8))
                acknowledged.insert(receipt.identity.name)
            }
        }
        #expect(acknowledged.count >= rounds)
        print("kill -9 test: \(rounds) kills, \(acknowledged.count) acknowledged enrolls")

        let store = try SQLiteGalleryStore(path: database.path)
        let identities = try await store.identities()
        let stored = Dictionary(uniqueKeysWithValues: identities.map { ($0.name, $0) })
        for name in acknowledged { #expect(stored[name] != nil, "acknowledged enroll \(name) is missing") }
        for identity in identities {
            #expect(identity.referenceCount == perIdentity, "\(identity.name) has \(identity.referenceCount) references")
            let vectors = try await store.references(of: identity.name).map(\.vector)
            #expect(vectors == expected[identity.name], "\(identity.name)'s references differ from what was enrolled")
        }
        let check = try await DatabaseQueue(path: database.path).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        // The survivors are searchable.
        let gallery = try await openGallery(database, model: model)
        let some = try #require(acknowledged.sorted().first)
        #expect(try await gallery.identify(.embedding(expected[some]![0]), k: 1, threshold: .value(1e-4)).match?.identity == some)
    }
}
