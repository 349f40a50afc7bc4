import SiameseCore

/// Reference embeddings and labels a batch is compared with (PML's `ref_emb`, `ref_labels`), as
/// ``CrossBatchMemory`` supplies them: anchors index the batch, positives and negatives the reference.
public struct ReferenceSet: @unchecked Sendable {
    public let embeddings: Tensor
    public let labels: [Int]

    public init(embeddings: Tensor, labels: [Int]) {
        precondition(embeddings.rank == 2 && embeddings.shape[0] == labels.count,
                     "ReferenceSet: embeddings \(embeddings.shape) do not match \(labels.count) labels")
        self.embeddings = embeddings; self.labels = labels
    }
}

/// Index tuples chosen by a miner (or all of them), which every loss accepts.
///
/// Pairs are `(a1, p, a2, n)`: positive pairs `(a1[i], p[i])` and negative pairs `(a2[j], n[j])`.
/// Triplets are `(a, p, n)` with `label(a) = label(p) ≠ label(n)`.
public enum MinedTuples: Sendable, Equatable {
    case pairs(a1: [Int], p: [Int], a2: [Int], n: [Int])
    case triplets(a: [Int], p: [Int], n: [Int])

    /// Every ordered positive pair `(i, j)`, `i ≠ j`, and every ordered negative pair, in row-major order
    /// (PML's `get_all_pairs_indices`).
    public static func allPairs(_ labels: [Int]) -> MinedTuples {
        allPairs(labels, reference: nil)
    }

    /// Every positive pair `(i, j)` (`labels[i] == reference[j]`) and negative pair between the batch (rows) and
    /// the reference labels (columns); without a reference, the batch with itself minus `i == j`.
    public static func allPairs(_ labels: [Int], reference: [Int]?) -> MinedTuples {
        if let reference {
            var a1 = [Int](), p = [Int](), a2 = [Int](), neg = [Int]()
            for i in labels.indices {
                for j in reference.indices {
                    if reference[j] == labels[i] { a1.append(i); p.append(j) } else { a2.append(i); neg.append(j) }
                }
            }
            return .pairs(a1: a1, p: p, a2: a2, n: neg)
        }
        let n = labels.count
        var sizes: [Int: Int] = [:]
        for l in labels { sizes[l, default: 0] += 1 }
        let positives = labels.reduce(0) { $0 + sizes[$1]! - 1 }
        var a1 = [Int](), p = [Int](), a2 = [Int](), neg = [Int]()
        a1.reserveCapacity(positives); p.reserveCapacity(positives)
        a2.reserveCapacity(n * n - positives - n); neg.reserveCapacity(n * n - positives - n)
        for i in 0..<n {
            let li = labels[i]
            for j in 0..<n {
                if labels[j] == li {
                    if i != j { a1.append(i); p.append(j) }
                } else {
                    a2.append(i); neg.append(j)
                }
            }
        }
        return .pairs(a1: a1, p: p, a2: a2, n: neg)
    }

    /// Every triplet `(a, p, n)` in row-major order (PML's `get_all_triplets_indices`).
    public static func allTriplets(_ labels: [Int]) -> MinedTuples { allTriplets(labels, reference: nil) }

    /// Every triplet with the anchor in the batch and the positive and negative in `reference` (the batch itself,
    /// minus `p == a`, when `nil`).
    public static func allTriplets(_ labels: [Int], reference: [Int]?) -> MinedTuples {
        let others = reference ?? labels
        let selfComparison = reference == nil
        var a: [Int] = [], p: [Int] = [], n: [Int] = []
        for i in labels.indices {
            for j in others.indices where !(selfComparison && j == i) && others[j] == labels[i] {
                for k in others.indices where others[k] != labels[i] {
                    a.append(i); p.append(j); n.append(k)
                }
            }
        }
        return .triplets(a: a, p: p, n: n)
    }

    /// Every triplet (`perAnchor` `nil`), or `perAnchor` random triplets per anchor (PML's
    /// `triplets_per_anchor`): for each class with at least two samples and at least one sample of another class,
    /// every anchor of the class gets `perAnchor` positives drawn uniformly (with replacement) among the other
    /// samples of its class and as many negatives drawn uniformly among the other classes. Draws from
    /// ``GlobalGenerator``. Classes are taken in ascending label order, as PML's `get_random_triplet_indices`.
    public static func triplets(_ labels: [Int], perAnchor: Int?) -> MinedTuples {
        triplets(labels, perAnchor: perAnchor, reference: nil)
    }

    /// ``triplets(_:perAnchor:)`` between the batch (anchors) and `reference` labels (positives and negatives; the
    /// batch itself when `nil`). With a reference an anchor's positives are every reference row of its class, the
    /// anchor's own row included, and one is enough (PML's `get_random_triplet_indices` with `ref_labels`).
    public static func triplets(_ labels: [Int], perAnchor: Int?, reference: [Int]?) -> MinedTuples {
        guard let k = perAnchor else { return allTriplets(labels, reference: reference) }
        return GlobalGenerator.with { generator in randomTriplets(labels, perAnchor: k, reference: reference, generator: &generator) }
    }

    /// ``triplets(_:perAnchor:)`` with an explicit generator.
    public static func randomTriplets(_ labels: [Int], perAnchor k: Int, generator: inout SeededGenerator) -> MinedTuples {
        randomTriplets(labels, perAnchor: k, reference: nil, generator: &generator)
    }

    /// ``triplets(_:perAnchor:reference:)`` with an explicit generator.
    public static func randomTriplets(_ labels: [Int], perAnchor k: Int, reference: [Int]?,
                                      generator: inout SeededGenerator) -> MinedTuples {
        let others = reference ?? labels
        let selfComparison = reference == nil
        var a: [Int] = [], p: [Int] = [], n: [Int] = []
        for label in Set(labels).sorted() {
            let members = labels.indices.filter { labels[$0] == label }
            let positives = others.indices.filter { others[$0] == label }
            let negatives = others.indices.filter { others[$0] != label }
            guard positives.count >= (selfComparison ? 2 : 1), !negatives.isEmpty else { continue }
            for anchor in members {
                let candidates = selfComparison ? positives.filter { $0 != anchor } : positives
                for _ in 0..<k {
                    a.append(anchor)
                    p.append(candidates[generator.nextInt(below: candidates.count)])
                    n.append(negatives[generator.nextInt(below: negatives.count)])
                }
            }
        }
        return .triplets(a: a, p: p, n: n)
    }

    /// As pairs: a triplet `(a, p, n)` gives the positive pair `(a, p)` and the negative pair `(a, n)`.
    public var asPairs: (a1: [Int], p: [Int], a2: [Int], n: [Int]) {
        switch self {
        case let .pairs(a1, p, a2, n): return (a1, p, a2, n)
        case let .triplets(a, p, n): return (a, p, a, n)
        }
    }

    /// As triplets: each positive pair is combined with every negative pair of the same anchor.
    public var asTriplets: (a: [Int], p: [Int], n: [Int]) {
        switch self {
        case let .triplets(a, p, n): return (a, p, n)
        case let .pairs(a1, p, a2, n):
            var negatives: [Int: [Int]] = [:]
            for (anchor, neg) in zip(a2, n) { negatives[anchor, default: []].append(neg) }
            var ta: [Int] = [], tp: [Int] = [], tn: [Int] = []
            for (anchor, pos) in zip(a1, p) {
                for neg in negatives[anchor] ?? [] { ta.append(anchor); tp.append(pos); tn.append(neg) }
            }
            return (ta, tp, tn)
        }
    }

    /// The `[n, n]` masks of all positive pairs (same label, off the diagonal) and all negative pairs.
    public static func allPairMasks(_ labels: [Int]) -> (positive: Tensor, negative: Tensor) {
        let n = labels.count
        let same = IntTensor(labels).equalityMatrix()
        let negative = 1 - same
        // Positives: same label, minus the diagonal.
        return (same - Tensor.eye(n), negative)
    }

    /// The `[n, n]` positive and negative masks (1 where a pair is present).
    func pairMasks(count n: Int) -> (positive: Tensor, negative: Tensor) { pairMasks(rows: n, cols: n) }

    /// The `[rows, cols]` positive and negative masks (1 where a pair is present).
    func pairMasks(rows: Int, cols: Int) -> (positive: Tensor, negative: Tensor) {
        let (a1, p, a2, neg) = asPairs
        var pos = [Float](repeating: 0, count: rows * cols), negative = [Float](repeating: 0, count: rows * cols)
        for (i, j) in zip(a1, p) { pos[i * cols + j] = 1 }
        for (i, j) in zip(a2, neg) { negative[i * cols + j] = 1 }
        return (Tensor(pos, shape: [rows, cols]), Tensor(negative, shape: [rows, cols]))
    }

    /// The masks of all positive and negative pairs between the batch and `reference` labels (no diagonal to
    /// remove), or ``allPairMasks(_:)`` without a reference.
    static func allPairMasks(_ labels: [Int], reference: [Int]?) -> (positive: Tensor, negative: Tensor) {
        guard let reference else { return allPairMasks(labels) }
        var pos = [Float](repeating: 0, count: labels.count * reference.count)
        for (i, l) in labels.enumerated() { for (j, r) in reference.enumerated() where l == r { pos[i * reference.count + j] = 1 } }
        let positive = Tensor(pos, shape: [labels.count, reference.count])
        return (positive, 1 - positive)
    }
}

extension Tensor {
    /// Entries `self[rows[k], cols[k]]` of a matrix, as a differentiable `[k]` vector.
    func entries(rows: [Int], cols: [Int]) -> Tensor {
        let width = shape[1]
        return reshaped([-1]).indexSelect(axis: 0, zip(rows, cols).map { $0 * width + $1 })
    }
}
