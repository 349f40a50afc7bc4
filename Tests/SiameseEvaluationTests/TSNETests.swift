import Testing
@testable import SiameseEvaluation

@Suite struct TSNETests {
    @Test(arguments: [TSNE.Method.exact, .barnesHut(theta: 0.5)])
    func trustworthinessWithinTwoHundredthsOfScikitLearn(method: TSNE.Method) throws {
        let reference = ProjectionReference.shared
        let points = reference.points
        let embedding = try TSNE(method: method).embed(points)
        #expect(embedding.count == points.count && embedding.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isFinite) })
        let ours = try trustworthiness(original: points, embedded: embedding)
        let theirs = method == .exact ? reference.exact.trustworthiness : reference.barnes_hut.trustworthiness
        print("t-SNE \(method): trustworthiness \(ours), scikit-learn \(theirs)")
        #expect(abs(ours - theirs) <= 0.02, "ours \(ours), sklearn \(theirs)")
    }

    @Test func sameSeedSameEmbedding() throws {
        let points = Array(ProjectionReference.shared.points.prefix(200))
        for method in [TSNE.Method.exact, .barnesHut()] {
            var tsne = TSNE(perplexity: 20, iterations: 100, seed: 7, method: method)
            tsne.initialisation = .random
            let a = try tsne.embed(points), b = try tsne.embed(points)
            #expect(a == b)
            tsne.seed = 8
            #expect(try tsne.embed(points) != a)
        }
    }

    @Test func automaticPicksExactForSmallInputs() {
        #expect(TSNE().resolvedMethod(count: 2000) == .exact)
        #expect(TSNE().resolvedMethod(count: 2001) == .barnesHut(theta: 0.5))
        #expect(TSNE(method: .barnesHut(theta: 0.3)).resolvedMethod(count: 10) == .barnesHut(theta: 0.3))
    }

    @Test func refusesBadInput() {
        let few: [[Float]] = (0..<10).map { [Float($0), 0] }
        #expect(throws: ProjectionError.tooFewPoints(count: 10, perplexity: 30)) { try TSNE().embed(few) }
        #expect(throws: ProjectionError.empty) { try TSNE().embed([]) }
        #expect(throws: ProjectionError.raggedRows(row: 3, count: 1, expected: 2)) {
            try TSNE(perplexity: 2).embed(few.enumerated().map { $0.offset == 3 ? [1] : $0.element })
        }
        #expect(throws: ProjectionError.nonFinite(row: 0, column: 1)) {
            try TSNE(perplexity: 2).embed([[0, .nan]] + few)
        }
        #expect(throws: ProjectionError.self) { try TSNE(perplexity: -1).embed(few) }
        #expect(throws: ProjectionError.self) { try TSNE(perplexity: 2, iterations: 0).embed(few) }
        #expect(throws: ProjectionError.self) { try TSNE(perplexity: 2, method: .barnesHut(theta: .nan)).embed(few) }
        var tsne = TSNE(perplexity: 2)
        tsne.learningRate = 0
        #expect(throws: ProjectionError.self) { try tsne.embed(few) }
    }
}
