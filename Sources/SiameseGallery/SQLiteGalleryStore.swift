import Foundation
import GRDB

/// A ``GalleryStore`` in one SQLite file, through GRDB (a `DatabasePool` in WAL mode).
///
/// Tables (prefixed `gallery_`): `meta` (format, version, the model's content hash and dimension), `identity`
/// (name, metadata as JSON, last-change generation), `reference` (the embedding as little-endian Float32 bytes, its
/// source, the generation that added it; deleted with its identity) and `change` (the change log: one row per enroll
/// or removal, whose autoincrement key is the generation). Each enroll and removal is one `BEGIN IMMEDIATE`
/// transaction, and `synchronous = FULL` makes every acknowledged commit durable, even across a power loss.
/// Several processes may open the same file; writers wait up to ``busyTimeout`` for each other.
///
/// ```swift
/// let store = try SQLiteGalleryStore(path: "faces.sqlite")
/// let gallery = try await Gallery(store: store, modelFolder: URL(fileURLWithPath: "runs/faces/model"))
/// ```
public final class SQLiteGalleryStore: GalleryStore {
    /// The format this library writes (`gallery_meta.formatVersion`) and the newest it reads.
    public static let formatVersion = 1
    /// How long a writer waits for another connection's transaction before failing (seconds).
    public static let busyTimeout: TimeInterval = 30

    public let location: String
    private let pool: DatabasePool

    /// Opens (or creates) the gallery database at `path`.
    ///
    /// - Throws: ``GalleryError/corruptStore(path:reason:)`` for a damaged or non-SQLite file,
    ///   ``GalleryError/notAGallery(path:reason:)`` for another application's database or a newer format,
    ///   ``GalleryError/storage(path:reason:)`` otherwise.
    public init(path: String) throws {
        location = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in try Self.prepareSchema(db, path: path) }
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    // MARK: Schema

    private static func prepareSchema(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if tables.contains("gallery_meta") {
            let format = try String.fetchOne(db, sql: "SELECT value FROM gallery_meta WHERE key = 'format'")
            guard format == "siamesekit-gallery" else { throw GalleryError.notAGallery(path: path, reason: "gallery_meta has no format 'siamesekit-gallery'") }
            let version = try String.fetchOne(db, sql: "SELECT value FROM gallery_meta WHERE key = 'formatVersion'").flatMap(Int.init) ?? -1
            guard (1...formatVersion).contains(version) else {
                throw GalleryError.notAGallery(path: path, reason: "format version \(version); this library reads up to \(formatVersion)")
            }
            for table in ["gallery_identity", "gallery_reference", "gallery_change"] where !tables.contains(table) {
                throw GalleryError.corruptStore(path: path, reason: "table \(table) is missing")
            }
            return
        }
        guard tables.isEmpty else {
            throw GalleryError.notAGallery(path: path, reason: "it holds other tables (\(tables.sorted().prefix(5).joined(separator: ", ")))")
        }
        try db.execute(sql: """
            CREATE TABLE gallery_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE gallery_change (generation INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, identity_id INTEGER NOT NULL);
            CREATE TABLE gallery_identity (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, metadata TEXT NOT NULL,
                                           generation INTEGER NOT NULL);
            CREATE TABLE gallery_reference (id INTEGER PRIMARY KEY AUTOINCREMENT,
                                            identity_id INTEGER NOT NULL REFERENCES gallery_identity(id) ON DELETE CASCADE,
                                            vector BLOB NOT NULL, source TEXT, generation INTEGER NOT NULL);
            CREATE INDEX gallery_reference_by_identity ON gallery_reference(identity_id);
            CREATE INDEX gallery_reference_by_generation ON gallery_reference(generation);
            CREATE INDEX gallery_identity_by_generation ON gallery_identity(generation);
            CREATE INDEX gallery_change_by_kind ON gallery_change(kind, generation);
            """)
        try db.execute(sql: "INSERT INTO gallery_meta (key, value) VALUES ('format', 'siamesekit-gallery'), ('formatVersion', ?)",
                       arguments: [String(formatVersion)])
    }

    // MARK: GalleryStore

    public func binding() async throws -> ModelBinding? {
        let path = location
        return try await reading { db in try Self.readBinding(db, path: path) }
    }

    public func bind(_ binding: ModelBinding) async throws {
        let path = location
        try await writing { db in try Self.checkOrRecord(binding, db, path: path) }
    }

    public func enroll(_ enrollment: Enrollment, binding: ModelBinding) async throws -> EnrollReceipt {
        try enrollment.validate(dimension: binding.dimension)
        let path = location
        return try await writing { db in
            try Self.checkOrRecord(binding, db, path: path)
            try db.execute(sql: "INSERT INTO gallery_change (kind, identity_id) VALUES ('enroll', 0)")
            let generation = db.lastInsertedRowID
            let existing = try Row.fetchOne(db, sql: "SELECT id FROM gallery_identity WHERE name = ?", arguments: [enrollment.name])
            let identityID: Int64
            if let existing {
                identityID = existing["id"]
                if let metadata = enrollment.metadata {
                    try db.execute(sql: "UPDATE gallery_identity SET generation = ?, metadata = ? WHERE id = ?",
                                   arguments: [generation, try Self.encode(metadata), identityID])
                } else {
                    try db.execute(sql: "UPDATE gallery_identity SET generation = ? WHERE id = ?", arguments: [generation, identityID])
                }
            } else {
                try db.execute(sql: "INSERT INTO gallery_identity (name, metadata, generation) VALUES (?, ?, ?)",
                               arguments: [enrollment.name, try Self.encode(enrollment.metadata ?? [:]), generation])
                identityID = db.lastInsertedRowID
            }
            try db.execute(sql: "UPDATE gallery_change SET identity_id = ? WHERE generation = ?", arguments: [identityID, generation])
            var referenceIDs: [Int64] = []
            for reference in enrollment.references {
                try db.execute(sql: "INSERT INTO gallery_reference (identity_id, vector, source, generation) VALUES (?, ?, ?, ?)",
                               arguments: [identityID, ReferenceVectorCoding.encode(reference.vector), reference.source, generation])
                referenceIDs.append(db.lastInsertedRowID)
            }
            guard let identity = try Self.fetchIdentities(db, path: path, filter: "WHERE i.id = ?", arguments: [identityID]).first else {
                throw GalleryError.storage(path: path, reason: "the enrolled identity vanished inside its transaction")
            }
            return EnrollReceipt(identity: identity, referenceIDs: referenceIDs, created: existing == nil, generation: generation)
        }
    }

    @discardableResult
    public func remove(name: String) async throws -> IdentitySummary {
        let path = location
        return try await writing { db in
            guard let identity = try Self.fetchIdentities(db, path: path, filter: "WHERE i.name = ?", arguments: [name]).first else {
                throw GalleryError.unknownIdentity(name)
            }
            try db.execute(sql: "INSERT INTO gallery_change (kind, identity_id) VALUES ('remove', ?)", arguments: [identity.id])
            try db.execute(sql: "DELETE FROM gallery_identity WHERE id = ?", arguments: [identity.id])
            return identity
        }
    }

    public func identities() async throws -> [IdentitySummary] {
        let path = location
        return try await reading { db in try Self.fetchIdentities(db, path: path, filter: "", arguments: []) }
    }

    public func identity(named name: String) async throws -> IdentitySummary? {
        let path = location
        return try await reading { db in try Self.fetchIdentities(db, path: path, filter: "WHERE i.name = ?", arguments: [name]).first }
    }

    public func references(of name: String) async throws -> [StoredReference] {
        let path = location
        return try await reading { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM gallery_identity WHERE name = ?", arguments: [name]) else {
                throw GalleryError.unknownIdentity(name)
            }
            let dimension = try Self.readBinding(db, path: path)?.dimension
            return try Self.fetchReferences(db, path: path, dimension: dimension, filter: "WHERE identity_id = ?", arguments: [id])
        }
    }

    public func generation() async throws -> Int64 {
        try await reading { db in try Self.currentGeneration(db) }
    }

    public func changes(since generation: Int64) async throws -> GalleryChanges {
        let path = location
        return try await reading { db in
            let current = try Self.currentGeneration(db)
            let dimension = try Self.readBinding(db, path: path)?.dimension
            let identities = try Self.fetchIdentities(db, path: path, filter: "WHERE i.generation > ?", arguments: [generation])
            let references = try Self.fetchReferences(db, path: path, dimension: dimension, filter: "WHERE generation > ?", arguments: [generation])
            let removed = try Int64.fetchAll(db, sql: "SELECT identity_id FROM gallery_change WHERE kind = 'remove' AND generation > ? ORDER BY generation",
                                             arguments: [generation])
            return GalleryChanges(generation: current, identities: identities, addedReferences: references, removedIdentityIDs: removed)
        }
    }

    // MARK: Helpers

    private func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch { throw Self.mapped(error, path: location) }
    }

    /// `body` in one `BEGIN IMMEDIATE` transaction (committed when it returns, rolled back when it throws).
    private func writing<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.mapped(error, path: location)
        }
    }

    private static func currentGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(generation) FROM gallery_change") ?? 0
    }

    private static func readBinding(_ db: Database, path: String) throws -> ModelBinding? {
        let hash = try String.fetchOne(db, sql: "SELECT value FROM gallery_meta WHERE key = 'modelContentHash'")
        let dimensionText = try String.fetchOne(db, sql: "SELECT value FROM gallery_meta WHERE key = 'dimension'")
        guard let hash, let dimensionText else { return nil }
        guard let dimension = Int(dimensionText), dimension >= 1 else {
            throw GalleryError.corruptStore(path: path, reason: "gallery_meta.dimension is '\(dimensionText)'")
        }
        return ModelBinding(contentHash: hash, dimension: dimension)
    }

    private static func checkOrRecord(_ binding: ModelBinding, _ db: Database, path: String) throws {
        if let recorded = try readBinding(db, path: path) {
            guard recorded == binding else {
                throw GalleryError.modelMismatch(store: path, storeModel: recorded.contentHash, storeDimension: recorded.dimension,
                                                 model: binding.contentHash, modelDimension: binding.dimension)
            }
            return
        }
        try db.execute(sql: "INSERT INTO gallery_meta (key, value) VALUES ('modelContentHash', ?), ('dimension', ?)",
                       arguments: [binding.contentHash, String(binding.dimension)])
    }

    private static func fetchIdentities(_ db: Database, path: String, filter: String, arguments: StatementArguments) throws -> [IdentitySummary] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT i.id, i.name, i.metadata, i.generation,
                   (SELECT COUNT(*) FROM gallery_reference r WHERE r.identity_id = i.id) AS referenceCount
            FROM gallery_identity i \(filter) ORDER BY i.name
            """, arguments: arguments)
        return try rows.map { row in
            let name: String = row["name"]
            let json: String = row["metadata"]
            guard let metadata = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
                throw GalleryError.corruptStore(path: path, reason: "identity '\(name)' has metadata that is not a JSON object of strings")
            }
            return IdentitySummary(id: row["id"], name: name, metadata: metadata, referenceCount: row["referenceCount"], generation: row["generation"])
        }
    }

    private static func fetchReferences(_ db: Database, path: String, dimension: Int?, filter: String, arguments: StatementArguments) throws -> [StoredReference] {
        try Row.fetchAll(db, sql: "SELECT id, identity_id, vector, source FROM gallery_reference \(filter) ORDER BY id", arguments: arguments).map { row in
            let id: Int64 = row["id"]
            let blob: Data = row["vector"]
            guard let vector = ReferenceVectorCoding.decode(blob, dimension: dimension) else {
                throw GalleryError.corruptStore(path: path, reason: "reference \(id) holds \(blob.count) bytes, not \(dimension ?? 0) Float32 values")
            }
            return StoredReference(id: id, identityID: row["identity_id"], vector: vector, source: row["source"])
        }
    }

    private static func encode(_ metadata: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metadata), as: UTF8.self)
    }

    /// Library errors pass through; SQLite's are mapped to ``GalleryError`` naming the file.
    static func mapped(_ error: Error, path: String) -> Error {
        if error is GalleryError { return error }
        if let db = error as? DatabaseError {
            let primary = db.resultCode.primaryResultCode
            if primary == .SQLITE_NOTADB || primary == .SQLITE_CORRUPT {
                return GalleryError.corruptStore(path: path, reason: db.message ?? "\(db.resultCode)")
            }
            return GalleryError.storage(path: path, reason: db.message ?? "\(db)")
        }
        return error
    }
}
