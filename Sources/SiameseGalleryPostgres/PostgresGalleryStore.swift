import Foundation
import PostgresNIO
import SiameseGallery

/// A ``GalleryStore`` on a PostgreSQL database (postgres-nio), so that several processes or servers share one
/// gallery. The same tables as ``SQLiteGalleryStore`` (prefixed `gallery_`), plus `gallery_counter`, a one-row table
/// whose value numbers the changes: each enroll or removal increments it inside its transaction, so the row lock
/// orders changes by commit and a reader that sees generation `g` sees every change up to `g`. Readers use one
/// `REPEATABLE READ` transaction per call, so ``changes(since:)`` is a consistent snapshot.
///
/// ```swift
/// let store = try await PostgresGalleryStore(configuration: .init(host: "localhost", username: "siamese",
///                                                                 password: nil, database: "gallery", tls: .disable))
/// let gallery = try await Gallery(store: store, model: model)
/// ```
/// Call ``close()`` when done (it stops the connection pool).
public final class PostgresGalleryStore: GalleryStore {
    public let location: String
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects and creates the tables when missing (several processes may do so at once: an advisory lock orders them).
    ///
    /// - Throws: ``GalleryError/storage(path:reason:)`` when the server cannot be reached or the schema cannot be made,
    ///   ``GalleryError/notAGallery(path:reason:)`` for a newer format.
    public init(configuration: PostgresClient.Configuration, location: String? = nil, logger: Logger = Logger(label: "siamese.gallery.postgres")) async throws {
        self.location = location ?? "postgresql://\(configuration.host ?? configuration.unixSocketPath ?? "?")/\(configuration.database ?? "")"
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await prepareSchema()
        } catch {
            runner.cancel()
            throw mapped(error)
        }
    }

    deinit { runner.cancel() }

    /// Stops the connection pool; the store is unusable afterwards.
    public func close() { runner.cancel() }

    private func prepareSchema() async throws {
        let location = self.location
        try await client.withTransaction(logger: logger) { db in
            try await db.query("SELECT pg_advisory_xact_lock(771562)", logger: logger)
            try await db.query("CREATE TABLE IF NOT EXISTS gallery_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", logger: logger)
            try await db.query("CREATE TABLE IF NOT EXISTS gallery_counter (id INT PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL)", logger: logger)
            try await db.query("INSERT INTO gallery_counter (id, generation) VALUES (1, 0) ON CONFLICT DO NOTHING", logger: logger)
            try await db.query("CREATE TABLE IF NOT EXISTS gallery_change (generation BIGINT PRIMARY KEY, kind TEXT NOT NULL, identity_id BIGINT NOT NULL)", logger: logger)
            try await db.query("""
                CREATE TABLE IF NOT EXISTS gallery_identity (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, metadata TEXT NOT NULL,
                                                             generation BIGINT NOT NULL)
                """, logger: logger)
            try await db.query("""
                CREATE TABLE IF NOT EXISTS gallery_reference (id BIGSERIAL PRIMARY KEY,
                    identity_id BIGINT NOT NULL REFERENCES gallery_identity(id) ON DELETE CASCADE,
                    vector BYTEA NOT NULL, source TEXT, generation BIGINT NOT NULL)
                """, logger: logger)
            try await db.query("CREATE INDEX IF NOT EXISTS gallery_reference_by_identity ON gallery_reference(identity_id)", logger: logger)
            try await db.query("CREATE INDEX IF NOT EXISTS gallery_reference_by_generation ON gallery_reference(generation)", logger: logger)
            try await db.query("CREATE INDEX IF NOT EXISTS gallery_identity_by_generation ON gallery_identity(generation)", logger: logger)
            try await db.query("INSERT INTO gallery_meta (key, value) VALUES ('format', 'siamesekit-gallery'), ('formatVersion', '1') ON CONFLICT DO NOTHING", logger: logger)
            var version = -1
            for try await value in try await db.query("SELECT value FROM gallery_meta WHERE key = 'formatVersion'", logger: logger).decode(String.self) {
                version = Int(value) ?? -1
            }
            guard version == 1 else { throw GalleryError.notAGallery(path: location, reason: "format version \(version); this library reads 1") }
        }
    }

    // MARK: GalleryStore

    public func binding() async throws -> ModelBinding? {
        try await reading { db in try await self.readBinding(db) }
    }

    public func bind(_ binding: ModelBinding) async throws {
        try await writing { db in try await self.checkOrRecord(binding, db) }
    }

    public func enroll(_ enrollment: Enrollment, binding: ModelBinding) async throws -> EnrollReceipt {
        try enrollment.validate(dimension: binding.dimension)
        return try await writing { db in
            try await self.checkOrRecord(binding, db)
            let generation = try await self.nextGeneration(db)
            var existing: Int64?
            for try await id in try await db.query("SELECT id FROM gallery_identity WHERE name = \(enrollment.name)", logger: self.logger).decode(Int64.self) {
                existing = id
            }
            let identityID: Int64
            if let existing {
                identityID = existing
                if let metadata = enrollment.metadata {
                    let json = try Self.encode(metadata)
                    try await db.query("UPDATE gallery_identity SET generation = \(generation), metadata = \(json) WHERE id = \(identityID)", logger: self.logger)
                } else {
                    try await db.query("UPDATE gallery_identity SET generation = \(generation) WHERE id = \(identityID)", logger: self.logger)
                }
            } else {
                let json = try Self.encode(enrollment.metadata ?? [:])
                var inserted: Int64 = 0
                for try await id in try await db.query("""
                    INSERT INTO gallery_identity (name, metadata, generation) VALUES (\(enrollment.name), \(json), \(generation)) RETURNING id
                    """, logger: self.logger).decode(Int64.self) { inserted = id }
                identityID = inserted
            }
            try await db.query("INSERT INTO gallery_change (generation, kind, identity_id) VALUES (\(generation), 'enroll', \(identityID))", logger: self.logger)
            var referenceIDs: [Int64] = []
            for reference in enrollment.references {
                let bytes = ReferenceVectorCoding.encode(reference.vector)
                for try await id in try await db.query("""
                    INSERT INTO gallery_reference (identity_id, vector, source, generation)
                    VALUES (\(identityID), \(bytes), \(reference.source), \(generation)) RETURNING id
                    """, logger: self.logger).decode(Int64.self) { referenceIDs.append(id) }
            }
            guard let identity = try await self.fetchIdentities(db, where: "i.id = $1", identityID).first else {
                throw GalleryError.storage(path: self.location, reason: "the enrolled identity vanished inside its transaction")
            }
            return EnrollReceipt(identity: identity, referenceIDs: referenceIDs, created: existing == nil, generation: generation)
        }
    }

    @discardableResult
    public func remove(name: String) async throws -> IdentitySummary {
        try await writing { db in
            guard let identity = try await self.fetchIdentities(db, where: "i.name = $1", name).first else { throw GalleryError.unknownIdentity(name) }
            let generation = try await self.nextGeneration(db)
            try await db.query("INSERT INTO gallery_change (generation, kind, identity_id) VALUES (\(generation), 'remove', \(identity.id))", logger: self.logger)
            try await db.query("DELETE FROM gallery_identity WHERE id = \(identity.id)", logger: self.logger)
            return identity
        }
    }

    public func identities() async throws -> [IdentitySummary] {
        try await reading { db in try await self.fetchIdentities(db, where: "TRUE", nil as String?) }
    }

    public func identity(named name: String) async throws -> IdentitySummary? {
        try await reading { db in try await self.fetchIdentities(db, where: "i.name = $1", name).first }
    }

    public func references(of name: String) async throws -> [StoredReference] {
        try await reading { db in
            guard let identity = try await self.fetchIdentities(db, where: "i.name = $1", name).first else { throw GalleryError.unknownIdentity(name) }
            return try await self.fetchReferences(db, where: "identity_id = $1", identity.id, dimension: try await self.readBinding(db)?.dimension)
        }
    }

    public func generation() async throws -> Int64 {
        try await reading { db in try await self.currentGeneration(db) }
    }

    public func changes(since generation: Int64) async throws -> GalleryChanges {
        try await reading { db in
            let current = try await self.currentGeneration(db)
            let dimension = try await self.readBinding(db)?.dimension
            let identities = try await self.fetchIdentities(db, where: "i.generation > $1", generation)
            let references = try await self.fetchReferences(db, where: "generation > $1", generation, dimension: dimension)
            var removed: [Int64] = []
            for try await id in try await db.query("""
                SELECT identity_id FROM gallery_change WHERE kind = 'remove' AND generation > \(generation) ORDER BY generation
                """, logger: self.logger).decode(Int64.self) { removed.append(id) }
            return GalleryChanges(generation: current, identities: identities, addedReferences: references, removedIdentityIDs: removed)
        }
    }

    // MARK: Helpers

    private func reading<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { db in
                try await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
                do {
                    let result = try await body(db)
                    try await db.query("COMMIT", logger: self.logger)
                    return result
                } catch {
                    _ = try? await db.query("ROLLBACK", logger: self.logger)
                    throw error
                }
            }
        } catch { throw mapped(error) }
    }

    private func writing<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { db in try await body(db) }
        } catch { throw mapped(error) }
    }

    private func nextGeneration(_ db: PostgresConnection) async throws -> Int64 {
        var value: Int64 = 0
        for try await g in try await db.query("UPDATE gallery_counter SET generation = generation + 1 WHERE id = 1 RETURNING generation",
                                              logger: logger).decode(Int64.self) { value = g }
        return value
    }

    private func currentGeneration(_ db: PostgresConnection) async throws -> Int64 {
        var value: Int64 = 0
        for try await g in try await db.query("SELECT generation FROM gallery_counter WHERE id = 1", logger: logger).decode(Int64.self) { value = g }
        return value
    }

    private func readBinding(_ db: PostgresConnection) async throws -> ModelBinding? {
        var values: [String: String] = [:]
        for try await (key, value) in try await db.query("SELECT key, value FROM gallery_meta WHERE key IN ('modelContentHash', 'dimension')",
                                                         logger: logger).decode((String, String).self) { values[key] = value }
        guard let hash = values["modelContentHash"], let text = values["dimension"] else { return nil }
        guard let dimension = Int(text), dimension >= 1 else { throw GalleryError.corruptStore(path: location, reason: "gallery_meta.dimension is '\(text)'") }
        return ModelBinding(contentHash: hash, dimension: dimension)
    }

    private func checkOrRecord(_ binding: ModelBinding, _ db: PostgresConnection) async throws {
        // Lock the counter first so two first enrolls with different models cannot both record theirs.
        try await db.query("SELECT generation FROM gallery_counter WHERE id = 1 FOR UPDATE", logger: logger)
        if let recorded = try await readBinding(db) {
            guard recorded == binding else {
                throw GalleryError.modelMismatch(store: location, storeModel: recorded.contentHash, storeDimension: recorded.dimension,
                                                 model: binding.contentHash, modelDimension: binding.dimension)
            }
            return
        }
        let dimension = String(binding.dimension)
        try await db.query("INSERT INTO gallery_meta (key, value) VALUES ('modelContentHash', \(binding.contentHash)), ('dimension', \(dimension))",
                           logger: logger)
    }

    private func fetchIdentities<V: PostgresEncodable & Sendable>(_ db: PostgresConnection, where condition: String, _ value: V?) async throws -> [IdentitySummary] {
        var bindings = PostgresBindings()
        if let value { try bindings.append(value) }
        let query = PostgresQuery(unsafeSQL: """
            SELECT i.id, i.name, i.metadata, i.generation,
                   (SELECT COUNT(*) FROM gallery_reference r WHERE r.identity_id = i.id) AS reference_count
            FROM gallery_identity i WHERE \(condition) ORDER BY i.name
            """, binds: bindings)
        var out: [IdentitySummary] = []
        for try await (id, name, json, generation, count) in try await db.query(query, logger: logger).decode((Int64, String, String, Int64, Int64).self) {
            guard let metadata = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
                throw GalleryError.corruptStore(path: location, reason: "identity '\(name)' has metadata that is not a JSON object of strings")
            }
            out.append(IdentitySummary(id: id, name: name, metadata: metadata, referenceCount: Int(count), generation: generation))
        }
        return out
    }

    private func fetchReferences(_ db: PostgresConnection, where condition: String, _ value: Int64, dimension: Int?) async throws -> [StoredReference] {
        var bindings = PostgresBindings()
        bindings.append(value)
        let query = PostgresQuery(unsafeSQL: "SELECT id, identity_id, vector, source FROM gallery_reference WHERE \(condition) ORDER BY id", binds: bindings)
        var out: [StoredReference] = []
        for try await (id, identityID, bytes, source) in try await db.query(query, logger: logger).decode((Int64, Int64, Data, String?).self) {
            guard let vector = ReferenceVectorCoding.decode(bytes, dimension: dimension) else {
                throw GalleryError.corruptStore(path: location, reason: "reference \(id) holds \(bytes.count) bytes, not \(dimension ?? 0) Float32 values")
            }
            out.append(StoredReference(id: id, identityID: identityID, vector: vector, source: source))
        }
        return out
    }

    private static func encode(_ metadata: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metadata), as: UTF8.self)
    }

    private func mapped(_ error: Error) -> Error {
        if error is GalleryError { return error }
        // A transaction reports the closure's own error inside its wrapper.
        if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError { return mapped(inner) }
        if let psql = error as? PSQLError {
            return GalleryError.storage(path: location, reason: psql.serverInfo?[.message] ?? "\(psql.code)")
        }
        return GalleryError.storage(path: location, reason: "\(error)")
    }
}
