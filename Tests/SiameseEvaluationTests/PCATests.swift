import Testing
@testable import SiameseEvaluation

@Suite struct PCATests {
    @Test func matchesScikitLearnWithItsSignConvention() throws {
        let reference = ProjectionReference.shared
        let projected = try PCA.project(reference.points, dimensions: 2)
        #expect(projected.count == reference.pca.count)
        var worst = 0.0
        for (row, expected) in zip(projected, reference.pca) {
            #expect(row.count == 2)
            for (a, b) in zip(row, expected) { worst = max(worst, abs(Double(a) - b)) }
        }
        #expect(worst < 1e-4, "largest difference to sklearn's PCA: \(worst)")
    }

    @Test func recoversAKnownDirectionAndSign() throws {
        // Points on the line (t, -2t, 0) plus a small second direction: the first component is ±(1, -2, 0)/√5,
        // and sklearn's rule makes the largest-magnitude entry (-2) positive.
        let points: [[Float]] = (0..<20).map { i in
            let t = Float(i) - 9.5, s: Float = i % 2 == 0 ? 0.1 : -0.1
            return [t, -2 * t, s]
        }
        let projected = try PCA.project(points, dimensions: 1)
        for (i, row) in projected.enumerated() {
            let t = Double(i) - 9.5
            #expect(abs(Double(row[0]) - (-t * 5.0.squareRoot())) < 1e-4)
        }
    }

    @Test func refusesBadInput() {
        #expect(throws: ProjectionError.empty) { try PCA.project([]) }
        #expect(throws: ProjectionError.raggedRows(row: 1, count: 2, expected: 3)) {
            try PCA.project([[1, 2, 3], [1, 2], [0, 0, 0]])
        }
        #expect(throws: ProjectionError.nonFinite(row: 1, column: 0)) { try PCA.project([[1, 2], [.nan, 0]]) }
        #expect(throws: ProjectionError.zeroDimensions) { try PCA.project([[], []]) }
        #expect(throws: ProjectionError.self) { try PCA.project([[1, 2], [3, 4]], dimensions: 3) }
        #expect(throws: ProjectionError.self) { try PCA.project([[1, 2], [3, 4]], dimensions: 0) }
    }
}
