import Foundation
import Testing
import SiameseCore
import SiameseModels
@testable import SiameseGallery

@Suite struct ReferenceIndexTests {
    static func changes(_ vectors: [[Float]], generation: Int64, firstID: Int64 = 1, removed: [Int64] = []) -> GalleryChanges {
        let identities = vectors.indices.map {
            IdentitySummary(id: firstID + Int64($0), name: "p\(firstID + Int64($0))", metadata: [:], referenceCount: 1, generation: generation)
        }
        let references = vectors.enumerated().map {
            StoredReference(id: firstID + Int64($0.offset), identityID: firstID + Int64($0.offset), vector: $0.element, source: nil)
        }
        return GalleryChanges(generation: generation, identities: identities, addedReferences: references, removedIdentityIDs: removed)
    }

    @Test func beyondTheThresholdSearchesGoToHNSWAndAgreeWithExactOnes() throws {
        let scoring = try GalleryScoring(try SimilarityConfiguration(distance: "euclidean", threshold: nil, operatingPoints: []))
        let vectors = randomVectors(400, dimension: 6, seed: 31)
        var small = ReferenceIndex(scoring: scoring, dimension: 6, approximateAbove: 300)
        var exact = ReferenceIndex(scoring: scoring, dimension: 6, approximateAbove: .max)
        try small.apply(Self.changes(Array(vectors[0..<250]), generation: 1))
        try exact.apply(Self.changes(Array(vectors[0..<250]), generation: 1))
        #expect(!small.isApproximate)
        try small.apply(Self.changes(Array(vectors[250...]), generation: 2, firstID: 251, removed: [3, 4]))
        try exact.apply(Self.changes(Array(vectors[250...]), generation: 2, firstID: 251, removed: [3, 4]))
        #expect(small.isApproximate && !exact.isApproximate)
        // A small, low-dimensional set at ef ≥ 64: the graph search finds the exact neighbours.
        for query in randomVectors(20, dimension: 6, seed: 32) {
            let a = try small.search(query, k: 5), b = try exact.search(query, k: 5)
            #expect(a.map(\.id) == b.map(\.id))
            for (x, y) in zip(a, b) { #expect(abs(x.score - y.score) <= 1e-4 * max(1, y.score)) }
            #expect(!a.contains { $0.id == 3 || $0.id == 4 })
        }
    }
}
