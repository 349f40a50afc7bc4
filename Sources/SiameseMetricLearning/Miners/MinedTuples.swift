import SiameseCore

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
    public static func allTriplets(_ labels: [Int]) -> MinedTuples {
        var a: [Int] = [], p: [Int] = [], n: [Int] = []
        for i in labels.indices {
            for j in labels.indices where j != i && labels[j] == labels[i] {
                for k in labels.indices where labels[k] != labels[i] {
                    a.append(i); p.append(j); n.append(k)
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
    func pairMasks(count n: Int) -> (positive: Tensor, negative: Tensor) {
        let (a1, p, a2, neg) = asPairs
        var pos = [Float](repeating: 0, count: n * n), negative = [Float](repeating: 0, count: n * n)
        for (i, j) in zip(a1, p) { pos[i * n + j] = 1 }
        for (i, j) in zip(a2, neg) { negative[i * n + j] = 1 }
        return (Tensor(pos, shape: [n, n]), Tensor(negative, shape: [n, n]))
    }
}

extension Tensor {
    /// Entries `self[rows[k], cols[k]]` of a matrix, as a differentiable `[k]` vector.
    func entries(rows: [Int], cols: [Int]) -> Tensor {
        let width = shape[1]
        return reshaped([-1]).indexSelect(axis: 0, zip(rows, cols).map { $0 * width + $1 })
    }
}
