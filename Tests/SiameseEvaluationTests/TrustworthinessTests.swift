import Testing
@testable import SiameseEvaluation

@Suite struct TrustworthinessTests {
    @Test func equalsScikitLearnOnGivenEmbeddings() throws {
        let reference = ProjectionReference.shared
        let points = reference.points
        for (embedding, expected) in [(reference.barnes_hut.embedding, reference.barnes_hut.trustworthiness),
                                      (reference.exact.embedding, reference.exact.trustworthiness)] {
            let value = try trustworthiness(original: points, embedded: embedding.map { $0.map { Float($0) } })
            #expect(abs(value - expected) < 1e-12, "ours \(value), sklearn \(expected)")
        }
        let pca = try trustworthiness(original: points, embedded: reference.pca.map { $0.map { Float($0) } })
        #expect(abs(pca - reference.pca_trustworthiness) < 1e-4, "ours \(pca), sklearn \(reference.pca_trustworthiness)")
    }

    @Test func isOneForAnIsometryAndLowerForAShuffle() throws {
        let points: [[Float]] = (0..<40).map { i in [Float(i), Float(i * i % 7), Float(i % 3)] }
        #expect(try trustworthiness(original: points, embedded: points.map { $0.map { 2 * $0 + 1 } }) == 1)
        let shuffled = points.indices.map { points[($0 * 17) % points.count] }
        #expect(try trustworthiness(original: points, embedded: shuffled) < 0.9)
    }

    @Test func refusesBadInput() {
        let few: [[Float]] = [[0], [1], [2], [3]]
        #expect(throws: ProjectionError.tooFewPointsForNeighbours(count: 4, neighbours: 2)) {
            try trustworthiness(original: few, embedded: few, neighbours: 2)
        }
        #expect(throws: ProjectionError.countMismatch(original: 4, embedded: 3)) {
            try trustworthiness(original: few, embedded: Array(few.prefix(3)), neighbours: 1)
        }
        #expect(throws: ProjectionError.self) { try trustworthiness(original: few, embedded: few, neighbours: 0) }
        #expect(throws: ProjectionError.nonFinite(row: 2, column: 0)) {
            try trustworthiness(original: few, embedded: [[0], [1], [.infinity], [3]], neighbours: 1)
        }
        #expect(throws: ProjectionError.empty) { try trustworthiness(original: [], embedded: []) }
    }
}
