import SiameseCore
@testable import SiameseIndex
import Testing

/// Test helpers: seeded data and a Double-precision brute-force search to compare ``ExactIndex`` against.
enum BruteForce {
    /// `rows × dimension` values uniform in [-1, 1).
    static func random(rows: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        var g = SeededGenerator(seed: seed)
        return (0..<rows).map { _ in (0..<dimension).map { _ in 2 * g.nextUniform() - 1 } }
    }

    /// The score of `query` against `reference` in Double (squared distance for L2).
    static func score(_ query: [Float], _ reference: [Float], metric: IndexMetric) -> Double {
        let q = query.map(Double.init), r = reference.map(Double.init)
        switch metric {
        case .innerProduct:
            return zip(q, r).reduce(0) { $0 + $1.0 * $1.1 }
        case .cosine:
            let dot = zip(q, r).reduce(0) { $0 + $1.0 * $1.1 }
            let nq = q.reduce(0) { $0 + $1 * $1 }.squareRoot(), nr = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return nq == 0 || nr == 0 ? 0 : dot / (nq * nr)
        case .l2:
            return zip(q, r).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
    }

    /// All `(id, score)` pairs for `query`, best first, ties by the smaller id.
    static func ranking(_ query: [Float], references: [(id: Int, vector: [Float])], metric: IndexMetric) -> [(id: Int, score: Double)] {
        references.map { (id: $0.id, score: score(query, $0.vector, metric: metric)) }.sorted {
            if $0.score != $1.score { return metric.largerIsCloser ? $0.score > $1.score : $0.score < $1.score }
            return $0.id < $1.id
        }
    }

    /// Records an issue for every way `result` differs from brute force: row counts, scores beyond a relative
    /// `tolerance`, and ids that differ where the brute-force scores do not tie within `tieTolerance`.
    static func expectMatches(
        _ result: SearchResult, queries: [[Float]], references: [(id: Int, vector: [Float])], k: Int,
        metric: IndexMetric, tolerance: Double = 1e-4, tieTolerance: Double = 1e-5,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let kept = min(k, references.count)
        #expect(result.scores.count == queries.count && result.ids.count == queries.count, sourceLocation: sourceLocation)
        let byID = Dictionary(uniqueKeysWithValues: references.map { ($0.id, $0.vector) })
        for (i, query) in queries.enumerated() where i < result.ids.count {
            let expected = ranking(query, references: references, metric: metric)
            let ids = result.ids[i], scores = result.scores[i]
            #expect(ids.count == kept && scores.count == kept, "query \(i): \(ids.count) results, expected \(kept)", sourceLocation: sourceLocation)
            #expect(Set(ids).count == ids.count, "query \(i): repeated ids \(ids)", sourceLocation: sourceLocation)
            for j in 0..<min(kept, ids.count) {
                let want = expected[j]
                let scale = max(1, abs(want.score))
                #expect(abs(Double(scores[j]) - want.score) <= tolerance * scale,
                        "query \(i) rank \(j): score \(scores[j]), expected \(want.score)", sourceLocation: sourceLocation)
                if ids[j] != want.id {
                    let got = byID[ids[j]].map { score(query, $0, metric: metric) } ?? .nan
                    #expect(abs(got - want.score) <= tieTolerance * scale,
                            "query \(i) rank \(j): id \(ids[j]) (score \(got)), expected id \(want.id) (score \(want.score))",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }
}
