import Foundation
import SiameseCore
import SiameseData
import SiameseModels

/// A gallery of identities, each with reference embeddings, over a ``GalleryStore`` and the ``EmbeddingModel``
/// that made them: enroll, remove, list, 1:1 verify, 1:N identify and top-k search.
///
/// The store is the truth; the actor keeps an in-memory ``SiameseIndex/ExactIndex`` over the references, built on
/// first use and brought up to date from the store's change log before every query (so enrolls made through
/// another connection, process or server are seen). Scores are the model's own (its `similarity.json` distance),
/// so they compare with its calibrated thresholds. Every method is `async`, takes and returns `Sendable` values,
/// and throws ``GalleryError`` (or the store's errors).
///
/// ```swift
/// let gallery = try await Gallery.open(database: "people.sqlite", modelFolder: URL(fileURLWithPath: "runs/faces/model"))
/// try await gallery.enroll("ada", metadata: ["team": "blue"], from: [.imageFile(URL(fileURLWithPath: "ada.pgm"))])
/// let answer = try await gallery.identify(.imageFile(URL(fileURLWithPath: "probe.pgm")), k: 3)
/// print(answer.match?.identity ?? "unknown")
/// ```
public actor Gallery {
    /// Where identities and references are stored.
    public nonisolated let store: any GalleryStore
    /// The model's content hash and embedding size, recorded in the store.
    public nonisolated let binding: ModelBinding
    /// The model's distance, direction and calibrated thresholds.
    public nonisolated let similarity: SimilarityConfiguration
    /// `nil` for a gallery that takes embeddings only (``init(store:binding:similarity:)``).
    private let model: EmbeddingModel?
    private let scoring: GalleryScoring
    private var index: ReferenceIndex?

    /// A gallery over `store` with `model`; records the model in an unbound store.
    ///
    /// - Throws: ``GalleryError/modelMismatch(store:storeModel:storeDimension:model:modelDimension:)`` when the store
    ///   belongs to another model, ``GalleryError/modelWithoutContentHash`` for a model never saved,
    ///   ``GalleryError/unsupportedModel(_:)`` for a model whose embedding size is unknown.
    public init(store: any GalleryStore, model: sending EmbeddingModel) async throws {
        guard !model.info.contentHash.isEmpty else { throw GalleryError.modelWithoutContentHash }
        guard let dimension = model.encoder?.configuration.embeddingSize else {
            throw GalleryError.unsupportedModel("it has no image encoder (text models join with the text target)")
        }
        let binding = ModelBinding(contentHash: model.info.contentHash, dimension: dimension)
        let similarity = model.similarity
        let scoring = try GalleryScoring(similarity)
        try await store.bind(binding)
        self.store = store
        self.binding = binding
        self.similarity = similarity
        self.scoring = scoring
        self.model = model
    }

    /// A gallery that takes embeddings only (``EmbeddingSource/embedding(_:)``), for a caller that embeds inputs
    /// itself (`siamese serve` embeds images through its micro-batcher): `binding` and `similarity` describe the
    /// model that made the embeddings; an image source is refused with ``GalleryError/unsupportedModel(_:)``.
    ///
    /// - Throws: as ``init(store:model:)``: a model mismatch with the store, an empty content hash, a dimension < 1.
    public init(store: any GalleryStore, binding: ModelBinding, similarity: SimilarityConfiguration) async throws {
        guard !binding.contentHash.isEmpty else { throw GalleryError.modelWithoutContentHash }
        guard binding.dimension >= 1 else { throw GalleryError.unsupportedModel("its embedding dimension is \(binding.dimension)") }
        let scoring = try GalleryScoring(similarity)
        try await store.bind(binding)
        self.store = store
        self.binding = binding
        self.similarity = similarity
        self.scoring = scoring
        self.model = nil
    }

    /// Opens the SQLite gallery at `database` (created when missing) with the model folder `modelFolder`.
    public static func open(database: String, modelFolder: URL) async throws -> Gallery {
        let store = try SQLiteGalleryStore(path: database)
        let model = try EmbeddingModel.load(from: modelFolder)
        return try await Gallery(store: store, model: model)
    }

    // MARK: Enrolling

    /// Enrolls `name` with one reference per source (creating the identity, or adding references to an existing
    /// one), atomically: all the references are stored, or none.
    ///
    /// - Parameter metadata: replaces the identity's metadata; `nil` keeps it (`[:]` for a new identity).
    @discardableResult
    public func enroll(_ name: String, metadata: [String: String]? = nil, from sources: [EmbeddingSource]) async throws -> EnrollReceipt {
        try GalleryValidation.checkName(name)
        guard !sources.isEmpty else { throw GalleryError.invalidArgument("enroll '\(name)': give at least one image or embedding") }
        let vectors = try embeddings(of: sources)
        let references = zip(vectors, sources).map { NewReference(vector: $0, source: $1.sourceName) }
        return try await store.enroll(Enrollment(name: name, metadata: metadata, references: references), binding: binding)
    }

    /// Removes an identity and its references; returns it as it was.
    @discardableResult
    public func remove(_ name: String) async throws -> IdentitySummary {
        try await store.remove(name: name)
    }

    /// Every identity, by name.
    public func list() async throws -> [IdentitySummary] {
        try await store.identities()
    }

    /// One identity, or `nil`.
    public func identity(named name: String) async throws -> IdentitySummary? {
        try await store.identity(named: name)
    }

    // MARK: Comparing

    /// 1:1 verification: is `probe` the identity `name`? Scores the probe against each of the identity's references
    /// (exactly, by the model's distance) and combines them by `aggregation`.
    public func verify(_ probe: EmbeddingSource, against name: String, aggregation: ScoreAggregation = .best,
                       threshold: GalleryThreshold = .calibrated) async throws -> Verification {
        let applied = try threshold.resolve(similarity)
        let query = try embeddings(of: [probe])[0]
        let index = try await freshIndex()
        guard let identity = index.identities.values.first(where: { $0.name == name }) else { throw GalleryError.unknownIdentity(name) }
        let references = (index.referencesOfIdentity[identity.id] ?? []).compactMap { index.vectors[$0] }
        guard !references.isEmpty else { throw GalleryError.unknownIdentity(name) }
        let scores = scoring.exactScores(query, references)
        let score: Double
        switch aggregation {
        case .best: score = scores.reduce(scores[0]) { scoring.isCloser($1, than: $0) ? $1 : $0 }
        case .mean: score = scores.reduce(0, +) / Double(scores.count)
        }
        return Verification(identity: name, score: score, aggregation: aggregation, referenceScores: scores,
                            accepted: applied.accepts(score, greaterIsCloser: similarity.greaterIsCloser), threshold: applied,
                            greaterIsCloser: similarity.greaterIsCloser)
    }

    /// 1:N identification: the `k` identities whose closest reference is closest to `probe`, best first; the match
    /// is the first candidate when it passes the threshold.
    public func identify(_ probe: EmbeddingSource, k: Int = 5, threshold: GalleryThreshold = .calibrated) async throws -> Identification {
        guard k >= 1 else { throw GalleryError.invalidArgument("identify: k must be at least 1, got \(k)") }
        let applied = try threshold.resolve(similarity)
        let query = try embeddings(of: [probe])[0]
        let index = try await freshIndex()
        let n = index.referenceCount
        guard n > 0 else { throw GalleryError.emptyGallery }
        // Widen the reference search until it covers k distinct identities (or every reference).
        var width = Swift.min(n, Swift.max(4 * k, 16))
        var candidates: [GalleryMatch] = []
        while true {
            var seen = Set<Int64>()
            candidates = []
            for hit in try index.search(query, k: width) {
                guard let identity = index.identity(ofReference: hit.id), seen.insert(identity.id).inserted else { continue }
                candidates.append(GalleryMatch(identity: identity.name, identityID: identity.id, metadata: identity.metadata, score: hit.score,
                                               referenceID: hit.id,
                                               accepted: applied.accepts(hit.score, greaterIsCloser: similarity.greaterIsCloser)))
                if candidates.count == k { break }
            }
            if candidates.count == k || width == n { break }
            width = Swift.min(n, width * 4)
        }
        return Identification(match: candidates.first.flatMap { $0.accepted ? $0 : nil }, candidates: candidates, threshold: applied,
                              greaterIsCloser: similarity.greaterIsCloser)
    }

    /// The `k` references closest to `probe`, best first, whoever they belong to.
    public func search(_ probe: EmbeddingSource, k: Int = 10) async throws -> [ReferenceHit] {
        guard k >= 1 else { throw GalleryError.invalidArgument("search: k must be at least 1, got \(k)") }
        let query = try embeddings(of: [probe])[0]
        let index = try await freshIndex()
        return try index.search(query, k: k).compactMap { hit in
            index.identity(ofReference: hit.id).map {
                ReferenceHit(referenceID: hit.id, identity: $0.name, identityID: $0.id, source: index.source(ofReference: hit.id), score: hit.score)
            }
        }
    }

    /// The model's embeddings of `sources` (validated; images are decoded and embedded in one batch).
    public func embed(_ sources: [EmbeddingSource]) throws -> [[Float]] { try embeddings(of: sources) }

    // MARK: The in-memory index

    /// The store generation the in-memory index reflects (`nil` before it is first built).
    public var indexGeneration: Int64? { index?.generation }

    /// Brings the in-memory index up to the store's latest generation (built from a snapshot when missing;
    /// caught up from the change log when stale). Queries call it themselves.
    @discardableResult
    public func refresh() async throws -> Int64 { try await freshIndex().generation }

    /// Drops the in-memory index; the next query rebuilds it from the store.
    public func invalidateIndex() { index = nil }

    private func freshIndex() async throws -> ReferenceIndex {
        let current = try await store.generation()
        if let index, index.generation == current { return index }
        if let stale = index, stale.generation < current {
            let changes = try await store.changes(since: stale.generation)
            // Another call may have caught up meanwhile (the actor is re-entrant across awaits).
            if var latest = index, latest.generation == stale.generation {
                self.index = nil
                try latest.apply(changes)
                self.index = latest
                return latest
            }
            if let index, index.generation >= changes.generation { return index }
        }
        var built = ReferenceIndex(scoring: scoring, dimension: binding.dimension)
        try built.apply(try await store.snapshot())
        // A store whose generation went backwards (a replaced file) is rebuilt too.
        index = built
        return built
    }

    // MARK: Embedding

    /// The one place sources become vectors (texts join here when the text encoder lands).
    private func embeddings(of sources: [EmbeddingSource]) throws -> [[Float]] {
        var vectors = [[Float]?](repeating: nil, count: sources.count)
        var images: [(slot: Int, image: Image)] = []
        let mode = model?.imageInput?.colorMode ?? .grey
        for (i, source) in sources.enumerated() {
            switch source {
            case let .embedding(vector):
                try GalleryValidation.checkVector(vector, dimension: binding.dimension, index: i, context: "embedding \(i)")
                vectors[i] = vector
            case let .imageFile(url):
                do { images.append((i, try ImageDecoder.decode(contentsOf: url, mode: mode))) } catch {
                    throw GalleryError.unreadableImage(path: url.path, reason: "\(error)")
                }
            case let .imageData(data, name):
                do { images.append((i, try ImageDecoder.decode(data, path: name, mode: mode))) } catch {
                    throw GalleryError.unreadableImage(path: name, reason: "\(error)")
                }
            }
        }
        if !images.isEmpty {
            guard let model else { throw GalleryError.unsupportedModel("this gallery takes embeddings only; embed the images first") }
            guard model.imageInput != nil else { throw GalleryError.unsupportedModel("it takes no images") }
            let embedded: Tensor
            do { embedded = try model.embed(images: images.map(\.image)) } catch {
                throw GalleryError.unreadableImage(path: sources[images[0].slot].sourceName ?? "image", reason: "\(error)")
            }
            let d = embedded.shape[1]
            guard d == binding.dimension else { throw GalleryError.dimensionMismatch(expected: binding.dimension, actual: d, context: "the model's output") }
            let flat = embedded.scalars
            for (row, item) in images.enumerated() {
                let vector = Array(flat[(row * d)..<((row + 1) * d)])
                try GalleryValidation.checkVector(vector, dimension: d, index: item.slot, context: "embedding of \(sources[item.slot].sourceName ?? "image")")
                vectors[item.slot] = vector
            }
        }
        return vectors.map { $0! }
    }
}
