import Foundation
import GRDB
import Testing
@testable import SiameseGallery

@Suite struct SQLiteGalleryStoreTests {
    let binding = ModelBinding(contentHash: String(repeating: "a", count: 64), dimension: 4)

    private func enrollment(_ name: String, count: Int = 3, seed: UInt64 = 1, metadata: [String: String]? = ["k": "v"]) -> Enrollment {
        Enrollment(name: name, metadata: metadata,
                   references: randomVectors(count, dimension: 4, seed: seed).enumerated().map { NewReference(vector: $1, source: "\(name)-\($0).png") })
    }

    @Test func enrollListAndReopenRoundTripBitExactly() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("g.sqlite").path
        let store = try SQLiteGalleryStore(path: path)
        #expect(try await store.binding() == nil)
        let ada = enrollment("ada", seed: 1), bob = enrollment("bob", count: 2, seed: 2, metadata: nil)
        let r1 = try await store.enroll(ada, binding: binding)
        let r2 = try await store.enroll(bob, binding: binding)
        #expect(r1.created && r2.created && r1.referenceIDs.count == 3 && r2.generation > r1.generation)
        // Adding to an existing identity keeps its metadata unless new metadata is given.
        let r3 = try await store.enroll(Enrollment(name: "ada", references: [NewReference(vector: [0, 1, 2, 3])]), binding: binding)
        #expect(!r3.created && r3.identity.referenceCount == 4 && r3.identity.metadata == ["k": "v"] && r3.identity.id == r1.identity.id)

        let reopened = try SQLiteGalleryStore(path: path)
        #expect(try await reopened.binding() == binding)
        let listed = try await reopened.identities()
        #expect(listed.map(\.name) == ["ada", "bob"] && listed.map(\.referenceCount) == [4, 2])
        #expect(listed[1].metadata == [:])
        let refs = try await reopened.references(of: "ada")
        #expect(refs.map(\.vector) == ada.references.map(\.vector) + [[0, 1, 2, 3]])
        #expect(refs.map(\.source) == ["ada-0.png", "ada-1.png", "ada-2.png", nil])
        #expect(try await reopened.generation() == r3.generation)
    }

    @Test func changeLogReportsOnlyWhatChangedAfterAGeneration() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteGalleryStore(path: folder.appendingPathComponent("g.sqlite").path)
        #expect(try await store.generation() == 0)
        let a = try await store.enroll(enrollment("a", seed: 1), binding: binding)
        let g1 = try await store.generation()
        let b = try await store.enroll(enrollment("b", seed: 2), binding: binding)
        let removed = try await store.remove(name: "a")
        #expect(removed.id == a.identity.id && removed.referenceCount == 3)
        let changes = try await store.changes(since: g1)
        #expect(changes.generation > b.generation)
        #expect(changes.identities.map(\.name) == ["b"])
        #expect(changes.addedReferences.map(\.id) == b.referenceIDs)
        #expect(changes.removedIdentityIDs == [a.identity.id])
        let all = try await store.snapshot()
        #expect(all.identities.map(\.name) == ["b"] && all.addedReferences.count == 3)
        #expect(try await store.changes(since: changes.generation) == GalleryChanges(generation: changes.generation, identities: [], addedReferences: [], removedIdentityIDs: []))
    }

    @Test func anotherModelIsRefused() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteGalleryStore(path: folder.appendingPathComponent("g.sqlite").path)
        try await store.bind(binding)
        try await store.bind(binding)
        let other = ModelBinding(contentHash: String(repeating: "b", count: 64), dimension: 4)
        await #expect(throws: GalleryError.self) { try await store.bind(other) }
        do {
            _ = try await store.enroll(enrollment("x"), binding: other)
            Issue.record("enroll with another model succeeded")
        } catch let error as GalleryError {
            guard case let .modelMismatch(_, storeModel, _, model, _) = error else { Issue.record("\(error)"); return }
            #expect(storeModel == binding.contentHash && model == other.contentHash)
        }
        await #expect(throws: GalleryError.modelMismatch(store: store.location, storeModel: binding.contentHash, storeDimension: 4,
                                                         model: binding.contentHash, modelDimension: 5)) {
            try await store.bind(ModelBinding(contentHash: binding.contentHash, dimension: 5))
        }
        #expect(try await store.identities().isEmpty)
    }

    /// A failure in the middle of an enroll's transaction (injected by a trigger after two of three references are
    /// written) leaves nothing behind: no identity, no reference, no change-log entry.
    @Test func aFailedEnrollLeavesNothing() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("g.sqlite").path
        let store = try SQLiteGalleryStore(path: path)
        _ = try await store.enroll(enrollment("kept", seed: 9), binding: binding)
        let before = try await store.generation()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_third BEFORE INSERT ON gallery_reference
                WHEN (SELECT COUNT(*) FROM gallery_reference WHERE identity_id = NEW.identity_id) >= 2
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        await #expect(throws: GalleryError.self) { try await store.enroll(enrollment("half", count: 3, seed: 3), binding: binding) }
        #expect(try await store.identity(named: "half") == nil)
        #expect(try await store.identities().map(\.name) == ["kept"])
        #expect(try await store.generation() == before)
        let orphans = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gallery_reference")! }
        #expect(orphans == 3)
        // Validation failures never reach the database either.
        var bad = enrollment("nan", seed: 4)
        bad.references[1].vector[2] = .nan
        await #expect(throws: GalleryError.nonFiniteEmbedding(index: 1, component: 2)) { try await store.enroll(bad, binding: binding) }
        await #expect(throws: GalleryError.dimensionMismatch(expected: 4, actual: 3, context: "enroll 'short', reference 0")) {
            try await store.enroll(Enrollment(name: "short", references: [NewReference(vector: [1, 2, 3])]), binding: binding)
        }
        await #expect(throws: GalleryError.invalidName("")) { try await store.enroll(Enrollment(name: "", references: [NewReference(vector: [1, 2, 3, 4])]), binding: binding) }
        #expect(try await store.generation() == before)
    }

    @Test func removingAnUnknownIdentityIsATypedError() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteGalleryStore(path: folder.appendingPathComponent("g.sqlite").path)
        await #expect(throws: GalleryError.unknownIdentity("ghost")) { try await store.remove(name: "ghost") }
        await #expect(throws: GalleryError.unknownIdentity("ghost")) { try await store.references(of: "ghost") }
    }

    @Test func aDamagedFileOrAnotherDatabaseIsRefused() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("garbage.sqlite")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: garbage)
        #expect {
            _ = try SQLiteGalleryStore(path: garbage.path)
        } throws: { error in
            if case .corruptStore(let path, _) = error as? GalleryError { return path == garbage.path }
            return false
        }
        let foreign = folder.appendingPathComponent("foreign.sqlite")
        try await DatabaseQueue(path: foreign.path).write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
        #expect {
            _ = try SQLiteGalleryStore(path: foreign.path)
        } throws: { error in
            if case .notAGallery(let path, let reason) = error as? GalleryError { return path == foreign.path && reason.contains("invoices") }
            return false
        }
        // A gallery whose reference bytes were damaged names the reference.
        let damaged = folder.appendingPathComponent("damaged.sqlite")
        let store = try SQLiteGalleryStore(path: damaged.path)
        let receipt = try await store.enroll(enrollment("ada"), binding: binding)
        try await DatabaseQueue(path: damaged.path).write { db in
            try db.execute(sql: "UPDATE gallery_reference SET vector = x'0102' WHERE id = ?", arguments: [receipt.referenceIDs[0]])
        }
        await #expect {
            _ = try await store.references(of: "ada")
        } throws: { error in
            if case .corruptStore(_, let reason) = error as? GalleryError { return reason.contains("reference \(receipt.referenceIDs[0])") }
            return false
        }
    }

    @Test func vectorsAreStoredAsLittleEndianFloat32() {
        let values: [Float] = [0, -1.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 3.25]
        let data = ReferenceVectorCoding.encode(values)
        #expect(data.count == 20 && Array(data[4..<8]) == [0x00, 0x00, 0xC0, 0xBF])
        #expect(ReferenceVectorCoding.decode(data) == values && ReferenceVectorCoding.decode(data, dimension: 4) == nil && ReferenceVectorCoding.decode(Data([1, 2])) == nil)
    }
}
