import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hard-aware deeply cascaded mining (Yuan et al. 2017, PML's `HDCMiner`): of all positive pairs keep the
/// `⌈filterPercentage · count⌉` least alike, of all negative pairs the same share of the most alike.
///
/// Defaults: `filterPercentage` 0.5, ``LpDistance``. Runs without recording gradients.
public struct HDCMiner: Sendable {
    public let filterPercentage: Float
    public let distance: any Distance

    public init(filterPercentage: Float = 0.5, distance: any Distance = LpDistance()) {
        precondition(filterPercentage > 0 && filterPercentage <= 1, "HDCMiner: filterPercentage must lie in (0, 1]")
        self.filterPercentage = filterPercentage; self.distance = distance
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let mat = withNoGrad { distance.matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let cols = reference?.labels.count ?? labels.count
        let (a1, p, a2, n) = MinedTuples.allPairs(labels, reference: reference?.labels).asPairs
        // Positives: the largest distances (smallest similarities); negatives the other way round. Ordered as
        // `torch.topk` returns them (best first), ties by position, with a stable radix sort on the values.
        func keep(_ rows: [Int], _ others: [Int], leastAlike: Bool) -> ([Int], [Int]) {
            guard !rows.isEmpty else { return ([], []) }
            let k = Int(ceilf(filterPercentage * Float(rows.count)))
            let descending = leastAlike != distance.isInverted
            let keys = mat.withUnsafeBufferPointer { m in
                [UInt32](unsafeUninitializedCapacity: rows.count) { b, n in
                    for t in rows.indices { b[t] = Self.sortKey(m[rows[t] &* cols &+ others[t]], descending: descending) }
                    n = rows.count
                }
            }
            let chosen = Self.stableOrder(keys).prefix(k)
            return (chosen.map { rows[Int($0)] }, chosen.map { others[Int($0)] })
        }
        let (ka1, kp) = keep(a1, p, leastAlike: true)
        let (ka2, kn) = keep(a2, n, leastAlike: false)
        return .pairs(a1: ka1, p: kp, a2: ka2, n: kn)
    }

    /// An unsigned key whose ascending order is the ascending (or, `descending`, the descending) order of `v`.
    static func sortKey(_ v: Float, descending: Bool) -> UInt32 {
        let bits = (v == 0 ? Float(0) : v).bitPattern  // −0 and +0 are equal
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return descending ? ~ascending : ascending
    }

    /// The positions `0..<keys.count` in ascending order of their keys, equal keys in position order (a least
    /// significant digit radix sort, 11 bits a pass).
    static func stableOrder(_ keys: [UInt32]) -> [UInt32] {
        let count = keys.count
        var order = [UInt32](unsafeUninitializedCapacity: count) { b, n in
            for t in 0..<count { b[t] = UInt32(truncatingIfNeeded: t) }
            n = count
        }
        var buffer = [UInt32](repeating: 0, count: count)
        var sortedKeys = keys, keyBuffer = [UInt32](repeating: 0, count: count)
        var counts = [Int](repeating: 0, count: 2049)
        for shift in stride(from: UInt32(0), to: 32, by: 11) {
            let moved: Bool = counts.withUnsafeMutableBufferPointer { c in
                order.withUnsafeMutableBufferPointer { src in
                    buffer.withUnsafeMutableBufferPointer { dst in
                        sortedKeys.withUnsafeMutableBufferPointer { ks in
                            keyBuffer.withUnsafeMutableBufferPointer { kd in
                                for b in 0..<2049 { c[b] = 0 }
                                for t in 0..<count { c[Int((ks[t] >> shift) & 0x7FF) &+ 1] &+= 1 }
                                // Every key has this digit: the pass would change nothing.
                                for b in 1..<2049 where c[b] == count { return false }
                                for b in 1..<2049 { c[b] &+= c[b &- 1] }
                                for t in 0..<count {
                                    let digit = Int((ks[t] >> shift) & 0x7FF)
                                    let slot = c[digit]
                                    c[digit] = slot &+ 1
                                    dst[slot] = src[t]; kd[slot] = ks[t]
                                }
                                return true
                            }
                        }
                    }
                }
            }
            if moved { swap(&order, &buffer); swap(&sortedKeys, &keyBuffer) }
        }
        return order
    }
}
