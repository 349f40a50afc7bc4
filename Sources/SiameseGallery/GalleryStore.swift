import Foundation

/// Where a ``Gallery`` keeps its identities and reference embeddings: SQLite (``SQLiteGalleryStore``) by default;
/// other backends (PostgreSQL, so that several servers share one gallery) implement the same protocol.
///
/// Contract every store keeps:
/// - **One model.** The store records the ``ModelBinding`` (content hash and dimension) of the model that made its
///   embeddings; ``bind(_:)`` and ``enroll(_:binding:)`` refuse another one with ``GalleryError/modelMismatch(store:storeModel:storeDimension:model:modelDimension:)``.
/// - **Atomic enrolls.** An enroll (the identity, its metadata and all its references) is one transaction: readers
///   see all of it or none of it, and once ``enroll(_:binding:)`` returns it survives a crash of the process.
/// - **A change log.** Every committed change gets the next ``generation`` (monotonically increasing, in commit
///   order); ``changes(since:)`` returns what changed after a generation, so an in-memory index catches up
///   without reloading everything. A reader that sees generation `g` must see every change numbered `≤ g`: SQLite
///   serialises writers, so its autoincrement key qualifies; a PostgreSQL store must number changes in commit order too
///   (a sequence alone does not: take the number from a one-row counter updated inside the transaction).
/// - **Typed errors.** Failures are ``GalleryError``s naming the store's ``location``.
public protocol GalleryStore: Sendable {
    /// A human-readable name for messages (the database path or URL).
    var location: String { get }
    /// The model the store's embeddings belong to; `nil` for a new, unbound store.
    func binding() async throws -> ModelBinding?
    /// Records `binding` in an unbound store, or checks that it equals the recorded one.
    func bind(_ binding: ModelBinding) async throws
    /// Adds references to the identity `enrollment.name`, creating it when new (its metadata is replaced when
    /// `enrollment.metadata` is given), in one transaction that also checks `binding`.
    func enroll(_ enrollment: Enrollment, binding: ModelBinding) async throws -> EnrollReceipt
    /// Removes an identity and all its references; throws ``GalleryError/unknownIdentity(_:)`` when absent.
    @discardableResult
    func remove(name: String) async throws -> IdentitySummary
    /// Every identity, by name.
    func identities() async throws -> [IdentitySummary]
    /// One identity, or `nil`.
    func identity(named name: String) async throws -> IdentitySummary?
    /// The references of one identity (throws ``GalleryError/unknownIdentity(_:)`` when absent).
    func references(of name: String) async throws -> [StoredReference]
    /// The generation of the latest committed change (0 for a store never changed).
    func generation() async throws -> Int64
    /// What changed after `generation`, read in one consistent snapshot.
    func changes(since generation: Int64) async throws -> GalleryChanges
}

extension GalleryStore {
    /// Everything in the store: the changes since generation 0.
    public func snapshot() async throws -> GalleryChanges { try await changes(since: 0) }
}

/// The model a gallery's embeddings come from: its folder's content hash (`model.json`) and embedding size.
public struct ModelBinding: Codable, Sendable, Equatable {
    public var contentHash: String
    public var dimension: Int
    public init(contentHash: String, dimension: Int) {
        self.contentHash = contentHash
        self.dimension = dimension
    }
}

/// One reference embedding to enroll, with where it came from (a file name, say) for listings.
public struct NewReference: Codable, Sendable, Equatable {
    public var vector: [Float]
    public var source: String?
    public init(vector: [Float], source: String? = nil) {
        self.vector = vector
        self.source = source
    }
}

/// An identity to enroll (or to extend): its name, optional metadata and one or more reference embeddings.
public struct Enrollment: Codable, Sendable, Equatable {
    public var name: String
    /// Free-form facts (`nil` keeps an existing identity's metadata; a new identity gets `[:]`).
    public var metadata: [String: String]?
    public var references: [NewReference]
    public init(name: String, metadata: [String: String]? = nil, references: [NewReference]) {
        self.name = name
        self.metadata = metadata
        self.references = references
    }
}

/// An enrolled identity as listed.
public struct IdentitySummary: Codable, Sendable, Equatable {
    /// The store's id (never reused).
    public var id: Int64
    public var name: String
    public var metadata: [String: String]
    public var referenceCount: Int
    /// The generation of the identity's latest change.
    public var generation: Int64
    public init(id: Int64, name: String, metadata: [String: String], referenceCount: Int, generation: Int64) {
        self.id = id; self.name = name; self.metadata = metadata; self.referenceCount = referenceCount; self.generation = generation
    }
}

/// A stored reference embedding.
public struct StoredReference: Codable, Sendable, Equatable {
    /// The store's id (never reused).
    public var id: Int64
    public var identityID: Int64
    public var vector: [Float]
    public var source: String?
    public init(id: Int64, identityID: Int64, vector: [Float], source: String?) {
        self.id = id; self.identityID = identityID; self.vector = vector; self.source = source
    }
}

/// What an enroll committed.
public struct EnrollReceipt: Codable, Sendable, Equatable {
    /// The identity after the enroll (its reference count includes the new references).
    public var identity: IdentitySummary
    /// Ids of the new references, in the order given.
    public var referenceIDs: [Int64]
    /// Whether the identity was created by this enroll.
    public var created: Bool
    /// The generation of this change.
    public var generation: Int64
    public init(identity: IdentitySummary, referenceIDs: [Int64], created: Bool, generation: Int64) {
        self.identity = identity; self.referenceIDs = referenceIDs; self.created = created; self.generation = generation
    }
}

/// The changes after a generation: identities created or changed (with their current metadata), references added,
/// identities removed. ``generation`` is the store's generation when they were read.
public struct GalleryChanges: Sendable, Equatable {
    public var generation: Int64
    public var identities: [IdentitySummary]
    public var addedReferences: [StoredReference]
    public var removedIdentityIDs: [Int64]
    public init(generation: Int64, identities: [IdentitySummary], addedReferences: [StoredReference], removedIdentityIDs: [Int64]) {
        self.generation = generation; self.identities = identities
        self.addedReferences = addedReferences; self.removedIdentityIDs = removedIdentityIDs
    }
}
