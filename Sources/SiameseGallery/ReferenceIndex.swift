import SiameseCore
import SiameseIndex

/// The gallery's in-memory copy of a store: every reference vector, who it belongs to, and an ``ExactIndex`` over
/// them, at a store ``generation``. ``apply(_:)`` catches up with a store's ``GalleryChanges``.
///
/// From ``approximateAbove`` references on (default 50,000), an ``HNSWIndex`` (M 16, efConstruction 200, seed 100,
/// built from the references in id order, batched over the engine's threads) answers searches instead, with
/// `ef = max(64, 2k)`: approximate, but sub-linear. It is kept up to date alongside the exact index.
struct ReferenceIndex: Sendable {
    let scoring: GalleryScoring
    let dimension: Int
    private(set) var generation: Int64 = 0
    private var exact: ExactIndex?
    /// References from which searches go to the HNSW graph.
    let approximateAbove: Int
    static let defaultApproximateAbove = 50_000
    private var approximate: HNSWIndex?
    private(set) var vectors: [Int64: [Float]] = [:]
    private(set) var identities: [Int64: IdentitySummary] = [:]
    private var identityOfReference: [Int64: Int64] = [:]
    private var sourceOfReference: [Int64: String] = [:]
    private(set) var referencesOfIdentity: [Int64: [Int64]] = [:]

    init(scoring: GalleryScoring, dimension: Int, approximateAbove: Int = ReferenceIndex.defaultApproximateAbove) {
        self.scoring = scoring
        self.dimension = dimension
        self.approximateAbove = approximateAbove
        exact = scoring.metric.map { ExactIndex(dimension: dimension, metric: $0) }
    }

    var referenceCount: Int { vectors.count }

    /// Applies removals, then identity updates, then new references; ``generation`` becomes `changes.generation`.
    mutating func apply(_ changes: GalleryChanges) throws {
        for id in changes.removedIdentityIDs {
            identities[id] = nil
            let doomed = referencesOfIdentity.removeValue(forKey: id) ?? []
            for reference in doomed {
                vectors[reference] = nil; identityOfReference[reference] = nil; sourceOfReference[reference] = nil
            }
            exact?.remove(ids: doomed.map { Int($0) })
            approximate?.remove(ids: doomed.map { Int($0) })
        }
        for identity in changes.identities { identities[identity.id] = identity }
        let fresh = changes.addedReferences.filter { vectors[$0.id] == nil && identities[$0.identityID] != nil }
        for reference in fresh {
            try GalleryValidation.checkVector(reference.vector, dimension: dimension, index: Int(reference.id), context: "stored reference \(reference.id)")
        }
        if exact != nil, !fresh.isEmpty {
            do {
                try exact!.add(fresh.map { scoring.indexed($0.vector) }, ids: fresh.map { Int($0.id) })
            } catch {
                throw GalleryError.invalidArgument("the in-memory index refused stored references: \(error)")
            }
        }
        for reference in fresh {
            vectors[reference.id] = reference.vector
            identityOfReference[reference.id] = reference.identityID
            if let source = reference.source { sourceOfReference[reference.id] = source }
            referencesOfIdentity[reference.identityID, default: []].append(reference.id)
        }
        try updateApproximate(fresh)
        generation = changes.generation
    }

    /// Adds `fresh` to the HNSW graph, or builds the graph once the gallery reaches ``approximateAbove``.
    private mutating func updateApproximate(_ fresh: [StoredReference]) throws {
        guard let metric = scoring.metric else { return }
        do {
            if approximate != nil {
                if !fresh.isEmpty {
                    try approximate!.add(fresh.map { scoring.indexed($0.vector) }, ids: fresh.map { Int($0.id) })
                }
            } else if vectors.count >= approximateAbove {
                var graph = try HNSWIndex(dimension: dimension, metric: metric)
                let ids = vectors.keys.sorted()
                try graph.add(ids.map { scoring.indexed(vectors[$0]!) }, ids: ids.map(Int.init), threads: Threading.threadCount)
                approximate = graph
            }
        } catch {
            throw GalleryError.invalidArgument("the in-memory HNSW index refused stored references: \(error)")
        }
    }

    /// Whether searches currently go to the HNSW graph.
    var isApproximate: Bool { approximate != nil && vectors.count >= approximateAbove }

    func identity(ofReference id: Int64) -> IdentitySummary? { identityOfReference[id].flatMap { identities[$0] } }
    func source(ofReference id: Int64) -> String? { sourceOfReference[id] }

    /// The `k` references closest to `query`, best first, with the model's scores (ties by the smaller id).
    func search(_ query: [Float], k: Int) throws -> [(id: Int64, score: Double)] {
        guard !vectors.isEmpty else { throw GalleryError.emptyGallery }
        if isApproximate, let approximate {
            do {
                let result = try approximate.search([scoring.indexed(query)], k: k, ef: Swift.max(64, 2 * k), threads: 1)
                return zip(result.ids[0], result.scores[0]).map { (Int64($0), scoring.score(fromIndex: $1)) }
            } catch {
                throw GalleryError.invalidArgument("search: \(error)")
            }
        }
        if let exact {
            do {
                let result = try exact.search([scoring.indexed(query)], k: k)
                return zip(result.ids[0], result.scores[0]).map { (Int64($0), scoring.score(fromIndex: $1)) }
            } catch {
                throw GalleryError.invalidArgument("search: \(error)")
            }
        }
        return bruteForce(query, k: k)
    }

    /// Every reference scored by the distance itself, sorted (the path for distances no index metric matches).
    func bruteForce(_ query: [Float], k: Int) -> [(id: Int64, score: Double)] {
        let ids = vectors.keys.sorted()
        let scores = scoring.exactScores(query, ids.map { vectors[$0]! })
        let ranked = zip(ids, scores).sorted { a, b in
            a.1 == b.1 ? a.0 < b.0 : scoring.isCloser(a.1, than: b.1)
        }
        return Array(ranked.prefix(k)).map { (id: $0.0, score: $0.1) }
    }
}
