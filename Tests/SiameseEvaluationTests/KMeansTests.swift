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

    @Test func emptyClustersAreSplitAsFaissDoes() throws {
        // Duplicated points: initial centroids coincide and clusters go empty, so faiss's split_clusters runs.
        let root = try Fixtures.json("accuracy_calculator_reference.json") as! [String: Any]
        let cases = root["kmeans"] as! [[String: Any]]
        #expect(cases.count == 3)
        for c in cases {
            let name = c["name"] as! String
            #expect((c["splits"] as! Int) > 0, "\(name): the case exercises splitting")
            let result = try KMeans(clusters: c["clusters"] as! Int).fit(AccuracyCalculatorTests.tensor(c["points"]))
            #expect(result.assignments == c["assignments"] as! [Int], "\(name)")
            let centroids = (c["centroids"] as! [[Double]]).flatMap { $0 }
            let worst = zip(result.centroids, centroids).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(worst <= 1e-5, "\(name): centroids differ by \(worst)")
        }
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
