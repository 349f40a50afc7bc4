import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import SiameseCore
import SiameseGallery
import SiameseTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Names acknowledged by the server (a 200 or 201 answer with the receipt), shared by the client tasks.
private final class Acknowledged: Sendable {
    let names = Mutex<Set<String>>([])
    var count: Int { names.withLock { $0.count } }
    func insert(_ name: String) { _ = names.withLock { $0.insert(name) } }
}

/// `kill -9` of `siamese serve --gallery FILE.sqlite` in the middle of a stream of enrolls over HTTP, repeated:
/// every enroll the server acknowledged is stored with all its references, and no identity is ever half-written.
@Suite(.serialized) struct ServeKillTests {
    @Test func killNineDuringHTTPEnrollsLosesNothingAcknowledged() async throws {
        let folder = try temporaryFolder("serve-kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try makeModelFolder(in: folder)
        let database = folder.appendingPathComponent("g.sqlite")
        let perIdentity = 3, clients = 4, rounds = 6
        let acknowledged = Acknowledged()
        var generator = SeededGenerator(seed: 77)
        for round in 0..<rounds {
            let server = try ServeProcess(["--model", model.path, "--gallery", database.path], in: folder)
            let port = server.port
            let before = acknowledged.count
            // Kill after a random number of acknowledgements (at least one per round), plus a random delay under one enroll.
            let target = before + Int.random(in: 1...40, using: &generator)
            let extraMicroseconds = UInt32.random(in: 0...20_000, using: &generator)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        let client = TestClient(host: "127.0.0.1", port: port)
                        client.connect()
                        try await Self.enrollStream(client, round: round, client: c, perIdentity: perIdentity, acknowledged: acknowledged)
                        try? await client.shutdown()
                    }
                }
                var waited = 0
                while acknowledged.count < target, server.process.isRunning, waited < 120_000 {
                    try await Task.sleep(for: .milliseconds(5))
                    waited += 5
                }
                usleep(extraMicroseconds)
                #expect(server.process.isRunning, "round \(round): the server stopped before it was killed: \(server.output)")
                server.stop(SIGKILL)
                try await group.waitForAll()
            }
            #expect(server.process.terminationReason == .uncaughtSignal)
            #expect(acknowledged.count > before, "round \(round): nothing was acknowledged")
        }
        let names = acknowledged.names.withLock { $0 }
        print("serve kill -9 test: \(rounds) kills, \(names.count) acknowledged enrolls over HTTP")

        let store = try SQLiteGalleryStore(path: database.path)
        let identities = try await store.identities()
        let stored = Set(identities.map(\.name))
        for name in names { #expect(stored.contains(name), "acknowledged enroll \(name) is missing") }
        for identity in identities {
            #expect(identity.referenceCount == perIdentity, "\(identity.name) has \(identity.referenceCount) references")
            let vectors = try await store.references(of: identity.name).map(\.vector)
            #expect(vectors == Self.vectors(identity.name, count: perIdentity), "\(identity.name)'s references differ from what was enrolled")
        }
        let check = try await DatabaseQueue(path: database.path).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        // A server started once more answers with the same identities.
        let server = try ServeProcess(["--model", model.path, "--gallery", database.path], in: folder)
        defer { server.stop() }
        let listed = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { client in
            let response = try await client.get("/gallery/identities")
            return try JSONDecoder().decode([String: [IdentitySummary]].self, from: Data(response.body!.readableBytesView))
        }
        #expect(Set(listed["identities"]?.map(\.name) ?? []) == stored)
    }

    /// Enrolls `r{round}-c{client}-{i}`, i = 0, 1, …, one at a time, until the connection fails (the server was killed).
    private static func enrollStream(_ client: TestClient, round: Int, client c: Int, perIdentity: Int, acknowledged: Acknowledged) async throws {
        for i in 0..<100_000 {
            let name = "r\(round)-c\(c)-\(i)"
            let body = try JSONSerialization.data(withJSONObject: [
                "name": name, "metadata": ["round": "\(round)"],
                "inputs": Self.vectors(name, count: perIdentity).map { ["embedding": $0] },
            ])
            // After the kill the connection fails: this client's stream ends.
            guard let response = try? await client.post("/gallery/identities", headers: [.contentType: "application/json"],
                                                         body: ByteBuffer(bytes: body)) else { return }
            guard response.status == .created, let data = response.body.map({ Data($0.readableBytesView) }),
                  let receipt = try? JSONDecoder().decode(EnrollReceipt.self, from: data), receipt.identity.name == name else {
                Issue.record("round \(round): enroll \(name) answered \(response.status)")
                return
            }
            acknowledged.insert(name)
        }
    }

    /// The reference vectors of an identity, a function of its name (so the check needs no record of what was sent).
    static func vectors(_ name: String, count: Int) -> [[Float]] {
        let seed = name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        return randomVectors(count, dimension: 6, seed: seed)
    }
}
