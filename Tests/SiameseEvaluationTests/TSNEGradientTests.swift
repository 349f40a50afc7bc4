import Testing
@testable import SiameseEvaluation

@Suite struct TSNEGradientTests {
    /// Seeded positions and a sparse P from 200 reference points, also as a dense matrix.
    static func problem() -> (y: [Double], sparse: SparseAffinities, dense: [Double], n: Int) {
        let points = try! PointMatrix(Array(ProjectionReference.shared.points.prefix(200)))
        let n = points.count
        let sparse = TSNEAffinities.sparse(points, neighbours: 40, perplexity: 10)
        var dense = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for t in sparse.rowStart[i]..<sparse.rowStart[i + 1] { dense[i * n + Int(sparse.columns[t])] = sparse.values[t] }
        }
        var state: UInt64 = 12345
        let y = (0..<(2 * n)).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 20 - 10
        }
        return (y, sparse, dense, n)
    }

    @Test func barnesHutWithThetaZeroIsTheExactGradient() {
        let (y, sparse, dense, n) = Self.problem()
        var exact = [Double](repeating: 0, count: 2 * n), tree = exact
        let exactError = TSNEGradient.exact(positions: y, affinities: dense, count: n, exaggeration: 1, withError: true,
                                            gradient: &exact)
        let treeError = TSNEGradient.barnesHut(positions: y, affinities: sparse, count: n, exaggeration: 1, theta: 0,
                                               withError: true, gradient: &tree)
        let scale = exact.map(abs).max()!
        for k in 0..<(2 * n) { #expect(abs(exact[k] - tree[k]) <= 1e-9 * scale) }
        #expect(abs(exactError - treeError) <= 1e-9 * abs(exactError))
    }

    @Test func barnesHutApproximatesTheExactGradient() {
        let (y, sparse, dense, n) = Self.problem()
        var exact = [Double](repeating: 0, count: 2 * n), tree = exact
        _ = TSNEGradient.exact(positions: y, affinities: dense, count: n, exaggeration: 1, withError: false,
                               gradient: &exact)
        _ = TSNEGradient.barnesHut(positions: y, affinities: sparse, count: n, exaggeration: 1, theta: 0.5,
                                   withError: false, gradient: &tree)
        var difference = 0.0, norm = 0.0
        for k in 0..<(2 * n) { difference += (exact[k] - tree[k]) * (exact[k] - tree[k]); norm += exact[k] * exact[k] }
        #expect((difference / norm).squareRoot() < 0.05)
    }

    @Test func identicalPointsGiveAFiniteMap() throws {
        let points = [[Float]](repeating: [1, 2, 3], count: 40)
        for method in [TSNE.Method.exact, .barnesHut()] {
            let map = try TSNE(perplexity: 5, iterations: 100, method: method).embed(points)
            #expect(map.count == 40 && map.allSatisfy { $0.allSatisfy(\.isFinite) })
        }
    }
}
