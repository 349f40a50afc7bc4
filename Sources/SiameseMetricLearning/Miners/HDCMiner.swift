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
        // Positives: the largest distances (smallest similarities); negatives the other way round.
        func keep(_ rows: [Int], _ others: [Int], leastAlike: Bool) -> ([Int], [Int]) {
            guard !rows.isEmpty else { return ([], []) }
            let k = Int(ceilf(filterPercentage * Float(rows.count)))
            let descending = leastAlike != distance.isInverted
            let order = rows.indices.sorted { x, y in
                let u = mat[rows[x] * cols + others[x]], v = mat[rows[y] * cols + others[y]]
                return u == v ? x < y : (descending ? u > v : u < v)
            }
            let chosen = order.prefix(k)
            return (chosen.map { rows[$0] }, chosen.map { others[$0] })
        }
        let (ka1, kp) = keep(a1, p, leastAlike: true)
        let (ka2, kn) = keep(a2, n, leastAlike: false)
        return .pairs(a1: ka1, p: kp, a2: ka2, n: kn)
    }
}
