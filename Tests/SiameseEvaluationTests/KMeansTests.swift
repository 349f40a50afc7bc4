import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseEvaluation
import SiameseTestSupport

/// ``KMeans`` against faiss's `Kmeans(niter=20)` assignments stored in `accuracy_calculator_reference.json`, and
/// the Mersenne Twister against faiss's `rand_perm`.
@Suite struct KMeansTests {
    @Test func permutationMatchesFaissRandPerm() {
        // faiss.rand_perm(perm, 10, 1235) in faiss 1.15.1.
        #expect(MersenneTwister.permutation(10, seed: 1235) == [3, 2, 4, 9, 0, 7, 1, 5, 6, 8])
        // The first output of std::mt19937(5489) (the C++ standard's check value is the 10000th: 4123659995).
        var g = MersenneTwister(seed: 5489)
        for _ in 0..<9999 { _ = g.next() }
        #expect(g.next() == 4_123_659_995)
    }

    @Test func assignmentsMatchFaiss() throws {
        let cases = AccuracyCalculatorTests.cases.filter { $0["kmeans_assignments"] != nil }
        #expect(cases.count >= 5)
        for c in cases {
            let labels = c["query_labels"] as! [Int]
            let x = AccuracyCalculatorTests.tensor(c["query"])
            let result = try KMeans(clusters: Set(labels).count).fit(x)
            #expect(result.assignments == c["kmeans_assignments"] as! [Int], "\(c["name"]!)")
        }
    }

    @Test func emptyClustersAreSplit() throws {
        // Four distinct points, two of them repeated, into three clusters: duplicates can leave a centroid empty.
        let rows: [Float] = [0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 5, 5]
        let result = try KMeans(clusters: 3, iterations: 5).fit(Tensor(rows, shape: [9, 2]))
        #expect(Set(result.assignments).count == 3)
        #expect(result.centroids.allSatisfy { $0.isFinite })
    }

    @Test func badInputsAreTypedErrors() {
        #expect(throws: RetrievalError.tooFewPoints(points: 2, clusters: 3)) {
            try KMeans(clusters: 3).fit(Tensor([0, 1, 2, 3], shape: [2, 2]))
        }
        #expect(throws: RetrievalError.nonFinite(name: "k-means points", row: 1)) {
            try KMeans(clusters: 1).fit(Tensor([0, 1, .infinity, 3], shape: [2, 2]))
        }
    }
}
