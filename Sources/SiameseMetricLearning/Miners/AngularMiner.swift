import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The triplets whose angle at the negative exceeds `angleDegrees` (PML's `AngularMiner`, after the angular loss
/// of Wang et al. 2017): with the centre `c = (a + p) / 2`, the angle is `atan(‖a − p‖ / (2 ‖n − c‖))`.
///
/// As PML, the angle is measured on the embeddings as given (not normalised), with `torch`'s pairwise-distance
/// offset of 1e-6. Default `angleDegrees` 20. Runs without recording gradients.
public struct AngularMiner: Sendable {
    public let angleDegrees: Float

    public init(angleDegrees: Float = 20) { self.angleDegrees = angleDegrees }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let x = embeddings.detached().contiguous().scalars
        let y = reference.map { $0.embeddings.detached().contiguous().scalars } ?? x
        let d = embeddings.shape[1]
        let threshold = Double(angleDegrees) * Double.pi / 180
        func distance(_ u: (Int) -> Double, _ v: (Int) -> Double) -> Double {
            var s = 0.0
            for k in 0..<d { let t = u(k) - v(k) + 1e-6; s += t * t }
            return s.squareRoot()
        }
        let (a, p, n) = MinedTuples.allTriplets(labels, reference: reference?.labels).asTriplets
        var ka: [Int] = [], kp: [Int] = [], kn: [Int] = []
        for t in a.indices {
            let (i, j, m) = (a[t], p[t], n[t])
            let ap = distance({ Double(x[i * d + $0]) }, { Double(y[j * d + $0]) })
            let nc = distance({ Double(y[m * d + $0]) }, { (Double(x[i * d + $0]) + Double(y[j * d + $0])) / 2 })
            if atan(ap / (2 * nc)) > threshold { ka.append(i); kp.append(j); kn.append(m) }
        }
        return .triplets(a: ka, p: kp, n: kn)
    }
}
