import SiameseCore
import SiameseIndex

/// Lloyd's k-means as faiss runs it (`faiss.Kmeans(d, k, niter: 20)` then `index.search(x, 1)`), which is what
/// PyTorch Metric Learning's `FaissKMeans` does for the NMI and AMI of its `AccuracyCalculator`.
///
/// The steps follow faiss's `Clustering::train` with its defaults (seed 1234, one run, Euclidean):
/// 1. more than `k · maxPointsPerCentroid` points (256 per centroid): train on the first `k · 256` of a seeded
///    permutation (seed `seed`);
/// 2. exactly `k` points: each point is a centroid;
/// 3. otherwise the initial centroids are the first `k` points of a permutation seeded with `seed + 1`;
/// 4. `iterations` times: assign every training point to its nearest centroid (squared L2, ties to the lower
///    centroid), replace each centroid by the float mean of its points, and split a large cluster for each empty
///    one (faiss's `split_clusters`: a copy of a randomly chosen cluster's centroid, both moved by ±1/1024);
/// 5. assign every point (not only the training sample) to its nearest final centroid.
///
/// The permutations come from the same Mersenne Twister faiss uses, so the initial centroids are faiss's; the
/// distances are computed as faiss computes them (‖x‖² + ‖c‖² − 2 x·c in float) but not by the same BLAS calls,
/// so a point almost exactly between two centroids may go the other way.
public struct KMeans: Sendable {
    /// Number of clusters `k` (≥ 1).
    public let clusters: Int
    /// Lloyd iterations (faiss's `niter`; PML passes 20).
    public let iterations: Int
    /// faiss's `seed` (default 1234).
    public let seed: Int64
    /// Training sample cap per centroid (faiss's `max_points_per_centroid`, default 256).
    public let maxPointsPerCentroid: Int

    /// The result of ``fit(_:)``.
    public struct Result: Sendable, Equatable {
        /// Centroids, `[clusters, d]` row-major.
        public var centroids: [Float]
        /// The nearest centroid of every point.
        public var assignments: [Int]
        /// Sum of squared distances of the training points to their centroids at the last iteration (faiss's
        /// last `obj`; 0 when no iteration ran).
        public var objective: Double
    }

    public init(clusters: Int, iterations: Int = 20, seed: Int64 = 1234, maxPointsPerCentroid: Int = 256) {
        self.clusters = clusters; self.iterations = iterations; self.seed = seed
        self.maxPointsPerCentroid = maxPointsPerCentroid
    }

    /// Clusters the rows of `points` (`[n, d]`, finite, `n ≥ clusters`).
    ///
    /// - Throws: ``RetrievalError/invalidShape(name:shape:)``, ``RetrievalError/nonFinite(name:row:)``,
    ///   ``RetrievalError/tooFewPoints(points:clusters:)``.
    public func fit(_ points: Tensor) throws(RetrievalError) -> Result {
        guard points.rank == 2, points.shape[1] >= 1 else { throw .invalidShape(name: "k-means points", shape: points.shape) }
        let n = points.shape[0], d = points.shape[1], k = clusters
        guard k >= 1, n >= k else { throw .tooFewPoints(points: n, clusters: k) }
        let all = points.scalars
        if let bad = all.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(name: "k-means points", row: bad / d) }

        // 1. The training sample.
        var x = all, nx = n
        if n > k * maxPointsPerCentroid {
            let perm = MersenneTwister.permutation(n, seed: seed)
            nx = k * maxPointsPerCentroid
            x = [Float](repeating: 0, count: nx * d)
            for i in 0..<nx { for j in 0..<d { x[i * d + j] = all[perm[i] * d + j] } }
        }
        var centroids: [Float]
        var objective = 0.0
        if nx == k {
            // 2. As many points as clusters.
            centroids = Array(all[0..<(k * d)])
        } else {
            // 3. Initial centroids.
            let perm = MersenneTwister.permutation(nx, seed: seed &+ 1)
            centroids = [Float](repeating: 0, count: k * d)
            for c in 0..<k { for j in 0..<d { centroids[c * d + j] = x[perm[c] * d + j] } }
            // 4. Lloyd iterations.
            for _ in 0..<iterations {
                let (assign, distances) = try Self.nearest(x, count: nx, centroids: centroids, k: k, d: d)
                objective = distances.reduce(0) { $0 + Double($1) }
                var counts = [Float](repeating: 0, count: k)
                centroids = [Float](repeating: 0, count: k * d)
                for i in 0..<nx {
                    let c = assign[i]
                    counts[c] += 1
                    for j in 0..<d { centroids[c * d + j] += x[i * d + j] }
                }
                for c in 0..<k where counts[c] != 0 {
                    let scale = 1 / counts[c]
                    for j in 0..<d { centroids[c * d + j] *= scale }
                }
                Self.splitEmptyClusters(&centroids, counts: &counts, k: k, d: d, points: nx)
            }
        }
        // 5. Final assignment of every point.
        let (assignments, _) = try Self.nearest(all, count: n, centroids: centroids, k: k, d: d)
        return Result(centroids: centroids, assignments: assignments, objective: objective)
    }

    /// The nearest centroid of each point and its squared distance (exact search, ties to the lower centroid).
    static func nearest(_ x: [Float], count: Int, centroids: [Float], k: Int, d: Int) throws(RetrievalError) -> ([Int], [Float]) {
        var index = ExactIndex(dimension: d, metric: .l2)
        do {
            try index.add(Tensor(centroids, shape: [k, d]))
            let r = try index.search(Tensor(x, shape: [count, d]), k: 1)
            return (r.ids.map { $0[0] }, r.scores.map { $0[0] })
        } catch {
            throw .search(error.description)
        }
    }

    /// faiss's `split_clusters`: each empty cluster takes the centroid of a cluster drawn with probability
    /// proportional to its size − 1, and the two centroids move apart by a factor 1 ± 1/1024 per component.
    static func splitEmptyClusters(_ centroids: inout [Float], counts: inout [Float], k: Int, d: Int, points n: Int) {
        var rng = MersenneTwister(seed: 1234)
        let eps = 1.0 / 1024
        for ci in 0..<k where counts[ci] == 0 {
            var cj = 0
            while true {
                let p = Float((Double(counts[cj]) - 1.0) / Double(Float(n - k)))
                if rng.float() < p { break }
                cj = (cj + 1) % k
            }
            for j in 0..<d { centroids[ci * d + j] = centroids[cj * d + j] }
            for j in 0..<d {
                let up = j % 2 == 0
                centroids[ci * d + j] = Float(Double(centroids[ci * d + j]) * (up ? 1 + eps : 1 - eps))
                centroids[cj * d + j] = Float(Double(centroids[cj * d + j]) * (up ? 1 - eps : 1 + eps))
            }
            counts[ci] = counts[cj] / 2
            counts[cj] -= counts[ci]
        }
    }
}
